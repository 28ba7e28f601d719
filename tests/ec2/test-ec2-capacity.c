/* Capacity that EC2 users actually run (issue 16): Spot Instances in an
 * Auto Scaling group's mixed instances policy, the two-minute notice with
 * and without ECS Spot instance draining, Capacity Rebalancing, and warm
 * pools. Each figure follows a documented AWS rule (ECS-REFERENCE §11). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/capacity/cluster.h"
#include "models/core/task.h"
#include "scenarios/cli.h"
#include "support.h"

/* One EC2 service of @tasks tasks (512 CPU units, 1 GiB) on ASG "g"
 * whose members after the type and sizes are @asg_extra. */
static char *
scenario(const char *duration, const char *asg, int tasks)
{
  return g_strdup_printf(
    "{\"name\": \"ec2cap\", \"seed\": 1, \"duration\": \"%s\", "
    "\"period\": \"1m\", \"ignore_warnings\": [\"no_traffic\"],"
    "\"cluster\": {\"auto_scaling_groups\": [{\"name\": \"g\", "
    "\"launch_time\": \"120s\", \"boot_time\": \"60s\", %s}]},"
    "\"taskDefinitions\": [{\"family\": \"web\", \"networkMode\": "
    "\"bridge\", \"requiresCompatibilities\": [\"EC2\"], "
    "\"containerDefinitions\": [{\"name\": \"web\", \"image\": \"x\", "
    "\"cpu\": 512, \"memory\": 1024}]}],"
    "\"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    " \"desiredCount\": %d, \"launchType\": \"EC2\"}]}",
    duration, asg, tasks);
}

/* Two all-Spot m5.large instances; one gets a notice at 10 min. */
#define SPOT_PAIR(extra)                                                  \
  "\"min\": 2, \"max\": 2, \"desired\": 2, "                              \
  "\"MixedInstancesPolicy\": {\"LaunchTemplate\": {\"Overrides\": "       \
  "[{\"InstanceType\": \"m5.large\"}]}, \"InstancesDistribution\": "      \
  "{\"OnDemandPercentageAboveBaseCapacity\": 0}}, "                       \
  "\"spot_interruptions\": {\"interruptions\": [{\"at\": \"10m\", "       \
  "\"count\": 1}]" extra "}"

static guint
stopped_by(World *w, StopReason reason, SimTime *last)
{
  guint n = 0;
  *last = -1;
  for (guint i = 0; i < w->tasks->len; i++) {
    const Task *t = w->tasks->pdata[i];
    if (t->state == TASK_STOPPED && t->stop_reason == reason) {
      n++;
      *last = MAX(*last, t->entered[TASK_STOPPED]);
    }
  }
  return n;
}

static guint
running(World *w)
{
  guint n = 0;
  for (guint i = 0; i < w->tasks->len; i++)
    n += ((const Task *) w->tasks->pdata[i])->state == TASK_RUNNING;
  return n;
}

Test(ec2, on_demand_base_and_percentage_split_the_group)
{
  /* Base 1, then 25% of the rest On-Demand, rounded up: of 9 instances
   * 1 + ceil(8 × 0.25) = 3 On-Demand and 6 Spot. */
  g_autofree char *json = scenario(
    "10m",
    "\"min\": 9, \"max\": 9, \"desired\": 9, "
    "\"MixedInstancesPolicy\": {\"LaunchTemplate\": {\"Overrides\": ["
    "{\"InstanceType\": \"m5.large\"}, {\"InstanceType\": \"m6i.large\", "
    "\"spot_interruptions_per_hour\": 0.0}]}, \"InstancesDistribution\": {"
    "\"OnDemandBaseCapacity\": 1, "
    "\"OnDemandPercentageAboveBaseCapacity\": 25, "
    "\"SpotAllocationStrategy\": \"price-capacity-optimized\"}}, "
    "\"spot_interruptions\": {\"per_instance_hour\": 0.001}",
    4);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  guint spot = 0, od = 0;
  for (guint i = 0; i < cluster_n_instances(run->w); i++) {
    const Instance *inst = cluster_instance(run->w, i);
    if (inst->spot) {
      spot++;
      /* price-capacity-optimized: the pool with the lower interruption
       * rate (m6i.large at 0 against the group's 0.001). */
      cr_assert_str_eq(inst->type->name, "m6i.large");
    } else {
      od++;
      cr_assert_str_eq(inst->type->name, "m5.large"); /* prioritized */
    }
  }
  cr_assert_eq(od, 3);
  cr_assert_eq(spot, 6);
  cr_assert_float_eq(test_summary_number(run, "capacity."
                                              "spot_instances_launched"),
                     6.0, 1e-9);
  test_run_free(run);
}

