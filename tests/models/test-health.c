/* Health checks and what the service does with them (ECS-REFERENCE §1-2):
 * when a new task counts as healthy, how long a target group takes to
 * notice a task that stopped answering, replacement of unhealthy tasks,
 * container health checks, and the health-check grace period. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/core/hooks.h"
#include "models/requests/lb.h"
#include "models/requests/task-queue.h"
#include "service-support.h"

/* A target group checked every 10 s: healthy after 2 passes, unhealthy
 * after 3 failures. */
#define TG_10S                                                               \
  "'targetGroups': [{'TargetGroupName': 'web-tg',"                           \
  " 'HealthCheckIntervalSeconds': 10, 'HealthCheckTimeoutSeconds': 5,"      \
  " 'HealthyThresholdCount': 2, 'UnhealthyThresholdCount': 3,"              \
  " 'Attributes': [{'Key': 'deregistration_delay.timeout_seconds',"         \
  "  'Value': '5'}]}]"

#define WEB_LB                                                               \
  "'loadBalancers': [{'targetGroupName': 'web-tg', 'containerName': 'app',"  \
  " 'containerPort': 8080}]"

/* A Fargate task definition whose container has a health check every
 * 5 s, UNHEALTHY after 3 failures. */
#define CHECKED_TD(family)                                                   \
  "{'family': '" family "', 'cpu': '256', 'memory': '512', "                 \
  "'networkMode': 'awsvpc', 'requiresCompatibilities': ['FARGATE'], "        \
  "'containerDefinitions': [{'name': 'app', 'image': 'x', "                  \
  "'portMappings': [{'containerPort': 8080}], 'healthCheck': "               \
  "{'command': ['CMD-SHELL', 'curl -f localhost:8080/'], 'interval': 5, "    \
  "'retries': 3}}]}"

static const LogEvent *
task_event(TestRun *run, const char *kind, const Task *t)
{
  char id[33];
  task_format_id(t->id, id);
  for (guint i = 0; i < eventlog_size(run->w); i++) {
    const LogEvent *e = eventlog_get(run->w, i);
    if (strcmp(e->kind, kind) == 0 && e->task && strcmp(e->task, id) == 0)
      return e;
  }
  return NULL;
}

/* The first task of deployment @number created at or after @from. */
static Task *
first_task_after(TestRun *run, guint32 number, SimTime from)
{
  for (guint i = 0; i < run->w->tasks->len; i++) {
    Task *t = world_task(run->w, i);
    if (t->deployment == number && t->entered[TASK_PROVISIONING] >= from)
      return t;
  }
  return NULL;
}

/* A task that hangs (a failure model) is reported unhealthy by the target
 * group UnhealthyThresholdCount × interval later (the first failing check
 * comes within one interval), gets no more requests, and is replaced:
 * the replacement starts at once and the hung task stops when the
 * replacement is healthy. */
