/* Expectations ("expect"): parsing in the fields' units, one test per
 * malformed input with its JSON path, checking summaries, and the
 * summary.json field table against a real summary. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/experiments/expect.h"
#include "models/capacity/cluster.h"
#include "models/output/report.h"
#include "support.h"

#define TASKDEF                                                              \
  "{\"family\": \"web\", \"cpu\": \"512\", \"memory\": \"1024\", "           \
  "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], " \
  "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\", "        \
  "\"portMappings\": [{\"containerPort\": 8080}]}]}"

/* A scenario of one Fargate service "web" with @extra top-level members. */
static char *
scenario_with(const char *extra)
{
  return g_strdup_printf(
    "{\"duration\": \"10m\", \"taskDefinitions\": [" TASKDEF "],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    " \"launchType\": \"FARGATE\", \"desiredCount\": 2, \"workload\": {"
    "\"traffic\": {\"generator\": \"constant\", \"rps\": 20},"
    " \"service_time\": \"20ms\"}}]%s%s}",
    *extra ? ", " : "", extra);
}

static ScenarioConfig *
configure(const char *extra, const char *variant)
{
  g_autofree char *text = scenario_with(extra);
  GError *error = NULL;
  ScenarioConfig *cfg = test_configure(text, variant, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  return cfg;
}

static void
expect_error(const char *extra, const char *message)
{
  g_autofree char *text = scenario_with(extra);
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg, "accepted: %s", text);
  cr_assert_str_eq(msg, message);
}

static const Expectation *
nth(const ScenarioConfig *cfg, guint i)
{
  cr_assert_lt(i, cfg->expect->len);
  return cfg->expect->pdata[i];
}

Test(expect, none_gives_an_empty_list)
{
  g_autoptr(ScenarioConfig) cfg = configure("", NULL);
  cr_assert_eq(cfg->expect->len, 0);
}

