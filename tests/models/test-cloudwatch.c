/* CloudWatch metric data as the AWS CLI prints it, and the ISO 8601
 * times in it: what a user's `aws cloudwatch get-metric-*` output reads
 * as, and the message when it cannot. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/input/civil-time.h"
#include "models/input/cloudwatch.h"
#include "models/input/jsonfile.h"

/* Parses @text as a file named "cw.json"; NULL with @error on failure. */
static CwData *
parse(const char *text, GError **error)
{
  g_autoptr(cJSON) root = json_parse_text("cw.json", text, strlen(text),
                                          error);
  cr_assert_not_null(root, "%s", *error ? (*error)->message : "");
  g_autoptr(JDoc) doc = jdoc_new("cw.json", ".");
  JNode n;
  jn_root(&n, doc, root);
  return cloudwatch_parse(&n, error);
}

static const char metric_data[] =
  "{\"MetricDataResults\": [{\"Id\": \"m1\", \"Label\": \"RequestCount\","
  " \"Timestamps\": [\"2024-09-15T04:35:00+00:00\","
  " \"2024-09-15T04:34:00+00:00\", \"2024-09-15T04:31:00+00:00\"],"
  " \"Values\": [30.0, 20.0, 10.0], \"StatusCode\": \"Complete\"},"
  " {\"Id\": \"m2\", \"Label\": \"CPUUtilization\", \"Timestamps\": [],"
  " \"Values\": [], \"StatusCode\": \"Complete\"}], \"Messages\": []}";

Test(cloudwatch, metric_data_is_read_oldest_first_with_its_period)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CwData) data = parse(metric_data, &error);
  cr_assert_not_null(data, "%s", error ? error->message : "");
  const CwSeries *s = cloudwatch_find(data, "RequestCount", &error);
  cr_assert_not_null(s);
  cr_assert_eq(s->n, 3);
  gint64 t0;
  cr_assert(cloudwatch_parse_time("2024-09-15T04:31:00Z", &t0));
  cr_assert_eq(s->times[0], t0);
  cr_assert_eq(s->values[0], 10.0);
  cr_assert_eq(s->values[2], 30.0);
  /* the smallest gap, not the first one (a missing minute is 3 min) */
  cr_assert_eq(s->period_us, 60 * G_USEC_PER_SEC);
  cr_assert_eq(cloudwatch_find(data, "m1", &error), s);
}

Test(cloudwatch, several_series_need_a_name_and_a_wrong_one_lists_them)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CwData) data = parse(metric_data, &error);
  cr_assert_null(cloudwatch_find(data, NULL, &error));
  cr_assert(strstr(error->message, "holds 2 series") != NULL, "%s",
            error->message);
  g_clear_error(&error);
  cr_assert_null(cloudwatch_find(data, "RequestCnt", &error));
  cr_assert(strstr(error->message, "m1 (Label \"RequestCount\")") != NULL,
            "%s", error->message);
}

Test(cloudwatch, statistics_give_one_series_per_statistic)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CwData) data = parse(
    "{\"Label\": \"RequestCount\", \"Datapoints\": ["
    "{\"Timestamp\": \"2024-09-15T04:10:00Z\", \"Sum\": 7.0,"
    " \"Average\": 1.0, \"Unit\": \"Count\"},"
    "{\"Timestamp\": \"2024-09-15T04:05:00Z\", \"Sum\": 5.0,"
    " \"Average\": 1.0, \"ExtendedStatistics\": {\"p99\": 2.5},"
    " \"Unit\": \"Count\"}]}", &error);
  cr_assert_not_null(data, "%s", error ? error->message : "");
  cr_assert_eq(data->series->len, 3);
  const CwSeries *sum = cloudwatch_find(data, "RequestCount", &error);
  cr_assert_not_null(sum, "%s", error ? error->message : "");
  cr_assert_str_eq(sum->statistic, "Sum");
  cr_assert_eq(sum->values[0], 5.0);
  cr_assert_eq(sum->period_us, 300 * G_USEC_PER_SEC);
  const CwSeries *p99 = cloudwatch_find(data, "RequestCount/p99", &error);
  cr_assert_not_null(p99, "%s", error ? error->message : "");
  cr_assert_eq(p99->n, 1);
}

Test(cloudwatch, a_time_without_a_zone_is_refused_with_its_path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CwData) data = parse(
    "{\"MetricDataResults\": [{\"Id\": \"m1\", \"Timestamps\":"
    " [\"2024-09-15 04:31\"], \"Values\": [1]}]}", &error);
  cr_assert_null(data);
  cr_assert(strstr(error->message,
                   "cw.json: /MetricDataResults/0/Timestamps/0: expected "
                   "an ISO 8601 time with a zone") != NULL,
            "%s", error->message);
}

Test(cloudwatch, lengths_partial_data_and_repeated_times_are_errors)
{
  static const struct { const char *text, *message; } cases[] = {
    { "{\"MetricDataResults\": [{\"Timestamps\": [\"2024-01-01T00:00:00Z\"],"
      " \"Values\": []}]}", "/MetricDataResults/0/Values: has 0 values but "
      "Timestamps has 1" },
    { "{\"MetricDataResults\": [{\"Timestamps\": [], \"Values\": [],"
      " \"StatusCode\": \"PartialData\"}]}", "is not complete" },
    { "{\"MetricDataResults\": [{\"Timestamps\": [\"2024-01-01T00:00:00Z\","
      " \"2024-01-01T00:00:00+00:00\"], \"Values\": [1, 2]}]}",
      "/MetricDataResults/0/Timestamps/1: the time 2024-01-01T00:00:00Z "
      "appears twice" },
    { "{\"MetricDataResults\": []}", "holds no series" },
    { "{\"Datapoints\": [{\"Timestamp\": \"2024-01-01T00:00:00Z\","
      " \"Summ\": 1}]}", "did you mean 'Sum'" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(CwData) data = parse(cases[i].text, &error);
    cr_assert_null(data, "case %zu", i);
    cr_assert(strstr(error->message, cases[i].message) != NULL,
              "case %zu: %s", i, error->message);
  }
}

Test(cloudwatch, iso_times_are_exact_to_the_microsecond_and_round_trip)
{
  gint64 us;
  cr_assert(cloudwatch_parse_time("2024-09-15T04:33:54.430000+00:00", &us));
  cr_assert_eq(us % G_USEC_PER_SEC, 430000);
  g_autofree char *text = civil_time_format(us, 6, "Z");
  cr_assert_str_eq(text, "2024-09-15T04:33:54.430000Z");
  gint64 back;
  cr_assert(cloudwatch_parse_time(text, &back));
  cr_assert_eq(back, us);
  /* a zone east of UTC is subtracted */
  gint64 east;
  cr_assert(cloudwatch_parse_time("2024-09-15T06:33:54.43+02:00", &east));
  cr_assert_eq(east, us);
  g_autofree char *whole = cloudwatch_format_time(0);
  cr_assert_str_eq(whole, "1970-01-01T00:00:00Z");
  g_autofree char *before = civil_time_format(-1, 6, "Z");
  cr_assert_str_eq(before, "1969-12-31T23:59:59.999999Z");
  cr_assert_not(cloudwatch_parse_time("2024-02-30T00:00:00Z", &us));
}
