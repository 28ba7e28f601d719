/* Duration distributions: parsing by shape and fast sampling. */
#define HAVE_INLINE /* GSL's inline gsl_rng_uniform() */
#include "models/input/dist.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"
#include "sim/exponential.h"
#include "sim/normal.h"
#include "sim/rng.h"

Dist
dist_fixed(SimTime value)
{
  return (Dist){ .kind = DIST_FIXED, .mean = sim_time_to_seconds(value) };
}

static gboolean
parse_empirical(const JNode *n, Dist *out, GError **error)
{
  const char *name = NULL;
  if (!jn_string(n, "file", &name, error))
    return FALSE;
  g_autofree char *path = jn_resolve_path(n, name);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) {
    JNode f;
    jn_member(n, "file", &f);
    jn_error(&f, error, "cannot read '%s'", path);
    return FALSE;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  GArray *values = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; lines[i]; i++) {
    char *line = g_strstrip(lines[i]);
    if (*line == '\0' || *line == '#')
      continue;
    SimTime t;
    g_autoptr(GError) bad = NULL;
    /* A unit is needed, as in the scenario: "80" may be milliseconds. */
    if (!input_parse_duration(line, &t, &bad) || t < 0) {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                  "%s:%u: %s", path, i + 1,
                  bad ? bad->message : "durations must be >= 0");
      g_array_free(values, TRUE);
      return FALSE;
    }
    double s = sim_time_to_seconds(t);
    g_array_append_val(values, s);
  }
  if (values->len == 0) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                "%s: no durations in the file", path);
    g_array_free(values, TRUE);
    return FALSE;
  }
  double sum = 0;
  for (guint i = 0; i < values->len; i++)
    sum += g_array_index(values, double, i);
  out->kind = DIST_EMPIRICAL;
  out->n_values = values->len;
  out->values = (double *) g_array_free(values, FALSE);
  out->mean = sum / (double) out->n_values;
  return TRUE;
}

/* Derives the internal parameters of a lognormal or gamma from mean, cv. */
static void
set_shape(Dist *d)
{
  double scv = d->cv * d->cv;
  if (d->kind == DIST_LOGNORMAL) {
    d->b = sqrt(log1p(scv));                /* sigma */
    d->a = log(d->mean) - d->b * d->b / 2.0; /* mu */
  } else if (d->kind == DIST_GAMMA) {
    d->a = 1.0 / scv;      /* shape */
    d->b = d->mean * scv;  /* scale */
  }
}

static const char *const dist_keys[] = { "dist", "value", "mean", "cv",
                                         "min", "max", "file", NULL };
static const char *const dist_names[] = { "fixed", "exponential", "uniform",
                                          "lognormal", "gamma", "empirical",
                                          NULL };

static gboolean
parse_object(const JNode *n, SimTime max, Dist *out, GError **error)
{
  static const char *const required[] = { "dist", NULL };
  int kind = DIST_FIXED;
  if (!jn_check_object(n, dist_keys, required, error) ||
      !jn_enum(n, "dist", dist_names, &kind, error))
    return FALSE;
  Dist d = { .kind = (DistKind) kind };
  SimTime mean = 0, value = 0, lo = 0, hi = 0;
  const char *need = NULL;
  switch (d.kind) {
  case DIST_FIXED:
    need = "value";
    if (!jn_duration(n, "value", 0, max, &value, error))
      return FALSE;
    d.mean = sim_time_to_seconds(value);
    break;
  case DIST_EXPONENTIAL:
  case DIST_LOGNORMAL:
  case DIST_GAMMA:
    need = "mean";
    d.cv = 1.0;
    if (!jn_duration(n, "mean", 1, max, &mean, error) ||
        !jn_double(n, "cv", 0.01, 100.0, &d.cv, error))
      return FALSE;
    d.mean = sim_time_to_seconds(mean);
    set_shape(&d);
    break;
  case DIST_UNIFORM:
    need = "min";
    if (!jn_duration(n, "min", 0, max, &lo, error) ||
        !jn_duration(n, "max", 0, max, &hi, error))
      return FALSE;
    if (hi < lo) {
      JNode m;
      jn_member(n, "max", &m);
      jn_error(&m, error, "must be >= min");
      return FALSE;
    }
    d.a = sim_time_to_seconds(lo);
    d.b = sim_time_to_seconds(hi);
    d.mean = (d.a + d.b) / 2.0;
    break;
  case DIST_EMPIRICAL:
    need = "file";
    if (!parse_empirical(n, &d, error))
      return FALSE;
    break;
  }
  JNode check;
  if (!jn_member(n, need, &check)) {
    jn_error(&check, error, "required for a %s distribution",
             dist_names[d.kind]);
    dist_clear(&d);
    return FALSE;
  }
  *out = d;
  return TRUE;
}