Test(expect, limits_are_read_in_the_fields_units)
{
  g_autoptr(ScenarioConfig) cfg = configure(
    "\"slo\": {\"p99\": \"200ms\"}, \"expect\": {"
    "\"latency.p99_ms\": {\"max\": \"200ms\", \"min\": 0.5},"
    " \"latency.p50_ms\": {\"lt\": \"0.1s\"},"
    " \"requests.error_rate\": {\"max\": \"0.1%\"},"
    " \"slo.attainment\": {\"gt\": \"99.5%\"},"
    " \"slo.met\": {\"eq\": true},"
    " \"capacity.mean_cpu_pct\": {\"max\": \"80%\"},"
    " \"cost.total_usd\": {\"max\": 120},"
    " \"deployments.failed\": {\"eq\": 0}}", NULL);
  cr_assert_eq(cfg->expect->len, 9);
  struct { const char *path; ExpectOp op; double limit; } want[] = {
    { "latency.p99_ms", EXPECT_MAX, 200 },
    { "latency.p99_ms", EXPECT_MIN, 0.5 },
    { "latency.p50_ms", EXPECT_LT, 100 },
    { "requests.error_rate", EXPECT_MAX, 0.001 },
    { "slo.attainment", EXPECT_GT, 0.995 },
    { "slo.met", EXPECT_EQ, 1 },
    { "capacity.mean_cpu_pct", EXPECT_MAX, 80 },
    { "cost.total_usd", EXPECT_MAX, 120 },
    { "deployments.failed", EXPECT_EQ, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    const Expectation *e = nth(cfg, i);
    cr_assert_str_eq(e->path, want[i].path);
    cr_assert_eq(e->op, want[i].op, "%s", e->path);
    cr_assert_float_eq(e->limit, want[i].limit, 1e-12, "%s", e->path);
  }
}

Test(expect, services_by_name_or_index_and_providers)
{
  g_autoptr(ScenarioConfig) cfg = configure(
    "\"expect\": {\"services.web.latency.p99_ms\": {\"max\": 300},"
    " \"services.0.requests.errors.total\": {\"eq\": 0},"
    " \"cost.by_provider.FARGATE\": {\"max\": 1},"
    " \"tasks.stopped_by_reason.scale-in\": {\"max\": 5}}", NULL);
  cr_assert_eq(cfg->expect->len, 4);
  cr_assert_str_eq(nth(cfg, 1)->path, "services.0.requests.errors.total");
}

Test(expect, a_variant_overrides_a_limit_by_json_pointer)
{
  const char *extra =
    "\"expect\": {\"cost.total_usd\": {\"max\": 120}},"
    " \"variants\": {\"a\": {}, \"b\": {\"/expect/cost.total_usd/max\": 90},"
    " \"c\": {\"/expect/latency.p99_ms\": {\"max\": \"1s\"}}}";
  g_autoptr(ScenarioConfig) a = configure(extra, "a");
  g_autoptr(ScenarioConfig) b = configure(extra, "b");
  g_autoptr(ScenarioConfig) c = configure(extra, "c");
  cr_assert_float_eq(nth(a, 0)->limit, 120, 1e-12);
  cr_assert_float_eq(nth(b, 0)->limit, 90, 1e-12);
  cr_assert_eq(c->expect->len, 2);
  cr_assert_float_eq(nth(c, 1)->limit, 1000, 1e-12);
}

Test(expect, not_an_object)
{
  expect_error("\"expect\": [\"latency.p99_ms < 200\"]",
               "t.json: /expect: must be an object of summary.json fields "
               "and limits, e.g. {\"latency.p99_ms\": {\"max\": \"200ms\"}}");
}

Test(expect, unknown_path_suggests_the_documented_ones)
{
  expect_error("\"expect\": {\"latency.p99\": {\"max\": \"200ms\"}}",
               "t.json: /expect/latency.p99: not a field of summary.json; "
               "did you mean latency.p99_ms, latency.p999_ms or "
               "services.web.latency.p99_ms?");
}

Test(expect, errors_rate_suggests_requests_error_rate)
{
  g_autofree char *text =
    scenario_with("\"expect\": {\"errors.rate\": {\"max\": 0.001}}");
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg);
  cr_assert(g_str_has_prefix(msg, "t.json: /expect/errors.rate: not a field "
                                  "of summary.json; did you mean "
                                  "requests.error_rate"), "%s", msg);
}

Test(expect, path_nothing_like_a_field)
{
  expect_error("\"expect\": {\"zzz\": {\"max\": 1}}",
               "t.json: /expect/zzz: not a field of summary.json (dotted "
               "paths such as latency.p99_ms or cost.total_usd; see "
               "scenarios/REFERENCE.md)");
}

Test(expect, unknown_service_name)
{
  g_autofree char *text = scenario_with(
    "\"expect\": {\"services.api.latency.p99_ms\": {\"max\": 1}}");
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg);
  cr_assert(strstr(msg, "/expect/services.api.latency.p99_ms: not a field "
                        "of summary.json; did you mean "
                        "services.web.latency.p99_ms") != NULL, "%s", msg);
}

Test(expect, limits_must_be_an_object)
{
  expect_error("\"expect\": {\"latency.p99_ms\": 200}",
               "t.json: /expect/latency.p99_ms: must be an object of limits "
               "by operator (max, min, eq, lt or gt), e.g. {\"max\": "
               "\"200ms\"}");
}

Test(expect, empty_limits)
{
  expect_error("\"expect\": {\"cost.total_usd\": {}}",
               "t.json: /expect/cost.total_usd: must be an object of limits "
               "by operator (max, min, eq, lt or gt), e.g. {\"max\": 10}");
}

Test(expect, unknown_operator)
{
  expect_error("\"expect\": {\"latency.p99_ms\": {\"<=\": 200}}",
               "t.json: /expect/latency.p99_ms/<=: unknown operator; use "
               "max, min, eq, lt or gt");
}

Test(expect, duration_that_does_not_parse)
{
  expect_error("\"expect\": {\"latency.p99_ms\": {\"max\": \"fast\"}}",
               "t.json: /expect/latency.p99_ms/max: must be a number of "
               "milliseconds or a duration such as \"200ms\", got \"fast\"");
}

