/* `ecsim trace`: summaries with the right statistics, and fitted
 * generators that reproduce their trace. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/experiments/trace-tools.h"
#include "models/traffic/traffic.h"

static char *dir;

static void
remove_tree(const char *path)
{
  GDir *d = g_dir_open(path, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d)) != NULL) {
    g_autofree char *p = g_build_filename(path, name, NULL);
    if (g_file_test(p, G_FILE_TEST_IS_DIR))
      remove_tree(p);
    else
      g_unlink(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(path);
}

static void
setup(void)
{
  dir = g_dir_make_tmp("test-trace-tools-XXXXXX", NULL);
  cr_assert_not_null(dir);
}

static void
teardown(void)
{
  remove_tree(dir);
  g_free(dir);
}

TestSuite(trace_tools, .init = setup, .fini = teardown);

static char *
write_file(const char *name, const char *text)
{
  char *p = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(p, text, -1, NULL));
  return p;
}

/* Runs @fn on @path and returns what it printed. */
static char *
run(gboolean (*fn)(const char *, const TraceFileSpec *, FILE *, GError **),
    const char *path, const TraceFileSpec *spec)
{
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  GError *error = NULL;
  gboolean ok = fn(path, spec, out, &error);
  fclose(out);
  cr_assert(ok, "%s", error ? error->message : "");
  return text;
}

static void
assert_has(const char *text, const char *want)
{
  cr_assert_not_null(strstr(text, want), "'%s' not in:\n%s", want, text);
}

Test(trace_tools, summary_of_counts_gives_mean_peak_and_percentiles)
{
  GString *s = g_string_new("");
  for (int i = 1; i <= 100; i++) /* shuffled order must not matter */
    g_string_append_printf(s, "%d%c", (i * 37) % 100 + 1,
                           i % 10 ? ' ' : '\n');
  g_autofree char *path = write_file("c.txt", s->str);
  g_string_free(s, TRUE);
  TraceFileSpec spec = { 0 };
  g_autofree char *text = run(trace_tools_summary, path, &spec);
  assert_has(text, "counts, one number per 1s");
  assert_has(text, "duration    1m40s");
  assert_has(text, "requests    5050");
  assert_has(text, "mean rate   50.5 rps");
  assert_has(text, "peak rate   100 rps");
  assert_has(text, "p5 5.95 ");
  assert_has(text, "p50 50.5 ");
  assert_has(text, "p95 95.05 ");
  assert_has(text, "p99 99.01");
  for (char *line = text, *nl; (nl = strchr(line, '\n')); line = nl + 1)
    cr_assert_leq(nl - line, 80, "line longer than 80 columns");
}

Test(trace_tools, summary_of_counts_with_an_interval)
{
  g_autofree char *path = write_file("c.txt", "60 120 0 240\n");
  TraceFileSpec spec = { .format = TRACE_FORMAT_COUNTS, .interval = SIM_MIN };
  g_autofree char *text = run(trace_tools_summary, path, &spec);
  assert_has(text, "duration    4m");
  assert_has(text, "requests    420");
  assert_has(text, "mean rate   1.75 rps");
  assert_has(text, "peak rate   4 rps (busiest 1m interval)");
}

Test(trace_tools, summary_of_a_log_counts_skipped_lines)
{
  g_autofree char *path = write_file("a.log",
    "h - - [01/Jul/1995:00:00:01 -0400] \"GET / HTTP/1.0\" 200 6245\n"
    "h - - [01/Jul/1995:00:00:01 -0400] \"GET /a HTTP/1.0\" 200 1\n"
    "garbage\n"
    "h - - [01/Jul/1995:00:00:04 -0400] \"GET /b HTTP/1.0\" 200 1\n");
  TraceFileSpec spec = { .lenient = TRUE };
  g_autofree char *text = run(trace_tools_summary, path, &spec);
  assert_has(text, "request log (clf)");
  assert_has(text, "requests    3\n");
  assert_has(text, "duration    4s");
  assert_has(text, "peak rate   2 rps");
  assert_has(text, "skipped     1 lines");
}

Test(trace_tools, summary_of_a_bad_file_names_the_line)
{
  g_autofree char *path = write_file("c.txt", "1 2\n3 x\n");
  TraceFileSpec spec = { 0 };
  GError *error = NULL;
  FILE *out = fopen("/dev/null", "w");
  cr_assert_not(trace_tools_summary(path, &spec, out, &error));
  fclose(out);
  cr_assert_eq(error->domain, ECSIM_INPUT_ERROR);
  assert_has(error->message, "c.txt:2: count 4 is not a number: 'x'");
  g_error_free(error);
}

