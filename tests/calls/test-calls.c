/* Call graphs: what a call adds to its caller's latency, how retries
 * multiply a callee's load, and that every edge conserves its calls. */
#include <criterion/criterion.h>
#include <math.h>

#include "models/config/summary-schema.h"
#include "models/output/report.h"
#include "models/requests/calls.h"
#include "scenarios/cli.h"
#include "support.h"

/* A service @name of @tasks Fargate tasks (1 vCPU) with workload @wl. */
static char *
service(const char *name, int tasks, const char *wl)
{
  return g_strdup_printf(
    "{\"serviceName\": \"%s\", \"taskDefinition\": \"app\","
    " \"desiredCount\": %d, \"launchType\": \"FARGATE\","
    " \"workload\": %s}", name, tasks, wl);
}

/* A scenario of @duration with the services given (NULL-terminated). */
static char *
scenario(const char *duration, ...)
{
  GString *s = g_string_new(NULL);
  g_string_append_printf(s,
    "{\"duration\": \"%s\", \"period\": \"60s\", \"seed\": 7,"
    " \"taskDefinitions\": [{\"family\": \"app\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": [", duration);
  va_list ap;
  va_start(ap, duration);
  const char *sep = "";
  for (char *svc = va_arg(ap, char *); svc != NULL;
       svc = va_arg(ap, char *)) {
    g_string_append_printf(s, "%s%s", sep, svc);
    g_free(svc);
    sep = ", ";
  }
  va_end(ap);
  g_string_append(s, "]}");
  return g_string_free(s, FALSE);
}

static int
service_index(TestRun *run, const char *name)
{
  for (guint i = 0; i < run->cfg->services->len; i++)
    if (g_str_equal(((ServiceConfig *) run->cfg->services->pdata[i])->name,
                    name))
      return (int) i;
  cr_assert_fail("no service %s", name);
  return -1;
}

/* Every completed request of @service, whole run. */
static SimHistogram *
latencies(TestRun *run, const char *name)
{
  ReqStats *rs = &run->w->reqstats[service_index(run, name)];
  SimHistogram *h = sim_histogram_new();
  sim_histogram_merge(h, rs->latency_run);
  sim_histogram_merge(h, rs->latency);
  return h;
}

static guint64
arrivals(TestRun *run, const char *name)
{
  return run->w->reqstats[service_index(run, name)].arrivals.total;
}

/* A request of 20 ms calling a fixed 10 ms dependency @n times in a row
 * takes exactly 20 + 10n ms: calls add their whole latency, nothing
 * else. */
static void
check_sequential(int n)
{
  g_autofree char *wl = g_strdup_printf(
    "{\"traffic\": {\"generator\": \"constant\", \"rps\": 50},"
    " \"service_time\": {\"dist\": \"fixed\", \"value\": \"20ms\"},"
    " \"concurrency\": 1000,"
    " \"calls\": [{\"service\": \"db\", \"count\": %d}]}", n);
  g_autofree char *json = scenario("10m",
    service("web", 1, wl),
    service("db", 1, "{\"service_time\": {\"dist\": \"fixed\","
            " \"value\": \"10ms\"}, \"concurrency\": 1000}"), NULL);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  g_autoptr(SimHistogram) web = latencies(run, "web");
  cr_assert_gt(sim_histogram_count(web), 20000);
  cr_expect_eq(sim_histogram_min(web), (guint64) (20000 + 10000 * n));
  cr_expect_eq(sim_histogram_max(web), (guint64) (20000 + 10000 * n));
  /* Each call is a request at db, counted there; each completed web
   * request made its n. */
  const CallEdge *e = calls_edge(run->w, 0);
  cr_expect_eq(arrivals(run, "db"), e->sent);
  cr_expect_eq(e->sent, e->wanted);
  guint64 done = run->w->reqstats[0].outcomes[REQ_OK].total;
  cr_expect_geq(e->wanted, n * done);
  cr_expect_leq(e->wanted, n * arrivals(run, "web"));
  test_run_free(run);
}

Test(calls, sequential_fixed_dependency_adds_exactly_its_time)
{
  check_sequential(1);
  check_sequential(3);
}

/* Four parallel calls to an exponential dependency (mean 10 ms, never
 * queued) add the mean of the maximum of four exponentials, 10 ms ×
 * (1 + 1/2 + 1/3 + 1/4) = 20.8 ms, not their sum (40 ms). */
Test(calls, parallel_calls_add_the_expected_maximum)
{
  g_autofree char *json = scenario("30m",
    service("web", 1,
            "{\"traffic\": {\"generator\": \"constant\", \"rps\": 20},"
            " \"service_time\": {\"dist\": \"fixed\", \"value\": \"20ms\"},"
            " \"concurrency\": 1000,"
            " \"calls\": [{\"service\": \"api\", \"count\": 4,"
            "              \"mode\": \"parallel\"}]}"),
    service("api", 1, "{\"service_time\": {\"dist\": \"exponential\","
            " \"mean\": \"10ms\"}, \"concurrency\": 1000}"), NULL);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  g_autoptr(SimHistogram) web = latencies(run, "web");
  double n = (double) sim_histogram_count(web);
  cr_assert_gt(n, 30000);
  double mean_ms = sim_histogram_mean(web) / 1000.0;
  double expected = 20.0 + 10.0 * (1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0);
  /* The maximum's sd is 10 ms × sqrt(1 + 1/4 + 1/9 + 1/16) = 11.9 ms. */
  double se = 11.93 / sqrt(n);
  cr_expect(fabs(mean_ms - expected) < 5 * se,
            "mean %.3f ms, expected %.3f ms (± %.3f)", mean_ms, expected,
            5 * se);
  test_run_free(run);
}

/* Under a callee failure rate p and up to 3 attempts, the callee sees
 * 1 + p + p² times the calls its callers want. */
static void
check_amplification(double p, int attempts)
{
  g_autofree char *web = g_strdup_printf(
    "{\"traffic\": {\"generator\": \"constant\", \"rps\": 50},"
    " \"service_time\": {\"dist\": \"fixed\", \"value\": \"5ms\"},"
    " \"concurrency\": 1000,"
    " \"calls\": [{\"service\": \"pay\", \"retry\": {\"attempts\": %d,"
    "   \"backoff\": \"10ms\", \"on\": [\"5xx\"]}}]}", attempts);
  g_autofree char *pay = g_strdup_printf(
    "{\"service_time\": {\"dist\": \"fixed\", \"value\": \"5ms\"},"
    " \"concurrency\": 1000, \"error_rate\": %g}", p);
  g_autofree char *json = scenario("10m", service("web", 1, web),
                                   service("pay", 1, pay), NULL);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(calls_n_edges(run->w), 1);
  const CallEdge *e = calls_edge(run->w, 0);
  double factor = 0, pk = 1;
  for (int k = 0; k < attempts; k++, pk *= p)
    factor += pk;
  double got = (double) arrivals(run, "pay") / (double) e->wanted;
  cr_expect(fabs(got - factor) < 0.02 * factor,
            "p %g, %d attempts: callee arrivals / calls wanted %.4f, "
            "expected %.4f", p, attempts, got, factor);
  cr_expect_eq(e->sent, arrivals(run, "pay"));
  /* Every retry follows a 5xx that was not a call's last (but a few
   * may still be backing off at the end). */
  guint64 retried = e->errors[CALL_ERR_5XX] - e->failed;
  cr_expect_leq(e->sent - e->wanted, retried);
  cr_expect_geq(e->sent - e->wanted + 5, retried);
  test_run_free(run);
}

Test(calls, retries_multiply_callee_arrivals)
{
  check_amplification(0.3, 3);
  check_amplification(0.5, 3);
  check_amplification(0.5, 1);
}

/* A → B → C, with C overloaded (small queue, errors), timeouts and
 * retries, stopped mid-flight: at every edge, attempts sent = answered
 * OK + failed (every kind) + in flight; at every service, arrivals =
 * completed + failed + in flight. */
Test(calls, chain_conserves_calls_at_every_edge)
{
  g_autofree char *json = scenario("317s",
    service("a", 2,
            "{\"traffic\": {\"generator\": \"constant\", \"rps\": 300},"
            " \"service_time\": {\"dist\": \"exponential\", \"mean\": \"4ms\"},"
            " \"concurrency\": 64,"
            " \"calls\": [{\"service\": \"b\", \"count\": {\"dist\":"
            "   \"exponential\", \"mean\": 2}, \"mode\": \"parallel\","
            "   \"timeout\": \"300ms\","
            "   \"retry\": {\"attempts\": 2, \"backoff\": \"5ms\"}}]}"),
    service("b", 2,
            "{\"service_time\": {\"dist\": \"exponential\", \"mean\": \"3ms\"},"
            " \"concurrency\": 32, \"async_calls\": true,"
            " \"calls\": [{\"service\": \"c\", \"at\": 0.2,"
            "   \"timeout\": \"80ms\", \"retry\": {\"attempts\": 3,"
            "   \"backoff\": \"2ms\", \"jitter\": \"none\"}}]}"),
    service("c", 1,
            "{\"service_time\": {\"dist\": \"exponential\", \"mean\": \"8ms\"},"
            " \"concurrency\": 4, \"queue_limit\": 20, \"timeout\": \"50ms\","
            " \"error_rate\": 0.1}"), NULL);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(calls_n_edges(run->w), 2);
  for (guint i = 0; i < 2; i++) {
    const CallEdge *e = calls_edge(run->w, i);
    guint64 errors = 0;
    for (int k = 0; k < CALL_ERR_N; k++)
      errors += e->errors[k];
    cr_expect_gt(e->sent, 1000);
    cr_expect_eq(e->sent, e->ok + errors + e->in_flight,
                 "edge %u: sent %" G_GUINT64_FORMAT " ok %" G_GUINT64_FORMAT
                 " errors %" G_GUINT64_FORMAT " in flight %" G_GUINT64_FORMAT,
                 i, e->sent, e->ok, errors, e->in_flight);
    cr_expect_gt(errors, 0, "edge %u saw no errors: the test tests less", i);
  }
  cr_expect_gt(calls_edge(run->w, 1)->errors[CALL_ERR_TIMEOUT], 0);
  for (guint s = 0; s < 3; s++) {
    const ReqStats *rs = &run->w->reqstats[s];
    guint64 ended = 0;
    for (int k = 0; k < REQ_N_OUTCOMES; k++)
      ended += rs->outcomes[k].total;
    cr_expect_eq(rs->arrivals.total, ended + rs->in_flight_now,
                 "service %u", s);
  }
  test_run_free(run);
}

Test(calls, unknown_callee_is_refused_with_its_path)
{
  g_autofree char *json = scenario("1m",
    service("web", 1, "{\"calls\": [{\"service\": \"nope\"}]}"), NULL);
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_expect(strstr(msg, "/services/0/workload/calls/0/service: no service "
                        "\"nope\"") != NULL, "%s", msg);
}

Test(calls, cycle_is_refused_with_its_path)
{
  g_autofree char *json = scenario("1m",
    service("a", 1, "{\"calls\": [{\"service\": \"b\"}]}"),
    service("b", 1, "{\"calls\": [{\"service\": \"c\"}]}"),
    service("c", 1, "{\"calls\": [{\"service\": \"a\"}]}"), NULL);
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_expect(strstr(msg, "/services/2/workload/calls/0/service: service "
                        "\"c\" calling \"a\" closes a cycle") != NULL,
            "%s", msg);
}

Test(calls, bad_call_exits_2_naming_file_and_path)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "graph.json", NULL);
  g_autofree char *json = scenario("1m",
    service("a", 1, "{\"calls\": [{\"service\": \"a\"}]}"), NULL);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  g_autofree char *err = NULL;
  int status = cli_run(dir, NULL, &err, "run", "graph.json", "-o", "out",
                       "-q", NULL);
  cr_expect_eq(status, 2, "%s", err);
  cr_expect(strstr(err, "graph.json: /services/0/workload/calls/0/service: "
                        "service \"a\" calling \"a\" closes a cycle") != NULL,
            "%s", err);
  test_rmrf(dir);
}

