/* The Fargate/EC2 break-even, found by re-running at other traffic
 * levels, and judged only where both variants serve the traffic. */
#include <math.h>

#include "models/experiments/compare.h"
#include "models/experiments/compare-private.h"
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
/* Levels the screen tries beside a tied one (probe_ties()). */
#define TIE_PROBES 4

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

static gint
by_scale(gconstpointer a, gconstpointer b)
{
  double x = ((const BreakEvenPoint *) a)->scale;
  double y = ((const BreakEvenPoint *) b)->scale;
  return (x > y) - (x < y);
}

gboolean
breakeven_comparable(const BreakEvenPoint *p)
{
  return p->fargate.met && p->ec2.met;
}

const BreakEvenPoint *
breakeven_point(const GArray *points, int i)
{
  return &g_array_index(points, BreakEvenPoint, i);
}

/* The run [*lo, *hi] of consecutive comparable points where the answer
 * holds: the one holding scale 1 when it is comparable, else the longest
 * (the lowest of equals). FALSE when no point is comparable. */
gboolean
breakeven_valid_run(const GArray *points, int *lo, int *hi)
{
  int n = (int) points->len, best_lo = -1, best_hi = -1;
  for (int i = 0; i < n;) {
    if (!breakeven_comparable(breakeven_point(points, i))) {
      i++;
      continue;
    }
    int j = i;
    while (j + 1 < n && breakeven_comparable(breakeven_point(points, j + 1)))
      j++;
    gboolean has_one = breakeven_point(points, i)->scale <= 1 &&
                       breakeven_point(points, j)->scale >= 1;
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

/* Index i where the cost difference changes sign between points i and
 * i + 1, both inside the valid run; or -1. */
int
breakeven_bracket(const GArray *points)
{
  int lo, hi;
  if (!breakeven_valid_run(points, &lo, &hi))
    return -1;
  for (int i = lo; i < hi; i++) {
    const BreakEvenPoint *a = breakeven_point(points, i), *b = breakeven_point(points, i + 1);
    double da = a->ec2.usd - a->fargate.usd, db = b->ec2.usd - b->fargate.usd;
    if ((da <= 0) != (db <= 0))
      return i;
  }
  return -1;
}

/* How a search runs its simulations: be's variants and options. */
typedef struct {
  BreakEven *be;
  const ScenarioConfig *fargate, *ec2;
  const BreakEvenOptions *options;
} Search;

static Search
search_of(BreakEven *be)
{
  return (Search){ be, be->fargate_cfg, be->ec2_cfg, &be->options };
}

/* The request-level jobs of both variants at the @n levels @scales,
 * appended to @jobs: EC2's first (jobs[0..n-1]), then Fargate's, each
 * announced when @sr is verbose. Threads take jobs in order, and the
 * longest first balances them best; EC2's tasks with CPU shares cost
 * about 1.6 times Fargate's per request (the flagship's day: about 11 s
 * against 7 s). */
static void
add_level_jobs(const Search *sr, GPtrArray *jobs, const double *scales,
               guint n, gboolean aggregate)
{
  BreakEven *be = sr->be;
  for (guint k = 0; k < n; k++)
    g_ptr_array_add(jobs, batch_job_new(sr->ec2, scales[k], NULL));
  for (guint k = 0; k < n; k++) {
    g_ptr_array_add(jobs, batch_job_new(sr->fargate, scales[k], NULL));
    if (sr->options->verbose)
      fprintf(stderr, "break-even: running %s and %s at %.3gx traffic%s\n",
              be->fargate, be->ec2, scales[k],
              aggregate ? " (aggregate fidelity)" : "");
  }
  for (guint i = jobs->len - 2 * n; i < jobs->len; i++)
    ((BatchJob *) jobs->pdata[i])->aggregate = aggregate;
  if (aggregate)
    be->aggregate_runs += 2 * n;
  else
    be->request_runs += 2 * n;
}

/* Appends to @points the levels of @jobs (as add_level_jobs() laid out
 * @n of them, all run) whose both runs succeeded, in scale order. */
static void
add_level_points(const Search *sr, GArray *points, GPtrArray *jobs, guint n)
{
  for (guint k = 0; k < n; k++) {
    const BatchJob *e = jobs->pdata[k], *f = jobs->pdata[n + k];
    if (e->summary == NULL || f->summary == NULL)
      continue;
    BreakEvenPoint p =
      point_of(e->traffic_scale, sr->fargate, f->summary, sr->ec2, e->summary);
    p.aggregate = e->aggregate;
    g_array_append_val(points, p);
  }
  g_array_sort(points, by_scale);
}

/* Runs both variants at each of the @n levels @scales (in the aggregate
 * fidelity when @aggregate), all in one batch so that the threads share
 * them out; appends the points to @points. FALSE when a run failed
 * (@error set) or @interrupt was raised (be->interrupted). */
static gboolean
measure_levels(const Search *sr, GArray *points, const double *scales,
               guint n, gboolean aggregate, GError **error)
{
  BreakEven *be = sr->be;
  volatile sig_atomic_t *interrupt = sr->options->interrupt;
  g_autoptr(GPtrArray) jobs =
    g_ptr_array_new_with_free_func((GDestroyNotify) batch_job_free);
  add_level_jobs(sr, jobs, scales, n, aggregate);
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
  add_level_points(sr, points, jobs, n);
  return TRUE;
}

/* measure_levels() at the one level @scale. */
static gboolean
measure(const Search *sr, GArray *points, double scale, gboolean aggregate,
        GError **error)
{
  return measure_levels(sr, points, &scale, 1, aggregate, error);
}

/* TRUE when a level where a variant failed lies between 1 and @scale:
 * traffic further that way cannot make the answer hold again there. */
static gboolean
beyond_a_failure(const GArray *points, double scale)
{
  for (guint i = 0; i < points->len; i++) {
    const BreakEvenPoint *p = breakeven_point(points, (int) i);
    if (!breakeven_comparable(p) && p->scale > MIN(1.0, scale) &&
        p->scale < MAX(1.0, scale))
      return TRUE;
  }
  return FALSE;
}

/* Searches @points for a bracket of the crossing: the grid's levels until
 * one brackets it, then @bisections halvings (in log scale) of it. */
static gboolean
search(const Search *sr, GArray *points, gboolean aggregate, int bisections,
       GError **error)
{
  gboolean ok = TRUE;
  for (gsize g = 0; ok && g < G_N_ELEMENTS(grid) && breakeven_bracket(points) < 0;
       g++)
    if (!beyond_a_failure(points, grid[g]))
      ok = measure(sr, points, grid[g], aggregate, error);
  for (int k = 0; ok && k < bisections && breakeven_bracket(points) >= 0; k++) {
    const BreakEvenPoint *a = breakeven_point(points, breakeven_bracket(points));
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
  const BreakEvenPoint *a = breakeven_point(points, i), *b = breakeven_point(points, i + 1);
  double da = a->ec2.usd - a->fargate.usd, db = b->ec2.usd - b->fargate.usd;
  double t = da / (da - db);
  return exp(log(a->scale) + t * (log(b->scale) - log(a->scale)));
}

/* TRUE when @points holds a level within 0.1% of @scale. */
static gboolean
has_level(const GArray *points, double scale)
{
  for (guint i = 0; i < points->len; i++)
    if (fabs(breakeven_point(points, (int) i)->scale / scale - 1) < 1e-3)
      return TRUE;
  return FALSE;
}

/* Runs both variants request by request at those of the @n levels
 * @scales not run already, in one batch. */
static gboolean
confirm_at(const Search *sr, const double *scales, guint n, GError **error)
{
  double missing[2];
  guint m = 0;
  for (guint k = 0; k < n && m < G_N_ELEMENTS(missing); k++)
    if (!has_level(sr->be->points, scales[k]))
      missing[m++] = scales[k];
  return m == 0 || measure_levels(sr, sr->be->points, missing, m, FALSE,
                                  error);
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
    const BreakEvenPoint *p = breakeven_point(points, (int) i);
    if (fabs(p->scale / lo - 1) > 1e-3 && fabs(p->scale / hi - 1) > 1e-3)
      continue;
    if (!breakeven_within_tie(p, tie))
      return FALSE;
    hits++;
  }
  return hits == 2;
}

/* The first i of @points' valid run where one of levels i and i + 1
 * has costs within @tie of each other and the other has not; or -1. */
static int
tie_edge(const GArray *points, double tie)
{
  int lo, hi;
  if (!breakeven_valid_run(points, &lo, &hi))
    return -1;
  for (int i = lo; i < hi; i++)
    if (breakeven_within_tie(breakeven_point(points, i), tie) !=
        breakeven_within_tie(breakeven_point(points, i + 1), tie))
      return i;
  return -1;
}

/* When the screen's levels show no crossing but one of them ties, the
 * sign of its cost difference is the runs' noise (the flagship in slow
 * motion ties at 1x within 0.01%, either way from one request seed to
 * the next), and the crossing may lie between it and the level beside it
 * that does not tie: up to TIE_PROBES levels halfway (in log scale)
 * between the two look for it. Aggregate runs only: they cost little. */
static gboolean
probe_ties(const Search *sr, GArray *points, GError **error)
{
  for (int k = 0; k < TIE_PROBES && breakeven_bracket(points) < 0; k++) {
    int i = tie_edge(points, sr->be->tie);
    if (i < 0)
      break;
    const BreakEvenPoint *a = breakeven_point(points, i);
    if (!measure(sr, points, sqrt(a->scale * a[1].scale), TRUE, error))
      return FALSE;
  }
  return TRUE;
}

/* The screen: the aggregate fidelity finds the crossing cheaply, and
 * plans request-level runs to confirm it at the ends of a bracket as wide
 * as the request-level search's final one, around the screened crossing
 * (be->confirm_lo, confirm_hi and planned). When it finds no crossing,
 * nothing is planned. */
static gboolean
screen(const Search *sr, GError **error)
{
  BreakEven *be = sr->be;
  if (!measure(sr, be->screen, 1.0, TRUE, error) ||
      !search(sr, be->screen, TRUE, SCREEN_BISECTIONS, error))
    return FALSE;
  if (breakeven_bracket(be->screen) < 0 && be->tie > 0) {
    if (!probe_ties(sr, be->screen, error))
      return FALSE;
    /* A crossing found: its bracket halved as the grid's would be. */
    if (breakeven_bracket(be->screen) >= 0 &&
        !search(sr, be->screen, TRUE, SCREEN_BISECTIONS, error))
      return FALSE;
  }
  int i = breakeven_bracket(be->screen);
  if (i < 0) {
    be->screen_outcome = SCREEN_NO_CROSSING;
    return TRUE;
  }
  double s = crossing_scale(be->screen, i);
  double half = pow(2.0, 0.5 / (1 << BISECTIONS));
  be->confirm_lo = s / half;
  be->confirm_hi = s * half;
  /* The higher level first: its runs are the longest. */
  add_level_jobs(sr, be->planned,
                 (const double[]){ be->confirm_hi, be->confirm_lo }, 2,
                 FALSE);
  return TRUE;
}

/* The screened search after the screen: the request-level runs at the
 * ends of its bracket (planned, run again here if they failed) confirm
 * it. When they do not bracket the crossing, the request-level search
 * goes on from what it has. When the screen found no crossing, the levels
 * where a variant fails bound the answer, and the aggregate fidelity's
 * errors in overload are not to be trusted with that: the request-level
 * search runs as without a screen. */
static gboolean
confirm(const Search *sr, GError **error)
{
  BreakEven *be = sr->be;
  if (be->screen_outcome == SCREEN_NO_CROSSING)
    return search(sr, be->points, FALSE, BISECTIONS, error);
  double half = pow(2.0, 0.5 / (1 << BISECTIONS));
  double lo = be->confirm_lo, hi = be->confirm_hi;
  if (!confirm_at(sr, (const double[]){ lo, hi }, 2, error))
    return FALSE;
  if (breakeven_bracket(be->points) < 0 && be->tie > 0 &&
      tied(be->points, lo, hi, be->tie)) {
    be->screen_outcome = SCREEN_TIED;
    return TRUE;
  }
  /* The two fidelities' costs differ by a fraction of a percent, which
   * moves a shallow crossing by a few percent: when the bracket misses it,
   * the next one as wide, on the side the costs point to, is tried. */
  for (int k = 0; k < CONFIRM_SHIFTS && breakeven_bracket(be->points) < 0; k++) {
    int lo_i = 0;
    while (breakeven_point(be->points, lo_i)->scale < lo * (1 - 1e-3))
      lo_i++;
    const BreakEvenPoint *p = breakeven_point(be->points, lo_i);
    if (!breakeven_comparable(p) || !breakeven_comparable(p + 1))
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
  if (breakeven_bracket(be->points) >= 0) {
    be->screen_outcome = SCREEN_CONFIRMED;
    return TRUE;
  }
  be->screen_outcome = SCREEN_NOT_CONFIRMED;
  return search(sr, be->points, FALSE, BISECTIONS, error);
}

BreakEven *
compare_break_even_begin(const ScenarioConfig *fargate,
                         const ScenarioConfig *ec2,
                         const BreakEvenOptions *options, GError **error)
{
  BreakEven *be = g_new0(BreakEven, 1);
  be->fargate = fargate->variant;
  be->ec2 = ec2->variant;
  be->tie = options->tie;
  be->points = g_array_new(FALSE, TRUE, sizeof(BreakEvenPoint));
  be->screen = g_array_new(FALSE, TRUE, sizeof(BreakEvenPoint));
  be->fargate_cfg = fargate;
  be->ec2_cfg = ec2;
  be->options = *options;
  be->confirm_lo = be->confirm_hi = NAN;
  be->planned = g_ptr_array_new_with_free_func((GDestroyNotify) batch_job_free);
  g_autofree char *obstacle_f = fidelity_aggregate_obstacle(fargate);
  g_autofree char *obstacle_e = fidelity_aggregate_obstacle(ec2);
  be->screened = options->screen && obstacle_f == NULL && obstacle_e == NULL &&
                 fargate->fidelity == FIDELITY_REQUESTS &&
                 ec2->fidelity == FIDELITY_REQUESTS;
  Search sr = search_of(be);
  if (be->screened && !screen(&sr, error) && !be->interrupted) {
    compare_break_even_free(be);
    return NULL;
  }
  return be;
}

gboolean
compare_break_even_finish(BreakEven *be, const cJSON *f1, const cJSON *e1,
                          GError **error)
{
  Search sr = search_of(be);
  /* Raised while the planned runs ran: what was measured is kept. */
  volatile sig_atomic_t *interrupt = be->options.interrupt;
  if (interrupt != NULL && *interrupt)
    be->interrupted = TRUE;
  BreakEvenPoint p = point_of(1.0, sr.fargate, f1, sr.ec2, e1);
  p.aggregate = sr.fargate->fidelity == FIDELITY_AGGREGATE;
  g_array_append_val(be->points, p);
  add_level_points(&sr, be->points, be->planned, be->planned->len / 2);
  g_ptr_array_set_size(be->planned, 0);
  gboolean ok = TRUE;
  if (!be->interrupted)
    ok = be->screened ? confirm(&sr, error)
                      : search(&sr, be->points, p.aggregate, BISECTIONS,
                               error);
  if (!ok && !be->interrupted)
    return FALSE;
  breakeven_conclude(be);
  return TRUE;
}

void
compare_break_even_free(BreakEven *be)
{
  if (be == NULL)
    return;
  g_array_unref(be->points);
  g_array_unref(be->screen);
  g_clear_pointer(&be->planned, g_ptr_array_unref);
  g_free(be->statement);
  g_free(be);
}
