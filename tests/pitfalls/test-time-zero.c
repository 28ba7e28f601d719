/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * Results that were wrong from the first instant of a run (or from the
 * first scale-out) while the run exited 0: the user sees them only by
 * reading the outputs closely, so each test reads them as a user would. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/capacity/cluster.h"
#include "models/core/eventlog.h"
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

/* summary.json's number at @section.@field, NAN when absent. */
static double
summary_number(const char *dir, const char *section, const char *field)
{
  g_autofree char *text = test_read_file(dir, "out/base/summary.json");
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(root, section), field);
  double x = cJSON_IsNumber(v) ? v->valuedouble : NAN;
  cJSON_Delete(root);
  return x;
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

/* An EC2 service of task definition @taskdef (JSON, or {"file": ...})
 * named "td", 5 requests/s of a fixed 40 ms at 1 vCPU, on two m6i.large. */
static char *
ec2_service(const char *taskdef)
{
  return g_strdup_printf(
    "{\"name\": \"nocpu\", \"seed\": 1, \"duration\": \"10m\", "
    "\"cluster\": {\"auto_scaling_groups\": [{\"name\": \"asg\", "
    "\"instance_type\": \"m6i.large\", \"min\": 2, \"max\": 2, "
    "\"desired\": 2}]}, \"taskDefinitions\": [%s], \"services\": "
    "[{\"serviceName\": \"svc\", \"taskDefinition\": \"td\", "
    "\"desiredCount\": 2, \"capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"asg\", \"weight\": 1}], \"workload\": "
    "{\"traffic\": {\"generator\": \"constant\", \"rps\": 5}, "
    "\"service_time\": \"40ms\"}}]}",
    taskdef);
}

/* A task that reserves no CPU runs unthrottled on its instance's idle CPU
 * (CPU shares, capacity/cpu-share.h), its requests at most at the speed
 * they were measured at (slot_max_vcpu's default), so a 40 ms request
 * takes 40 ms on an idle instance. It used to get 0 vCPU, an infinite
 * service time, and `ecsim run` aborted with exit 133. */
Test(time_zero, ec2_task_without_cpu_serves_at_the_measured_speed)
{
  g_autofree char *json = ec2_service(
    "{\"family\": \"td\", \"containerDefinitions\": [{\"name\": "
    "\"app\", \"image\": \"x\", \"memory\": 256}]}");
  g_autofree char *dir = run_scenario(json);
  double p50 = summary_number(dir, "latency", "p50_ms");
  cr_assert(fabs(p50 - 40.0) < 1.0, "p50 %.3f ms, not 40 ms", p50);
  cr_assert_eq(summary_number(dir, "requests", "error_rate"), 0);
  test_rmrf(dir);
}

/* The same with AWS's consul sample (no task-level cpu), its container's
 * `cpu` set to 0 as ECS allows: the minimum 2 shares, alone on the
 * instance, so 40 ms as above. */
Test(time_zero, aws_consul_sample_with_container_cpu_0_runs_on_ec2)
{
  const char *shared = test_shared_dir();
  if (shared == NULL)
    cr_skip_test("no shared material (ECSIM_SHARED)");
  g_autofree char *sample = g_build_filename(
    shared, "realworld", "aws-task-definitions", "consul_ConsulClient.json",
    NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(sample, &text, NULL, NULL))
    cr_skip_test("no %s", sample);
  cJSON *td = cJSON_Parse(text);
  cr_assert_not_null(td);
  cJSON *c = cJSON_GetArrayItem(
    cJSON_GetObjectItemCaseSensitive(td, "containerDefinitions"), 0);
  cr_assert_not_null(cJSON_GetObjectItemCaseSensitive(td, "family"));
  cJSON_SetNumberValue(cJSON_GetObjectItemCaseSensitive(c, "cpu"), 0);
  cJSON_ReplaceItemInObjectCaseSensitive(td, "family",
                                         cJSON_CreateString("td"));
  g_autofree char *edited = cJSON_PrintUnformatted(td);
  cJSON_Delete(td);
  g_autofree char *json = ec2_service(edited);
  g_autofree char *dir = run_scenario(json);
  double p50 = summary_number(dir, "latency", "p50_ms");
  cr_assert(fabs(p50 - 40.0) < 1.0, "p50 %.3f ms, not 40 ms", p50);
  test_rmrf(dir);
}

/* Two m5.large ($0.096/h) launched cold at time 0: EC2 "pending" for
 * @launch - @boot, then "running" (billed) while the OS boots and the
 * agent registers, for an hour; @extra is more scenario JSON. */
static char *
cold_cluster(const char *launch, const char *boot, const char *extra)
{
  return g_strdup_printf(
    "{\"duration\": \"1h\", \"cluster\": {\"start_warm\": false, "
    "\"availability_zones\": [\"us-east-1a\", \"us-east-1b\"], "
    "\"auto_scaling_groups\": [{\"name\": \"g\", \"instance_type\": "
    "\"m5.large\", \"min\": 2, \"max\": 2, \"launch_time\": \"%s\", "
    "\"boot_time\": \"%s\"}]}, \"taskDefinitions\": [{\"family\": \"t\", "
    "\"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": "
    "\"a\", \"image\": \"x\", \"cpu\": 1024, \"memory\": 1024}]}], "
    "\"services\": [{\"serviceName\": \"s\", \"taskDefinition\": \"t\", "
    "\"desiredCount\": 1, \"launchType\": \"EC2\"}]%s}",
    launch, boot, extra);
}

