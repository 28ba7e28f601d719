/* `ecsim diff`'s comparison on hand-made summaries: directions,
 * tolerances, the noise band over seeds, folder layouts and bad input. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "models/experiments/rundiff.h"
#include "support.h"

typedef struct {
  double p99, cost, errors, attainment, started;
} Figures;

static const Figures base = { 180, 10, 0, 0.995, 4 };

/* @v as JSON: NAN as null, else the shortest text that reads back as
 * @v. Returns a new string. */
static char *
json_number(double v)
{
  if (isnan(v))
    return g_strdup("null");
  for (int digits = 6;; digits++) {
    char *text = g_strdup_printf("%.*g", digits, v);
    if (g_ascii_strtod(text, NULL) == v)
      return text;
    g_free(text);
  }
}

/* Writes DIR/SUB/summary.json for @variant and @seed: one service, "web",
 * whose p99 repeats the total. */
static void
write_summary(const char *dir, const char *sub, const char *variant,
              int seed, Figures f)
{
  g_autofree char *folder = g_build_filename(dir, sub, NULL);
  g_mkdir_with_parents(folder, 0755);
  g_autofree char *path = g_build_filename(folder, "summary.json", NULL);
  g_autofree char *p99 = json_number(f.p99);
  g_autofree char *attainment = json_number(f.attainment);
  g_autofree char *cost = json_number(f.cost);
  g_autofree char *text = g_strdup_printf(
    "{\"schema\": \"ecsim-summary/1\", \"scenario\": {\"name\": \"s\", "
    "\"variant\": \"%s\", \"seed\": %d, \"duration_s\": 600}, "
    "\"requests\": {\"arrivals\": 1000, \"errors\": {\"total\": %g}}, "
    "\"latency\": {\"p99_ms\": %s}, \"slo\": {\"attainment\": %s}, "
    "\"cost\": {\"total_usd\": %s, \"by_provider\": {\"FARGATE\": %s}}, "
    "\"tasks\": {\"started\": %g}, \"services\": [{\"name\": \"web\", "
    "\"latency\": {\"p99_ms\": %s}}], \"engine\": {\"by_kind\": "
    "{\"x\": %d}}}",
    variant, seed, f.errors, p99, attainment, cost, cost, f.started, p99,
    seed);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
}

typedef struct {
  char *tmp;
  RunDiffSide *a, *b;
  RunDiff *diff;
} Fixture;

static Fixture fx;

static void
setup(void)
{
  fx.tmp = test_tmpdir();
}

static void
teardown(void)
{
  rundiff_free(fx.diff);
  rundiff_side_free(fx.a);
  rundiff_side_free(fx.b);
  test_rmrf(fx.tmp);
  g_free(fx.tmp);
  fx = (Fixture) { 0 };
}

static char *
side_dir(const char *name)
{
  return g_build_filename(fx.tmp, name, NULL);
}

/* Compares fx.tmp/a with fx.tmp/b under @tolerances (NULL-terminated
 * "FIELD=PCT"), with default @default_pct (NULL: 5). */
static const RunDiff *
compare(const char *default_pct, ...)
{
  g_autoptr(RunDiffOptions) o = rundiff_options_new();
  GError *error = NULL;
  if (default_pct)
    cr_assert(rundiff_options_set_default(o, default_pct, &error));
  va_list ap;
  va_start(ap, default_pct);
  for (const char *t = va_arg(ap, const char *); t;
       t = va_arg(ap, const char *))
    cr_assert(rundiff_options_add_tolerance(o, t, &error), "%s", t);
  va_end(ap);
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  fx.a = rundiff_side_load(a, &error);
  cr_assert_not_null(fx.a, "%s", error ? error->message : "");
  fx.b = rundiff_side_load(b, &error);
  cr_assert_not_null(fx.b, "%s", error ? error->message : "");
  fx.diff = rundiff_compare(fx.a, fx.b, o, &error);
  cr_assert_not_null(fx.diff, "%s", error ? error->message : "");
  return fx.diff;
}

static RunDiffVerdict
verdict(const char *variant, const char *path)
{
  const RunDiffField *f = rundiff_field(fx.diff, variant, path);
  cr_assert_not_null(f, "no field %s", path);
  return f->verdict;
}

TestSuite(rundiff, .init = setup, .fini = teardown);

