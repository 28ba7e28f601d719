/* The two fidelities compared over several control seeds (validation.h,
 * validation_compare_seeds()). */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "validation-private.h"

/* Seeds' paired differences: their mean's standard error. */
static double
standard_error(const double *x, guint k)
{
  if (k < 2)
    return 0;
  double mean = 0, ss = 0;
  for (guint i = 0; i < k; i++)
    mean += x[i] / k;
  for (guint i = 0; i < k; i++)
    ss += (x[i] - mean) * (x[i] - mean);
  return sqrt(ss / (k - 1) / k);
}

/* The figures of summary.json with a standard error each. */
enum { F_COST, F_TASK_HOURS, F_INSTANCE_HOURS, F_ATTAINMENT, F_N };

static const char *const figure_at[F_N][2] = {
  [F_COST] = { "cost", "total_usd" },
  [F_TASK_HOURS] = { "capacity", "task_hours" },
  [F_INSTANCE_HOURS] = { "capacity", "instance_hours" },
  [F_ATTAINMENT] = { "slo", "attainment" },
};

void
validation_compare_summaries(const char *const *req_dirs,
                             const char *const *agg_dirs, guint k,
                             ValidationResult *out)
{
  double sum_req[F_N] = { 0 }, sum_agg[F_N] = { 0 };
  g_autofree double *paired = g_new0(double, (gsize) F_N * k);
  double error_pp = 0, p99 = 0;
  for (guint s = 0; s < k; s++) {
    g_autoptr(cJSON) req = validation_load_summary(req_dirs[s]);
    g_autoptr(cJSON) agg = validation_load_summary(agg_dirs[s]);
    for (int f = 0; f < F_N; f++) {
      double r = validation_number_at(req, figure_at[f][0], figure_at[f][1]);
      double a = validation_number_at(agg, figure_at[f][0], figure_at[f][1]);
      sum_req[f] += r;
      sum_agg[f] += a;
      paired[f * k + s] = f == F_ATTAINMENT ? 100 * validation_diff(a, r)
                                            : validation_rel(a, r);
    }
    error_pp += 100 *
                validation_diff(validation_number_at(agg, "requests",
                                                     "error_rate"),
                                validation_number_at(req, "requests",
                                                     "error_rate")) / k;
    p99 += validation_rel(validation_number_at(agg, "latency", "p99_ms"),
                          validation_number_at(req, "latency", "p99_ms")) / k;
    if (s == 0)
      out->period_s = validation_number_at(req, "scenario", "period_s");
  }
  out->cost = validation_rel(sum_agg[F_COST], sum_req[F_COST]);
  out->task_hours = validation_rel(sum_agg[F_TASK_HOURS],
                                   sum_req[F_TASK_HOURS]);
  out->instance_hours = validation_rel(sum_agg[F_INSTANCE_HOURS],
                                       sum_req[F_INSTANCE_HOURS]);
  out->attainment_pp = 100 * validation_diff(sum_agg[F_ATTAINMENT] / k,
                                             sum_req[F_ATTAINMENT] / k);
  out->error_rate_pp = error_pp;
  out->p99 = p99;
  out->cost_se = standard_error(paired + F_COST * k, k);
  out->task_hours_se = standard_error(paired + F_TASK_HOURS * k, k);
  out->instance_hours_se = standard_error(paired + F_INSTANCE_HOURS * k, k);
  out->attainment_se_pp = standard_error(paired + F_ATTAINMENT * k, k);
}

/* Time, then target: the pooled runs' order. */
static gint
by_time(gconstpointer pa, gconstpointer pb)
{
  const Action *a = pa, *b = pb;
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  return strcmp(a->what, b->what);
}

/* Every seed's actions, in one time order. */
static GArray *
pooled_actions(const char *const *dirs, guint k)
{
  GArray *all = NULL;
  for (guint s = 0; s < k; s++) {
    GArray *one = validation_load_actions(dirs[s]);
    if (all == NULL) {
      all = one;
      continue;
    }
    /* Moved, not copied: @one's strings now belong to @all. */
    g_array_append_vals(all, one->data, one->len);
    g_array_set_clear_func(one, NULL);
    g_array_unref(one);
  }
  g_array_sort(all, by_time);
  return all;
}

/* Both runs hold the same tasks and instances at @i's end. */
static gboolean
same_state(const Row *a, const Row *b)
{
  return memcmp(a->tasks, b->tasks, sizeof a->tasks) == 0;
}

