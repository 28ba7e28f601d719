/* The Fargate/EC2 break-even, found by re-running at other traffic
 * levels, and judged only where both variants serve the traffic. */
#include <math.h>
#include <string.h>

#include "models/experiments/compare.h"
#include "models/config/fidelity.h"
#include "models/input/input.h"

/* Scales tried beyond 1 before bisecting, in order. */
static const double grid[] = { 0.5, 2.0, 0.25, 4.0, 0.125, 8.0 };
#define BISECTIONS 3
/* The aggregate fidelity's search halves its bracket more: its runs cost
 * little, and the request-level runs then confirm a bracket as wide as
 * BISECTIONS leave, centred on its crossing. */
#define SCREEN_BISECTIONS 8
/* Brackets as wide tried beside the first before the request-level search
 * takes over. */
#define CONFIRM_SHIFTS 3

static double
number(const cJSON *o, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, a);
  n = cJSON_GetObjectItemCaseSensitive(n, b);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

double
compare_per_month(const cJSON *summary)
{
  double seconds = number(summary, "scenario", "duration_s");
  return number(summary, "cost", "total_usd") * COMPARE_MONTH_HOURS *
         3600.0 / seconds;
}

/* How the variant configured as @cfg did in the run that gave @s. */
static BreakEvenVerdict
verdict_of(const ScenarioConfig *cfg, const cJSON *s)
{
  BreakEvenVerdict v = {
    .usd = number(s, "cost", "total_usd"),
    .usd_per_month = compare_per_month(s),
    .error_rate = number(s, "requests", "error_rate"),
    .error_budget = cfg->slo.error_budget,
    .attainment = cfg->slo.set ? number(s, "slo", "attainment") : NAN,
    .slo_target = cfg->slo.set ? cfg->slo.target : NAN,
  };
  gboolean slo_ok = !cfg->slo.set || v.attainment >= v.slo_target;
  v.met = v.error_rate <= v.error_budget && slo_ok;
  return v;
}

static gboolean
comparable(const BreakEvenPoint *p)
{
  return p->fargate.met && p->ec2.met;
}

static BreakEvenPoint
point_of(double scale, const ScenarioConfig *fc, const cJSON *f,
         const ScenarioConfig *ec, const cJSON *e)
{
  return (BreakEvenPoint){
    .scale = scale,
    .mean_rps = number(f, "requests", "arrivals") /
                number(f, "scenario", "duration_s"),
    .ec2_cpu_pct = number(e, "capacity", "mean_cpu_pct"),
    .fargate = verdict_of(fc, f),
    .ec2 = verdict_of(ec, e),
  };
}

static const BreakEvenPoint *
point_in(const GArray *points, int i)
{
  return &g_array_index(points, BreakEvenPoint, i);
}

static const BreakEvenPoint *
point_at(const BreakEven *be, int i)
{
  return point_in(be->points, i);
}

static gint
by_scale(gconstpointer a, gconstpointer b)
{
  double x = ((const BreakEvenPoint *) a)->scale;
  double y = ((const BreakEvenPoint *) b)->scale;
  return (x > y) - (x < y);
}

/* How a search runs its simulations. */
typedef struct {
  BreakEven *be;
  const ScenarioConfig *fargate, *ec2;
  const BreakEvenOptions *options;
} Search;

/* Runs both variants at each of the @n levels @scales (in the aggregate
 * fidelity when @aggregate), all in one batch so that the threads share
 * them out; appends the points to @points. FALSE when a run failed
 * (@error set) or @interrupt was raised (be->interrupted). */
