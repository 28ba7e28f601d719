/* Rolling deployments, the ECS way (ECS-REFERENCE §2): the rounding of
 * minimumHealthyPercent and maximumPercent, the stall event, rounds on a
 * full cluster, the circuit breaker with rollback, DAEMON services and
 * the steady-state event. Each test runs a small scenario and looks at
 * the world mid-run with world_run_until(). */
#include <criterion/criterion.h>
#include <string.h>

#include "models/capacity/cluster.h"
#include "service-support.h"

static Task *
task(TestRun *run, guint i)
{
  return world_task(run->w, i);
}

/* Tasks of service 0 not yet STOPPED (what maximumPercent counts). */
static int
unstopped_tasks(TestRun *run)
{
  int n = 0;
  for (guint i = 0; i < run->w->tasks->len; i++)
    n += task(run, i)->state != TASK_STOPPED;
  return n;
}

/* Docs: "min 75% with 2 desired cannot stop any task": ceil(1.5) = 2, so
 * no old task may begin stopping before a new one counts as healthy. */
Test(deploy, min_75_percent_of_2_stops_nothing_before_a_new_task_is_healthy)
{
  TestRun *run = test_run_json(
    "{'duration': '15m', 'taskDefinitions': [" TEST_FARGATE_TD("web") ", "
    TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 2,"
    "  'deploymentConfiguration': {'minimumHealthyPercent': 75,"
    "   'maximumPercent': 200}}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'}]}");
  int old_stopped = 0;
  for (SimTime at = SIM_MIN; at <= 15 * SIM_MIN; at += SIM_SEC) {
    world_run_until(run->w, at);
    cr_assert_geq(service_counts(run->w, 0).healthy, 2,
                  "fewer than 2 healthy tasks at %" G_GINT64_FORMAT " s",
                  at / SIM_SEC);
    SimTime new_healthy = test_earliest_healthy(run, 2);
    old_stopped = 0;
    for (guint i = 0; i < run->w->tasks->len; i++) {
      const Task *t = task(run, i);
      if (t->deployment != 1 || task_is_live(t))
        continue;
      old_stopped++;
      cr_assert(new_healthy >= 0 && test_stop_began(t) >= new_healthy,
                "old task %u began stopping at %" G_GINT64_FORMAT " s, "
                "before any new task counted as healthy", t->id,
                test_stop_began(t) / SIM_SEC);
    }
  }
  cr_assert_eq(old_stopped, 2, "the old tasks were never replaced");
  cr_assert_eq(test_live_tasks(run, 2), 2);
  cr_assert_not_null(test_find_event(run, "deployment-completed", 0));
  test_run_free(run);
}

/* Docs: "max 125% with 3 desired cannot start any extra task"
 * (floor(3.75) = 3) and min 100% cannot stop one: the deployment stalls
 * and says why, once. */
Test(deploy, max_125_percent_of_3_stalls_with_the_configuration_event)
{
  TestRun *run = test_run_json(
    "{'duration': '20m', 'taskDefinitions': [" TEST_FARGATE_TD("web") ", "
    TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 3,"
    "  'deploymentConfiguration': {'minimumHealthyPercent': 100,"
    "   'maximumPercent': 125}}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'}]}");
  test_run_finish(run);
  cr_assert_eq(test_live_tasks(run, 2), 0, "a new task was started");
  cr_assert_eq(test_live_tasks(run, 1), 3, "an old task was stopped");
  cr_assert_eq(run->w->tasks->len, 3);
  cr_assert_eq(eventlog_count(run->w, "deployment-stalled"), 1);
  const LogEvent *e = test_find_event(run, "deployment-stalled", 0);
  cr_assert_eq(e->at, SIM_MIN, "stall reported at %" G_GINT64_FORMAT " us",
               e->at);
  cr_assert(strstr(e->message, "(service web) was unable to stop or start "
                   "tasks during a deployment because of the service "
                   "deployment configuration") == e->message,
            "%s", e->message);
  cr_assert_eq(eventlog_count(run->w, "deployment-completed"), 0);
  cr_assert(service_deploying(run->w, 0));
  test_run_free(run);
}

/* Docs: 6 desired, room for 8: the deployment goes in rounds (two new
 * tasks, then more as old ones stop), never above 8 tasks, never below 6
 * healthy. */
