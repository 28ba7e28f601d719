/* Sweeps: grid values, sweep files, run numbering, confidence intervals
 * over seeds and the --best rule (at the confidence bound). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/experiments/sweep-adaptive.h"
#include "models/experiments/sweep-stats.h"
#include "models/experiments/sweep.h"
#include "support.h"

static void
assert_values(GPtrArray *values, const char *const *expected)
{
  cr_assert_not_null(values);
  guint n = g_strv_length((char **) expected);
  cr_assert_eq(values->len, n, "%u values, expected %u", values->len, n);
  for (guint i = 0; i < n; i++)
    cr_assert_str_eq(values->pdata[i], expected[i]);
}

static char *
values_error(const char *spec)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) v = sweep_values_parse(spec, "--grid /x", &error);
  cr_assert_null(v, "%s: parsed", spec);
  return g_strdup(error->message);
}

Test(sweep, range_includes_its_stop)
{
  g_autoptr(GPtrArray) v = sweep_values_parse("40:80:10", "w", NULL);
  assert_values(v, (const char *[]) { "40", "50", "60", "70", "80", NULL });
}

Test(sweep, range_stops_before_a_stop_it_does_not_reach)
{
  g_autoptr(GPtrArray) v = sweep_values_parse("0:10:4", "w", NULL);
  assert_values(v, (const char *[]) { "0", "4", "8", NULL });
}

Test(sweep, fractional_range_is_written_without_rounding_dust)
{
  g_autoptr(GPtrArray) v = sweep_values_parse("0.1:0.5:0.1", "w", NULL);
  assert_values(v, (const char *[]) { "0.1", "0.2", "0.3", "0.4", "0.5",
                                      NULL });
}

Test(sweep, descending_range)
{
  g_autoptr(GPtrArray) v = sweep_values_parse("80:40:-20", "w", NULL);
  assert_values(v, (const char *[]) { "80", "60", "40", NULL });
}

Test(sweep, list_of_numbers_strings_and_json)
{
  g_autoptr(GPtrArray) a = sweep_values_parse("512, 1024", "w", NULL);
  assert_values(a, (const char *[]) { "512", "1024", NULL });
  g_autoptr(GPtrArray) b = sweep_values_parse("EC2,FARGATE", "w", NULL);
  assert_values(b, (const char *[]) { "\"EC2\"", "\"FARGATE\"", NULL });
  g_autoptr(GPtrArray) c = sweep_values_parse("[1,2],{\"a\":\"x,y\"},2h",
                                              "w", NULL);
  assert_values(c, (const char *[]) { "[1,2]", "{\"a\":\"x,y\"}", "\"2h\"",
                                      NULL });
  g_autoptr(GPtrArray) d = sweep_values_parse("cron(0 9 * * ? *)", "w",
                                              NULL);
  assert_values(d, (const char *[]) { "\"cron(0 9 * * ? *)\"", NULL });
}

Test(sweep, zero_step_is_refused)
{
  g_autofree char *msg = values_error("1:5:0");
  cr_assert_str_eq(msg, "--grid /x: the step of a range must not be 0");
}

Test(sweep, step_away_from_stop_is_refused)
{
  g_autofree char *msg = values_error("80:40:10");
  cr_assert_str_eq(msg, "--grid /x: the step 10 never reaches 40 from 80 "
                        "(use a negative step)");
}

Test(sweep, range_without_step_is_refused)
{
  g_autofree char *msg = values_error("40:80");
  cr_assert_str_eq(msg, "--grid /x: a range is START:STOP:STEP, e.g. "
                        "40:80:10");
}

Test(sweep, empty_list_item_is_refused)
{
  g_autofree char *msg = values_error("1,,2");
  cr_assert_str_eq(msg, "--grid /x: value 2 of 3 is empty (values are "
                        "separated by single commas)");
}

Test(sweep, empty_spec_is_refused)
{
  g_autofree char *msg = values_error("");
  cr_assert_str_eq(msg, "--grid /x: no values: give START:STOP:STEP or a "
                        "comma-separated list");
}

Test(sweep, huge_range_is_refused)
{
  g_autofree char *msg = values_error("0:1e9:1");
  cr_assert_str_eq(msg, "--grid /x: 1000000001 values, more than the "
                        "100000 allowed");
}

Test(sweep, grid_argument_names_its_pointer)
{
  g_autoptr(SweepAxis) a = sweep_axis_parse("services/0/desiredCount=1,2",
                                            NULL);
  cr_assert_not_null(a);
  cr_assert_str_eq(a->pointer, "/services/0/desiredCount");
  assert_values(a->values, (const char *[]) { "1", "2", NULL });
}

Test(sweep, grid_argument_without_pointer_is_refused)
{
  const char *bad[] = { "/x", "=1,2", "/=1" };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    cr_assert_null(sweep_axis_parse(bad[i], &error));
    g_autofree char *want = g_strdup_printf(
      "--grid %s: expected /json/pointer=VALUES, e.g. --grid "
      "/services/0/desiredCount=2:6:2 or --grid "
      "/taskDefinitions/0/cpu=512,1024", bad[i]);
    cr_assert_str_eq(error->message, want);
  }
}

Test(sweep, seed_is_not_a_grid_axis)
{
  g_autoptr(GError) error = NULL;
  cr_assert_null(sweep_axis_parse("/seed=1:5:1", &error));
  cr_assert_str_eq(error->message, "--grid /seed=1:5:1: seeds are swept "
                                   "with --seeds (the first one is --seed "
                                   "or the scenario's)");
}

static char *
write_temp(const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  return path;
}

Test(sweep, sweep_file_is_read)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = write_temp(dir, "s.json",
    "{\"scenario\": \"web.json\", \"grid\": {\"/a\": \"1:3:1\", "
    "\"/b\": [512, \"x\"]}, \"seeds\": 4, \"seed\": 9, \"variants\": "
    "\"ec2\", \"set\": {\"/duration\": \"1h\"}, \"best\": [\"p99<1s\"], "
    "\"minimize\": \"p50\"}");
  cr_assert(sweep_file_detect(path));
  g_auto(SweepFile) f = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert(sweep_file_load(path, &f, &error), "%s",
            error ? error->message : "");
  g_autofree char *scn = g_build_filename(dir, "web.json", NULL);
  cr_assert_str_eq(f.scenario, scn);
  cr_assert_eq(f.axes->len, 2);
  assert_values(((SweepAxis *) f.axes->pdata[0])->values,
                (const char *[]) { "1", "2", "3", NULL });
  assert_values(((SweepAxis *) f.axes->pdata[1])->values,
                (const char *[]) { "512", "\"x\"", NULL });
  cr_assert_eq(f.seeds, 4);
  cr_assert(f.has_seed && f.seed == 9);
  cr_assert_str_eq(f.variants[0], "ec2");
  cr_assert_str_eq(f.sets[0], "/duration=\"1h\"");
  cr_assert_str_eq(f.best[0], "p99<1s");
  cr_assert_str_eq(f.minimize, "p50");
  test_rmrf(dir);
}

Test(sweep, sweep_file_errors_name_the_member)
{
  g_autofree char *dir = test_tmpdir();
  const char *cases[][2] = {
    { "{\"scenario\": \"w.json\", \"seed\": 1, \"grids\": {}}",
      "/grids: unknown key in a sweep file (did you mean \"grid\"?)" },
    { "{\"scenario\": \"w.json\", \"seeds\": 0}",
      "/seeds: must be an integer from 1 to 1e15, got 0" },
    { "{\"scenario\": \"w.json\", \"seeds\": 2.5}",
      "/seeds: must be an integer >= 1, got a fraction" },
    /* Found by fuzzing: 1e3090 reads as inf, which was cast to an
     * integer (undefined behaviour) before the range was checked. */
    { "{\"scenario\": \"w.json\", \"seed\": 101e3090}",
      "/seed: must be an integer from 0 to 1e15, got inf" },
    { "{\"grid\": {}}", "/scenario: missing: the scenario file to sweep" },
    { "{\"scenario\": \"w.json\", \"grid\": {\"/a\": \"1:2:0\"}}",
      "/grid/~1a: the step of a range must not be 0" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *path = write_temp(dir, "s.json", cases[i][0]);
    g_auto(SweepFile) f = { 0 };
    g_autoptr(GError) error = NULL;
    cr_assert_not(sweep_file_load(path, &f, &error), "%s", cases[i][0]);
    g_autofree char *want = g_strdup_printf("%s: %s", path, cases[i][1]);
    cr_assert_str_eq(error->message, want);
  }
  test_rmrf(dir);
}