Test(expect, duration_string_without_unit)
{
  expect_error("\"expect\": {\"latency.p99_ms\": {\"max\": \"200\"}}",
               "t.json: /expect/latency.p99_ms/max: must be a number of "
               "milliseconds or a duration such as \"200ms\", got \"200\"");
}

Test(expect, duration_for_a_count)
{
  expect_error("\"expect\": {\"deployments.failed\": {\"eq\": \"0s\"}}",
               "t.json: /expect/deployments.failed/eq: must be a number, got "
               "\"0s\"");
}

Test(expect, bad_percentage)
{
  expect_error("\"expect\": {\"requests.error_rate\": {\"max\": \"0.1 "
               "percent\"}}",
               "t.json: /expect/requests.error_rate/max: must be a fraction "
               "such as 0.001 or a percentage such as \"0.1%\", got \"0.1 "
               "percent\"");
}

Test(expect, null_limit)
{
  expect_error("\"expect\": {\"cost.total_usd\": {\"max\": null}}",
               "t.json: /expect/cost.total_usd/max: must be a number, got "
               "null");
}

Test(expect, boolean_field_takes_eq_only)
{
  expect_error("\"slo\": {\"p99\": \"1s\"}, \"expect\": {\"slo.met\": "
               "{\"min\": 1}}",
               "t.json: /expect/slo.met/min: slo.met is true or false: use "
               "\"eq\"");
}

Test(expect, boolean_field_takes_booleans)
{
  expect_error("\"slo\": {\"p99\": \"1s\"}, \"expect\": {\"slo.met\": "
               "{\"eq\": 1}}",
               "t.json: /expect/slo.met/eq: must be true or false, got 1");
}

Test(expect, limits_no_value_can_meet)
{
  expect_error("\"expect\": {\"cost.total_usd\": {\"min\": 5, \"max\": 3}}",
               "t.json: /expect/cost.total_usd: no value can be >= 5 and "
               "<= 3");
  expect_error("\"expect\": {\"cost.total_usd\": {\"gt\": 3, \"max\": 3}}",
               "t.json: /expect/cost.total_usd: no value can be > 3 and <= "
               "3");
}

Test(expect, eq_above_a_max)
{
  expect_error("\"expect\": {\"cost.total_usd\": {\"eq\": 500, \"max\": "
               "200}}",
               "t.json: /expect/cost.total_usd: no value can be == 500 and "
               "<= 200");
}

Test(expect, eq_below_a_min)
{
  expect_error("\"expect\": {\"latency.p99_ms\": {\"min\": \"1s\", "
               "\"eq\": \"200ms\"}}",
               "t.json: /expect/latency.p99_ms: no value can be == 200 and "
               ">= 1000");
}

Test(expect, eq_at_a_strict_limit)
{
  expect_error("\"expect\": {\"deployments.failed\": {\"eq\": 0, \"gt\": "
               "0}}",
               "t.json: /expect/deployments.failed: no value can be == 0 and "
               "> 0");
  expect_error("\"expect\": {\"deployments.failed\": {\"lt\": 2, \"eq\": "
               "2}}",
               "t.json: /expect/deployments.failed: no value can be == 2 and "
               "< 2");
}

Test(expect, eq_that_other_limits_allow)
{
  g_autoptr(ScenarioConfig) cfg = configure(
    "\"expect\": {\"cost.total_usd\": {\"eq\": 100, \"min\": 100, "
    "\"max\": 200, \"gt\": 50, \"lt\": 100.5}}", NULL);
  cr_assert_eq(cfg->expect->len, 5);
}

Test(expect, slo_fields_need_an_slo)
{
  expect_error("\"expect\": {\"slo.attainment\": {\"min\": 0.99}}",
               "t.json: /expect/slo.attainment: the scenario has no "
               "\"slo\", so summary.json has no slo fields; add one, e.g. "
               "\"slo\": {\"p99\": \"200ms\"}");
}