Test(deploy, six_tasks_with_room_for_eight_deploy_in_rounds)
{
  TestRun *run = test_run_json(
    "{'duration': '30m',"
    " 'cluster': {'auto_scaling_groups': [{'name': 'g',"
    "  'instance_type': 'm5.large', 'min': 2, 'max': 2, 'desired': 2}]},"
    " 'taskDefinitions': [" TEST_EC2_TD("web") ", " TEST_EC2_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'EC2', 'desiredCount': 6,"
    "  'deploymentConfiguration': {'minimumHealthyPercent': 100,"
    "   'maximumPercent': 200}}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'}]}");
  world_run_until(run->w, SIM_MIN - 1);
  cr_assert_eq(test_live_tasks(run, 1), 6);
  int most = 0;
  for (SimTime at = SIM_MIN; at <= 30 * SIM_MIN; at += SIM_SEC / 2) {
    world_run_until(run->w, at);
    int n = unstopped_tasks(run);
    most = MAX(most, n);
    cr_assert_leq(n, 8, "%d tasks at %" G_GINT64_FORMAT " s", n,
                  at / SIM_SEC);
    cr_assert_geq(service_counts(run->w, 0).healthy, 6,
                  "below 6 healthy at %" G_GINT64_FORMAT " s",
                  at / SIM_SEC);
  }
  cr_assert_eq(most, 8, "the spare room was never used");
  cr_assert_eq(test_live_tasks(run, 1), 0);
  cr_assert_eq(test_live_tasks(run, 2), 6);
  cr_assert_eq(run->w->tasks->len, 12, "tasks were started twice");

  /* The event log shows the rounds: batches started by the new
   * deployment, old tasks stopped in between, then completion. */
  const Deployment *d = service_primary(service_get(run->w, 0));
  int started_events = 0, stopped_events = 0;
  SimTime last_start = -1, first_stop = -1;
  for (guint i = 0; i < eventlog_size(run->w); i++) {
    const LogEvent *e = eventlog_get(run->w, i);
    if (strcmp(e->kind, "tasks-started") == 0 && e->deployment &&
        strcmp(e->deployment, d->id) == 0) {
      cr_assert(strstr(e->message, started_events == 0
                                     ? "(service web) has started 2 tasks: "
                                     : "(service web) has started ") ==
                e->message, "%s", e->message);
      started_events++;
      last_start = e->at;
    } else if (strcmp(e->kind, "tasks-stopped") == 0) {
      stopped_events++;
      if (first_stop < 0)
        first_stop = e->at;
      cr_assert(strstr(e->message, "(service web) has stopped ") ==
                e->message, "%s", e->message);
    }
  }
  cr_assert_geq(started_events, 3, "%d start batches", started_events);
  cr_assert_geq(stopped_events, 3, "%d stop batches", stopped_events);
  cr_assert_lt(first_stop, last_start,
               "no old task was stopped between two start batches");
  const LogEvent *done = test_find_event(run, "deployment-completed", 0);
  cr_assert_not_null(done);
  cr_assert_gt(done->at, last_start);
  cr_assert_str_eq(done->deployment, d->id);
  cr_assert_not_null(test_find_event(run, "steady-state", done->at));
  test_run_free(run);
}

/* Runs a deployment whose every task fails to start, with the circuit
 * breaker and rollback, and checks the count at which it fails and the
 * way back. */
