/* Capacity: Fargate and EC2, capacity providers, managed scaling, task
 * lifecycle timing (ECS-REFERENCE §1, §3, §4, §6). */
#include <criterion/criterion.h>
#include <math.h>

#include "models/capacity/cluster.h"
#include "models/core/eventlog.h"
#include "models/capacity/managed-scaling.h"
#include "models/control/service.h"
#include "models/control/strategy.h"
#include "support.h"

#define FARGATE_TD(cpu, mem)                                                 \
  "{\"family\": \"web\", \"cpu\": \"" cpu "\", \"memory\": \"" mem "\", "    \
  "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], " \
  "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\", "        \
  "\"portMappings\": [{\"containerPort\": 8080}]}]}"

static int
count_tasks(World *w, gboolean (*pred)(const Task *))
{
  int n = 0;
  for (guint i = 0; i < w->tasks->len; i++)
    n += pred(w->tasks->pdata[i]);
  return n;
}

static gboolean
is_running(const Task *t)
{
  return t->state == TASK_RUNNING;
}

static gboolean
is_provisioning(const Task *t)
{
  return t->state == TASK_PROVISIONING;
}

Test(capacity, strategy_base_and_weights_place_10_tasks_as_4_and_6)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"10m\", \"taskDefinitions\": [" FARGATE_TD("256", "512")
    "], \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": "
    "\"web\", \"desiredCount\": 10, \"capacityProviderStrategy\": ["
    "{\"capacityProvider\": \"FARGATE\", \"base\": 2, \"weight\": 1},"
    "{\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]}]}");
  test_run_finish(run);
  int a = 0, b = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    a += !t->spot;
    b += t->spot;
  }
  cr_assert_eq(a, 4, "FARGATE got %d tasks", a);
  cr_assert_eq(b, 6, "FARGATE_SPOT got %d tasks", b);
  test_run_free(run);
}

Test(capacity, strategy_remainders_go_to_the_provider_furthest_below_share)
{
  StrategyItem items[] = { { 0, 2, 1 }, { 1, 0, 3 } };
  int out[2];
  strategy_distribute(items, 2, 9, out);
  cr_assert_eq(out[0], 4);
  cr_assert_eq(out[1], 5);
  strategy_distribute(items, 2, 2, out);
  cr_assert_eq(out[0], 2, "the base is filled first");
  cr_assert_eq(out[1], 0);
  StrategyItem zero[] = { { 0, 0, 1 }, { 1, 0, 0 } };
  strategy_distribute(zero, 2, 5, out);
  cr_assert_eq(out[1], 0, "weight 0 gets no tasks");
}

/* Stopping many tasks at once takes the split of n - 1 tasks from that
 * of n: strategy_order() must list the items strategy_distribute()
 * counts, for every n. */
Test(capacity, strategy_order_lists_what_distribute_counts)
{
  StrategyItem items[] = { { 0, 2, 1 }, { 1, 0, 3 }, { 2, 1, 0 } };
  guint order[40];
  strategy_order(items, 3, 40, order);
  int counted[3] = { 0 }, out[3];
  for (int n = 0; n <= 40; n++) {
    strategy_distribute(items, 3, n, out);
    for (guint k = 0; k < 3; k++)
      cr_assert_eq(counted[k], out[k], "%d tasks, item %u", n, k);
    if (n < 40)
      counted[order[n]]++;
  }
}

/* ENI 11-44 s, pull 6-14 s + 250 MiB at 180 MiB/s, activation 1-5 s
 * (REFERENCE.md "Images and start times"). */
Test(capacity, fargate_cold_start_takes_19_to_65_seconds)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"10m\", \"cluster\": {\"start_warm\": false}, "
    "\"taskDefinitions\": [" FARGATE_TD("256", "512") "], \"services\": "
    "[{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": 20, \"launchType\": \"FARGATE\"}]}");
  test_run_finish(run);
  cr_assert_eq(run->w->tasks->len, 20);
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    double start = sim_time_to_seconds(t->entered[TASK_RUNNING] -
                                       t->entered[TASK_PROVISIONING]);
    cr_assert(start >= 19 && start <= 65, "task %u took %.1f s", i, start);
    cr_assert(t->entered[TASK_PENDING] > t->entered[TASK_PROVISIONING]);
    cr_assert(t->entered[TASK_ACTIVATING] > t->entered[TASK_PENDING]);
  }
  test_run_free(run);
}