Test(expect, key_twice)
{
  expect_error("\"expect\": {\"cost.total_usd\": {\"max\": 1}, "
               "\"cost.total_usd\": {\"min\": 0}}",
               "t.json: /expect/cost.total_usd: key appears twice");
}

Test(expect, variant_override_that_breaks_a_limit_names_the_path)
{
  g_autofree char *text = scenario_with(
    "\"expect\": {\"cost.total_usd\": {\"max\": 1}},"
    " \"variants\": {\"x\": {\"/expect/cost.total_usd/max\": \"cheap\"}}");
  GError *error = NULL;
  g_autoptr(Scenario) scn = scenario_load_data("t.json", text, ".", &error);
  cr_assert_not_null(scn);
  ScenarioConfig *cfg = scenario_configure(scn, "x", NULL, &error);
  cr_assert_null(cfg);
  /* Named where the mistake is written: the variant's override. */
  cr_assert_str_eq(error->message, "t.json: /variants/x/~1expect~1cost."
                                   "total_usd~1max: must be a number, got "
                                   "\"cheap\"");
  g_error_free(error);
}

/* ---- checking summaries ------------------------------------------- */

static cJSON *
summary(void)
{
  cJSON *s = cJSON_Parse(
    "{\"schema\": \"ecsim-summary/1\", \"latency\": {\"p99_ms\": 181.2, "
    "\"p50_ms\": null}, \"requests\": {\"error_rate\": 0.1}, \"cost\": "
    "{\"total_usd\": 130.5, \"by_provider\": {\"FARGATE\": 130.5}}, "
    "\"slo\": {\"met\": true}, \"services\": [{\"name\": \"web\", "
    "\"latency\": {\"p99_ms\": 190}}]}");
  cr_assert_not_null(s);
  return s;
}

static Expectation *
expectation(const char *path, ExpectOp op, double limit, SummaryUnit unit)
{
  Expectation *e = g_new0(Expectation, 1);
  e->path = g_strdup(path);
  e->op = op;
  e->limit = limit;
  e->unit = unit;
  return e;
}

Test(expect, checks_and_describes_each_result)
{
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func((GDestroyNotify) expectation_free);
  g_ptr_array_add(list, expectation("latency.p99_ms", EXPECT_MAX, 200,
                                    SUMMARY_UNIT_MS));
  g_ptr_array_add(list, expectation("cost.total_usd", EXPECT_MAX, 120,
                                    SUMMARY_UNIT_NUMBER));
  g_ptr_array_add(list, expectation("latency.p50_ms", EXPECT_MAX, 100,
                                    SUMMARY_UNIT_MS));
  g_ptr_array_add(list, expectation("requests.error_rate", EXPECT_EQ, 0.1,
                                    SUMMARY_UNIT_FRACTION));
  g_ptr_array_add(list, expectation("cost.by_provider.EC2", EXPECT_EQ, 0,
                                    SUMMARY_UNIT_NUMBER));
  g_ptr_array_add(list, expectation("services.0.latency.p99_ms", EXPECT_LT,
                                    190, SUMMARY_UNIT_MS));
  g_ptr_array_add(list, expectation("slo.met", EXPECT_EQ, 1,
                                    SUMMARY_UNIT_BOOL));
  cJSON *s = summary();
  g_autoptr(GArray) results = expect_evaluate(list, s);
  const char *want[] = {
    "latency.p99_ms 181.2 <= 200",
    "cost.total_usd 130.5, expected <= 120",
    "latency.p50_ms no value (null or absent in summary.json), expected <= "
    "100",
    "requests.error_rate 0.1 == 0.1",
    "cost.by_provider.EC2 0 == 0",
    "services.0.latency.p99_ms 190, expected < 190",
    "slo.met true == true",
  };
  gboolean passed[] = { TRUE, FALSE, FALSE, TRUE, TRUE, FALSE, TRUE };
  for (guint i = 0; i < results->len; i++) {
    const ExpectResult *r = &g_array_index(results, ExpectResult, i);
    g_autofree char *text = expect_describe(r);
    cr_assert_str_eq(text, want[i]);
    cr_assert_eq(r->passed, passed[i], "%s", text);
  }
  cJSON_Delete(s);
}