/* Period row @i (of a service whose previous period is row @i - @stride)
 * over the seeds: the relative difference of the mean p99s where the two
 * runs held the same control plane through it; NAN when fewer than 3 in
 * 4 seeds did, or the period is not counted. *@high: the request-level
 * run's busiest minute reached 85% in some seed. */
static double
period_p99(GArray *const *req, GArray *const *agg, guint k, guint i,
           guint stride, gboolean *high)
{
  double sum_req = 0, sum_agg = 0;
  guint matched = 0;
  *high = FALSE;
  for (guint s = 0; s < k; s++) {
    const Row *a = &g_array_index(req[s], Row, i);
    const Row *b = &g_array_index(agg[s], Row, i);
    if (isnan(a->p99_ms) || isnan(b->p99_ms) ||
        a->completed < VALIDATION_MIN_COMPLETED || !same_state(a, b) ||
        (i >= stride && !same_state(&g_array_index(req[s], Row, i - stride),
                                    &g_array_index(agg[s], Row, i - stride))))
      continue;
    matched++;
    sum_req += a->p99_ms;
    sum_agg += b->p99_ms;
    *high = *high || a->cpu_peak_pct >= 85;
  }
  if (4 * matched < 3 * k)
    return NAN;
  return fabs(validation_rel(sum_agg, sum_req));
}

static void
compare_periods(const char *const *req_dirs, const char *const *agg_dirs,
                guint k, ValidationResult *out)
{
  g_autofree GArray **req = g_new(GArray *, k);
  g_autofree GArray **agg = g_new(GArray *, k);
  for (guint s = 0; s < k; s++) {
    req[s] = validation_load_rows(req_dirs[s]);
    agg[s] = validation_load_rows(agg_dirs[s]);
    g_assert_cmpuint(req[s]->len, ==, req[0]->len);
    g_assert_cmpuint(agg[s]->len, ==, req[0]->len);
  }
  guint stride = 0; /* services: the rows of the first period */
  while (stride < req[0]->len &&
         g_array_index(req[0], Row, stride).time ==
           g_array_index(req[0], Row, 0).time)
    stride++;
  for (guint i = 0; i < req[0]->len; i++) {
    gboolean high;
    double e = period_p99(req, agg, k, i, stride, &high);
    if (isnan(e))
      continue;
    if (!high) {
      out->n_periods_low++;
      if (e > out->period_p99_low) {
        out->period_p99_low = e;
        out->worst_period_s = g_array_index(req[0], Row, i).time;
      }
    } else {
      out->n_periods_high++;
      out->period_p99_high = MAX(out->period_p99_high, e);
    }
  }
  for (guint s = 0; s < k; s++) {
    g_array_unref(req[s]);
    g_array_unref(agg[s]);
  }
}

void
validation_compare_seeds(const char *const *req_dirs,
                         const char *const *agg_dirs, guint k,
                         ValidationResult *out)
{
  g_return_if_fail(k > 0);
  *out = (ValidationResult){ .why = g_string_new(NULL), .n_seeds = k };
  validation_compare_summaries(req_dirs, agg_dirs, k, out);
  g_autoptr(GArray) ra = pooled_actions(req_dirs, k);
  g_autoptr(GArray) aa = pooled_actions(agg_dirs, k);
  out->n_actions = ra->len;
  out->n_actions_aggregate = aa->len;
  out->actions_paired = validation_pair_actions(ra, aa, out->period_s,
                                                &out->action_gap_s);
  compare_periods(req_dirs, agg_dirs, k, out);
}

double
validation_half_width(double se, guint k)
{
  return k < 2 ? 0 : gsl_cdf_tdist_Pinv(0.975, k - 1) * se;
}

/* Not shown beyond @bound: the 95% interval of @x (@se, over @k seeds)
 * reaches within it. */
static gboolean
within_noise(double x, double se, guint k, double bound)
{
  return isnan(x) || fabs(x) - validation_half_width(se, k) <= bound;
}

gboolean
validation_seeds_within_bounds(const ValidationResult *r)
{
  guint actions = MAX(r->n_actions, r->n_actions_aggregate), k = r->n_seeds;
  return within_noise(r->cost, r->cost_se, k, 0.01) &&
         within_noise(r->task_hours, r->task_hours_se, k, 0.02) &&
         within_noise(r->instance_hours, r->instance_hours_se, k, 0.02) &&
         within_noise(r->attainment_pp, r->attainment_se_pp, k, 0.5) &&
         r->actions_paired >= VALIDATION_ACTIONS_PAIRED * actions &&
         r->period_p99_low <= 0.10;
}
