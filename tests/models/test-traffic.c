/* Traffic: generators, traces and logs give the arrivals their rates say,
 * and bad input is refused with the path or file:line at fault. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/traffic/traffic.h"

static char *dir;

static void
setup(void)
{
  dir = g_dir_make_tmp("test-traffic-XXXXXX", NULL);
  cr_assert_not_null(dir);
}

static void
teardown(void)
{
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d)) != NULL) {
    g_autofree char *p = g_build_filename(dir, name, NULL);
    g_unlink(p);
  }
  if (d)
    g_dir_close(d);
  g_rmdir(dir);
  g_free(dir);
}

TestSuite(traffic, .init = setup, .fini = teardown);

static void
write_file(const char *name, const char *text)
{
  g_autofree char *p = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(p, text, -1, NULL));
}

/* Parses @json as the traffic object of "scen.json" in the test's dir. */
static TrafficConfig *
parse(const char *json, gboolean lenient, GError **error)
{
  cJSON *root = json_parse_text("<data>", json, strlen(json), NULL);
  cr_assert_not_null(root, "bad test JSON: %s", json);
  JDoc *doc = jdoc_new("scen.json", dir);
  JNode n;
  jn_root(&n, doc, root);
  TrafficParseOptions opt = { .lenient = lenient };
  TrafficConfig *cfg = traffic_config_parse(&n, &opt, error);
  jdoc_free(doc);
  cJSON_Delete(root);
  return cfg;
}

static TrafficConfig *
parse_ok(const char *json)
{
  GError *error = NULL;
  TrafficConfig *cfg = parse(json, FALSE, &error);
  cr_assert_not_null(cfg, "%s: %s", json, error ? error->message : "");
  return cfg;
}

/* Asserts that @json is refused with a message containing each of the
 * NULL-terminated strings. */
static void
parse_fails(const char *json, gboolean lenient, ...)
{
  GError *error = NULL;
  TrafficConfig *cfg = parse(json, lenient, &error);
  cr_assert_null(cfg, "accepted: %s", json);
  cr_assert_not_null(error);
  cr_assert_eq(error->domain, ECSIM_INPUT_ERROR);
  va_list ap;
  va_start(ap, lenient);
  for (const char *want; (want = va_arg(ap, const char *)) != NULL;)
    cr_assert_not_null(strstr(error->message, want),
                       "message '%s' lacks '%s'", error->message, want);
  va_end(ap);
  g_error_free(error);
}

static gsl_rng *
rng_new(unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

/* Arrivals in [0, @end) counted per @bin into @counts (may be NULL). */
static guint64
count(const TrafficConfig *cfg, SimTime clock_offset, SimTime end,
      SimTime bin, guint64 *counts)
{
  gsl_rng *r = rng_new(42);
  TrafficSource *src = traffic_source_new(cfg, r, NULL, clock_offset, 1.0);
  guint64 n = 0;
  SimTime prev = 0, t;
  while ((t = traffic_source_next(src)) < end) {
    cr_assert_geq(t, prev, "arrivals go backwards");
    prev = t;
    if (counts)
      counts[t / bin]++;
    n++;
  }
  traffic_source_free(src);
  gsl_rng_free(r);
  return n;
}

/* @n within 4 Poisson standard deviations of @expected. */
static void
assert_poisson(guint64 n, double expected, const char *what)
{
  double sd = sqrt(MAX(expected, 1.0));
  cr_assert(fabs((double) n - expected) < 4 * sd,
            "%s: %" G_GUINT64_FORMAT " arrivals, expected %.1f +- %.1f",
            what, n, expected, 4 * sd);
}

static void
assert_near(double got, double want, double tol, const char *what)
{
  cr_assert(fabs(got - want) <= tol, "%s: got %g, want %g", what, got, want);
}

static double
rate(const TrafficConfig *cfg, SimTime t)
{
  return traffic_config_rate_at(cfg, t, 0);
}

Test(traffic, constant_count_matches_rate)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"constant\", \"rps\": 100}");
  assert_near(rate(cfg, 5 * SIM_MIN), 100, 1e-9, "rate");
  assert_poisson(count(cfg, 0, 1000 * SIM_SEC, SIM_SEC, NULL), 1e5, "count");
  assert_near(traffic_config_mean_rate(cfg, SIM_HOUR, 0), 100, 1e-9, "mean");
  traffic_config_free(cfg);
}

Test(traffic, diurnal_cosine_follows_the_clock)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"diurnal\", \"mean_rps\": 4,"
                                " \"peak_rps\": 8, \"peak_at\": \"14h\"}");
  assert_near(rate(cfg, 14 * SIM_HOUR), 8, 1e-9, "peak");
  assert_near(rate(cfg, 2 * SIM_HOUR), 0, 1e-9, "trough");
  assert_near(rate(cfg, 8 * SIM_HOUR), 4, 1e-9, "mean crossing");
  /* Run time 0 at Monday 10:00: the peak comes 4 hours in. */
  assert_near(traffic_config_rate_at(cfg, 4 * SIM_HOUR, 10 * SIM_HOUR), 8,
              1e-9, "peak with clock offset");
  guint64 hours[7 * 24] = { 0 };
  guint64 n = count(cfg, 0, 7 * SIM_DAY, SIM_HOUR, hours);
  assert_poisson(n, 4.0 * 7 * 86400, "week");
  for (int h = 0; h < 24; h++) {
    double want = 0;
    for (int s = 0; s < 3600; s++)
      want += traffic_config_rate_at(cfg, h * SIM_HOUR + s * SIM_SEC +
                                     SIM_SEC / 2, 0);
    assert_poisson(hours[h], want, "hour");
  }
  traffic_config_free(cfg);
}

