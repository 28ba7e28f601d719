/* Pitfalls: see tests/pitfalls/meson.build. This file: traffic from
 * CloudWatch JSON (and CSV with ISO-8601 times), and `ecsim run
 * --export-aws DIR`, whose files must read back as what they claim. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/input/cloudwatch.h"
#include "models/input/jsonfile.h"
#include "scenarios/cli.h"
#include "support.h"

static char *dir;

static void
setup(void)
{
  dir = test_tmpdir();
}

static void
teardown(void)
{
  test_rmrf(dir);
  g_free(dir);
}

TestSuite(cloudwatch, .init = setup, .fini = teardown, .timeout = 300);

/* A 10-minute service at 20 requests/s whose traffic is @traffic. */
static char *
write_scenario(const char *name, const char *traffic)
{
  g_autofree char *json = g_strdup_printf(
    "{\"name\": \"cw\", \"seed\": 7, \"duration\": \"10m\",\n"
    " \"cluster\": {\"availability_zones\": [\"us-east-1a\"]},\n"
    " \"taskDefinitions\": [{\"family\": \"web\", \"cpu\": \"256\", "
    "\"memory\": \"512\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
    "[{\"name\": \"web\", \"image\": \"web:1\"}]}],\n"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": 2, \"launchType\": \"FARGATE\", \"workload\": "
    "{\"traffic\": %s, \"service_time\": {\"dist\": \"exponential\", "
    "\"mean\": \"20ms\"}}}]}\n", traffic);
  char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  return path;
}

static void
write_file(const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
}

/* Runs @scenario into DIR/@out, exporting into DIR/@export (NULL: no
 * export); returns its requests.arrivals. */
static double
run_export(const char *scenario, const char *out, const char *export)
{
  g_autofree char *o = g_build_filename(dir, out, NULL);
  g_autofree char *x = export ? g_build_filename(dir, export, NULL) : NULL;
  g_autofree char *err = NULL;
  int status = export
    ? cli_run(dir, NULL, &err, "run", scenario, "-q", "-o", o,
              "--export-aws", x, NULL)
    : cli_run(dir, NULL, &err, "run", scenario, "-q", "-o", o, NULL);
  cr_assert_eq(status, 0, "%s", err);
  g_autofree char *summary = test_read_file(o, "base/summary.json");
  g_autoptr(cJSON) root = cJSON_Parse(summary);
  cJSON *req = cJSON_GetObjectItemCaseSensitive(root, "requests");
  return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(req,
                                                               "arrivals"));
}

static const CwSeries *
request_count(const CwData *data)
{
  g_autoptr(GError) error = NULL;
  const CwSeries *s = cloudwatch_find(data, "RequestCount", &error);
  cr_assert_not_null(s, "%s", error ? error->message : "");
  return s;
}

static double
series_sum(const CwSeries *s)
{
  double sum = 0;
  for (guint i = 0; i < s->n; i++)
    sum += s->values[i];
  return sum;
}

Test(cloudwatch, export_request_count_sums_to_the_arrivals)
{
  g_autofree char *scn = write_scenario("a.json", "{\"generator\": "
                                        "\"constant\", \"rps\": 20}");
  double arrivals = run_export(scn, "out", "aws");
  g_autofree char *path = g_build_filename(dir, "aws", "web-cloudwatch.json",
                                           NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CwData) data = cloudwatch_load(path, &error);
  cr_assert_not_null(data, "%s", error ? error->message : "");
  const CwSeries *s = request_count(data);
  cr_assert_eq(series_sum(s), arrivals);
  cr_assert_eq(s->n, 10, "one datapoint a minute, got %u", s->n);
  cr_assert_eq(s->period_us, 60 * G_USEC_PER_SEC);
  g_autofree char *text = test_read_file(NULL, path);
  cr_assert(strstr(text, "\"2026-01-05T00:09:00+00:00\"") != NULL,
            "timestamps from the default epoch, as the CLI prints them");
  cr_assert(strstr(text, "\"CPUUtilization\"") &&
            strstr(text, "\"StatusCode\": \"Complete\""));
  /* laid out as the AWS CLI prints it, so the two diff line by line */
  cr_assert(g_str_has_prefix(text, "{\n    \"MetricDataResults\": [\n"
                             "        {\n            \"Id\": \"m1\",\n"
                             "            \"Label\": \"RequestCount\",\n"
                             "            \"Timestamps\": [\n"
                             "                \"2026-01-05T00:09:00+00:00\",\n"),
            "%.300s", text);
  cr_assert(strstr(text, "            \"Values\": [\n                1") &&
            strstr(text, ".0,\n") && !strchr(text, '\t') &&
            g_str_has_suffix(text, "\n    ],\n    \"Messages\": []\n}\n"),
            "%s", text);
}