Test(rundiff, identical_runs_are_no_change)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, base);
  const RunDiff *d = compare(NULL, NULL);
  cr_assert_eq(rundiff_n_changed(d), 0);
  cr_assert_eq(rundiff_n_regressions(d), 0);
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  rundiff_print(d, FALSE, out);
  fclose(out);
  cr_assert(g_str_has_suffix(buf, "\nno change\n"), "%s", buf);
  cr_assert(strstr(buf, "variant base: no change (7 fields)") != NULL,
            "engine.by_kind is not compared: %s", buf);
  free(buf);
}

Test(rundiff, worse_beyond_tolerance_is_a_regression_by_direction)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1,
                (Figures) { 198, 10.4, 0, 0.99, 6 });
  const RunDiff *d = compare(NULL, NULL);
  const RunDiffField *p99 = rundiff_field(d, NULL, "latency.p99_ms");
  cr_assert_float_eq(p99->delta, 18, 1e-9);
  cr_assert_float_eq(p99->pct, 10, 1e-9);
  cr_assert(isnan(p99->noise));
  cr_assert_eq(p99->verdict, RUNDIFF_REGRESSION);
  cr_assert_eq(verdict(NULL, "cost.total_usd"), RUNDIFF_WITHIN_TOLERANCE);
  cr_assert_eq(verdict(NULL, "tasks.started"), RUNDIFF_CHANGED);
  cr_assert_eq(verdict(NULL, "requests.errors.total"), RUNDIFF_SAME);
}

Test(rundiff, attainment_is_judged_by_its_shortfall)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { 180, 10, 0, 0.99, 4 });
  /* 99.5% -> 99%: -0.5% of the value, but twice the requests missing. */
  const RunDiff *d = compare("50", NULL);
  const RunDiffField *f = rundiff_field(d, NULL, "slo.attainment");
  cr_assert_float_eq(f->pct, -100 * 0.005 / 0.995, 1e-9);
  cr_assert_float_eq(f->worse, 100, 1e-6);
  cr_assert_eq(f->verdict, RUNDIFF_REGRESSION);
  cr_assert_eq(rundiff_n_regressions(d), 1);
}

Test(rundiff, better_is_never_a_regression)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { 90, 5, 0, 1.0, 1 });
  const RunDiff *d = compare("0", NULL);
  cr_assert_eq(verdict(NULL, "latency.p99_ms"), RUNDIFF_BETTER);
  cr_assert_eq(verdict(NULL, "cost.total_usd"), RUNDIFF_BETTER);
  cr_assert_eq(verdict(NULL, "slo.attainment"), RUNDIFF_BETTER);
  cr_assert_eq(rundiff_n_regressions(d), 0);
}

Test(rundiff, lower_attainment_beyond_tolerance_regresses)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { 180, 10, 0, 0.9, 4 });
  compare(NULL, NULL);
  cr_assert_eq(verdict(NULL, "slo.attainment"), RUNDIFF_REGRESSION);
}

Test(rundiff, errors_from_zero_regress_unless_ignored)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { 180, 10, 3, 0.995, 4 });
  const RunDiff *d = compare("1000", NULL);
  const RunDiffField *f = rundiff_field(d, NULL, "requests.errors.total");
  cr_assert(isinf(f->pct));
  cr_assert_eq(f->verdict, RUNDIFF_REGRESSION);
  rundiff_free(fx.diff);
  rundiff_side_free(fx.a);
  rundiff_side_free(fx.b);
  compare(NULL, "requests.errors.*=ignore", NULL);
  cr_assert_eq(verdict(NULL, "requests.errors.total"),
               RUNDIFF_WITHIN_TOLERANCE);
}

Test(rundiff, exact_tolerance_wins_over_globs_and_last_glob_wins)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { 198, 11, 0, 0.995, 4 });
  const RunDiff *d = compare(NULL, "latency.p99_ms=20", "latency.*=1",
                             "cost.*=1", "cost.*=15", NULL);
  cr_assert_eq(rundiff_field(d, NULL, "latency.p99_ms")->tolerance, 20);
  cr_assert_eq(verdict(NULL, "latency.p99_ms"), RUNDIFF_WITHIN_TOLERANCE);
  cr_assert_eq(rundiff_field(d, NULL, "cost.total_usd")->tolerance, 15);
  cr_assert_eq(verdict(NULL, "cost.total_usd"), RUNDIFF_WITHIN_TOLERANCE);
  cr_assert_eq(rundiff_n_regressions(d), 0);
}