Test(traffic, diurnal_peak_above_twice_the_mean_is_refused)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 400,"
              " \"peak_rps\": 1200, \"peak_at\": \"14h\"}", FALSE,
              "scen.json: /peak_rps: ", "twice mean_rps", "-400", NULL);
}

Test(traffic, diurnal_hourly_profile_is_linear_between_midpoints)
{
  /* factors 1 except 3 at 12:00-13:00: mean 26/24 before scaling */
  TrafficConfig *cfg = parse_ok(
    "{\"generator\": \"diurnal\", \"mean_rps\": 26, \"hourly\": "
    "[1,1,1,1,1,1,1,1,1,1,1,1,3,1,1,1,1,1,1,1,1,1,1,1]}");
  assert_near(rate(cfg, 12 * SIM_HOUR + 30 * SIM_MIN), 72, 1e-9, "peak");
  assert_near(rate(cfg, 12 * SIM_HOUR), 48, 1e-9, "half way up");
  assert_near(rate(cfg, 3 * SIM_HOUR), 24, 1e-9, "flat");
  assert_near(rate(cfg, 0), 24, 1e-9, "midnight");
  assert_near(traffic_config_mean_rate(cfg, SIM_DAY, 0), 26, 1e-9, "mean");
  assert_poisson(count(cfg, 0, SIM_DAY, SIM_HOUR, NULL), 26.0 * 86400, "day");
  traffic_config_free(cfg);
}

Test(traffic, diurnal_weekly_factors_start_on_monday)
{
  TrafficConfig *cfg = parse_ok(
    "{\"generator\": \"diurnal\", \"mean_rps\": 10, \"hourly\": "
    "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],"
    " \"weekly\": [2, 1, 1, 1, 1, 1, 0]}");
  assert_near(rate(cfg, 12 * SIM_HOUR), 20, 1e-9, "Monday");
  assert_near(rate(cfg, 6 * SIM_DAY + SIM_HOUR), 0, 1e-9, "Sunday");
  /* Starting on Saturday 00:00, run day 2 is Monday. */
  assert_near(traffic_config_rate_at(cfg, 2 * SIM_DAY + SIM_HOUR,
                                     5 * SIM_DAY), 20, 1e-9, "offset");
  guint64 days[7] = { 0 };
  count(cfg, 0, 7 * SIM_DAY, SIM_DAY, days);
  assert_poisson(days[0], 20.0 * 86400, "Monday");
  cr_assert_eq(days[6], 0, "no arrivals on a zero Sunday");
  traffic_config_free(cfg);
  TrafficConfig *cos = parse_ok(
    "{\"generator\": \"diurnal\", \"mean_rps\": 10, \"peak_rps\": 15,"
    " \"peak_at\": \"12h\", \"weekly\": [2, 1, 1, 1, 1, 1, 0]}");
  assert_near(rate(cos, 12 * SIM_HOUR), 30, 1e-9, "cosine Monday peak");
  assert_near(rate(cos, SIM_DAY + 12 * SIM_HOUR), 15, 1e-9, "Tuesday peak");
  assert_near(rate(cos, 6 * SIM_DAY + 12 * SIM_HOUR), 0, 1e-9, "Sunday");
  assert_near(traffic_config_mean_rate(cos, 7 * SIM_DAY, 0), 10, 1e-9,
              "a week's mean");
  traffic_config_free(cos);
}

Test(traffic, step_shape)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"step\", \"from_rps\": 100,"
                                " \"to_rps\": 400, \"at\": \"30m\"}");
  assert_near(rate(cfg, 29 * SIM_MIN), 100, 0, "before");
  assert_near(rate(cfg, 30 * SIM_MIN), 400, 0, "at");
  guint64 mins[60] = { 0 };
  count(cfg, 0, SIM_HOUR, SIM_MIN, mins);
  for (int m = 0; m < 60; m++)
    assert_poisson(mins[m], m < 30 ? 6000 : 24000, "minute");
  traffic_config_free(cfg);
}

Test(traffic, step_list_and_simple_step_merge)
{
  TrafficConfig *cfg = parse_ok(
    "{\"generator\": \"step\", \"from_rps\": 1, \"to_rps\": 5, \"at\": 20,"
    " \"steps\": [{\"at\": \"10s\", \"rps\": 3}, {\"at\": 30, \"rps\": 0}]}");
  assert_near(rate(cfg, 5 * SIM_SEC), 1, 0, "from");
  assert_near(rate(cfg, 15 * SIM_SEC), 3, 0, "first step");
  assert_near(rate(cfg, 25 * SIM_SEC), 5, 0, "simple step");
  assert_near(rate(cfg, 35 * SIM_SEC), 0, 0, "last step");
  gsl_rng *r = rng_new(1);
  TrafficSource *src = traffic_source_new(cfg, r, NULL, 0, 1.0);
  SimTime t, last = 0;
  while ((t = traffic_source_next(src)) != SIM_TIME_MAX)
    last = t;
  cr_assert_lt(last, 30 * SIM_SEC, "a rate of 0 to the end ends arrivals");
  traffic_source_free(src);
  gsl_rng_free(r);
  traffic_config_free(cfg);
}