Test(expect, report_prints_lines_and_junit_cases)
{
  g_autoptr(ScenarioConfig) cfg = configure(
    "\"expect\": {\"latency.p99_ms\": {\"max\": \"200ms\"}, "
    "\"cost.total_usd\": {\"max\": 120}}", NULL);
  cJSON *s = summary();
  g_autoptr(JunitReport) junit = junit_report_new("ecsim run");
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  guint failed = expect_report(cfg, s, "ec2", FALSE, out, junit);
  fclose(out);
  cr_assert_eq(failed, 1);
  cr_assert_str_eq(buf, "PASS [ec2] latency.p99_ms 181.2 <= 200\n"
                        "FAIL [ec2] cost.total_usd 130.5, expected <= 120\n");
  free(buf);
  cr_assert_eq(junit_report_n_cases(junit), 2);
  cr_assert_eq(junit_report_count(junit, JUNIT_FAILED), 1);
  g_autofree char *xml = junit_report_to_string(junit);
  cr_assert(strstr(xml, "<testsuite name=\"t/base\" tests=\"2\" "
                        "failures=\"1\"") != NULL, "%s", xml);
  cr_assert(strstr(xml, "<testcase classname=\"t.base\" "
                        "name=\"cost.total_usd &lt;= 120\">") != NULL,
            "%s", xml);
  cr_assert(strstr(xml, "<failure message=\"cost.total_usd 130.5, expected "
                        "&lt;= 120\" type=\"failure\">") != NULL, "%s", xml);
  cJSON_Delete(s);
}

Test(expect, failures_show_the_digits_that_make_them_fail)
{
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func((GDestroyNotify) expectation_free);
  g_ptr_array_add(list, expectation("latency.p99_ms", EXPECT_MAX, 1234.5672,
                                    SUMMARY_UNIT_MS));
  g_ptr_array_add(list, expectation("cost.total_usd", EXPECT_LT, 123456.78,
                                    SUMMARY_UNIT_NUMBER));
  cJSON *s = cJSON_Parse("{\"latency\": {\"p99_ms\": 1234.5678}, "
                         "\"cost\": {\"total_usd\": 123456.82}}");
  g_autoptr(GArray) results = expect_evaluate(list, s);
  const char *want[] = {
    "latency.p99_ms 1234.568, expected <= 1234.567",
    "cost.total_usd 123456.82, expected < 123456.78",
  };
  for (guint i = 0; i < results->len; i++) {
    const ExpectResult *r = &g_array_index(results, ExpectResult, i);
    g_autofree char *text = expect_describe(r);
    cr_assert_str_eq(text, want[i]);
    cr_assert_not(r->passed, "%s", text);
  }
  cJSON_Delete(s);
}

Test(expect, large_values_keep_their_magnitude)
{
  char buf[SUMMARY_VALUE_MAX];
  cr_assert_str_eq(summary_schema_format(1e47, SUMMARY_UNIT_NUMBER, buf),
                   "1e+47");
  cr_assert_str_eq(summary_schema_format(-2.5e300, SUMMARY_UNIT_NUMBER, buf),
                   "-2.5e+300");
  cr_assert_str_eq(summary_schema_format(123456.78, SUMMARY_UNIT_NUMBER,
                                         buf), "123456.8");
  char a[SUMMARY_VALUE_MAX], b[SUMMARY_VALUE_MAX];
  summary_schema_format_pair(1.2345678e47, 1.2345672e47, SUMMARY_UNIT_NUMBER,
                             a, b);
  cr_assert_str_eq(a, "1.234568e+47");
  cr_assert_str_eq(b, "1.234567e+47");
  /* The closest two doubles still read differently. */
  summary_schema_format_pair(0.1, nextafter(0.1, 1), SUMMARY_UNIT_FRACTION,
                             a, b);
  cr_assert_str_neq(a, b);
  summary_schema_format_pair(1e14 + 0.5, nextafter(1e14 + 0.5, 1e15),
                             SUMMARY_UNIT_NUMBER, a, b);
  cr_assert_str_neq(a, b);
}