Test(capacity, fargate_launches_are_rate_limited_by_the_token_bucket)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"10m\", \"cluster\": {\"start_warm\": false, "
    "\"fargate\": {\"provisioning\": \"1s\"}}, \"taskDefinitions\": ["
    FARGATE_TD("256", "512") "], \"services\": [{\"serviceName\": \"web\", "
    "\"taskDefinition\": \"web\", \"desiredCount\": 160, \"launchType\": "
    "\"FARGATE\"}]}");
  test_run_finish(run);
  /* Burst 100, then 20 tasks/s: the 160th begins provisioning ~3 s in,
   * so it reaches PENDING (1 s of ENI later) at ~4 s. */
  SimTime last = 0;
  int by_1s = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    last = MAX(last, t->entered[TASK_PENDING]);
    by_1s += t->entered[TASK_PENDING] <= SIM_SEC + 1000;
  }
  cr_assert_eq(by_1s, 100, "the burst lets 100 start at once, got %d",
               by_1s);
  cr_assert(last >= 3900 * SIM_MSEC && last <= 4100 * SIM_MSEC,
            "last started at %.3f s", sim_time_to_seconds(last));
  test_run_free(run);
}

Test(capacity, spot_interruption_stops_the_task_120s_after_notice)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"30m\", \"cluster\": {\"fargate\": {\"spot\": "
    "{\"interruptions\": [{\"at\": \"10m\", \"count\": 1}]}}}, "
    "\"taskDefinitions\": [" FARGATE_TD("256", "512") "], \"targetGroups\": "
    "[{\"TargetGroupName\": \"tg\"}], \"services\": [{\"serviceName\": "
    "\"web\", \"taskDefinition\": \"web\", \"desiredCount\": 3, "
    "\"capacityProviderStrategy\": [{\"capacityProvider\": "
    "\"FARGATE_SPOT\", \"weight\": 1}], \"loadBalancers\": "
    "[{\"targetGroupName\": \"tg\", \"containerName\": \"app\", "
    "\"containerPort\": 8080}]}]}");
  test_run_finish(run);
  World *w = run->w;
  const Task *victim = NULL;
  for (guint i = 0; i < w->tasks->len; i++)
    if (((Task *) w->tasks->pdata[i])->stop_reason == STOP_SPOT_INTERRUPTION)
      victim = w->tasks->pdata[i];
  cr_assert_not_null(victim);
  cr_assert_eq(victim->entered[TASK_DEACTIVATING], 10 * SIM_MIN,
               "the notice deregisters the task at once");
  cr_assert_eq(victim->entered[TASK_STOPPED], 12 * SIM_MIN,
               "stopped at %.1f s",
               sim_time_to_seconds(victim->entered[TASK_STOPPED]));
  /* The service replaced it on Spot, starting at the notice. */
  cr_assert_eq(w->tasks->len, 4);
  const Task *replacement = w->tasks->pdata[3];
  cr_assert(replacement->spot);
  cr_assert_eq(replacement->entered[TASK_PROVISIONING], 10 * SIM_MIN);
  cr_assert_eq(replacement->state, TASK_RUNNING);
  cr_assert_eq(eventlog_count(w, "spot-interruption"), 1);
  test_run_free(run);
}

Test(capacity, spot_shortage_blocks_spot_launches_until_it_ends)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"40m\", \"cluster\": {\"start_warm\": false, "
    "\"fargate\": {\"spot\": {\"shortages\": [{\"at\": \"0s\", "
    "\"duration\": \"20m\"}]}}}, \"taskDefinitions\": ["
    FARGATE_TD("256", "512") "], \"services\": [{\"serviceName\": \"web\", "
    "\"taskDefinition\": \"web\", \"desiredCount\": 2, "
    "\"capacityProviderStrategy\": [{\"capacityProvider\": "
    "\"FARGATE_SPOT\", \"weight\": 1}]}]}");
  world_run_until(run->w, 19 * SIM_MIN);
  cr_assert_eq(run->w->tasks->len, 0, "no Spot task during the shortage");
  cr_assert_geq(eventlog_count(run->w, "unable-to-place"), 1);
  test_run_finish(run);
  cr_assert_eq(count_tasks(run->w, is_running), 2);
  for (guint i = 0; i < run->w->tasks->len; i++)
    cr_assert_geq(((Task *) run->w->tasks->pdata[i])
                    ->entered[TASK_PROVISIONING], 20 * SIM_MIN);
  test_run_free(run);
}