gboolean
dist_parse(const JNode *n, SimTime max, Dist *out, GError **error)
{
  if (cJSON_IsObject(n->json)) {
    Dist d;
    if (!parse_object(n, max, &d, error))
      return FALSE;
    dist_clear(out);
    *out = d;
    return TRUE;
  }
  SimTime t;
  if (!jn_value_duration(n, 0, max, &t, error))
    return FALSE;
  dist_clear(out);
  *out = dist_fixed(t);
  return TRUE;
}

gboolean
dist_member(const JNode *obj, const char *key, SimTime max, Dist *out,
            GError **error)
{
  JNode n;
  if (!jn_member(obj, key, &n))
    return TRUE;
  return dist_parse(&n, max, out, error);
}

void
dist_clear(Dist *d)
{
  g_free(d->values);
  *d = dist_fixed(0);
}

void
dist_copy(Dist *dst, const Dist *src)
{
  *dst = *src;
  if (src->values != NULL)
    dst->values = g_memdup2(src->values, src->n_values * sizeof(double));
}

double
dist_sample_seconds(const Dist *d, gsl_rng *rng)
{
  switch (d->kind) {
  case DIST_FIXED:
    return d->mean;
  case DIST_EXPONENTIAL:
    return d->mean * sim_exponential(rng); /* a ziggurat: no log() */
  case DIST_UNIFORM:
    return d->a + (d->b - d->a) * sim_rng_uniform(rng);
  case DIST_LOGNORMAL:
    return exp(d->a + d->b * sim_normal(rng)); /* a ziggurat: no log() */
  case DIST_GAMMA:
    return gsl_ran_gamma(rng, d->a, d->b);
  case DIST_EMPIRICAL:
    return d->values[gsl_rng_uniform_int(rng, d->n_values)];
  }
  g_assert_not_reached();
}

double
dist_mean_seconds(const Dist *d)
{
  return d->mean;
}

double
dist_scv(const Dist *d)
{
  if (d->mean <= 0)
    return 0.0;
  switch (d->kind) {
  case DIST_FIXED:
    return 0.0;
  case DIST_EXPONENTIAL:
    return 1.0;
  case DIST_UNIFORM:
    return (d->b - d->a) * (d->b - d->a) / 12.0 / (d->mean * d->mean);
  case DIST_LOGNORMAL:
  case DIST_GAMMA:
    return d->cv * d->cv;
  case DIST_EMPIRICAL: {
    double ss = 0; /* the population variance: the samples are the law */
    for (gsize i = 0; i < d->n_values; i++)
      ss += (d->values[i] - d->mean) * (d->values[i] - d->mean);
    return ss / (double) d->n_values / (d->mean * d->mean);
  }
  }
  g_assert_not_reached();
}

