/* Pitfalls of size: a service scaled in by thousands of tasks in one step
 * (a scheduled action, an update-service, a scale-in alarm after a peak).
 * The scheduler stops them in one pass; choosing each victim by scanning
 * the tasks left made it O(k n): 10,000 tasks took 3.3 s of CPU on
 * Fargate and 3.2 s on EC2, 2,500 0.2 s. And each task chosen must count
 * as gone for the next choice, or a spread service loses them all from
 * the AZ that was fullest when the pass began. */
#include <criterion/criterion.h>
#include <glib.h>

#include "models/capacity/cluster.h"
#include "models/control/service.h"
#include "models/world/world.h"
#include "support.h"

/* A warm service of @from tasks set to @to at one minute: one pass stops
 * the difference. @placement is the service's launch type and
 * placement; @cluster the cluster object. */
static char *
scale_in_json(int from, int to, const char *cluster, const char *def,
              const char *placement)
{
  return g_strdup_printf(
    "{\"name\": \"scale-in\", \"seed\": 1, \"duration\": \"3m\","
    " \"period\": \"1m\", \"ignore_warnings\": [\"no_traffic\"],"
    " \"cluster\": %s, \"taskDefinitions\": [%s],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    "   \"desiredCount\": %d, %s}],"
    " \"faults\": [{\"at\": \"1m\", \"kind\": \"set_desired\","
    "   \"service\": \"web\", \"desiredCount\": %d}]}",
    cluster, def, from, placement, to);
}

static const char fargate_def[] =
  "{\"family\": \"web\", \"networkMode\": \"awsvpc\","
  " \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\","
  " \"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"web\","
  " \"image\": \"x/web:1\"}]}";

static const char ec2_def[] =
  "{\"family\": \"web\", \"networkMode\": \"bridge\","
  " \"requiresCompatibilities\": [\"EC2\"], \"containerDefinitions\": [{"
  " \"name\": \"web\", \"image\": \"x/web:1\", \"cpu\": 1024,"
  " \"memory\": 2048}]}";

/* @n m5.4xlarge instances (16 tasks of 1 vCPU each). */
static char *
ec2_cluster(int n)
{
  return g_strdup_printf(
    "{\"auto_scaling_groups\": [{\"name\": \"m5\", \"instance_type\":"
    " \"m5.4xlarge\", \"min\": %d, \"max\": %d, \"desired\": %d}]}",
    n, n, n);
}

/* Runs @json; checks that @stopped tasks stopped on scale-in and @left
 * run at the end. (What the pass costs is bench/bench-scale.sh's.) */
static void
run_scale_in(const char *json, int stopped, int left, TestRun **out)
{
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(test_summary_number(run, "services.web.running_end"), left);
  int scale_in = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    scale_in += t->stop_reason == STOP_SCALE_IN;
  }
  cr_assert_eq(scale_in, stopped, "%d tasks stopped on scale-in", scale_in);
  if (out != NULL)
    *out = run;
  else
    test_run_free(run);
}

/* Live tasks per AZ (3 AZs). */
static void
live_per_az(const TestRun *run, int *per_az)
{
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    if (task_is_live(t)) {
      cr_assert(t->az >= 0 && t->az < 3);
      per_az[t->az]++;
    }
  }
}

/* Live tasks per instance (ids below @n). */
static void
live_per_instance(const TestRun *run, int *per_instance, int n)
{
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    if (task_is_live(t)) {
      cr_assert(t->instance >= 0 && t->instance < n);
      per_instance[t->instance]++;
    }
  }
}

Test(scale_in_many, fargate_3000_to_300_in_one_step_keeps_the_azs_balanced)
{
  g_autofree char *json = scale_in_json(3000, 300, "{}", fargate_def,
                                        "\"launchType\": \"FARGATE\"");
  TestRun *run;
  run_scale_in(json, 2700, 300, &run);
  int per_az[3] = { 0 };
  live_per_az(run, per_az);
  cr_assert_eq(per_az[0], 100, "AZ a keeps %d", per_az[0]);
  cr_assert_eq(per_az[1], 100, "AZ b keeps %d", per_az[1]);
  cr_assert_eq(per_az[2], 100, "AZ c keeps %d", per_az[2]);
  test_run_free(run);
}

