/* `ecsim calibrate`: the statistics, on plain arrays.
 *
 * Service-time fits by maximum likelihood (lognormal in closed form,
 * gamma by Newton on the digamma equation), the empirical distribution,
 * a Kolmogorov-Smirnov figure for each, ordinary least squares with
 * t-intervals, and the exact Poisson interval of a rate. Every interval
 * is a two-sided 95% one; scenarios/REFERENCE.md ("ecsim calibrate")
 * gives the formulas. Nothing here allocates what it returns. */
#pragma once

#include <glib.h>

/* An estimate and its 95% interval [lo, hi]. */
typedef struct {
  double value;
  double lo;
  double hi;
} CalEstimate;

typedef enum {
  CAL_DIST_LOGNORMAL,
  CAL_DIST_GAMMA,
  CAL_DIST_EMPIRICAL,
} CalDistKind;

/* One fitted service-time distribution (seconds). */
typedef struct {
  CalDistKind kind;
  gsize n;
  CalEstimate mean; /* seconds */
  CalEstimate cv;   /* standard deviation / mean */
  double a, b;      /* lognormal: mu, sigma of the log; gamma: shape,
                       scale; empirical: unused */
  double loglik;    /* NAN for the empirical distribution */
  double aic;       /* 2 * 2 - 2 loglik; NAN for the empirical */
  double ks_d;      /* Kolmogorov-Smirnov statistic against the sample */
  double ks_p;      /* its asymptotic p-value (conservative: the
                       parameters come from the same sample) */
} CalDistFit;

/* The name of @kind: "lognormal", "gamma", "empirical". */
const char *calibrate_dist_name(CalDistKind kind);

/* Fits @kind to the @n values of @x (seconds, > 0, sorted ascending;
 * n >= 2). Lognormal and gamma intervals come from the MLE's Fisher
 * information (delta method); the empirical ones from 200 bootstrap
 * resamples drawn with @seed. Never fails on such input. */
void calibrate_fit_dist(CalDistKind kind, const double *x, gsize n,
                        guint64 seed, CalDistFit *out);

/* The CDF of the fitted @fit at @x seconds. */
double calibrate_dist_cdf(const CalDistFit *fit, double x);

/* The @p-quantile (0..1) of the sorted sample @x (linear between order
 * statistics). */
double calibrate_quantile(const double *x, gsize n, double p);

/* y = intercept + slope x by ordinary least squares. */
typedef struct {
  gsize n;
  CalEstimate slope;     /* interval: t(0.975, n - 2) standard errors */
  CalEstimate intercept;
  double r2;             /* 1 - residual SS / total SS */
  double mean_x, mean_y;
} CalLinear;

/* Fits @n points (n >= 3). FALSE when all x are equal (no slope). */
gboolean calibrate_fit_linear(const double *x, const double *y, gsize n,
                              CalLinear *out);

/* The rate of @k events over @exposure (> 0), with the exact (Garwood,
 * chi-square) 95% interval; lo is 0 when k is 0. */
void calibrate_poisson_rate(guint k, double exposure, CalEstimate *out);
