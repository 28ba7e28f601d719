/* Scenario loading: one test per malformed input, asserting the exact
 * path and reason; includes, variants and overrides. */
#include <criterion/criterion.h>
#include <string.h>

#include "support.h"

#define TASKDEF                                                              \
  "{\"family\": \"web\", \"cpu\": \"256\", \"memory\": \"512\", "            \
  "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], " \
  "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\", "        \
  "\"portMappings\": [{\"containerPort\": 8080}]}]}"

/* A valid scenario whose first service is @service (JSON members). */
static char *
scenario_with(const char *service, const char *extra)
{
  return g_strdup_printf(
    "{\"duration\": \"1h\", \"taskDefinitions\": [" TASKDEF "],"
    " \"targetGroups\": [{\"TargetGroupName\": \"web-tg\"}],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\""
    "%s%s}]%s%s}",
    *service ? ", " : "", service, *extra ? ", " : "", extra);
}

static void
expect_error(const char *service, const char *extra, const char *message)
{
  g_autofree char *text = scenario_with(service, extra);
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg, "accepted: %s", text);
  cr_assert_str_eq(msg, message);
}

Test(scenario, valid_minimal_scenario_loads)
{
  g_autofree char *text = scenario_with("\"desiredCount\": 2", "");
  GError *error = NULL;
  ScenarioConfig *cfg = test_configure(text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  cr_assert_eq(cfg->duration, SIM_HOUR);
  cr_assert_eq(cfg->period, 60 * SIM_SEC);
  cr_assert_eq(cfg->seed, 1);
  cr_assert_str_eq(cfg->variant, "base");
  cr_assert_str_eq(cfg->name, "t");
  ServiceConfig *svc = cfg->services->pdata[0];
  cr_assert_eq(svc->desired_count, 2);
  cr_assert_eq(svc->max_percent, 200);
  cr_assert_eq(svc->min_healthy_percent, 100);
  scenario_config_free(cfg);
}

Test(scenario, negative_desired_count)
{
  expect_error("\"desiredCount\": -3", "",
               "t.json: /services/0/desiredCount: must be >= 0, got -3");
}

Test(scenario, unknown_service_key_suggests)
{
  expect_error("\"desiredCont\": 3", "",
               "t.json: /services/0/desiredCont: unknown key; did you mean "
               "'desiredCount'?");
}

Test(scenario, missing_duration_is_named)
{
  g_autofree char *msg = test_configure_error(
    "{\"taskDefinitions\": [" TASKDEF "], \"services\": []}");
  cr_assert_str_eq(msg, "t.json: /duration: required key is missing");
}

Test(scenario, bad_duration_text)
{
  expect_error("", "\"period\": \"5 minutes\"",
               "t.json: /period: '5 minutes' is not a duration (write the "
               "unit right after the number: us, ms, s, m, h, d)");
}

Test(scenario, period_longer_than_duration)
{
  expect_error("", "\"period\": \"2h\"",
               "t.json: /period: must not be longer than the duration");
}

Test(scenario, unknown_task_definition)
{
  g_autofree char *text = g_strdup_printf(
    "{\"duration\": 60, \"taskDefinitions\": [" TASKDEF "], \"services\": "
    "[{\"serviceName\": \"a\", \"taskDefinition\": \"api:2\"}]}");
  g_autofree char *msg = test_configure_error(text);
  cr_assert_str_eq(msg, "t.json: /services/0/taskDefinition: no task "
                        "definition \"api:2\" in the scenario (it has: "
                        "web:1)");
}

Test(scenario, maximum_percent_below_100)
{
  expect_error("\"deploymentConfiguration\": {\"maximumPercent\": 50}", "",
               "t.json: /services/0/deploymentConfiguration/maximumPercent: "
               "must be between 100 and 2000, got 50");
}

Test(scenario, capacity_provider_not_in_cluster)
{
  expect_error("\"capacityProviderStrategy\": [{\"capacityProvider\": "
               "\"gpu-asg\", \"weight\": 1}]", "",
               "t.json: /services/0/capacityProviderStrategy: The specified "
               "capacity provider strategy cannot contain a capacity "
               "provider that is not associated with the cluster "
               "(\"gpu-asg\")");
}

Test(scenario, strategy_cannot_mix_fargate_and_asg)
{
  expect_error(
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"FARGATE\", "
    "\"weight\": 1}, {\"capacityProvider\": \"m5\", \"weight\": 1}]",
    "\"cluster\": {\"auto_scaling_groups\": [{\"name\": \"m5\", "
    "\"instance_type\": \"m5.large\", \"max\": 4}]}",
    "t.json: /services/0/capacityProviderStrategy: a capacity provider "
    "strategy cannot mix Fargate and Auto Scaling group capacity providers");
}

Test(scenario, two_bases_in_a_strategy)
{
  expect_error("\"capacityProviderStrategy\": [{\"capacityProvider\": "
               "\"FARGATE\", \"base\": 1, \"weight\": 1}, "
               "{\"capacityProvider\": \"FARGATE_SPOT\", \"base\": 2, "
               "\"weight\": 1}]", "",
               "t.json: /services/0/capacityProviderStrategy/1/base: only "
               "one capacity provider in a strategy can have a base defined "
               "(item 0 has one already)");
}

Test(scenario, unknown_target_group)
{
  expect_error("\"loadBalancers\": [{\"targetGroupName\": \"api-tg\", "
               "\"containerName\": \"app\", \"containerPort\": 8080}]", "",
               "t.json: /services/0/loadBalancers/0: no target group "
               "\"api-tg\" in the scenario's targetGroups");
}

Test(scenario, load_balancer_port_not_in_task_definition)
{
  expect_error("\"loadBalancers\": [{\"targetGroupName\": \"web-tg\", "
               "\"containerName\": \"app\", \"containerPort\": 9090}]", "",
               "t.json: /services/0/loadBalancers/0: The container app did "
               "not have a container port 9090 defined.");
}

Test(scenario, unknown_instance_type)
{
  g_autofree char *text = scenario_with(
    "", "\"cluster\": {\"auto_scaling_groups\": [{\"name\": \"g\", "
        "\"instance_type\": \"m9.huge\", \"max\": 2}]}");
  g_autofree char *msg = test_configure_error(text);
  cr_assert(g_str_has_prefix(
              msg, "t.json: /cluster/auto_scaling_groups/0/instance_type: "
                   "unknown instance type \"m9.huge\"; known: "),
            "%s", msg);
}

Test(scenario, bad_member_of_expression)
{
  g_autofree char *text = scenario_with(
    "\"launchType\": \"EC2\", \"placementConstraints\": [{\"type\": "
    "\"memberOf\", \"expression\": \"attribute:ecs.instance-type in "
    "[t3.large\"}]",
    "");
  g_autofree char *msg = test_configure_error(text);
  cr_assert(g_str_has_prefix(msg, "t.json: /services/0/placementConstraints"
                                  "/0/expression: "),
            "%s", msg);
}

Test(scenario, syntax_error_line_and_column)
{
  g_autofree char *msg = test_configure_error("{\n \"duration\": 60,\n}");
  cr_assert_str_eq(msg, "t.json:3:1: syntax error near '}'");
}

Test(scenario, task_definition_from_a_file_with_the_cli_wrapper)
{
  const char *text =
    "{\"duration\": 60, \"taskDefinitions\": [{\"file\": "
    "\"web-taskdef.json\"}], \"services\": [{\"serviceName\": \"w\", "
    "\"taskDefinition\": \"web:3\", \"launchType\": \"FARGATE\"}]}";
  GError *error = NULL;
  ScenarioConfig *cfg = test_configure(text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  EcsTaskDef *td = cfg->taskdefs->pdata[0];
  cr_assert_str_eq(td->name, "web:3");
  cr_assert_eq(td->cpu, 512);
  scenario_config_free(cfg);
}

Test(scenario, error_inside_an_included_file_names_that_file)
{
  const char *text =
    "{\"duration\": 60, \"taskDefinitions\": [{\"file\": "
    "\"bad-taskdef.json\"}], \"services\": [{\"serviceName\": \"w\", "
    "\"taskDefinition\": \"bad\"}]}";
  g_autofree char *msg = test_configure_error(text);
  cr_assert(strstr(msg, "bad-taskdef.json: /memory") != NULL ||
              strstr(msg, "bad-taskdef.json: /cpu") != NULL,
            "%s", msg);
}

Test(scenario, missing_include_file)
{
  g_autofree char *msg = test_configure_error(
    "{\"duration\": 60, \"taskDefinitions\": [{\"file\": \"nope.json\"}], "
    "\"services\": []}");
  cr_assert_str_eq(msg, "t.json: /taskDefinitions/0/file: cannot read "
                        "'nope.json': no such file");
}

Test(scenario, variants_apply_their_overrides)
{
  g_autofree char *text = scenario_with(
    "\"desiredCount\": 2",
    "\"variants\": {\"small\": {}, \"big\": {\"/services/0/desiredCount\": "
    "9}}");
  g_autoptr(Scenario) scn = scenario_load_data("t.json", text, ".", NULL);
  cr_assert_eq(scenario_n_variants(scn), 2);
  cr_assert_str_eq(scenario_variant_name(scn, 1), "big");
  ScenarioConfig *big = scenario_configure(scn, "big", NULL, NULL);
  ScenarioConfig *small = scenario_configure(scn, "small", NULL, NULL);
  cr_assert_eq(((ServiceConfig *) big->services->pdata[0])->desired_count, 9);
  cr_assert_eq(((ServiceConfig *) small->services->pdata[0])->desired_count,
               2);
  scenario_config_free(big);
  scenario_config_free(small);
}

Test(scenario, variant_override_of_a_missing_place)
{
  expect_error("", "\"variants\": {\"x\": {\"/services/3/desiredCount\": 1}}",
               "t.json: /variants/x: /services/3/desiredCount: no such "
               "place (its parent does not exist)");
}

Test(scenario, unknown_variant_lists_the_known_ones)
{
  g_autofree char *text = scenario_with("", "\"variants\": {\"a\": {}}");
  g_autoptr(Scenario) scn = scenario_load_data("t.json", text, ".", NULL);
  GError *error = NULL;
  cr_assert_null(scenario_configure(scn, "b", NULL, &error));
  cr_assert_str_eq(error->message,
                   "t.json: no variant \"b\" (the scenario has: a)");
  g_error_free(error);
}

Test(scenario, set_overrides_apply_after_variants)
{
  g_autofree char *text = scenario_with("\"desiredCount\": 2", "");
  g_autoptr(Scenario) scn = scenario_load_data("t.json", text, ".", NULL);
  cr_assert(scenario_add_override(scn, "/services/0/desiredCount=5", NULL));
  cr_assert(scenario_add_override(scn, "/duration=2h", NULL));
  ScenarioConfig *cfg = scenario_configure(scn, NULL, NULL, NULL);
  cr_assert_eq(((ServiceConfig *) cfg->services->pdata[0])->desired_count,
               5);
  cr_assert_eq(cfg->duration, 2 * SIM_HOUR);
  scenario_config_free(cfg);
  GError *error = NULL;
  cr_assert_not(scenario_add_override(scn, "desiredCount", &error));
  cr_assert(strstr(error->message, "expected /json/pointer=value") != NULL);
  g_error_free(error);
}

Test(scenario, slo_percentile_form)
{
  g_autofree char *text = scenario_with("", "\"slo\": {\"p99\": \"200ms\"}");
  ScenarioConfig *cfg = test_configure(text, NULL, NULL);
  cr_assert(cfg->slo.set);
  cr_assert_eq(cfg->slo.threshold, 200 * SIM_MSEC);
  cr_assert_float_eq(cfg->slo.target, 0.99, 1e-12);
  scenario_config_free(cfg);
}

Test(scenario, bad_slo_key)
{
  expect_error("", "\"slo\": {\"q99\": \"200ms\"}",
               "t.json: /slo/q99: unknown key");
}

Test(scenario, fargate_needs_a_compatible_task_definition)
{
  g_autofree char *text = g_strdup(
    "{\"duration\": 60, \"taskDefinitions\": [{\"family\": \"b\", "
    "\"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": "
    "\"c\", \"image\": \"x\", \"memory\": 128}]}], \"services\": "
    "[{\"serviceName\": \"s\", \"taskDefinition\": \"b\", \"launchType\": "
    "\"FARGATE\"}]}");
  g_autofree char *msg = test_configure_error(text);
  cr_assert_str_eq(msg, "t.json: /services/0/taskDefinition: Task "
                        "definition does not support launch_type FARGATE "
                        "(b:1)");
}

Test(scenario, fault_names_an_unknown_service)
{
  expect_error("", "\"faults\": [{\"at\": \"10m\", \"kind\": \"kill_tasks\", "
                   "\"service\": \"api\"}]",
               "t.json: /faults/0/service: no service \"api\" in the "
               "scenario");
}

Test(scenario, fault_kind_typo)
{
  expect_error("", "\"faults\": [{\"at\": \"10m\", \"kind\": \"az_outge\"}]",
               "t.json: /faults/0/kind: must be one of deploy, kill_tasks, "
               "az_outage, spot_shortage, instance_failure, set_desired, got "
               "\"az_outge\"; did you mean 'az_outage'?");
}

Test(scenario, arm_task_definition_needs_arm_instances)
{
  g_autofree char *msg = test_configure_error(
    "{\"duration\": 60, \"cluster\": {\"auto_scaling_groups\": [{\"name\": "
    "\"g\", \"instance_type\": \"m6i.large\", \"max\": 2}]}, "
    "\"taskDefinitions\": [{\"family\": \"a\", \"runtimePlatform\": "
    "{\"cpuArchitecture\": \"ARM64\"}, \"containerDefinitions\": [{\"name\": "
    "\"c\", \"image\": \"x\", \"memory\": 128}]}], \"services\": "
    "[{\"serviceName\": \"s\", \"taskDefinition\": \"a\", "
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"g\", "
    "\"weight\": 1}]}]}");
  cr_assert_str_eq(msg, "t.json: /services/0/taskDefinition: task "
                        "definition a:1 runs on ARM64, but Auto Scaling "
                        "group g has m6i.large instances (X86_64)");
}

Test(scenario, service_name_outside_ecs_rules_is_refused)
{
  /* A service's name also names files (tasks.csv rows, plots/web-*.png):
   * ECS's own rule keeps commas and slashes out. */
  g_autofree char *text = scenario_with("", "");
  g_auto(GStrv) parts = g_strsplit(text, "\"serviceName\": \"web\"", 2);
  g_autofree char *bad =
    g_strjoinv("\"serviceName\": \"web,api/v2\"", parts);
  g_autofree char *msg = test_configure_error(bad);
  cr_assert_str_eq(msg, "t.json: /services/0/serviceName: must be 1 to 255 "
                        "letters (uppercase and lowercase), numbers, "
                        "underscores and hyphens, as ECS allows");
}

Test(scenario, variant_name_that_is_no_folder_name_is_refused)
{
  /* -o DIR writes DIR/VARIANT: "../up" would write outside DIR. */
  expect_error("", "\"variants\": {\"ok\": {}, \"../up\": {}}",
               "t.json: /variants/..~1up: a variant's name is its output "
               "folder's: use up to 100 letters, digits, '.', '_' and '-', "
               "not starting with '.'");
}

/* A control character the file's text holds, echoed raw, would split
 * the one-line message (a newline) or reach the user's terminal (ESC[31m
 * turns it red): messages show them as JSON escapes. */
Test(scenario, control_characters_in_a_name_are_escaped)
{
  expect_error("", "\"faults\": [{\"at\": \"10m\", \"kind\": \"kill_tasks\", "
                   "\"service\": \"api\\u001b[31m\\nx\"}]",
               "t.json: /faults/0/service: no service \"api\\u001b[31m\\nx\" "
               "in the scenario");
}

Test(scenario, control_characters_in_an_unknown_key_are_escaped)
{
  expect_error("\"desired\\u001b[31m\\n\\tCount\": 3", "",
               "t.json: /services/0/desired\\u001b[31m\\n\\tCount: unknown "
               "key");
}