/* summary.json: every field of a call graph's summary is in the field
 * table (so `expect` and `diff` can name it) and every path the table
 * gives this scenario is in the summary. */
Test(calls, summary_fields_match_the_field_table)
{
  g_autofree char *json = scenario("5m",
    service("web", 1,
            "{\"traffic\": {\"generator\": \"constant\", \"rps\": 20},"
            " \"calls\": [{\"service\": \"db\"}, {\"service\": \"db\"}]}"),
    service("db", 1, "{}"), NULL);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cJSON *s = report_summary(run->w);
  g_autoptr(GArray) leaves = summary_schema_leaves(s);
  g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < leaves->len; i++) {
    const char *path = g_array_index(leaves, SummaryLeaf, i).path;
    if (g_str_equal(path, "slo"))
      continue; /* null without an "slo" */
    cr_expect_not_null(summary_schema_lookup(path),
                       "summary.json has %s, which summary-schema.c lacks",
                       path);
    g_hash_table_add(set, (gpointer) path);
  }
  g_autoptr(GPtrArray) paths = summary_schema_paths(run->cfg);
  guint calls_paths = 0;
  for (guint i = 0; i < paths->len; i++) {
    const char *path = paths->pdata[i];
    if (!g_str_has_prefix(path, "edges.") && !strstr(path, ".calls."))
      continue;
    calls_paths++;
    cr_expect(g_hash_table_contains(set, path), "no %s in the summary",
              path);
  }
  cr_expect_gt(calls_paths, 40);
  cr_expect(g_hash_table_contains(set, "edges.web->db#2.calls"));
  cJSON_Delete(s);
  test_run_free(run);
}

