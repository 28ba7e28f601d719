/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * Service Auto Scaling pasted as the AWS CLI prints it
 * (`applicationAutoScaling`: describe-scalable-targets,
 * describe-scaling-policies, describe-scheduled-actions, cloudwatch
 * describe-alarms) and target-group attributes from their own file. The
 * CLI files are tests/data/aws/aas-*.json and alarms-web.json (cluster
 * "prod", service "web"). A user must get the same run as with the inline
 * `scaling` block, and a precise message for each piece missing. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

#define TASKDEF                                                              \
  "{\"family\": \"web\", \"cpu\": \"512\", \"memory\": \"1024\", "           \
  "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], " \
  "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}"

/* Service "web" of cluster "prod" under 120 requests/s, enough for
 * target tracking (50% CPU) and the step alarm (80%) to scale out at
 * once; @scaling is its `scaling` member (with a leading comma) or "",
 * @extra more top-level members. */
static char *
scenario(const char *scaling, const char *extra)
{
  return g_strdup_printf(
    "{\"name\": \"web\", \"duration\": \"3h\", \"seed\": 3,"
    " \"cluster\": {\"clusterName\": \"prod\"},"
    " \"taskDefinitions\": [" TASKDEF "],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    " \"launchType\": \"FARGATE\", \"desiredCount\": 2, \"workload\": {"
    "\"traffic\": {\"generator\": \"constant\", \"rps\": 120},"
    " \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"30ms\","
    " \"cv\": 1}}%s}], \"ignore_warnings\": [\"no_target_group\"]%s%s}",
    scaling, *extra ? ", " : "", extra);
}

/* The four CLI files of tests/data/aws, by absolute path. */
static char *
aas_files(void)
{
  const char *root = test_source_root();
  return g_strdup_printf(
    "\"applicationAutoScaling\": [{\"file\": \"%s/tests/data/aws/"
    "aas-targets.json\"}, {\"file\": \"%s/tests/data/aws/aas-policies.json\"},"
    " {\"file\": \"%s/tests/data/aws/aas-scheduled.json\"},"
    " {\"file\": \"%s/tests/data/aws/alarms-web.json\"}]",
    root, root, root, root);
}

/* What aas-*.json and alarms-web.json say for service/prod/web, written
 * in the inline shape. */
#define INLINE_SCALING                                                       \
  ", \"scaling\": {\"MinCapacity\": 2, \"MaxCapacity\": 20, \"policies\": [" \
  "{\"PolicyName\": \"cpu50\", \"PolicyType\": \"TargetTrackingScaling\","  \
  " \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"     \
  " \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"          \
  " \"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60,"         \
  " \"ScaleInCooldown\": 300}},"                                             \
  " {\"PolicyName\": \"cpu-burst\", \"PolicyType\": \"StepScaling\","        \
  " \"StepScalingPolicyConfiguration\": {\"AdjustmentType\":"                \
  " \"PercentChangeInCapacity\", \"StepAdjustments\":"                       \
  " [{\"MetricIntervalLowerBound\": 0, \"ScalingAdjustment\": 50}],"         \
  " \"Cooldown\": 120, \"MinAdjustmentMagnitude\": 1},"                      \
  " \"Alarm\": {\"MetricName\": \"ECSServiceAverageCPUUtilization\","        \
  " \"ComparisonOperator\": \"GreaterThanThreshold\", \"Threshold\": 80,"    \
  " \"EvaluationPeriods\": 3, \"DatapointsToAlarm\": 3, \"Period\": 60}}],"  \
  " \"ScheduledActions\": [{\"ScheduledActionName\": \"morning\","           \
  " \"Schedule\": \"cron(0 1 * * ? *)\", \"ScalableTargetAction\":"          \
  " {\"MinCapacity\": 6, \"MaxCapacity\": 20}}]}"

/* Runs scenario @text (written to @dir/@name) into @dir/@name-out;
 * returns the variant folder (owned). */
static char *
run_in(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  g_autofree char *out = g_strdup_printf("%s-out", path);
  g_autofree char *err = NULL;
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  int status = cli_run(dir, NULL, &err, "run", name, "-o", out, "--quiet",
                       NULL);
  cr_assert_eq(status, 0, "ecsim run %s: %s", name, err);
  return g_build_filename(out, "base", NULL);
}

