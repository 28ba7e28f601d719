/* Service Auto Scaling (ECS-REFERENCE §5): target tracking, step and
 * scheduled scaling on one-minute datapoints. */
#include <criterion/criterion.h>
#include <math.h>

#include "models/control/autoscale.h"
#include "models/capacity/cluster.h"
#include "models/core/eventlog.h"
#include "models/control/service.h"
#include "support.h"

/* A Fargate service of 1-vCPU tasks with 10 slots each and 100 ms
 * requests: 100 requests/s per task at 100% CPU. */
static char *
service_json(const char *traffic, const char *scaling, int desired,
             const char *duration)
{
  return g_strdup_printf(
    "{\"duration\": \"%s\", \"seed\": 11, \"taskDefinitions\": [{\"family\":"
    " \"web\", \"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": "
    "\"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], "
    "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}], "
    "\"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": %d, \"launchType\": \"FARGATE\", \"scaling\": %s, "
    "\"workload\": {\"traffic\": %s, \"service_time\": {\"dist\": "
    "\"exponential\", \"mean\": \"100ms\"}, \"concurrency\": 10, "
    "\"queue_limit\": 100, \"timeout\": \"2s\"}}]}",
    duration, desired, scaling, traffic);
}

#define CPU_POLICY(target, in_cooldown)                                      \
  "{\"PolicyName\": \"cpu\", \"PolicyType\": \"TargetTrackingScaling\", "   \
  "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": "        \
  target ", \"PredefinedMetricSpecification\": {\"PredefinedMetricType\": " \
  "\"ECSServiceAverageCPUUtilization\"}, \"ScaleOutCooldown\": 60, "         \
  "\"ScaleInCooldown\": " in_cooldown "}}"

/* Times of desired-count changes, and their new values. */
static GArray *
desired_changes(World *w, GArray **values)
{
  GArray *times = g_array_new(FALSE, FALSE, sizeof(SimTime));
  *values = g_array_new(FALSE, FALSE, sizeof(int));
  for (guint i = 0; i < eventlog_size(w); i++) {
    const LogEvent *e = eventlog_get(w, i);
    if (!g_str_equal(e->kind, "desired-count"))
      continue;
    int from, to;
    const char *p = strstr(e->message, "changed from");
    cr_assert_not_null(p);
    cr_assert_eq(sscanf(p, "changed from %d to %d", &from, &to), 2);
    g_array_append_val(times, e->at);
    g_array_append_val(*values, to);
  }
  return times;
}

Test(autoscale, target_tracking_follows_a_step_with_the_documented_delay)
{
  g_autofree char *json = service_json(
    "{\"generator\": \"step\", \"from_rps\": 80, \"to_rps\": 380, \"at\": "
    "\"30m\"}",
    "{\"MinCapacity\": 2, \"MaxCapacity\": 40, \"policies\": "
    "[" CPU_POLICY("50", "300") "]}",
    2, "75m");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  GArray *values;
  g_autoptr(GArray) times = desired_changes(run->w, &values);
  cr_assert_gt(times->len, 0, "no scaling at all");
  SimTime first = g_array_index(times, SimTime, 0);
  /* 3 datapoints above the target, the first visible a minute late. */
  cr_assert(first >= 33 * SIM_MIN && first <= 34 * SIM_MIN,
            "first scale-out at %.0f s", sim_time_to_seconds(first));
  /* Steady state: 380 requests/s at 50% of 100 per task = 7.6 tasks. */
  int final = service_get(run->w, 0)->desired;
  cr_assert(final >= 7.6 * 0.9 && final <= 7.6 * 1.1, "ended at %d tasks",
            final);
  g_array_unref(values);
  test_run_free(run);
}

Test(autoscale, no_scale_in_before_15_low_datapoints)
{
  g_autofree char *json = service_json(
    "{\"generator\": \"step\", \"from_rps\": 600, \"to_rps\": 60, \"at\": "
    "\"10m\"}",
    "{\"MinCapacity\": 1, \"MaxCapacity\": 40, \"policies\": "
    "[" CPU_POLICY("50", "300") "]}",
    12, "40m");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  GArray *values;
  g_autoptr(GArray) times = desired_changes(run->w, &values);
  cr_assert_geq(times->len, 1, "never scaled in");
  /* The drop is at 10 min; 15 low datapoints, the first visible at 12
   * min, are complete at 26 min. */
  SimTime first = g_array_index(times, SimTime, 0);
  cr_assert_eq(first, 26 * SIM_MIN, "scaled in at %.0f s",
               sim_time_to_seconds(first));
  /* 60 requests/s at 50% of 100 per task: 2 tasks. */
  cr_assert_eq(g_array_index(values, int, 0), 2);
  g_array_unref(values);
  test_run_free(run);
}

