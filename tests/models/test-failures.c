/* Failures and faults, and how the service scheduler answers them
 * (ECS-REFERENCE §2): retry back-off for tasks that never start, prompt
 * replacement of tasks that die after RUNNING (kill_tasks, crashes,
 * hangs), an AZ outage under spread placement, a Spot shortage and
 * update-service's desired count. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/capacity/cluster.h"
#include "service-support.h"

/* Tasks of deployment @number in creation order. */
static GPtrArray *
tasks_of(TestRun *run, guint32 number)
{
  GPtrArray *a = g_ptr_array_new();
  for (guint i = 0; i < run->w->tasks->len; i++) {
    Task *t = world_task(run->w, i);
    if (t->deployment == number)
      g_ptr_array_add(a, t);
  }
  return a;
}

/* Each task of @run that stopped for @reason was replaced by a task
 * created the moment it began stopping. Returns how many stopped so. */
static int
check_replaced_at_once(TestRun *run, StopReason reason)
{
  int n = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    if (t->stop_reason != reason)
      continue;
    n++;
    SimTime at = test_stop_began(t);
    gboolean replaced = FALSE;
    for (guint k = i + 1; k < run->w->tasks->len && !replaced; k++)
      replaced = world_task(run->w, k)->entered[TASK_PROVISIONING] == at;
    cr_assert(replaced, "task %u stopped at %.1f s and was not replaced "
              "at once", t->id, sim_time_to_seconds(at));
  }
  return n;
}

/* Tasks that go PENDING -> STOPPED without running make ECS wait longer
 * between launches (10 s doubling, up to 15 min); a new task definition
 * starts afresh. */
Test(failures, retry_backoff_grows_and_resets_with_a_new_revision)
{
  TestRun *run = test_run_json(
    "{'duration': '60m', 'taskDefinitions': [" TEST_FARGATE_TD("web") ", "
    TEST_FARGATE_TD("web") ", " TEST_FARGATE_TD("web") "],"
    /* Start-up times of the old defaults, so that the 45th minute falls
     * in a back-off. */
    " 'cluster': {'fargate': {'provisioning': {'dist': 'uniform',"
    "  'min': '10s', 'max': '40s'}, 'pending': {'dist': 'uniform',"
    "  'min': '20s', 'max': '45s'}}},"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 1}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2', 'startup_failure_probability': 1.0},"
    "  {'at': '45m', 'kind': 'deploy', 'service': 'web',"
    "   'taskDefinition': 'web:3'}]}");
  world_run_until(run->w, 45 * SIM_MIN - 1);
  Service *s = service_get(run->w, 0);
  cr_assert_gt(s->launch_not_before, 45 * SIM_MIN,
               "no back-off in force when the new revision comes");
  g_autoptr(GPtrArray) failed = tasks_of(run, 2);
  cr_assert_geq(failed->len, 7, "%u attempts", failed->len);
  for (guint k = 0; k + 1 < failed->len; k++) {
    const Task *t = failed->pdata[k], *next = failed->pdata[k + 1];
    cr_assert_eq(t->stop_reason, STOP_STARTUP_FAILURE);
    cr_assert_lt(t->entered[TASK_RUNNING], 0);
    SimTime want = MIN((SimTime) 10 * SIM_SEC << k, 15 * SIM_MIN);
    SimTime gap = next->entered[TASK_PROVISIONING] - t->entered[TASK_STOPPED];
    cr_assert_eq(gap, want, "gap %u: %.1f s, expected %.1f s", k,
                 sim_time_to_seconds(gap), sim_time_to_seconds(want));
  }
  const LogEvent *e = test_find_event(run, "unable-to-start", 0);
  cr_assert_not_null(e);
  cr_assert_str_eq(e->message, "(service web) is unable to consistently "
                   "start tasks successfully.");
  cr_assert_eq(e->at, ((Task *) failed->pdata[2])->entered[TASK_STOPPED]);

  test_run_finish(run);
  g_autoptr(GPtrArray) good = tasks_of(run, 3);
  cr_assert_geq(good->len, 1);
  cr_assert_eq(((Task *) good->pdata[0])->entered[TASK_PROVISIONING],
               45 * SIM_MIN, "the new revision waited out the back-off");
  cr_assert_eq(test_live_tasks(run, 3), 1);
  cr_assert_eq(service_counts(run->w, 0).healthy, 1);
  test_run_free(run);
}