/* summary.json without the lines that name the scenario file. */
static char *
summary_figures(const char *dir)
{
  g_autofree char *text = test_read_file(dir, "summary.json");
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(GString) kept = g_string_new(NULL);
  for (int i = 0; lines[i]; i++)
    if (!strstr(lines[i], "fingerprint") && !strstr(lines[i], ".json\""))
      g_string_append_printf(kept, "%s\n", lines[i]);
  return g_string_free(g_steal_pointer(&kept), FALSE);
}

Test(pitfalls, cli_outputs_scale_a_service_as_its_inline_block_does)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *files = aas_files();
  g_autofree char *pasted = scenario("", files);
  g_autofree char *written = scenario(INLINE_SCALING, "");
  g_autofree char *a = run_in(dir, "pasted.json", pasted);
  g_autofree char *b = run_in(dir, "written.json", written);
  g_autofree char *events_a = test_read_file(a, "events.jsonl");
  g_autofree char *events_b = test_read_file(b, "events.jsonl");
  /* All three pieces acted: target tracking, the step alarm, cron. */
  cr_assert(strstr(events_a, "policy cpu50: ") != NULL, "%s", events_a);
  cr_assert(strstr(events_a, "policy cpu-burst: alarm") != NULL);
  cr_assert(strstr(events_a, "scheduled action morning set") != NULL);
  cr_assert_str_eq(events_a, events_b);
  g_autofree char *summary_a = summary_figures(a);
  g_autofree char *summary_b = summary_figures(b);
  cr_assert_str_eq(summary_a, summary_b);
  test_rmrf(dir);
}

/* ---- mistakes: what `ecsim validate` says -------------------------- */

/* `ecsim validate scn.json` in a directory holding scn.json (scenario()
 * with @extra) and the files @names/@texts (NULL-terminated pairs);
 * returns the exit status, stdout and stderr. */
static int
validate(const char *extra, char **out, char **err, ...)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *text = scenario("", extra);
  g_autofree char *path = g_build_filename(dir, "scn.json", NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  va_list ap;
  va_start(ap, err);
  for (const char *name; (name = va_arg(ap, const char *)) != NULL;) {
    g_autofree char *file = g_build_filename(dir, name, NULL);
    cr_assert(g_file_set_contents(file, va_arg(ap, const char *), -1,
                                  NULL));
  }
  va_end(ap);
  int status = cli_run(dir, out, err, "validate", "scn.json", NULL);
  test_rmrf(dir);
  return status;
}

#define WEB_TARGET                                                           \
  "{\"ServiceNamespace\": \"ecs\", \"ResourceId\": \"service/prod/web\","    \
  " \"ScalableDimension\": \"ecs:service:DesiredCount\", \"MinCapacity\": 2," \
  " \"MaxCapacity\": 20}"
#define STEP_POLICY                                                          \
  "{\"PolicyName\": \"burst\", \"ServiceNamespace\": \"ecs\","               \
  " \"ResourceId\": \"service/prod/web\", \"ScalableDimension\":"            \
  " \"ecs:service:DesiredCount\", \"PolicyType\": \"StepScaling\","          \
  " \"StepScalingPolicyConfiguration\": {\"AdjustmentType\":"                \
  " \"ChangeInCapacity\", \"StepAdjustments\": [{\"MetricIntervalLowerBound\":" \
  " 0, \"ScalingAdjustment\": 2}]}, \"Alarms\": [{\"AlarmName\":"            \
  " \"web-hot\"}]}"

static void
assert_refused(const char *extra, const char *message, ...)
{
  g_autofree char *out = NULL, *err = NULL;
  va_list ap;
  va_start(ap, message);
  const char *name = va_arg(ap, const char *);
  const char *text = name ? va_arg(ap, const char *) : NULL;
  va_end(ap);
  int status = validate(extra, &out, &err, name, text, NULL);
  cr_assert_eq(status, 2, "status %d, stderr %s", status, err);
  g_autofree char *want = g_strdup_printf("%s\n", message);
  cr_assert_str_eq(err, want);
}