Test(trace_tools, irregular_csv_rows_summarise_quickly, .timeout = 30)
{
  /* 200,000 rows with gaps in a cycle of five: the median gap (the bin
   * width) took an insertion sort 59 s to find */
  static const double gaps[] = { 1, 2, 3, 0.5, 7 };
  GString *s = g_string_new("time,rate\n");
  double t = 0;
  for (int i = 0; i < 200000; i++, t += gaps[i % 5])
    g_string_append_printf(s, "%.1f,%d\n", t, i % 3);
  g_autofree char *path = write_file("irregular.csv", s->str);
  g_string_free(s, TRUE);
  TraceFileSpec spec = { 0 };
  g_autofree char *text = run(trace_tools_summary, path, &spec);
  assert_has(text, "csv rate trace, 200000 rows");
  assert_has(text, "rate per 2s interval");
}

Test(trace_tools, lenient_counts_drop_a_bad_line_whole)
{
  g_autofree char *path = write_file("c.txt", "1 2\n3 x 4\n5 # five\n");
  TraceFileSpec spec = { .format = TRACE_FORMAT_COUNTS, .lenient = TRUE };
  g_autofree char *text = run(trace_tools_summary, path, &spec);
  assert_has(text, "requests    8 ");
  assert_has(text, "duration    3s");
  assert_has(text, "skipped     1 lines");
}

Test(trace_tools, formats_and_clocks_parse)
{
  TraceFormat f;
  SimTime t;
  GError *error = NULL;
  cr_assert(trace_tools_parse_format("clf", &f, NULL));
  cr_assert_eq(f, TRACE_FORMAT_CLF);
  cr_assert_not(trace_tools_parse_format("cls", &f, &error));
  assert_has(error->message, "did you mean 'clf'?");
  g_clear_error(&error);
  cr_assert(trace_tools_parse_clock("sat", &t, NULL));
  cr_assert_eq(t, 5 * SIM_DAY);
  cr_assert(trace_tools_parse_clock("Thursday 06:30", &t, NULL));
  cr_assert_eq(t, 3 * SIM_DAY + 6 * SIM_HOUR + 30 * SIM_MIN);
  cr_assert(trace_tools_parse_clock("1995-07-01", &t, NULL));
  cr_assert_eq(t, 5 * SIM_DAY, "1 July 1995 was a Saturday");
  cr_assert(trace_tools_parse_clock("2018-07-02T22:23:00Z", &t, NULL));
  cr_assert_eq(t, 22 * SIM_HOUR + 23 * SIM_MIN, "a Monday");
  cr_assert_not(trace_tools_parse_clock("someday", &t, &error));
  g_clear_error(&error);
}

/* Parses the fitted JSON @text as a scenario's traffic object. */
static TrafficConfig *
parse_fit(const char *text)
{
  GError *error = NULL;
  cJSON *root = json_parse_text("<fit>", text, strlen(text), &error);
  cr_assert_not_null(root, "%s", error ? error->message : "");
  JDoc *doc = jdoc_new("<fit>", dir);
  JNode n;
  jn_root(&n, doc, root);
  TrafficConfig *cfg = traffic_config_parse(&n, NULL, &error);
  cr_assert_not_null(cfg, "%s\n%s", error ? error->message : "", text);
  jdoc_free(doc);
  cJSON_Delete(root);
  return cfg;
}

/* Worst relative difference between @trace's average rate per hour of
 * day and @cfg's, over @n counts of @bin seconds whose wall clock starts
 * at midnight. @wall maps trace seconds to run seconds of @cfg. */
static double
worst_hour_error(const TrafficConfig *cfg, const double *counts, gsize n,
                 double bin, SimTime clock, const TraceFileSpec *spec)
{
  double tr[24] = { 0 }, tn[24] = { 0 }, mo[24] = { 0 }, mn[24] = { 0 };
  for (gsize i = 0; i < n; i++) {
    double t = (double) i * bin;
    for (gsize g = 0; g < spec->n_gaps; g++)
      if (t >= sim_time_to_seconds(spec->gaps[g].at))
        t += sim_time_to_seconds(spec->gaps[g].skip);
    int h = (int) fmod(t / 3600, 24);
    tr[h] += counts[i] / bin;
    tn[h] += 1;
    if (i % (gsize) (60 / bin) == 0) { /* the model once a minute */
      mo[h] += traffic_config_rate_at(cfg, sim_time_from_seconds(t + 30),
                                      clock);
      mn[h] += 1;
    }
  }
  double worst = 0;
  for (int h = 0; h < 24; h++) {
    double a = tr[h] / tn[h], m = mo[h] / mn[h];
    worst = MAX(worst, fabs(m - a) / a);
  }
  return worst;
}

