/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * The cluster section written as the AWS CLI prints it (describe-clusters,
 * describe-capacity-providers, describe-auto-scaling-groups,
 * describe-launch-template-versions; tests/data/aws/ holds one account's
 * cluster "prod") must simulate exactly as the same cluster written in
 * ecsim's own form, and the mistakes a user makes pasting such output must
 * stop with one message naming the file and the JSON path. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "models/output/report.h"
#include "scenarios/cli.h"
#include "support.h"

#define TASKDEF                                                              \
  "{\"family\": \"web\", \"networkMode\": \"bridge\", "                     \
  "\"requiresCompatibilities\": [\"EC2\"], \"containerDefinitions\": "       \
  "[{\"name\": \"app\", \"image\": \"x\", \"cpu\": 512, \"memory\": 900}]}"

/* Service "web" on the cluster's default strategy, and @cluster. */
static char *
scenario(const char *cluster, const char *service_extra)
{
  return g_strdup_printf(
    "{\"duration\": \"2h\", \"seed\": 3, \"cluster\": %s, "
    "\"taskDefinitions\": [" TASKDEF "], \"services\": [{\"serviceName\": "
    "\"web\", \"taskDefinition\": \"web\", \"desiredCount\": 12%s, "
    "\"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": 40},"
    " \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"20ms\", "
    "\"cv\": 1}}}]}", cluster, service_extra);
}

/* cluster "prod" from the four files of tests/data/aws/, with @asg_extra
 * laid over its groups. */
static char *
aws_cluster(const char *asg_extra)
{
  return g_strdup_printf(
    "{\"file\": \"aws/describe-clusters.json\", "
    "\"capacityProviders\": [{\"file\": "
    "\"aws/describe-capacity-providers.json\"}], "
    "\"auto_scaling_groups\": [{\"file\": "
    "\"aws/describe-auto-scaling-groups.json\"%s}], "
    "\"launch_templates\": [{\"file\": "
    "\"aws/describe-launch-template-versions.json\"}]}", asg_extra);
}

/* The same cluster in ecsim's own form. */
#define ECSIM_CLUSTER                                                        \
  "{\"clusterName\": \"prod\", \"capacityProviders\": [\"FARGATE\", "        \
  "\"FARGATE_SPOT\", \"cp-web\"], \"defaultCapacityProviderStrategy\": "     \
  "[{\"capacityProvider\": \"cp-web\", \"weight\": 1, \"base\": 0}], "       \
  "\"auto_scaling_groups\": [{\"name\": \"cp-web\", \"instance_type\": "     \
  "\"m6i.large\", \"min\": 0, \"max\": 10, \"desired\": 2, "                 \
  "\"availability_zones\": [\"us-east-1a\", \"us-east-1b\", "                \
  "\"us-east-1c\"], \"boot_time\": \"90s\", \"managedScaling\": "            \
  "{\"status\": \"ENABLED\", \"targetCapacity\": 90, "                       \
  "\"minimumScalingStepSize\": 1, \"maximumScalingStepSize\": 10000, "       \
  "\"instanceWarmupPeriod\": 300}, \"managedTerminationProtection\": "       \
  "\"ENABLED\"}]}"

static char *
summary_text(const char *json)
{
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cJSON *summary = report_summary(run->w);
  char *text = cJSON_Print(summary);
  cJSON_Delete(summary);
  test_run_free(run);
  return text;
}

/* "<source root>/tests/data/@name": how messages name an included file. */
static char *
data_path(const char *name)
{
  return g_build_filename(test_source_root(), "tests", "data", name, NULL);
}

static void
assert_refused(const char *text, const char *message)
{
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg, "accepted: %s", text);
  cr_assert_str_eq(msg, message);
}

/* ---- the equivalence --------------------------------------------------- */