Test(traffic, ramp_shape)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"ramp\", \"from_rps\": 100,"
                                " \"to_rps\": 1000, \"start\": \"1h\","
                                " \"end\": \"2h\"}");
  assert_near(rate(cfg, 30 * SIM_MIN), 100, 1e-9, "before");
  assert_near(rate(cfg, 90 * SIM_MIN), 550, 1e-9, "middle");
  assert_near(rate(cfg, 3 * SIM_HOUR), 1000, 1e-9, "after");
  guint64 mins[150] = { 0 };
  count(cfg, 0, 150 * SIM_MIN, SIM_MIN, mins);
  for (int m = 60; m < 120; m++)
    assert_poisson(mins[m], 60 * (100 + 900 * (m - 60 + 0.5) / 60), "ramp");
  assert_poisson(mins[130], 60000, "top");
  traffic_config_free(cfg);
}

Test(traffic, spike_shows_in_per_minute_counts)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"spike\", \"base_rps\": 10,"
                                " \"at\": \"20m\", \"height_rps\": 90,"
                                " \"duration\": \"5m\"}");
  assert_near(rate(cfg, 22 * SIM_MIN), 100, 0, "during");
  guint64 mins[40] = { 0 };
  count(cfg, 0, 40 * SIM_MIN, SIM_MIN, mins);
  for (int m = 0; m < 40; m++)
    assert_poisson(mins[m], m >= 20 && m < 25 ? 6000 : 600, "minute");
  traffic_config_free(cfg);
}

Test(traffic, bursty_long_run_mean)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"bursty\", \"on_rps\": 50,"
                                " \"off_rps\": 5, \"mean_on\": \"30s\","
                                " \"mean_off\": \"2m\"}");
  double mean = (50.0 * 30 + 5.0 * 120) / 150, T = 1e6;
  assert_near(rate(cfg, 0), mean, 1e-9, "expected rate");
  guint64 n = count(cfg, 0, (SimTime) T * SIM_SEC, SIM_SEC, NULL);
  /* MMPP count variance: Poisson part plus the modulation's. */
  double p = 30.0 / 150, corr = 1.0 / (1.0 / 30 + 1.0 / 120);
  double sd = sqrt(mean * T + 2 * 45.0 * 45.0 * p * (1 - p) * corr * T);
  cr_assert(fabs((double) n - mean * T) < 4 * sd, "%" G_GUINT64_FORMAT
            " arrivals, expected %g +- %g", n, mean * T, 4 * sd);
  traffic_config_free(cfg);
}

Test(traffic, burstiness_keeps_the_mean_and_adds_variance)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"constant\", \"rps\": 50,"
                                " \"burstiness\": {\"cv\": 0.5,"
                                " \"interval\": \"10s\"}}");
  assert_near(rate(cfg, 0), 50, 0, "rate is the mean");
  guint64 bins[2000] = { 0 };
  guint64 n = count(cfg, 0, 20000 * SIM_SEC, 10 * SIM_SEC, bins);
  /* 2000 intervals of 500 expected: factor sd 0.5 gives count sd ~250 */
  double sd = sqrt(2000 * (500 + 0.25 * 500 * 500));
  cr_assert(fabs((double) n - 1e6) < 4 * sd, "total %" G_GUINT64_FORMAT, n);
  double var = 0;
  for (int i = 0; i < 2000; i++)
    var += ((double) bins[i] - 500) * ((double) bins[i] - 500) / 2000;
  cr_assert(var > 40000 && var < 90000, "per-interval variance %g", var);
  traffic_config_free(cfg);
}

Test(traffic, all_zero_trace_gives_no_arrivals)
{
  write_file("zero.csv", "time,rate\n0,0\n60,0\n120,0\n");
  write_file("zero.txt", "0 0 0\n0 0\n");
  const char *jsons[] = {
    "{\"trace\": \"zero.csv\", \"format\": \"csv\"}",
    "{\"trace\": \"zero.txt\", \"loop\": true}",
  };
  for (int i = 0; i < 2; i++) {
    TrafficConfig *cfg = parse_ok(jsons[i]);
    gsl_rng *r = rng_new(3);
    TrafficSource *src = traffic_source_new(cfg, r, NULL, 0, 1.0);
    cr_assert_eq(traffic_source_next(src), SIM_TIME_MAX, "%s", jsons[i]);
    traffic_source_free(src);
    gsl_rng_free(r);
    traffic_config_free(cfg);
  }
}

Test(traffic, csv_trace_step_and_linear)
{
  write_file("day.csv", "time,rate\n100,10\n160,40\n220,20\n");
  TrafficConfig *st = parse_ok("{\"trace\": \"day.csv\", \"format\": \"csv\"}");
  TrafficConfig *li = parse_ok("{\"trace\": \"day.csv\", \"format\": \"csv\","
                               " \"interpolation\": \"linear\"}");
  /* the first row is time 0; the last row lasts 60 s */
  assert_near(rate(st, 30 * SIM_SEC), 10, 0, "step");
  assert_near(rate(st, 150 * SIM_SEC), 20, 0, "last row");
  assert_near(rate(st, 180 * SIM_SEC), 0, 0, "after the end");
  assert_near(rate(li, 30 * SIM_SEC), 25, 1e-9, "linear");
  assert_near(rate(li, 90 * SIM_SEC), 30, 1e-9, "linear down");
  assert_near(traffic_config_mean_rate(li, 180 * SIM_SEC, 0),
              (1500.0 + 1800 + 1200) / 180, 1e-9, "mean");
  traffic_config_free(st);
  traffic_config_free(li);
}