/* Found by fuzzing (tests/fuzz/regressions/sweep): a member given twice
 * was read twice, the second silently replacing the first. */
Test(sweep, sweep_file_member_given_twice_is_refused)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = write_temp(dir, "s.json",
    "{\"scenario\": \"w.json\", \"set\": [\"/seed=1\"], "
    "\"set\": [\"/seed=2\"]}");
  g_auto(SweepFile) f = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert_not(sweep_file_load(path, &f, &error));
  g_autofree char *want = g_strdup_printf("%s: /set: key appears twice", path);
  cr_assert_str_eq(error->message, want);
  test_rmrf(dir);
}

/* A plan of two axes (3 and 2 values), two variants and three seeds,
 * not prepared: numbering needs no scenario. */
static SweepPlan *
small_plan(void)
{
  SweepPlan *plan = sweep_plan_new("x.json");
  g_ptr_array_add(plan->axes, sweep_axis_parse("/a=1:3:1", NULL));
  g_ptr_array_add(plan->axes, sweep_axis_parse("/b=x,y", NULL));
  plan->variants = g_strsplit("fargate,ec2", ",", -1);
  plan->n_seeds = 3;
  plan->axis_names = g_strsplit("a,b", ",", -1);
  return plan;
}

Test(sweep, runs_are_numbered_seed_major)
{
  g_autoptr(SweepPlan) plan = small_plan();
  cr_assert_eq(sweep_plan_n_points(plan), 6);
  cr_assert_eq(sweep_plan_n_runs(plan), 36);
  guint p, v, k;
  sweep_plan_locate(plan, 0, &p, &v, &k);
  cr_assert(p == 0 && v == 0 && k == 0);
  sweep_plan_locate(plan, 11, &p, &v, &k);
  cr_assert(p == 5 && v == 1 && k == 0, "%u %u %u", p, v, k);
  sweep_plan_locate(plan, 12, &p, &v, &k);
  cr_assert(p == 0 && v == 0 && k == 1);
  sweep_plan_locate(plan, 35, &p, &v, &k);
  cr_assert(p == 5 && v == 1 && k == 2);
  /* The first axis is the slowest. */
  cr_assert_str_eq(sweep_plan_value(plan, 1, 0), "1");
  cr_assert_str_eq(sweep_plan_value(plan, 1, 1), "\"y\"");
  cr_assert_str_eq(sweep_plan_value(plan, 2, 0), "2");
  g_autofree char *label = sweep_plan_point_label(plan, 3);
  cr_assert_str_eq(label, "a=2 b=\"y\"");
  g_autofree char *key = sweep_plan_point_key(plan, 3);
  cr_assert_str_eq(key, "{\"/a\":2,\"/b\":\"y\"}");
}

