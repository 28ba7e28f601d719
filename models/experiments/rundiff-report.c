/* `ecsim diff`'s report: the table of what moved, and JUnit cases. */
#include "models/experiments/rundiff-private.h"

#include <math.h>
#include <string.h>

static const char *const verdict_words[] = {
  "no change", "changed", "better", "worse, within noise",
  "worse, within tolerance", "REGRESSION", "only in A", "only in B",
};

static char *
fmt_pct(double pct, char *buf)
{
  if (isnan(pct))
    g_strlcpy(buf, "", SUMMARY_VALUE_MAX);
  else if (isinf(pct))
    g_strlcpy(buf, "(was 0)", SUMMARY_VALUE_MAX);
  else if (pct != 0 && fabs(pct) < 0.05)
    snprintf(buf, SUMMARY_VALUE_MAX, "%+.1g%%", pct);
  else
    snprintf(buf, SUMMARY_VALUE_MAX, "%+.1f%%", pct);
  return buf;
}

static char *
fmt_tolerance(double pct, char *buf)
{
  if (isinf(pct))
    g_strlcpy(buf, "ignored", SUMMARY_VALUE_MAX);
  else
    snprintf(buf, SUMMARY_VALUE_MAX, "%g%%", pct);
  return buf;
}

/* "REGRESSION (tolerance 5%)", "worse, within tolerance 10%",
 * "REGRESSION (now null)", ... */
static char *
verdict_text(const RunDiffField *f)
{
  char tol[SUMMARY_VALUE_MAX], by[SUMMARY_VALUE_MAX + 16] = "";
  fmt_tolerance(f->tolerance, tol);
  if (f->unit == SUMMARY_UNIT_FRACTION &&
      f->direction == SUMMARY_HIGHER_IS_BETTER && !isnan(f->worse)) {
    char w[SUMMARY_VALUE_MAX];
    g_snprintf(by, sizeof by, "shortfall %s, ", fmt_pct(f->worse, w));
  }
  gboolean was_null = isnan(f->a) && !isnan(f->b);
  gboolean now_null = !isnan(f->a) && isnan(f->b);
  if (now_null && f->verdict == RUNDIFF_REGRESSION)
    return g_strdup("REGRESSION (now null)");
  if (now_null && f->verdict == RUNDIFF_WITHIN_TOLERANCE)
    return g_strdup("worse (now null), tolerance ignored");
  if (now_null && f->verdict == RUNDIFF_CHANGED)
    return g_strdup("changed (now null)");
  if (was_null && f->verdict == RUNDIFF_CHANGED)
    return g_strdup("changed (was null)");
  if (f->verdict == RUNDIFF_REGRESSION)
    return g_strdup_printf("REGRESSION (%stolerance %s)", by, tol);
  if (f->verdict == RUNDIFF_WITHIN_TOLERANCE && by[0] != '\0')
    return g_strdup_printf("worse, within tolerance (%stolerance %s)", by,
                           tol);
  if (f->verdict == RUNDIFF_WITHIN_TOLERANCE)
    return g_strdup_printf("worse, within tolerance %s", tol);
  return g_strdup(verdict_words[f->verdict]);
}

/* "+49.2", with the field's sign. */
static char *
fmt_delta(const RunDiffField *f, char *buf)
{
  if (isnan(f->delta)) {
    g_strlcpy(buf, "", SUMMARY_VALUE_MAX);
    return buf;
  }
  char v[SUMMARY_VALUE_MAX];
  summary_schema_format(fabs(f->delta), SUMMARY_UNIT_NUMBER, v);
  g_snprintf(buf, SUMMARY_VALUE_MAX, "%s%s", f->delta < 0 ? "-" : "+", v);
  return buf;
}

static char *
seeds_text(const RunVariant *v)
{
  GString *s = g_string_new(v->samples->len == 1 ? "seed " : "seeds ");
  for (guint i = 0; i < v->samples->len && i < 6; i++)
    g_string_append_printf(s, "%s%" G_GUINT64_FORMAT, i ? ", " : "",
                           ((RunSample *) v->samples->pdata[i])->seed);
  if (v->samples->len > 6)
    g_string_append_printf(s, ", ... (%u runs)", v->samples->len);
  return g_string_free(s, FALSE);
}

static void
print_side(const char *label, const RunDiffSide *side, FILE *out)
{
  fprintf(out, "%s  %s:", label, side->path);
  for (guint i = 0; i < side->variants->len; i++) {
    const RunVariant *v = side->variants->pdata[i];
    g_autofree char *seeds = seeds_text(v);
    fprintf(out, "%s %s/%s (%s)", i ? "," : "", v->scenario, v->name, seeds);
  }
  fputc('\n', out);
}

/* One row; the noise column only when @noise. */
static void
print_row(int width, const char *path, const char *a, const char *b,
          const char *delta, const char *pct, const char *noise,
          const char *verdict, FILE *out)
{
  fprintf(out, "  %-*s %12s %12s %10s %8s", width, path, a, b, delta, pct);
  if (noise)
    fprintf(out, " %9s", noise);
  fprintf(out, "  %s\n", verdict);
}

