/* ecsim calibrate's statistics on synthetic data with known truth: each
 * fit must cover the true value with its 95% interval, and the queueing
 * correction must remove the bias waiting adds to target times. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "models/experiments/calibrate-alb.h"
#include "models/experiments/calibrate-fit.h"
#include "support.h"

static gsl_rng *
rng_new(unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

/* Lognormal draws of mean @mean and coefficient of variation @cv. */
static double
draw_lognormal(gsl_rng *r, double mean, double cv)
{
  double s2 = log1p(cv * cv);
  return gsl_ran_lognormal(r, log(mean) - s2 / 2, sqrt(s2));
}

static double *
sample(int kind, double mean, double cv, gsize n, unsigned long seed)
{
  gsl_rng *r = rng_new(seed);
  double *x = g_new(double, n);
  for (gsize i = 0; i < n; i++)
    x[i] = kind == CAL_DIST_LOGNORMAL
             ? draw_lognormal(r, mean, cv)
             : gsl_ran_gamma(r, 1 / (cv * cv), mean * cv * cv);
  qsort(x, n, sizeof *x, test_cmp_double);
  gsl_rng_free(r);
  return x;
}

static void
assert_covers(const CalEstimate *e, double truth, double max_rel_half,
              const char *what)
{
  cr_assert(e->lo <= truth && truth <= e->hi,
            "%s: truth %g outside [%g, %g] (estimate %g)", what, truth,
            e->lo, e->hi, e->value);
  cr_assert((e->hi - e->lo) / 2 < max_rel_half * truth,
            "%s: interval [%g, %g] too wide", what, e->lo, e->hi);
}

Test(calibrate_fit, lognormal_mle_covers_the_true_mean_and_cv)
{
  g_autofree double *x = sample(CAL_DIST_LOGNORMAL, 0.080, 1.2, 20000, 11);
  CalDistFit f, g;
  calibrate_fit_dist(CAL_DIST_LOGNORMAL, x, 20000, 1, &f);
  calibrate_fit_dist(CAL_DIST_GAMMA, x, 20000, 1, &g);
  assert_covers(&f.mean, 0.080, 0.05, "mean");
  assert_covers(&f.cv, 1.2, 0.05, "cv");
  cr_assert_lt(f.aic, g.aic, "AIC should prefer the lognormal");
  cr_assert_lt(f.ks_d, 0.02);
  cr_assert_gt(g.ks_d, f.ks_d);
}

Test(calibrate_fit, gamma_mle_covers_the_true_mean_and_cv)
{
  g_autofree double *x = sample(CAL_DIST_GAMMA, 0.050, 0.5, 20000, 12);
  CalDistFit f, l;
  calibrate_fit_dist(CAL_DIST_GAMMA, x, 20000, 1, &f);
  calibrate_fit_dist(CAL_DIST_LOGNORMAL, x, 20000, 1, &l);
  assert_covers(&f.mean, 0.050, 0.05, "mean");
  assert_covers(&f.cv, 0.5, 0.05, "cv");
  cr_assert_lt(f.aic, l.aic, "AIC should prefer the gamma");
  cr_assert_gt(f.ks_p, 0.05);
}

Test(calibrate_fit, empirical_bootstrap_is_deterministic_and_covers)
{
  g_autofree double *x = sample(CAL_DIST_GAMMA, 0.050, 0.5, 5000, 14);
  CalDistFit a, b;
  calibrate_fit_dist(CAL_DIST_EMPIRICAL, x, 5000, 7, &a);
  calibrate_fit_dist(CAL_DIST_EMPIRICAL, x, 5000, 7, &b);
  cr_assert_eq(memcmp(&a.mean, &b.mean, sizeof a.mean), 0);
  assert_covers(&a.mean, 0.050, 0.05, "mean");
  assert_covers(&a.cv, 0.5, 0.1, "cv");
}