Test(sweep, result_survives_its_text_form)
{
  SweepResult r = { .run = 17, .summary = cJSON_Parse("{\"cost\":{\"total_"
                                                      "usd\":0.1234567}}"),
                    .timing = cJSON_Parse("{\"wall_s\":1.5}") };
  g_autofree char *text = sweep_result_to_text(&r);
  g_autoptr(SweepResult) back = sweep_result_from_text(text);
  cr_assert_not_null(back);
  cr_assert_eq(back->run, 17);
  cr_assert_float_eq(sweep_metric_of(SWEEP_COST, back->summary), 0.1234567,
                     1e-15);
  cr_assert_null(back->error);
  cr_assert_null(sweep_result_from_text("{\"x\": 1}"));
  cJSON_Delete(r.summary);
  cJSON_Delete(r.timing);
}

Test(sweep, ci95_is_student_t_over_the_values_present)
{
  const double v[] = { 1, 2, NAN, 3, 4, 5 };
  double mean, half;
  guint n;
  sweep_ci95(v, G_N_ELEMENTS(v), &mean, &half, &n);
  cr_assert_eq(n, 5);
  cr_assert_float_eq(mean, 3.0, 1e-12);
  /* t(0.975, 4) = 2.776445; s = sqrt(2.5); half = t s / sqrt(5). */
  cr_assert_float_eq(half, 2.776445105 * sqrt(2.5) / sqrt(5.0), 1e-8);
  sweep_ci95(v, 1, &mean, &half, &n);
  cr_assert(n == 1 && mean == 1 && isnan(half));
  sweep_ci95(v + 2, 1, &mean, &half, &n);
  cr_assert(n == 0 && isnan(mean));
}