Test(expect, boolean_averaged_over_seeds_reads_as_a_number)
{
  char a[SUMMARY_VALUE_MAX], b[SUMMARY_VALUE_MAX];
  summary_schema_format_pair(1, 0.5, SUMMARY_UNIT_BOOL, a, b);
  cr_assert_str_eq(a, "true");
  cr_assert_str_eq(b, "0.5");
}

/* ---- the field table ---------------------------------------------- */

static GHashTable *
leaf_set(GArray *leaves)
{
  GHashTable *set = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < leaves->len; i++)
    g_hash_table_add(set, g_array_index(leaves, SummaryLeaf, i).path);
  return set;
}

Test(expect, field_table_matches_a_real_summary)
{
  g_autofree char *text = scenario_with("\"slo\": {\"p99\": \"100ms\"}");
  TestRun *run = test_run_new(text);
  test_run_finish(run);
  cJSON *s = report_summary(run->w);
  g_autoptr(GArray) leaves = summary_schema_leaves(s);
  cr_assert_gt(leaves->len, 50);
  for (guint i = 0; i < leaves->len; i++) {
    const char *path = g_array_index(leaves, SummaryLeaf, i).path;
    cr_assert_not_null(summary_schema_lookup(path),
                       "summary.json has %s, which summary-schema.c lacks",
                       path);
  }
  g_autoptr(GHashTable) set = leaf_set(leaves);
  g_autoptr(GPtrArray) paths = summary_schema_paths(run->cfg);
  for (guint i = 0; i < paths->len; i++) {
    const char *path = paths->pdata[i];
    if (summary_schema_lookup(path)->absent_is_zero)
      continue;
    cr_assert(g_hash_table_contains(set, path),
              "summary-schema.c has %s, which summary.json lacks", path);
  }
  cr_assert(g_hash_table_contains(set, "services.web.latency.p99_ms"));
  cr_assert(g_hash_table_contains(set, "tasks.stopped_by_reason.scale-in"));
  cJSON_Delete(s);
  test_run_free(run);
}

Test(expect, directions_of_the_gate_fields)
{
  cr_assert_eq(summary_schema_lookup("latency.p99_ms")->direction,
               SUMMARY_LOWER_IS_BETTER);
  cr_assert_eq(summary_schema_lookup("cost.by_service.web")->direction,
               SUMMARY_LOWER_IS_BETTER);
  cr_assert_eq(summary_schema_lookup("slo.attainment")->direction,
               SUMMARY_HIGHER_IS_BETTER);
  cr_assert_eq(summary_schema_lookup("requests.arrivals")->direction,
               SUMMARY_NO_DIRECTION);
  cr_assert_eq(
    summary_schema_lookup("services.a.b.latency.p99_ms")->direction,
    SUMMARY_LOWER_IS_BETTER);
  cr_assert_null(summary_schema_lookup("latency.p99"));
}

/* summary-schema.c lists the stop and unplaced reasons itself (the
 * scenario loader checks "expect" paths below the models): the same names
 * the models write. */
Test(expect, schema_knows_every_reason_the_models_name)
{
  g_autoptr(ScenarioConfig) cfg = configure("", NULL);
  g_autoptr(GPtrArray) paths = summary_schema_paths(cfg);
  g_autoptr(GHashTable) set = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < paths->len; i++)
    g_hash_table_add(set, paths->pdata[i]);
  for (int k = STOP_NONE + 1; k < STOP_N_REASONS; k++) {
    g_autofree char *p = g_strdup_printf("tasks.stopped_by_reason.%s",
                                         task_stop_reason_name(k));
    cr_assert(g_hash_table_contains(set, p), "%s", p);
  }
  for (int r = 0; r < UNPLACED_N_REASONS; r++) {
    g_autofree char *p = g_strdup_printf(
      "services.web.unplaced_by_reason.%s", capacity_unplaced_reason_name(r));
    cr_assert(g_hash_table_contains(set, p), "%s", p);
  }
}
