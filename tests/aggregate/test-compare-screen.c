/* `ecsim compare`'s screened break-even against the all-request-level
 * search (--no-screen), on a shortened flagship: issue 20 asks for the
 * same break-even within the request-level search's bisection
 * tolerance. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

/* The flagship (scenarios/fargate-vs-ec2.json, Fargate against EC2) over
 * the six busiest hours, in slow motion: a tenth of the requests, each
 * ten times as long (and the timeout and SLO with them), so each task
 * holds the same work in flight and autoscaling, placement and the bill
 * behave as in the flagship's afternoon, for a tenth of the request
 * events. Its break-even is clear: near 0.74x the costs part by 4-7%.
 * At 1x they come back within 1% (EC2 needs an instance more), and in
 * the aggregate fidelity EC2 is dearer there by 0.01%: the screen finds
 * the crossing only by probing beside that tie (compare-breakeven.c,
 * probe_ties()). */
static const char *const shortened_flagship[] = {
  "--variant", "fargate", "--variant", "ec2",
  "--set", "/duration=\"6h\"", "--set", "/start_at=\"10h\"",
  "--set", "/services/0/workload/traffic/mean_rps=50",
  "--set", "/services/0/workload/traffic/peak_rps=95",
  "--set", "/services/0/workload/service_time/mean=\"350ms\"",
  "--set", "/services/0/workload/timeout=\"50s\"",
  "--set", "/slo/p99=\"2500ms\"",
};

/* The flagship's whole day in the same slow motion: 4.3 M requests. Its
 * crossing is the flagship's, about 2.8x, where the costs part by 2% or
 * less over several levels. The request-level runs at the ends of the
 * screen's bracket part by 2.05-2.28% and 0.64-1.06% (seeds 1 to 6):
 * within a 3% tie, on the same side. */
static const char *const slow_motion_day[] = {
  "--variant", "fargate", "--variant", "ec2", "--set", "/seed=5",
  "--set", "/services/0/workload/traffic/mean_rps=50",
  "--set", "/services/0/workload/traffic/peak_rps=95",
  "--set", "/services/0/workload/service_time/mean=\"350ms\"",
  "--set", "/services/0/workload/timeout=\"50s\"",
  "--set", "/slo/p99=\"2500ms\"",
};

/* The break_even member of compare.json in @dir, after a compare of
 * the flagship with the @n options @sets and @extra (NULL or one more
 * option). */
static cJSON *
compare_with(const char *dir, const char *const *sets, gsize n,
             const char *extra)
{
  g_autofree char *scn = g_build_filename(test_source_root(), "scenarios",
                                          "fargate-vs-ec2.json", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new();
  g_ptr_array_add(args, (gpointer) "compare");
  g_ptr_array_add(args, scn);
  for (gsize i = 0; i < n; i++)
    g_ptr_array_add(args, (gpointer) sets[i]);
  if (extra != NULL)
    g_ptr_array_add(args, (gpointer) extra);
  const char *tail[] = { "-q", "--force", "-o", dir, NULL }; /* ends argv */
  for (gsize i = 0; i < G_N_ELEMENTS(tail); i++)
    g_ptr_array_add(args, (gpointer) tail[i]);
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_runv(NULL, &out, &err, (const char *const *) args->pdata);
  cr_assert_eq(status, 0, "%s", err);
  g_autofree char *text = test_read_file(dir, "compare.json");
  cJSON *json = cJSON_Parse(text);
  cr_assert_not_null(json);
  cJSON *be = cJSON_DetachItemFromArray(
    cJSON_GetObjectItem(json, "break_even"), 0);
  cJSON_Delete(json);
  cr_assert_not_null(be);
  return be;
}

/* compare_with() the shortened flagship. */
static cJSON *
compare_shortened(const char *dir, const char *extra)
{
  return compare_with(dir, shortened_flagship,
                      G_N_ELEMENTS(shortened_flagship), extra);
}

static double
number_of(const cJSON *o, const char *key)
{
  const cJSON *n = cJSON_GetObjectItem(o, key);
  cr_assert(cJSON_IsNumber(n), "%s is not a number", key);
  return n->valuedouble;
}

/* The screen finds the crossing in the aggregate fidelity, request-level
 * runs confirm it, and the answer is the request-level search's within
 * its final bracket (3 halvings of a factor-2 bracket: 2^(1/8), 9%),
 * from fewer request-level runs. */
Test(compare_screen, a_screened_break_even_is_the_request_level_one,
     .timeout = 900)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *plain_dir = g_build_filename(dir, "plain", NULL);
  g_autofree char *screen_dir = g_build_filename(dir, "screen", NULL);
  cJSON *plain = compare_shortened(plain_dir, "--no-screen");
  cJSON *screened = compare_shortened(screen_dir, NULL);

  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(plain, "found")));
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(screened, "found")));
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(screened, "confirmed")),
            "%s", cJSON_GetStringValue(cJSON_GetObjectItem(screened,
                                                           "statement")));
  cr_assert_str_eq(
    cJSON_GetStringValue(cJSON_GetObjectItem(screened, "cheaper_above")),
    cJSON_GetStringValue(cJSON_GetObjectItem(plain, "cheaper_above")));
  double s_plain = number_of(plain, "traffic_scale");
  double s_screen = number_of(screened, "traffic_scale");
  cr_assert_leq(fabs(log(s_screen / s_plain)), log(2.0) / 8,
                "screened %.3fx against request-level %.3fx", s_screen,
                s_plain);
  /* Every level the answer rests on is request by request. */
  const cJSON *p;
  cJSON_ArrayForEach(p, cJSON_GetObjectItem(screened, "points"))
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "fidelity")),
                     "requests");
  cr_assert_lt(number_of(screened, "request_runs"),
               number_of(plain, "request_runs"));
  /* The crossing is sharp: no tie band. */
  cr_assert(cJSON_IsNull(cJSON_GetObjectItem(plain, "tie_from_scale")));
  cJSON_Delete(plain);
  cJSON_Delete(screened);
  test_rmrf(dir);
}