Test(sweep, groups_aggregate_seeds_per_point_and_variant)
{
  /* Runs in seed-major order: (p0,v0) (p0,v1) (p1,v0), twice. */
  const guint points[] = { 0, 0, 1, 0, 0, 1 };
  const guint variants[] = { 0, 1, 0, 0, 1, 0 };
  double values[6 * SWEEP_N_METRICS];
  for (int r = 0; r < 6; r++)
    for (int m = 0; m < SWEEP_N_METRICS; m++)
      values[r * SWEEP_N_METRICS + m] = r + m;
  g_autoptr(GArray) g = sweep_groups(points, variants, values, 6);
  cr_assert_eq(g->len, 3);
  const SweepGroup *a = &g_array_index(g, SweepGroup, 0);
  const SweepGroup *b = &g_array_index(g, SweepGroup, 1);
  const SweepGroup *c = &g_array_index(g, SweepGroup, 2);
  cr_assert(a->point == 0 && a->variant == 0 && a->n == 2);
  cr_assert(b->point == 0 && b->variant == 1 && b->n == 2);
  cr_assert(c->point == 1 && c->variant == 0 && c->n == 2);
  cr_assert_float_eq(a->mean[SWEEP_COST], 1.5, 1e-12);   /* runs 0, 3 */
  cr_assert_float_eq(c->mean[SWEEP_P99], 3.5 + SWEEP_P99, 1e-12);
  /* Two values 3 apart: half = t(0.975, 1) * 1.5 = 12.706 * 1.5. */
  cr_assert_float_eq(a->half[SWEEP_COST], 12.7062047 * 1.5, 1e-5);
}

/* Three seeds whose p99s landed in one histogram bucket used to print
 * "p99 201.7 ms +- 0.0 ms": the half-width is never narrower than the
 * histogram can tell apart (0.512 ms at 200 ms). Cost keeps its own. */
Test(sweep, latency_half_width_is_at_least_the_histogram_resolution)
{
  const guint points[] = { 0, 0, 0 };
  const guint variants[] = { 0, 0, 0 };
  double values[3 * SWEEP_N_METRICS];
  for (int r = 0; r < 3; r++)
    for (int m = 0; m < SWEEP_N_METRICS; m++)
      values[r * SWEEP_N_METRICS + m] = m == SWEEP_P99 ? 201.7 : 1.25;
  g_autoptr(GArray) g = sweep_groups(points, variants, values, 3);
  const SweepGroup *a = &g_array_index(g, SweepGroup, 0);
  cr_assert_float_eq(a->half[SWEEP_P99], 0.512, 1e-9);
  cr_assert_float_eq(a->half[SWEEP_P50], 0.004, 1e-9, "4 us at 1.25 ms");
  cr_assert_float_eq(a->half[SWEEP_COST], 0.0, 1e-12);
  /* A wider interval is kept as it is. */
  values[SWEEP_P99] = 190.0;
  g_autoptr(GArray) h = sweep_groups(points, variants, values, 3);
  cr_assert_gt(g_array_index(h, SweepGroup, 0).half[SWEEP_P99], 10.0);
}

static SweepConstraint
constraint(const char *text)
{
  SweepConstraint c;
  g_autoptr(GError) error = NULL;
  cr_assert(sweep_constraint_parse(text, &c, &error), "%s: %s", text,
            error ? error->message : "");
  return c;
}