Test(trace_tools, fit_reproduces_a_generated_weekly_trace)
{
  /* Four weeks of per-minute counts from a known profile: busy afternoons,
   * quiet weekends, the trace starting on a Wednesday. */
  gsize n = 4 * 7 * 24 * 60;
  double *counts = g_new(double, n);
  GString *s = g_string_new("");
  for (gsize i = 0; i < n; i++) {
    double day = (double) ((i / 1440 + 2) % 7), hour = (double) (i % 1440) / 60;
    double r = 50 * (1.5 + sin(2 * G_PI * (hour - 9) / 24)) *
      (day >= 5 ? 0.4 : 1.0);
    counts[i] = round(r * 60);
    g_string_append_printf(s, "%.0f\n", counts[i]);
  }
  g_autofree char *path = write_file("w.txt", s->str);
  g_string_free(s, TRUE);
  TraceFileSpec spec = { .interval = SIM_MIN, .clock_set = TRUE,
                         .clock_start = 2 * SIM_DAY };
  g_autofree char *text = run(trace_tools_fit, path, &spec);
  assert_has(text, "\"generator\": \"diurnal\"");
  TrafficConfig *cfg = parse_fit(text);
  double worst = worst_hour_error(cfg, counts, n, 60, 2 * SIM_DAY, &spec);
  cr_assert_lt(worst, 0.02, "worst hour off by %.1f%%\n%s", 100 * worst, text);
  /* Saturday is 0.4 of a weekday: weekly factors 0.4/0.829 and 1/0.829 */
  double sat = traffic_config_rate_at(cfg, 3 * SIM_DAY + 15 * SIM_HOUR,
                                      2 * SIM_DAY);
  double mon = traffic_config_rate_at(cfg, 5 * SIM_DAY + 15 * SIM_HOUR,
                                      2 * SIM_DAY);
  cr_assert(fabs(sat / mon - 0.4) < 0.01, "Saturday/Monday %g", sat / mon);
  traffic_config_free(cfg);
  g_free(counts);
}

/* The NASA trace's counts, or NULL (the test skips) without ../shared. */
static double *
nasa_counts(gsize *n, char **path)
{
  const char *shared = g_getenv("ECSIM_SHARED");
  g_autofree char *archive = shared ? g_build_filename(
    shared, "traces", "nasa-1995-per-second.tbz2", NULL) : NULL;
  if (archive == NULL || !g_file_test(archive, G_FILE_TEST_EXISTS))
    return NULL;
  const char *argv[] = { "tar", "-xjf", archive, "-C", dir, NULL };
  gint status = 1;
  cr_assert(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                         NULL, NULL, NULL, NULL, &status, NULL) &&
            status == 0, "tar -xjf %s failed", archive);
  *path = g_build_filename(dir, "workload.txt", NULL);
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(*path, &text, NULL, NULL));
  GArray *a = g_array_new(FALSE, FALSE, sizeof(double));
  for (char *p = text, *end; *p; p = end) {
    double x = g_ascii_strtod(p, &end);
    if (end == p)
      break;
    g_array_append_val(a, x);
    while (g_ascii_isspace(*end))
      end++;
  }
  *n = a->len;
  return (double *) (void *) g_array_free(a, FALSE);
}

Test(trace_tools, nasa_fit_reproduces_the_hour_of_day_profile)
{
  gsize n = 0;
  g_autofree char *path = NULL;
  g_autofree double *counts = nasa_counts(&n, &path);
  if (counts == NULL)
    cr_skip_test("no ../shared/traces/nasa-1995-per-second.tbz2");
  cr_assert_eq(n, 5059950);
  /* 00:00:00 July 1, 1995 (EDT), a Saturday */
  TraceFileSpec spec = { .format = TRACE_FORMAT_COUNTS, .clock_set = TRUE,
                         .clock_start = 5 * SIM_DAY };
  g_autofree char *text = run(trace_tools_fit, path, &spec);
  TrafficConfig *cfg = parse_fit(text);
  double worst = worst_hour_error(cfg, counts, n, 1, 5 * SIM_DAY, &spec);
  cr_log_info("NASA fit, worst hour %.1f%%:\n%s", 100 * worst, text);
  cr_assert_lt(worst, 0.15, "worst hour off by %.1f%%\n%s", 100 * worst, text);
  traffic_config_free(cfg);
  /* The trace is the July log (to 28 Jul 13:32:29) followed at once by the
   * August log: told of that jump, the fit follows the real clock. */
  TraceGap gap = { 2381550 * SIM_SEC, 296850 * SIM_SEC };
  spec.gaps = &gap;
  spec.n_gaps = 1;
  g_autofree char *spliced = run(trace_tools_fit, path, &spec);
  cfg = parse_fit(spliced);
  worst = worst_hour_error(cfg, counts, n, 1, 5 * SIM_DAY, &spec);
  cr_log_info("NASA fit with the July/August jump, worst hour %.1f%%:\n%s",
              100 * worst, spliced);
  cr_assert_lt(worst, 0.15, "worst hour off by %.1f%%\n%s", 100 * worst,
               spliced);
  traffic_config_free(cfg);
}