static void
check_breaker(int desired, int threshold)
{
  TestRun *run = test_run_json(
    "{'duration': '40m', 'taskDefinitions': [" TEST_FARGATE_TD("web") ", "
    TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': %d,"
    "  'deploymentConfiguration': {'minimumHealthyPercent': 100,"
    "   'maximumPercent': 200, 'deploymentCircuitBreaker':"
    "   {'enable': true, 'rollback': true}}}],"
    " 'faults': [{'at': '2m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2', 'startup_failure_probability': 1.0}]}",
    desired);
  for (SimTime at = 2 * SIM_MIN; at <= 40 * SIM_MIN; at += 5 * SIM_SEC) {
    world_run_until(run->w, at);
    cr_assert_geq(service_counts(run->w, 0).healthy, desired,
                  "below %d healthy at %" G_GINT64_FORMAT " s", desired,
                  at / SIM_SEC);
  }
  const LogEvent *failed = test_find_event(run, "deployment-failed", 0);
  cr_assert_not_null(failed, "the circuit breaker never tripped");
  cr_assert(strstr(failed->message, "deployment failed: tasks failed to "
                   "start.") != NULL, "%s", failed->message);
  int failed_by_then = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = task(run, i);
    cr_assert(t->deployment != 2 || t->entered[TASK_RUNNING] < 0);
    failed_by_then += t->deployment == 2 && t->state == TASK_STOPPED &&
                      t->stop_reason == STOP_STARTUP_FAILURE &&
                      t->entered[TASK_STOPPED] <= failed->at;
  }
  cr_assert_eq(failed_by_then, threshold,
               "failed after %d failed tasks, threshold %d", failed_by_then,
               threshold);

  /* Rolled back to the last completed deployment: it is PRIMARY again
   * with its own tasks, which kept running throughout. */
  Service *s = service_get(run->w, 0);
  Deployment *d = service_primary(s);
  const LogEvent *back = test_find_event(run, "rollback", failed->at);
  cr_assert_not_null(back);
  g_autofree char *want = g_strdup_printf(
    "(service web) rolling back to deployment %s (task definition web:1).",
    d->id);
  cr_assert_str_eq(back->message, want);
  cr_assert(d->is_rollback);
  cr_assert_eq(d->number, 1);
  cr_assert_eq(d->rollout, ROLLOUT_COMPLETED);
  cr_assert_eq(service_find_deployment(s, 2)->rollout, ROLLOUT_FAILED);
  cr_assert_eq(test_live_tasks(run, 1), desired,
               "the healthy old tasks were replaced");
  const LogEvent *done = test_find_event(run, "deployment-completed",
                                         failed->at);
  cr_assert_not_null(done);
  cr_assert_str_eq(done->deployment, d->id);
  ServiceCounts c = service_counts(run->w, 0);
  cr_assert_eq(c.running, desired);
  cr_assert_eq(c.healthy, desired);
  cr_assert_eq(c.pending + c.stopping, 0);
  for (guint i = 0; i < s->tasks->len; i++)
    cr_assert_eq(task(run, g_array_index(s->tasks, guint32, i))
                   ->def->revision, 1);
  cr_assert_not_null(test_find_event(run, "steady-state", failed->at));
  test_run_free(run);
}

/* threshold = clamp(ceil(0.5 × 8), 3, 200) = 4 */
Test(deploy, circuit_breaker_fails_after_half_desired_and_rolls_back)
{
  check_breaker(8, 4);
}

/* threshold = clamp(ceil(0.5 × 2), 3, 200) = 3 */
Test(deploy, circuit_breaker_needs_at_least_three_failures)
{
  check_breaker(2, 3);
}

/* Without the circuit breaker a failing deployment keeps trying and the
 * old tasks keep serving. */
Test(deploy, without_circuit_breaker_a_failing_deployment_keeps_trying)
{
  TestRun *run = test_run_json(
    "{'duration': '30m', 'taskDefinitions': [" TEST_FARGATE_TD("web") ", "
    TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 2}],"
    " 'faults': [{'at': '1m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2', 'startup_failure_probability': 1.0}]}");
  test_run_finish(run);
  cr_assert_eq(eventlog_count(run->w, "deployment-failed"), 0);
  cr_assert(service_deploying(run->w, 0));
  cr_assert_gt(service_get(run->w, 0)->tasks_failed_to_start, 3);
  cr_assert_eq(test_live_tasks(run, 1), 2);
  test_run_free(run);
}

/* DAEMON: one task per container instance, a replacement instance gets
 * its own, and a new revision replaces each instance's task. */