/* An EC2 scenario: @n tasks of @cpu units on an ASG of m5.large. */
static char *
ec2_scenario(int n, int cpu, const char *asg, const char *extra)
{
  return g_strdup_printf(
    "{\"duration\": \"1h\", \"cluster\": {\"start_warm\": false, "
    "\"auto_scaling_groups\": [%s]}, \"taskDefinitions\": [{\"family\": "
    "\"api\", \"networkMode\": \"bridge\", \"containerDefinitions\": "
    "[{\"name\": \"app\", \"image\": \"x\", \"cpu\": %d, \"memory\": 512}]}],"
    " \"services\": [{\"serviceName\": \"api\", \"taskDefinition\": \"api\","
    " \"desiredCount\": %d, \"capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"g\", \"weight\": 1}]%s}]}",
    asg, cpu, n, extra);
}

Test(capacity, managed_scaling_launches_the_instances_waiting_tasks_need)
{
  g_autofree char *json = ec2_scenario(
    6, 1024,
    "{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 0, "
    "\"max\": 10, \"managedScaling\": {\"status\": \"ENABLED\", "
    "\"targetCapacity\": 100}}", "");
  TestRun *run = test_run_new(json);
  world_run_until(run->w, 30 * SIM_SEC);
  cr_assert_eq(count_tasks(run->w, is_provisioning), 6,
               "tasks wait in PROVISIONING for capacity");
  test_run_finish(run);
  /* 6 tasks of 1 vCPU on 2-vCPU instances: ceil(6 / 2) = 3. */
  cr_assert_eq(cluster_n_instances(run->w), 3);
  cr_assert_eq(count_tasks(run->w, is_running), 6);
  test_run_free(run);
}

Test(capacity, managed_scaling_never_exceeds_the_group_max)
{
  g_autofree char *json = ec2_scenario(
    20, 1024,
    "{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 0, "
    "\"max\": 4, \"managedScaling\": {\"status\": \"ENABLED\", "
    "\"targetCapacity\": 100, \"instanceWarmupPeriod\": 60}}", "");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(cluster_n_instances(run->w), 4);
  cr_assert_eq(count_tasks(run->w, is_running), 8);
  cr_assert_eq(count_tasks(run->w, is_provisioning), 12);
  test_run_free(run);
}

Test(capacity, managed_scaling_scales_in_empty_instances_after_15_minutes)
{
  g_autofree char *json = ec2_scenario(
    4, 1024,
    "{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 0, "
    "\"max\": 10, \"desired\": 6, \"managedScaling\": {\"status\": "
    "\"ENABLED\", \"targetCapacity\": 100}, "
    "\"managedTerminationProtection\": \"ENABLED\"}",
    ", \"placementStrategy\": [{\"type\": \"binpack\", \"field\": "
    "\"cpu\"}]");
  TestRun *run = test_run_new(json);
  world_run_until(run->w, 14 * SIM_MIN);
  cr_assert_eq(cluster_running_instances(run->w), 6,
               "no scale-in before 15 datapoints");
  test_run_finish(run);
  /* Binpacked on 2 instances; the 4 empty ones go, the busy ones are
   * protected. */
  cr_assert_eq(cluster_running_instances(run->w), 2);
  cr_assert_eq(count_tasks(run->w, is_running), 4);
  test_run_free(run);
}

Test(capacity, unplaceable_task_names_the_closest_instance_and_resource)
{
  g_autofree char *json = ec2_scenario(
    3, 1536,
    "{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 2, "
    "\"max\": 2}", "");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(count_tasks(run->w, is_running), 2);
  cr_assert_eq(run->w->tasks->len, 2, "an unplaceable task is not created");
  /* The first attempt finds no registered instance yet; once the two
   * are full, the event names the closest one and what it lacks. */
  gboolean found = FALSE;
  for (guint i = 0; i < eventlog_size(run->w); i++) {
    const LogEvent *e = eventlog_get(run->w, i);
    if (!g_str_equal(e->kind, "unable-to-place"))
      continue;
    cr_assert(strstr(e->message, "no container instance met all of its "
                                 "requirements") != NULL);
    if (strstr(e->message, "insufficient CPU units") != NULL) {
      found = TRUE;
      cr_assert(strstr(e->message, "(container-instance i-") != NULL, "%s",
                e->message);
    }
  }
  cr_assert(found);
  test_run_free(run);
}