/* AWS bills an instance per second from "running", before it boots and
 * registers with ECS; ecsim billed from registration, so every launch was
 * under-billed by its boot time. By hand: running at 150 - 60 = 90 s, so
 * 2 × (3600 - 90) s × $0.096/h = $0.1872 ($0.19; it was $0.184, $0.18). */
Test(time_zero, ec2_instances_bill_from_running_not_from_registration)
{
  g_autofree char *json = cold_cluster("150s", "60s", "");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double compute = test_summary_number(run, "cost.items.compute");
  cr_assert_float_eq(compute, 2 * 3510 * 0.096 / 3600, 1e-9);
  cr_assert_eq(round(compute * 100), 19, "$%.4f", compute);
  cr_assert_float_eq(test_summary_number(run, "capacity.instance_hours"),
                     2 * 3510 / 3600.0, 1e-3);
  test_run_free(run);
}

/* An instance that dies while it boots was running, so AWS bills it (the
 * 60-second minimum here: running at 90 s, gone at 120 s); one still
 * pending is free. */
Test(time_zero, an_instance_lost_while_booting_pays_the_minimum)
{
  g_autofree char *json = cold_cluster(
    "150s", "60s",
    ", \"faults\": [{\"at\": \"120s\", \"kind\": \"az_outage\", \"az\": "
    "\"us-east-1a\", \"duration\": \"2h\"}]");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  /* One instance per zone: us-east-1b's runs from 90 s to the end; the
   * group's replacement for the lost one launches at 120 s in us-east-1b
   * and runs from 210 s. */
  double hours = (60 + (3600 - 90) + (3600 - 210)) / 3600.0;
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     hours * 0.096, 1e-9);
  test_run_free(run);
}

/* capacity.max_instances was the largest count seen at period ends: an
 * instance that registered at 30 s and was lost at 50 s (its only zone
 * went down, so nothing replaced it) never reached a period end and the
 * run reported 0 instances at most. */
Test(time_zero, max_instances_counts_an_instance_that_lived_20_seconds)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"10m\", \"period\": \"1m\", \"cluster\": "
    "{\"start_warm\": false, \"availability_zones\": [\"us-east-1a\"], "
    "\"auto_scaling_groups\": [{\"name\": \"g\", \"instance_type\": "
    "\"m5.large\", \"min\": 1, \"max\": 1, \"launch_time\": \"30s\", "
    "\"boot_time\": \"10s\"}]}, \"taskDefinitions\": [{\"family\": \"t\", "
    "\"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": "
    "\"a\", \"image\": \"x\", \"cpu\": 1024, \"memory\": 1024}]}], "
    "\"services\": [{\"serviceName\": \"s\", \"taskDefinition\": \"t\", "
    "\"desiredCount\": 1, \"launchType\": \"EC2\"}], \"faults\": [{\"at\": "
    "\"50s\", \"kind\": \"az_outage\", \"az\": \"us-east-1a\", "
    "\"duration\": \"1h\"}]}");
  test_run_finish(run);
  cr_assert_eq(test_summary_number(run, "capacity.max_instances"), 1);
  cr_assert_eq(test_summary_number(run, "capacity.instances_launched"), 1);
  test_run_free(run);
}

/* The "unable to place" message of a service of @desired tasks of
 * container @container (JSON members) in network mode @mode, with service
 * members @extra, on one m5.large (2,048 CPU units, 3 network interfaces);
 * its instance id in @instance. */
static char *
unplaced_message(const char *mode, const char *container, int desired,
                 const char *extra, char **instance)
{
  g_autofree char *json = g_strdup_printf(
    "{\"duration\": \"2m\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 1, "
    "\"max\": 1}]}, \"taskDefinitions\": [{\"family\": \"t\", "
    "\"networkMode\": \"%s\", \"containerDefinitions\": [{\"name\": \"a\", "
    "\"image\": \"x\", %s}]}], \"services\": [{\"serviceName\": \"s\", "
    "\"taskDefinition\": \"t\", \"desiredCount\": %d, \"launchType\": "
    "\"EC2\"%s}]}",
    mode, container, desired, extra);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  char *message = NULL;
  for (guint i = 0; i < eventlog_size(run->w) && message == NULL; i++) {
    const LogEvent *e = eventlog_get(run->w, i);
    if (g_str_equal(e->kind, "unable-to-place"))
      message = g_strdup(e->message);
  }
  *instance = g_strdup(cluster_instance(run->w, 0)->ec2_id);
  test_run_free(run);
  cr_assert_not_null(message, "no unable-to-place event");
  return message;
}

/* The message ends with ECS's words for what the closest instance lacks;
 * it used to read "has insufficient an available network interface
 * available" and the like. */