Test(ec2, spot_draining_replaces_tasks_before_the_instance_ends)
{
  g_autofree char *json = scenario(
    "30m", SPOT_PAIR("") ", \"ecs_agent\": "
           "{\"ECS_ENABLE_SPOT_INSTANCE_DRAINING\": true}", 4);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  const Instance *hit = cluster_instance(run->w, 0);
  cr_assert_eq(hit->notice_at, 10 * SIM_MIN);
  cr_assert_eq(hit->terminated_at, 12 * SIM_MIN, "ended at notice + 2 min");
  cr_assert_str_eq(hit->end_reason, "Spot interruption");
  SimTime last;
  guint drained = stopped_by(run->w, STOP_INSTANCE_DRAINING, &last);
  cr_assert_gt(drained, 0, "its tasks were moved off");
  cr_assert_lt(last, hit->terminated_at, "before EC2 took it back");
  cr_assert_eq(stopped_by(run->w, STOP_INSTANCE_TERMINATED, &last), 0);
  cr_assert_eq(running(run->w), 4, "the service is whole again");
  cr_assert_float_eq(test_summary_number(run, "capacity.spot_interruptions"),
                     1.0, 1e-9);
  test_run_free(run);
}

Test(ec2, without_spot_draining_tasks_stop_when_the_instance_is_reclaimed)
{
  g_autofree char *json = scenario("30m", SPOT_PAIR(""), 4);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  const Instance *hit = cluster_instance(run->w, 0);
  cr_assert_eq(hit->terminated_at, 12 * SIM_MIN);
  SimTime last;
  cr_assert_eq(stopped_by(run->w, STOP_INSTANCE_DRAINING, &last), 0);
  guint killed = stopped_by(run->w, STOP_INSTANCE_TERMINATED, &last);
  cr_assert_gt(killed, 0);
  cr_assert_eq(last, 12 * SIM_MIN, "they died with the instance");
  cr_assert_eq(running(run->w), 4);
  test_run_free(run);
}

Test(ec2, capacity_rebalancing_launches_the_replacement_first)
{
  g_autofree char *json = scenario(
    "30m", SPOT_PAIR(", \"rebalance_recommendation\": \"5m\"")
           ", \"CapacityRebalance\": true, "
           "\"ecs_agent\": {\"ECS_ENABLE_SPOT_INSTANCE_DRAINING\": true}", 4);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_geq(cluster_n_instances(run->w), 3);
  const Instance *old = cluster_instance(run->w, 0);
  const Instance *fresh = cluster_instance(run->w, 2);
  cr_assert_eq(fresh->launched_at, 5 * SIM_MIN,
               "launched at the recommendation, 5 min before the notice");
  cr_assert(fresh->spot);
  cr_assert_lt(fresh->registered_at, 10 * SIM_MIN,
               "in service before the interruption notice");
  cr_assert_lt(old->terminated_at, 10 * SIM_MIN,
               "the at-risk instance left before its notice");
  cr_assert_str_eq(old->end_reason, "scale-in (drained)");
  SimTime last;
  cr_assert_eq(stopped_by(run->w, STOP_INSTANCE_TERMINATED, &last), 0);
  cr_assert_float_eq(test_summary_number(run, "capacity.spot_interruptions"),
                     0.0, 1e-9);
  test_run_free(run);
}

