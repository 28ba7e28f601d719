/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * `ecsim import DIR`: a folder of AWS CLI output that lacks what the
 * service references must say which object is missing and the exact
 * command that fetches it (exit 2); a choice the user must make (which
 * service) or a setup ecsim cannot model (CODE_DEPLOY) must stop with a
 * precise message; collect.sh must run exactly the commands the import
 * asks for (a recording `aws` stub proves it), ALB access logs included;
 * and `ecsim validate` must recognise each AWS CLI output alone. That the
 * scenarios import writes run (calibrated, EC2, the wordpress twin):
 * test-import-twin.c. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

#define TG_ARN "arn:aws:elasticloadbalancing:us-east-1:123456789012:" \
               "targetgroup/web-tg/0123456789abcdef"

/* describe-services output: service "web" of cluster "prod" with
 * @extra members. */
static char *
services_json(const char *extra)
{
  return g_strdup_printf(
    "{\"services\": [{\"serviceName\": \"web\", \"clusterArn\": "
    "\"arn:aws:ecs:us-east-1:123456789012:cluster/prod\", "
    "\"taskDefinition\": \"arn:aws:ecs:us-east-1:123456789012:"
    "task-definition/web-td:3\", \"desiredCount\": 2%s%s}], "
    "\"failures\": []}", *extra ? ", " : "", extra);
}

#define CLUSTERS                                                           \
  "{\"clusters\": [{\"clusterName\": \"prod\", \"capacityProviders\": "    \
  "[\"FARGATE\", \"FARGATE_SPOT\", \"cp-web\"], "                          \
  "\"defaultCapacityProviderStrategy\": []}], \"failures\": []}"

static void
put(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
}

/* The line of @text that starts with @start, the first line included. */
static char *
line_of(const char *text, const char *start)
{
  g_autofree char *nl = g_strconcat("\n", text, NULL);
  return test_line_of(nl, start);
}

/* Runs `ecsim import DIR ARGS...` (up to three extra arguments). */
static int
import(const char *dir, char **out, char **err, const char *a1,
       const char *a2, const char *a3)
{
  return cli_run(NULL, out, err, "import", dir, a1, a2, a3, NULL);
}

Test(pitfalls, import_names_the_missing_task_definition_and_its_command)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *svc = services_json("");
  put(dir, "services.json", svc);
  put(dir, "clusters.json", CLUSTERS);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(import(dir, &out, &err, NULL, NULL, NULL), 2, "%s", err);
  g_autofree char *expected = g_strdup_printf(
    "missing: the task definition web-td:3 that service web uses; fetch it "
    "with: aws ecs describe-task-definition --task-definition web-td:3 > "
    "%s/taskdef-web-td-3.json", dir);
  g_autofree char *line = line_of(err, "missing: the task");
  cr_assert_str_eq(line, expected);
  cr_assert_str_eq(out, "", "no scenario is written");
  test_rmrf(dir);
}

Test(pitfalls, import_follows_a_capacity_provider_to_its_launch_template)
{
  /* AWS's strategy names the provider, whose group names a template
   * version '$Default': each missing link is one command, quoted so a
   * shell does not expand $Default. */
  g_autofree char *dir = test_tmpdir();
  g_autofree char *svc = services_json(
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"cp-web\", "
    "\"weight\": 1, \"base\": 0}]");
  put(dir, "services.json", svc);
  put(dir, "clusters.json", CLUSTERS);
  put(dir, "td.json", "{\"taskDefinition\": {\"family\": \"web-td\", "
      "\"revision\": 3, \"containerDefinitions\": [{\"name\": \"app\", "
      "\"image\": \"x\", \"memory\": 512}]}}");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(import(dir, &out, &err, "--next-commands", NULL, NULL), 0);
  g_autofree char *cp = g_strdup_printf(
    "aws ecs describe-capacity-providers --capacity-providers cp-web > "
    "%s/cp-cp-web.json\n", dir);
  cr_assert(strstr(out, cp), "%s", out);
  put(dir, "cps.json", "{\"capacityProviders\": [{\"name\": \"cp-web\", "
      "\"autoScalingGroupProvider\": {\"autoScalingGroupArn\": "
      "\"arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:"
      "1d2c:autoScalingGroupName/asg-web\"}}]}");
  g_clear_pointer(&out, g_free);
  cr_assert_eq(import(dir, &out, NULL, "--next-commands", NULL, NULL), 0);
  g_autofree char *asg = g_strdup_printf(
    "aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names"
    " asg-web > %s/asg-asg-web.json\n", dir);
  cr_assert(strstr(out, asg), "%s", out);
  put(dir, "asgs.json", "{\"AutoScalingGroups\": [{\"AutoScalingGroupName\":"
      " \"asg-web\", \"MinSize\": 0, \"MaxSize\": 4, \"DesiredCapacity\": 2, "
      "\"LaunchTemplate\": {\"LaunchTemplateId\": \"lt-0123456789abcdef0\", "
      "\"LaunchTemplateName\": \"web-lt\", \"Version\": \"$Default\"}}]}");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(import(dir, &out, &err, NULL, NULL, NULL), 2);
  g_autofree char *lt = g_strdup_printf(
    "missing: version $Default of launch template lt-0123456789abcdef0 that "
    "Auto Scaling group asg-web uses; fetch it with: aws ec2 "
    "describe-launch-template-versions --launch-template-id "
    "lt-0123456789abcdef0 --versions '$Default' > %s/lt-lt-0123456789abcdef0"
    "-Default.json", dir);
  g_autofree char *line = line_of(err, "missing: version");
  cr_assert_str_eq(line, lt);
  test_rmrf(dir);
}