Test(rundiff, noise_band_of_paired_seeds)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  /* Per-seed differences 10, 20, 30: mean 20, sd 10, so the band is
   * t(0.975, 2) x 10 / sqrt(3) = 24.84: a 20 ms rise is noise. */
  double pa[] = { 100, 110, 120 }, pb[] = { 110, 130, 150 };
  for (int s = 0; s < 3; s++) {
    g_autofree char *sub = g_strdup_printf("seed-%d/base", s + 1);
    Figures fa = base, fb = base;
    fa.p99 = pa[s];
    fb.p99 = pb[s];
    write_summary(a, sub, "base", s + 1, fa);
    write_summary(b, sub, "base", s + 1, fb);
  }
  const RunDiff *d = compare("0", NULL);
  const RunDiffField *f = rundiff_field(d, NULL, "latency.p99_ms");
  cr_assert_float_eq(f->a, 110, 1e-9);
  cr_assert_float_eq(f->b, 130, 1e-9);
  cr_assert_float_eq(f->noise, 4.302653 * 10 / sqrt(3), 1e-4);
  cr_assert_eq(f->verdict, RUNDIFF_WITHIN_NOISE);
}

Test(rundiff, noise_band_of_unpaired_seeds)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  /* A: seeds 1-3 at 100, 110, 120; B: seeds 4-6 at 160, 170, 180. The
   * means differ by 60, the band is t(0.975, 4) x sqrt(100/3 + 100/3) =
   * 22.7: a regression. */
  for (int s = 0; s < 3; s++) {
    Figures fa = base, fb = base;
    fa.p99 = 100 + 10 * s;
    fb.p99 = 160 + 10 * s;
    g_autofree char *sa = g_strdup_printf("base/seed-%d", s + 1);
    g_autofree char *sb = g_strdup_printf("base/seed-%d", s + 4);
    write_summary(a, sa, "base", s + 1, fa);
    write_summary(b, sb, "base", s + 4, fb);
  }
  const RunDiff *d = compare(NULL, NULL);
  const RunDiffField *f = rundiff_field(d, NULL, "latency.p99_ms");
  cr_assert_float_eq(f->noise, 2.776445 * sqrt(200.0 / 3), 1e-4);
  cr_assert_eq(f->verdict, RUNDIFF_REGRESSION);
}

Test(rundiff, variants_pair_by_name_and_single_variants_pair_anyway)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "fargate", "fargate", 1, base);
  write_summary(a, "ec2", "ec2", 1, base);
  write_summary(b, "ec2", "ec2", 1, (Figures) { 300, 10, 0, 0.995, 4 });
  write_summary(b, "spot", "spot", 1, base);
  const RunDiff *d = compare(NULL, NULL);
  cr_assert_eq(verdict("ec2", "latency.p99_ms"), RUNDIFF_REGRESSION);
  cr_assert_null(rundiff_field(d, "fargate", "latency.p99_ms"));
  teardown();
  setup();
  g_autofree char *a2 = side_dir("a"), *b2 = side_dir("b");
  write_summary(a2, "", "fargate", 1, base);
  write_summary(b2, "x/y", "ec2", 1, base);
  cr_assert_eq(rundiff_n_changed(compare(NULL, NULL)), 0);
}

static char *
load_error(const char *path)
{
  GError *error = NULL;
  RunDiffSide *side = rundiff_side_load(path, &error);
  cr_assert_null(side);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

Test(rundiff, missing_folder)
{
  g_autofree char *msg = load_error("/nonexistent/run");
  cr_assert_str_eq(msg, "/nonexistent/run: cannot read: no such folder");
}

Test(rundiff, folder_without_summaries)
{
  g_autofree char *dir = side_dir("empty");
  g_mkdir_with_parents(dir, 0755);
  g_autofree char *msg = load_error(dir);
  g_autofree char *want = g_strdup_printf(
    "%s: not an ecsim output folder (no summary.json in it or its "
    "sub-folders)", dir);
  cr_assert_str_eq(msg, want);
}

Test(rundiff, summary_of_something_else)
{
  g_autofree char *dir = side_dir("other");
  g_mkdir_with_parents(dir, 0755);
  g_autofree char *file = g_build_filename(dir, "summary.json", NULL);
  g_file_set_contents(file, "{\"total\": 3}", -1, NULL);
  g_autofree char *msg = load_error(dir);
  g_autofree char *want = g_strdup_printf(
    "%s: not an ecsim summary (\"schema\": \"ecsim-summary/1\" with "
    "scenario.variant and scenario.seed)", file);
  cr_assert_str_eq(msg, want);
}

Test(rundiff, same_seed_twice)
{
  g_autofree char *a = side_dir("a");
  write_summary(a, "one/base", "base", 7, base);
  write_summary(a, "two/base", "base", 7, base);
  g_autofree char *msg = load_error(a);
  cr_assert(strstr(msg, ": variant base has two runs with seed 7 (") != NULL,
            "%s", msg);
}

Test(rundiff, no_variant_in_common)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "x", "x", 1, base);
  write_summary(a, "y", "y", 1, base);
  write_summary(b, "z", "z", 1, base);
  GError *error = NULL;
  fx.a = rundiff_side_load(a, NULL);
  fx.b = rundiff_side_load(b, NULL);
  g_autoptr(RunDiffOptions) o = rundiff_options_new();
  cr_assert_null(rundiff_compare(fx.a, fx.b, o, &error));
  g_autofree char *want = g_strdup_printf(
    "%s and %s have no variant in common (x, y; z)", a, b);
  cr_assert_str_eq(error->message, want);
  g_error_free(error);
}

