/* Tallies, time-weighted averages and confidence intervals. */
#include "sim/stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>

void
sim_tally_init(SimTally *t)
{
  *t = (SimTally){ .min = INFINITY, .max = -INFINITY };
}

void
sim_tally_add(SimTally *t, double x)
{
  t->n++;
  double delta = x - t->mean;
  t->mean += delta / (double) t->n;
  t->m2 += delta * (x - t->mean);
  if (x < t->min)
    t->min = x;
  if (x > t->max)
    t->max = x;
}

double
sim_tally_variance(const SimTally *t)
{
  return t->n > 1 ? t->m2 / (double) (t->n - 1) : 0.0;
}

void
sim_time_avg_init(SimTimeAvg *a, SimTime t, double value)
{
  *a = (SimTimeAvg){ .value = value, .since = t, .start = t,
                     .window_start = t };
}

double
sim_time_avg_integral(const SimTimeAvg *a, SimTime t)
{
  double area = a->area + a->value * (double) (t - a->since);
  return area / (double) SIM_SEC;
}

double
sim_time_avg_mean(const SimTimeAvg *a, SimTime t)
{
  if (t <= a->start)
    return a->value;
  double area = a->area + a->value * (double) (t - a->since);
  return area / (double) (t - a->start);
}

double
sim_time_avg_take_window(SimTimeAvg *a, SimTime t)
{
  g_assert(t >= a->since);
  sim_time_avg_accumulate(a, t);
  double mean = t > a->window_start
                  ? a->window_area / (double) (t - a->window_start)
                  : a->value;
  a->window_area = 0.0;
  a->window_start = t;
  return mean;
}

void
sim_mean_ci(const double *values, gsize n, double level, double *mean,
            double *half_width)
{
  SimTally t;
  sim_tally_init(&t);
  for (gsize i = 0; i < n; i++)
    sim_tally_add(&t, values[i]);
  *mean = n > 0 ? t.mean : NAN;
  if (n < 2) {
    *half_width = NAN;
    return;
  }
  double tq = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double) (n - 1));
  *half_width = tq * sqrt(sim_tally_variance(&t) / (double) n);
}
