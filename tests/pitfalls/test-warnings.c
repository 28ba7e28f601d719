/* Pitfalls: setups that run but cannot give the answer the user wants
 * each draw a warning, on stderr and in summary.json, that --strict turns
 * into exit status 3 and "ignore_warnings" acknowledges. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/output/report.h"
#include "scenarios/cli.h"
#include "support.h"

#define FARGATE_TASKDEF                                                     \
  "{\"family\": \"web\", \"cpu\": \"512\", \"memory\": \"1024\", "          \
  "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": "              \
  "[\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"app\", "          \
  "\"image\": \"x\", \"portMappings\": [{\"containerPort\": 8080}]}]}"

#define TARGET_GROUP                                                         \
  "\"targetGroups\": [{\"TargetGroupName\": \"web-tg\"}]"

#define LB                                                                   \
  "\"loadBalancers\": [{\"targetGroupName\": \"web-tg\", "                  \
  "\"containerName\": \"app\", \"containerPort\": 8080}]"

/* One Fargate service "web" of 2 tasks behind a target group, with
 * @workload (a JSON member list, may be "") and @extra top-level members
 * (may be ""). */
static char *
fargate_scenario(const char *workload, const char *extra)
{
  return g_strdup_printf(
    "{\"duration\": \"10m\", \"taskDefinitions\": [" FARGATE_TASKDEF "], "
    TARGET_GROUP ", \"services\": [{\"serviceName\": \"web\", "
    "\"taskDefinition\": \"web\", \"launchType\": \"FARGATE\", "
    "\"desiredCount\": 2, " LB "%s%s}]%s%s}",
    *workload ? ", " : "", workload, *extra ? ", " : "", extra);
}

#define LIGHT_LOAD                                                           \
  "\"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": 20}, " \
  "\"service_time\": \"20ms\"}"

/* Writes @text as @dir/s.json and runs `ecsim run` on it into @dir/out
 * with the extra argument @flag (may be NULL). */
static int
run_file(const char *dir, const char *text, const char *flag, char **err)
{
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  return cli_run(NULL, NULL, err, "run", path, "-o", out, "-q", flag, NULL);
}

/* The "warnings" of @run's summary, as "code:service" lines. */
static char *
codes_of(TestRun *run)
{
  cJSON *summary = report_summary(run->w);
  GString *codes = g_string_new(NULL);
  const cJSON *w;
  cJSON_ArrayForEach(w, cJSON_GetObjectItem(summary, "warnings"))
  {
    const char *svc =
      cJSON_GetStringValue(cJSON_GetObjectItem(w, "service"));
    g_string_append_printf(
      codes, "%s:%s\n",
      cJSON_GetStringValue(cJSON_GetObjectItem(w, "code")),
      svc ? svc : "-");
  }
  cJSON_Delete(summary);
  return g_string_free(codes, FALSE);
}

static char *
codes_after_run(const char *json)
{
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  char *codes = codes_of(run);
  test_run_free(run);
  return codes;
}

Test(warnings, a_well_set_up_run_has_none)
{
  g_autofree char *json = fargate_scenario(LIGHT_LOAD, "");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  g_autofree char *codes = codes_of(run);
  cr_assert_str_eq(codes, "");
  cr_assert_eq(test_summary_number(run, "warning_counts.total"), 0);
  test_run_free(run);
}

Test(warnings, a_service_without_workload_says_it_gets_no_traffic)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *json = fargate_scenario("", "");
  g_autofree char *err = NULL;
  cr_assert_eq(run_file(dir, json, NULL, &err), 0);
  cr_assert_str_eq(err, "ecsim: warning: [base] service web has no "
                        "\"workload\": it receives no requests, so it adds "
                        "cost but no latency or error figures\n");
  g_autofree char *out = g_build_filename(dir, "out", "base", NULL);
  g_autofree char *summary = test_read_file(out, "summary.json");
  cr_assert(strstr(summary, "\"code\":\t\"no_traffic\""), "%s", summary);
  test_rmrf(dir);
}

Test(warnings, strict_turns_a_warning_into_exit_3)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *json = fargate_scenario("", "");
  g_autofree char *err = NULL;
  cr_assert_eq(run_file(dir, json, "--strict", &err), 3);
  cr_assert(strstr(err, "ecsim: --strict: 1 warning (above): exit status "
                        "3\n"), "%s", err);
  test_rmrf(dir);
}

Test(warnings, ignore_warnings_acknowledges_a_code)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *json =
    fargate_scenario("", "\"ignore_warnings\": [\"no_traffic\"]");
  g_autofree char *err = NULL;
  cr_assert_eq(run_file(dir, json, "--strict", &err), 0, "%s", err);
  cr_assert_str_eq(err, "");
  /* Still listed, marked, but not counted. */
  g_autofree char *out = g_build_filename(dir, "out", "base", NULL);
  g_autofree char *summary = test_read_file(out, "summary.json");
  cr_assert(strstr(summary, "\"ignored\":\ttrue"), "%s", summary);
  test_rmrf(dir);
}

