/* The ziggurat normal against the normal law. */
#include <criterion/criterion.h>
#include <glib.h>
#include <gsl/gsl_cdf.h>
#include <math.h>

#include "sim/normal.h"
#include "sim/rng.h"

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

Test(normal, matches_the_normal_distribution)
{
  const gsize n = 400000;
  gsl_rng *r = gsl_rng_alloc(&sim_rng_taus2);
  gsl_rng_set(r, 7);
  double *x = g_new(double, n);
  double sum = 0, sum2 = 0, sum3 = 0, sum4 = 0;
  for (gsize i = 0; i < n; i++) {
    x[i] = sim_normal(r);
    double v = x[i];
    sum += v;
    sum2 += v * v;
    sum3 += v * v * v;
    sum4 += v * v * v * v;
  }
  /* Moments 0, 1, 0, 3; standard errors 1, sqrt 2, sqrt 15, sqrt 96 over
   * sqrt(n). */
  double sn = sqrt((double) n);
  cr_assert_lt(fabs(sum / n), 5.0 / sn, "mean %g", sum / n);
  cr_assert_lt(fabs(sum2 / n - 1.0), 5.0 * sqrt(2.0) / sn, "E[X^2] %g",
               sum2 / n);
  cr_assert_lt(fabs(sum3 / n), 5.0 * sqrt(15.0) / sn, "E[X^3] %g", sum3 / n);
  cr_assert_lt(fabs(sum4 / n - 3.0), 5.0 * sqrt(96.0) / sn, "E[X^4] %g",
               sum4 / n);
  /* Kolmogorov-Smirnov against Phi: D < 1.63 / sqrt(n) at 1%. */
  qsort(x, n, sizeof *x, cmp_double);
  double d = 0;
  for (gsize i = 0; i < n; i++) {
    double cdf = gsl_cdf_ugaussian_P(x[i]);
    d = MAX(d, MAX(fabs((double) (i + 1) / n - cdf),
                   fabs(cdf - (double) i / n)));
  }
  cr_assert_lt(d, 1.63 / sn, "KS distance %g", d);
  g_free(x);
  gsl_rng_free(r);
}

Test(normal, both_tails_have_the_right_mass)
{
  /* 3.0 is inside the ziggurat, 3.6 and 4.2 beyond its base (3.44),
   * where the exact tail sampler takes over. */
  const gsize n = 4000000;
  gsl_rng *r = gsl_rng_alloc(&sim_rng_taus2);
  gsl_rng_set(r, 11);
  const double at[3] = { 3.0, 3.6, 4.2 };
  gsize above[3] = { 0 }, below[3] = { 0 };
  for (gsize i = 0; i < n; i++) {
    double v = sim_normal(r);
    for (int k = 0; k < 3; k++) {
      above[k] += v > at[k];
      below[k] += v < -at[k];
    }
  }
  for (int k = 0; k < 3; k++) {
    double expect = gsl_cdf_ugaussian_Q(at[k]) * n;
    cr_assert_lt(fabs(above[k] - expect), 5 * sqrt(expect) + 1,
                 "P(X > %g): %zu vs %.1f", at[k], above[k], expect);
    cr_assert_lt(fabs(below[k] - expect), 5 * sqrt(expect) + 1,
                 "P(X < -%g): %zu vs %.1f", at[k], below[k], expect);
  }
  gsl_rng_free(r);
}
