/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * The aggregate fidelity as a user meets it: it says what produced the
 * outputs, refuses what it cannot do, agrees with request-level runs on
 * a short scenario (tests/aggregate/ holds the examples' validation), and
 * is as deterministic as they are. Short, so the sanitizer build runs the
 * flow driver through them. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "models/input/jsonfile.h"
#include "scenarios/cli.h"
#include "support.h"
#include "web-service.h"

/* One Fargate service of 4 tasks, 1 vCPU each (8 slots), at 300
 * requests/s of lognormal 40 ms (utilisation 0.375 of its slots), for 20
 * minutes; the traffic steps to 560 requests/s at 5 minutes and target
 * tracking on CPU (50%) scales out to 6 (4 x 70 / 50 = 5.6: far from a
 * ceil()'s knife edge, where the two fidelities' metrics, a percent
 * apart, could round to different counts). */
static const char *scenario =
  "{\"duration\": \"20m\", \"seed\": 3,"
  WEB_SERVICE_OF(4)
  "   \"scaling\": {\"MinCapacity\": 4, \"MaxCapacity\": 20, \"policies\": ["
  "     {\"PolicyName\": \"cpu\", \"PolicyType\": \"TargetTrackingScaling\","
  "      \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
  "       \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"
  "        \"ECSServiceAverageCPUUtilization\"}}}]},"
  "   \"workload\": {\"traffic\": {\"generator\": \"step\","
  "     \"from_rps\": 300, \"to_rps\": 560, \"at\": \"5m\"},"
  "     \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"40ms\","
  "       \"cv\": 1.0},"
  "     \"concurrency_per_vcpu\": 8}}],"
  " \"slo\": {\"p99\": \"250ms\"}}";

/* Writes @json to DIR/s.json and runs it in @fidelity into
 * DIR/@fidelity; returns the folder of its one variant (owned). */
static char *
run_scenario_in(const char *dir, const char *json, const char *fidelity)
{
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  g_autofree char *err = NULL;
  int status = cli_run(dir, NULL, &err, "run", "-q", "s.json", "--fidelity",
                       fidelity, "-o", fidelity, NULL);
  cr_assert_eq(status, 0, "%s: exit %d: %s", fidelity, status, err);
  return g_build_filename(dir, fidelity, "base", NULL);
}

/* summary.json of the run in @dir (owned). */
static cJSON *
summary_in(const char *dir)
{
  g_autofree char *text = test_read_file(dir, "summary.json");
  return cJSON_Parse(text);
}

/* Runs @json both ways in @dir; their summaries into *@req and *@agg. */
static void
run_both(const char *dir, const char *json, cJSON **req, cJSON **agg)
{
  g_autofree char *req_dir = run_scenario_in(dir, json, "requests");
  g_autofree char *agg_dir = run_scenario_in(dir, json, "aggregate");
  *req = summary_in(req_dir);
  *agg = summary_in(agg_dir);
}

/* Runs @json in both fidelities and asserts that @read, of each run's
 * variant folder, is within [@lo, @hi]; @what names the figure. */
static void
both_fidelities_read(const char *json, double (*read)(const char *dir),
                     double lo, double hi, const char *what)
{
  g_autofree char *dir = test_tmpdir();
  const char *fidelities[] = { "requests", "aggregate" };
  for (int k = 0; k < 2; k++) {
    g_autofree char *sub = run_scenario_in(dir, json, fidelities[k]);
    double x = read(sub);
    cr_assert(x >= lo && x <= hi, "%s: %s %.1f, outside %g-%g",
              fidelities[k], what, x, lo, hi);
  }
  test_rmrf(dir);
}

/* Runs the scenario above in @fidelity into DIR/@fidelity; returns its
 * summary (owned). */
static cJSON *
run_in(const char *dir, const char *fidelity)
{
  g_autofree char *sub = run_scenario_in(dir, scenario, fidelity);
  return summary_in(sub);
}

static double
at(const cJSON *root, const char *a, const char *b)
{
  return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(root, a), b));
}

