/* Savings Plans and Reserved Instances applied per clock hour. */
#include "models/capacity/coverage.h"

#include <string.h>

typedef struct {
  CoverageKind kind;
  char *type;          /* EC2: "m6i.large"; Fargate: NULL */
  char *family;        /* EC2: "m6i"; Fargate: "fargate" */
  double od_hour;      /* EC2 instance $/h */
  double saving;       /* after apply */
} Line;

struct _Coverage {
  const Commitments *commitments;
  char *region;
  SimTime horizon;
  guint n_hours;
  GArray *lines;       /* Line */
  GArray *od;          /* double, [hour * lines + line], grown by line */
  CoverageTotals totals;
  double *delta;       /* per hour, after apply: commitment - covered
                          On-Demand, what the bill moved that hour */
  gboolean applied;
};

static void
line_clear(gpointer p)
{
  Line *l = p;
  g_free(l->type);
  g_free(l->family);
}

Coverage *
coverage_new(const Commitments *commitments, const char *region,
             SimTime horizon)
{
  g_return_val_if_fail(commitments != NULL && horizon >= 0, NULL);
  Coverage *cv = g_new0(Coverage, 1);
  cv->commitments = commitments;
  cv->region = g_strdup(region != NULL ? region : "");
  cv->horizon = horizon;
  cv->n_hours = (guint) MAX((horizon + SIM_HOUR - 1) / SIM_HOUR, 1);
  cv->lines = g_array_new(FALSE, TRUE, sizeof(Line));
  g_array_set_clear_func(cv->lines, line_clear);
  cv->od = g_array_new(FALSE, TRUE, sizeof(double));
  return cv;
}

void
coverage_free(Coverage *cv)
{
  if (cv == NULL)
    return;
  g_free(cv->region);
  g_array_unref(cv->lines);
  g_array_unref(cv->od);
  g_free(cv->delta);
  g_free(cv);
}

/* Lines are few and fixed before the run's usage arrives, but a line may
 * be added late: the table is re-laid out then. */
static double *
cell(Coverage *cv, guint hour, guint line)
{
  return &g_array_index(cv->od, double, hour * cv->lines->len + line);
}

int
coverage_line(Coverage *cv, CoverageKind kind, const char *instance_type,
              double od_hour)
{
  g_return_val_if_fail(!cv->applied, -1);
  guint old = cv->lines->len;
  GArray *grown = g_array_new(FALSE, TRUE, sizeof(double));
  g_array_set_size(grown, cv->n_hours * (old + 1));
  for (guint h = 0; h < cv->n_hours; h++)
    for (guint l = 0; l < old; l++)
      g_array_index(grown, double, h * (old + 1) + l) =
        g_array_index(cv->od, double, h * old + l);
  g_array_unref(cv->od);
  cv->od = grown;
  Line line = { kind, g_strdup(instance_type),
                kind == COVERAGE_FARGATE ? g_strdup("fargate")
                                         : commitments_family_of(
                                             instance_type),
                od_hour, 0 };
  g_array_append_val(cv->lines, line);
  return (int) old;
}

void
coverage_add(Coverage *cv, int line, SimTime start, SimTime end,
             double dollars)
{
  g_return_if_fail(line >= 0 && (guint) line < cv->lines->len);
  g_return_if_fail(!cv->applied && end >= start && start >= 0);
  guint last = cv->n_hours - 1;
  if (end == start) {
    *cell(cv, MIN((guint) (start / SIM_HOUR), last), (guint) line) += dollars;
    return;
  }
  for (SimTime t = start; t < end;) {
    guint h = (guint) (t / SIM_HOUR);
    SimTime until = MIN(end, ((SimTime) h + 1) * SIM_HOUR);
    *cell(cv, MIN(h, last), (guint) line) +=
      dollars * (double) (until - t) / (double) (end - start);
    t = until;
  }
}

/* The part of hour @h inside the run: 1 but for a last partial hour. */
static double
hour_fraction(const Coverage *cv, guint h)
{
  SimTime left = cv->horizon - (SimTime) h * SIM_HOUR;
  return left >= SIM_HOUR || cv->horizon == 0
           ? 1.0
           : (double) left / (double) SIM_HOUR;
}

/* Reserved Instances first: each covers up to @count x 3,600 s of its
 * type this hour, lines in their order. */
