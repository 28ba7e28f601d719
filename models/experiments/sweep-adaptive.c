/* Adaptive sweeps: which groups still matter, and the next round. */
#include "models/experiments/sweep-adaptive.h"

#include <math.h>

const char *
sweep_adaptive_outcome_name(SweepAdaptiveOutcome outcome)
{
  switch (outcome) {
  case SWEEP_ADAPTIVE_SHOWN:
    return "shown";
  case SWEEP_ADAPTIVE_NONE:
    return "none_qualifies";
  case SWEEP_ADAPTIVE_BUDGET:
    return "budget_spent";
  case SWEEP_ADAPTIVE_SEEDS:
    return "seeds_spent";
  default:
    return "stopped";
  }
}

double
sweep_adaptive_level(guint n_groups, guint n_constraints)
{
  double m = (double) MAX(n_groups, 1u) * (n_constraints + 1.0);
  return 1.0 - 0.05 / m;
}

/* The end of @g's interval most favourable to @c: the lower end for '<'.
 * A share's is cut to what a share can be, as sweep_constraint_bound()
 * cuts the other end. */
static double
favourable_bound(const SweepConstraint *c, const SweepGroup *g)
{
  double mean = g->mean[c->metric], half = g->half[c->metric];
  double bound = c->below ? mean - half : mean + half;
  if (c->metric == SWEEP_SLO || c->metric == SWEEP_ERROR_RATE)
    bound = CLAMP(bound, 0.0, 1.0);
  return bound;
}

/* TRUE when @g cannot meet @c even at its favourable end, or has no value
 * for it at all (such a group never qualifies, however many seeds). */
static gboolean
infeasible(const SweepConstraint *c, const SweepGroup *g)
{
  if (isnan(g->mean[c->metric]))
    return TRUE;
  if (isnan(g->half[c->metric]))
    return FALSE;
  double x = favourable_bound(c, g);
  if (c->below)
    return c->strict ? x >= c->limit : x > c->limit;
  return c->strict ? x <= c->limit : x < c->limit;
}

static gboolean
out_on_constraints(const SweepGroup *g, const SweepConstraint *cs, guint n,
                   SweepMetric minimize)
{
  if (isnan(g->mean[minimize]))
    return TRUE;
  for (guint k = 0; k < n; k++)
    if (infeasible(&cs[k], g))
      return TRUE;
  return FALSE;
}

static gboolean
feasible(const SweepGroup *g, const SweepConstraint *cs, guint n,
         SweepMetric minimize)
{
  if (isnan(g->mean[minimize]))
    return FALSE;
  for (guint k = 0; k < n; k++)
    if (!sweep_constraint_holds(&cs[k], g))
      return FALSE;
  return TRUE;
}

/* TRUE when group @i (of @all) is costlier than the best @b at 95%: its
 * interval lies above @b's. Touching intervals (equal values, no spread)
 * go to the lower index, as --best breaks ties. */
static gboolean
costlier(const SweepGroup *all, guint i, guint b, SweepMetric m)
{
  double lo = all[i].mean[m] - all[i].half[m];
  double up = all[b].mean[m] + all[b].half[m];
  if (isnan(lo) || isnan(up))
    return FALSE;
  return lo > up || (lo == up && i > b);
}

/* TRUE when group @i's interval reaches into or below @b's, so that
 * deciding @i also needs @b's interval narrower. */
static gboolean
overlaps(const SweepGroup *all, guint i, guint b, SweepMetric m)
{
  double up = all[i].mean[m] + all[i].half[m];
  double lo = all[b].mean[m] - all[b].half[m];
  return isnan(up) || isnan(lo) || up >= lo;
}

int
sweep_adaptive_judge(const GArray *groups, const SweepConstraint *cs,
                     guint n, SweepMetric minimize, gboolean *open)
{
  g_return_val_if_fail(groups != NULL && open != NULL, -1);
  const SweepGroup *all = (const SweepGroup *) (gconstpointer) groups->data;
  int best = -1;
  for (guint i = 0; i < groups->len; i++)
    if (feasible(&all[i], cs, n, minimize) &&
        (best < 0 || all[i].mean[minimize] < all[best].mean[minimize]))
      best = (int) i;
  gboolean best_open = FALSE;
  for (guint i = 0; i < groups->len; i++) {
    open[i] = FALSE;
    if ((int) i == best || out_on_constraints(&all[i], cs, n, minimize))
      continue;
    if (best >= 0 && costlier(all, i, (guint) best, minimize))
      continue;
    open[i] = TRUE;
    best_open = best_open ||
                (best >= 0 && overlaps(all, i, (guint) best, minimize));
  }
  if (best >= 0)
    open[best] = best_open;
  return best;
}

/* The run id of replicate @k of (@point, @variant): sweep.h's numbering. */
static guint
run_of(const SweepPlan *plan, guint point, guint variant, guint k)
{
  guint nv = sweep_plan_n_variants(plan);
  return k * (sweep_plan_n_points(plan) * nv) + point * nv + variant;
}

GArray *
sweep_adaptive_first_round(const SweepPlan *plan, guint initial,
                           const gboolean *done)
{
  GArray *runs = g_array_new(FALSE, FALSE, sizeof(guint));
  guint per_seed = sweep_plan_n_points(plan) * sweep_plan_n_variants(plan);
  guint last = MIN(initial, plan->n_seeds) * per_seed;
  for (guint run = 0; run < last; run++)
    if (!done[run])
      g_array_append_val(runs, run);
  return runs;
}

static int
compare_runs(gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

GArray *
sweep_adaptive_next_round(const SweepPlan *plan, const GArray *groups,
                          const gboolean *open, const gboolean *done,
                          guint room, gboolean *capped)
{
  GArray *runs = g_array_new(FALSE, FALSE, sizeof(guint));
  *capped = FALSE;
  for (guint i = 0; i < groups->len && runs->len < room; i++) {
    if (!open[i])
      continue;
    const SweepGroup *g = &g_array_index(groups, SweepGroup, i);
    guint k = 0;
    while (k < plan->n_seeds && done[run_of(plan, g->point, g->variant, k)])
      k++;
    if (k == plan->n_seeds) {
      *capped = TRUE;
      continue;
    }
    guint run = run_of(plan, g->point, g->variant, k);
    g_array_append_val(runs, run);
  }
  g_array_sort(runs, compare_runs);
  return runs;
}