Test(pitfalls_aggregate, agrees_with_requests_and_says_which_it_is)
{
  g_autofree char *dir = test_tmpdir();
  g_autoptr(cJSON) req = run_in(dir, "requests");
  g_autoptr(cJSON) agg = run_in(dir, "aggregate");
  const char *fidelity = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(agg, "scenario"), "fidelity"));
  cr_assert_str_eq(fidelity, "aggregate");
  /* The control plane scales out alike, so the bill and hours agree. */
  cr_assert_float_eq(at(agg, "cost", "total_usd"),
                     at(req, "cost", "total_usd"),
                     0.01 * at(req, "cost", "total_usd"));
  cr_assert_float_eq(at(agg, "capacity", "task_hours"),
                     at(req, "capacity", "task_hours"),
                     0.02 * at(req, "capacity", "task_hours"));
  cr_assert_gt(at(req, "scaling", "service_actions"), 0);
  cr_assert_eq(at(agg, "scaling", "service_actions"),
               at(req, "scaling", "service_actions"));
  /* The expected arrivals, not a draw: within a few standard deviations
   * of the Poisson count. */
  double n = at(req, "requests", "arrivals");
  cr_assert_float_eq(at(agg, "requests", "arrivals"), n, 4 * sqrt(n));
  cr_assert_float_eq(at(agg, "latency", "p99_ms"),
                     at(req, "latency", "p99_ms"),
                     0.10 * at(req, "latency", "p99_ms"));
  cr_assert_float_eq(at(agg, "slo", "attainment"),
                     at(req, "slo", "attainment"), 0.005);
  test_rmrf(dir);
}

Test(pitfalls_aggregate, the_same_seed_gives_the_same_bytes)
{
  g_autofree char *dir = test_tmpdir();
  g_autoptr(cJSON) first = run_in(dir, "aggregate");
  g_autofree char *out = g_build_filename(dir, "aggregate", "base", NULL);
  g_autofree char *series = test_read_file(out, "timeseries.csv");
  g_autofree char *events = test_read_file(out, "events.jsonl");
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "run", "-q", "s.json", "--fidelity",
                       "aggregate", "-o", "again", NULL), 0, "%s", err);
  g_autofree char *again = g_build_filename(dir, "again", "base", NULL);
  g_autofree char *series2 = test_read_file(again, "timeseries.csv");
  g_autofree char *events2 = test_read_file(again, "events.jsonl");
  cr_assert_str_eq(series, series2);
  cr_assert_str_eq(events, events2);
  test_rmrf(dir);
}

Test(pitfalls_aggregate, a_misspelt_fidelity_is_named)
{
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(NULL, &out, &err, "run", "scenarios/black-friday.json",
                       "--fidelity", "agregate", "-o", "/nonexistent/x",
                       NULL);
  cr_assert_eq(status, 2);
  cr_assert(strstr(err, "--fidelity agregate: must be requests or aggregate"),
            "%s", err);
  g_autofree char *text = g_strdup_printf("{\"fidelity\": \"fluid\", %s",
                                          scenario + 1);
  g_autofree char *msg = test_configure_error(text);
  cr_assert(msg && strstr(msg, "/fidelity") && strstr(msg, "aggregate"),
            "%s", msg);
}

Test(pitfalls_aggregate, what_it_cannot_do_is_refused)
{
  g_autofree char *out = NULL, *err = NULL;
  /* Calls between services. */
  int status = cli_run(NULL, &out, &err, "run", "scenarios/microservices.json",
                       "--fidelity", "aggregate", "-o", "/nonexistent/x",
                       NULL);
  cr_assert_eq(status, 2);
  cr_assert(strstr(err, "calls between services"), "%s", err);
  /* One ALB log line per request. */
  status = cli_run(NULL, &out, &err, "run", "scenarios/black-friday.json",
                   "--variant", "fargate", "--fidelity", "aggregate",
                   "--export-aws", "/nonexistent/e", "-o", "/nonexistent/x",
                   NULL);
  cr_assert_eq(status, 2);
  cr_assert(strstr(err, "--export-aws") && strstr(err, "requests fidelity"),
            "%s", err);
}

/* 16 tasks of 8 slots (400 requests/s each) at half load, then 4 minutes
 * at 99.5% of capacity, then half load again: one 6-minute period. */