/* With a tie as wide as the costs' gaps near the crossing (10% here),
 * the statement says over which levels the two are equally priced, and
 * compare.json gives them. */
Test(compare_screen, a_shallow_crossing_states_its_tie_band, .timeout = 900)
{
  g_autofree char *dir = test_tmpdir();
  cJSON *be = compare_shortened(dir, "--tie=10%");
  double from = number_of(be, "tie_from_scale");
  double to = number_of(be, "tie_to_scale");
  double at = number_of(be, "traffic_scale");
  cr_assert(from < at && at < to, "%.3f %.3f %.3f", from, at, to);
  cr_assert_eq(number_of(be, "tie_pct"), 10);
  /* Every level in the band is within 10%, and it is stated. */
  const cJSON *p;
  cJSON_ArrayForEach(p, cJSON_GetObjectItem(be, "points")) {
    double s = number_of(p, "traffic_scale");
    double f = number_of(p, "fargate_usd"), e = number_of(p, "ec2_usd");
    if (s >= from && s <= to)
      cr_assert_leq(fabs(e - f), 0.1 * (e + f) / 2, "at %.3fx", s);
  }
  g_autofree char *expected = g_strdup_printf(
    "within 10%% of each other at every level tried from %.3gx to %.3gx",
    from, to);
  const char *statement =
    cJSON_GetStringValue(cJSON_GetObjectItem(be, "statement"));
  cr_assert(strstr(statement, expected), "%s\nlacks\n%s", statement,
            expected);
  cJSON_Delete(be);
  test_rmrf(dir);
}

/* Near the flagship's crossing the request-level runs at the ends of the
 * screen's bracket put the two variants within the tie (3% here) of each
 * other, on the same side: they neither confirm the screened crossing nor
 * refute it. The answer is then the screen's crossing, said to be the
 * aggregate fidelity's, inside the tie band around it, with every other
 * figure from the request-level runs; the search does not go on to bisect
 * request by request (6 request-level runs: the 1x pair and the two
 * ends). */