/* A 20 ms request with three 10 ms sequential calls: 30 ms of its 50 ms
 * are spent in its dependency; the top level counts users' requests
 * (web's), not calls. */
Test(calls, summary_gives_dependency_time_and_entry_requests)
{
  g_autofree char *json = scenario("10m",
    service("web", 1,
            "{\"traffic\": {\"generator\": \"constant\", \"rps\": 50},"
            " \"service_time\": {\"dist\": \"fixed\", \"value\": \"20ms\"},"
            " \"concurrency\": 1000,"
            " \"calls\": [{\"service\": \"db\", \"count\": 3}]}"),
    service("db", 1, "{\"service_time\": {\"dist\": \"fixed\","
            " \"value\": \"10ms\"}, \"concurrency\": 1000}"), NULL);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_expect_float_eq(test_summary_number(run, "services.web.calls."
                                              "dependency_mean_ms"),
                     30.0, 1e-9);
  cr_expect_float_eq(test_summary_number(run, "services.web.calls."
                                              "dependency_fraction"),
                     0.6, 1e-6);
  cr_expect_float_eq(test_summary_number(run, "requests.arrivals"),
                     (double) arrivals(run, "web"), 0.5);
  cr_expect_float_eq(test_summary_number(run, "latency.max_ms"), 50.0,
                     1e-9);
  double calls = test_summary_number(run, "edges.web->db.calls");
  cr_expect_float_eq(test_summary_number(run, "services.web.calls.made"),
                     calls, 0.5);
  cr_expect_float_eq(test_summary_number(run, "edges.web->db.latency."
                                              "max_ms"), 10.0, 1e-9);
  test_run_free(run);
}