Test(pitfalls, policy_without_its_scalable_target_names_the_fetch_command)
{
  assert_refused(
    "\"applicationAutoScaling\": [{\"file\": \"aas.json\"}]",
    "aas.json: /ScalingPolicies/0: no scalable target for service/prod/web "
    "(fetch it with: aws application-autoscaling describe-scalable-targets "
    "--service-namespace ecs --resource-ids service/prod/web)",
    "aas.json", "{\"ScalingPolicies\": [" STEP_POLICY "]}");
}

Test(pitfalls, scheduled_action_without_its_scalable_target_is_refused)
{
  assert_refused(
    "\"applicationAutoScaling\": [{\"file\": \"aas.json\"}]",
    "aas.json: /ScheduledActions/0: no scalable target for service/prod/web "
    "(fetch it with: aws application-autoscaling describe-scalable-targets "
    "--service-namespace ecs --resource-ids service/prod/web)",
    "aas.json", "{\"ScheduledActions\": [{\"ScheduledActionName\": \"m\","
    " \"ResourceId\": \"service/prod/web\", \"Schedule\": \"rate(1 hour)\","
    " \"ScalableTargetAction\": {\"MinCapacity\": 3}}]}");
}

Test(pitfalls, step_policy_without_its_alarm_names_describe_alarms)
{
  assert_refused(
    "\"applicationAutoScaling\": [{\"ScalableTargets\": [" WEB_TARGET "]},"
    " {\"file\": \"aas.json\"}]",
    "aas.json: /ScalingPolicies/0/Alarms/0: alarm web-hot is in no "
    "MetricAlarms of applicationAutoScaling (fetch it with: aws cloudwatch "
    "describe-alarms --alarm-names web-hot)",
    "aas.json", "{\"ScalingPolicies\": [" STEP_POLICY "]}");
}

Test(pitfalls, alarm_on_an_unmodelled_metric_names_it)
{
  assert_refused(
    "\"applicationAutoScaling\": [{\"ScalableTargets\": [" WEB_TARGET "],"
    " \"ScalingPolicies\": [" STEP_POLICY "]}, {\"file\": \"alarms.json\"}]",
    "alarms.json: /MetricAlarms/0/MetricName: alarm web-hot measures "
    "AWS/ApplicationELB TargetResponseTime; ecsim models a step policy's "
    "alarm on AWS/ECS CPUUtilization or MemoryUtilization (Statistic "
    "Average, dimensions ClusterName and ServiceName)",
    "alarms.json", "{\"MetricAlarms\": [{\"AlarmName\": \"web-hot\","
    " \"Namespace\": \"AWS/ApplicationELB\", \"MetricName\":"
    " \"TargetResponseTime\", \"Statistic\": \"Average\", \"Period\": 60,"
    " \"EvaluationPeriods\": 1, \"Threshold\": 0.2, \"ComparisonOperator\":"
    " \"GreaterThanThreshold\"}], \"CompositeAlarms\": []}");
}