Test(pitfalls, import_starts_from_an_empty_folder_with_service_and_cluster)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "import", dir, "--service", "web",
                       "--cluster", "prod", "--next-commands", NULL), 0);
  g_autofree char *expected = g_strdup_printf(
    "aws ecs describe-services --cluster prod --services web > "
    "%s/services-web.json\naws ecs describe-clusters --clusters prod "
    "--include SETTINGS CONFIGURATIONS > %s/cluster-prod.json\n", dir, dir);
  cr_assert_str_eq(out, expected);
  test_rmrf(dir);
}

Test(pitfalls, import_of_several_services_asks_which)
{
  g_autofree char *dir = test_tmpdir();
  put(dir, "a.json", "{\"services\": [{\"serviceName\": \"web\", "
      "\"taskDefinition\": \"web\"}, {\"serviceName\": \"api\", "
      "\"taskDefinition\": \"api\"}]}");
  g_autofree char *err = NULL;
  cr_assert_eq(import(dir, NULL, &err, NULL, NULL, NULL), 2);
  g_autofree char *expected = g_strdup_printf(
    "%s: several services (web, api): choose one with --service NAME\n",
    dir);
  cr_assert_str_eq(err, expected);
  test_rmrf(dir);
}

Test(pitfalls, import_refuses_a_code_deploy_service)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *svc = services_json(
    "\"deploymentController\": {\"type\": \"CODE_DEPLOY\"}");
  put(dir, "s.json", svc);
  g_autofree char *err = NULL;
  cr_assert_eq(import(dir, NULL, &err, NULL, NULL, NULL), 2);
  g_autofree char *expected = g_strdup_printf(
    "%s/s.json: /services/0/deploymentController/type: CODE_DEPLOY "
    "deployments are not modelled: ecsim simulates ECS's rolling update "
    "(deploymentController ECS) only\n", dir);
  cr_assert_str_eq(err, expected);
  test_rmrf(dir);
}

Test(pitfalls, import_skips_unknown_json_and_stops_at_a_syntax_error)
{
  g_autofree char *dir = test_tmpdir();
  put(dir, "a-notes.json", "{\"hello\": 1}");
  put(dir, "b-broken.json", "{\"services\": [\n  {\"serviceName\": }\n]}");
  g_autofree char *err = NULL;
  cr_assert_eq(import(dir, NULL, &err, NULL, NULL, NULL), 2);
  g_autofree char *expected = g_strdup_printf(
    "%s/a-notes.json: not an AWS CLI output ecsim knows; skipped\n"
    "%s/b-broken.json:2:19: syntax error near '}'\n", dir, dir);
  cr_assert_str_eq(err, expected);
  test_rmrf(dir);
}

Test(pitfalls, import_without_traffic_says_so)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *src = g_build_filename(test_source_root(), "scenarios",
                                          "import", "wordpress", NULL);
  g_autofree char *err = NULL, *out = NULL;
  cr_assert_eq(import(src, &out, &err, NULL, NULL, NULL), 0, "%s", err);
  cr_assert(strstr(err, "no traffic: "), "%s", err);
  cr_assert(strstr(err, "/TargetGroups/0/HealthCheckPath: not mapped: "),
            "%s", err);
  cr_assert(strstr(out, "\"file\": \"scenarios/import/wordpress/"
                        "describe-services-wordpress.json\""), "%s", out);
  test_rmrf(dir);
}

/* collect.sh with `aws` replaced by a stub that prints recordings and
 * logs each call: the calls must be exactly the expected list. */