Test(autoscale, scale_ins_are_spaced_by_the_cooldown)
{
  g_autofree char *json = service_json(
    "{\"generator\": \"ramp\", \"from_rps\": 600, \"to_rps\": 60, "
    "\"start\": \"10m\", \"end\": \"60m\"}",
    "{\"MinCapacity\": 1, \"MaxCapacity\": 40, \"policies\": "
    "[" CPU_POLICY("50", "600") "]}",
    12, "100m");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  GArray *values;
  g_autoptr(GArray) times = desired_changes(run->w, &values);
  cr_assert_geq(times->len, 3, "expected several scale-ins, got %u",
                times->len);
  for (guint i = 1; i < times->len; i++) {
    SimTime gap = g_array_index(times, SimTime, i) -
                  g_array_index(times, SimTime, i - 1);
    cr_assert_geq(gap, 600 * SIM_SEC, "scale-ins %.0f s apart",
                  sim_time_to_seconds(gap));
    cr_assert_lt(g_array_index(values, int, i),
                 g_array_index(values, int, i - 1), "only scale-in here");
  }
  g_array_unref(values);
  test_run_free(run);
}

Test(autoscale, two_policies_scale_in_only_when_both_agree)
{
  /* 100 requests/s on 8 tasks: CPU 12.5% (below a 50% target) but 750
   * requests per target per minute, just under a target of 800: the
   * request policy does not call for scale-in (not below 0.9 × 800). */
  const char *traffic = "{\"generator\": \"constant\", \"rps\": 100}";
  const char *req_policy =
    "{\"PolicyName\": \"req\", \"PolicyType\": \"TargetTrackingScaling\", "
    "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 800, "
    "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
    "\"ALBRequestCountPerTarget\"}}}";
  g_autofree char *both_scaling = g_strdup_printf(
    "{\"MinCapacity\": 1, \"MaxCapacity\": 40, \"policies\": "
    "[" CPU_POLICY("50", "300") ", %s]}", req_policy);
  g_autofree char *both = service_json(traffic, both_scaling, 8, "40m");
  TestRun *run = test_run_new(both);
  test_run_finish(run);
  cr_assert_eq(service_get(run->w, 0)->desired, 8,
               "scaled in though the request policy disagreed");
  test_run_free(run);
  g_autofree char *cpu_only = service_json(
    traffic,
    "{\"MinCapacity\": 1, \"MaxCapacity\": 40, \"policies\": "
    "[" CPU_POLICY("50", "300") "]}", 8, "40m");
  run = test_run_new(cpu_only);
  test_run_finish(run);
  cr_assert_lt(service_get(run->w, 0)->desired, 8,
               "with the CPU policy alone it scales in");
  test_run_free(run);
}

/* AWS's documented PercentChangeInCapacity rounding. */
Test(autoscale, percent_change_above_one_rounds_down)
{
  cr_assert_eq(autoscale_percent_change(10, 25, 0), 2);   /* 2.5 -> 2 */
  cr_assert_eq(autoscale_percent_change(10, 19, 0), 1);   /* 1.9 -> 1 */
}

Test(autoscale, percent_change_between_zero_and_one_is_one)
{
  cr_assert_eq(autoscale_percent_change(2, 25, 0), 1);    /* 0.5 -> 1 */
}

Test(autoscale, percent_change_between_minus_one_and_zero_is_minus_one)
{
  cr_assert_eq(autoscale_percent_change(2, -25, 0), -1);  /* -0.5 -> -1 */
}

Test(autoscale, percent_change_below_minus_one_rounds_toward_zero)
{
  cr_assert_eq(autoscale_percent_change(10, -25, 0), -2); /* -2.5 -> -2 */
  cr_assert_eq(autoscale_percent_change(10, -19, 0), -1); /* -1.9 -> -1 */
}

Test(autoscale, min_adjustment_magnitude_floors_the_change)
{
  cr_assert_eq(autoscale_percent_change(10, 10, 3), 3);
  cr_assert_eq(autoscale_percent_change(10, -10, 3), -3);
  cr_assert_eq(autoscale_percent_change(100, 10, 3), 10);
}