Test(warnings, an_unknown_code_to_ignore_is_an_error)
{
  g_autofree char *json =
    fargate_scenario("", "\"ignore_warnings\": [\"no_trafic\"]");
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_assert(g_str_has_prefix(msg, "t.json: /ignore_warnings/0: unknown "
                                  "warning code \"no_trafic\" (known: "
                                  "no_traffic, "), "%s", msg);
}

Test(warnings, traffic_without_a_target_group_is_said)
{
  g_autofree char *json = g_strdup_printf(
    "{\"duration\": \"5m\", \"taskDefinitions\": [" FARGATE_TASKDEF "], "
    "\"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"launchType\": \"FARGATE\", \"desiredCount\": 2, " LIGHT_LOAD "}]}");
  g_autofree char *codes = codes_after_run(json);
  cr_assert_str_eq(codes, "no_target_group:web\n");
}

Test(warnings, a_missed_slo_and_failing_requests_are_said)
{
  /* Two tasks of 2 slots each cannot serve 400 requests/s of 50 ms. */
  g_autofree char *json = fargate_scenario(
    "\"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": "
    "400}, \"service_time\": \"50ms\", \"concurrency\": 2, \"queue_limit\": "
    "10}",
    "\"slo\": {\"p99\": \"200ms\"}");
  g_autofree char *codes = codes_after_run(json);
  cr_assert_str_eq(codes, "slo_missed:-\nerrors_over_budget:-\n");
}

/* An EC2 service whose tasks need 3 GiB each on one m5.large (about
 * 7.5 GiB registered): two fit, two never do. */
#define EC2_SHORT_OF_MEMORY                                                  \
  "{\"duration\": \"10m\", \"cluster\": {\"auto_scaling_groups\": [{"       \
  "\"name\": \"m5\", \"instance_type\": \"m5.large\", \"min\": 1, "         \
  "\"max\": 1, \"desired\": 1}]}, \"taskDefinitions\": [{\"family\": "      \
  "\"big\", \"networkMode\": \"bridge\", \"requiresCompatibilities\": "     \
  "[\"EC2\"], \"containerDefinitions\": [{\"name\": \"app\", \"image\": "   \
  "\"x\", \"cpu\": 256, \"memory\": 3072}]}], \"services\": [{"             \
  "\"serviceName\": \"big\", \"taskDefinition\": \"big\", "                 \
  "\"launchType\": \"EC2\", \"desiredCount\": 4}], "                        \
  "\"ignore_warnings\": [\"no_traffic\"]}"

Test(warnings, tasks_unplaced_for_long_are_said_with_their_reason)
{
  TestRun *run = test_run_new(EC2_SHORT_OF_MEMORY);
  test_run_finish(run);
  g_autofree char *codes = codes_of(run);
  cr_assert_str_eq(codes, "no_traffic:big\ntasks_unplaced:big\n");
  cr_assert_gt(
    test_summary_number(run, "services.big.unplaced_by_reason.memory"), 5);
  cr_assert_eq(test_summary_number(run, "services.big.unplaced_by_reason.cpu"),
               0);
  cr_assert_geq(test_summary_number(run, "services.big.unplaced_longest_s"),
                540);
  cr_assert_eq(test_summary_number(run, "warning_counts.total"), 1);
  test_run_free(run);
}

Test(warnings, tasks_waiting_on_a_full_asg_are_said)
{
  /* Managed scaling may add instances, but the group's max is 1. */
  g_autofree char *json = g_strdup(EC2_SHORT_OF_MEMORY);
  char *ms = strstr(json, "\"desired\": 1}");
  cr_assert_not_null(ms);
  g_autofree char *fixed = g_strdup_printf(
    "%.*s\"desired\": 1, \"managedScaling\": {\"status\": \"ENABLED\", "
    "\"targetCapacity\": 100}}%s", (int) (ms - json), json,
    ms + strlen("\"desired\": 1}"));
  g_autofree char *with_cp = g_strdup(fixed);
  /* Use the group as the service's capacity provider. */
  g_autofree char *json2 = NULL;
  {
    char *lt = strstr(with_cp, "\"launchType\": \"EC2\"");
    cr_assert_not_null(lt);
    json2 = g_strdup_printf(
      "%.*s\"capacityProviderStrategy\": [{\"capacityProvider\": \"m5\", "
      "\"weight\": 1}]%s", (int) (lt - with_cp), with_cp,
      lt + strlen("\"launchType\": \"EC2\""));
  }
  TestRun *run = test_run_new(json2);
  test_run_finish(run);
  g_autofree char *codes = codes_of(run);
  cr_assert_str_eq(codes,
                   "no_traffic:big\ntasks_unplaced:big\nasg_at_max_size:-\n");
  test_run_free(run);
}