Test(calibrate_fit, least_squares_slope_interval_covers_the_truth)
{
  gsl_rng *r = rng_new(5);
  double x[200], y[200];
  for (int i = 0; i < 200; i++) {
    x[i] = 100 + 10 * i;
    y[i] = 3 + 0.02 * x[i] + gsl_ran_gaussian(r, 1.0);
  }
  gsl_rng_free(r);
  CalLinear l;
  cr_assert(calibrate_fit_linear(x, y, 200, &l));
  assert_covers(&l.slope, 0.02, 0.05, "slope");
  cr_assert_gt(l.r2, 0.9);
  double flat[3] = { 1, 1, 1 };
  cr_assert_not(calibrate_fit_linear(flat, y, 3, &l), "no slope without "
                "spread in x");
}

Test(calibrate_fit, poisson_interval_of_zero_events_is_the_exact_one)
{
  CalEstimate e;
  calibrate_poisson_rate(0, 100, &e);
  cr_assert_eq(e.lo, 0);
  cr_assert_float_eq(e.hi, 3.68888 / 100, 1e-5); /* -ln(0.025) */
  calibrate_poisson_rate(10, 100, &e);
  cr_assert_float_eq(e.lo, 4.795389 / 100, 1e-5);
  cr_assert_float_eq(e.hi, 18.390356 / 100, 1e-5);
}

/* "2026-01-05T00:00:01.234567Z" */
static void
format_us(gint64 us, char *buf, gsize len)
{
  time_t s = (time_t) (us / 1000000);
  struct tm tm;
  gmtime_r(&s, &tm);
  gsize n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
  g_snprintf(buf + n, len - n, ".%06dZ", (int) (us % 1000000));
}

/* Writes an ALB log of @targets FCFS servers with @slots slots each,
 * Poisson arrivals at @rate per target and lognormal service times (mean
 * 80 ms, cv 1.2). */
static char *
write_queued_log(const char *dir, int targets, int slots, double rate)
{
  char *path = g_build_filename(dir, "web-alb.log", NULL);
  FILE *f = fopen(path, "w");
  gsl_rng *r = rng_new(21);
  const gint64 epoch = G_GINT64_CONSTANT(1767571200000000);
  for (int t = 0; t < targets; t++) {
    gint64 *free_at = g_new0(gint64, slots);
    gint64 now = epoch;
    for (int i = 0; i < 4000; i++) {
      now += (gint64) (gsl_ran_exponential(r, 1 / rate) * 1e6);
      int k = 0; /* FCFS: the slot that frees first */
      for (int j = 1; j < slots; j++)
        if (free_at[j] < free_at[k])
          k = j;
      gint64 start = MAX(now, free_at[k]);
      gint64 done = start + (gint64) (draw_lognormal(r, 0.080, 1.2) * 1e6);
      free_at[k] = done;
      char at[40], created[40];
      format_us(done, at, sizeof at);
      format_us(now, created, sizeof created);
      fprintf(f, "http %s app/web-alb/0123 10.1.0.9:4000 10.0.0.%d:80 "
              "0.000 %.3f 0.000 200 200 100 200 \"GET http://web:80/ "
              "HTTP/1.1\" \"ecsim\" - - arn:tg \"Root=1-0\" \"-\" \"-\" 0 "
              "%s \"forward\" \"-\" \"-\" \"10.0.0.%d:80\" \"200\" \"-\" "
              "\"-\" -\n", at, t + 1, (done - now) / 1e6, created, t + 1);
    }
    g_free(free_at);
  }
  /* One request the load balancer answered itself: left out. */
  fprintf(f, "http 2026-01-05T00:00:00.000000Z app/web-alb/0123 "
          "10.1.0.9:4000 - -1 -1 -1 503 - 100 200 \"GET http://web:80/ "
          "HTTP/1.1\" \"ecsim\" - - arn:tg \"Root=1-0\" \"-\" \"-\" 0 "
          "2026-01-05T00:00:00.000000Z \"forward\" \"-\" \"-\" \"-\" \"-\" "
          "\"-\" \"-\" -\n");
  gsl_rng_free(r);
  fclose(f);
  return path;
}