Test(traffic, counts_trace_is_poisson_within_intervals_and_loops)
{
  GString *s = g_string_new("");
  for (int i = 0; i < 600; i++)
    g_string_append_printf(s, "%d%c", i % 3 == 0 ? 60 : 0,
                           i % 20 == 19 ? '\n' : ' ');
  write_file("counts.txt", s->str);
  g_string_free(s, TRUE);
  TrafficConfig *cfg = parse_ok("{\"trace\": \"counts.txt\", \"format\":"
                                " \"counts\", \"interval\": \"2s\"}");
  assert_near(rate(cfg, 0), 30, 0, "count / interval");
  assert_near(rate(cfg, 3 * SIM_SEC), 0, 0, "zero interval");
  guint64 bins[600] = { 0 };
  guint64 n = count(cfg, 0, 1300 * SIM_SEC, 2 * SIM_SEC, bins);
  assert_poisson(n, 200.0 * 60, "total");
  for (int i = 0; i < 600; i++)
    if (i % 3 != 0)
      cr_assert_eq(bins[i], 0, "interval %d has no requests", i);
  traffic_config_free(cfg);
  TrafficConfig *loop = parse_ok("{\"trace\": \"counts.txt\", \"interval\":"
                                 " \"2s\", \"loop\": true}");
  assert_poisson(count(loop, 0, 3600 * SIM_SEC, SIM_SEC, NULL), 3 * 12000.0,
                 "three loops");
  traffic_config_free(loop);
}

/* The first @n arrivals of @cfg. */
static void
arrivals(const TrafficConfig *cfg, double extra_scale, SimTime *out, int n)
{
  gsl_rng *r = rng_new(11);
  TrafficSource *src = traffic_source_new(cfg, r, NULL, 0, extra_scale);
  for (int i = 0; i < n; i++)
    out[i] = traffic_source_next(src);
  traffic_source_free(src);
  gsl_rng_free(r);
}

Test(traffic, timestamps_log_replays_exactly)
{
  write_file("ts.log", "# requests\n1000.5\n1000.5\n1001.25\n\n1003\n");
  TrafficConfig *cfg = parse_ok("{\"log\": \"ts.log\", \"format\":"
                                " \"timestamps\"}");
  SimTime got[5], want[5] = { 0, 0, 750000, 2500000, SIM_TIME_MAX };
  arrivals(cfg, 1.0, got, 5);
  cr_assert_arr_eq(got, want, sizeof got);
  assert_near(rate(cfg, 0), 2, 0, "log rate around 0");
  traffic_config_free(cfg);
}

Test(traffic, iso_timestamps_log_with_zones)
{
  write_file("iso.log", "2018-07-02T22:23:00.186641Z\n"
                        "2018-07-03T00:23:01+02:00\n2018-07-02 22:23:02.5\n");
  TrafficConfig *cfg = parse_ok("{\"log\": \"iso.log\"}");
  SimTime got[4], want[4] = { 0, 813359, 2313359, SIM_TIME_MAX };
  arrivals(cfg, 1.0, got, 4);
  cr_assert_arr_eq(got, want, sizeof got);
  traffic_config_free(cfg);
}

Test(traffic, clf_log_with_time_zones)
{
  write_file("access.log",
    "127.0.0.1 - - [01/Jul/1995:00:00:01 -0400] \"GET / HTTP/1.0\" 200 6245\n"
    "h.example - - [01/Jul/1995:05:00:03 +0100] \"GET /a HTTP/1.0\" 200 1\n"
    "10.0.0.2 - bob [01/Jul/1995:04:00:03 +0000] \"GET /b HTTP/1.1\" 404 0 "
    "\"http://ref/\" \"Mozilla/4.0 (compatible)\"\n"
    "x - - [01/Jul/1995:00:01:00 -0400] \"GET /c HTTP/1.0\" 200 7\n");
  TrafficConfig *cfg = parse_ok("{\"log\": \"access.log\", \"format\": \"clf\"}");
  SimTime got[5], want[5] = { 0, 2 * SIM_SEC, 2 * SIM_SEC, 59 * SIM_SEC,
                              SIM_TIME_MAX };
  arrivals(cfg, 1.0, got, 5);
  cr_assert_arr_eq(got, want, sizeof got);
  traffic_config_free(cfg);
}

/* One line of AWS's documented shape (the examples of "Access log
 * entries" for Application Load Balancers), with its two times. */
static char *
alb_line(const char *time, const char *created)
{
  return g_strdup_printf(
    "https %s app/my-loadbalancer/50dc6c495c0c9188 "
    "192.168.131.39:2817 10.0.0.1:80 0.086 0.048 0.037 200 200 0 57 "
    "\"GET https://www.example.com:443/ HTTP/1.1\" \"curl/7.46.0 \\\"x\\\"\" "
    "ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 "
    "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/"
    "my-targets/73e2d6bc24d8a067 \"Root=1-58337281-1d84f3d73c47ec4e58577259\" "
    "\"www.example.com\" \"arn:aws:acm:us-east-2:123456789012:certificate/"
    "12345678-1234-1234-1234-123456789012\" 1 %s \"authenticate,forward\" "
    "\"-\" \"-\" \"10.0.0.1:80\" \"200\" \"-\" \"-\" TID_1\n", time, created);
}

