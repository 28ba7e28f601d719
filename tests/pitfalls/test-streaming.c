/* Pitfalls: a long horizon at a short period. A year at a 10 s period is
 * 3.2 million rows per service; a run keeps none of them in memory
 * (timeseries.csv and events.jsonl are written as it goes), and the files
 * still hold every row and event, the same as a run that keeps them. */
#include <criterion/criterion.h>
#include <string.h>
#include <sys/resource.h>

#include "models/control/autoscale.h"
#include "models/control/metrics.h"
#include "models/core/eventlog.h"
#include "models/output/report.h"
#include "scenarios/cli.h"
#include "support.h"

/* Two services over @duration at a 10 s period: "web" scales on CPU over
 * a daily cycle (scaling events every day), "batch" holds two tasks. */
static char *
two_services_priced(const char *duration, const char *pricing)
{
  return g_strdup_printf(
    "{\"duration\": \"%s\", \"period\": \"10s\", \"seed\": 3,"
    " \"pricing\": %s,"
    " \"taskDefinitions\": [{\"family\": \"t\", \"cpu\": \"256\","
    "   \"memory\": \"512\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": ["
    "  {\"serviceName\": \"web\", \"taskDefinition\": \"t\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\","
    "   \"scaling\": {\"MinCapacity\": 1, \"MaxCapacity\": 6, \"policies\": ["
    "     {\"PolicyType\": \"TargetTrackingScaling\","
    "      \"TargetTrackingScalingPolicyConfiguration\": {\"TargetValue\": 50,"
    "       \"PredefinedMetricSpecification\": {\"PredefinedMetricType\":"
    "        \"ECSServiceAverageCPUUtilization\"}}}]},"
    "   \"workload\": {\"traffic\": {\"generator\": \"diurnal\","
    "     \"mean_rps\": 1, \"peak_rps\": 2, \"peak_at\": \"14h\"},"
    "     \"service_time\": {\"dist\": \"fixed\", \"value\": \"400ms\"},"
    "     \"concurrency\": 1}},"
    "  {\"serviceName\": \"batch\", \"taskDefinition\": \"t\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\","
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "     \"rps\": 0.05},"
    "     \"service_time\": {\"dist\": \"fixed\", \"value\": \"20ms\"}}}]}",
    duration, pricing);
}

static char *
two_services(const char *duration)
{
  return two_services_priced(duration, "{}");
}

/* Lines of @dir/@name. */
static guint
count_lines(const char *dir, const char *name)
{
  g_autofree char *text = test_read_file(dir, name);
  guint n = 0;
  for (const char *p = text; *p; p++)
    n += *p == '\n';
  return n;
}

typedef struct {
  guint rows, events;
} Seen;

static void
see_period(World *w, const PeriodRow *rows, guint n, gpointer data)
{
  ((Seen *) data)->rows += n;
}

static void
see_event(World *w, const LogEvent *e, gpointer data)
{
  ((Seen *) data)->events++;
}

Test(streaming, a_long_run_holds_one_period_of_rows_and_no_events)
{
  g_autofree char *json = two_services("10d");
  g_autoptr(GError) error = NULL;
  ScenarioConfig *cfg = test_configure(json, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  Seen seen = { 0 };
  WorldOptions wo = { .traffic_scale = 1.0,
                      .sink = { see_period, see_event, &seen } };
  World *w = world_new(cfg, &wo, &error);
  cr_assert_not_null(w);
  world_run(w, NULL, NULL);
  /* 10 days of 10 s periods, two services: every row went to the sink,
   * none stayed. */
  cr_assert_eq(seen.rows, 2 * 86400);
  cr_assert_leq(metrics_rows_held(w), 2, "%u rows held", metrics_rows_held(w));
  /* Nor every minute's autoscaling datapoint (14,400 of them): the
   * alarms read the last 15. */
  cr_assert_leq(autoscale_history_held(w, 0), 64, "%d minutes held",
                autoscale_history_held(w, 0));
  cr_assert_gt(seen.events, 20, "%u events", seen.events);
  cr_assert_eq(eventlog_size(w), seen.events);
  cr_assert_eq(eventlog_held(w), 0);
  /* What is counted rather than kept still answers. */
  cr_assert_gt(eventlog_count(w, "steady-state"), 0);
  world_free(w);
  scenario_config_free(cfg);
}

/* Runs @json into @dir, keeping rows and events or not. */
static void
run_into(const char *json, const char *dir, gboolean keep)
{
  g_autoptr(GError) error = NULL;
  ScenarioConfig *cfg = test_configure(json, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  WorldOptions wo = { .traffic_scale = 1.0, .keep_rows = keep,
                      .keep_events = keep };
  g_autoptr(ReportStream) stream = report_stream_new(dir, &wo, &error);
  cr_assert_not_null(stream, "%s", error ? error->message : "");
  World *w = world_new(cfg, &wo, &error);
  cr_assert_not_null(w);
  cr_assert_eq(world_run(w, NULL, NULL), SIM_RUN_HORIZON);
  cr_assert(report_stream_commit(stream, w, NULL, &error), "%s",
            error ? error->message : "");
  if (keep) {
    /* Every kept row is a line of the file (and the header). */
    cr_assert_eq(count_lines(dir, "timeseries.csv"), metrics_n_rows(w) + 1);
    cr_assert_eq(count_lines(dir, "events.jsonl"), eventlog_size(w));
  }
  world_free(w);
  scenario_config_free(cfg);
}

Test(streaming, files_are_the_same_whether_rows_are_kept_or_not)
{
  g_autofree char *json = two_services("2d");
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *kept = g_build_filename(tmp, "kept", NULL);
  g_autofree char *streamed = g_build_filename(tmp, "streamed", NULL);
  run_into(json, kept, TRUE);
  run_into(json, streamed, FALSE);
  static const char *const names[] = { "timeseries.csv", "events.jsonl",
                                       "summary.json", "tasks.csv",
                                       "instances.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *a = test_read_file(kept, names[i]);
    g_autofree char *b = test_read_file(streamed, names[i]);
    cr_assert_str_eq(a, b, "%s differs", names[i]);
  }
  /* 2 days of 10 s periods, two services, and the header. */
  cr_assert_eq(count_lines(streamed, "timeseries.csv"), 2 * 17280 + 1);
  test_rmrf(tmp);
}

/* The last field of the last line of @text (owned). */
static char *
last_field(const char *text)
{
  g_autofree char *copy = g_strchomp(g_strdup(text));
  return g_strdup(strrchr(copy, ',') + 1);
}

Test(streaming, savings_plans_settle_the_streamed_cost_column)
{
  /* A Compute Savings Plan settles per clock hour after the run: the
   * rows already written get it, and the last row's cost is the
   * summary's total, not the On-Demand one. */
  g_autofree char *json = two_services_priced(
    "3h", "{\"savings_plans\": [{\"type\": \"compute\","
          " \"commitment_per_hour\": 0.05, \"discount\": 0.2}]}");
  g_autofree char *tmp = test_tmpdir();
  run_into(json, tmp, FALSE);
  g_autofree char *csv = test_read_file(tmp, "timeseries.csv");
  g_autofree char *cost = last_field(csv);
  g_autofree char *summary = test_read_file(tmp, "summary.json");
  g_autofree char *total = test_line_of(summary, "\t\t\"total_usd\":");
  double want = g_ascii_strtod(strchr(total, ':') + 1, NULL);
  cr_assert_float_eq(g_ascii_strtod(cost, NULL), want, 1e-9,
                     "last row %s, summary %s", cost, total);
  cr_assert(strstr(summary, "\"commitments\":"), "%s", summary);
  test_rmrf(tmp);
}

/* Peak resident memory (KiB) of the children waited for so far. */
static long
children_max_rss(void)
{
  struct rusage ru;
  getrusage(RUSAGE_CHILDREN, &ru);
  return ru.ru_maxrss;
}

Test(streaming, ecsim_run_needs_no_more_memory_for_a_longer_horizon,
     .timeout = 300)
{
#if defined(__SANITIZE_ADDRESS__)
  /* ASan's quarantine keeps freed memory: RSS says nothing here. */
  cr_skip_test("peak RSS is not meaningful under AddressSanitizer");
#endif
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *err = NULL;
  /* bench/horizon-memory.json: one service at 0.05 requests/s, a row
   * every 10 s. Two days, then sixty: the old code kept all 518,400 rows
   * of the second (about 95 MB). */
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", "bench/horizon-memory.json",
                       "--set", "/duration=\"2d\"", "-o", tmp, "-q", NULL),
               0, "%s", err);
  long short_run = children_max_rss();
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", "bench/horizon-memory.json",
                       "--set", "/duration=\"60d\"", "-o", tmp, "-q",
                       "--force", NULL),
               0, "%s", err);
  long long_run = children_max_rss();
  cr_assert_lt(long_run, short_run + 16 * 1024,
               "peak RSS %ld KiB for 60 days, %ld KiB for 2", long_run,
               short_run);
  g_autofree char *base = g_build_filename(tmp, "base", NULL);
  cr_assert_eq(count_lines(base, "timeseries.csv"), 60 * 8640 + 1);
  test_rmrf(tmp);
}