Test(health, hung_task_is_unhealthy_after_threshold_checks_and_replaced)
{
  TestRun *run = test_run_json(
    "{'duration': '60m', 'seed': 3, 'taskDefinitions': ["
    TEST_FARGATE_TD("web") "], " TG_10S ","
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 4, " WEB_LB ","
    "  'failure_model': {'hang_mttf': '1h'},"
    "  'workload': {'traffic': {'generator': 'constant', 'rps': 4},"
    "   'service_time': '20ms'}}]}");
  /* Small steps pin down when the task hung. */
  const SimTime step = 10 * SIM_MSEC;
  Task *hung = NULL;
  SimTime at;
  for (at = 0; hung == NULL && at < 50 * SIM_MIN; at += step) {
    world_run_until(run->w, at);
    for (guint i = 0; i < run->w->tasks->len && hung == NULL; i++)
      if (world_task(run->w, i)->hung)
        hung = world_task(run->w, i);
  }
  cr_assert_not_null(hung, "no task hung: pick another seed");
  SimTime hung_at = at - step; /* within the last step */
  cr_assert_eq(hung->target, TARGET_HEALTHY);

  /* Requests reach the hung task and stick there until the target group
   * reports it: 3 failed checks 10 s apart, the first within 10 s. */
  for (; hung->target == TARGET_HEALTHY && at < hung_at + SIM_MIN;
       at += SIM_SEC)
    world_run_until(run->w, at);
  cr_assert_eq(hung->target, TARGET_UNHEALTHY);
  const LogEvent *e = task_event(run, "target-unhealthy", hung);
  cr_assert_not_null(e, "the hung task was never reported unhealthy");
  SimTime took = e->at - hung_at;
  cr_assert(took >= 20 * SIM_SEC - step && took <= 30 * SIM_SEC + step,
            "unhealthy %.1f s after hanging, expected 20-30 s",
            sim_time_to_seconds(took));
  char id[33];
  g_autofree char *want = g_strdup_printf(
    "(service web) (task %s) (port 8080) is unhealthy in (target-group "
    "web-tg) due to (reason Health checks failed).",
    task_format_id(hung->id, id));
  cr_assert_str_eq(e->message, want);
  guint32 stuck = task_queue_outstanding(hung->queue);
  cr_assert_gt(stuck, 5, "only %u requests reached the hung task", stuck);

  /* The replacement started at once; no more requests reach the hung
   * task. */
  SimTime detected = e->at;
  Task *repl = first_task_after(run, 1, detected);
  cr_assert_not_null(repl);
  cr_assert_eq(repl->entered[TASK_PROVISIONING], detected);
  world_run_until(run->w, detected + 15 * SIM_SEC);
  cr_assert_eq(hung->state, TASK_RUNNING);
  cr_assert_eq(task_queue_outstanding(hung->queue), stuck,
               "requests still reach the unhealthy task");

  /* It stops once its replacement counts as healthy. */
  world_run_until(run->w, detected + 5 * SIM_MIN);
  cr_assert_geq(repl->healthy_at, 0, "the replacement never became healthy");
  cr_assert_not(task_is_live(hung));
  cr_assert_eq(hung->stop_reason, STOP_UNHEALTHY);
  cr_assert_geq(test_stop_began(hung), repl->healthy_at,
                "the unhealthy task stopped before its replacement was "
                "healthy");
  test_run_free(run);
}

/* Makes @t hang now, as the failure model's hang_mttf does. */
static void
hang(TestRun *run, Task *t)
{
  t->hung = TRUE;
  world_task_health_changed(run->w, t);
}

/* Replacing unhealthy tasks (2023): with room under maximumPercent, the
 * replacements start first and the unhealthy tasks keep running until
 * the replacements are healthy; none is stopped early. */
Test(health, unhealthy_tasks_run_until_their_replacements_are_healthy)
{
  TestRun *run = test_run_json(
    "{'duration': '10m', 'taskDefinitions': [" TEST_FARGATE_TD("web") "], "
    TG_10S ","
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 2, " WEB_LB "}]}");
  world_run_until(run->w, 2 * SIM_MIN);
  hang(run, world_task(run->w, 0));
  hang(run, world_task(run->w, 1));
  SimTime replaced_at = -1;
  for (SimTime at = 2 * SIM_MIN; at <= 10 * SIM_MIN; at += SIM_SEC) {
    world_run_until(run->w, at);
    if (run->w->tasks->len < 4)
      continue;
    cr_assert_eq(run->w->tasks->len, 4);
    const Task *a = world_task(run->w, 2), *b = world_task(run->w, 3);
    cr_assert_eq(a->entered[TASK_PROVISIONING],
                 b->entered[TASK_PROVISIONING],
                 "the replacements did not start together");
    if (a->healthy_at >= 0 && b->healthy_at >= 0)
      replaced_at = MAX(a->healthy_at, b->healthy_at);
    for (guint i = 0; i < 2; i++) {
      const Task *t = world_task(run->w, i);
      cr_assert(task_is_live(t) ||
                (replaced_at >= 0 && test_stop_began(t) >= replaced_at),
                "unhealthy task %u stopped at %.1f s, before its "
                "replacements were healthy", i,
                sim_time_to_seconds(test_stop_began(t)));
    }
  }
  cr_assert_geq(replaced_at, 0, "the replacements never became healthy");
  for (guint i = 0; i < 2; i++) {
    cr_assert_not(task_is_live(world_task(run->w, i)));
    cr_assert_eq(world_task(run->w, i)->stop_reason, STOP_UNHEALTHY);
  }
  cr_assert_eq(service_counts(run->w, 0).healthy, 2);
  test_run_free(run);
}