/* kill_tasks: N running tasks' essential containers exit; each is
 * replaced at once (no back-off: they had reached RUNNING). */
Test(failures, kill_tasks_are_replaced_at_once)
{
  TestRun *run = test_run_json(
    "{'duration': '15m', 'taskDefinitions': [" TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 4}],"
    " 'faults': [{'at': '10m', 'kind': 'kill_tasks', 'service': 'web',"
    "  'count': 2}]}");
  world_run_until(run->w, 10 * SIM_MIN);
  cr_assert_eq(test_live_tasks(run, 0), 4, "replacements not started");
  cr_assert_eq(run->w->tasks->len, 6);
  const LogEvent *e = test_find_event(run, "fault", 0);
  cr_assert_not_null(e);
  cr_assert_str_eq(e->message, "(service web) fault: 2 running tasks killed "
                   "(essential container exited).");
  test_run_finish(run);
  cr_assert_eq(check_replaced_at_once(run, STOP_ESSENTIAL_EXIT), 2);
  ServiceCounts c = service_counts(run->w, 0);
  cr_assert_eq(c.running, 4);
  cr_assert_eq(c.healthy, 4);
  cr_assert_eq(service_get(run->w, 0)->tasks_failed_to_start, 0);
  test_run_free(run);
}

/* crash_mttf: tasks die after RUNNING now and then; each is replaced at
 * once and no back-off or "unable to consistently start" follows. */
Test(failures, crashed_tasks_are_replaced_without_backoff)
{
  TestRun *run = test_run_json(
    "{'duration': '60m', 'taskDefinitions': [" TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 3,"
    "  'failure_model': {'crash_mttf': '15m'}}]}");
  test_run_finish(run);
  int crashed = check_replaced_at_once(run, STOP_ESSENTIAL_EXIT);
  cr_assert_geq(crashed, 4, "only %d crashes", crashed);
  Service *s = service_get(run->w, 0);
  cr_assert_eq(s->start_failures, 0);
  cr_assert_eq(s->tasks_failed_to_start, 0);
  cr_assert_eq(eventlog_count(run->w, "unable-to-start"), 0);
  cr_assert_eq(test_live_tasks(run, 0), 3);
  test_run_free(run);
}

/* A hang is only noticed by a health check: with a container check the
 * hung task turns UNHEALTHY and is replaced; without any check it keeps
 * running, as in ECS. */
static TestRun *
hang_run(gboolean with_check)
{
  const char *check =
    with_check ? ", 'healthCheck': {'command': ['CMD-SHELL', 'true'], "
                 "'interval': 10, 'retries': 3}"
               : "";
  return test_run_json(
    "{'duration': '60m', 'seed': 2, 'taskDefinitions': [{'family': 'web',"
    " 'cpu': '256', 'memory': '512', 'networkMode': 'awsvpc',"
    " 'requiresCompatibilities': ['FARGATE'], 'containerDefinitions':"
    " [{'name': 'app', 'image': 'x', 'portMappings': [{'containerPort':"
    " 8080}]%s}]}],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 3,"
    "  'failure_model': {'hang_mttf': '30m'}}]}", check);
}

static int
hung_tasks(TestRun *run)
{
  int n = 0;
  for (guint i = 0; i < run->w->tasks->len; i++)
    n += world_task(run->w, i)->hung;
  return n;
}