Test(traffic, alb_log_replays_each_request_at_its_creation_time)
{
  g_autofree char *a = alb_line("2018-07-02T22:23:00.186641Z",
                                "2018-07-02T22:23:00.185641Z");
  g_autofree char *b = alb_line("2018-07-02T22:23:00.500000Z",
                                "2018-07-02T22:23:00.329641Z");
  /* answered later, arrived earlier than b: replayed before it */
  g_autofree char *c = alb_line("2018-07-02T22:23:00.600000Z",
                                "2018-07-02T22:23:00.200641Z");
  g_autofree char *log = g_strconcat(a, b, c,
    /* an older line without request_creation_time keeps its time */
    "http 2018-07-02T22:23:00.700000Z app/my-loadbalancer/50dc6c495c0c9188 "
    "192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "
    "\"GET http://www.example.com:80/ HTTP/1.1\" \"curl/7.46.0\" - -\n",
    NULL);
  write_file("alb.log", log);
  TrafficConfig *cfg = parse_ok("{\"log\": \"alb.log\"}");
  SimTime got[5], want[5] = { 0, 15000, 144000, 514359, SIM_TIME_MAX };
  arrivals(cfg, 1.0, got, 5);
  cr_assert_arr_eq(got, want, sizeof got, "%" G_GINT64_FORMAT " %"
                   G_GINT64_FORMAT " %" G_GINT64_FORMAT " %" G_GINT64_FORMAT,
                   got[0], got[1], got[2], got[3]);
  traffic_config_free(cfg);
}

typedef struct {
  gint64 time, created; /* µs after 22:00:00 */
} AlbTimes;

static int
by_time(gconstpointer a, gconstpointer b)
{
  const AlbTimes *x = a, *y = b;
  return x->time < y->time ? -1 : x->time > y->time;
}

static char *
alb_stamp(gint64 us)
{
  return g_strdup_printf("2018-07-02T22:00:%02d.%06dZ",
                         (int) (us / G_USEC_PER_SEC),
                         (int) (us % G_USEC_PER_SEC));
}

Test(traffic, alb_log_counted_from_any_point_in_arrival_order)
{
  /* 3000 requests 10 ms apart, each taking 0 to 3 s: in `time` order
   * their arrivals are shuffled over 3 s, and a reader started past a
   * checkpoint (every 1024 lines) must still find each one */
  enum { N = 3000 };
  AlbTimes *t = g_new(AlbTimes, N);
  for (int i = 0; i < N; i++) {
    t[i].created = (gint64) i * 10000;
    t[i].time = t[i].created + (gint64) (i * 7919 % 300) * 10000;
  }
  qsort(t, N, sizeof *t, by_time);
  GString *log = g_string_new(NULL);
  for (int i = 0; i < N; i++) {
    g_autofree char *time = alb_stamp(t[i].time);
    g_autofree char *created = alb_stamp(t[i].created);
    g_autofree char *line = alb_line(time, created);
    g_string_append(log, line);
  }
  write_file("alb.log", log->str);
  g_string_free(log, TRUE);
  g_free(t);
  TrafficConfig *cfg = parse_ok("{\"log\": \"alb.log\"}");
  /* every request 10 ms after the one before, from time 0 */
  SimTime got[N + 1];
  arrivals(cfg, 1.0, got, N + 1);
  for (int i = 0; i < N; i++)
    cr_assert_eq(got[i], (SimTime) i * 10000, "request %d at %" G_GINT64_FORMAT,
                 i, got[i]);
  cr_assert_eq(got[N], SIM_TIME_MAX);
  /* so 100 a second wherever a reader starts */
  for (int s = 1; s < 29; s++)
    cr_assert_eq(rate(cfg, s * SIM_SEC + SIM_SEC / 4), 100, "at %d s", s);
  traffic_config_free(cfg);
}

Test(traffic, log_start_and_shift)
{
  write_file("ts.log", "10\n20\n30\n");
  TrafficConfig *cfg = parse_ok("{\"log\": \"ts.log\", \"start\": 15,"
                                " \"shift\": \"5s\"}");
  SimTime got[3], want[3] = { 10 * SIM_SEC, 20 * SIM_SEC, SIM_TIME_MAX };
  arrivals(cfg, 1.0, got, 3);
  cr_assert_arr_eq(got, want, sizeof got, "before start is dropped");
  assert_near(traffic_config_mean_rate(cfg, 100 * SIM_SEC, 0), 0.02, 1e-12,
              "mean");
  traffic_config_free(cfg);
}

Test(traffic, log_scale_repeats_lines)
{
  write_file("ts.log", "1\n2\n");
  TrafficConfig *cfg = parse_ok("{\"log\": \"ts.log\", \"scale\": 2}");
  SimTime got[5], want[5] = { 0, 0, SIM_SEC, SIM_SEC, SIM_TIME_MAX };
  arrivals(cfg, 1.0, got, 5);
  cr_assert_arr_eq(got, want, sizeof got);
  traffic_config_free(cfg);
}