Test(capacity, awsvpc_tasks_are_limited_by_enis_unless_trunking)
{
  for (int trunk = 0; trunk < 2; trunk++) {
    g_autofree char *json = g_strdup_printf(
      "{\"duration\": \"10m\", \"cluster\": {\"account_settings\": "
      "{\"awsvpcTrunking\": \"%s\"}, \"auto_scaling_groups\": [{\"name\": "
      "\"g\", \"instance_type\": \"c5.large\", \"min\": 1, \"max\": 1}]}, "
      "\"taskDefinitions\": [{\"family\": \"tiny\", \"networkMode\": "
      "\"awsvpc\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": "
      "\"x\", \"cpu\": 64, \"memory\": 64}]}], \"services\": "
      "[{\"serviceName\": \"s\", \"taskDefinition\": \"tiny\", "
      "\"desiredCount\": 12, \"launchType\": \"EC2\"}]}",
      trunk ? "enabled" : "disabled");
    TestRun *run = test_run_new(json);
    test_run_finish(run);
    /* c5.large: 3 ENIs (2 tasks), 10 with trunking. */
    cr_assert_eq(count_tasks(run->w, is_running), trunk ? 10 : 2);
    test_run_free(run);
  }
}

Test(capacity, fixed_host_port_allows_one_task_per_instance)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"10m\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 3, "
    "\"max\": 3}]}, \"taskDefinitions\": [{\"family\": \"p\", "
    "\"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": "
    "\"a\", \"image\": \"x\", \"cpu\": 128, \"memory\": 128, "
    "\"portMappings\": [{\"containerPort\": 80, \"hostPort\": 80}]}]}], "
    "\"services\": [{\"serviceName\": \"s\", \"taskDefinition\": \"p\", "
    "\"desiredCount\": 5, \"launchType\": \"EC2\"}]}");
  test_run_finish(run);
  cr_assert_eq(count_tasks(run->w, is_running), 3);
  for (guint i = 0; i < cluster_n_instances(run->w); i++)
    cr_assert_eq(cluster_instance(run->w, i)->tasks, 1);
  test_run_free(run);
}

Test(capacity, instance_failure_stops_its_tasks_and_the_group_replaces_it)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"30m\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 2, "
    "\"max\": 2}]}, \"taskDefinitions\": [{\"family\": \"p\", "
    "\"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": "
    "\"a\", \"image\": \"x\", \"cpu\": 512, \"memory\": 512}]}], "
    "\"services\": [{\"serviceName\": \"s\", \"taskDefinition\": \"p\", "
    "\"desiredCount\": 4, \"launchType\": \"EC2\"}], \"faults\": [{\"at\": "
    "\"5m\", \"kind\": \"instance_failure\", \"asg\": \"g\", \"count\": 1}]}");
  test_run_finish(run);
  World *w = run->w;
  cr_assert_eq(cluster_n_instances(w), 3, "a replacement was launched");
  int killed = 0;
  for (guint i = 0; i < w->tasks->len; i++) {
    const Task *t = w->tasks->pdata[i];
    if (t->stop_reason == STOP_INSTANCE_TERMINATED) {
      killed++;
      cr_assert_eq(t->entered[TASK_STOPPED], 5 * SIM_MIN);
    }
  }
  cr_assert_gt(killed, 0);
  cr_assert_eq(count_tasks(w, is_running), 4, "the service recovered");
  test_run_free(run);
}

Test(capacity, task_states_are_entered_in_lifecycle_order)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"2h\", \"cluster\": {\"start_warm\": false}, "
    "\"taskDefinitions\": [" FARGATE_TD("256", "512") "], \"services\": "
    "[{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": 4, \"launchType\": \"FARGATE\", \"failure_model\": "
    "{\"crash_mttf\": \"20m\"}}]}");
  test_run_finish(run);
  int stopped = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = run->w->tasks->pdata[i];
    SimTime last = 0;
    for (int s = 0; s < TASK_N_STATES; s++) {
      if (t->entered[s] < 0)
        continue;
      cr_assert_geq(t->entered[s], last, "task %u state %s", i,
                    task_state_name(s));
      last = t->entered[s];
    }
    if (t->state == TASK_STOPPED) {
      stopped++;
      cr_assert_eq(t->stop_reason, STOP_ESSENTIAL_EXIT);
    }
  }
  cr_assert_gt(stopped, 5, "crashes every ~20 min over 2 h");
  test_run_free(run);
}

