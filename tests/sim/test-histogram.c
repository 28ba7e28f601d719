/* The latency histogram against exact sorted samples. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "sim/histogram.h"

static int
cmp_u64(const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return (x > y) - (x < y);
}

static uint64_t
exact_quantile(const uint64_t *sorted, gsize n, double q)
{
  gsize rank = (gsize) ceil(q * (double) n);
  return sorted[rank < 1 ? 0 : rank - 1];
}

Test(histogram, quantiles_within_one_percent_of_exact)
{
  const gsize n = 200000;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  uint64_t *v = g_new(uint64_t, n);
  SimHistogram *h = sim_histogram_new();
  for (gsize i = 0; i < n; i++) {
    /* Latencies around 35 ms with a heavy tail, in microseconds. */
    v[i] = (uint64_t) gsl_ran_lognormal(r, log(35000.0), 1.0);
    sim_histogram_record(h, v[i]);
  }
  qsort(v, n, sizeof *v, cmp_u64);
  const double qs[] = { 0.01, 0.5, 0.9, 0.99, 0.999, 1.0 };
  for (gsize i = 0; i < G_N_ELEMENTS(qs); i++) {
    double exact = (double) exact_quantile(v, n, qs[i]);
    double got = sim_histogram_quantile(h, qs[i]);
    cr_assert_leq(fabs(got - exact) / exact, 0.01, "q=%g: %g vs exact %g",
                  qs[i], got, exact);
  }
  cr_assert_eq(sim_histogram_count(h), n);
  cr_assert_eq(sim_histogram_max(h), v[n - 1]);
  cr_assert_eq(sim_histogram_min(h), v[0]);
  g_free(v);
  sim_histogram_free(h);
  gsl_rng_free(r);
}

Test(histogram, small_values_are_exact)
{
  SimHistogram *h = sim_histogram_new();
  for (uint64_t v = 1; v <= 100; v++)
    sim_histogram_record(h, v);
  cr_assert_float_eq(sim_histogram_quantile(h, 0.5), 50.0, 1e-9);
  cr_assert_float_eq(sim_histogram_quantile(h, 0.99), 99.0, 1e-9);
  cr_assert_float_eq(sim_histogram_mean(h), 50.5, 1e-9);
  sim_histogram_free(h);
}

Test(histogram, empty_gives_nan_and_reset_empties)
{
  SimHistogram *h = sim_histogram_new();
  cr_assert(isnan(sim_histogram_quantile(h, 0.5)));
  sim_histogram_record(h, 1000);
  sim_histogram_reset(h);
  cr_assert_eq(sim_histogram_count(h), 0);
  cr_assert(isnan(sim_histogram_quantile(h, 0.99)));
  sim_histogram_free(h);
}

Test(histogram, merge_equals_recording_into_one)
{
  SimHistogram *a = sim_histogram_new(), *b = sim_histogram_new(),
               *all = sim_histogram_new();
  for (uint64_t v = 1; v < 100000; v += 7) {
    sim_histogram_record(v % 2 ? a : b, v);
    sim_histogram_record(all, v);
  }
  sim_histogram_merge(a, b);
  cr_assert_eq(sim_histogram_count(a), sim_histogram_count(all));
  cr_assert_float_eq(sim_histogram_quantile(a, 0.9),
                     sim_histogram_quantile(all, 0.9), 1e-9);
  cr_assert_eq(sim_histogram_min(a), 1);
  sim_histogram_free(a);
  sim_histogram_free(b);
  sim_histogram_free(all);
}

Test(histogram, fraction_below_threshold)
{
  SimHistogram *h = sim_histogram_new();
  for (uint64_t v = 1; v <= 1000; v++)
    sim_histogram_record(h, v * 1000);
  /* 200 of 1000 values are <= 200 ms. */
  cr_assert_float_eq(sim_histogram_fraction_below(h, 200000), 0.2, 0.005);
  cr_assert_float_eq(sim_histogram_fraction_below(h, 5000000), 1.0, 1e-12);
  sim_histogram_free(h);
}