static const char *near_capacity =
  "{\"duration\": \"6m\", \"period\": \"6m\", \"seed\": 1,"
  WEB_SERVICE_OF(16)
  "   \"workload\": {\"traffic\": {\"generator\": \"step\","
  "     \"from_rps\": 3200, \"steps\": [{\"at\": \"1m\", \"rps\": 6368},"
  "                                   {\"at\": \"5m\", \"rps\": 3200}]},"
  "     \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"20ms\","
  "       \"cv\": 1.5},"
  "     \"concurrency_per_vcpu\": 8}}],"
  " \"slo\": {\"p99\": \"250ms\"}}";

/* Runs near_capacity in @fidelity with @seed into DIR/NAME; returns its
 * summary (owned). */
static cJSON *
run_near_capacity(const char *dir, const char *fidelity, int seed)
{
  g_autofree char *path = g_build_filename(dir, "near.json", NULL);
  cr_assert(g_file_set_contents(path, near_capacity, -1, NULL));
  g_autofree char *name = g_strdup_printf("%s%d", fidelity, seed);
  g_autofree char *s = g_strdup_printf("%d", seed);
  g_autofree char *err = NULL;
  int status = cli_run(dir, NULL, &err, "run", "-q", "near.json", "--seed",
                       s, "--fidelity", fidelity, "-o", name, NULL);
  cr_assert(status == 0 || status == 3, "exit %d: %s", status, err);
  g_autofree char *sub = g_build_filename(dir, name, "base", NULL);
  g_autofree char *text = test_read_file(sub, "summary.json");
  return cJSON_Parse(text);
}

/* Near capacity, a queue needs far longer than minutes to reach its
 * stationary law: in 4 minutes it builds what a random walk does. The
 * aggregate fidelity's SLO attainment is the request-level runs' (their
 * mean over 24 seeds, 57.3% with a standard error of 1.1%: one run's
 * queues are one walk, 48-66% here; the aggregate fidelity 55.1%), its
 * p99 (1.62 s) among theirs (0.90-2.27 s), where the stationary law,
 * reached at once, put it above them all (2.43 s), and it refuses next
 * to nothing. (Its 59.4% before December 2026 came from steps a minute
 * long, which the period's busiest minute now splits: with 5-60 s steps
 * it gives 55.1% alike.) */
Test(pitfalls_aggregate, minutes_near_capacity_build_the_queue_they_have_time_for)
{
  g_autofree char *dir = test_tmpdir();
  g_autoptr(cJSON) agg = run_near_capacity(dir, "aggregate", 1);
  double attainment = 0, lo = INFINITY, hi = 0;
  const int seeds = 24;
  for (int seed = 1; seed <= seeds; seed++) {
    g_autoptr(cJSON) req = run_near_capacity(dir, "requests", seed);
    attainment += at(req, "slo", "attainment") / seeds;
    lo = MIN(lo, at(req, "latency", "p99_ms"));
    hi = MAX(hi, at(req, "latency", "p99_ms"));
  }
  cr_assert_float_eq(at(agg, "slo", "attainment"), attainment, 0.03,
                     "attainment %.4f, request-level runs' mean %.4f",
                     at(agg, "slo", "attainment"), attainment);
  double p99 = at(agg, "latency", "p99_ms");
  cr_assert(p99 >= lo && p99 <= hi, "p99 %.0f ms, request-level runs "
            "%.0f-%.0f ms", p99, lo, hi);
  cr_assert_lt(at(agg, "requests", "error_rate"), 1e-4);
  test_rmrf(dir);
}

/* A timeout within a service time and a half cuts into the waits' body,
 * where the aggregate fidelity's exponential tail counts several times
 * the timeouts requests have (700 ms requests with a 500 ms timeout:
 * 0.42% against 0.044%): the run says so in its warnings; the scenario's
 * 5 s timeout over 40 ms requests does not. */
Test(pitfalls_aggregate, a_timeout_within_the_service_time_is_flagged)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  cr_assert(g_file_set_contents(path, scenario, -1, NULL));
  const char *timeouts[] = { "\"60ms\"", "\"5s\"" };
  for (int k = 0; k < 2; k++) {
    g_autofree char *set = g_strdup_printf("/services/0/workload/timeout=%s",
                                           timeouts[k]);
    g_autofree char *out = g_strdup_printf("t%d", k);
    g_autofree char *err = NULL;
    int status = cli_run(dir, NULL, &err, "run", "-q", "s.json",
                         "--fidelity", "aggregate", "--set", set, "-o", out,
                         NULL);
    cr_assert_eq(status, 0, "%s: exit %d: %s", set, status, err);
    g_autofree char *sub = g_build_filename(dir, out, "base", NULL);
    g_autofree char *text = test_read_file(sub, "summary.json");
    gboolean flagged =
      strstr(text, "is within two mean service times") != NULL;
    cr_assert_eq(flagged, k == 0, "%s: %s", set, text);
  }
  test_rmrf(dir);
}