Test(sweep, constraints_read_units)
{
  struct {
    const char *text;
    SweepMetric m;
    gboolean below, strict;
    double limit;
  } cases[] = {
    { "p99<200ms", SWEEP_P99, TRUE, TRUE, 200 },
    { "p99 <= 0.2s", SWEEP_P99, TRUE, FALSE, 200 },
    { "p50<35", SWEEP_P50, TRUE, TRUE, 35 },
    { "p99.9<1s", SWEEP_P999, TRUE, TRUE, 1000 },
    { "slo>0.99", SWEEP_SLO, FALSE, TRUE, 0.99 },
    { "slo>=99.5%", SWEEP_SLO, FALSE, FALSE, 0.995 },
    { "cost<$12.5", SWEEP_COST, TRUE, TRUE, 12.5 },
    { "error_rate<0.1%", SWEEP_ERROR_RATE, TRUE, TRUE, 0.001 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    SweepConstraint c = constraint(cases[i].text);
    cr_assert_eq(c.metric, cases[i].m, "%s", cases[i].text);
    cr_assert_eq(c.below, cases[i].below, "%s", cases[i].text);
    cr_assert_eq(c.strict, cases[i].strict, "%s", cases[i].text);
    cr_assert_float_eq(c.limit, cases[i].limit, 1e-9, "%s", cases[i].text);
    sweep_constraint_clear(&c);
  }
}

Test(sweep, malformed_constraints_are_refused)
{
  const char *cases[][2] = {
    { "p99", "--best p99: expected METRIC<LIMIT or METRIC>LIMIT, e.g. "
             "'p99<200ms' or 'slo>0.99'" },
    { "p99<fast", "--best p99<fast: 'fast' is not a latency (e.g. 200ms, "
                  "0.2s, or 200 for milliseconds)" },
    { "slo>99", "--best slo>99: '99' is not a share of requests (e.g. 0.99 "
                "or 99%)" },
    { "speed<3", "--best speed<3: unknown metric 'speed' (one of: cost, p50, "
                 "p90, p99, p999, slo, error_rate, task_hours, "
                 "instance_hours, cpu)" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    SweepConstraint c;
    g_autoptr(GError) error = NULL;
    cr_assert_not(sweep_constraint_parse(cases[i][0], &c, &error));
    cr_assert_str_eq(error->message, cases[i][1]);
  }
}

static SweepGroup
group(guint point, guint n, double cost, double cost_half, double p99,
      double p99_half, double slo, double slo_half)
{
  SweepGroup g = { .point = point, .n = n };
  for (int m = 0; m < SWEEP_N_METRICS; m++)
    g.mean[m] = g.half[m] = NAN;
  g.mean[SWEEP_COST] = cost;
  g.half[SWEEP_COST] = cost_half;
  g.mean[SWEEP_P99] = p99;
  g.half[SWEEP_P99] = p99_half;
  g.mean[SWEEP_SLO] = slo;
  g.half[SWEEP_SLO] = slo_half;
  return g;
}

Test(sweep, best_holds_the_constraint_at_the_upper_bound)
{
  g_autoptr(GArray) g = g_array_new(FALSE, FALSE, sizeof(SweepGroup));
  SweepGroup rows[] = {
    /* cheapest, p99 190 on average but up to 210: not proven < 200 */
    group(0, 10, 1.0, 0.05, 190, 20, 0.999, 0.0005),
    group(1, 10, 2.0, 0.05, 150, 10, 0.999, 0.0005),
    group(2, 10, 1.5, 0.05, 180, 5, 0.999, 0.0005),
    /* cheaper still, p99 well below, but one seed: no interval */
    group(3, 1, 0.5, NAN, 100, NAN, 0.999, NAN),
  };
  g_array_append_vals(g, rows, G_N_ELEMENTS(rows));
  SweepConstraint c = constraint("p99<200ms");
  SweepBest b = sweep_best(g, &c, 1, SWEEP_COST);
  cr_assert_eq(b.best, 2);
  cr_assert_eq(b.runner_up, 1);
  cr_assert_eq(b.qualified, 2);
  cr_assert_eq(b.on_mean, 2); /* points 0 and 3 */
  cr_assert_float_eq(sweep_constraint_bound(&c, &rows[0]), 210, 1e-9);
  sweep_constraint_clear(&c);
}

Test(sweep, best_holds_a_lower_limit_at_the_lower_bound)
{
  g_autoptr(GArray) g = g_array_new(FALSE, FALSE, sizeof(SweepGroup));
  SweepGroup rows[] = {
    group(0, 5, 1.0, 0.1, 100, 1, 0.991, 0.002),  /* 0.989: not > 0.99 */
    group(1, 5, 1.2, 0.1, 100, 1, 0.995, 0.002),  /* 0.993 */
  };
  g_array_append_vals(g, rows, G_N_ELEMENTS(rows));
  SweepConstraint c = constraint("slo>0.99");
  SweepBest b = sweep_best(g, &c, 1, SWEEP_COST);
  cr_assert_eq(b.best, 1);
  cr_assert_eq(b.runner_up, -1);
  sweep_constraint_clear(&c);
}

Test(sweep, best_reports_none_and_the_nearest)
{
  g_autoptr(GArray) g = g_array_new(FALSE, FALSE, sizeof(SweepGroup));
  SweepGroup rows[] = {
    group(0, 5, 1.0, 0.1, 260, 10, 0.9, 0.01),  /* bound 270 */
    group(1, 5, 2.0, 0.1, 205, 10, 0.9, 0.01),  /* bound 215: nearest */
  };
  g_array_append_vals(g, rows, G_N_ELEMENTS(rows));
  SweepConstraint cs[] = { constraint("p99<200ms"), constraint("cost<5") };
  SweepBest b = sweep_best(g, cs, 2, SWEEP_COST);
  cr_assert_eq(b.best, -1);
  cr_assert_eq(b.qualified, 0);
  cr_assert_eq(b.nearest, 1);
  SweepBest any = sweep_best(g, NULL, 0, SWEEP_P50);
  cr_assert_eq(any.best, -1, "p50 is NAN: nothing to minimise");
  SweepBest cheap = sweep_best(g, NULL, 0, SWEEP_COST);
  cr_assert_eq(cheap.best, 0);
  for (gsize i = 0; i < G_N_ELEMENTS(cs); i++)
    sweep_constraint_clear(&cs[i]);
}

/* ---- --adaptive ------------------------------------------------------ */

/* Ten groups and two constraints: 30 intervals, each at 1 - 0.05/30. */
Test(sweep, adaptive_intervals_are_bonferroni_adjusted)
{
  cr_assert_float_eq(sweep_adaptive_level(10, 2), 1 - 0.05 / 30, 1e-12);
  cr_assert_float_eq(sweep_adaptive_level(1, 0), 0.95, 1e-12);
  /* The half-width grows with the level: t(0.99833, 2) / t(0.975, 2). */
  const double v[] = { 1, 2, 3 };
  double mean, h95, hadj;
  guint n;
  sweep_ci95(v, 3, &mean, &h95, &n);
  sweep_ci(v, 3, sweep_adaptive_level(10, 2), &mean, &hadj, &n);
  cr_assert(hadj > 5 * h95, "%g vs %g", hadj, h95);
}

/* Only the groups whose interval overlaps the decision get a seed: not
 * one that fails its constraint for sure, not one costlier for sure;
 * one whose constraint is undecided and one that may beat the best do,
 * and so does the best while one of them may beat it. */
Test(sweep, adaptive_opens_only_the_groups_the_decision_hangs_on)
{
  g_autoptr(GArray) g = g_array_new(FALSE, FALSE, sizeof(SweepGroup));
  SweepGroup rows[] = {
    group(0, 3, 1.00, 0.05, 190, 5, 0.999, 0.0005),  /* the best */
    group(1, 3, 0.50, 0.05, 260, 5, 0.999, 0.0005),  /* infeasible */
    group(2, 3, 2.00, 0.05, 150, 5, 0.999, 0.0005),  /* costlier */
    group(3, 3, 0.90, 0.05, 198, 5, 0.999, 0.0005),  /* p99 undecided */
    group(4, 3, 1.08, 0.05, 150, 5, 0.999, 0.0005),  /* may beat 0 */
  };
  g_array_append_vals(g, rows, G_N_ELEMENTS(rows));
  SweepConstraint c = constraint("p99<200ms");
  gboolean open[5];
  int best = sweep_adaptive_judge(g, &c, 1, SWEEP_COST, open);
  cr_assert_eq(best, 0);
  cr_assert(open[0] && !open[1] && !open[2] && open[3] && open[4]);
  /* Group 4 settled as costlier, group 3 as infeasible: nothing open. */
  g_array_index(g, SweepGroup, 4).half[SWEEP_COST] = 0.02;
  g_array_index(g, SweepGroup, 0).half[SWEEP_COST] = 0.02;
  g_array_index(g, SweepGroup, 3).mean[SWEEP_P99] = 206;
  best = sweep_adaptive_judge(g, &c, 1, SWEEP_COST, open);
  cr_assert_eq(best, 0);
  for (int i = 0; i < 5; i++)
    cr_assert(!open[i], "group %d", i);
  sweep_constraint_clear(&c);
}

/* An undecided group far cheaper than the best needs its own seeds, not
 * the best's; with no group meeting the constraints yet, every group
 * that may still meet them is open. */
Test(sweep, adaptive_best_waits_only_for_groups_that_overlap_it)
{
  g_autoptr(GArray) g = g_array_new(FALSE, FALSE, sizeof(SweepGroup));
  SweepGroup rows[] = {
    group(0, 3, 1.00, 0.05, 190, 5, 0.999, 0.0005),
    group(1, 3, 0.50, 0.05, 198, 5, 0.999, 0.0005),
  };
  g_array_append_vals(g, rows, G_N_ELEMENTS(rows));
  SweepConstraint c = constraint("p99<200ms");
  gboolean open[2];
  cr_assert_eq(sweep_adaptive_judge(g, &c, 1, SWEEP_COST, open), 0);
  cr_assert(!open[0] && open[1]);
  g_array_index(g, SweepGroup, 0).mean[SWEEP_P99] = 197;
  cr_assert_eq(sweep_adaptive_judge(g, &c, 1, SWEEP_COST, open), -1);
  cr_assert(open[0] && open[1]);
  sweep_constraint_clear(&c);
}

/* The first round is every group's first seeds in run order; later
 * rounds give each open group its next seed (the full sweep's replicate,
 * so seeds are shared), within the budget left and --seeds. */
Test(sweep, adaptive_rounds_take_each_open_group_its_next_seed)
{
  g_autoptr(SweepPlan) plan = small_plan();   /* 12 groups x 3 seeds */
  gboolean done[36] = { FALSE };
  g_autoptr(GArray) first = sweep_adaptive_first_round(plan, 2, done);
  cr_assert_eq(first->len, 24);
  for (guint i = 0; i < first->len; i++) {
    cr_assert_eq(g_array_index(first, guint, i), i);
    done[i] = TRUE;
  }
  g_autoptr(GArray) g = g_array_new(FALSE, FALSE, sizeof(SweepGroup));
  for (guint i = 0; i < 12; i++) {
    SweepGroup row = { .point = i / 2, .variant = i % 2, .n = 2 };
    g_array_append_val(g, row);
  }
  gboolean open[12] = { FALSE };
  open[3] = open[7] = open[10] = TRUE;
  gboolean capped;
  g_autoptr(GArray) next = sweep_adaptive_next_round(plan, g, open, done,
                                                     100, &capped);
  cr_assert_eq(next->len, 3);
  cr_assert(!capped);
  cr_assert_eq(g_array_index(next, guint, 0), 24 + 3);
  cr_assert_eq(g_array_index(next, guint, 2), 24 + 10);
  g_autoptr(GArray) cut = sweep_adaptive_next_round(plan, g, open, done, 2,
                                                    &capped);
  cr_assert_eq(cut->len, 2, "the budget left holds two runs");
  done[24 + 3] = done[24 + 7] = done[24 + 10] = TRUE;
  g_autoptr(GArray) none = sweep_adaptive_next_round(plan, g, open, done,
                                                     100, &capped);
  cr_assert(none->len == 0 && capped, "every --seeds seed is spent");
}