Test(pitfalls, collect_sh_runs_exactly_the_commands_import_asks_for)
{
  g_autofree char *tmp = test_tmpdir();
  const char *root = test_source_root();
  g_autofree char *stub = g_build_filename(root, "tests", "data",
                                           "aws-stub", NULL);
  g_autofree char *rec = g_build_filename(stub, "wordpress", NULL);
  g_autofree char *log = g_build_filename(tmp, "calls.log", NULL);
  g_autofree char *dir = g_build_filename(tmp, "wp", NULL);
  g_autofree char *script = g_build_filename(root, "scenarios", "import",
                                             "collect.sh", NULL);
  g_autofree char *bin = g_canonicalize_filename(cli_binary(), root);
  g_autofree char *path = g_strdup_printf("%s:%s", stub, g_getenv("PATH"));
  char **env = g_get_environ();
  env = g_environ_setenv(env, "PATH", path, TRUE);
  env = g_environ_setenv(env, "AWS_STUB_DIR", rec, TRUE);
  env = g_environ_setenv(env, "AWS_STUB_LOG", log, TRUE);
  env = g_environ_setenv(env, "ECSIM", bin, TRUE);
  env = g_environ_setenv(env, "START_TIME", "2024-09-14T04:37:00Z", TRUE);
  env = g_environ_setenv(env, "END_TIME", "2024-09-15T04:37:00Z", TRUE);
  const char *argv[] = { "sh", script, "wordpress-service",
                         "Wordpress-Cluster", dir, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;
  cr_assert(g_spawn_sync(tmp, (char **) argv, env, G_SPAWN_SEARCH_PATH,
                         NULL, NULL, &out, &err, &status, NULL));
  g_strfreev(env);
  cr_assert(g_spawn_check_wait_status(status, NULL), "%s", err);
  /* The calls name the folder: DIR in the recording. */
  g_autofree char *logged = test_read_file(NULL, log);
  g_auto(GStrv) pieces = g_strsplit(logged, dir, -1);
  g_autofree char *calls = g_strjoinv("DIR", pieces);
  g_autofree char *expected = test_read_file(rec, "expected-calls.txt");
  cr_assert_str_eq(calls, expected);
  cr_assert(strstr(out, "Next:\n"), "%s", out);
  /* The load balancer logs to S3 (empty prefix): the window's two days
   * were copied, the first with one log file. */
  g_autofree char *alb = g_build_filename(dir, "alb-logs", "533917667520_"
    "elasticloadbalancing_us-east-1_app.OurApplicationLoadBalancer."
    "597e0e7e802a7d3f_20240914T0505Z_10.0.1.23_2u7s1x0d.log", NULL);
  cr_assert(g_file_test(alb, G_FILE_TEST_EXISTS), "%s", alb);
  /* What it fetched is complete: the import writes a scenario, its
   * service time calibrated from those logs. */
  g_autofree char *scn = g_build_filename(tmp, "wp.json", NULL);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "import", dir, "-o", scn, NULL), 0,
               "%s", err);
  g_strdelimit(err, "\n", ' ');
  cr_assert(strstr(err, "calibrated the workload of wordpress-service from "
                        ), "%s", err);
  cr_assert(strstr(err, ", from 150 requests;"), "%s", err);
  g_autofree char *text = test_read_file(NULL, scn);
  cr_assert(strstr(text, "\"Attributes\": {\"file\": \"wp/tgattrs-"
                         "wordpress-tg.json\"}"), "%s", text);
  cr_assert(strstr(text, "\"metric\": \"requests\""), "%s", text);
  cr_assert(strstr(text, "\"service_time\": {\"dist\": \"lognormal\""),
            "%s", text);
  test_rmrf(tmp);
}

/* Without the Auto Scaling group behind cp-web, the one command asked
 * for is the one that fetches it. */
Test(pitfalls, import_of_an_ec2_account_asks_for_its_missing_group)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *src = g_build_filename(test_source_root(), "tests",
                                          "data", "aws", NULL);
  g_autoptr(GDir) d = g_dir_open(src, 0, NULL);
  cr_assert_not_null(d);
  for (const char *name; (name = g_dir_read_name(d)) != NULL;) {
    if (strcmp(name, "describe-auto-scaling-groups.json") == 0)
      continue;
    g_autofree char *text = test_read_file(src, name);
    put(tmp, name, text);
  }
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "import", tmp, "--service", "web",
                       "--next-commands", NULL), 0);
  g_autofree char *expected = g_strdup_printf(
    "aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names"
    " asg-web > %s/asg-asg-web.json\n", tmp);
  cr_assert_str_eq(out, expected);
  test_rmrf(tmp);
}

/* `ecsim validate` on each AWS CLI output of tests/data/aws alone: every
 * one is recognised and described (before, those import reads but the
 * scenario format does not take as a whole file were refused as bad
 * scenarios). */