Test(cloudwatch, exported_alb_log_replays_with_the_same_requests)
{
  g_autofree char *scn = write_scenario("a.json", "{\"generator\": "
                                        "\"constant\", \"rps\": 20}");
  double arrivals = run_export(scn, "out", "aws");
  g_autofree char *log = test_read_file(dir, "aws/web-alb.log");
  guint lines = 0;
  for (const char *p = log; (p = strchr(p, '\n')); p++)
    lines++;
  cr_assert_eq(lines, arrivals);
  cr_assert(g_str_has_prefix(log, "http 2026-01-05T00:00:"));
  cr_assert(strstr(log, " \"forward\" ") != NULL);
  /* the `alb` log format reads it back: one request per line */
  g_autofree char *replay = write_scenario(
    "b.json", "{\"log\": \"aws/web-alb.log\", \"format\": \"alb\", "
    "\"after_end\": \"zero\"}");
  cr_assert_eq(run_export(replay, "out2", NULL), arrivals);
}

Test(cloudwatch, export_is_byte_identical_for_the_same_seed)
{
  g_autofree char *scn = write_scenario("a.json", "{\"generator\": "
                                        "\"constant\", \"rps\": 20}");
  run_export(scn, "o1", "x1");
  run_export(scn, "o2", "x2");
  const char *files[] = { "web-cloudwatch.json", "web-alb.log" };
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *a = g_build_filename("x1", files[i], NULL);
    g_autofree char *b = g_build_filename("x2", files[i], NULL);
    g_autofree char *ta = test_read_file(dir, a);
    g_autofree char *tb = test_read_file(dir, b);
    cr_assert_str_eq(ta, tb, "%s differs between two runs", files[i]);
  }
}

Test(cloudwatch, traffic_from_the_export_reproduces_each_minute)
{
  g_autofree char *scn = write_scenario(
    "a.json", "{\"generator\": \"step\", \"from_rps\": 10, \"to_rps\": 40, "
    "\"at\": \"5m\"}");
  run_export(scn, "out", "aws");
  g_autofree char *twin = write_scenario(
    "b.json", "{\"trace\": \"aws/web-cloudwatch.json\", \"format\": "
    "\"cloudwatch\", \"metric\": \"RequestCount\"}");
  run_export(twin, "out2", "aws2");
  g_autofree char *p1 = g_build_filename(dir, "aws/web-cloudwatch.json", NULL);
  g_autofree char *p2 = g_build_filename(dir, "aws2/web-cloudwatch.json",
                                         NULL);
  g_autoptr(CwData) d1 = cloudwatch_load(p1, NULL);
  g_autoptr(CwData) d2 = cloudwatch_load(p2, NULL);
  const CwSeries *a = request_count(d1), *b = request_count(d2);
  cr_assert_eq(a->n, b->n);
  for (guint i = 0; i < a->n; i++) {
    cr_assert_eq(a->times[i], b->times[i]);
    double sd = sqrt(2 * a->values[i]); /* two Poisson counts apart */
    cr_assert(fabs(a->values[i] - b->values[i]) < 5 * sd,
              "minute %u: %g requests, the twin %g", i, a->values[i],
              b->values[i]);
  }
}

/* A get-metric-data file with two series. */
static const char two_series[] =
  "{\"MetricDataResults\": [\n"
  " {\"Id\": \"m1\", \"Label\": \"RequestCount\", \"Timestamps\": "
  "[\"2024-09-15T04:34:00+00:00\", \"2024-09-15T04:33:00+00:00\"], "
  "\"Values\": [600, 1200], \"StatusCode\": \"Complete\"},\n"
  " {\"Id\": \"m2\", \"Label\": \"CPUUtilization\", \"Timestamps\": "
  "[\"2024-09-15T04:34:00+00:00\", \"2024-09-15T04:33:00+00:00\"], "
  "\"Values\": [40.5, 41.5], \"StatusCode\": \"Complete\"}],\n"
  " \"Messages\": []}\n";