Test(traffic, scale_and_shift)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"step\", \"from_rps\": 10,"
                                " \"to_rps\": 20, \"at\": \"1m\","
                                " \"scale\": 3, \"shift\": \"1m\"}");
  assert_near(rate(cfg, 90 * SIM_SEC), 30, 0, "shifted: still before");
  assert_near(rate(cfg, 120 * SIM_SEC), 60, 0, "shifted step");
  guint64 mins[3] = { 0 };
  count(cfg, 0, 3 * SIM_MIN, SIM_MIN, mins);
  assert_poisson(mins[1], 1800, "scaled");
  assert_poisson(mins[2], 3600, "scaled and shifted");
  traffic_config_free(cfg);
  write_file("c.txt", "5 5 5");
  TrafficConfig *tr = parse_ok("{\"trace\": \"c.txt\", \"shift\": \"10s\"}");
  assert_near(rate(tr, 5 * SIM_SEC), 0, 0, "trace silent before its shift");
  assert_near(rate(tr, 11 * SIM_SEC), 5, 0, "trace after its shift");
  traffic_config_free(tr);
}

Test(traffic, extra_scale_multiplies_the_rate)
{
  TrafficConfig *cfg = parse_ok("{\"generator\": \"constant\", \"rps\": 10}");
  gsl_rng *r = rng_new(5);
  TrafficSource *src = traffic_source_new(cfg, r, NULL, 0, 2.5);
  guint64 n = 0;
  while (traffic_source_next(src) < 1000 * SIM_SEC)
    n++;
  assert_poisson(n, 25000, "extra scale");
  traffic_source_free(src);
  gsl_rng_free(r);
  traffic_config_free(cfg);
}

Test(traffic, same_seed_gives_the_same_arrivals)
{
  const char *jsons[] = {
    "{\"generator\": \"diurnal\", \"mean_rps\": 5, \"peak_rps\": 9,"
    " \"peak_at\": \"1h\", \"burstiness\": {\"cv\": 1, \"interval\": 3}}",
    "{\"generator\": \"bursty\", \"on_rps\": 50, \"off_rps\": 1,"
    " \"mean_on\": 2, \"mean_off\": 5}",
  };
  for (int i = 0; i < 2; i++) {
    TrafficConfig *cfg = parse_ok(jsons[i]);
    SimTime a[2000], b[2000];
    arrivals(cfg, 1.0, a, 2000);
    arrivals(cfg, 1.0, b, 2000);
    cr_assert_arr_eq(a, b, sizeof a, "%s", jsons[i]);
    traffic_config_free(cfg);
  }
}

/* Bad JSON: each names the JSON path at fault. */

Test(traffic, unknown_key_suggests_the_right_one)
{
  parse_fails("{\"generator\": \"constant\", \"rpss\": 5}", FALSE,
              "scen.json: /rpss: unknown key; did you mean 'rps'?", NULL);
}

Test(traffic, unknown_generator_is_refused)
{
  parse_fails("{\"generator\": \"diurnel\", \"mean_rps\": 5}", FALSE,
              "scen.json: /generator: ", "did you mean 'diurnal'?", NULL);
}

Test(traffic, missing_kind_is_refused)
{
  parse_fails("{\"rps\": 5}", FALSE, "scen.json: /: needs \"generator\"",
              NULL);
}

Test(traffic, two_kinds_are_refused)
{
  parse_fails("{\"generator\": \"constant\", \"rps\": 5, \"log\": \"x\"}",
              FALSE, "scen.json: /log: give only one", NULL);
}

Test(traffic, negative_rate_is_refused)
{
  parse_fails("{\"generator\": \"constant\", \"rps\": -5}", FALSE,
              "scen.json: /rps: must be >= 0, got -5", NULL);
}

Test(traffic, missing_rate_is_refused)
{
  parse_fails("{\"generator\": \"spike\", \"base_rps\": 5, \"at\": 3,"
              " \"duration\": 4}", FALSE,
              "scen.json: /height_rps: required key is missing", NULL);
}

Test(traffic, peak_below_mean_is_refused)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 10,"
              " \"peak_rps\": 5, \"peak_at\": \"1h\"}", FALSE,
              "scen.json: /peak_rps: must be >= mean_rps (10), got 5", NULL);
}

Test(traffic, peak_without_peak_at_is_refused)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 10,"
              " \"peak_rps\": 15}", FALSE,
              "scen.json: /peak_at: required key is missing", NULL);
}

Test(traffic, peak_at_beyond_a_day_is_refused)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 10,"
              " \"peak_rps\": 15, \"peak_at\": \"25h\"}", FALSE,
              "scen.json: /peak_at: must be between", NULL);
}

Test(traffic, peak_and_hourly_together_are_refused)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 10, \"peak_rps\":"
              " 15, \"peak_at\": 0, \"hourly\": [1]}", FALSE,
              "scen.json: /hourly: give either", NULL);
}

Test(traffic, hourly_needs_24_values)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 10,"
              " \"hourly\": [1, 2, 3]}", FALSE,
              "scen.json: /hourly: must have at least 24 elements", NULL);
}

Test(traffic, negative_hourly_factor_is_refused)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 10, \"hourly\":"
              " [1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,-1,1]}", FALSE,
              "scen.json: /hourly/22: must be a number >= 0, got -1", NULL);
}

