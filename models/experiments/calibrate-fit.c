/* `ecsim calibrate`: the statistics (see calibrate-fit.h). */
#include "models/experiments/calibrate-fit.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_fit.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>
#include <gsl/gsl_sort.h>
#include <math.h>

#define Z975 1.959963984540054
#define BOOTSTRAP_SAMPLES 200
/* Resamples are at most this large: 200 resamples of a million-line log
 * would take seconds of random reads for an interval the m-out-of-n
 * bootstrap gives as well. */
#define BOOTSTRAP_MAX_SIZE 65536

const char *
calibrate_dist_name(CalDistKind kind)
{
  static const char *const names[] = { "lognormal", "gamma", "empirical" };
  return names[kind];
}

static CalEstimate
normal_interval(double value, double se)
{
  return (CalEstimate) { value, value - Z975 * se, value + Z975 * se };
}

/* Closed-form MLE: mu and sigma^2 are the mean and the (1/n) variance of
 * the logs. Var(mu) = s2/n, Var(s2) = 2 s2^2/n, independent; the mean's
 * interval is taken on log(mean) = mu + s2/2, which keeps it positive. */
static void
fit_lognormal(const double *x, gsize n, CalDistFit *out)
{
  double sum = 0, sumsq = 0;
  for (gsize i = 0; i < n; i++)
    sum += log(x[i]);
  double mu = sum / n;
  for (gsize i = 0; i < n; i++)
    sumsq += (log(x[i]) - mu) * (log(x[i]) - mu);
  double s2 = sumsq / n, sigma = sqrt(s2);
  double log_mean = mu + s2 / 2;
  double se_log_mean = sqrt(s2 / n + s2 * s2 / (2.0 * n));
  double cv = sqrt(expm1(s2));
  double se_cv = exp(s2) / (2 * cv) * sqrt(2.0 * s2 * s2 / n);
  out->a = mu;
  out->b = sigma;
  out->mean = (CalEstimate) { exp(log_mean),
                              exp(log_mean - Z975 * se_log_mean),
                              exp(log_mean + Z975 * se_log_mean) };
  out->cv = normal_interval(cv, se_cv);
  out->loglik = -sum - n * log(sigma) - n * 0.5 * log(2 * M_PI) - n * 0.5;
}

/* The gamma MLE's shape solves log k - psi(k) = s, s = log(mean x) -
 * mean(log x) >= 0: Minka's closed-form start, then Newton. In the
 * (k, mean) parameters the information is diagonal: Var(mean) =
 * mean^2 / (n k), Var(k) = 1 / (n (psi'(k) - 1/k)). */
static void
fit_gamma(const double *x, gsize n, CalDistFit *out)
{
  double sum = 0, sumlog = 0;
  for (gsize i = 0; i < n; i++)
    sum += x[i], sumlog += log(x[i]);
  double mean = sum / n;
  double s = MAX(log(mean) - sumlog / n, 1e-12);
  double k = (3 - s + sqrt((s - 3) * (s - 3) + 24 * s)) / (12 * s);
  for (int it = 0; it < 50; it++) {
    double step = (log(k) - gsl_sf_psi(k) - s) / (1 / k - gsl_sf_psi_1(k));
    double next = k - step;
    k = next > 0 ? next : k / 2;
    if (fabs(step) < 1e-12 * k)
      break;
  }
  double theta = mean / k;
  double var_k = 1 / (n * MAX(gsl_sf_psi_1(k) - 1 / k, 1e-300));
  double cv = 1 / sqrt(k);
  out->a = k;
  out->b = theta;
  out->mean = normal_interval(mean, mean / sqrt(n * k));
  out->cv = normal_interval(cv, 0.5 * pow(k, -1.5) * sqrt(var_k));
  out->loglik = (k - 1) * sumlog - sum / theta - n * k * log(theta) -
                n * gsl_sf_lngamma(k);
}

static void
mean_cv(const double *x, gsize n, double *mean, double *cv)
{
  double sum = 0, sumsq = 0;
  for (gsize i = 0; i < n; i++)
    sum += x[i];
  *mean = sum / n;
  for (gsize i = 0; i < n; i++)
    sumsq += (x[i] - *mean) * (x[i] - *mean);
  *cv = *mean > 0 ? sqrt(sumsq / (n - 1)) / *mean : 0;
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The bootstrap quantile @q of an estimate @est, from resamples @scale
 * = sqrt(m / n) times the sample's size: the spread of a resample of m
 * around the sample is sqrt(n / m) times that of the sample around the
 * truth (m-out-of-n bootstrap), so the deviation shrinks by @scale. */
static double
rescaled(double est, double q, double scale)
{
  return scale == 1 ? q : est + scale * (q - est);
}

/* Percentile bootstrap of the mean and cv: no shape assumed, and a fixed
 * seed keeps the output the same for the same input. Resamples of m =
 * min(n, BOOTSTRAP_MAX_SIZE) values, the interval rescaled to n. */
static void
fit_empirical(const double *x, gsize n, guint64 seed, CalDistFit *out)
{
  double mean, cv;
  mean_cv(x, n, &mean, &cv);
  gsize m = MIN(n, BOOTSTRAP_MAX_SIZE);
  double scale = m == n ? 1 : sqrt((double) m / n);
  double *means = g_new(double, BOOTSTRAP_SAMPLES);
  double *cvs = g_new(double, BOOTSTRAP_SAMPLES);
  double *resample = g_new(double, m);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, (unsigned long) seed);
  for (int b = 0; b < BOOTSTRAP_SAMPLES; b++) {
    for (gsize i = 0; i < m; i++)
      resample[i] = x[gsl_rng_uniform_int(rng, n)];
    mean_cv(resample, m, &means[b], &cvs[b]);
  }
  qsort(means, BOOTSTRAP_SAMPLES, sizeof *means, cmp_double);
  qsort(cvs, BOOTSTRAP_SAMPLES, sizeof *cvs, cmp_double);
  out->mean = (CalEstimate) { mean,
    rescaled(mean, calibrate_quantile(means, BOOTSTRAP_SAMPLES, 0.025),
             scale),
    rescaled(mean, calibrate_quantile(means, BOOTSTRAP_SAMPLES, 0.975),
             scale) };
  out->cv = (CalEstimate) { cv,
    rescaled(cv, calibrate_quantile(cvs, BOOTSTRAP_SAMPLES, 0.025), scale),
    rescaled(cv, calibrate_quantile(cvs, BOOTSTRAP_SAMPLES, 0.975),
             scale) };
  out->loglik = NAN;
  gsl_rng_free(rng);
  g_free(resample);
  g_free(cvs);
  g_free(means);
}