Test(failures, hung_tasks_are_replaced_when_a_check_notices)
{
  TestRun *run = hang_run(TRUE);
  test_run_finish(run);
  int hung = hung_tasks(run);
  cr_assert_geq(hung, 2, "only %d hangs", hung);
  int replaced = 0, still_hung = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    if (!t->hung)
      continue;
    if (task_is_live(t))
      still_hung++;
    else
      replaced += t->stop_reason == STOP_UNHEALTHY;
  }
  /* Only a task that hung in the last minute or so may still run. */
  cr_assert_leq(still_hung, 1);
  cr_assert_geq(replaced, hung - 1);
  cr_assert_eq(test_live_tasks(run, 0), 3 + still_hung);
  test_run_free(run);

  run = hang_run(FALSE);
  test_run_finish(run);
  cr_assert_geq(hung_tasks(run), 2);
  cr_assert_eq(run->w->tasks->len, 3, "a hung task was noticed without a "
               "health check");
  test_run_free(run);
}

/* An AZ outage with spread-by-AZ placement loses that AZ's share of the
 * tasks (2 of 6), not others; the service puts them back in the other
 * AZs at once and keeps 6 running through the outage and after. */
Test(failures, az_outage_loses_only_that_zones_share)
{
  TestRun *run = test_run_json(
    "{'duration': '45m',"
    " 'cluster': {'auto_scaling_groups': [{'name': 'g',"
    "  'instance_type': 'm5.large', 'min': 3, 'max': 3, 'desired': 3}]},"
    " 'taskDefinitions': [" TEST_EC2_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'EC2', 'desiredCount': 6,"
    "  'placementStrategy': [{'type': 'spread',"
    "   'field': 'attribute:ecs.availability-zone'}]}],"
    " 'faults': [{'at': '5m', 'kind': 'az_outage', 'az': 'us-east-1a',"
    "  'duration': '30m'}]}");
  world_run_until(run->w, 5 * SIM_MIN - 1);
  int per_az[3] = { 0 };
  for (guint i = 0; i < run->w->tasks->len; i++)
    per_az[world_task(run->w, i)->az]++;
  cr_assert(per_az[0] == 2 && per_az[1] == 2 && per_az[2] == 2,
            "not spread: %d %d %d", per_az[0], per_az[1], per_az[2]);

  world_run_until(run->w, 5 * SIM_MIN);
  int lost = 0;
  for (guint i = 0; i < 6; i++) {
    const Task *t = world_task(run->w, i);
    if (t->az == 0) {
      cr_assert_eq(t->state, TASK_STOPPED);
      cr_assert_eq(t->stop_reason, STOP_INSTANCE_TERMINATED);
      lost++;
    } else {
      cr_assert_eq(t->state, TASK_RUNNING, "task %u in another AZ stopped",
                   t->id);
    }
  }
  cr_assert_eq(lost, 2);
  cr_assert_eq(test_live_tasks(run, 0), 6, "no replacements started");
  cr_assert_not_null(test_find_event(run, "az-outage", 0));

  for (SimTime at = 7 * SIM_MIN; at <= 45 * SIM_MIN; at += SIM_MIN) {
    world_run_until(run->w, at);
    ServiceCounts c = service_counts(run->w, 0);
    cr_assert_eq(c.healthy, 6, "%d healthy at %" G_GINT64_FORMAT " min",
                 c.healthy, at / SIM_MIN);
    for (guint i = 6; i < run->w->tasks->len; i++)
      cr_assert_neq(world_task(run->w, i)->az, 0,
                    "a replacement went to the failed AZ");
  }
  cr_assert_eq(run->w->tasks->len, 8);
  cr_assert_not_null(test_find_event(run, "az-recovered", 35 * SIM_MIN));
  test_run_free(run);
}

/* On Fargate too: the zone's tasks stop, replacements go to the other
 * zones until it is back. */