Test(warnings, a_service_pinned_at_max_capacity_is_said)
{
  /* 600 requests/s of 40 ms need about 24 busy slots; MaxCapacity 3
   * gives 6. */
  g_autofree char *json = fargate_scenario(
    "\"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": "
    "600}, \"service_time\": \"40ms\"}, \"scaling\": {\"MinCapacity\": 1, "
    "\"MaxCapacity\": 3, \"policies\": [{\"PolicyName\": \"cpu\", "
    "\"PolicyType\": \"TargetTrackingScaling\", "
    "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50, "
    "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
    "\"ECSServiceAverageCPUUtilization\"}}}]}",
    "\"ignore_warnings\": [\"errors_over_budget\"]");
  g_autofree char *codes = codes_after_run(json);
  cr_assert(strstr(codes, "service_at_max_capacity:web\n"), "%s", codes);
}

/* The warnings of a run of "web" whose traffic is the CSV rate trace
 * @rows (after its header) with "scale" @scale, as codes_of() lists them. */
static char *
codes_of_scaled_trace(const char *rows, double scale)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *trace = g_build_filename(dir, "t.csv", NULL);
  g_autofree char *text = g_strdup_printf("time,rps\n%s", rows);
  cr_assert(g_file_set_contents(trace, text, -1, NULL));
  g_autofree char *wl = g_strdup_printf(
    "\"workload\": {\"traffic\": {\"trace\": \"%s\", \"scale\": %g}, "
    "\"service_time\": \"20ms\"}", trace, scale);
  g_autofree char *json = fargate_scenario(wl, "");
  char *codes = codes_after_run(json);
  test_rmrf(dir);
  return codes;
}

Test(warnings, a_recorded_trace_scaled_far_up_is_said)
{
  g_autofree char *codes = codes_of_scaled_trace("0,2\n300,3\n600,2\n", 12);
  cr_assert_str_eq(codes, "trace_scaled_up:web\n");
}

Test(warnings, a_sparse_trace_scaled_up_is_said)
{
  g_autofree char *codes =
    codes_of_scaled_trace("0,0.2\n300,0.5\n600,0.2\n", 4);
  cr_assert_str_eq(codes, "sparse_trace_scaled_up:web\n");
}

Test(warnings, expect_gates_on_warning_counts)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *json = fargate_scenario(
    "", "\"expect\": {\"warning_counts.total\": {\"max\": 0}, "
        "\"warning_counts.no_traffic\": {\"eq\": 0}}");
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  g_autofree char *out_dir = g_build_filename(dir, "out", NULL);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", path, "-o", out_dir, NULL),
               3);
  cr_assert(strstr(out, "FAIL warning_counts.total 1, expected <= 0"), "%s",
            out);
  cr_assert(strstr(out, "FAIL warning_counts.no_traffic 1, expected == 0"),
            "%s", out);
  test_rmrf(dir);
}

/* ---- settings that change nothing ------------------------------------ */

Test(warnings, slot_max_vcpu_on_fargate_is_said_to_do_nothing)
{
  /* A Fargate task's vCPU is a hard limit: its requests never borrow idle
   * CPU, so the field the user tuned changes no figure. */
  g_autofree char *json = fargate_scenario(
    "\"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": "
    "20}, \"service_time\": \"20ms\", \"slot_max_vcpu\": 1}", "");
  g_autofree char *codes = codes_after_run(json);
  cr_assert_str_eq(codes, "setting_without_effect:web\n");
}

Test(warnings, a_credit_specification_on_a_non_burstable_type_is_said)
{
  g_autofree char *json = g_strdup(EC2_SHORT_OF_MEMORY);
  char *at = strstr(json, "\"desired\": 1");
  cr_assert_not_null(at);
  g_autofree char *edited = g_strdup_printf(
    "%.*s\"desired\": 1, \"creditSpecification\": {\"cpuCredits\": "
    "\"standard\"}%s", (int) (at - json), json,
    at + strlen("\"desired\": 1"));
  g_autofree char *dir = test_tmpdir();
  g_autofree char *err = NULL;
  cr_assert_eq(run_file(dir, edited, NULL, &err), 0);
  cr_assert_not_null(strstr(err, "ecsim: warning: [base] Auto Scaling group "
                                 "m5: creditSpecification has no effect: "
                                 "none of its instance types is a "
                                 "burstable (T) type\n"), "%s", err);
  test_rmrf(dir);
}

Test(warnings, a_credit_specification_on_a_t3_says_nothing)
{
  g_autofree char *json = g_strdup(EC2_SHORT_OF_MEMORY);
  char *at = strstr(json, "m5.large");
  cr_assert_not_null(at);
  g_autofree char *edited = g_strdup_printf(
    "%.*st3.large\", \"creditSpecification\": {\"cpuCredits\": "
    "\"standard\"}%s", (int) (at - json), json, at + strlen("m5.large\""));
  TestRun *run = test_run_new(edited);
  test_run_finish(run);
  g_autofree char *codes = codes_of(run);
  cr_assert_null(strstr(codes, "setting_without_effect"), "%s", codes);
  test_run_free(run);
}