Test(deploy, daemon_runs_one_task_per_instance)
{
  TestRun *run = test_run_json(
    "{'duration': '30m',"
    " 'cluster': {'auto_scaling_groups': [{'name': 'g',"
    "  'instance_type': 'm5.large', 'min': 3, 'max': 3, 'desired': 3}]},"
    " 'taskDefinitions': [" TEST_EC2_TD("agent") ", " TEST_EC2_TD("agent") "],"
    " 'services': [{'serviceName': 'agent', 'taskDefinition': 'agent:1',"
    "  'launchType': 'EC2', 'schedulingStrategy': 'DAEMON'}],"
    " 'faults': [{'at': '2m', 'kind': 'instance_failure', 'asg': 'g',"
    "  'count': 1},"
    "  {'at': '15m', 'kind': 'deploy', 'service': 'agent',"
    "   'taskDefinition': 'agent:2'}]}");
  static const SimTime checks[] = { SIM_MIN, 12 * SIM_MIN, 30 * SIM_MIN };
  for (guint c = 0; c < G_N_ELEMENTS(checks); c++) {
    SimTime at = checks[c];
    world_run_until(run->w, at);
    guint active = 0;
    for (guint i = 0; i < cluster_n_instances(run->w); i++) {
      const Instance *inst = cluster_instance(run->w, i);
      int on = 0;
      for (guint k = 0; k < run->w->tasks->len; k++) {
        const Task *t = task(run, k);
        on += t->instance == (int) i && task_is_live(t);
      }
      if (inst->state == INSTANCE_ACTIVE) {
        active++;
        cr_assert_eq(on, 1, "instance %u has %d tasks at %" G_GINT64_FORMAT
                     " s", i, on, at / SIM_SEC);
      } else {
        cr_assert_eq(on, 0);
      }
    }
    cr_assert_eq(active, 3);
    cr_assert_eq(service_get(run->w, 0)->desired, 3);
  }
  cr_assert_eq(cluster_n_instances(run->w), 4, "the failed instance was "
               "not replaced");
  cr_assert_eq(test_live_tasks(run, 1), 0);
  cr_assert_eq(test_live_tasks(run, 2), 3);
  cr_assert_eq(service_counts(run->w, 0).healthy, 3);
  const Deployment *d = service_primary(service_get(run->w, 0));
  cr_assert_eq(d->rollout, ROLLOUT_COMPLETED);
  cr_assert_not_null(test_find_event(run, "tasks-stopped", 15 * SIM_MIN));
  const LogEvent *done = test_find_event(run, "deployment-completed",
                                         15 * SIM_MIN);
  cr_assert_not_null(done);
  cr_assert_not_null(test_find_event(run, "steady-state", done->at));
  test_run_free(run);
}

/* "has reached a steady state" when the service settles, again only
 * after steady_state_interval (6 h) while nothing happens, and again when
 * a deployment completes. */
Test(deploy, steady_state_event_is_not_repeated_within_six_hours)
{
  TestRun *run = test_run_json(
    "{'duration': '14h', 'period': '5m',"
    " 'taskDefinitions': [" TEST_FARGATE_TD("web") ", " TEST_FARGATE_TD("web") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'FARGATE', 'desiredCount': 2}],"
    " 'faults': [{'at': '8h', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'}]}");
  test_run_finish(run);
  g_autoptr(GArray) at = g_array_new(FALSE, FALSE, sizeof(SimTime));
  for (guint i = 0; i < eventlog_size(run->w); i++) {
    const LogEvent *e = eventlog_get(run->w, i);
    if (strcmp(e->kind, "steady-state") == 0) {
      cr_assert_str_eq(e->message, "(service web) has reached a steady "
                       "state.");
      g_array_append_val(at, e->at);
    }
  }
  const LogEvent *done = test_find_event(run, "deployment-completed", 0);
  cr_assert_not_null(done);
  /* 0 (warm start), 6 h, the deployment's end (~8 h), then 6 h later
   * would be past the horizon. */
  cr_assert_eq(at->len, 3, "%u steady-state events", at->len);
  cr_assert_eq(g_array_index(at, SimTime, 0), 0);
  cr_assert_eq(g_array_index(at, SimTime, 1), 6 * SIM_HOUR);
  cr_assert_eq(g_array_index(at, SimTime, 2), done->at);
  test_run_free(run);
}

/* Real `aws ecs describe-services` and `aws elbv2 describe-target-groups`
 * output (../shared/realworld) load as the scenario's service and target
 * group, with ecsim's workload laid over the service entry; the service
 * then serves, and a rolling deployment behind the ALB completes without
 * losing a request. */