Test(compare_screen, a_tied_bracket_takes_the_screened_crossing_and_says_so,
     .timeout = 900)
{
  g_autofree char *dir = test_tmpdir();
  cJSON *be = compare_with(dir, slow_motion_day,
                           G_N_ELEMENTS(slow_motion_day), "--tie=3%");
  const char *statement =
    cJSON_GetStringValue(cJSON_GetObjectItem(be, "statement"));
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(be, "found")), "%s", statement);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(be, "screened")));
  cr_assert(cJSON_IsFalse(cJSON_GetObjectItem(be, "confirmed")), "%s",
            statement);
  cr_assert_eq(number_of(be, "request_runs"), 6);
  double at = number_of(be, "traffic_scale");
  /* The two ends: request-level, on either side of the crossing, tied and
   * on the same side of each other. */
  const cJSON *p;
  int ends = 0;
  double lo = INFINITY, hi = 0, sign = 0;
  cJSON_ArrayForEach(p, cJSON_GetObjectItem(be, "points")) {
    cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(p, "fidelity")),
                     "requests");
    double s = number_of(p, "traffic_scale");
    if (s == 1.0)
      continue;
    double f = number_of(p, "fargate_usd"), e = number_of(p, "ec2_usd");
    cr_assert_leq(fabs(e - f), 0.03 * (e + f) / 2, "at %.3fx", s);
    cr_assert(sign == 0 || (e - f) * sign > 0, "the ends bracket it");
    sign = e - f;
    lo = MIN(lo, s);
    hi = MAX(hi, s);
    ends++;
  }
  cr_assert_eq(ends, 2);
  cr_assert(lo < at && at < hi, "%.3fx outside %.3fx-%.3fx", at, lo, hi);
  double from = number_of(be, "tie_from_scale");
  double to = number_of(be, "tie_to_scale");
  cr_assert(from <= at && at <= to, "%.3f %.3f %.3f", from, at, to);
  cr_assert(strstr(statement, "put the two variants' costs within the tie "
                              "of each other, so the level of the crossing "
                              "(and its requests/s and CPU) is the "
                              "aggregate fidelity's"), "%s", statement);
  cJSON_Delete(be);
  test_rmrf(dir);
}

/* The variants' runs and the request-level runs that confirm the screen
 * share one batch. Ctrl-C once the variants' runs are done, while the
 * confirming runs go on, keeps the comparison and what the break-even
 * measured (its screen), as Ctrl-C later in the search does: it once
 * lost them both. */
Test(compare_screen, ctrl_c_during_the_confirming_runs_keeps_the_comparison,
     .timeout = 900)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *out_dir = g_build_filename(dir, "out", NULL);
  g_autofree char *scn = g_build_filename(test_source_root(), "scenarios",
                                          "fargate-vs-ec2.json", NULL);
  g_autoptr(GPtrArray) args = g_ptr_array_new();
  const char *const head[] = { "compare", scn, "-q", "-j2", "-o", out_dir };
  for (gsize i = 0; i < G_N_ELEMENTS(head); i++)
    g_ptr_array_add(args, (gpointer) head[i]);
  for (gsize i = 0; i < G_N_ELEMENTS(slow_motion_day); i++)
    g_ptr_array_add(args, (gpointer) slow_motion_day[i]);
  g_ptr_array_add(args, NULL);
  g_autofree char *f = g_build_filename(out_dir, "fargate", "summary.json",
                                        NULL);
  g_autofree char *e = g_build_filename(out_dir, "ec2", "summary.json", NULL);
  const char *const summaries[] = { f, e, NULL };
  /* Into the confirming runs: each is about three times as long as the
   * variants' (the crossing is near 2.8x). */
  g_autofree char *err = NULL;
  int status = cli_interrupt_after((const char *const *) args->pdata,
                                   summaries, 300000, &err);
  cr_assert_eq(status, 1, "%s", err);
  cr_assert(strstr(err, "ecsim: break-even interrupted; the variants' runs "
                        "and the traffic levels measured are in "), "%s", err);
  g_autofree char *text = test_read_file(out_dir, "compare.json");
  cJSON *json = cJSON_Parse(text);
  cr_assert_not_null(json);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(json, "variants")), 2);
  const cJSON *be =
    cJSON_GetArrayItem(cJSON_GetObjectItem(json, "break_even"), 0);
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(be, "interrupted")));
  cr_assert(g_str_has_prefix(
    cJSON_GetStringValue(cJSON_GetObjectItem(be, "statement")),
    "interrupted after "));
  cr_assert_gt(cJSON_GetArraySize(cJSON_GetObjectItem(be, "screen_points")),
               4);
  cJSON_Delete(json);
  test_rmrf(dir);
}