static gboolean
measure_levels(const Search *sr, GArray *points, const double *scales,
               guint n, gboolean aggregate, GError **error)
{
  BreakEven *be = sr->be;
  const ScenarioConfig *f = sr->fargate, *e = sr->ec2;
  volatile sig_atomic_t *interrupt = sr->options->interrupt;
  /* EC2's runs first (jobs[0..n-1]), then Fargate's: threads take jobs
   * in order, and the longest first balances them best; EC2's tasks with
   * CPU shares cost about twice Fargate's per request (the flagship: 26 s
   * against 12 s for its day). */
  g_autoptr(GPtrArray) jobs =
    g_ptr_array_new_with_free_func((GDestroyNotify) batch_job_free);
  for (guint k = 0; k < n; k++)
    g_ptr_array_add(jobs, batch_job_new(e, scales[k], NULL));
  for (guint k = 0; k < n; k++) {
    g_ptr_array_add(jobs, batch_job_new(f, scales[k], NULL));
    if (sr->options->verbose)
      fprintf(stderr, "break-even: running %s and %s at %.3gx traffic%s\n",
              be->fargate, be->ec2, scales[k],
              aggregate ? " (aggregate fidelity)" : "");
  }
  for (guint i = 0; i < jobs->len; i++)
    ((BatchJob *) jobs->pdata[i])->aggregate = aggregate;
  if (aggregate)
    be->aggregate_runs += jobs->len;
  else
    be->request_runs += jobs->len;
  if (!batch_run(jobs, sr->options->threads, interrupt, NULL, NULL)) {
    if (interrupt != NULL && *interrupt) {
      be->interrupted = TRUE;
      return FALSE;
    }
    for (guint i = 0; i < jobs->len; i++) {
      BatchJob *bad = jobs->pdata[i];
      if (bad->summary == NULL) {
        g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                    "break-even run at %.3gx traffic: %s", scales[i % n],
                    bad->error ? bad->error : "failed");
        break;
      }
    }
    return FALSE;
  }
  for (guint k = 0; k < n; k++) {
    BreakEvenPoint p =
      point_of(scales[k], f, ((BatchJob *) jobs->pdata[n + k])->summary, e,
               ((BatchJob *) jobs->pdata[k])->summary);
    p.aggregate = aggregate;
    g_array_append_val(points, p);
  }
  g_array_sort(points, by_scale);
  return TRUE;
}

/* measure_levels() at the one level @scale. */
static gboolean
measure(const Search *sr, GArray *points, double scale, gboolean aggregate,
        GError **error)
{
  return measure_levels(sr, points, &scale, 1, aggregate, error);
}

/* The run [*lo, *hi] of consecutive comparable points where the answer
 * holds: the one holding scale 1 when it is comparable, else the longest
 * (the lowest of equals). FALSE when no point is comparable. */
static gboolean
valid_run_in(const GArray *points, int *lo, int *hi)
{
  int n = (int) points->len, best_lo = -1, best_hi = -1;
  for (int i = 0; i < n;) {
    if (!comparable(point_in(points, i))) {
      i++;
      continue;
    }
    int j = i;
    while (j + 1 < n && comparable(point_in(points, j + 1)))
      j++;
    gboolean has_one = point_in(points, i)->scale <= 1 &&
                       point_in(points, j)->scale >= 1;
    if (has_one || best_lo < 0 || j - i > best_hi - best_lo) {
      best_lo = i;
      best_hi = j;
    }
    if (has_one)
      break;
    i = j + 1;
  }
  *lo = best_lo;
  *hi = best_hi;
  return best_lo >= 0;
}

static gboolean
valid_run(const BreakEven *be, int *lo, int *hi)
{
  return valid_run_in(be->points, lo, hi);
}

/* Index i where the cost difference changes sign between points i and
 * i + 1, both inside the valid run; or -1. */
static int
bracket_in(const GArray *points)
{
  int lo, hi;
  if (!valid_run_in(points, &lo, &hi))
    return -1;
  for (int i = lo; i < hi; i++) {
    const BreakEvenPoint *a = point_in(points, i), *b = point_in(points, i + 1);
    double da = a->ec2.usd - a->fargate.usd, db = b->ec2.usd - b->fargate.usd;
    if ((da <= 0) != (db <= 0))
      return i;
  }
  return -1;
}

/* TRUE when a level where a variant failed lies between 1 and @scale:
 * traffic further that way cannot make the answer hold again there. */
static gboolean
beyond_a_failure(const GArray *points, double scale)
{
  for (guint i = 0; i < points->len; i++) {
    const BreakEvenPoint *p = point_in(points, (int) i);
    if (!comparable(p) && p->scale > MIN(1.0, scale) &&
        p->scale < MAX(1.0, scale))
      return TRUE;
  }
  return FALSE;
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
  return g_strdup_printf(" The answer holds from %s to %s only: %s%s%s; "
                         "beyond, the costs are not comparable.", from, to,
                         below ? below : "", below && above ? "; " : "",
                         above ? above : "");
}

/* TRUE when both variants meet their SLO and error budget at @p and
 * their costs there are within @tie (relative to their mean) of each
 * other. */
static gboolean
within_tie(const BreakEvenPoint *p, double tie)
{
  double mean = (p->ec2.usd + p->fargate.usd) / 2;
  return comparable(p) && fabs(p->ec2.usd - p->fargate.usd) <= tie * mean;
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
  int a = within_tie(point_in(points, i), tie) ? i : i + 1;
  int b = within_tie(point_in(points, i + 1), tie) ? i + 1 : i;
  if (a > b)
    return FALSE;
  while (a > 0 && within_tie(point_in(points, a - 1), tie))
    a--;
  while (b + 1 < n && within_tie(point_in(points, b + 1), tie))
    b++;
  if (a == b)
    return FALSE;
  *lo = point_in(points, a)->scale;
  *hi = point_in(points, b)->scale;
  return TRUE;
}