Test(cloudwatch, two_series_and_no_metric_is_refused_naming_them)
{
  write_file("cw.json", two_series);
  g_autofree char *scn = write_scenario(
    "a.json", "{\"trace\": \"cw.json\", \"after_end\": \"repeat\"}");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "validate", scn, NULL), 2);
  cr_assert(strstr(err, "/services/0/workload/traffic: ") != NULL, "%s",
            err);
  cr_assert(strstr(err, "holds 2 series") && strstr(err, "RequestCount") &&
            strstr(err, "name one with \"metric\""), "%s", err);
}

Test(cloudwatch, a_metric_typo_lists_the_series)
{
  write_file("cw.json", two_series);
  g_autofree char *scn = write_scenario(
    "a.json", "{\"trace\": \"cw.json\", \"metric\": \"RequestCont\", "
    "\"after_end\": \"repeat\"}");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "validate", scn, NULL), 2);
  cr_assert(strstr(err, "/services/0/workload/traffic/metric: ") &&
            strstr(err, "no series \"RequestCont\"") &&
            strstr(err, "m1 (Label \"RequestCount\")"), "%s", err);
}

Test(cloudwatch, cpu_utilization_as_traffic_warns)
{
  write_file("cw.json", two_series);
  g_autofree char *scn = write_scenario(
    "a.json", "{\"trace\": \"cw.json\", \"metric\": \"CPUUtilization\", "
    "\"after_end\": \"repeat\"}");
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "run", scn, "-q", "-o", out, NULL),
               0, "%s", err);
  g_autofree char *summary = test_read_file(out, "base/summary.json");
  cr_assert(strstr(summary, "\"traffic_metric_not_a_count\"") != NULL);
  cr_assert(strstr(err, "metric CPUUtilization: traffic reads values as "
                        "request counts per period") != NULL, "%s", err);
}

Test(cloudwatch, the_rate_is_the_count_over_the_period_and_gaps_are_zero)
{
  write_file("cw.json",
             "{\"Label\": \"RequestCount\", \"Datapoints\": [\n"
             " {\"Timestamp\": \"2024-09-15T04:36:00Z\", \"Sum\": 120.0, "
             "\"Unit\": \"Count\"}]}\n");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(dir, &out, &err, "trace", "cw.json", "--metric",
                       "RequestCount", NULL), 2);
  cr_assert(strstr(err, "has one datapoint: give its \"period\"") != NULL,
            "%s", err);
  g_clear_pointer(&err, g_free);
  err = NULL;
  write_file("cw.json",
             "{\"Label\": \"RequestCount\", \"Datapoints\": [\n"
             " {\"Timestamp\": \"2024-09-15T04:36:00Z\", \"Sum\": 120.0},\n"
             " {\"Timestamp\": \"2024-09-15T04:34:00Z\", \"Sum\": 60.0},\n"
             " {\"Timestamp\": \"2024-09-15T04:33:00Z\", \"Sum\": 600.0}]}\n");
  g_clear_pointer(&out, g_free);
  cr_assert_eq(cli_run(dir, &out, &err, "trace", "cw.json", NULL), 0, "%s",
               err);
  cr_assert(strstr(out, "format      cloudwatch (detected") != NULL, "%s",
            out);
  cr_assert(strstr(out, "requests    780") != NULL, "%s", out);
  cr_assert(strstr(out, "peak rate   10 rps") != NULL, "%s", out);
  cr_assert(strstr(out, "missing     1 periods (read as 0 requests)"),
            "%s", out);
}

