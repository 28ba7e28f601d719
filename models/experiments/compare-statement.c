/* The break-even's words: the statement of what the levels measured
 * show (the crossing, the band where the costs tie, where the answer
 * holds, what the screen did) and the lines printed for each level. */
#include <math.h>
#include <string.h>

#include "models/experiments/compare.h"
#include "models/experiments/compare-private.h"

static const BreakEvenPoint *
point_at(const BreakEven *be, int i)
{
  return breakeven_point(be->points, i);
}

/* "8x": a scale as the statements write it. */
static char *
scale_text(double scale)
{
  return g_strdup_printf("%.3gx", scale);
}

/* @share as a percentage with 3 significant digits, or more when fewer
 * would read as @limit (98.97% against a 99% target, not "99%"). */
static char *
pct_text(double share, double limit)
{
  g_autofree char *lim = g_strdup_printf("%.3g", 100 * limit);
  for (int digits = 3;; digits++) {
    char *s = g_strdup_printf("%.*g", digits, 100 * share);
    if (digits >= 9 || share == limit || strcmp(s, lim) != 0)
      return s;
    g_free(s);
  }
}

/* Why @v does not count at its level: "fails 7.36% of requests (budget
 * 0.1%)" or "meets its SLO for 88.7% of requests (target 99%)". */
static char *
reason_text(const BreakEvenVerdict *v)
{
  if (isnan(v->attainment) && !isnan(v->slo_target))
    return g_strdup("finishes no request");
  if (!(v->error_rate <= v->error_budget)) {
    g_autofree char *rate = pct_text(v->error_rate, v->error_budget);
    return g_strdup_printf("fails %s%% of requests (budget %.3g%%)", rate,
                           100 * v->error_budget);
  }
  g_autofree char *attained = pct_text(v->attainment, v->slo_target);
  return g_strdup_printf("meets its SLO for %s%% of requests (target "
                         "%.3g%%)", attained, 100 * v->slo_target);
}

static char *
failure_text(const char *name, const BreakEvenVerdict *v)
{
  g_autofree char *why = reason_text(v);
  return g_strdup_printf("%s %s", name, why);
}

/* "at 8x fargate-spot fails 7.36% of requests (budget 0.1%)", both
 * variants' reasons when both failed. */
static char *
limit_text(const BreakEven *be, const BreakEvenPoint *p)
{
  g_autofree char *at = scale_text(p->scale);
  g_autofree char *f = p->fargate.met ? NULL
                                      : failure_text(be->fargate, &p->fargate);
  g_autofree char *e = p->ec2.met ? NULL : failure_text(be->ec2, &p->ec2);
  return g_strdup_printf("at %s %s%s%s", at, f ? f : "", f && e ? " and " : "",
                         e ? e : "");
}

/* " The answer holds from 0.125x to 4x: at 8x ...", or where nothing
 * failed, that both met them everywhere. */
static char *
holds_text(const BreakEven *be, int lo, int hi)
{
  int last = (int) be->points->len - 1;
  g_autofree char *from = scale_text(be->lo_scale);
  g_autofree char *to = scale_text(be->hi_scale);
  if (lo == 0 && hi == last)
    return g_strdup(" Both variants meet their SLO and error budget at every "
                    "level tried.");
  g_autofree char *below = lo > 0 ? limit_text(be, point_at(be, lo - 1))
                                  : NULL;
  g_autofree char *above = hi < last ? limit_text(be, point_at(be, hi + 1))
                                     : NULL;
  /* One level alone: "holds at 0.5x only", not "from 0.5x to 0.5x". */
  g_autofree char *range = lo == hi ? g_strdup_printf("at %s", from)
                                    : g_strdup_printf("from %s to %s", from,
                                                      to);
  return g_strdup_printf(" The answer holds %s only: %s%s%s; beyond, the "
                         "costs are not comparable.", range,
                         below ? below : "", below && above ? "; " : "",
                         above ? above : "");
}

/* TRUE when both variants meet their SLO and error budget at @p and
 * their costs there are within @tie (relative to their mean) of each
 * other. */
gboolean
breakeven_within_tie(const BreakEvenPoint *p, double tie)
{
  double mean = (p->ec2.usd + p->fargate.usd) / 2;
  return breakeven_comparable(p) && fabs(p->ec2.usd - p->fargate.usd) <= tie * mean;
}