Test(pitfalls, aws_cli_cluster_runs_as_its_ecsim_form)
{
  g_autofree char *cluster = aws_cluster(", \"boot_time\": \"90s\"");
  g_autofree char *aws = scenario(cluster, "");
  g_autofree char *own = scenario(ECSIM_CLUSTER, "");
  g_autofree char *a = summary_text(aws);
  g_autofree char *b = summary_text(own);
  cr_assert_str_eq(a, b);
  /* and the run is one where the provider's managed scaling mattered: 12
   * tasks of 512 CPU units do not fit the group's 2 m6i.large */
  TestRun *run = test_run_new(aws);
  test_run_finish(run);
  const AsgConfig *asg = run->cfg->cluster->asgs->pdata[0];
  cr_assert_str_eq(asg->name, "cp-web");
  cr_assert_str_eq(asg->group_name, "asg-web");
  cr_assert_str_eq(asg->type->name, "m6i.large"); /* $Default: version 1 */
  cr_assert_eq(asg->target_capacity, 90);
  cr_assert(asg->termination_protection);
  cr_assert_geq(test_summary_number(run, "capacity.instances_launched"), 1);
  cr_assert_geq(test_summary_number(run, "capacity.max_instances"), 4);
  test_run_free(run);
}

Test(pitfalls, aws_group_latest_template_version_is_the_highest)
{
  g_autofree char *cluster = aws_cluster(
    ", \"LaunchTemplate\": {\"LaunchTemplateName\": \"web-lt\", "
    "\"Version\": \"$Latest\"}");
  g_autofree char *text = scenario(cluster, "");
  GError *error = NULL;
  ScenarioConfig *cfg = test_configure(text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  const AsgConfig *asg = cfg->cluster->asgs->pdata[0];
  cr_assert_str_eq(asg->type->name, "c6i.large");
  scenario_config_free(cfg);
}

/* ---- mistakes ---------------------------------------------------------- */

Test(pitfalls, strategy_naming_the_group_not_its_provider)
{
  g_autofree char *cluster = aws_cluster("");
  g_autofree char *text = scenario(
    cluster, ", \"capacityProviderStrategy\": [{\"capacityProvider\": "
             "\"asg-web\", \"weight\": 1}]");
  assert_refused(text, "t.json: /services/0/capacityProviderStrategy: The "
                 "specified capacity provider strategy cannot contain a "
                 "capacity provider that is not associated with the cluster "
                 "(\"asg-web\"); \"asg-web\" is an Auto Scaling group: did "
                 "you mean the capacity provider cp-web, which uses this "
                 "group?");
}

Test(pitfalls, launch_template_version_not_in_the_file)
{
  g_autofree char *cluster = aws_cluster(
    ", \"LaunchTemplate\": {\"LaunchTemplateId\": \"lt-0123456789abcdef0\", "
    "\"Version\": \"3\"}");
  g_autofree char *text = scenario(cluster, "");
  assert_refused(text, "t.json: /cluster/auto_scaling_groups/0/"
                 "LaunchTemplate/Version: launch template "
                 "lt-0123456789abcdef0 version 3 is not in "
                 "cluster.launch_templates (the file has versions 2, 1; "
                 "fetch it with: aws ec2 describe-launch-template-versions "
                 "--launch-template-id lt-0123456789abcdef0 --versions '3')");
}

Test(pitfalls, launch_templates_missing_names_the_command)
{
  g_autofree char *text = scenario(
    "{\"file\": \"aws/describe-clusters.json\", \"capacityProviders\": "
    "[{\"file\": \"aws/describe-capacity-providers.json\"}], "
    "\"auto_scaling_groups\": [{\"file\": "
    "\"aws/describe-auto-scaling-groups.json\"}]}", "");
  g_autofree char *file = data_path("aws/describe-auto-scaling-groups.json");
  g_autofree char *want = g_strdup_printf(
    "%s: /AutoScalingGroups/0/LaunchTemplate/Version: launch template "
    "lt-0123456789abcdef0 version $Default is not in "
    "cluster.launch_templates (fetch it with: aws ec2 "
    "describe-launch-template-versions --launch-template-id "
    "lt-0123456789abcdef0 --versions '$Default')", file);
  assert_refused(text, want);
}

Test(pitfalls, two_clusters_in_the_file_and_no_cluster_name)
{
  g_autofree char *text = scenario(
    "{\"file\": \"aws-mistakes/describe-clusters-two.json\"}", "");
  g_autofree char *file = data_path("aws-mistakes/describe-clusters-two.json");
  g_autofree char *want = g_strdup_printf(
    "t.json: /cluster: '%s' holds 2 clusters (prod, staging); name one "
    "with \"clusterName\"", file);
  assert_refused(text, want);
}

Test(pitfalls, cluster_name_picks_one_of_several)
{
  g_autofree char *text = scenario(
    "{\"file\": \"aws-mistakes/describe-clusters-two.json\", "
    "\"clusterName\": \"stagin\"}", "");
  g_autofree char *file = data_path("aws-mistakes/describe-clusters-two.json");
  g_autofree char *want = g_strdup_printf(
    "t.json: /cluster/clusterName: '%s' holds no cluster \"stagin\" (it "
    "holds: prod, staging)", file);
  assert_refused(text, want);
}

Test(pitfalls, provider_whose_group_is_missing)
{
  g_autofree char *text = scenario(
    "{\"file\": \"aws/describe-clusters.json\", \"capacityProviders\": "
    "[{\"file\": \"aws/describe-capacity-providers.json\"}]}", "");
  g_autofree char *file = data_path("aws/describe-capacity-providers.json");
  g_autofree char *want = g_strdup_printf(
    "%s: /capacityProviders/0: capacity provider \"cp-web\" uses Auto "
    "Scaling group \"asg-web\", which is not in cluster.auto_scaling_groups "
    "(fetch it with: aws autoscaling describe-auto-scaling-groups "
    "--auto-scaling-group-names asg-web)", file);
  assert_refused(text, want);
}

Test(pitfalls, provider_and_group_disagree_on_managed_scaling)
{
  g_autofree char *cluster = aws_cluster(
    ", \"managedScaling\": {\"status\": \"ENABLED\", \"targetCapacity\": "
    "100}");
  g_autofree char *text = scenario(cluster, "");
  g_autofree char *file = data_path("aws/describe-capacity-providers.json");
  g_autofree char *want = g_strdup_printf(
    "%s: /capacityProviders/0/autoScalingGroupProvider/managedScaling: "
    "differs from the managedScaling of Auto Scaling group \"asg-web\" in "
    "auto_scaling_groups: set it in one place", file);
  assert_refused(text, want);
}

Test(pitfalls, launch_configuration_needs_an_instance_type)
{
  g_autofree char *text = scenario(
    "{\"auto_scaling_groups\": [{\"AutoScalingGroupName\": \"legacy\", "
    "\"MinSize\": 0, \"MaxSize\": 4, \"DesiredCapacity\": 2, "
    "\"LaunchConfigurationName\": \"legacy-lc\"}]}", "");
  assert_refused(text, "t.json: /cluster/auto_scaling_groups/0/"
                 "LaunchConfigurationName: a launch configuration's "
                 "instance type is not in describe-auto-scaling-groups "
                 "output: lay \"instance_type\" over this group, e.g. "
                 "{\"file\": ..., \"instance_type\": \"m5.large\"} (see it "
                 "with: aws autoscaling describe-launch-configurations "
                 "--launch-configuration-names legacy-lc)");
}

Test(pitfalls, ecsim_key_on_an_aws_group_names_the_aws_key)
{
  g_autofree char *cluster = aws_cluster(", \"desired\": 4");
  g_autofree char *text = scenario(cluster, "");
  assert_refused(text, "t.json: /cluster/auto_scaling_groups/0/desired: "
                 "this group has AWS's shape (it has AutoScalingGroupName):"
                 " write \"DesiredCapacity\" instead");
}

Test(pitfalls, aws_cluster_mistake_exits_2_from_validate)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *rel = data_path("aws-mistakes/describe-clusters-two.json");
  g_autofree char *clusters = g_canonicalize_filename(rel, NULL);
  g_autofree char *cluster = g_strdup_printf("{\"file\": \"%s\"}", clusters);
  g_autofree char *text = scenario(cluster, "");
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "validate", path, NULL);
  cr_assert_eq(status, 2, "status %d: %s", status, err);
  cr_assert(strstr(err, "s.json: /cluster: ") != NULL, "%s", err);
  cr_assert(strstr(err, "holds 2 clusters (prod, staging)") != NULL, "%s",
            err);
  test_rmrf(dir);
}