Test(traffic, all_zero_weekly_is_refused)
{
  parse_fails("{\"generator\": \"diurnal\", \"mean_rps\": 10, \"peak_rps\":"
              " 15, \"peak_at\": 0, \"weekly\": [0,0,0,0,0,0,0]}", FALSE,
              "scen.json: /weekly: must not be all zero", NULL);
}

Test(traffic, step_times_must_increase)
{
  parse_fails("{\"generator\": \"step\", \"steps\": [{\"at\": \"10m\","
              " \"rps\": 2}, {\"at\": \"5m\", \"rps\": 1}]}", FALSE,
              "scen.json: /steps/1/at: must be after the previous step", NULL);
}

Test(traffic, step_needs_a_step)
{
  parse_fails("{\"generator\": \"step\", \"from_rps\": 3}", FALSE,
              "scen.json: /: needs \"from_rps\", \"to_rps\" and \"at\"", NULL);
}

Test(traffic, ramp_end_before_start_is_refused)
{
  parse_fails("{\"generator\": \"ramp\", \"from_rps\": 1, \"to_rps\": 2,"
              " \"start\": \"2h\", \"end\": \"1h\"}", FALSE,
              "scen.json: /end: must be after \"start\"", NULL);
}

Test(traffic, bad_duration_is_refused)
{
  parse_fails("{\"generator\": \"bursty\", \"on_rps\": 1, \"off_rps\": 0,"
              " \"mean_on\": \"3 parsecs\", \"mean_off\": 1}", FALSE,
              "scen.json: /mean_on: ", "is not a duration", NULL);
}

Test(traffic, burstiness_on_bursty_is_refused)
{
  parse_fails("{\"generator\": \"bursty\", \"on_rps\": 1, \"off_rps\": 0,"
              " \"mean_on\": 1, \"mean_off\": 1, \"burstiness\":"
              " {\"cv\": 1, \"interval\": 1}}", FALSE,
              "scen.json: /burstiness: unknown key", NULL);
}

Test(traffic, burstiness_needs_an_interval)
{
  parse_fails("{\"generator\": \"constant\", \"rps\": 1, \"burstiness\":"
              " {\"cv\": 1}}", FALSE,
              "scen.json: /burstiness/interval: required key is missing", NULL);
}

Test(traffic, missing_trace_file_is_refused)
{
  parse_fails("{\"trace\": \"nope.csv\", \"format\": \"csv\"}", FALSE,
              "nope.csv: cannot read: ", NULL);
}

Test(traffic, interval_on_a_csv_trace_is_refused)
{
  write_file("t.csv", "0,1\n1,2\n");
  parse_fails("{\"trace\": \"t.csv\", \"interval\": \"1m\"}", FALSE,
              "scen.json: /interval: only for \"counts\" traces", NULL);
}

Test(traffic, a_log_named_as_a_trace_is_refused)
{
  write_file("a.log", "x - - [01/Jul/1995:00:00:01 -0400] \"GET /\" 200 1\n");
  parse_fails("{\"trace\": \"a.log\"}", FALSE,
              "scen.json: /trace: ", "a.log looks like a request log (clf)",
              NULL);
}

/* Bad trace and log lines: each names FILE:LINE. */

Test(traffic, epoch_timestamps_named_as_a_trace_are_refused)
{
  /* read as counts they were 1.7e9 requests a second */
  write_file("epoch.txt", "1700000000.25\n1700000000.5\n1700000002\n");
  parse_fails("{\"trace\": \"epoch.txt\"}", FALSE,
              "epoch.txt looks like a request log (timestamps)", NULL);
}

Test(traffic, time_rate_rows_without_commas_are_a_csv_trace)
{
  write_file("rate.txt", "0 10\n10 20\n20 30\n");
  TrafficConfig *cfg = parse_ok("{\"trace\": \"rate.txt\"}");
  assert_near(rate(cfg, 15 * SIM_SEC), 20, 0, "second row");
  traffic_config_free(cfg);
}

Test(traffic, csv_time_going_backwards_names_the_line)
{
  write_file("peak.csv", "time,rate\n900,1\n903.0,2\n901.2,3\n");
  parse_fails("{\"trace\": \"peak.csv\"}", FALSE,
              "peak.csv:4: timestamp goes backwards (901.2 < 903.0)", NULL);
}

Test(traffic, csv_repeated_time_names_the_line)
{
  write_file("rep.csv", "0,1\n5,2\n5,3\n");
  parse_fails("{\"trace\": \"rep.csv\"}", FALSE,
              "rep.csv:3: time 5.0 repeats the previous row's", NULL);
}

Test(traffic, csv_negative_rate_names_the_line)
{
  write_file("neg.csv", "time,rate\n0,1\n\n10,-4\n20,1\n");
  parse_fails("{\"trace\": \"neg.csv\"}", FALSE,
              "neg.csv:4: rate must be >= 0, got -4", NULL);
}

Test(traffic, csv_garbage_names_the_line)
{
  write_file("bad.csv", "0,1\n10;5\n20,1\n");
  parse_fails("{\"trace\": \"bad.csv\", \"format\": \"csv\"}", FALSE,
              "bad.csv:2: expected \"time,rate\", got '10;5'", NULL);
}

Test(traffic, csv_with_one_row_is_refused)
{
  write_file("one.csv", "time,rate\n0,1\n");
  parse_fails("{\"trace\": \"one.csv\"}", FALSE,
              "one.csv: needs at least two rows", NULL);
}