/* Neither a load balancer nor a container health check: a task counts
 * as healthy healthy_after_running (40 s, UNVERIFIED) after RUNNING. */
static void
check_healthy_after(const char *rules, SimTime expected)
{
  TestRun *run = test_run_json(
    "{'duration': '10m', %s 'taskDefinitions': [" TEST_FARGATE_TD("web")
    ", " TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 2}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'}]}", rules);
  test_run_finish(run);
  int seen = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    if (t->deployment != 2)
      continue;
    seen++;
    cr_assert_eq(t->healthy_at - t->entered[TASK_RUNNING], expected,
                 "healthy %.3f s after RUNNING",
                 sim_time_to_seconds(t->healthy_at -
                                     t->entered[TASK_RUNNING]));
  }
  cr_assert_eq(seen, 2);
  test_run_free(run);
}

Test(health, without_checks_a_task_counts_healthy_40s_after_running)
{
  check_healthy_after("", 40 * SIM_SEC);
}

Test(health, healthy_after_running_is_a_scenario_parameter)
{
  check_healthy_after("'ecs_rules': {'healthy_after_running': '25s'},",
                      25 * SIM_SEC);
}

/* A newly registered target needs one passing check (not
 * HealthyThresholdCount) to become healthy, and only then does the task
 * count as healthy and take requests. */
Test(health, new_target_is_healthy_after_one_passing_check)
{
  TestRun *run = test_run_json(
    "{'duration': '10m', 'taskDefinitions': [" TEST_FARGATE_TD("web") ", "
    TEST_FARGATE_TD("web") "],"
    " 'targetGroups': [{'TargetGroupName': 'web-tg',"
    "  'HealthCheckIntervalSeconds': 30, 'HealthyThresholdCount': 5}],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 3, " WEB_LB "}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'}]}");
  int seen = 0;
  for (SimTime at = SIM_MIN; at <= 10 * SIM_MIN; at += SIM_SEC) {
    world_run_until(run->w, at);
    for (guint i = 0; i < run->w->tasks->len; i++) {
      const Task *t = world_task(run->w, i);
      if (t->deployment == 2 && t->state == TASK_RUNNING)
        cr_assert_eq(t->counts_healthy, t->target == TARGET_HEALTHY);
    }
  }
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    if (t->deployment != 2)
      continue;
    seen++;
    SimTime after = t->healthy_at - t->entered[TASK_RUNNING];
    cr_assert(after > 0 && after <= 30 * SIM_SEC,
              "healthy %.1f s after RUNNING, expected within one interval",
              sim_time_to_seconds(after));
  }
  cr_assert_eq(seen, 3);
  cr_assert_not_null(test_find_event(run, "deployment-completed", 0));
  test_run_free(run);
}

/* Container health check: HEALTHY at the first passing check, one
 * interval after the container starts; a revision that fails its checks
 * is UNHEALTHY after `retries` failures, reported, and replaced while the
 * old tasks keep running. */