Test(pitfalls, service_scaled_inline_and_by_cli_output_is_refused)
{
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *dir = test_tmpdir();
  g_autofree char *text = scenario(
    ", \"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 4}",
    "\"applicationAutoScaling\": [{\"ScalableTargets\": [" WEB_TARGET "]}]");
  g_autofree char *path = g_build_filename(dir, "scn.json", NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  cr_assert_eq(cli_run(dir, &out, &err, "validate", "scn.json", NULL), 2);
  cr_assert_str_eq(err, "scn.json: /applicationAutoScaling/0/ScalableTargets"
                   "/0: service/prod/web is also scaled by its inline "
                   "\"scaling\" (scn.json: /services/0/scaling): remove that "
                   "block, or the applicationAutoScaling elements for "
                   "service/prod/web, not both\n");
  test_rmrf(dir);
}

Test(pitfalls, two_scalable_targets_for_one_service_are_refused)
{
  assert_refused(
    "\"applicationAutoScaling\": [{\"ScalableTargets\": [" WEB_TARGET "]},"
    " {\"file\": \"aas.json\"}]",
    "aas.json: /ScalableTargets/0: a second scalable target for "
    "service/prod/web (the first is scn.json: "
    "/applicationAutoScaling/0/ScalableTargets/0): keep one",
    "aas.json", "{\"ScalableTargets\": [" WEB_TARGET "]}");
}

Test(pitfalls, one_off_at_schedule_suggests_ecsims_at)
{
  assert_refused(
    "\"applicationAutoScaling\": [{\"ScalableTargets\": [" WEB_TARGET "]},"
    " {\"file\": \"aas.json\"}]",
    "aas.json: /ScheduledActions/0/Schedule: \"at(2024-11-29T08:00:00)\" "
    "fires once at a date and time, and a run has no calendar date: use "
    "ecsim's \"At\" with a time in the run instead (\"At\": \"8h\" is 8 "
    "hours after it starts)",
    "aas.json", "{\"ScheduledActions\": [{\"ScheduledActionName\": \"bf\","
    " \"ResourceId\": \"service/prod/web\", \"Schedule\":"
    " \"at(2024-11-29T08:00:00)\", \"ScalableTargetAction\":"
    " {\"MinCapacity\": 10}}]}");
}

Test(pitfalls, schedule_in_a_time_zone_is_refused)
{
  assert_refused(
    "\"applicationAutoScaling\": [{\"ScalableTargets\": [" WEB_TARGET "]},"
    " {\"file\": \"aas.json\"}]",
    "aas.json: /ScheduledActions/0/Timezone: ecsim reads a Schedule's hours "
    "in the clock of the scenario's start_at (no time zone, no daylight "
    "saving time), so only UTC is taken; got \"Europe/Paris\": write the "
    "cron hours in that clock and remove Timezone",
    "aas.json", "{\"ScheduledActions\": [{\"ScheduledActionName\": \"m\","
    " \"ResourceId\": \"service/prod/web\", \"Schedule\":"
    " \"cron(0 8 * * ? *)\", \"Timezone\": \"Europe/Paris\","
    " \"ScalableTargetAction\": {\"MinCapacity\": 10}}]}");
}

Test(pitfalls, resource_id_typo_is_skipped_and_said_with_a_did_you_mean)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = validate(
    "\"applicationAutoScaling\": [{\"ScalableTargets\": ["
    "{\"ServiceNamespace\": \"ecs\", \"ResourceId\": \"service/prod/wbe\","
    " \"ScalableDimension\": \"ecs:service:DesiredCount\", \"MinCapacity\":"
    " 2, \"MaxCapacity\": 20}, {\"ServiceNamespace\": \"dynamodb\","
    " \"ResourceId\": \"table/orders\", \"ScalableDimension\":"
    " \"dynamodb:table:ReadCapacityUnits\", \"MinCapacity\": 5,"
    " \"MaxCapacity\": 50}]}]", &out, &err, NULL);
  cr_assert_eq(status, 0, "%s", err);
  cr_assert_str_eq(out, "scn.json: applicationAutoScaling: 2 elements "
                   "skipped, not for a service of cluster prod in this "
                   "scenario: service/prod/wbe (did you mean "
                   "service/prod/web?), dynamodb table/orders\n"
                   "scn.json: ok (scenario)\n");
  cr_assert_str_eq(err, "ecsim: warning: applicationAutoScaling scales no "
                   "service: none of its elements is for a service of "
                   "cluster prod in this scenario (service/prod/wbe (did "
                   "you mean service/prod/web?), dynamodb table/orders)\n");
}

/* ---- SuspendedState and StartTime ---------------------------------- */

static double
scaling_actions(const char *suspended)
{
  g_autofree char *files = aas_files();
  g_autofree char *extra = g_strdup_printf(
    "%s, \"variants\": {\"s\": {\"/applicationAutoScaling/0/"
    "ScalableTargets/0/SuspendedState\": %s}}", files, suspended);
  g_autofree char *text = scenario("", extra);
  TestRun *run = test_run_new(text);
  test_run_finish(run);
  double n = test_summary_number(run, "services.web.scaling_actions");
  test_run_free(run);
  return n;
}

Test(pitfalls, suspended_state_of_a_pasted_target_is_honoured)
{
  cr_assert_eq(scaling_actions("{}"), 4); /* 2 scale-outs, 1 in, cron */
  cr_assert_eq(scaling_actions("{\"DynamicScalingOutSuspended\": true,"
                               " \"DynamicScalingInSuspended\": true}"),
               1); /* the cron action alone */
  cr_assert_eq(scaling_actions("{\"DynamicScalingOutSuspended\": true,"
                               " \"DynamicScalingInSuspended\": true,"
                               " \"ScheduledScalingSuspended\": true}"), 0);
}

