/* Service-time laws as the aggregate fidelity reads them: their
 * variability, third moments and quantiles (models/input/dist.h). */
#include <criterion/criterion.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "fluid-support.h"
#include "models/input/dist.h"

Test(dist, dist_scv_gives_each_law_its_variability)
{
  cr_assert_float_eq(dist_scv(&(Dist){ .kind = DIST_FIXED, .mean = 1 }),
                     0.0, 1e-12);
  Dist e = fluid_test_exponential(0.01), l = fluid_test_lognormal(0.035, 1.2),
       g = fluid_test_gamma(0.02, 0.5);
  cr_assert_float_eq(dist_scv(&e), 1.0, 1e-12);
  cr_assert_float_eq(dist_scv(&l), 1.44, 1e-12);
  cr_assert_float_eq(dist_scv(&g), 0.25, 1e-12);
  Dist u = { .kind = DIST_UNIFORM, .a = 0, .b = 2, .mean = 1 };
  cr_assert_float_eq(dist_scv(&u), 1.0 / 3.0, 1e-12);
  double v[] = { 1, 3 }; /* mean 2, population variance 1 */
  Dist emp = { .kind = DIST_EMPIRICAL, .mean = 2, .values = v,
               .n_values = 2 };
  cr_assert_float_eq(dist_scv(&emp), 0.25, 1e-12);
}

Test(dist, dist_quantile_inverts_each_law)
{
  Dist e = fluid_test_exponential(0.01), l = fluid_test_lognormal(0.035, 1.2),
       g = fluid_test_gamma(0.02, 0.5);
  cr_assert_float_eq(dist_quantile_seconds(&e, 0.5), 0.01 * log(2), 1e-12);
  /* The lognormal's median is exp(mu). */
  cr_assert_float_eq(dist_quantile_seconds(&l, 0.5), exp(l.a), 1e-12);
  /* Gamma shape 4, scale 5 ms: P(X <= q) = u, checked with its CDF. */
  double q = dist_quantile_seconds(&g, 0.99);
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 3);
  int below = 0;
  for (int i = 0; i < 200000; i++)
    below += gsl_ran_gamma(r, g.a, g.b) <= q;
  gsl_rng_free(r);
  cr_assert_float_eq(below / 200000.0, 0.99, 0.001);
  Dist u = { .kind = DIST_UNIFORM, .a = 1, .b = 3, .mean = 2 };
  cr_assert_float_eq(dist_quantile_seconds(&u, 0.25), 1.5, 1e-12);
  cr_assert(isinf(dist_quantile_seconds(&e, 1.0)));
  /* Empirical: the nearest rank of the sorted values. */
  double v[] = { 5, 1, 4, 2, 3 };
  Dist emp = { .kind = DIST_EMPIRICAL, .mean = 3, .values = v,
               .n_values = 5 };
  cr_assert_eq(dist_quantile_seconds(&emp, 0.0), 1);
  cr_assert_eq(dist_quantile_seconds(&emp, 0.4), 2);
  cr_assert_eq(dist_quantile_seconds(&emp, 0.41), 3);
  cr_assert_eq(dist_quantile_seconds(&emp, 1.0), 5);
  cr_assert_eq(v[0], 5, "the distribution's values are left in place");
}

/* A gamma with cv 5 (shape 0.04), the aggregate fidelity's latency table
 * reads its quantiles from 10^-5 to 1 - 10^-8, where GSL's Newton
 * inverse fails to converge and aborts the run: each must invert its
 * distribution function. */
Test(dist, dist_quantile_inverts_a_very_variable_gamma)
{
  Dist g = fluid_test_gamma(0.015, 5.0);
  static const double levels[] = { 1e-5, 0.01, 0.5, 0.99, 1 - 1e-8 };
  for (gsize i = 0; i < G_N_ELEMENTS(levels); i++) {
    double u = levels[i], q = dist_quantile_seconds(&g, u);
    double back = u > 0.5 ? 1.0 - gsl_cdf_gamma_Q(q, g.a, g.b)
                          : gsl_cdf_gamma_P(q, g.a, g.b);
    cr_assert(isfinite(q) && q >= 0.0, "u = %g: %g", u, q);
    cr_assert(fabs(back - u) <= 1e-9 * MIN(u, 1.0 - u) + 1e-300,
              "u = %g: the quantile %g s has P = %.12g", u, q, back);
  }
}

/* E[X³] / E[X]³ by integrating the law's quantile function: E[X³] =
 * integral over u of Q(u)³, with u = 1 - e^-t so that the upper tail
 * is spread out (Simpson's rule on t in [0, 60]). */
static double
third_by_quantiles(const Dist *d)
{
  const int n = 60000;
  double h = 60.0 / n, sum = 0;
  for (int i = 0; i <= n; i++) {
    double t = i * h, q = dist_quantile_seconds(d, -expm1(-t));
    double f = isfinite(q) ? q * q * q * exp(-t) : 0.0;
    sum += f * (i == 0 || i == n ? 1 : i % 2 ? 4 : 2);
  }
  double m = dist_mean_seconds(d);
  return sum * h / 3.0 / (m * m * m);
}

/* The normalised third moment the shape of waits is made from: closed
 * forms (6 for the exponential, (1 + cv²)³ for the lognormal) against
 * the quantile functions, and exact sums for an empirical law. */
Test(dist, dist_third_moment_ratio_matches_each_laws_quantiles)
{
  cr_assert_float_eq(
    dist_third_moment_ratio(&(Dist){ .kind = DIST_FIXED, .mean = 1 }), 1.0,
    1e-12);
  cr_assert_eq(dist_third_moment_ratio(&(Dist){ .kind = DIST_FIXED }), 0.0);
  Dist e = fluid_test_exponential(0.01), l = fluid_test_lognormal(0.035, 1.2),
       g = fluid_test_gamma(0.02, 0.5), w = fluid_test_gamma(0.02, 1.5);
  Dist u = { .kind = DIST_UNIFORM, .a = 1, .b = 3, .mean = 2 };
  cr_assert_float_eq(dist_third_moment_ratio(&e), 6.0, 1e-12);
  cr_assert_float_eq(dist_third_moment_ratio(&l), 2.44 * 2.44 * 2.44, 1e-12);
  const Dist *laws[] = { &e, &l, &g, &w, &u };
  for (gsize i = 0; i < G_N_ELEMENTS(laws); i++) {
    double want = third_by_quantiles(laws[i]);
    double got = dist_third_moment_ratio(laws[i]);
    cr_assert(fabs(got / want - 1) < 1e-3, "law %zu: %.5f, quantiles "
              "give %.5f", i, got, want);
  }
  double v[] = { 1, 3 }; /* E[X³] = 14, mean 2 */
  Dist emp = { .kind = DIST_EMPIRICAL, .mean = 2, .values = v,
               .n_values = 2 };
  cr_assert_float_eq(dist_third_moment_ratio(&emp), 14.0 / 8.0, 1e-12);
}
