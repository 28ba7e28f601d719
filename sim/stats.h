/* Streaming statistics that need no per-sample storage.
 *
 * - SimTally: count, mean, variance (Welford), min and max of samples.
 * - SimTimeAvg: the time-weighted average of a piecewise-constant value
 *   (tasks running, requests in flight), over the whole run and over the
 *   current window.
 * - SimCounter: a count over the whole run and over the current window.
 * - sim_mean_ci(): a mean and its Student-t confidence half-width from
 *   independent replications or batch means.
 *
 * Windows are the per-period rows of a time series: the caller closes a
 * window (take_window) at each period boundary and starts the next. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "sim/time.h"

typedef struct {
  uint64_t n;
  double mean;
  double m2; /* sum of squared deviations from the mean */
  double min;
  double max;
} SimTally;

void sim_tally_init(SimTally *t);
void sim_tally_add(SimTally *t, double x);
/* Sample variance (n - 1 denominator); 0 with fewer than two samples. */
double sim_tally_variance(const SimTally *t);

typedef struct {
  double value;        /* the current value */
  SimTime since;       /* when it took that value */
  SimTime start;       /* start of the run */
  SimTime window_start;
  double area;         /* integral of value dt since start, in value*us */
  double window_area;  /* the same since window_start */
} SimTimeAvg;

/* Starts at time @t with value @value. */
void sim_time_avg_init(SimTimeAvg *a, SimTime t, double value);
/* Adds the area under the current value up to @t (>= the last change). */
static inline void
sim_time_avg_accumulate(SimTimeAvg *a, SimTime t)
{
  double part = a->value * (double) (t - a->since);
  a->area += part;
  a->window_area += part;
  a->since = t;
}

/* The value becomes @value at time @t (>= the last change). Inline: it is
 * on the request path. */
static inline void
sim_time_avg_set(SimTimeAvg *a, SimTime t, double value)
{
  sim_time_avg_accumulate(a, t);
  a->value = value;
}

static inline void
sim_time_avg_add(SimTimeAvg *a, SimTime t, double delta)
{
  sim_time_avg_accumulate(a, t);
  a->value += delta;
}
/* Mean over [start, @t]; the current value if no time has passed. */
double sim_time_avg_mean(const SimTimeAvg *a, SimTime t);
/* Integral of the value over [start, @t], in value-seconds. */
double sim_time_avg_integral(const SimTimeAvg *a, SimTime t);
/* Mean over the window [window_start, @t]; then starts a new window at
 * @t. */
double sim_time_avg_take_window(SimTimeAvg *a, SimTime t);

typedef struct {
  uint64_t total;
  uint64_t window;
} SimCounter;

static inline void
sim_counter_add(SimCounter *c, uint64_t n)
{
  c->total += n;
  c->window += n;
}

/* Returns the count since the last take and starts a new window. */
static inline uint64_t
sim_counter_take_window(SimCounter *c)
{
  uint64_t n = c->window;
  c->window = 0;
  return n;
}

/* Mean of @n values and the half-width of its @level (e.g. 0.95)
 * two-sided Student-t confidence interval. With n < 2 the half-width is
 * NAN (no interval from one sample). */
void sim_mean_ci(const double *values, gsize n, double level, double *mean,
                 double *half_width);