/* The levels of @points next to the crossing between levels @i and
 * @i + 1 at which the costs are within @tie: from the bracket outwards
 * until a level that is not. FALSE unless that holds two levels or more:
 * otherwise the costs part by more than @tie on at least one side right
 * next to the crossing, and the crossing is as sharp as the levels show. */
static gboolean
tie_band(const GArray *points, int i, double tie, double *lo, double *hi)
{
  int n = (int) points->len;
  int a = breakeven_within_tie(breakeven_point(points, i), tie) ? i : i + 1;
  int b = breakeven_within_tie(breakeven_point(points, i + 1), tie) ? i + 1 : i;
  if (a > b)
    return FALSE;
  while (a > 0 && breakeven_within_tie(breakeven_point(points, a - 1), tie))
    a--;
  while (b + 1 < n && breakeven_within_tie(breakeven_point(points, b + 1), tie))
    b++;
  if (a == b)
    return FALSE;
  *lo = breakeven_point(points, a)->scale;
  *hi = breakeven_point(points, b)->scale;
  return TRUE;
}

/* States the crossing between points @i and @i + 1 of @points (the
 * aggregate fidelity's when @screened), and the band around it where the
 * costs are within the tie. */
static void
conclude_crossing(BreakEven *be, const GArray *points, int i,
                  const char *holds, gboolean screened)
{
  const BreakEvenPoint *a = breakeven_point(points, i), *b = breakeven_point(points, i + 1);
  /* Interpolate the cost difference linearly in log(scale). */
  double da = a->ec2.usd - a->fargate.usd, db = b->ec2.usd - b->fargate.usd;
  double t = da / (da - db);
  be->found = TRUE;
  be->scale = exp(log(a->scale) + t * (log(b->scale) - log(a->scale)));
  be->mean_rps = a->mean_rps + t * (b->mean_rps - a->mean_rps);
  be->ec2_cpu_pct = a->ec2_cpu_pct + t * (b->ec2_cpu_pct - a->ec2_cpu_pct);
  be->ec2_cheaper_above = db < 0;
  gboolean ec2 = be->ec2_cheaper_above;
  g_autofree char *band = NULL;
  if (be->tie > 0 &&
      tie_band(points, i, be->tie, &be->tie_lo_scale, &be->tie_hi_scale)) {
    g_autofree char *from = scale_text(be->tie_lo_scale);
    g_autofree char *to = scale_text(be->tie_hi_scale);
    band = g_strdup_printf(
      " But their costs are within %.3g%% of each other at every level "
      "tried from %s to %s%s: that close, which is cheaper turns on the "
      "runs' noise (an instance or a few tasks more for part of the run), "
      "so take them as equally priced there, and the crossing's place in "
      "that range as not meaningful.", 100 * be->tie, from, to,
      screened ? " in the aggregate fidelity" : "");
  }
  be->statement = g_strdup_printf(
    "%s (%s) becomes cheaper than %s (%s) %s %.2fx the scenario's traffic "
    "(%.0f requests/s on average; the EC2 tasks' mean CPU is then %.0f%%)."
    "%s%s", ec2 ? "EC2" : "Fargate", ec2 ? be->ec2 : be->fargate,
    ec2 ? "Fargate" : "EC2", ec2 ? be->fargate : be->ec2,
    ec2 ? "above" : "below", be->scale, be->mean_rps, be->ec2_cpu_pct,
    band ? band : "", holds);
}

/* What the statement's figures come from, after it. */
static void
add_provenance(BreakEven *be)
{
  if (!be->screened || be->statement == NULL)
    return;
  static const char *const outcome[] = {
    [SCREEN_CONFIRMED] = "request-level runs confirmed its crossing, and "
                         "the figures",
    [SCREEN_NOT_CONFIRMED] = "request-level runs did not confirm its "
                             "crossing, so the search went on request by "
                             "request; the figures",
    [SCREEN_NO_CROSSING] = "it found no crossing, so the levels were "
                           "searched request by request; the figures",
    [SCREEN_TIED] = "request-level runs at the ends of a bracket around "
                    "its crossing put the two variants' costs within the "
                    "tie of each other, so the level of the crossing (and "
                    "its requests/s and CPU) is the aggregate fidelity's, "
                    "and the other figures",
  };
  char *with = g_strdup_printf(
    "%s The aggregate fidelity screened %u traffic level%s; %s come from "
    "request-level runs (%u).", be->statement, be->screen->len,
    be->screen->len == 1 ? "" : "s", outcome[be->screen_outcome],
    be->request_runs + 2);
  g_free(be->statement);
  be->statement = with;
}

