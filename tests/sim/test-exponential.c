/* The ziggurat exponential against the exponential law. */
#include <criterion/criterion.h>
#include <glib.h>
#include <math.h>

#include "sim/exponential.h"

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

Test(exponential, matches_the_exponential_distribution)
{
  const gsize n = 400000;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 7);
  double *x = g_new(double, n);
  double sum = 0, sum2 = 0, max = 0;
  for (gsize i = 0; i < n; i++) {
    x[i] = sim_exponential(r);
    cr_assert_geq(x[i], 0.0);
    sum += x[i];
    sum2 += x[i] * x[i];
    max = MAX(max, x[i]);
  }
  double mean = sum / n, var = sum2 / n - mean * mean;
  /* Mean 1 and variance 1: standard errors 1/sqrt(n) and ~2/sqrt(n). */
  cr_assert_lt(fabs(mean - 1.0), 5.0 / sqrt((double) n), "mean %g", mean);
  cr_assert_lt(fabs(var - 1.0), 10.0 / sqrt((double) n), "variance %g",
               var);
  cr_assert_gt(max, 10.0, "the tail beyond the ziggurat's base is drawn");
  /* Kolmogorov-Smirnov against 1 - exp(-x): D < 1.63 / sqrt(n) at 1%. */
  qsort(x, n, sizeof *x, cmp_double);
  double d = 0;
  for (gsize i = 0; i < n; i++) {
    double cdf = 1.0 - exp(-x[i]);
    d = MAX(d, MAX(fabs((double) (i + 1) / n - cdf),
                   fabs(cdf - (double) i / n)));
  }
  cr_assert_lt(d, 1.63 / sqrt((double) n), "KS distance %g", d);
  g_free(x);
  gsl_rng_free(r);
}

Test(exponential, tail_probabilities_are_right)
{
  const gsize n = 2000000;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_taus2);
  gsl_rng_set(r, 11);
  gsize beyond[3] = { 0 };
  const double at[3] = { 3.0, 7.0, 9.0 };
  for (gsize i = 0; i < n; i++) {
    double v = sim_exponential(r);
    for (int k = 0; k < 3; k++)
      beyond[k] += v > at[k];
  }
  for (int k = 0; k < 3; k++) {
    double p = exp(-at[k]), expect = p * n;
    cr_assert_lt(fabs(beyond[k] - expect), 5 * sqrt(expect) + 1,
                 "P(X > %g): %zu vs %.1f", at[k], beyond[k], expect);
  }
  gsl_rng_free(r);
}