/* One instance in service and a warm pool of one (MinSize 1,
 * MaxGroupPreparedCapacity 2: max(1, 2 − 1)); @pool: PoolState and
 * warm_pool members, or NULL for no pool. */
static char *
warm_scenario(const char *duration, const char *pool, const char *faults)
{
  g_autofree char *asg = g_strdup_printf(
    "\"instance_type\": \"m5.large\", \"min\": 1, \"max\": 3, "
    "\"desired\": 1%s%s", pool ? ", " : "", pool ? pool : "");
  g_autofree char *base = scenario(duration, asg, 2);
  /* Replace the closing brace with the faults. */
  base[strlen(base) - 1] = '\0';
  return g_strdup_printf("%s, \"faults\": [%s]}", base, faults);
}

static const Instance *
replacement(World *w)
{
  /* The failed instance and its replacement (pool members are not
   * container instances). */
  cr_assert_eq(cluster_n_instances(w), 2);
  return cluster_instance(w, 1);
}

Test(ec2, a_warm_pool_instance_joins_faster_than_a_cold_launch)
{
  const char *fail = "{\"at\": \"10m\", \"kind\": \"instance_failure\", "
                     "\"asg\": \"g\", \"count\": 1}";
  g_autofree char *warm_json = warm_scenario(
    "30m", "\"WarmPoolConfiguration\": {\"MinSize\": 1, "
           "\"MaxGroupPreparedCapacity\": 2}, "
           "\"warm_pool\": {\"join_time\": \"30s\"}", fail);
  g_autofree char *cold_json = warm_scenario("30m", NULL, fail);
  TestRun *warm = test_run_new(warm_json);
  TestRun *cold = test_run_new(cold_json);
  test_run_finish(warm);
  test_run_finish(cold);
  const Instance *w = replacement(warm->w), *c = replacement(cold->w);
  cr_assert(w->from_warm_pool);
  cr_assert_not(c->from_warm_pool);
  cr_assert_eq(w->launched_at, 10 * SIM_MIN);
  cr_assert_eq(c->launched_at, 10 * SIM_MIN);
  /* Only the start and the agent's registration, against the whole
   * 120 s launch. */
  cr_assert_eq(w->registered_at - w->launched_at, 30 * SIM_SEC);
  cr_assert_eq(c->registered_at - c->launched_at, 120 * SIM_SEC);
  test_run_free(warm);
  test_run_free(cold);
}

static double
pool_cost(const char *state, double *hours)
{
  g_autofree char *pool = g_strdup_printf(
    "\"WarmPoolConfiguration\": {\"MinSize\": 1, "
    "\"MaxGroupPreparedCapacity\": 1, \"PoolState\": \"%s\"}", state);
  g_autofree char *json = warm_scenario("1h", pool, "");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double usd = test_summary_number(run, "cost.warm_pool_usd");
  *hours = test_summary_number(run, "capacity.warm_pool_instance_hours");
  test_run_free(run);
  return usd;
}

Test(ec2, a_stopped_pool_pays_ebs_and_a_running_pool_the_instance)
{
  double hours;
  /* One member for the whole hour. Stopped: its 30 GiB gp3 root volume
   * at $0.08 per GiB-month of 730 h. */
  cr_assert_float_eq(pool_cost("Stopped", &hours), 30 * 0.08 / 730, 1e-6);
  cr_assert_float_eq(hours, 1.0, 1e-9);
  /* Hibernated: the volume holds the 8 GiB of RAM too. */
  cr_assert_float_eq(pool_cost("Hibernated", &hours), 38 * 0.08 / 730,
                     1e-6);
  /* Running: m5.large On-Demand, $0.096 an hour. */
  cr_assert_float_eq(pool_cost("Running", &hours), 0.096, 1e-6);
}