/* States the crossing between points @i and @i + 1 of @points (the
 * aggregate fidelity's when @screened), and the band around it where the
 * costs are within the tie. */
static void
conclude_crossing(BreakEven *be, const GArray *points, int i,
                  const char *holds, gboolean screened)
{
  const BreakEvenPoint *a = point_in(points, i), *b = point_in(points, i + 1);
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
conclude_levels(BreakEven *be);

static void
conclude(BreakEven *be)
{
  conclude_levels(be);
  add_provenance(be);
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
  if (!valid_run(be, &lo, &hi)) {
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
  int i = bracket_in(be->points);
  if (be->screen_outcome == SCREEN_TIED) {
    conclude_crossing(be, be->screen, bracket_in(be->screen), holds, TRUE);
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
  be->statement = g_strdup_printf(
    "%s (%s) is cheaper than %s (%s) at every traffic level tried where "
    "both meet their SLO and error budget, %s to %s the scenario's (%.0f to "
    "%.0f requests/s on average).%s", ec2 ? "EC2" : "Fargate", ec2 ? be->ec2 : be->fargate,
    ec2 ? "Fargate" : "EC2", ec2 ? be->fargate : be->ec2, from, to,
    first->mean_rps, last->mean_rps, holds);
}

/* Searches @points for a bracket of the crossing: the grid's levels until
 * one brackets it, then @bisections halvings (in log scale) of it. */
static gboolean
search(const Search *sr, GArray *points, gboolean aggregate, int bisections,
       GError **error)
{
  gboolean ok = TRUE;
  for (gsize g = 0; ok && g < G_N_ELEMENTS(grid) && bracket_in(points) < 0;
       g++)
    if (!beyond_a_failure(points, grid[g]))
      ok = measure(sr, points, grid[g], aggregate, error);
  for (int k = 0; ok && k < bisections && bracket_in(points) >= 0; k++) {
    const BreakEvenPoint *a = point_in(points, bracket_in(points));
    double mid = sqrt(a->scale * a[1].scale);
    ok = measure(sr, points, mid, aggregate, error);
  }
  return ok;
}

/* The scale where the cost difference of points i and i + 1 crosses 0,
 * interpolated linearly in log(scale). */
static double
crossing_scale(const GArray *points, int i)
{
  const BreakEvenPoint *a = point_in(points, i), *b = point_in(points, i + 1);
  double da = a->ec2.usd - a->fargate.usd, db = b->ec2.usd - b->fargate.usd;
  double t = da / (da - db);
  return exp(log(a->scale) + t * (log(b->scale) - log(a->scale)));
}

/* TRUE when @points holds a level within 0.1% of @scale. */
static gboolean
has_level(const GArray *points, double scale)
{
  for (guint i = 0; i < points->len; i++)
    if (fabs(point_in(points, (int) i)->scale / scale - 1) < 1e-3)
      return TRUE;
  return FALSE;
}

/* Runs both variants request by request at those of the @n levels
 * @scales not run already, in one batch. */
static gboolean
confirm_at(const Search *sr, const double *scales, guint n, GError **error)
{
  double todo[2];
  guint m = 0;
  for (guint k = 0; k < n && m < G_N_ELEMENTS(todo); k++)
    if (!has_level(sr->be->points, scales[k]))
      todo[m++] = scales[k];
  return m == 0 || measure_levels(sr, sr->be->points, todo, m, FALSE, error);
}

/* TRUE when the variants' costs at levels @lo and @hi of @points are
 * within @tie of each other (both comparable): the request-level runs
 * cannot tell which is cheaper there, and the crossing lies where their
 * noise hides it. */
static gboolean
tied(const GArray *points, double lo, double hi, double tie)
{
  int hits = 0;
  for (guint i = 0; i < points->len; i++) {
    const BreakEvenPoint *p = point_in(points, (int) i);
    if (fabs(p->scale / lo - 1) > 1e-3 && fabs(p->scale / hi - 1) > 1e-3)
      continue;
    if (!within_tie(p, tie))
      return FALSE;
    hits++;
  }
  return hits == 2;
}

/* The screened search: the aggregate fidelity finds the crossing
 * cheaply, and request-level runs confirm it at the ends of a bracket as
 * wide as the request-level search's final one, around the screened
 * crossing. When they do not bracket it, the request-level search goes on
 * from what it has. When the screen finds no crossing, the levels where a
 * variant fails bound the answer, and the aggregate fidelity's errors in
 * overload are not to be trusted with that: the request-level search runs
 * as without a screen. */
static gboolean
screened_search(const Search *sr, GError **error)
{
  BreakEven *be = sr->be;
  if (!measure(sr, be->screen, 1.0, TRUE, error) ||
      !search(sr, be->screen, TRUE, SCREEN_BISECTIONS, error))
    return FALSE;
  int i = bracket_in(be->screen);
  if (i < 0) {
    be->screen_outcome = SCREEN_NO_CROSSING;
    return search(sr, be->points, FALSE, BISECTIONS, error);
  }
  double s = crossing_scale(be->screen, i);
  double half = pow(2.0, 0.5 / (1 << BISECTIONS));
  double lo = s / half, hi = s * half;
  if (!confirm_at(sr, (const double[]){ lo, hi }, 2, error))
    return FALSE;
  if (bracket_in(be->points) < 0 && be->tie > 0 &&
      tied(be->points, lo, hi, be->tie)) {
    be->screen_outcome = SCREEN_TIED;
    return TRUE;
  }
  /* The two fidelities' costs differ by a fraction of a percent, which
   * moves a shallow crossing by a few percent: when the bracket misses it,
   * the next one as wide, on the side the costs point to, is tried. */
  for (int k = 0; k < CONFIRM_SHIFTS && bracket_in(be->points) < 0; k++) {
    int lo_i = 0;
    while (point_in(be->points, lo_i)->scale < lo * (1 - 1e-3))
      lo_i++;
    const BreakEvenPoint *p = point_in(be->points, lo_i);
    if (!comparable(p) || !comparable(p + 1))
      break;
    /* EC2's cost minus Fargate's falls with traffic where EC2 gets
     * cheaper above: the crossing is beyond hi while it keeps the sign it
     * has at lo and moves towards 0. */
    double d_lo = p->ec2.usd - p->fargate.usd;
    double d_hi = p[1].ec2.usd - p[1].fargate.usd;
    gboolean up = fabs(d_hi) < fabs(d_lo);
    double next = up ? hi * half * half : lo / (half * half);
    if (!confirm_at(sr, &next, 1, error))
      return FALSE;
    if (up) {
      lo = hi;
      hi = next;
    } else {
      hi = lo;
      lo = next;
    }
  }
  if (bracket_in(be->points) >= 0) {
    be->screen_outcome = SCREEN_CONFIRMED;
    return TRUE;
  }
  be->screen_outcome = SCREEN_NOT_CONFIRMED;
  return search(sr, be->points, FALSE, BISECTIONS, error);
}

BreakEven *
compare_break_even(const ScenarioConfig *fargate, const ScenarioConfig *ec2,
                   const cJSON *f1, const cJSON *e1,
                   const BreakEvenOptions *options, GError **error)
{
  BreakEven *be = g_new0(BreakEven, 1);
  be->fargate = fargate->variant;
  be->ec2 = ec2->variant;
  be->tie = options->tie;
  be->points = g_array_new(FALSE, TRUE, sizeof(BreakEvenPoint));
  be->screen = g_array_new(FALSE, TRUE, sizeof(BreakEvenPoint));
  BreakEvenPoint p = point_of(1.0, fargate, f1, ec2, e1);
  p.aggregate = fargate->fidelity == FIDELITY_AGGREGATE;
  g_array_append_val(be->points, p);
  Search sr = { be, fargate, ec2, options };
  g_autofree char *obstacle_f = fidelity_aggregate_obstacle(fargate);
  g_autofree char *obstacle_e = fidelity_aggregate_obstacle(ec2);
  be->screened = options->screen && obstacle_f == NULL && obstacle_e == NULL &&
                 fargate->fidelity == FIDELITY_REQUESTS &&
                 ec2->fidelity == FIDELITY_REQUESTS;
  gboolean ok = be->screened ? screened_search(&sr, error)
                             : search(&sr, be->points, p.aggregate,
                                      BISECTIONS, error);
  if (!ok && !be->interrupted) {
    compare_break_even_free(be);
    return NULL;
  }
  conclude(be);
  return be;
}

void
compare_break_even_free(BreakEven *be)
{
  if (be == NULL)
    return;
  g_array_unref(be->points);
  g_array_unref(be->screen);
  g_free(be->statement);
  g_free(be);
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
            comparable(p) ? "both meet them" : "not comparable");
  }
  if (be->screened)
    fprintf(out, "  (screened first with the aggregate fidelity at %u "
                 "levels: %u runs, then %u request-level runs)\n",
            be->screen->len, be->aggregate_runs, be->request_runs + 2);
  fprintf(out, "Break-even: %s\n", be->statement);
}