Test(cloudwatch, a_negative_count_is_refused)
{
  write_file("cw.json",
             "{\"MetricDataResults\": [{\"Id\": \"m1\", \"Label\": "
             "\"RequestCount\", \"Timestamps\": [\"2024-09-15T04:34:00Z\", "
             "\"2024-09-15T04:33:00Z\"], \"Values\": [-3, 5]}]}\n");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "trace", "cw.json", NULL), 2);
  cr_assert(strstr(err, "cw.json: metric m1 at 2024-09-15T04:34:00Z: a "
                        "negative count (-3)") != NULL, "%s", err);
}

Test(cloudwatch, csv_with_iso_times_is_a_rate_trace)
{
  write_file("rate.csv", "2024-09-15T04:33:00Z,12.5\n"
                         "2024-09-15T04:34:00Z,10\n"
                         "2024-09-15T04:35:00Z,15\n");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(dir, &out, &err, "trace", "rate.csv", NULL), 0, "%s",
               err);
  cr_assert(strstr(out, "format      csv (detected: rows of an ISO-8601 "
                        "time, a comma and a rate)") != NULL, "%s", out);
  cr_assert(strstr(out, "duration    3m") != NULL, "%s", out);
}

Test(cloudwatch, export_into_a_non_empty_folder_is_refused)
{
  g_autofree char *scn = write_scenario("a.json", "{\"generator\": "
                                        "\"constant\", \"rps\": 5}");
  write_file("notes.txt", "mine\n");
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "run", scn, "-q", "-o", out,
                       "--export-aws", dir, NULL), 2);
  cr_assert(strstr(err, "is not empty") && strstr(err, "--force"), "%s",
            err);
  g_autofree char *mine = test_read_file(dir, "notes.txt");
  cr_assert_str_eq(mine, "mine\n");
}

Test(cloudwatch, a_huge_log_is_refused_naming_the_sample_option)
{
  g_autofree char *scn = write_scenario("a.json", "{\"generator\": "
                                        "\"constant\", \"rps\": 20}");
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *x = g_build_filename(dir, "aws", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "run", scn, "-q", "-o", out,
                       "--export-aws", x, "--export-aws-max-gib", "0.001",
                       NULL), 2);
  cr_assert(strstr(err, "--export-aws-sample") != NULL, "%s", err);
  cr_assert(!g_file_test(x, G_FILE_TEST_EXISTS), "nothing written");
}

/* One service of 4 slots at 95% load until 8m (then none, so every
 * request is answered by the end): requests wait seconds, and with
 * exponential service times they finish out of order. */
static char *
write_queueing_scenario(const char *name, const char *traffic)
{
  g_autofree char *json = g_strdup_printf(
    "{\"name\": \"q\", \"seed\": 7, \"duration\": \"10m\",\n"
    " \"cluster\": {\"availability_zones\": [\"us-east-1a\"]},\n"
    " \"taskDefinitions\": [{\"family\": \"web\", \"cpu\": \"1024\", "
    "\"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
    "[{\"name\": \"web\", \"image\": \"web:1\"}]}],\n"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": 1, \"launchType\": \"FARGATE\", \"workload\": "
    "{\"traffic\": %s, \"concurrency\": 4, \"service_time\": {\"dist\": "
    "\"exponential\", \"mean\": \"100ms\"}}}]}\n", traffic);
  char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  return path;
}

/* Field @n (1-based) of each line of an ALB log, as AWS splits them
 * (quoted fields hold blanks), in the file's order. */
static GPtrArray *
alb_column(const char *text, int n)
{
  GPtrArray *col = g_ptr_array_new_with_free_func(g_free);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i] && *lines[i]; i++) {
    const char *s = lines[i];
    for (int f = 1; f < n; f++) {
      for (gboolean q = FALSE; *s && (q || *s != ' '); s++)
        q ^= *s == '"';
      cr_assert(*s == ' ', "line %u has fewer than %d fields", i + 1, n);
      s++;
    }
    g_ptr_array_add(col, g_strndup(s, strcspn(s, " ")));
  }
  return col;
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

