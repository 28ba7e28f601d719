/* How callers find callees: Cloud Map DNS answers cached for their TTL
 * (the staleness window), Service Connect's outlier detection. */
#include <criterion/criterion.h>

#include <string.h>

#include "models/core/eventlog.h"
#include "models/requests/calls.h"
#include "models/requests/task-queue.h"
#include "support.h"

/* web (2 tasks, 200 requests/s, one call each) calling db (2 tasks,
 * reached as @db_aws says, with workload fields @db_wl); one db task is
 * killed at 125 s; 1 s periods. @web_aws: web's own AWS fields. */
static TestRun *
run_kill(const char *web_aws, const char *db_aws, const char *db_wl)
{
  g_autofree char *json = g_strdup_printf(
    "{\"duration\": \"300s\", \"period\": \"1s\", \"seed\": 3,"
    " \"taskDefinitions\": [{\"family\": \"app\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": ["
    "  {\"serviceName\": \"web\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\"%s,"
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "     \"rps\": 200}, \"concurrency\": 100,"
    "     \"calls\": [{\"service\": \"db\"}]}},"
    "  {\"serviceName\": \"db\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\"%s,"
    "   \"workload\": {\"concurrency\": 100%s}}],"
    " \"faults\": [{\"at\": \"125s\", \"kind\": \"kill_tasks\","
    "   \"service\": \"db\", \"count\": 1}]}",
    web_aws, db_aws, db_wl);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  return run;
}

#define REGISTRY ", \"serviceRegistries\": [{\"registryArn\": " \
  "\"arn:aws:servicediscovery:us-east-1:123456789012:service/srv-db\"}]"

/* With TTL t and extra caching x, callers send calls to the killed task
 * (connection errors) from 125 s until their cached answer expires, and
 * not after: both web tasks first resolved at about 0 s, so their
 * answers expire just after each multiple of t + x. */
static void
check_staleness(int ttl, int extra)
{
  g_autofree char *wl = g_strdup_printf(
    ", \"discovery\": {\"dns_ttl\": \"%ds\", \"dns_extra_cache\": \"%ds\"}",
    ttl, extra);
  TestRun *run = run_kill("", REGISTRY, wl);
  SimTime first = -1, last = -1;
  guint64 errors = 0;
  for (guint i = 0; i < calls_n_rows(run->w); i++) {
    const CallEdgeRow *r = calls_row(run->w, i);
    if (r->errors[CALL_ERR_CONNECTION] == 0)
      continue;
    errors += r->errors[CALL_ERR_CONNECTION];
    if (first < 0)
      first = r->start;
    last = r->end;
  }
  int cached = ttl + extra;
  int expiry = (125 / cached + 1) * cached;
  cr_assert_gt(errors, 0, "TTL %d s: no call reached the killed task", ttl);
  cr_expect_eq(first, 125 * SIM_SEC);
  cr_expect_eq(last, (expiry + 1) * SIM_SEC,
               "TTL %d + %d s: connection errors until %.0f s, expected "
               "until the answers' expiry at %d s", ttl, extra,
               sim_time_to_seconds(last), expiry);
  /* Half the calls go to the dead task while the answer is stale. */
  cr_expect_gt(errors, 200 * (expiry - 125) * 0.4);
  test_run_free(run);
}

Test(discovery, dns_callers_hit_a_stopped_task_for_at_most_the_ttl)
{
  check_staleness(10, 0);
  check_staleness(10, 20);
  check_staleness(60, 0);
}

/* The task whose formatted id is @id, or NULL. */
static const Task *
task_named(const World *w, const char *id)
{
  char buf[33];
  for (guint i = 0; id != NULL && i < w->tasks->len; i++) {
    const Task *t = w->tasks->pdata[i];
    if (strcmp(task_format_id(t->id, buf), id) == 0)
      return t;
  }
  return NULL;
}

/* events.jsonl tells Cloud Map's side of the staleness window: the
 * killed db task deregistered as it began stopping (125 s), its
 * replacement registered when it came RUNNING; tasks already running at
 * the start registered before the run and are not logged. */
Test(discovery, dns_registrations_are_logged_when_they_happen)
{
  TestRun *run = run_kill("", REGISTRY, "");
  const World *w = run->w;
  cr_assert_eq(eventlog_count(w, "service-discovery-deregistered"), 1);
  cr_assert_eq(eventlog_count(w, "service-discovery-registered"), 1);
  for (guint i = 0; i < eventlog_size(w); i++) {
    const LogEvent *ev = eventlog_get(w, i);
    gboolean reg = strcmp(ev->kind, "service-discovery-registered") == 0;
    if (!reg && strcmp(ev->kind, "service-discovery-deregistered") != 0)
      continue;
    const Task *t = task_named(w, ev->task);
    cr_assert_not_null(t, "%s names no task", ev->message);
    cr_expect_eq(ev->service, 1, "not db's: %s", ev->message);
    cr_expect_str_eq(ev->message, reg
      ? "(service db) registered 1 instances in (service-discovery-service "
        "db)"
      : "(service db) deregistered 1 instances in "
        "(service-discovery-service db)");
    if (reg) {
      cr_expect_gt(ev->at, 125 * SIM_SEC);
      cr_expect_eq(ev->at, t->entered[TASK_RUNNING]);
    } else {
      cr_expect_eq(ev->at, 125 * SIM_SEC);
      cr_expect_lt(t->entered[TASK_RUNNING], 125 * SIM_SEC,
                   "not the killed task");
    }
  }
  test_run_free(run);
}

#define SC_CLIENT ", \"serviceConnectConfiguration\": {\"enabled\": true," \
  " \"namespace\": \"shop\"}"
#define SC_SERVER ", \"serviceConnectConfiguration\": {\"enabled\": true," \
  " \"namespace\": \"shop\", \"services\": [{\"portName\": \"http\"," \
  " \"discoveryName\": \"db\"}]}"

/* The proxies learn of the killed task a minute late; outlier detection
 * ejects it after n consecutive errors (a success in between, from the
 * requests it still finishes, starts the count again), so callers see
 * about n refused connections rather than half their calls for a
 * minute. */
static void
check_ejection(int n)
{
  g_autofree char *wl = g_strdup_printf(
    ", \"discovery\": {\"propagation_delay\": \"60s\","
    " \"outlier_detection\": {\"consecutive_5xx\": %d,"
    "                         \"base_ejection_time\": \"10m\"}}", n);
  TestRun *on = run_kill(SC_CLIENT, SC_SERVER, wl);
  const CallEdge *e = calls_edge(on->w, 0);
  guint64 refused = e->errors[CALL_ERR_CONNECTION];
  cr_expect_geq(refused + e->errors[CALL_ERR_5XX], (guint64) n);
  cr_expect_leq(refused, (guint64) (2 * n), "%d consecutive: %"
                G_GUINT64_FORMAT " refused", n, refused);
  cr_expect_eq(on->w->calls->ejections[1], 1);
  test_run_free(on);
}

Test(discovery, outlier_detection_ejects_after_consecutive_errors)
{
  check_ejection(3);
  check_ejection(20);
  TestRun *off = run_kill(SC_CLIENT, SC_SERVER,
    ", \"discovery\": {\"propagation_delay\": \"60s\","
    " \"outlier_detection\": {\"consecutive_5xx\": 0}}");
  const CallEdge *e = calls_edge(off->w, 0);
  /* 200 calls/s, half to the dead task, for the 60 s delay. */
  cr_expect_gt(e->errors[CALL_ERR_CONNECTION], 5000);
  cr_expect_lt(e->errors[CALL_ERR_CONNECTION], 7000);
  cr_expect_eq(off->w->calls->ejections[1], 0);
  test_run_free(off);
}

Test(discovery, service_connect_caller_needs_the_proxy)
{
  g_autofree char *json = g_strdup(
    "{\"duration\": \"1m\", \"taskDefinitions\": [{\"family\": \"app\","
    "   \"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": ["
    "  {\"serviceName\": \"web\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 1, \"launchType\": \"FARGATE\","
    "   \"workload\": {\"calls\": [{\"service\": \"db\"}]}},"
    "  {\"serviceName\": \"db\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 1, \"launchType\": \"FARGATE\"" SC_SERVER "}]}");
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_expect(strstr(msg, "/services/0/workload/calls/0/service: service "
                        "\"db\" is reached through Service Connect, but "
                        "\"web\" has no serviceConnectConfiguration") != NULL,
            "%s", msg);
}

/* Cloud Map: two db tasks registered for an hour, and each of the two web
 * tasks resolving db once a TTL (60 s): $0.10 per instance-month (730 h)
 * and $0.40 per million queries, in cost.items.discovery and the total. */
Test(discovery, cloud_map_cost)
{
  g_autofree char *json = g_strdup(
    "{\"duration\": \"1h\", \"seed\": 3,"
    " \"taskDefinitions\": [{\"family\": \"app\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": ["
    "  {\"serviceName\": \"web\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\","
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "     \"rps\": 50}, \"calls\": [{\"service\": \"db\"}]}},"
    "  {\"serviceName\": \"db\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\"" REGISTRY ","
    "   \"workload\": {}}]}");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double hours = test_summary_number(run, "cost.discovery."
                                          "registered_instance_hours");
  double queries = test_summary_number(run, "cost.discovery.dns_queries");
  cr_expect_float_eq(hours, 2.0, 1e-9);
  cr_expect_float_eq(queries, 120.0, 0.5);
  cr_expect_float_eq(test_summary_number(run, "cost.items.discovery"),
                     0.10 * 2.0 / 730.0 + 0.40 * 120 / 1e6, 1e-6);
  double items = test_summary_number(run, "cost.items.compute") +
                 test_summary_number(run, "cost.items.storage") +
                 test_summary_number(run, "cost.items.load_balancer") +
                 test_summary_number(run, "cost.items.discovery");
  cr_expect_float_eq(test_summary_number(run, "cost.total_usd"), items,
                     2e-6);
  test_run_free(run);
}

/* A Service Connect proxy takes 256 CPU units of a 1 vCPU task: at 8
 * slots per vCPU the application keeps 6 (0.75 vCPU), without it 8. */
Test(discovery, service_connect_proxy_takes_task_cpu)
{
  static const char *const fmt =
    "{\"duration\": \"2m\", \"taskDefinitions\": [{\"family\": \"app\","
    "   \"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": ["
    "  {\"serviceName\": \"web\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 1, \"launchType\": \"FARGATE\"%s,"
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": 5},"
    "     \"concurrency_per_vcpu\": 8, \"calls\": [{\"service\": \"db\"}]}},"
    "  {\"serviceName\": \"db\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 1, \"launchType\": \"FARGATE\"%s,"
    "   \"workload\": {\"concurrency_per_vcpu\": 8}}]}";
  int slots[2];
  for (int sc = 0; sc < 2; sc++) {
    g_autofree char *json = g_strdup_printf(fmt, sc ? SC_CLIENT : "",
                                            sc ? SC_SERVER : "");
    TestRun *run = test_run_new(json);
    test_run_finish(run);
    slots[sc] = -1;
    for (guint i = 0; i < run->w->tasks->len; i++) {
      Task *t = run->w->tasks->pdata[i];
      if (t->queue != NULL && t->service == 1)
        slots[sc] = t->queue->slots;
    }
    test_run_free(run);
  }
  cr_expect_eq(slots[0], 8);
  cr_expect_eq(slots[1], 6);
}

/* Service Connect's endpoints are not logged as DNS records. */
Test(discovery, service_connect_logs_no_dns_registrations)
{
  TestRun *run = run_kill(SC_CLIENT, SC_SERVER, "");
  cr_expect_eq(eventlog_count(run->w, "service-discovery-registered") +
               eventlog_count(run->w, "service-discovery-deregistered"), 0);
  test_run_free(run);
}
