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

/* The error of the old bucket midpoints (up to 0.78%) is gone: read
 * within its bucket, a quantile of 200,000 heavy-tailed latencies is
 * within a quarter of a bucket (0.1%) of the exact one. */
Test(histogram, interpolated_quantiles_within_a_quarter_bucket_of_exact)
{
  const gsize n = 200000;
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 11);
  uint64_t *v = g_new(uint64_t, n);
  g_autoptr(SimHistogram) h = sim_histogram_new();
  for (gsize i = 0; i < n; i++) {
    v[i] = (uint64_t) gsl_ran_lognormal(r, log(35000.0), 1.0);
    sim_histogram_record(h, v[i]);
  }
  qsort(v, n, sizeof *v, cmp_u64);
  const double qs[] = { 0.1, 0.5, 0.9, 0.99, 0.999 };
  for (gsize i = 0; i < G_N_ELEMENTS(qs); i++) {
    double exact = (double) exact_quantile(v, n, qs[i]);
    double got = sim_histogram_quantile(h, qs[i]);
    cr_assert_leq(fabs(got - exact), sim_histogram_resolution(exact) / 4,
                  "q=%g: %g vs exact %g", qs[i], got, exact);
    cr_assert_leq(fabs(got - exact) / exact, 0.001, "q=%g", qs[i]);
  }
  g_free(v);
  gsl_rng_free(r);
}

/* Values spread over one bucket: the quantiles follow them inside it
 * rather than all reading as its midpoint. */
Test(histogram, quantiles_move_inside_a_bucket)
{
  g_autoptr(SimHistogram) h = sim_histogram_new();
  /* 200 ms to 200.5 ms: one bucket (0.5 ms wide there). */
  double width = sim_histogram_resolution(200000);
  cr_assert_float_eq(width, 512.0, 1e-9);
  for (uint64_t us = 200192; us < 200192 + 512; us++)
    sim_histogram_record(h, us);
  cr_assert_float_eq(sim_histogram_quantile(h, 0.10), 200192 + 51.0, 1.0);
  cr_assert_float_eq(sim_histogram_quantile(h, 0.50), 200192 + 255.0, 1.0);
  cr_assert_float_eq(sim_histogram_quantile(h, 0.99), 200192 + 506.0, 1.0);
}

/* Two sets of latencies whose exact p99 differ by 0.1%, as two seeds'
 * would: their p99s differ too (the old buckets read both as 201.7 ms,
 * and a sweep printed "+- 0.0 ms"). */
Test(histogram, seeds_a_tenth_of_a_percent_apart_read_apart)
{
  g_autoptr(SimHistogram) a = sim_histogram_new();
  g_autoptr(SimHistogram) b = sim_histogram_new();
  for (uint64_t i = 0; i < 10000; i++) {
    uint64_t v = 150000 + i * 6; /* 150 ms to 210 ms */
    sim_histogram_record(a, v);
    sim_histogram_record(b, v + v / 1000);
  }
  double pa = sim_histogram_quantile(a, 0.99);
  double pb = sim_histogram_quantile(b, 0.99);
  cr_assert_float_eq(pa, 150000 + 9899 * 6, 6.0);
  cr_assert_float_eq(pb / pa, 1.001, 0.0002, "%g vs %g", pa, pb);
}

Test(histogram, resolution_is_the_bucket_width)
{
  cr_assert_float_eq(sim_histogram_resolution(100), 1.0, 1e-9);
  cr_assert_float_eq(sim_histogram_resolution(511), 1.0, 1e-9);
  cr_assert_float_eq(sim_histogram_resolution(512), 2.0, 1e-9);
  /* At most 1/256 of the value. */
  for (double v = 600; v < 1e9; v *= 1.37)
    cr_assert_leq(sim_histogram_resolution(v), v / 256, "at %g", v);
}