Test(cloudwatch, alb_replay_arrives_at_request_creation_time_not_time)
{
  g_autofree char *scn = write_queueing_scenario(
    "a.json", "{\"generator\": \"step\", \"from_rps\": 38, \"to_rps\": 0, "
    "\"at\": \"8m\"}");
  run_export(scn, "o1", "x1");
  g_autofree char *text1 = test_read_file(dir, "x1/web-alb.log");
  /* the premise: latencies of seconds, answers out of arrival order */
  g_autoptr(GPtrArray) latency = alb_column(text1, 7);
  double longest = 0;
  for (guint i = 0; i < latency->len; i++)
    longest = MAX(longest, g_ascii_strtod(latency->pdata[i], NULL));
  cr_assert_gt(longest, 1.0, "longest latency %g s", longest);
  g_autoptr(GPtrArray) created1 = alb_column(text1, 22);
  gboolean sorted = TRUE;
  for (guint i = 1; i < created1->len; i++)
    sorted &= strcmp(created1->pdata[i - 1], created1->pdata[i]) <= 0;
  cr_assert(!sorted, "the log should hold requests answered out of order");

  g_autofree char *twin = write_queueing_scenario(
    "b.json", "{\"log\": \"x1/web-alb.log\", \"format\": \"alb\", "
    "\"start\": \"2026-01-05T00:00:00Z\", \"after_end\": \"zero\"}");
  run_export(twin, "o2", "x2");
  g_autofree char *text2 = test_read_file(dir, "x2/web-alb.log");
  g_autoptr(GPtrArray) created2 = alb_column(text2, 22);
  cr_assert_eq(created1->len, created2->len);
  g_ptr_array_sort(created1, compare_strings);
  g_ptr_array_sort(created2, compare_strings);
  for (guint i = 0; i < created1->len; i++)
    cr_assert_str_eq(created2->pdata[i], created1->pdata[i],
                     "request %u of the replay arrives at %s, the "
                     "original's at %s", i, (char *) created2->pdata[i],
                     (char *) created1->pdata[i]);

  /* ecsim trace and trace fit read the same arrivals as a column of
   * those times does */
  GString *column = g_string_new(NULL);
  for (guint i = 0; i < created1->len; i++)
    g_string_append_printf(column, "%s\n", (char *) created1->pdata[i]);
  write_file("created.log", column->str);
  g_string_free(column, TRUE);
  for (int fit = 0; fit < 2; fit++) {
    g_autofree char *a = NULL, *b = NULL, *err = NULL;
    const char *sub = fit ? "fit" : "--interval";
    const char *arg = fit ? "x1/web-alb.log" : "1";
    cr_assert_eq(cli_run(dir, &a, &err, "trace", sub, arg,
                         fit ? NULL : "x1/web-alb.log", NULL), 0, "%s", err);
    g_clear_pointer(&err, g_free);
    err = NULL;
    cr_assert_eq(cli_run(dir, &b, &err, "trace", sub,
                         fit ? "created.log" : "1",
                         fit ? NULL : "created.log", NULL), 0, "%s", err);
    /* `trace` names the file and format in its first three lines */
    const char *fa = a, *fb = b;
    for (int i = 0; i < 3 && !fit; i++)
      fa = strchr(fa, '\n') + 1, fb = strchr(fb, '\n') + 1;
    cr_assert_str_eq(fa, fb, "trace %s differs", fit ? "fit" : "");
  }
}

Test(cloudwatch, an_alb_request_longer_than_the_reordering_window_is_refused)
{
  const char *rest = " app/a/1 1.2.3.4:5 10.0.0.4:80 0.000 0.010 0.000 200 "
    "200 120 512 \"GET http://a:80/ HTTP/1.1\" \"ua\" - - arn:tg "
    "\"Root=1-0\" \"-\" \"-\" 0 ";
  g_autofree char *log = g_strconcat(
    "http 2026-01-05T00:00:01.000000Z", rest,
    "2026-01-05T00:00:00.990000Z \"forward\"\n",
    "http 2026-01-05T02:00:00.000000Z", rest,
    "2026-01-05T00:00:05.000000Z \"forward\"\n",
    "http 2026-01-05T02:00:01.000000Z", rest,
    "2026-01-05T02:00:00.500000Z \"forward\"\n", NULL);
  write_file("alb.log", log);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(dir, &out, &err, "trace", "alb.log", NULL), 2);
  cr_assert_str_eq(err, "alb.log:2: request_creation_time "
                   "2026-01-05T00:00:05.000000Z is more than 4000 s before "
                   "the latest time so far (2026-01-05T02:00:00.000000Z): the "
                   "alb reader reorders requests over at most 4000 s\n");
  /* --lenient skips that line alone and counts it */
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(dir, &out, &err, "trace", "--lenient", "alb.log",
                       NULL), 0, "%s", err);
  cr_assert(strstr(out, "requests    2\n") &&
            strstr(out, "skipped     1 lines"), "%s", out);
}

