/* What runs cost, end to end: AWS's per-second billing with minimums,
 * Fargate vs EC2, Spot histories and committed discounts, and the split by
 * service and capacity provider. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/capacity/cost.h"
#include "support.h"

Test(cost, fargate_tasks_bill_vcpu_and_memory_hours_per_second)
{
  /* AWS's example: 5 tasks of 1 vCPU and 2 GB for 10 minutes a day cost
   * $1.01 of CPU and $0.22 of memory over 30 days. */
  TestRun *run = test_run_new(
    "{\"duration\": \"10m\", \"taskDefinitions\": [{\"family\": \"t\", "
    "\"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
    "[{\"name\": \"a\", \"image\": \"x\"}]}], \"services\": "
    "[{\"serviceName\": \"s\", \"taskDefinition\": \"t\", \"desiredCount\": "
    "5, \"launchType\": \"FARGATE\"}]}");
  test_run_finish(run);
  double day = test_summary_number(run, "cost.items.compute");
  cr_assert_float_eq(day, 5 * (600.0 / 3600) * (0.04048 + 2 * 0.004445),
                     1e-6);
  cr_assert_float_eq(round(30 * day * 100) / 100, 1.01 + 0.22, 1e-9);
  cr_assert_float_eq(test_summary_number(run, "capacity.task_hours"),
                     5 * 600.0 / 3600, 1e-3);
  test_run_free(run);
}

static char *
ec2_json(const char *asg_extra, const char *duration)
{
  return g_strdup_printf(
    "{\"duration\": \"%s\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 2, "
    "\"max\": 2%s}]}, \"taskDefinitions\": [{\"family\": \"t\", "
    "\"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": "
    "\"a\", \"image\": \"x\", \"cpu\": 1024, \"memory\": 1024}]}], "
    "\"services\": [{\"serviceName\": \"s\", \"taskDefinition\": \"t\", "
    "\"desiredCount\": 1, \"launchType\": \"EC2\"}]}",
    duration, asg_extra);
}

Test(cost, ec2_instances_bill_while_registered_split_by_reservation)
{
  g_autofree char *json = ec2_json("", "1h");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  /* Two m5.large for an hour at $0.096; the one task reserved half of one
   * instance's CPU, a quarter of the group's. */
  double total = test_summary_number(run, "cost.items.compute");
  cr_assert_float_eq(total, 2 * 0.096, 1e-9);
  cr_assert_float_eq(test_summary_number(run, "cost.by_service.s"),
                     0.25 * 2 * 0.096, 1e-6);
  cr_assert_float_eq(test_summary_number(run, "cost.unused_ec2_usd"),
                     0.75 * 2 * 0.096, 1e-6);
  cr_assert_float_eq(test_summary_number(run, "cost.by_provider.g"),
                     2 * 0.096, 1e-6);
  cr_assert_float_eq(test_summary_number(run, "capacity.instance_hours"), 2,
                     1e-9);
  test_run_free(run);
}

Test(cost, committed_capacity_takes_the_catalog_discount)
{
  g_autofree char *json = ec2_json(", \"committed\": true", "1h");
  char *with_pricing = g_strdup(json);
  /* Add a committed discount of 40% to the scenario's pricing. */
  with_pricing[strlen(with_pricing) - 1] = '\0';
  g_autofree char *full = g_strdup_printf(
    "%s, \"pricing\": {\"ec2\": {\"committed_discount\": 0.4}}}",
    with_pricing);
  g_free(with_pricing);
  TestRun *run = test_run_new(full);
  test_run_finish(run);
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     2 * 0.096 * 0.6, 1e-9);
  test_run_free(run);
}

Test(cost, spot_price_history_is_integrated_over_each_instance)
{
  g_autofree char *json = ec2_json(
    ", \"spot\": true, \"spot_price_trace\": \"spot-prices.csv\"", "1h");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  /* $0.03/h for the first half hour, $0.05/h after: $0.04 per instance. */
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     2 * 0.04, 1e-9);
  test_run_free(run);
}

Test(cost, spot_history_without_spot_is_refused)
{
  g_autofree char *json = ec2_json(
    ", \"spot_price_trace\": \"spot-prices.csv\"", "1h");
  g_autofree char *msg = test_configure_error(json);
  cr_assert_str_eq(msg, "t.json: /cluster/auto_scaling_groups/0/"
                        "spot_price_trace: a Spot price history needs "
                        "\"spot\": true");
}

Test(cost, a_short_run_pays_the_one_minute_minimum)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"20s\", \"taskDefinitions\": [{\"family\": \"t\", "
    "\"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
    "[{\"name\": \"a\", \"image\": \"x\"}]}], \"services\": "
    "[{\"serviceName\": \"s\", \"taskDefinition\": \"t\", \"desiredCount\": "
    "1, \"launchType\": \"FARGATE\"}]}");
  test_run_finish(run);
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     (60.0 / 3600) * (0.04048 + 2 * 0.004445), 1e-6);
  test_run_free(run);
}