/* 4 tasks of 8 slots at 724.8 requests/s of 20 ms: 45.3% CPU, so target
 * tracking at 60% wants ceil(4 x 45.3 / 60) = ceil(3.02) = 4 tasks, a
 * knife edge from 3. A minute's datapoint, request by request, wanders
 * by about 0.4 percent around 45.3 and falls below 45.0 about one minute
 * in five: once the scale-in alarm's 15 minutes have passed, the service
 * goes to 3 within minutes. */
static const char *knife_edge =
  "{\"duration\": \"1h\", \"seed\": 2,"
  WEB_SERVICE_OF(4)
  "   \"scaling\": {\"MinCapacity\": 2, \"MaxCapacity\": 8, \"policies\": ["
  "     {\"PolicyName\": \"cpu\", \"PolicyType\": \"TargetTrackingScaling\","
  "      \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 60,"
  "       \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"
  "        \"ECSServiceAverageCPUUtilization\"}}}]},"
  "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
  "     \"rps\": 724.8},"
  "     \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"20ms\","
  "       \"cv\": 1.5},"
  "     \"concurrency_per_vcpu\": 8}}]}";

/* The time of the first "desired count changed from 4 to 3" in @dir's
 * events.jsonl, or -1. */
static double
first_scale_in(const char *dir)
{
  g_autofree char *text = test_read_file(dir, "events.jsonl");
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    if (strstr(*l, "changed from 4 to 3") == NULL)
      continue;
    g_autoptr(cJSON) ev = cJSON_Parse(*l);
    return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(ev, "time"));
  }
  return -1;
}

/* The aggregate fidelity's datapoints carry the noise a minute's
 * requests give them, so it scales at a knife edge as request-level
 * runs do; with its flows' expectation alone (45.3% every minute) it
 * never would. */
Test(pitfalls_aggregate, a_knife_edge_scales_in_as_requests_do)
{
  both_fidelities_read(knife_edge, first_scale_in, 15 * 60, 45 * 60,
                       "first scale-in to 3 at (s; -1: none)");
}

/* 2 tasks (16 slots) at 1,600 requests/s of 20 ms: twice their capacity.
 * A backlogged task is never idle, so its datapoint reads 100%, request
 * by request and in the aggregate fidelity, whatever its request seed
 * (noise that went either way would read below 100% half the time). */
Test(pitfalls_aggregate, a_saturated_service_reads_full_cpu)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  cr_assert(g_file_set_contents(path, knife_edge, -1, NULL));
  for (int seed = 1; seed <= 8; seed++) {
    g_autofree char *request_seed = g_strdup_printf("%d", seed);
    g_autofree char *out = g_strdup_printf("out%d", seed);
    g_autofree char *err = NULL;
    int status = cli_run(dir, NULL, &err, "run", "-q", "s.json",
                         "--fidelity", "aggregate", "--request-seed",
                         request_seed, "--set", "/duration=\"10m\"",
                         "--set", "/services/0/desiredCount=2", "--set",
                         "/services/0/workload/traffic/rps=1600", "-o", out,
                         NULL);
    cr_assert(status == 0 || status == 3, "exit %d: %s", status, err);
    g_autofree char *sub = g_build_filename(dir, out, "base", NULL);
    g_autofree char *events = test_read_file(sub, "events.jsonl");
    cr_assert(strstr(events, "changed from 2 to 4: policy cpu: "
                             "ECSServiceAverageCPUUtilization 100.0 > ")
                != NULL, "request seed %d: %s", seed, events);
  }
  test_rmrf(dir);
}

/* A share-only EC2 task reserving 0.25 vCPU (container cpu 256, one slot)
 * whose 40 ms requests (measured at 0.25 vCPU) may each use a whole vCPU
 * of its idle m5.large: at 60 requests/s it uses 0.6 vCPU, and its CPU
 * metric, used over reserved, reads 240%. Its datapoints keep that in
 * the aggregate fidelity too: a ceiling at 100% would read 100.0. */