Test(failures, az_outage_stops_fargate_tasks_in_that_zone)
{
  TestRun *run = test_run_json(
    "{'duration': '20m', 'taskDefinitions': [" TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 6}],"
    " 'faults': [{'at': '5m', 'kind': 'az_outage', 'az': 'us-east-1a',"
    "  'duration': '10m'}]}");
  world_run_until(run->w, 5 * SIM_MIN);
  int lost = 0;
  for (guint i = 0; i < 6; i++) {
    const Task *t = world_task(run->w, i);
    lost += t->state == TASK_STOPPED;
    cr_assert_eq(t->state == TASK_STOPPED, t->az == 0, "task %u in AZ %d "
                 "is %s", i, t->az, task_state_name(t->state));
  }
  cr_assert_eq(lost, 2);
  world_run_until(run->w, 15 * SIM_MIN - 1);
  cr_assert_eq(service_counts(run->w, 0).healthy, 6);
  for (guint i = 6; i < run->w->tasks->len; i++)
    cr_assert_neq(world_task(run->w, i)->az, 0);
  test_run_free(run);
}

/* FARGATE_SPOT shortage: killed Spot tasks cannot be replaced until the
 * capacity is back (no fallback to on-demand); the service says why and
 * recovers when the shortage ends. */
Test(failures, spot_shortage_delays_replacement_until_it_ends)
{
  TestRun *run = test_run_json(
    "{'duration': '30m', 'taskDefinitions': [" TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'capacityProviderStrategy': [{'capacityProvider': 'FARGATE_SPOT',"
    "   'weight': 1}], 'desiredCount': 2}],"
    " 'faults': [{'at': '5m', 'kind': 'spot_shortage', 'duration': '10m'},"
    "  {'at': '6m', 'kind': 'kill_tasks', 'service': 'web', 'count': 2}]}");
  world_run_until(run->w, 15 * SIM_MIN - 1);
  cr_assert_eq(test_live_tasks(run, 0), 0);
  cr_assert_eq(run->w->tasks->len, 2);
  const LogEvent *e = test_find_event(run, "unable-to-place", 6 * SIM_MIN);
  cr_assert_not_null(e);
  cr_assert(strstr(e->message, "Fargate Spot capacity is unavailable") !=
            NULL, "%s", e->message);
  world_run_until(run->w, 15 * SIM_MIN);
  cr_assert_eq(test_live_tasks(run, 0), 2, "not relaunched when the "
               "shortage ended");
  test_run_finish(run);
  cr_assert_eq(service_counts(run->w, 0).healthy, 2);
  for (guint i = 0; i < run->w->tasks->len; i++)
    cr_assert(world_task(run->w, i)->spot);
  test_run_free(run);
}

/* set_desired, as update-service --desired-count: the change is logged,
 * the service scales out to it and back in. */
Test(failures, set_desired_scales_out_and_in)
{
  TestRun *run = test_run_json(
    "{'duration': '20m', 'taskDefinitions': [" TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 2}],"
    " 'faults': [{'at': '2m', 'kind': 'set_desired', 'service': 'web',"
    "  'desiredCount': 5},"
    "  {'at': '10m', 'kind': 'set_desired', 'service': 'web',"
    "   'desiredCount': 1}]}");
  world_run_until(run->w, 2 * SIM_MIN);
  const LogEvent *e = test_find_event(run, "desired-count", 0);
  cr_assert_not_null(e);
  cr_assert_str_eq(e->message, "(service web) desired count changed from 2 "
                   "to 5: update-service.");
  cr_assert_eq(test_live_tasks(run, 0), 5);
  world_run_until(run->w, 10 * SIM_MIN - 1);
  cr_assert_eq(service_counts(run->w, 0).healthy, 5);
  world_run_until(run->w, 10 * SIM_MIN);
  cr_assert_eq(test_live_tasks(run, 0), 1);
  test_run_finish(run);
  ServiceCounts c = service_counts(run->w, 0);
  cr_assert_eq(c.running + c.pending + c.stopping, 1);
  cr_assert_eq(c.healthy, 1);
  test_run_free(run);
}