/* FARGATE (base 2, weight 1) and FARGATE_SPOT (weight 3): the tasks left
 * keep the strategy's split, each provider's AZs balanced. */
Test(scale_in_many, a_provider_strategy_keeps_its_split_when_many_stop)
{
  g_autofree char *json = scale_in_json(
    2002, 202, "{}", fargate_def,
    "\"capacityProviderStrategy\": ["
    " {\"capacityProvider\": \"FARGATE\", \"base\": 2, \"weight\": 1},"
    " {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]");
  TestRun *run;
  run_scale_in(json, 1800, 202, &run);
  int spot[3] = { 0 }, on_demand[3] = { 0 };
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    if (task_is_live(t))
      (t->spot ? spot : on_demand)[t->az]++;
  }
  /* 2 + 200 / 4 = 52 on FARGATE, 150 on FARGATE_SPOT. */
  cr_assert_eq(on_demand[0] + on_demand[1] + on_demand[2], 52);
  cr_assert_eq(spot[0] + spot[1] + spot[2], 150);
  for (guint az = 0; az < 3; az++) {
    cr_assert(on_demand[az] >= 17 && on_demand[az] <= 18, "%d",
              on_demand[az]);
    cr_assert_eq(spot[az], 50);
  }
  test_run_free(run);
}

/* Binpack on memory stops the tasks of the instance with the most memory
 * free first: 40 tasks binpacked fill two instances (16 each) and put 8
 * on a third; scaled in to 20, the third is emptied and the other two
 * keep 20 between them. */
Test(scale_in_many, ec2_binpack_empties_the_emptiest_instance_first)
{
  g_autofree char *cluster = ec2_cluster(4);
  g_autofree char *json = scale_in_json(
    40, 20, cluster, ec2_def,
    "\"launchType\": \"EC2\", \"placementStrategy\": [{\"type\":"
    " \"binpack\", \"field\": \"memory\"}]");
  TestRun *run = test_run_new(json);
  int per_instance_before[4] = { 0 };
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    per_instance_before[t->instance]++;
  }
  test_run_finish(run);
  int per_instance[4] = { 0 };
  live_per_instance(run, per_instance, 4);
  for (guint i = 0; i < 4; i++) {
    if (per_instance_before[i] == 8)
      cr_assert_eq(per_instance[i], 0, "instance %u keeps %d tasks", i,
                   per_instance[i]);
    else
      cr_assert(per_instance_before[i] == 16 || per_instance_before[i] == 0,
                "instance %u had %d", i, per_instance_before[i]);
  }
  cr_assert_eq(per_instance[0] + per_instance[1] + per_instance[2] +
               per_instance[3], 20);
  test_run_free(run);
}

/* EC2 spread by AZ, then by instance: each task stopped counts as gone
 * for the next choice, so that 3,000 tasks on 192 instances (64 per AZ)
 * set to 300 keep 100 per AZ and 1 or 2 per instance. The strategy keys
 * used to be placement's counts, which change only once a task has
 * STOPPED: every victim of the pass came from the AZ that was fullest at
 * its start (30 tasks over 3 AZs set to 9 kept 7, 2 and 0). */
Test(scale_in_many, ec2_spread_keeps_the_azs_balanced_within_one_pass)
{
  g_autofree char *cluster = ec2_cluster(192);
  g_autofree char *json = scale_in_json(
    3000, 300, cluster, ec2_def,
    "\"launchType\": \"EC2\", \"placementStrategy\": [{\"type\": \"spread\","
    " \"field\": \"attribute:ecs.availability-zone\"}, {\"type\":"
    " \"spread\", \"field\": \"instanceId\"}]");
  TestRun *run;
  run_scale_in(json, 2700, 300, &run);
  int per_az[3] = { 0 };
  live_per_az(run, per_az);
  for (int az = 0; az < 3; az++)
    cr_assert_eq(per_az[az], 100, "AZ %d keeps %d tasks", az, per_az[az]);
  g_autofree int *per_instance = g_new0(int, 192);
  live_per_instance(run, per_instance, 192);
  for (int i = 0; i < 192; i++)
    cr_assert(per_instance[i] >= 1 && per_instance[i] <= 2,
              "instance %d keeps %d tasks", i, per_instance[i]);
  test_run_free(run);
}