static const char *share_only =
  "{\"seed\": 3, \"duration\": \"10m\", \"cluster\": "
  " {\"auto_scaling_groups\": [{\"name\": \"g\", \"instance_type\": "
  "  \"m5.large\", \"min\": 1, \"max\": 1, \"desired\": 1}]},"
  " \"taskDefinitions\": [{\"family\": \"web\", \"networkMode\": "
  "  \"bridge\", \"containerDefinitions\": [{\"name\": \"c\", \"image\": "
  "  \"x\", \"cpu\": 256, \"memory\": 512}]}],"
  " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
  "  \"desiredCount\": 1, \"capacityProviderStrategy\": "
  "  [{\"capacityProvider\": \"g\", \"weight\": 1}],"
  "  \"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 2, \"policies\": ["
  "   {\"PolicyName\": \"cpu\", \"PolicyType\": \"TargetTrackingScaling\","
  "    \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 60,"
  "     \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"
  "      \"ECSServiceAverageCPUUtilization\"}}}]},"
  "  \"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": 60},"
  "   \"service_time\": \"40ms\", \"slot_max_vcpu\": 1}}]}";

/* The datapoint of the first scaling action in @dir's events.jsonl. */
static double
first_datapoint(const char *dir)
{
  g_autofree char *text = test_read_file(dir, "events.jsonl");
  const char *at = strstr(text, "ECSServiceAverageCPUUtilization ");
  cr_assert_not_null(at, "%s", text);
  return g_ascii_strtod(at + strlen("ECSServiceAverageCPUUtilization "),
                        NULL);
}

Test(pitfalls_aggregate, a_share_only_tasks_cpu_passes_100_in_its_datapoints)
{
  both_fidelities_read(share_only, first_datapoint, 200, 280,
                       "the first datapoint reads (%)");
}

/* Two share-only services on one 4-vCPU instance: web's two tasks get
 * three times what their slots serve (every slot always busy, 1 vCPU in
 * all), batch a random load of 0.75 vCPU on 8 slots of 0.25. Together
 * they never ask more than 3 vCPU, so request by request web serves all
 * its slots allow (100/s) and batch runs at full speed. The aggregate
 * fidelity once counted web's offered load as random demand on the
 * instance's CPU: web served 42% less and batch's median doubled
 * (aggregate-cpu.c, stretch()). */
static const char *steady_and_random =
  "{\"seed\": 3, \"duration\": \"10m\", \"cluster\": "
  " {\"auto_scaling_groups\": [{\"name\": \"g\", \"instance_type\": "
  "  \"m5.xlarge\", \"min\": 1, \"max\": 1, \"desired\": 1}]},"
  " \"taskDefinitions\": ["
  "  {\"family\": \"web\", \"networkMode\": \"bridge\", "
  "   \"containerDefinitions\": [{\"name\": \"c\", \"image\": \"x\","
  "    \"cpu\": 256, \"memory\": 512}]},"
  "  {\"family\": \"batch\", \"networkMode\": \"bridge\", "
  "   \"containerDefinitions\": [{\"name\": \"c\", \"image\": \"x\","
  "    \"cpu\": 512, \"memory\": 512}]}],"
  " \"services\": ["
  "  {\"serviceName\": \"web\", \"taskDefinition\": \"web\","
  "   \"desiredCount\": 2, \"capacityProviderStrategy\": "
  "   [{\"capacityProvider\": \"g\", \"weight\": 1}],"
  "   \"workload\": {\"traffic\": {\"generator\": \"constant\", "
  "    \"rps\": 300}, \"service_time\": {\"dist\": \"exponential\", "
  "    \"mean\": \"20ms\"}, \"slot_max_vcpu\": 0.25, \"concurrency\": 2}},"
  "  {\"serviceName\": \"batch\", \"taskDefinition\": \"batch\","
  "   \"desiredCount\": 1, \"capacityProviderStrategy\": "
  "   [{\"capacityProvider\": \"g\", \"weight\": 1}],"
  "   \"workload\": {\"traffic\": {\"generator\": \"constant\", "
  "    \"rps\": 300}, \"service_time\": {\"dist\": \"exponential\", "
  "    \"mean\": \"20ms\"}, \"slot_max_vcpu\": 0.25, \"concurrency\": 8}}]}";