Test(autoscale, step_scaling_applies_the_matching_step)
{
  g_autofree char *json = service_json(
    "{\"generator\": \"step\", \"from_rps\": 50, \"to_rps\": 350, \"at\": "
    "\"5m\"}",
    "{\"MinCapacity\": 1, \"MaxCapacity\": 40, \"policies\": [{"
    "\"PolicyName\": \"steps\", \"PolicyType\": \"StepScaling\", "
    "\"StepScalingPolicyConfiguration\": {\"AdjustmentType\": "
    "\"PercentChangeInCapacity\", \"StepAdjustments\": ["
    "{\"MetricIntervalLowerBound\": 0, \"MetricIntervalUpperBound\": 20, "
    "\"ScalingAdjustment\": 50}, {\"MetricIntervalLowerBound\": 20, "
    "\"ScalingAdjustment\": 100}], \"Cooldown\": 300}, \"Alarm\": "
    "{\"MetricName\": \"ECSServiceAverageCPUUtilization\", "
    "\"ComparisonOperator\": \"GreaterThanThreshold\", \"Threshold\": 70, "
    "\"EvaluationPeriods\": 2}}]}",
    2, "12m");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  GArray *values;
  g_autoptr(GArray) times = desired_changes(run->w, &values);
  cr_assert_geq(times->len, 1);
  /* CPU saturates at 100%: 30 above the threshold, the +100% step. */
  cr_assert_eq(g_array_index(values, int, 0), 4);
  cr_assert_eq(g_array_index(times, SimTime, 0), 8 * SIM_MIN,
               "2 datapoints after the step, visible a minute late");
  for (guint i = 1; i < times->len; i++)
    cr_assert_geq(g_array_index(times, SimTime, i) -
                    g_array_index(times, SimTime, i - 1),
                  300 * SIM_SEC, "the cooldown spaces actions");
  g_array_unref(values);
  test_run_free(run);
}

Test(autoscale, scheduled_action_raises_min_capacity_at_8am)
{
  g_autofree char *json = service_json(
    "{\"generator\": \"constant\", \"rps\": 20}",
    "{\"MinCapacity\": 1, \"MaxCapacity\": 20, \"ScheduledActions\": [{"
    "\"ScheduledActionName\": \"morning\", \"Schedule\": "
    "\"cron(0 8 * * ? *)\", \"ScalableTargetAction\": {\"MinCapacity\": "
    "6}}]}",
    2, "9h");
  TestRun *run = test_run_new(json);
  world_run_until(run->w, 8 * SIM_HOUR - SIM_SEC);
  cr_assert_eq(service_get(run->w, 0)->desired, 2);
  world_run_until(run->w, 8 * SIM_HOUR);
  cr_assert_eq(service_get(run->w, 0)->desired, 6,
               "raised to the new minimum at 08:00");
  test_run_free(run);
}

Test(autoscale, scale_out_waits_for_managed_scaling_on_ec2)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"60m\", \"seed\": 5, \"cluster\": "
    "{\"auto_scaling_groups\": [{\"name\": \"g\", \"instance_type\": "
    "\"m5.large\", \"min\": 1, \"max\": 20, \"desired\": 1, "
    "\"managedScaling\": {\"status\": \"ENABLED\", \"targetCapacity\": 100,"
    " \"instanceWarmupPeriod\": 120}}]}, \"taskDefinitions\": [{\"family\":"
    " \"web\", \"networkMode\": \"bridge\", \"containerDefinitions\": "
    "[{\"name\": \"app\", \"image\": \"x\", \"cpu\": 1024, \"memory\": "
    "1024}]}], \"services\": [{\"serviceName\": \"web\", \"taskDefinition\":"
    " \"web\", \"desiredCount\": 2, \"capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"g\", \"weight\": 1}], \"scaling\": "
    "{\"MinCapacity\": 2, \"MaxCapacity\": 30, \"policies\": "
    "[" CPU_POLICY("50", "300") "]}, \"workload\": {\"traffic\": "
    "{\"generator\": \"spike\", \"base_rps\": 50, \"at\": \"10m\", "
    "\"height_rps\": 450, \"duration\": \"50m\"}, \"service_time\": "
    "{\"dist\": \"exponential\", \"mean\": \"100ms\"}, \"concurrency\": 10,"
    " \"queue_limit\": 100, \"timeout\": \"2s\"}}]}");
  gboolean saw_waiting = FALSE;
  for (SimTime t = 10 * SIM_MIN; t < 60 * SIM_MIN; t += 30 * SIM_SEC) {
    world_run_until(run->w, t);
    ServiceCounts c = service_counts(run->w, 0);
    saw_waiting |= c.pending > 0 && cluster_waiting_tasks(run->w) > 0;
  }
  test_run_finish(run);
  cr_assert(saw_waiting, "scale-out tasks waited in PROVISIONING");
  cr_assert_gt(cluster_n_instances(run->w), 1, "the group grew");
  ServiceCounts c = service_counts(run->w, 0);
  Service *s = service_get(run->w, 0);
  cr_assert_geq(s->desired, 9, "desired %d", s->desired);
  cr_assert_eq(c.running, s->desired, "every task placed: %d of %d",
               c.running, s->desired);
  cr_assert_eq(c.pending, 0);
  test_run_free(run);
}
