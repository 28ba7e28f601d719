/* Probability distributions of durations (service times, start-up and
 * launch latencies), configured in scenario JSON and sampled fast.
 *
 * Shapes accepted (durations in any unit jn_duration reads):
 *   "30s" or 30                      fixed
 *   {"dist": "fixed", "value": "30s"}
 *   {"dist": "exponential", "mean": "35ms"}
 *   {"dist": "uniform", "min": "40s", "max": "90s"}
 *   {"dist": "lognormal", "mean": "35ms", "cv": 1.2}
 *   {"dist": "gamma", "mean": "35ms", "cv": 0.5}
 *   {"dist": "empirical", "file": "times.txt"}   one duration per line
 *                                                (seconds or with units);
 *                                                sampled uniformly
 * "mean" and "cv" (standard deviation / mean) fix the parameters of
 * lognormal and gamma, which is how latencies are usually reported. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>

#include "models/input/jnode.h"
#include "sim/time.h"

typedef enum {
  DIST_FIXED,
  DIST_EXPONENTIAL,
  DIST_UNIFORM,
  DIST_LOGNORMAL,
  DIST_GAMMA,
  DIST_EMPIRICAL,
} DistKind;

typedef struct {
  DistKind kind;
  double mean;    /* seconds */
  double cv;      /* lognormal, gamma */
  double a, b;    /* uniform: min, max; lognormal: mu, sigma of the log;
                     gamma: shape, scale (seconds) */
  double *values; /* empirical samples, seconds (owned) */
  gsize n_values;
} Dist;

/* A fixed distribution at @value. */
Dist dist_fixed(SimTime value);

/* Parses the distribution at @n (any shape above). @max bounds every
 * duration given. On error returns FALSE with the JSON path in @error. */
gboolean dist_parse(const JNode *n, SimTime max, Dist *out, GError **error);

/* Like dist_parse() on member @key of @obj; leaves @out untouched when the
 * key is absent. */
gboolean dist_member(const JNode *obj, const char *key, SimTime max,
                     Dist *out, GError **error);

/* Releases what @d owns (empirical values); @d stays a valid fixed 0. */
void dist_clear(Dist *d);

/* Copies @src into @dst (deep). */
void dist_copy(Dist *dst, const Dist *src);

/* Draws one value in seconds (>= 0). */
double dist_sample_seconds(const Dist *d, gsl_rng *rng);

/* Draws one duration, rounded to the microsecond. */
static inline SimTime
dist_sample(const Dist *d, gsl_rng *rng)
{
  return sim_time_from_seconds(dist_sample_seconds(d, rng));
}

/* The distribution's mean in seconds. */
double dist_mean_seconds(const Dist *d);

/* The distribution's squared coefficient of variation, Var/mean² (0 for
 * a fixed value and for a mean of 0): what queueing formulas call cs².
 * Never fails; O(n) for an empirical distribution. */
double dist_scv(const Dist *d);

/* E[X³] / E[X]³, the normalised third moment (Whitt's d³; 1 for a fixed
 * value, 6 for an exponential, and 0 for a mean of 0): what the shape of
 * a queue's waits depends on beyond cs². Never fails; O(n) for an
 * empirical distribution. */
double dist_third_moment_ratio(const Dist *d);

/* The quantile at level @u in [0, 1], in seconds: the smallest x with
 * P(X <= x) >= u (for an empirical distribution, its sorted value of
 * rank ceil(u n), the nearest rank). @u = 1 gives the largest value
 * (INFINITY for exponential, lognormal and gamma). For an empirical
 * distribution each call sorts a copy (O(n log n)): call
 * dist_quantiles_seconds() for many levels. */
double dist_quantile_seconds(const Dist *d, double u);

/* The quantiles at the @n ascending levels @u into @out (an empirical
 * distribution is sorted once). */
void dist_quantiles_seconds(const Dist *d, const double *u, gsize n,
                            double *out);