Test(traffic, counts_bad_token_names_the_line)
{
  write_file("c.txt", "1 2 3\n4 five 6\n");
  parse_fails("{\"trace\": \"c.txt\", \"format\": \"counts\"}", FALSE,
              "c.txt:2: count 5 is not a number: 'five'", NULL);
}

Test(traffic, counts_negative_names_the_line)
{
  write_file("c.txt", "1 2 3\n\n4 -5 6\n");
  parse_fails("{\"trace\": \"c.txt\", \"format\": \"counts\"}", FALSE,
              "c.txt:3: count 5 must be >= 0, got -5", NULL);
}

Test(traffic, empty_trace_is_refused)
{
  write_file("empty.txt", "\n\n");
  parse_fails("{\"trace\": \"empty.txt\"}", FALSE, "empty.txt: empty file",
              NULL);
  parse_fails("{\"trace\": \"empty.txt\", \"format\": \"counts\"}", FALSE,
              "empty.txt: no counts", NULL);
}

Test(traffic, log_time_going_backwards_names_the_line)
{
  write_file("ts.log", "1.5\n2.5\n2.0\n");
  parse_fails("{\"log\": \"ts.log\"}", FALSE,
              "ts.log:3: timestamp goes backwards (2.0 < 2.5)", NULL);
}

Test(traffic, clf_bad_date_names_the_line)
{
  write_file("a.log", "x - - [01/Jul/1995:00:00:01 -0400] \"GET /\" 200 1\n"
                      "x - - [32/Jul/1995:00:00:01 -0400] \"GET /\" 200 1\n");
  parse_fails("{\"log\": \"a.log\"}", FALSE, "a.log:2: expected a [dd/Mon",
              NULL);
}

Test(traffic, alb_bad_time_names_the_line)
{
  write_file("alb.log", "http 2018-07-02T22:23:00.186641Z app/x\n"
                        "http yesterday app/x\n");
  parse_fails("{\"log\": \"alb.log\", \"format\": \"alb\"}", FALSE,
              "alb.log:2: expected an ALB log line", NULL);
}

Test(traffic, timestamps_garbage_names_the_line)
{
  write_file("ts.log", "1\n2\n3 4\n");
  parse_fails("{\"log\": \"ts.log\", \"format\": \"timestamps\"}", FALSE,
              "ts.log:3: expected a timestamp", NULL);
}

Test(traffic, bad_log_start_is_refused)
{
  write_file("ts.log", "1\n");
  parse_fails("{\"log\": \"ts.log\", \"start\": \"noon\"}", FALSE,
              "scen.json: /start: must be seconds, an ISO-8601", NULL);
}

Test(traffic, lenient_parsing_skips_and_counts_bad_lines)
{
  write_file("bad.csv", "time,rate\n10,1\n20,x\n30,-1\n5,3\n40,2\n");
  TrafficConfig *csv = NULL;
  GError *error = NULL;
  csv = parse("{\"trace\": \"bad.csv\"}", TRUE, &error);
  cr_assert_not_null(csv, "%s", error ? error->message : "");
  cr_assert_eq(traffic_config_skipped_lines(csv), 3);
  assert_near(rate(csv, 15 * SIM_SEC), 1, 0, "kept rows");
  assert_near(rate(csv, 35 * SIM_SEC), 2, 0, "last row lasts 30 s");
  traffic_config_free(csv);
  write_file("ts.log", "1\nbad\n3\n2\n4\n");
  TrafficConfig *log = parse("{\"log\": \"ts.log\"}", TRUE, &error);
  cr_assert_not_null(log, "%s", error ? error->message : "");
  cr_assert_eq(traffic_config_skipped_lines(log), 2);
  SimTime got[4], want[4] = { 0, 2 * SIM_SEC, 3 * SIM_SEC, SIM_TIME_MAX };
  arrivals(log, 1.0, got, 4);
  cr_assert_arr_eq(got, want, sizeof got, "skipped lines are not replayed");
  traffic_config_free(log);
  write_file("all-bad.log", "x\ny\n");
  parse_fails("{\"log\": \"all-bad.log\", \"format\": \"timestamps\"}", TRUE,
              "all-bad.log: no requests in the log", NULL);
}

Test(traffic, long_log_streams_and_rate_queries_seek)
{
  /* 5000 lines: several checkpoints; lines of varying length */
  GString *s = g_string_new("");
  for (int i = 0; i < 5000; i++)
    g_string_append_printf(s, "%d.%03d%s\n", i / 10, (i % 10) * 100,
                           i % 7 ? "" : "   ");
  write_file("big.log", s->str);
  g_string_free(s, TRUE);
  TrafficConfig *cfg = parse_ok("{\"log\": \"big.log\", \"shift\": \"-100s\"}");
  assert_near(rate(cfg, 200 * SIM_SEC), 10, 0, "ten a second");
  assert_near(traffic_config_mean_rate(cfg, 1000 * SIM_SEC, 0), 4.0, 1e-12,
              "the 4000 lines after the shift");
  SimTime got[3];
  arrivals(cfg, 1.0, got, 3);
  cr_assert_eq(got[0], 0, "a negative shift skips the start");
  cr_assert_eq(got[2], 200 * SIM_MSEC);
  traffic_config_free(cfg);
}