Test(rundiff, tolerance_for_no_field_suggests)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, base);
  g_autoptr(RunDiffOptions) o = rundiff_options_new();
  GError *error = NULL;
  cr_assert(rundiff_options_add_tolerance(o, "latency.p99=10", NULL));
  fx.a = rundiff_side_load(a, NULL);
  fx.b = rundiff_side_load(b, NULL);
  cr_assert_null(rundiff_compare(fx.a, fx.b, o, &error));
  cr_assert_str_eq(error->message, "--tolerance latency.p99: no such field "
                                   "in the summaries; did you mean "
                                   "latency.p99_ms?");
  g_error_free(error);
}

Test(rundiff, malformed_tolerances)
{
  g_autoptr(RunDiffOptions) o = rundiff_options_new();
  const char *bad[] = { "latency.p99_ms", "=5", "latency.p99_ms=-1",
                        "latency.p99_ms=5ms" };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    GError *error = NULL;
    cr_assert_not(rundiff_options_add_tolerance(o, bad[i], &error), "%s",
                  bad[i]);
    g_autofree char *want = g_strdup_printf(
      "--tolerance %s: expected FIELD=PCT, e.g. --tolerance "
      "latency.p99_ms=10 (percent; or FIELD=ignore)", bad[i]);
    cr_assert_str_eq(error->message, want);
    g_error_free(error);
  }
  GError *error = NULL;
  cr_assert_not(rundiff_options_set_default(o, "five", &error));
  cr_assert_str_eq(error->message, "--default-tolerance five: expected a "
                                   "percentage >= 0 such as 5 or 5%, or "
                                   "ignore");
  g_error_free(error);
  cr_assert(rundiff_options_set_default(o, "2.5%", NULL));
}

Test(rundiff, junit_has_a_case_per_field)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { 250, 10, 0, 0.995, 4 });
  const RunDiff *d = compare(NULL, NULL);
  g_autoptr(JunitReport) j = junit_report_new("ecsim diff");
  rundiff_add_junit(d, j);
  cr_assert_eq(junit_report_n_cases(j), 7);
  cr_assert_eq(junit_report_count(j, JUNIT_FAILED), 1);
  g_autofree char *xml = junit_report_to_string(j);
  cr_assert(strstr(xml, "<testcase classname=\"diff.base\" "
                        "name=\"latency.p99_ms\">\n      <failure "
                        "message=\"latency.p99_ms: A 180, B 250, change +70 "
                        "+38.9%: REGRESSION (tolerance 5%)\"") != NULL,
            "%s", xml);
}

/* What rundiff_print() writes. Returns a new string. */
static char *
printed(const RunDiff *d, gboolean all)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&buf, &len);
  rundiff_print(d, all, out);
  fclose(out);
  char *text = g_strdup(buf);
  free(buf);
  return text;
}

/* The row of @path in @text ("  latency.p99_ms  180 ..."). New string. */
static char *
row_of(const char *text, const char *path)
{
  g_autofree char *start = g_strdup_printf("  %s ", path);
  return test_line_of(text, start);
}