static void
assert_reason(const char *mode, const char *container, int desired,
              const char *extra, const char *reason)
{
  g_autofree char *instance = NULL;
  g_autofree char *message =
    unplaced_message(mode, container, desired, extra, &instance);
  g_autofree char *expected = g_strdup_printf(
    "(service s) was unable to place a task because no container instance "
    "met all of its requirements. The closest matching (container-instance "
    "%s) %s.", instance, reason);
  cr_assert_str_eq(message, expected);
}

Test(time_zero, unplaced_for_cpu_in_ecs_words)
{
  /* Each task fits the instance alone; the second finds the CPU taken
   * (a task that fits no instance at all is refused at validation). */
  assert_reason("bridge", "\"cpu\": 1536, \"memory\": 256", 2, "",
                "has insufficient CPU units available");
}

Test(time_zero, unplaced_for_memory_in_ecs_words)
{
  assert_reason("bridge", "\"cpu\": 128, \"memory\": 5000", 2, "",
                "has insufficient memory available");
}

Test(time_zero, unplaced_for_a_port_in_ecs_words)
{
  assert_reason("bridge",
                "\"cpu\": 128, \"memory\": 256, \"portMappings\": "
                "[{\"containerPort\": 80, \"hostPort\": 80}]",
                2, "", "is already using a port required by your task");
}

Test(time_zero, unplaced_for_a_network_interface_in_ecs_words)
{
  /* An m5.large takes 2 awsvpc tasks (3 interfaces, one primary). */
  assert_reason("awsvpc", "\"cpu\": 128, \"memory\": 256", 3, "",
                "encountered error \"RESOURCE:ENI\"");
}

Test(time_zero, unplaced_for_an_attribute_in_ecs_words)
{
  assert_reason("bridge", "\"cpu\": 128, \"memory\": 256", 1,
                ", \"placementConstraints\": [{\"type\": \"memberOf\", "
                "\"expression\": \"attribute:ecs.instance-type == "
                "t3.micro\"}]",
                "is missing an attribute required by your task");
}

/* A Fargate service behind an ALB, 40 requests/s for an hour; @workload
 * adds workload members. */
static char *
alb_service(const char *workload)
{
  return g_strdup_printf(
    "{\"duration\": \"1h\", \"seed\": 3, \"taskDefinitions\": "
    "[{\"family\": \"api\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", "
    "\"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"app\", "
    "\"image\": \"x\", \"portMappings\": [{\"containerPort\": 8080}]}]}], "
    "\"targetGroups\": [{\"TargetGroupName\": \"api-tg\"}], \"services\": "
    "[{\"serviceName\": \"api\", \"taskDefinition\": \"api\", "
    "\"desiredCount\": 2, \"launchType\": \"FARGATE\", \"loadBalancers\": "
    "[{\"targetGroupName\": \"api-tg\", \"containerName\": \"app\", "
    "\"containerPort\": 8080}], \"workload\": {\"traffic\": {\"generator\": "
    "\"constant\", \"rps\": 40}, \"service_time\": {\"dist\": "
    "\"exponential\", \"mean\": \"10ms\"}%s}}]}",
    workload);
}

/* One new TCP connection per request (the old default) billed a small
 * service's ALB as if no client kept a connection alive. The default is
 * now AWS's pricing example's ratio, 1 new connection per 5 requests: by
 * hand, $0.0225 for the hour + 40 × 0.2 / 25 = 0.32 LCU × $0.008. */
Test(time_zero, alb_new_connections_default_to_one_per_five_requests)
{
  g_autofree char *json = alb_service("");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double lb = test_summary_number(run, "cost.items.load_balancer");
  double expected = 0.0225 + 40 * 0.2 / 25 * 0.008;
  cr_assert(fabs(lb - expected) < 0.02 * 40 * 0.2 / 25 * 0.008,
            "load balancer $%.6f, by hand $%.6f", lb, expected);
  test_run_free(run);
}

/* The cost breakdown names the LCU dimension that was billed, so a user
 * sees which workload knob drives the load balancer line. */
Test(time_zero, cost_breakdown_names_the_billed_lcu_dimension)
{
  g_autofree char *conn = alb_service("");
  g_autofree char *dir = run_scenario(conn);
  g_autofree char *summary = test_read_file(dir, "out/base/summary.json");
  cr_assert(strstr(summary, "\"load_balancer_dimension\":\t"
                            "\"new_connections\"") != NULL, "%s", summary);
  test_rmrf(dir);
  /* 40 requests/s of 20 kB: 2.88 GB an hour outweighs 0.32 LCU of new
   * connections. */
  g_autofree char *bytes = alb_service(", \"bytes_per_request\": 20000");
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *path = g_build_filename(tmp, "s.json", NULL);
  cr_assert(g_file_set_contents(path, bytes, -1, NULL));
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(tmp, &out, NULL, "run", "s.json", "-o", "out", NULL),
               0);
  cr_assert(strstr(out, "\n           load balancer LCUs billed on "
                        "processed bytes (bytes_per_request)\n") != NULL,
            "%s", out);
  test_rmrf(tmp);
}