double
calibrate_dist_cdf(const CalDistFit *fit, double x)
{
  switch (fit->kind) {
  case CAL_DIST_LOGNORMAL:
    return x <= 0 ? 0 : gsl_cdf_lognormal_P(x, fit->a, fit->b);
  case CAL_DIST_GAMMA:
    return x <= 0 ? 0 : gsl_cdf_gamma_P(x, fit->a, fit->b);
  case CAL_DIST_EMPIRICAL:
  default:
    return NAN;
  }
}

/* Kolmogorov's limiting distribution, with Stephens' small-sample
 * correction of the argument (Numerical Recipes 14.3). */
static double
ks_pvalue(double d, gsize n)
{
  double sn = sqrt((double) n);
  double lambda = (sn + 0.12 + 0.11 / sn) * d;
  if (lambda < 0.2)
    return 1.0;
  double sum = 0, sign = 1;
  for (int j = 1; j <= 100; j++) {
    double term = sign * exp(-2.0 * j * j * lambda * lambda);
    sum += term;
    if (fabs(term) < 1e-12)
      break;
    sign = -sign;
  }
  return CLAMP(2 * sum, 0.0, 1.0);
}

static double
ks_statistic(const CalDistFit *fit, const double *x, gsize n)
{
  double d = 0;
  for (gsize i = 0; i < n; i++) {
    double f = calibrate_dist_cdf(fit, x[i]);
    d = MAX(d, MAX(f - (double) i / n, (double) (i + 1) / n - f));
  }
  return d;
}

void
calibrate_fit_dist(CalDistKind kind, const double *x, gsize n, guint64 seed,
                   CalDistFit *out)
{
  g_return_if_fail(n >= 2);
  *out = (CalDistFit) { .kind = kind, .n = n };
  if (kind == CAL_DIST_LOGNORMAL)
    fit_lognormal(x, n, out);
  else if (kind == CAL_DIST_GAMMA)
    fit_gamma(x, n, out);
  else
    fit_empirical(x, n, seed, out);
  out->aic = 2 * 2 - 2 * out->loglik;
  /* The empirical distribution is the sample itself: D is 0 by
   * construction, and saying so is more honest than a test. */
  out->ks_d = kind == CAL_DIST_EMPIRICAL ? 0 : ks_statistic(out, x, n);
  out->ks_p = ks_pvalue(out->ks_d, n);
}

double
calibrate_quantile(const double *x, gsize n, double p)
{
  g_return_val_if_fail(n > 0, NAN);
  double h = p * (n - 1);
  gsize lo = (gsize) floor(h);
  if (lo + 1 >= n)
    return x[n - 1];
  return x[lo] + (h - lo) * (x[lo + 1] - x[lo]);
}

gboolean
calibrate_fit_linear(const double *x, const double *y, gsize n,
                     CalLinear *out)
{
  g_return_val_if_fail(n >= 3, FALSE);
  double c0, c1, cov00, cov01, cov11, sumsq;
  double mx = 0, my = 0, ssx = 0, ssy = 0;
  for (gsize i = 0; i < n; i++)
    mx += x[i], my += y[i];
  mx /= n, my /= n;
  for (gsize i = 0; i < n; i++)
    ssx += (x[i] - mx) * (x[i] - mx), ssy += (y[i] - my) * (y[i] - my);
  if (ssx <= 0)
    return FALSE;
  gsl_fit_linear(x, 1, y, 1, n, &c0, &c1, &cov00, &cov01, &cov11, &sumsq);
  /* gsl's covariances already scale by the residual variance
   * sumsq / (n - 2); the t quantile widens them for a small n. */
  double t = gsl_cdf_tdist_Pinv(0.975, (double) n - 2);
  *out = (CalLinear) {
    .n = n,
    .slope = { c1, c1 - t * sqrt(cov11), c1 + t * sqrt(cov11) },
    .intercept = { c0, c0 - t * sqrt(cov00), c0 + t * sqrt(cov00) },
    .r2 = ssy > 0 ? 1 - sumsq / ssy : 1,
    .mean_x = mx,
    .mean_y = my,
  };
  return TRUE;
}

void
calibrate_poisson_rate(guint k, double exposure, CalEstimate *out)
{
  g_return_if_fail(exposure > 0);
  double lo = k == 0 ? 0 : gsl_cdf_chisq_Pinv(0.025, 2.0 * k) / 2;
  double hi = gsl_cdf_chisq_Pinv(0.975, 2.0 * k + 2) / 2;
  *out = (CalEstimate) { k / exposure, lo / exposure, hi / exposure };
}