Test(rundiff, a_figure_that_becomes_null_is_a_regression)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { NAN, 10, 0, NAN, 4 });
  const RunDiff *d = compare(NULL, NULL);
  cr_assert_eq(verdict(NULL, "latency.p99_ms"), RUNDIFF_REGRESSION);
  cr_assert_eq(verdict(NULL, "slo.attainment"), RUNDIFF_REGRESSION);
  cr_assert_eq(rundiff_n_regressions(d), 2);
  g_autofree char *text = printed(d, FALSE);
  g_autofree char *row = row_of(text, "latency.p99_ms");
  g_auto(GStrv) cells = g_strsplit_set(row, " ", -1);
  GStrvBuilder *words = g_strv_builder_new();
  for (char **c = cells; *c; c++)
    if (**c)
      g_strv_builder_add(words, *c);
  g_auto(GStrv) w = g_strv_builder_end(words);
  g_strv_builder_unref(words);
  g_autofree char *joined = g_strjoinv(" ", w);
  cr_assert_str_eq(joined, "latency.p99_ms 180 null REGRESSION (now null)");
  cr_assert(g_str_has_suffix(text, "\n2 regressions\n"), "%s", text);
}

Test(rundiff, a_figure_that_becomes_null_passes_when_ignored)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { NAN, 10, 0, 0.995, 4 });
  const RunDiff *d = compare(NULL, "latency.*=ignore", NULL);
  cr_assert_eq(verdict(NULL, "latency.p99_ms"), RUNDIFF_WITHIN_TOLERANCE);
  cr_assert_eq(rundiff_n_regressions(d), 0);
  g_autofree char *text = printed(d, FALSE);
  g_autofree char *row = row_of(text, "latency.p99_ms");
  cr_assert(g_str_has_suffix(row, "worse (now null), tolerance ignored"),
            "%s", row);
}

Test(rundiff, a_null_figure_that_gets_a_value_is_a_change)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, (Figures) { NAN, 10, 0, NAN, 4 });
  write_summary(b, "base", "base", 1, base);
  const RunDiff *d = compare(NULL, NULL);
  cr_assert_eq(verdict(NULL, "latency.p99_ms"), RUNDIFF_CHANGED);
  cr_assert_eq(verdict(NULL, "slo.attainment"), RUNDIFF_CHANGED);
  cr_assert_eq(rundiff_n_regressions(d), 0);
  g_autofree char *text = printed(d, FALSE);
  g_autofree char *row = row_of(text, "latency.p99_ms");
  cr_assert(g_str_has_suffix(row, "changed (was null)"), "%s", row);
  cr_assert(g_str_has_suffix(text, "\nchanged, no regression\n"), "%s",
            text);
}

Test(rundiff, tolerance_for_a_service_field_of_a_single_service_run)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, (Figures) { 198, 10, 0, 0.995, 4 });
  /* p99 +10%: web's own tolerance allows it, the total's default does
   * not, as with several services. */
  const RunDiff *d = compare(NULL, "services.web.latency.p99_ms=20", NULL);
  const RunDiffField *f =
    rundiff_field(d, NULL, "services.web.latency.p99_ms");
  cr_assert_not_null(f);
  cr_assert_eq(f->tolerance, 20);
  cr_assert_eq(f->verdict, RUNDIFF_WITHIN_TOLERANCE);
  cr_assert_eq(verdict(NULL, "latency.p99_ms"), RUNDIFF_REGRESSION);
  cr_assert_eq(rundiff_n_regressions(d), 1);
  /* Only the fields named are compared: the rest still repeat totals. */
  cr_assert_null(rundiff_field(d, NULL, "services.web.requests.arrivals"));
}

Test(rundiff, glob_tolerance_for_service_fields_of_a_single_service_run)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, base);
  const RunDiff *d = compare(NULL, "services.*.latency.*=10", NULL);
  cr_assert_eq(rundiff_field(d, NULL, "services.web.latency.p99_ms")
                 ->tolerance, 10);
  cr_assert_eq(rundiff_n_changed(d), 0);
}

/* The message rundiff_compare() refuses @tolerance with. New string. */
static char *
tolerance_error(const char *tolerance)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1, base);
  write_summary(b, "base", "base", 1, base);
  g_autoptr(RunDiffOptions) o = rundiff_options_new();
  cr_assert(rundiff_options_add_tolerance(o, tolerance, NULL));
  fx.a = rundiff_side_load(a, NULL);
  fx.b = rundiff_side_load(b, NULL);
  GError *error = NULL;
  cr_assert_null(rundiff_compare(fx.a, fx.b, o, &error), "%s", tolerance);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