static void
conclude_levels(BreakEven *be)
{
  be->tried_lo = point_at(be, 0)->scale;
  be->tried_hi = point_at(be, (int) be->points->len - 1)->scale;
  be->lo_scale = be->hi_scale = NAN;
  be->tie_lo_scale = be->tie_hi_scale = NAN;
  g_autofree char *tried_lo = scale_text(be->tried_lo);
  g_autofree char *tried_hi = scale_text(be->tried_hi);
  if (be->interrupted) {
    be->statement = g_strdup_printf(
      "interrupted after %u traffic level%s (%s to %s): no conclusion.",
      be->points->len, be->points->len == 1 ? "" : "s", tried_lo, tried_hi);
    return;
  }
  int lo, hi;
  if (!breakeven_valid_run(be->points, &lo, &hi)) {
    g_autofree char *why = limit_text(be, point_at(be, 0));
    be->statement = g_strdup_printf(
      "%s and %s are not comparable at any traffic level tried (%s to %s): "
      "one of them misses its SLO or error budget at each, e.g. %s.",
      be->fargate, be->ec2, tried_lo, tried_hi, why);
    return;
  }
  be->lo_scale = point_at(be, lo)->scale;
  be->hi_scale = point_at(be, hi)->scale;
  g_autofree char *holds = holds_text(be, lo, hi);
  int i = breakeven_bracket(be->points);
  if (be->screen_outcome == SCREEN_TIED) {
    conclude_crossing(be, be->screen, breakeven_bracket(be->screen), holds, TRUE);
    return;
  }
  if (i >= 0) {
    conclude_crossing(be, be->points, i, holds, FALSE);
    return;
  }
  const BreakEvenPoint *first = point_at(be, lo), *last = point_at(be, hi);
  gboolean ec2 = last->ec2.usd < last->fargate.usd;
  g_autofree char *from = scale_text(be->lo_scale);
  g_autofree char *to = scale_text(be->hi_scale);
  g_autofree char *where =
    lo == hi
      ? g_strdup_printf("at the one traffic level tried where both meet "
                        "their SLO and error budget, %s the scenario's (%.0f "
                        "requests/s on average)", from, first->mean_rps)
      : g_strdup_printf("at every traffic level tried where both meet their "
                        "SLO and error budget, %s to %s the scenario's (%.0f "
                        "to %.0f requests/s on average)", from, to,
                        first->mean_rps, last->mean_rps);
  be->statement = g_strdup_printf(
    "%s (%s) is cheaper than %s (%s) %s.%s", ec2 ? "EC2" : "Fargate",
    ec2 ? be->ec2 : be->fargate, ec2 ? "Fargate" : "EC2",
    ec2 ? be->fargate : be->ec2, where, holds);
}

/* "ec2 $1234.56/month", with the reason when it did not count. */
static char *
cell_text(const char *name, const BreakEvenVerdict *v)
{
  if (v->met)
    return g_strdup_printf("%s $%.2f/month", name, v->usd_per_month);
  g_autofree char *why = reason_text(v);
  return g_strdup_printf("%s $%.2f/month, %s", name, v->usd_per_month, why);
}

void
compare_break_even_print(const BreakEven *be, FILE *out)
{
  fprintf(out, "\nBreak-even of %s and %s, compared where each meets its "
               "SLO and error budget:\n", be->fargate, be->ec2);
  for (guint i = 0; i < be->points->len; i++) {
    const BreakEvenPoint *p = point_at(be, (int) i);
    g_autofree char *at = scale_text(p->scale);
    g_autofree char *f = cell_text(be->fargate, &p->fargate);
    g_autofree char *e = cell_text(be->ec2, &p->ec2);
    fprintf(out, "  at %-6s (%.0f requests/s): %s; %s: %s\n", at,
            p->mean_rps, f, e,
            breakeven_comparable(p) ? "both meet them" : "not comparable");
  }
  if (be->screened)
    fprintf(out, "  (screened first with the aggregate fidelity at %u "
                 "levels: %u runs, then %u request-level runs)\n",
            be->screen->len, be->aggregate_runs, be->request_runs + 2);
  fprintf(out, "Break-even: %s\n", be->statement);
}

void
breakeven_conclude(BreakEven *be)
{
  conclude_levels(be);
  add_provenance(be);
}