Test(pitfalls, scheduled_action_window_is_not_modelled_and_said_so)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = validate(
    "\"applicationAutoScaling\": [{\"ScalableTargets\": [" WEB_TARGET "],"
    " \"ScheduledActions\": [{\"ScheduledActionName\": \"sale\","
    " \"ResourceId\": \"service/prod/web\", \"Schedule\":"
    " \"cron(0 8 * * ? *)\", \"StartTime\": \"2024-11-29T00:00:00+00:00\","
    " \"EndTime\": \"2024-12-02T00:00:00+00:00\", \"ScalableTargetAction\":"
    " {\"MinCapacity\": 10}}]}]", &out, &err, NULL);
  cr_assert_eq(status, 0, "%s", err);
  cr_assert_str_eq(err, "ecsim: warning: service web: scheduled action sale: "
                   "StartTime and EndTime are not modelled (a run has no "
                   "calendar date): it fires throughout the run\n");
}

/* ---- target-group attributes from their own file ------------------- */

static const char tg_attrs[] =
  "{\"Attributes\": ["
  "{\"Key\": \"stickiness.enabled\", \"Value\": \"true\"},"
  "{\"Key\": \"deregistration_delay.timeout_seconds\", \"Value\": \"30\"},"
  "{\"Key\": \"stickiness.type\", \"Value\": \"lb_cookie\"},"
  "{\"Key\": \"load_balancing.cross_zone.enabled\", \"Value\": \"true\"},"
  "{\"Key\": \"slow_start.duration_seconds\", \"Value\": \"60\"},"
  "{\"Key\": \"load_balancing.algorithm.type\", \"Value\":"
  " \"least_outstanding_requests\"}]}";

Test(pitfalls, target_group_attributes_file_is_laid_over_its_group)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *attrs = g_build_filename(dir, "tg-attrs.json", NULL);
  cr_assert(g_file_set_contents(attrs, tg_attrs, -1, NULL));
  g_autofree char *extra = g_strdup_printf(
    "\"targetGroups\": [{\"TargetGroupName\": \"web-tg\", \"Attributes\":"
    " {\"file\": \"%s\"}}]", attrs);
  g_autofree char *text = scenario("", extra);
  GError *error = NULL;
  g_autoptr(ScenarioConfig) cfg = test_configure(text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  const TargetGroupConfig *tg = cfg->target_groups->pdata[0];
  cr_assert_eq(tg->deregistration_delay, 30 * SIM_SEC);
  cr_assert_eq(tg->algorithm, LB_LEAST_OUTSTANDING);
  test_rmrf(dir);
}

Test(pitfalls, unmodelled_target_group_attributes_warn)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = validate(
    "\"targetGroups\": [{\"TargetGroupName\": \"web-tg\", \"Attributes\":"
    " {\"file\": \"tg-attrs.json\"}}]", &out, &err, "tg-attrs.json",
    tg_attrs, NULL);
  cr_assert_eq(status, 0, "%s", err);
  cr_assert_str_eq(err, "ecsim: warning: target group web-tg: "
                   "slow_start.duration_seconds 60 is not modelled: a new "
                   "target gets its full share of requests at once\n"
                   "ecsim: warning: target group web-tg: stickiness.enabled "
                   "is not modelled: each request is routed on its own\n");
}

Test(pitfalls, target_group_attribute_typo_is_refused_in_its_file)
{
  assert_refused(
    "\"targetGroups\": [{\"TargetGroupName\": \"web-tg\", \"Attributes\":"
    " {\"file\": \"tg-attrs.json\"}}]",
    "tg-attrs.json: /Attributes/0/Key: \"deregistration_delay.timout_seconds\" "
    "is "
    "not a target-group attribute AWS documents; did you mean "
    "\"deregistration_delay.timeout_seconds\"?",
    "tg-attrs.json", "{\"Attributes\": [{\"Key\":"
    " \"deregistration_delay.timout_seconds\", \"Value\": \"30\"}]}");
}