Test(rundiff, tolerance_for_a_service_field_with_a_typo_suggests)
{
  g_autofree char *msg = tolerance_error("services.web.latency.p99=10");
  cr_assert_str_eq(msg, "--tolerance services.web.latency.p99: no such "
                        "field in the summaries; did you mean "
                        "services.web.latency.p99_ms?");
}

Test(rundiff, tolerance_for_a_service_that_did_not_run)
{
  g_autofree char *msg = tolerance_error("services.api.cost.total=10");
  cr_assert(g_str_has_prefix(msg, "--tolerance services.api.cost.total: no "
                                  "such field in the summaries"), "%s", msg);
}

Test(rundiff, values_that_differ_are_printed_differently)
{
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  write_summary(a, "base", "base", 1,
                (Figures) { 1234.5678, 123456.78, 0, 0.995, 4 });
  write_summary(b, "base", "base", 1,
                (Figures) { 1234.5672, 123456.82, 0, 0.995, 4 });
  const RunDiff *d = compare(NULL, NULL);
  g_autofree char *text = printed(d, FALSE);
  g_autofree char *p99 = row_of(text, "latency.p99_ms");
  /* 1234.57 twice at the usual 6 digits. */
  cr_assert(strstr(p99, " 1234.568     1234.567 ") != NULL, "%s", p99);
  g_autofree char *cost = row_of(text, "cost.total_usd");
  cr_assert(strstr(cost, " 123456.78    123456.82 ") != NULL, "%s", cost);
  g_autofree char *again = printed(d, FALSE);
  cr_assert_str_eq(text, again);
}

Test(rundiff, a_figure_equal_in_every_seed_is_no_change)
{
  /* A ran one seed, B three; p99 is 180.2 in each. Summing 180.2 three
   * times and dividing gives 180.19999999999996. */
  g_autofree char *a = side_dir("a"), *b = side_dir("b");
  Figures f = base;
  f.p99 = 180.2;
  write_summary(a, "seed-1/base", "base", 1, f);
  for (int s = 1; s <= 3; s++) {
    g_autofree char *sub = g_strdup_printf("seed-%d/base", s);
    write_summary(b, sub, "base", s, f);
  }
  const RunDiff *d = compare(NULL, NULL);
  cr_assert_eq(rundiff_field(d, NULL, "latency.p99_ms")->b, 180.2);
  cr_assert_eq(rundiff_n_changed(d), 0);
}

/* Found by fuzzing (tests/fuzz/regressions/summary): a member named ""
 * holding an array made the reader take the array's elements for the
 * top level, and compare their (absent) names: a crash. */
Test(rundiff, member_named_empty_is_read_as_any_other)
{
  const char *text =
    "{\"schema\": \"ecsim-summary/1\", \"scenario\": {\"name\": \"s\", "
    "\"variant\": \"base\", \"seed\": 1, \"duration_s\": 600}, "
    "\"\": [3, {\"x\": 4}]}";
  for (int i = 0; i < 2; i++) {
    g_autofree char *dir = side_dir(i ? "b/base" : "a/base");
    g_mkdir_with_parents(dir, 0755);
    g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
    cr_assert(g_file_set_contents(path, text, -1, NULL));
  }
  compare(NULL, NULL);
  cr_assert_eq(verdict("base", "0"), RUNDIFF_SAME);
  cr_assert_eq(verdict("base", "1.x"), RUNDIFF_SAME);
}

/* Found by fuzzing (tests/fuzz/regressions/summary): a seed of 1e105
 * was converted to an integer it does not fit (undefined behaviour); a
 * seed that is no whole number is no ecsim summary's. */
Test(rundiff, seed_that_is_no_whole_number_is_refused)
{
  const char *seeds[] = { "1e105", "1.5" };
  for (gsize i = 0; i < G_N_ELEMENTS(seeds); i++) {
    g_autofree char *path = side_dir("summary.json");
    g_autofree char *text = g_strdup_printf(
      "{\"schema\": \"ecsim-summary/1\", \"scenario\": {\"name\": \"s\", "
      "\"variant\": \"base\", \"seed\": %s}}", seeds[i]);
    cr_assert(g_file_set_contents(path, text, -1, NULL));
    GError *error = NULL;
    cr_assert_null(rundiff_side_load(path, &error), "seed %s", seeds[i]);
    g_autofree char *want = g_strdup_printf(
      "%s: not an ecsim summary (\"schema\": \"ecsim-summary/1\" with "
      "scenario.variant and scenario.seed)", path);
    cr_assert_str_eq(error->message, want);
    g_error_free(error);
  }
}