static double
mean_of(const double *x, gsize n)
{
  double s = 0;
  for (gsize i = 0; i < n; i++)
    s += x[i];
  return s / n;
}

Test(calibrate_fit, queueing_correction_removes_the_waiting_bias)
{
  g_autofree char *dir = test_tmpdir();
  /* 4 slots at utilisation 0.9: waiting doubles the target time. */
  g_autofree char *path = write_queued_log(dir, 3, 4, 0.9 * 4 / 0.080);
  g_autoptr(GError) error = NULL;
  g_autoptr(CalAlbLog) log = calibrate_alb_new();
  cr_assert(calibrate_alb_read(log, path, "web-alb.log", &error), "%s",
            error ? error->message : "");
  cr_assert_eq(log->no_target, 1);
  gsize n, neg;
  g_autofree double *raw = calibrate_alb_service_times(log, 0, G_MININT64,
                                                       G_MAXINT64, &n, &neg);
  cr_assert_eq(n, 12000);
  cr_assert_gt(mean_of(raw, n), 2 * 0.080, "the test needs heavy queueing:"
               " raw mean %g", mean_of(raw, n));
  g_autofree double *x = calibrate_alb_service_times(log, 4, G_MININT64,
                                                     G_MAXINT64, &n, &neg);
  cr_assert_eq(neg, 0, "%zu inconsistent", neg);
  CalDistFit f;
  calibrate_fit_dist(CAL_DIST_LOGNORMAL, x, n, 1, &f);
  assert_covers(&f.mean, 0.080, 0.08, "corrected mean");
  assert_covers(&f.cv, 1.2, 0.1, "corrected cv");
  cr_assert_leq(calibrate_alb_min_slots(log, G_MININT64, G_MAXINT64, 64), 4);
  test_rmrf(dir);
}

/* Two million service times (a day of a busy service's log): the
 * bootstrap resamples at most 65536 of them and rescales, so it takes a
 * fraction of a second (all of them took about 20 s), and its interval
 * still matches the normal theory's 1.96 sd / sqrt(n). */
Test(calibrate_fit, empirical_bootstrap_of_millions_is_quick_and_covers,
     .timeout = 10)
{
  const gsize n = 2000000;
  g_autofree double *x = sample(CAL_DIST_LOGNORMAL, 0.080, 1.2, n, 15);
  CalDistFit f;
  calibrate_fit_dist(CAL_DIST_EMPIRICAL, x, n, 7, &f);
  assert_covers(&f.mean, 0.080, 0.01, "mean");
  assert_covers(&f.cv, 1.2, 0.02, "cv");
  double half = 1.96 * 0.080 * 1.2 / sqrt((double) n);
  cr_assert_float_eq((f.mean.hi - f.mean.lo) / 2, half, 0.25 * half,
                     "the mean's half-width %g, theory %g",
                     (f.mean.hi - f.mean.lo) / 2, half);
}

/* The bisection finds the count a scan from 1 would: the smallest with no
 * request starting after its answer. */
Test(calibrate_fit, min_slots_is_the_smallest_consistent_count)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = write_queued_log(dir, 2, 12, 0.9 * 12 / 0.080);
  g_autoptr(CalAlbLog) log = calibrate_alb_new();
  cr_assert(calibrate_alb_read(log, path, "web-alb.log", NULL));
  guint scan = 1;
  for (;; scan++) {
    gsize n, neg;
    g_free(calibrate_alb_service_times(log, scan, G_MININT64, G_MAXINT64,
                                       &n, &neg));
    if (neg == 0)
      break;
  }
  cr_assert_gt(scan, 2, "the test needs a count above 2, got %u", scan);
  cr_assert_eq(calibrate_alb_min_slots(log, G_MININT64, G_MAXINT64, 4096),
               scan);
  cr_assert_eq(calibrate_alb_min_slots(log, G_MININT64, G_MAXINT64, scan - 1),
               scan - 1, "at most max");
  test_rmrf(dir);
}