Test(deploy, real_wordpress_service_and_target_group_load_and_deploy)
{
  const char *shared = test_shared_dir();
  if (shared == NULL)
    cr_skip_test("no shared material (ECSIM_SHARED)");
  /* Absolute: the scenario's relative names start at tests/data. */
  g_autofree char *rel = g_build_filename(shared, "realworld",
                                          "aws-cli-outputs", NULL);
  g_autofree char *dir = g_canonicalize_filename(rel, NULL);
  g_autofree char *svc_file = g_build_filename(
    dir, "describe-services-wordpress.json", NULL);
  g_autofree char *tg_file = g_build_filename(
    dir, "describe-target-groups-wordpress.json", NULL);
  if (!g_file_test(svc_file, G_FILE_TEST_IS_REGULAR) ||
      !g_file_test(tg_file, G_FILE_TEST_IS_REGULAR))
    cr_skip_test("no describe-*-wordpress.json in %s", dir);
#define WORDPRESS_TD                                                         \
  "{'family': 'wordpress-td', 'cpu': '512', 'memory': '1024',"               \
  " 'networkMode': 'awsvpc', 'requiresCompatibilities': ['FARGATE'],"        \
  " 'containerDefinitions': [{'name': 'wordpress', 'image': 'wordpress',"    \
  " 'portMappings': [{'containerPort': 80}]}]}"
  TestRun *run = test_run_json(
    "{'duration': '20m', 'taskDefinitions': [" WORDPRESS_TD ", "
    WORDPRESS_TD "],"
    " 'targetGroups': [{'file': '%s'}],"
    " 'services': [{'file': '%s', 'workload': {'traffic':"
    "  {'generator': 'constant', 'rps': 5}, 'service_time': '50ms'}}],"
    " 'faults': [{'at': '2m', 'kind': 'deploy',"
    "  'service': 'wordpress-service', 'taskDefinition': 'wordpress-td:2'}]}",
    tg_file, svc_file);
#undef WORDPRESS_TD
  const ServiceConfig *svc = run->cfg->services->pdata[0];
  cr_assert_str_eq(svc->name, "wordpress-service");
  cr_assert_eq(svc->desired_count, 1);
  cr_assert_eq(svc->max_percent, 200);
  cr_assert_eq(svc->min_healthy_percent, 100);
  cr_assert(svc->circuit_breaker && svc->rollback);
  cr_assert_eq(svc->health_check_grace, 30 * SIM_SEC);
  cr_assert_str_eq(((EcsTaskDef *) run->cfg->service_taskdefs->pdata[0])
                     ->name, "wordpress-td:1");
  const TargetGroupConfig *tg = run->cfg->service_tgs->pdata[0];
  cr_assert_not_null(tg, "the service's loadBalancers did not find the "
                     "target group");
  cr_assert_str_eq(tg->name, "wordpress-tg");
  cr_assert_eq(tg->interval, 30 * SIM_SEC);
  cr_assert_eq(tg->timeout, 5 * SIM_SEC);
  cr_assert_eq(tg->healthy_threshold, 5);
  cr_assert_eq(tg->unhealthy_threshold, 2);

  test_run_finish(run);
  const LogEvent *done = test_find_event(run, "deployment-completed", 0);
  cr_assert_not_null(done);
  cr_assert(strstr(done->message, "(service wordpress-service) (deployment "
                   "ecs-svc/") == done->message, "%s", done->message);
  cr_assert_eq(test_live_tasks(run, 2), 1);
  cr_assert_eq(service_counts(run->w, 0).healthy, 1);
  /* Worded like the file's own events. */
  const LogEvent *reg = test_find_event(run, "targets-registered", 0);
  cr_assert_not_null(reg);
  cr_assert_str_eq(reg->message, "(service wordpress-service) registered 1 "
                   "targets in (target-group arn:aws:elasticloadbalancing:"
                   "us-east-1:533917667520:targetgroup/wordpress-tg/"
                   "d684ee0fc9a93a6e)");
  const LogEvent *dereg = test_find_event(run, "targets-deregistered", 0);
  cr_assert_not_null(dereg);
  cr_assert(strstr(dereg->message, "(service wordpress-service) "
                   "deregistered 1 targets in (target-group arn:") ==
            dereg->message, "%s", dereg->message);
  cr_assert_gt(test_summary_number(run, "requests.completed"), 5000);
  cr_assert_eq(test_summary_number(run, "requests.errors.total"), 0);
  test_run_free(run);
}