/* timeseries.csv: an edge's rows add up to its summary figures. */
Test(calls, timeseries_edge_rows_add_up)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "graph.json", NULL);
  g_autofree char *json = scenario("10m",
    service("web", 1,
            "{\"traffic\": {\"generator\": \"constant\", \"rps\": 40},"
            " \"calls\": [{\"service\": \"db\", \"retry\": {\"attempts\": 2}}]}"),
    service("db", 1, "{\"error_rate\": 0.2}"), NULL);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  cr_assert_eq(cli_run(dir, NULL, NULL, "run", "graph.json", "-o", "out",
                       "-q", NULL), 0);
  g_autofree char *csv = test_read_file(dir, "out/base/timeseries.csv");
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  guint64 sent = 0, rows = 0, retries = 0, err5xx = 0;
  for (int i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++) {
    g_auto(GStrv) cells = g_strsplit(lines[i], ",", -1);
    if (!g_str_equal(cells[2], "web->db"))
      continue;
    rows++;
    sent += g_ascii_strtoull(cells[3], NULL, 10);
    err5xx += g_ascii_strtoull(cells[9], NULL, 10);
    retries += g_ascii_strtoull(cells[16], NULL, 10);
  }
  cr_expect_eq(rows, 10);
  g_autofree char *summary = test_read_file(dir, "out/base/summary.json");
  cJSON *s = cJSON_Parse(summary);
  const cJSON *e = cJSON_GetArrayItem(cJSON_GetObjectItem(s, "edges"), 0);
  cr_expect_eq(sent, (guint64) cJSON_GetObjectItem(e, "sent")->valuedouble);
  cr_expect_eq(retries,
               (guint64) cJSON_GetObjectItem(e, "retries")->valuedouble);
  cr_expect_eq(err5xx, (guint64) cJSON_GetObjectItem(
                         cJSON_GetObjectItem(e, "errors"), "5xx")
                         ->valuedouble);
  cr_expect_gt(retries, 0);
  cJSON_Delete(s);
  test_rmrf(dir);
}