Test(ec2, on_demand_percentage_above_100_is_refused_with_its_path)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "bad.json", NULL);
  g_autofree char *json = scenario(
    "10m",
    "\"min\": 1, \"max\": 1, \"MixedInstancesPolicy\": {\"LaunchTemplate\":"
    " {\"Overrides\": [{\"InstanceType\": \"m5.large\"}]}, "
    "\"InstancesDistribution\": "
    "{\"OnDemandPercentageAboveBaseCapacity\": 120}}",
    1);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  g_autofree char *err = NULL;
  g_autofree char *out_dir = g_build_filename(dir, "out", NULL);
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", path, "-q", "-o", out_dir,
                       NULL), 2);
  g_autofree char *want = g_strdup_printf(
    "%s: /cluster/auto_scaling_groups/0/MixedInstancesPolicy/"
    "InstancesDistribution/OnDemandPercentageAboveBaseCapacity: ", path);
  cr_assert(strstr(err, want) != NULL, "%s", err);
  cr_assert(strstr(err, "120") != NULL, "%s", err);
  test_rmrf(dir);
}

Test(ec2, a_warm_pool_with_spot_instances_is_refused)
{
  g_autofree char *json = scenario(
    "10m",
    "\"min\": 1, \"max\": 1, \"MixedInstancesPolicy\": {\"LaunchTemplate\":"
    " {\"Overrides\": [{\"InstanceType\": \"m5.large\"}]}}, "
    "\"WarmPoolConfiguration\": {\"MinSize\": 1}",
    1);
  g_autofree char *err = test_configure_error(json);
  cr_assert_not_null(err);
  cr_assert(strstr(err, "/cluster/auto_scaling_groups/0/"
                        "WarmPoolConfiguration: a warm pool cannot be "
                        "added") != NULL, "%s", err);
}

static double
one_spot_hour(const char *override_extra)
{
  g_autofree char *asg = g_strdup_printf(
    "\"min\": 1, \"max\": 1, \"desired\": 1, \"MixedInstancesPolicy\": "
    "{\"LaunchTemplate\": {\"Overrides\": [{\"InstanceType\": "
    "\"m5.large\"%s}]}, \"InstancesDistribution\": "
    "{\"OnDemandPercentageAboveBaseCapacity\": 0}}", override_extra);
  g_autofree char *json = scenario("1h", asg, 1);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double usd = test_summary_number(run, "cost.by_provider.g");
  test_run_free(run);
  return usd;
}

Test(ec2, a_spot_pool_is_billed_at_its_own_discount)
{
  /* m5.large On-Demand $0.096/h: the catalog's EC2 Spot discount (60%),
   * then the override's own 50%. */
  cr_assert_float_eq(one_spot_hour(""), 0.096 * 0.4, 1e-6);
  cr_assert_float_eq(one_spot_hour(", \"spot_discount\": 0.5"), 0.048,
                     1e-6);
}

Test(ec2, random_spot_interruptions_come_at_their_rate)
{
  /* One interruption per Spot instance-hour in service: over 50 h of
   * four instances (replaced as EC2 takes them) the count is Poisson
   * with mean the registered Spot instance-hours; 4 sigma. */
  g_autofree char *json = scenario(
    "50h",
    "\"min\": 4, \"max\": 4, \"desired\": 4, \"MixedInstancesPolicy\": "
    "{\"LaunchTemplate\": {\"Overrides\": [{\"InstanceType\": "
    "\"m5.large\", \"spot_interruptions_per_hour\": 1.0}]}, "
    "\"InstancesDistribution\": "
    "{\"OnDemandPercentageAboveBaseCapacity\": 0}}",
    2);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double hours = 0;
  for (guint i = 0; i < cluster_n_instances(run->w); i++) {
    const Instance *inst = cluster_instance(run->w, i);
    if (inst->registered_at < 0)
      continue;
    /* Exposed from registration to the notice (or the end). */
    SimTime end = inst->notice_at >= 0 ? inst->notice_at : run->w->horizon;
    hours += sim_time_to_seconds(end - inst->registered_at) / 3600.0;
  }
  double n = test_summary_number(run, "capacity.spot_interruptions");
  cr_assert_gt(hours, 150.0, "%g", hours);
  cr_assert_leq(fabs(n - hours), 4 * sqrt(hours), "%g interruptions in %g "
                "instance-hours", n, hours);
  test_run_free(run);
}