/* Service @i of summary @s: its @group's @key. */
static double
service_at(const cJSON *s, int i, const char *group, const char *key)
{
  const cJSON *svc = cJSON_GetArrayItem(
    cJSON_GetObjectItemCaseSensitive(s, "services"), i);
  return at(svc, group, key);
}

Test(pitfalls_aggregate, saturated_share_only_tasks_do_not_slow_their_neighbours)
{
  g_autofree char *dir = test_tmpdir();
  g_autoptr(cJSON) req = NULL;
  g_autoptr(cJSON) agg = NULL;
  run_both(dir, steady_and_random, &req, &agg);
  double served = service_at(req, 0, "requests", "throughput_rps");
  cr_assert_float_eq(service_at(agg, 0, "requests", "throughput_rps"),
                     served, 0.02 * served, "web serves %.1f/s, request "
                     "by request %.1f/s",
                     service_at(agg, 0, "requests", "throughput_rps"),
                     served);
  double p50 = service_at(req, 1, "latency", "p50_ms");
  cr_assert_float_eq(service_at(agg, 1, "latency", "p50_ms"), p50,
                     0.05 * p50, "batch's median %.2f ms, request by "
                     "request %.2f ms", service_at(agg, 1, "latency",
                                                   "p50_ms"), p50);
  test_rmrf(dir);
}

/* 3 Fargate tasks fed 150 requests/s whose service time is @law (a JSON
 * distribution), one slot each (owned). */
static char *
service_of_law(const char *law)
{
  return g_strdup_printf(
    "{\"duration\": \"10m\", \"seed\": 4,"
    WEB_SERVICE_OF(3)
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "     \"rps\": 150}, \"service_time\": %s, \"concurrency\": 1}}]}",
    law);
}

/* Service times at the edges of what a scenario may say. Zero: every
 * request is done at once, as request by request (the aggregate fidelity
 * once left them all in flight, and its latency empty). A gamma with
 * cv 5 (shape 0.04): its latency table's quantiles, where GSL's inverse
 * aborted the run; it runs, and warns that its waits lose accuracy. */
Test(pitfalls_aggregate, edge_service_times_run_in_both_fidelities)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *zero = service_of_law("\"0ms\"");
  g_autoptr(cJSON) req = NULL;
  g_autoptr(cJSON) agg = NULL;
  run_both(dir, zero, &req, &agg);
  cr_assert_eq(at(agg, "requests", "error_rate"), 0.0);
  cr_assert_eq(at(agg, "latency", "p99_ms"), 0.0);
  cr_assert_float_eq(at(agg, "requests", "completed"),
                     at(req, "requests", "completed"),
                     0.01 * at(req, "requests", "completed"));
  g_autofree char *sub = g_build_filename(dir, "gamma", NULL);
  cr_assert_eq(g_mkdir(sub, 0700), 0);
  g_autofree char *wide =
    service_of_law("{\"dist\": \"gamma\", \"mean\": \"5ms\", \"cv\": 5}");
  g_autofree char *agg_dir = run_scenario_in(sub, wide, "aggregate");
  g_autofree char *text = test_read_file(agg_dir, "summary.json");
  cr_assert(strstr(text, "service time cv 5") != NULL, "%s", text);
  test_rmrf(dir);
}

/* 10 Fargate tasks of 1 vCPU behind round robin, @per_vcpu slots each,
 * fed @rps constant requests/s of lognormal 15 ms with @cv (owned). */
static char *
round_robin_service(int per_vcpu, int rps, double cv)
{
  return g_strdup_printf(
    "{\"duration\": \"10m\", \"seed\": 4,"
    WEB_SERVICE_OF(10)
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "     \"rps\": %d},"
    "     \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"15ms\","
    "       \"cv\": %.1f},"
    "     \"concurrency_per_vcpu\": %d}}]}", rps, cv, per_vcpu);
}

/* 10 tasks of 8 slots at 75% of lognormal 15 ms (cv 1), split by round
 * robin: each task gets every tenth request, far more regular than
 * Poisson (ca² = 0.1), so fewer of them wait than Erlang C says. With
 * Erlang C the aggregate fidelity's mean wait was 1.47 ms against the
 * requests' 0.76 ms and its median 8% high; with the delay probability of
 * regular arrivals (fluid-queue.c) 0.98 ms and 2.4%. */