double
dist_third_moment_ratio(const Dist *d)
{
  if (d->mean <= 0)
    return 0.0;
  double m3 = d->mean * d->mean * d->mean, scv = dist_scv(d);
  switch (d->kind) {
  case DIST_FIXED:
    return 1.0;
  case DIST_EXPONENTIAL:
    return 6.0;
  case DIST_UNIFORM: /* E[X³] = (b⁴ - a⁴) / (4 (b - a)) */
    return (d->a + d->b) * (d->a * d->a + d->b * d->b) / 4.0 / m3;
  case DIST_LOGNORMAL: /* E[X^k] = mean^k (1 + cv²)^(k (k - 1) / 2) */
    return (1.0 + scv) * (1.0 + scv) * (1.0 + scv);
  case DIST_GAMMA: /* k (k + 1) (k + 2) theta³ with k = 1 / cv² */
    return (1.0 + scv) * (1.0 + 2.0 * scv);
  case DIST_EMPIRICAL: {
    double s3 = 0;
    for (gsize i = 0; i < d->n_values; i++)
      s3 += d->values[i] * d->values[i] * d->values[i];
    return s3 / (double) d->n_values / m3;
  }
  }
  g_assert_not_reached();
}

/* Below this shape (cv above 2.2) GSL's Newton inverse of the gamma
 * fails to converge in the tails, and aborts: from 0.15 on, at up to a
 * third of the levels the aggregate fidelity's latency reads. */
#define GAMMA_NEWTON_MIN_SHAPE 0.2

/* The gamma's quantile at @u in (0, 1) by bisection on log x over its
 * distribution function (the upper tail's, for its digits, above the
 * median): some 50 evaluations, for shapes GSL's inverse cannot take. */
static double
gamma_quantile_bisect(double u, double shape, double scale)
{
  gboolean upper = u > 0.5;
  double target = upper ? 1.0 - u : u;
  double lo = log(DBL_MIN), hi = log(scale * MAX(shape, 1.0));
#define GAMMA_BELOW(x)                                                     \
  (upper ? gsl_cdf_gamma_Q((x), shape, scale) > target                     \
         : gsl_cdf_gamma_P((x), shape, scale) < target)
  while (GAMMA_BELOW(exp(hi)))
    hi += 1.0;
  while (hi - lo > 1e-13 * MAX(1.0, fabs(hi))) {
    double mid = 0.5 * (lo + hi);
    if (GAMMA_BELOW(exp(mid)))
      lo = mid;
    else
      hi = mid;
  }
#undef GAMMA_BELOW
  return exp(hi);
}

/* The quantile of a parametric kind (not empirical) at @u in [0, 1]. */
static double
quantile_parametric(const Dist *d, double u)
{
  switch (d->kind) {
  case DIST_FIXED:
    return d->mean;
  case DIST_EXPONENTIAL:
    return u >= 1.0 ? INFINITY : -d->mean * log1p(-u);
  case DIST_UNIFORM:
    return d->a + (d->b - d->a) * u;
  case DIST_LOGNORMAL:
    if (u <= 0.0)
      return 0.0;
    return u >= 1.0 ? INFINITY : exp(d->a + d->b * gsl_cdf_ugaussian_Pinv(u));
  case DIST_GAMMA:
    if (u <= 0.0)
      return 0.0;
    if (u >= 1.0)
      return INFINITY;
    return d->a >= GAMMA_NEWTON_MIN_SHAPE ? gsl_cdf_gamma_Pinv(u, d->a, d->b)
                                          : gamma_quantile_bisect(u, d->a,
                                                                  d->b);
  case DIST_EMPIRICAL:
    break;
  }
  g_assert_not_reached();
}

static int
compare_doubles(gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

void
dist_quantiles_seconds(const Dist *d, const double *u, gsize n, double *out)
{
  if (d->kind != DIST_EMPIRICAL) {
    for (gsize i = 0; i < n; i++)
      out[i] = quantile_parametric(d, CLAMP(u[i], 0.0, 1.0));
    return;
  }
  g_autofree double *sorted = g_memdup2(d->values,
                                        d->n_values * sizeof(double));
  qsort(sorted, d->n_values, sizeof(double), compare_doubles);
  for (gsize i = 0; i < n; i++) {
    double rank = ceil(CLAMP(u[i], 0.0, 1.0) * (double) d->n_values);
    gsize k = rank < 1 ? 0 : (gsize) rank - 1;
    out[i] = sorted[MIN(k, d->n_values - 1)];
  }
}

double
dist_quantile_seconds(const Dist *d, double u)
{
  double q;
  dist_quantiles_seconds(d, &u, 1, &q);
  return q;
}
