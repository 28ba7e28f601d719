/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * Results that were wrong from the first instant of a run (or from the
 * first scale-out) while the run exited 0: the user sees them only by
 * reading the outputs closely, so each test reads them as a user would. */
#include <criterion/criterion.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

/* Writes @json to a new temporary directory as s.json and runs `ecsim run
 * s.json -o out` there; asserts exit 0 and returns the directory (owned),
 * whose out/base/ holds the outputs. */
static char *
run_scenario(const char *json)
{
  char *tmp = test_tmpdir();
  g_autofree char *path = g_build_filename(tmp, "s.json", NULL);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  g_autofree char *err = NULL;
  int status = cli_run(tmp, NULL, &err, "run", "--quiet", "s.json", "-o",
                       "out", NULL);
  cr_assert_eq(status, 0, "ecsim run exited %d: %s", status, err);
  return tmp;
}

/* The value in column @column of timeseries.csv's row @row (1: the first
 * period), as a number. */
static double
series_value(const char *dir, int row, const char *column)
{
  g_autofree char *text = test_read_file(dir, "out/base/timeseries.csv");
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  cr_assert_gt(g_strv_length(lines), (guint) row);
  g_auto(GStrv) names = g_strsplit(lines[0], ",", -1);
  g_auto(GStrv) values = g_strsplit(lines[row], ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal(names[i], column)) {
      cr_assert_not_null(values[i]);
      return g_ascii_strtod(values[i], NULL);
    }
  cr_assert_fail("no column %s in timeseries.csv", column);
  return 0;
}

/* A Fargate service of 0.25-vCPU tasks with a CPU target-tracking policy
 * and light traffic, for @duration. */
static char *
scaled_service(int desired, int min, int max, const char *duration)
{
  return g_strdup_printf(
    "{\"name\": \"bounds\", \"seed\": 1, \"duration\": \"%s\", "
    "\"period\": \"1m\", \"taskDefinitions\": [{\"family\": \"web\", "
    "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": "
    "[\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", "
    "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}], "
    "\"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": %d, \"launchType\": \"FARGATE\", \"scaling\": "
    "{\"MinCapacity\": %d, \"MaxCapacity\": %d, \"policies\": "
    "[{\"PolicyName\": \"cpu\", \"PolicyType\": \"TargetTrackingScaling\", "
    "\"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50, "
    "\"PredefinedMetricSpecification\": {\"PredefinedMetricType\": "
    "\"ECSServiceAverageCPUUtilization\"}}}]}, \"workload\": {\"traffic\": "
    "{\"generator\": \"constant\", \"rps\": 10}, \"service_time\": "
    "{\"dist\": \"exponential\", \"mean\": \"20ms\"}}}]}",
    duration, desired, min, max);
}

/* RegisterScalableTarget moves the desired count into [MinCapacity,
 * MaxCapacity] at once. A sweep over MinCapacity used to run the
 * scenario's desiredCount (6) until the first alarm, which at low load
 * never came: every point of the sweep cost the same. */
Test(time_zero, min_capacity_above_desired_count_runs_from_time_zero)
{
  g_autofree char *json = scaled_service(6, 24, 40, "1h");
  g_autofree char *dir = run_scenario(json);
  cr_assert_eq(series_value(dir, 1, "desired"), 24);
  cr_assert_eq(series_value(dir, 1, "running"), 24);
  g_autofree char *events = test_read_file(dir, "out/base/events.jsonl");
  cr_assert(strstr(events,
                   "{\"time\":0,\"clock\":\"00:00:00.000\",\"service\":"
                   "\"web\",\"kind\":\"scaling-activity\",\"message\":"
                   "\"(service web) Setting desired count to 24. Cause: "
                   "minimum capacity was set to 24.\"}") != NULL,
            "%s", events);
  g_autofree char *summary = test_read_file(dir, "out/base/summary.json");
  cr_assert(strstr(summary, "\"task_hours\":\t24,") != NULL, "%s", summary);
  test_rmrf(dir);
}

/* The other direction: desiredCount 20 with MaxCapacity 10 used to run 20
 * tasks until 15 low datapoints let target tracking scale in. */
Test(time_zero, max_capacity_below_desired_count_runs_from_time_zero)
{
  g_autofree char *json = scaled_service(20, 2, 10, "30m");
  g_autofree char *dir = run_scenario(json);
  cr_assert_eq(series_value(dir, 1, "desired"), 10);
  cr_assert_eq(series_value(dir, 1, "running"), 10);
  g_autofree char *events = test_read_file(dir, "out/base/events.jsonl");
  cr_assert(strstr(events, "(service web) Setting desired count to 10. "
                           "Cause: maximum capacity was set to 10.")
              != NULL, "%s", events);
  g_autofree char *summary = test_read_file(dir, "out/base/summary.json");
  cr_assert(strstr(summary, "\"tasks\":\t{\n\t\t\"started\":\t10,") != NULL,
            "%s", summary);
  test_rmrf(dir);
}