static void
print_field(const RunDiffField *f, int width, gboolean noise, FILE *out)
{
  char a[SUMMARY_VALUE_MAX], b[SUMMARY_VALUE_MAX], d[SUMMARY_VALUE_MAX],
    p[SUMMARY_VALUE_MAX], n[SUMMARY_VALUE_MAX + 2] = "";
  if (!isnan(f->noise)) {
    char v[SUMMARY_VALUE_MAX];
    g_snprintf(n, sizeof n, "+-%s",
               summary_schema_format(f->noise, SUMMARY_UNIT_NUMBER, v));
  }
  g_autofree char *verdict = verdict_text(f);
  summary_schema_format_pair(f->a, f->b, f->unit, a, b);
  print_row(width, f->path, f->verdict == RUNDIFF_ONLY_B ? "-" : a,
            f->verdict == RUNDIFF_ONLY_A ? "-" : b, fmt_delta(f, d),
            fmt_pct(f->pct, p), noise ? n : NULL, verdict, out);
}

static void
print_pair(const RunDiff *d, const PairDiff *p, gboolean all, FILE *out)
{
  guint changed = 0, regressions = 0;
  int width = 5;
  for (guint i = 0; i < p->fields->len; i++) {
    const RunDiffField *f = &g_array_index(p->fields, RunDiffField, i);
    changed += f->verdict != RUNDIFF_SAME;
    regressions += f->verdict == RUNDIFF_REGRESSION;
    if (all || f->verdict != RUNDIFF_SAME)
      width = MAX(width, (int) strlen(f->path));
  }
  g_autofree char *name = strcmp(p->a->name, p->b->name) == 0
                            ? g_strdup(p->a->name)
                            : g_strdup_printf("%s vs %s", p->a->name,
                                              p->b->name);
  gboolean noise = p->a->samples->len > 1 || p->b->samples->len > 1;
  const char *how = p->paired ? "; noise: 95% band of the per-seed "
                                "differences"
                    : noise ? "; noise: 95% band of the difference of the "
                              "means" : "";
  if (changed == 0) {
    fprintf(out, "\nvariant %s: no change (%u fields)\n", name,
            p->fields->len);
    if (!all)
      return;
  } else {
    char tol[SUMMARY_VALUE_MAX];
    fprintf(out, "\nvariant %s: %u of %u fields changed, %u regression%s "
            "(default tolerance %s%s)\n", name, changed, p->fields->len,
            regressions, regressions == 1 ? "" : "s",
            fmt_tolerance(d->default_pct, tol), how);
  }
  if (p->a->duration_s != p->b->duration_s)
    fprintf(out, "  note: the runs simulated different durations (%g s and "
            "%g s)\n", p->a->duration_s, p->b->duration_s);
  print_row(width, "field", "A", "B", "change", "%", noise ? "noise" : NULL,
            "verdict", out);
  for (guint i = 0; i < p->fields->len; i++) {
    const RunDiffField *f = &g_array_index(p->fields, RunDiffField, i);
    if (all || f->verdict != RUNDIFF_SAME)
      print_field(f, width, noise, out);
  }
}

void
rundiff_print(const RunDiff *d, gboolean all, FILE *out)
{
  g_return_if_fail(d != NULL && out != NULL);
  print_side("A", d->a, out);
  print_side("B", d->b, out);
  for (guint i = 0; i < d->pairs->len; i++)
    print_pair(d, d->pairs->pdata[i], all, out);
  for (guint i = 0; i < d->only_a->len; i++)
    fprintf(out, "\nvariant %s: only in A, not compared\n",
            (char *) d->only_a->pdata[i]);
  for (guint i = 0; i < d->only_b->len; i++)
    fprintf(out, "\nvariant %s: only in B, not compared\n",
            (char *) d->only_b->pdata[i]);
  guint regressions = rundiff_n_regressions(d);
  if (regressions > 0)
    fprintf(out, "\n%u regression%s\n", regressions,
            regressions == 1 ? "" : "s");
  else if (rundiff_n_changed(d) > 0)
    fprintf(out, "\nchanged, no regression\n");
  else
    fprintf(out, "\nno change\n");
}

void
rundiff_add_junit(const RunDiff *d, JunitReport *junit)
{
  g_return_if_fail(d != NULL && junit != NULL);
  for (guint i = 0; i < d->pairs->len; i++) {
    const PairDiff *p = d->pairs->pdata[i];
    g_autofree char *suite = g_strdup_printf("diff/%s", p->a->name);
    g_autofree char *classname = g_strdup_printf("diff.%s", p->a->name);
    junit_report_begin_suite(junit, suite);
    for (guint j = 0; j < p->fields->len; j++) {
      const RunDiffField *f = &g_array_index(p->fields, RunDiffField, j);
      char a[SUMMARY_VALUE_MAX], b[SUMMARY_VALUE_MAX], dl[SUMMARY_VALUE_MAX],
        pc[SUMMARY_VALUE_MAX];
      g_autofree char *verdict = verdict_text(f);
      summary_schema_format_pair(f->a, f->b, f->unit, a, b);
      g_autofree char *text = g_strdup_printf(
        "%s: A %s, B %s, change %s %s: %s", f->path, a, b, fmt_delta(f, dl),
        fmt_pct(f->pct, pc), verdict);
      JunitOutcome outcome =
        f->verdict == RUNDIFF_REGRESSION ? JUNIT_FAILED
        : f->verdict == RUNDIFF_ONLY_A || f->verdict == RUNDIFF_ONLY_B
          ? JUNIT_SKIPPED : JUNIT_PASSED;
      junit_report_add_case(junit, classname, f->path, outcome,
                            outcome == JUNIT_PASSED ? NULL : text, text);
    }
  }
}