Test(pitfalls, validate_recognises_each_aws_output_alone)
{
  static const char *const expected[][2] = {
    { "aas-policies.json", "describe-scaling-policies output: 3 policies, "
                           "cpu50, cpu-burst, cpu70" },
    { "aas-scheduled.json", "describe-scheduled-actions output: 1 scheduled "
                            "action, morning" },
    { "aas-targets.json", "describe-scalable-targets output: 2 scalable "
                          "targets, service/prod/web, service/staging/web" },
    { "alarms-web.json", "describe-alarms output: 1 alarm, web-cpu-burst" },
    { "describe-auto-scaling-groups.json",
      "describe-auto-scaling-groups output: 1 group, asg-web" },
    { "describe-capacity-providers.json", "describe-capacity-providers "
      "output: 3 capacity providers, cp-web, FARGATE, FARGATE_SPOT" },
    { "describe-clusters.json", "describe-clusters output: 1 cluster, prod" },
    { "describe-launch-template-versions.json",
      "describe-launch-template-versions output: 2 versions, web-lt:2 "
      "c6i.large, web-lt:1 m6i.large (default)" },
    { "describe-load-balancers.json",
      "describe-load-balancers output: 1 load balancer, web-alb" },
    { "describe-target-group-attributes-web-tg.json",
      "describe-target-group-attributes output: 7 attributes; "
      "deregistration delay 30 s, least_outstanding_requests" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(expected); i++) {
    g_autofree char *path = g_build_filename("tests", "data", "aws",
                                             expected[i][0], NULL);
    g_autofree char *out = NULL, *err = NULL;
    cr_assert_eq(cli_run(NULL, &out, &err, "validate", path, NULL), 0,
                 "%s: %s", path, err);
    g_autofree char *line = g_strdup_printf("%s: ok (%s)\n", path,
                                            expected[i][1]);
    cr_assert_str_eq(out, line);
  }
}

Test(pitfalls, validate_names_the_path_in_a_lone_aws_output)
{
  g_autofree char *dir = test_tmpdir();
  static const char *const cases[][2] = {
    { "{\"AutoScalingGroups\": [{\"MinSize\": 1}]}",
      "/AutoScalingGroups/0: a group needs its AutoScalingGroupName" },
    { "{\"Attributes\": [{\"Key\": \"deregistration_delay.timeout_seconds\","
      " \"Value\": \"soon\"}]}",
      "/Attributes/0/Value: must be whole seconds from 0 to 3600, got "
      "\"soon\"" },
    { "{\"MetricDataResults\": [{\"Id\": \"requests\", \"Timestamps\": "
      "[\"2024-01-01T00:00:00Z\"], \"Values\": []}]}",
      "/MetricDataResults/0/Values: has 0 values but Timestamps has 1" },
    { "{\"LaunchTemplateVersions\": [{\"LaunchTemplateName\": \"lt\", "
      "\"VersionNumber\": \"one\"}]}", "/LaunchTemplateVersions/0/" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    put(dir, "f.json", cases[i][0]);
    g_autofree char *path = g_build_filename(dir, "f.json", NULL);
    g_autofree char *err = NULL;
    cr_assert_eq(cli_run(NULL, NULL, &err, "validate", path, NULL), 2);
    g_autofree char *start = g_strdup_printf("%s: %s", path, cases[i][1]);
    cr_assert(g_str_has_prefix(err, start), "%s\nwanted %s", err, start);
  }
  test_rmrf(dir);
}

/* The load balancer's attributes say it logs to s3://prod-alb-logs/web/:
 * for the metrics' window, one copy per UTC day it spans (an end at
 * midnight takes nothing of that day), account and region from the load
 * balancer's ARN. */
Test(pitfalls, import_asks_for_the_alb_access_logs_of_each_day)
{
  g_autofree char *src = g_build_filename(test_source_root(), "tests",
                                          "data", "aws", NULL);
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "import", src, "--service", "web",
                       "--next-commands", "--start-time",
                       "2024-03-11T22:00:00Z", "--end-time",
                       "2024-03-13T00:00:00Z", NULL), 0);
  g_autofree char *day1 = g_strdup_printf(
    "\naws s3 cp s3://prod-alb-logs/web/AWSLogs/123456789012/"
    "elasticloadbalancing/us-east-1/2024/03/11/ %s/alb-logs/ --recursive\n"
    "aws s3 cp s3://prod-alb-logs/web/AWSLogs/123456789012/"
    "elasticloadbalancing/us-east-1/2024/03/12/ %s/alb-logs/ --recursive\n",
    src, src);
  cr_assert(g_str_has_suffix(out, day1), "%s", out);
  cr_assert_null(strstr(out, "/2024/03/13/"), "%s", out);
}