Test(pitfalls_aggregate, round_robins_regular_arrivals_wait_less)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *json = round_robin_service(8, 4000, 1.0);
  g_autoptr(cJSON) req = NULL;
  g_autoptr(cJSON) agg = NULL;
  run_both(dir, json, &req, &agg);
  double w_req = at(req, "requests", "mean_wait_ms");
  double w_agg = at(agg, "requests", "mean_wait_ms");
  cr_assert(fabs(w_agg / w_req - 1) <= 0.35, "mean wait %.3f ms, "
            "request by request %.3f ms", w_agg, w_req);
  double p50_req = at(req, "latency", "p50_ms");
  cr_assert_float_eq(at(agg, "latency", "p50_ms"), p50_req, 0.04 * p50_req);
  double p99_req = at(req, "latency", "p99_ms");
  cr_assert_float_eq(at(agg, "latency", "p99_ms"), p99_req, 0.03 * p99_req);
  test_rmrf(dir);
}

/* 10 tasks at 75% behind round robin (ca² = 0.1). With 2 slots a long
 * service holds a slot while its neighbour's queue grows, and the waits
 * have a heavier tail than the exponential Allen-Cunneen gives
 * (fluid-queue.c, waiter_scv()): with the exponential the aggregate
 * fidelity's p99 was 10% short at cv 1 and 27% short at cv 2. With 8
 * slots that tail fades (M/G/1's at full weight made p99 8.5% long at
 * cv 2), and with cv 0.5 the waits are longer than Kraemer &
 * Langenbach-Belz's factor says (p99 6% short with it). */
Test(pitfalls_aggregate, few_slots_give_long_waits_a_heavy_tail)
{
  static const struct { int per_vcpu, rps; double cv, tolerance; } cases[] = {
    { 2, 1000, 1.0, 0.07 }, { 2, 1000, 2.0, 0.15 }, { 2, 1000, 0.5, 0.04 },
    { 8, 4000, 2.0, 0.05 },
  };
  g_autofree char *dir = test_tmpdir();
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *json = round_robin_service(
      cases[i].per_vcpu, cases[i].rps, cases[i].cv);
    g_autofree char *sub = g_strdup_printf("%s/%zu", dir, i);
    cr_assert_eq(g_mkdir(sub, 0700), 0);
    g_autoptr(cJSON) req = NULL;
    g_autoptr(cJSON) agg = NULL;
    run_both(sub, json, &req, &agg);
    double want = at(req, "latency", "p99_ms");
    double got = at(agg, "latency", "p99_ms");
    cr_assert(fabs(got / want - 1) <= cases[i].tolerance,
              "%d slots, cv %.1f: p99 %.1f ms, request by request %.1f ms",
              cases[i].per_vcpu, cases[i].cv, got, want);
  }
  test_rmrf(dir);
}

/* One slot per task is where the aggregate fidelity's waits are least
 * accurate (AGGREGATE_ONE_SLOT_RHO, aggregate-private.h): at 50-90% busy
 * its p99 is 7-10% short of a request-level run's with lognormal cv 1 and
 * 7-15% long with gamma cv 0.2, and the run says so; at 22.5% busy
 * (within 2%) it does not, nor with 2 slots at 75% (within 4%). */
Test(pitfalls_aggregate, busy_one_slot_tasks_are_flagged)
{
  static const struct { int per_vcpu, rps; gboolean flagged; } cases[] = {
    { 1, 500, TRUE }, { 1, 150, FALSE }, { 2, 1000, FALSE },
  };
  g_autofree char *dir = test_tmpdir();
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *json = round_robin_service(cases[i].per_vcpu,
                                                cases[i].rps, 1.0);
    g_autofree char *sub = g_strdup_printf("%s/%zu", dir, i);
    cr_assert_eq(g_mkdir(sub, 0700), 0);
    g_autofree char *agg = run_scenario_in(sub, json, "aggregate");
    g_autofree char *text = test_read_file(agg, "summary.json");
    gboolean flagged = strstr(text, "take one request at a time") != NULL;
    cr_assert_eq(flagged, cases[i].flagged, "%d slots at %d requests/s: %s",
                 cases[i].per_vcpu, cases[i].rps, text);
  }
  test_rmrf(dir);
}
