/* Expectations: checking summaries against a scenario's "expect". */
#include "models/experiments/expect.h"

#include <math.h>
#include <string.h>

GArray *
expect_evaluate(const GPtrArray *expectations, const cJSON *summary)
{
  g_return_val_if_fail(expectations != NULL, NULL);
  GArray *out = g_array_new(FALSE, TRUE, sizeof(ExpectResult));
  for (guint i = 0; i < expectations->len; i++) {
    const Expectation *e = expectations->pdata[i];
    ExpectResult r = { .expectation = e };
    r.has_value = summary_schema_value(summary, e->path, &r.measured);
    r.passed = r.has_value && expect_holds(e->op, r.measured, e->limit);
    g_array_append_val(out, r);
  }
  return out;
}

char *
expect_name(const Expectation *e)
{
  char limit[SUMMARY_VALUE_MAX];
  return g_strdup_printf("%s %s %s", e->path, expect_op_symbol(e->op),
                         summary_schema_format(e->limit, e->unit, limit));
}

char *
expect_describe(const ExpectResult *r)
{
  const Expectation *e = r->expectation;
  char v[SUMMARY_VALUE_MAX], limit[SUMMARY_VALUE_MAX];
  if (!r->has_value)
    return g_strdup_printf("%s no value (null or absent in summary.json), "
                           "expected %s %s", e->path, expect_op_symbol(e->op),
                           summary_schema_format(e->limit, e->unit, limit));
  /* Enough digits that a failure never reads "1234.57, expected <=
   * 1234.57". */
  summary_schema_format_pair(r->measured, e->limit, e->unit, v, limit);
  if (r->passed)
    return g_strdup_printf("%s %s %s %s", e->path, v, expect_op_symbol(e->op),
                           limit);
  return g_strdup_printf("%s %s, expected %s %s", e->path, v,
                         expect_op_symbol(e->op), limit);
}

guint
expect_report(const ScenarioConfig *cfg, const cJSON *summary,
              const char *label, gboolean failures_only, FILE *out,
              JunitReport *junit)
{
  g_return_val_if_fail(cfg != NULL && summary != NULL, 0);
  g_autofree char *classname = g_strdup_printf("%s.%s", cfg->name,
                                               cfg->variant);
  if (junit) {
    g_autofree char *suite = g_strdup_printf("%s/%s", cfg->name,
                                             cfg->variant);
    junit_report_begin_suite(junit, suite);
  }
  g_autoptr(GArray) results = expect_evaluate(cfg->expect, summary);
  guint failed = 0;
  for (guint i = 0; i < results->len; i++) {
    const ExpectResult *r = &g_array_index(results, ExpectResult, i);
    g_autofree char *text = expect_describe(r);
    failed += !r->passed;
    if (out && (!failures_only || !r->passed))
      fprintf(out, "%s %s%s%s%s\n", r->passed ? "PASS" : "FAIL",
              label ? "[" : "", label ? label : "", label ? "] " : "",
              text);
    if (junit == NULL)
      continue;
    g_autofree char *name = expect_name(r->expectation);
    g_autofree char *detail = g_strdup_printf(
      "%s\nscenario %s, variant %s, seed %" G_GUINT64_FORMAT, text,
      cfg->file, cfg->variant, cfg->seed);
    junit_report_add_case(junit, classname, name,
                          r->passed ? JUNIT_PASSED : JUNIT_FAILED,
                          r->passed ? NULL : text, detail);
  }
  return failed;
}