Test(cloudwatch, a_period_that_does_not_divide_a_gap_is_refused)
{
  write_file("cw.json",
             "{\"Label\": \"RequestCount\", \"Datapoints\": [\n"
             " {\"Timestamp\": \"2024-09-15T04:36:00Z\", \"Sum\": 120.0},\n"
             " {\"Timestamp\": \"2024-09-15T04:33:00Z\", \"Sum\": 600.0}]}\n");
  g_autofree char *scn = write_scenario(
    "a.json", "{\"trace\": \"cw.json\", \"format\": \"cloudwatch\", "
    "\"period\": \"2m\", \"after_end\": \"repeat\"}");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "validate", scn, NULL), 2);
  cr_assert(strstr(err, "a.json: /services/0/workload/traffic") &&
            strstr(err, "cw.json: metric RequestCount: the period 120 s does "
                   "not divide the gap between 2024-09-15T04:33:00Z and "
                   "2024-09-15T04:36:00Z") && !strchr(strchr(err, '\n') + 1,
                                                      '\n'), "%s", err);
}

Test(cloudwatch, one_datapoint_with_its_period_is_traffic)
{
  /* get-metric-statistics for one minute: 1200 requests, 20 a second */
  write_file("cw.json",
             "{\"Label\": \"RequestCount\", \"Datapoints\": [\n"
             " {\"Timestamp\": \"2024-09-15T04:36:00Z\", \"Sum\": 1200.0, "
             "\"Unit\": \"Count\"}]}\n");
  g_autofree char *scn = write_scenario(
    "a.json", "{\"trace\": \"cw.json\", \"period\": \"1m\", "
    "\"after_end\": \"repeat\"}");
  double arrivals = run_export(scn, "out", NULL);
  /* 10 minutes at 20/s: 12,000 Poisson arrivals, sd 110 */
  cr_assert(fabs(arrivals - 12000) < 5 * 110, "%g arrivals", arrivals);
}

Test(cloudwatch, trace_fit_on_cloudwatch_prints_a_generator)
{
  write_file("cw.json", two_series);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(dir, &out, &err, "trace", "fit", "cw.json",
                       "--metric", "RequestCount", NULL), 0, "%s", err);
  cr_assert_str_eq(err, "cw.json: read as cloudwatch (detected: JSON with "
                   "\"MetricDataResults\" or \"Datapoints\" (aws cloudwatch "
                   "get-metric-data or get-metric-statistics))\n");
  /* 1200 then 600 requests a minute: 15 a second on average */
  g_autoptr(cJSON) gen = cJSON_Parse(out);
  cr_assert_not_null(gen, "not JSON: %s", out);
  cr_assert_str_eq(cJSON_GetStringValue(
                     cJSON_GetObjectItemCaseSensitive(gen, "generator")),
                   "diurnal");
  cr_assert_eq(cJSON_GetNumberValue(
                 cJSON_GetObjectItemCaseSensitive(gen, "mean_rps")), 15);
}

Test(cloudwatch, trace_metric_typo_names_the_series_there)
{
  write_file("cw.json", two_series);
  for (int fit = 0; fit < 2; fit++) {
    g_autofree char *out = NULL, *err = NULL;
    int status = fit
      ? cli_run(dir, &out, &err, "trace", "fit", "cw.json", "--metric",
                "RequestCont", NULL)
      : cli_run(dir, &out, &err, "trace", "cw.json", "--metric",
                "RequestCont", NULL);
    cr_assert_eq(status, 2, "%s", err);
    cr_assert_str_eq(out, "");
    cr_assert(strstr(err, "cw.json: no series \"RequestCont\"") &&
              strstr(err, "m1 (Label \"RequestCount\")") &&
              strstr(err, "m2 (Label \"CPUUtilization\")"), "%s", err);
  }
}