Test(ec2, an_empty_draining_spot_instance_runs_until_ec2_takes_it)
{
  /* Spot draining sets the instance DRAINING, but nothing terminates it
   * early: EC2 takes it back at notice + 2 min (and bills it until
   * then). */
  g_autofree char *json = scenario(
    "30m", SPOT_PAIR("") ", \"ecs_agent\": "
           "{\"ECS_ENABLE_SPOT_INSTANCE_DRAINING\": true}", 0);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  const Instance *hit = cluster_instance(run->w, 0);
  cr_assert_eq(hit->terminated_at, 12 * SIM_MIN);
  cr_assert_str_eq(hit->end_reason, "Spot interruption");
  cr_assert_float_eq(test_summary_number(run, "capacity.spot_interruptions"),
                     1.0, 1e-9);
  test_run_free(run);
}

Test(ec2, the_run_report_counts_spot_instances_and_interruptions)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "spot.json", NULL);
  g_autofree char *json = scenario("30m", SPOT_PAIR(""), 4);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  g_autofree char *out = NULL;
  g_autofree char *out_dir = g_build_filename(dir, "out", NULL);
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", path, "-o", out_dir, NULL),
               0);
  /* Two at the start and the one that replaced the reclaimed one. */
  cr_assert(strstr(out, "Spot       3 of 3 instances launched were Spot; "
                        "1 reclaimed by EC2\n") != NULL, "%s", out);
  g_autofree char *sub = g_build_filename(out_dir, "base", NULL);
  g_autofree char *csv = test_read_file(sub, "instances.csv");
  cr_assert(strstr(csv, ",Spot interruption,0,spot,false\n") != NULL, "%s",
            csv);
  test_rmrf(dir);
}

Test(ec2, a_missing_spot_price_history_names_its_override)
{
  g_autofree char *json = scenario(
    "10m",
    "\"min\": 1, \"max\": 1, \"MixedInstancesPolicy\": {\"LaunchTemplate\":"
    " {\"Overrides\": [{\"InstanceType\": \"m5.large\", "
    "\"spot_price_trace\": \"no-such-prices.csv\"}]}}",
    1);
  g_autofree char *err = test_configure_error(json);
  cr_assert_not_null(err);
  cr_assert(strstr(err, "/cluster/auto_scaling_groups/0/MixedInstancesPolicy"
                        "/LaunchTemplate/Overrides/0/spot_price_trace: ")
              != NULL, "%s", err);
}

Test(ec2, lowest_price_takes_the_pool_whose_price_history_is_cheapest)
{
  /* m5.large's history: $0.03 for 30 min, then $0.05; m6i.large at the
   * catalog's discount, 0.096 × 0.4 = $0.0384. lowest-price launches on
   * m5.large, billed the history's integral: 0.5 × 0.03 + 0.5 × 0.05. */
  g_autofree char *dir = test_tmpdir();
  g_autofree char *csv = g_build_filename(dir, "m5.csv", NULL);
  cr_assert(g_file_set_contents(csv, "time,price\n0,0.03\n1800,0.05\n", -1,
                                NULL));
  g_autofree char *asg = g_strdup_printf(
    "\"min\": 1, \"max\": 1, \"desired\": 1, \"MixedInstancesPolicy\": "
    "{\"LaunchTemplate\": {\"Overrides\": [{\"InstanceType\": "
    "\"m6i.large\"}, {\"InstanceType\": \"m5.large\", "
    "\"spot_price_trace\": \"%s\"}]}, \"InstancesDistribution\": "
    "{\"OnDemandPercentageAboveBaseCapacity\": 0, "
    "\"SpotAllocationStrategy\": \"lowest-price\"}}", csv);
  g_autofree char *json = scenario("1h", asg, 1);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_str_eq(cluster_instance(run->w, 0)->type->name, "m5.large");
  cr_assert_float_eq(test_summary_number(run, "cost.by_provider.g"), 0.04,
                     1e-6);
  test_run_free(run);
  test_rmrf(dir);
}