static void
apply_reserved(Coverage *cv, double *left, double frac)
{
  for (guint r = 0; r < cv->commitments->reserved->len; r++) {
    const ReservedInstance *ri = cv->commitments->reserved->pdata[r];
    double capacity_s = ri->count * 3600.0 * frac;
    cv->totals.commitment += ri->count * ri->effective_hour * frac;
    for (guint l = 0; l < cv->lines->len && capacity_s > 0; l++) {
      Line *line = &g_array_index(cv->lines, Line, l);
      if (line->kind != COVERAGE_EC2 || line->od_hour <= 0 ||
          strcmp(line->type, ri->instance_type) != 0)
        continue;
      double seconds = MIN(left[l] / line->od_hour * 3600.0, capacity_s);
      double od = seconds * line->od_hour / 3600.0;
      double paid = seconds * ri->effective_hour / 3600.0;
      left[l] -= od;
      capacity_s -= seconds;
      line->saving += od - paid;
      cv->totals.covered_on_demand += od;
      cv->totals.covered += paid;
    }
  }
}

static gboolean
plan_covers(const Coverage *cv, const SavingsPlan *plan, const Line *line)
{
  if (plan->type == SAVINGS_PLAN_COMPUTE)
    return TRUE;
  return line->kind == COVERAGE_EC2 &&
         strcmp(plan->family, line->family) == 0 &&
         strcmp(plan->region, cv->region) == 0;
}

typedef struct {
  guint line;
  double discount, rate;
} Candidate;

/* Highest savings percentage first; then the lower rate; then the line
 * order, so that equal candidates keep a fixed order. */
static gint
candidate_cmp(gconstpointer a, gconstpointer b)
{
  const Candidate *x = a, *y = b;
  if (x->discount != y->discount)
    return x->discount > y->discount ? -1 : 1;
  if (x->rate != y->rate)
    return x->rate < y->rate ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line;
}

static void
apply_plan(Coverage *cv, const SavingsPlan *plan, double *left, double frac)
{
  double commitment = plan->commitment_hour * frac;
  cv->totals.commitment += commitment;
  g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(Candidate));
  for (guint l = 0; l < cv->lines->len; l++) {
    const Line *line = &g_array_index(cv->lines, Line, l);
    if (left[l] <= 0 || !plan_covers(cv, plan, line))
      continue;
    double d = savings_plan_discount(plan, line->family);
    Candidate c = { l, d, line->od_hour * (1 - d) };
    g_array_append_val(order, c);
  }
  g_array_sort(order, candidate_cmp);
  for (guint i = 0; i < order->len && commitment > 0; i++) {
    const Candidate *c = &g_array_index(order, Candidate, i);
    Line *line = &g_array_index(cv->lines, Line, c->line);
    double at_rate = left[c->line] * (1 - c->discount);
    /* Covered up to what is left of the commitment, at the plan's rate. */
    double paid = MIN(at_rate, commitment);
    double od = at_rate > 0 ? left[c->line] * paid / at_rate : 0;
    left[c->line] -= od;
    commitment -= paid;
    line->saving += od - paid;
    cv->totals.covered_on_demand += od;
    cv->totals.covered += paid;
  }
}

void
coverage_apply(Coverage *cv)
{
  g_return_if_fail(!cv->applied);
  cv->applied = TRUE;
  const GPtrArray *plans = cv->commitments->savings_plans;
  g_autofree double *left = g_new0(double, MAX(cv->lines->len, 1));
  cv->delta = g_new0(double, cv->n_hours);
  for (guint h = 0; h < cv->n_hours; h++) {
    double frac = hour_fraction(cv, h);
    CoverageTotals before = cv->totals;
    for (guint l = 0; l < cv->lines->len; l++)
      left[l] = *cell(cv, h, l);
    apply_reserved(cv, left, frac);
    for (int pass = 0; pass < 2; pass++) {
      SavingsPlanType type = pass == 0 ? SAVINGS_PLAN_EC2_INSTANCE
                                       : SAVINGS_PLAN_COMPUTE;
      for (guint p = 0; p < plans->len; p++)
        if (((const SavingsPlan *) plans->pdata[p])->type == type)
          apply_plan(cv, plans->pdata[p], left, frac);
    }
    cv->delta[h] = (cv->totals.commitment - before.commitment) -
                   (cv->totals.covered_on_demand - before.covered_on_demand);
  }
  cv->totals.unused = cv->totals.commitment - cv->totals.covered;
}

double
coverage_delta_until(const Coverage *cv, SimTime t)
{
  g_return_val_if_fail(cv->applied, 0);
  double sum = 0;
  for (guint h = 0; h < cv->n_hours; h++) {
    SimTime start = (SimTime) h * SIM_HOUR;
    SimTime end = MIN(start + SIM_HOUR, cv->horizon);
    if (t >= end || end <= start) {
      sum += cv->delta[h];
      continue;
    }
    if (t > start)
      sum += cv->delta[h] * (double) (t - start) / (double) (end - start);
    break;
  }
  return sum;
}

double
coverage_line_saving(const Coverage *cv, int line)
{
  g_return_val_if_fail(line >= 0 && (guint) line < cv->lines->len, 0);
  return g_array_index(cv->lines, Line, line).saving;
}

CoverageTotals
coverage_totals(const Coverage *cv)
{
  return cv->totals;
}