Test(capacity, daemon_tasks_are_placed_before_replica_tasks_on_new_instances)
{
  TestRun *run = test_run_new(
    "{\"duration\": \"40m\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 1, "
    "\"max\": 10, \"desired\": 1, \"managedScaling\": {\"status\": "
    "\"ENABLED\", \"targetCapacity\": 100, \"instanceWarmupPeriod\": 60}}]},"
    " \"taskDefinitions\": [{\"family\": \"agent\", \"networkMode\": "
    "\"bridge\", \"containerDefinitions\": [{\"name\": \"a\", \"image\": "
    "\"x\", \"cpu\": 256, \"memory\": 256}]}, {\"family\": \"web\", "
    "\"networkMode\": \"bridge\", \"containerDefinitions\": [{\"name\": "
    "\"w\", \"image\": \"x\", \"cpu\": 512, \"memory\": 512}]}], "
    "\"services\": [{\"serviceName\": \"agent\", \"taskDefinition\": "
    "\"agent\", \"schedulingStrategy\": \"DAEMON\", \"launchType\": "
    "\"EC2\"}, {\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": 12, \"capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"g\", \"weight\": 1}]}]}");
  test_run_finish(run);
  World *w = run->w;
  cr_assert_gt(cluster_n_instances(w), 1, "the group scaled out");
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    if (inst->state == INSTANCE_ACTIVE)
      cr_assert_eq(inst->daemon_tasks, 1, "%s has %d daemon tasks",
                   inst->ec2_id, inst->daemon_tasks);
  }
  test_run_free(run);
}

Test(capacity, scale_in_without_protection_drains_instances_first)
{
  /* 6 tasks spread over 6 instances; the service then needs 2. Without
   * termination protection managed scaling drains busy instances: their
   * tasks are replaced elsewhere before they terminate. */
  TestRun *run = test_run_new(
    "{\"duration\": \"50m\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 1, "
    "\"max\": 6, \"desired\": 6, \"managedScaling\": {\"status\": "
    "\"ENABLED\", \"targetCapacity\": 100}, "
    "\"managedTerminationProtection\": \"DISABLED\"}]}, "
    "\"taskDefinitions\": [{\"family\": \"t\", \"networkMode\": \"bridge\","
    " \"containerDefinitions\": [{\"name\": \"a\", \"image\": \"x\", "
    "\"cpu\": 512, \"memory\": 512}]}], \"services\": [{\"serviceName\": "
    "\"s\", \"taskDefinition\": \"t\", \"desiredCount\": 6, "
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"g\", "
    "\"weight\": 1}]}], \"faults\": [{\"at\": \"1m\", \"kind\": "
    "\"set_desired\", \"service\": \"s\", \"desiredCount\": 4}]}");
  gboolean saw_drain = FALSE;
  for (SimTime t = SIM_MIN; t <= 50 * SIM_MIN; t += 10 * SIM_SEC) {
    world_run_until(run->w, t);
    ServiceCounts c = service_counts(run->w, 0);
    if (t > 2 * SIM_MIN)
      cr_assert_geq(c.healthy, 4, "fell to %d healthy at %.0f s",
                    c.healthy, sim_time_to_seconds(t));
    for (guint i = 0; i < cluster_n_instances(run->w); i++)
      saw_drain |= cluster_instance(run->w, i)->state == INSTANCE_DRAINING;
  }
  test_run_finish(run);
  World *w = run->w;
  int moved = 0;
  for (guint i = 0; i < w->tasks->len; i++)
    moved += ((Task *) w->tasks->pdata[i])->stop_reason ==
             STOP_INSTANCE_DRAINING;
  cr_assert(saw_drain, "no instance drained");
  cr_assert_gt(moved, 0, "no task moved off a draining instance");
  /* Spread keeps one task per instance: 4 instances stay. */
  cr_assert_eq(cluster_running_instances(w), 4);
  cr_assert_eq(count_tasks(w, is_running), 4);
  test_run_free(run);
}