Test(health, container_check_marks_unhealthy_after_retries)
{
  TestRun *run = test_run_json(
    "{'duration': '10m', 'taskDefinitions': [" CHECKED_TD("web") ", "
    CHECKED_TD("web") ", " CHECKED_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 2}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'},"
    "  {'at': '5m', 'kind': 'deploy', 'service': 'web',"
    "   'taskDefinition': 'web:3', 'fails_health_checks': true}]}");
  world_run_until(run->w, 5 * SIM_MIN - 1);
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    if (t->deployment == 2)
      cr_assert_eq(t->healthy_at - t->entered[TASK_RUNNING], 5 * SIM_SEC);
  }
  cr_assert_eq(test_live_tasks(run, 2), 2);

  test_run_finish(run);
  Task *bad = first_task_after(run, 3, 5 * SIM_MIN);
  cr_assert_not_null(bad);
  const LogEvent *e = task_event(run, "container-unhealthy", bad);
  cr_assert_not_null(e);
  cr_assert_eq(e->at - bad->entered[TASK_RUNNING], 15 * SIM_SEC);
  cr_assert_eq(bad->stop_reason, STOP_UNHEALTHY);
  cr_assert_eq(test_stop_began(bad), e->at);
  cr_assert_eq(bad->healthy_at, -1);
  cr_assert_eq(test_live_tasks(run, 2), 2, "the healthy tasks were stopped");
  cr_assert(service_deploying(run->w, 0));
  test_run_free(run);
}

/* A revision whose tasks fail target-group checks for their first 60 s
 * (slow start), deployed behind a target group checked every 10 s. */
static TestRun *
slow_start_run(int grace_seconds)
{
  return test_run_json(
    "{'duration': '15m', 'taskDefinitions': [" TEST_FARGATE_TD("web") ", "
    TEST_FARGATE_TD("web") "], " TG_10S ","
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 2, " WEB_LB ","
    "  'healthCheckGracePeriodSeconds': %d}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2', 'slow_start': '60s'}]}", grace_seconds);
}

static int
stopped_unhealthy(TestRun *run)
{
  int n = 0;
  for (guint i = 0; i < run->w->tasks->len; i++)
    n += world_task(run->w, i)->stop_reason == STOP_UNHEALTHY;
  return n;
}

/* Failing checks inside healthCheckGracePeriodSeconds do not make the
 * service replace the task: the slow starters become healthy and the
 * deployment completes. */
Test(health, grace_period_ignores_failing_checks)
{
  TestRun *run = slow_start_run(120);
  test_run_finish(run);
  cr_assert_eq(stopped_unhealthy(run), 0);
  cr_assert_gt(eventlog_count(run->w, "target-unhealthy"), 0,
               "the checks never failed: the test proves nothing");
  cr_assert_not_null(test_find_event(run, "deployment-completed", 0));
  cr_assert_eq(test_live_tasks(run, 2), 2);
  test_run_free(run);
}

/* The same revision without a grace period: its tasks are replaced as
 * unhealthy before they can start answering, over and over. */
Test(health, without_grace_period_slow_starters_are_replaced)
{
  TestRun *run = slow_start_run(0);
  test_run_finish(run);
  cr_assert_geq(stopped_unhealthy(run), 4);
  cr_assert_null(test_find_event(run, "deployment-completed", 0));
  cr_assert_eq(test_live_tasks(run, 1), 2, "the old tasks were stopped");
  test_run_free(run);
}

/* [DG23]: the grace period applies only to services with a load
 * balancer; a container check alone is not covered by it. */
Test(health, grace_period_needs_a_load_balancer)
{
  TestRun *run = test_run_json(
    "{'duration': '5m', 'taskDefinitions': [" CHECKED_TD("web") ", "
    CHECKED_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 2,"
    "  'healthCheckGracePeriodSeconds': 600}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2', 'fails_health_checks': true}]}");
  test_run_finish(run);
  cr_assert_gt(stopped_unhealthy(run), 0);
  test_run_free(run);
}

/* Warm-started tasks ran long before the run: a revision's slow start
 * does not make their checks fail at time 0. */
Test(health, warm_tasks_skip_slow_start)
{
  TestRun *run = test_run_json(
    "{'duration': '5m', 'taskDefinitions': [" TEST_FARGATE_TD("web") "], "
    TG_10S ","
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 2, " WEB_LB ","
    "  'failure_model': {'slow_start': '2m'}}]}");
  test_run_finish(run);
  cr_assert_eq(eventlog_count(run->w, "target-unhealthy"), 0);
  cr_assert_eq(run->w->tasks->len, 2);
  test_run_free(run);
}
