/* `ecsim trace fit`: a diurnal generator that reproduces a trace.
 *
 * The trace's requests are summed per (day of week, hour of day) cell of
 * its wall clock. A multiplicative model rate = M * weekly[d] * hour[h]
 * is fitted to the cells by iterative proportional fitting (the Poisson
 * maximum-likelihood fit, which copes with uneven or missing cells). The
 * generator interpolates its hourly profile linearly between hour
 * midpoints, so the knots are chosen so that each hour's average of the
 * interpolated curve is the fitted hour mean (a cyclic tridiagonal
 * system). Burstiness is what is left: the variance of the counts around
 * the fitted profile beyond Poisson's, measured at windows of 1 s to 1 h,
 * fitted by a gamma factor of variance cv^2 redrawn every interval T
 * (which predicts excess variance cv^2 min(1, T / window)). */
#include "models/experiments/trace-tools-private.h"

#include <math.h>

#include "models/input/input.h"

typedef struct {
  double sum[7][24];  /* requests */
  double secs[7][24]; /* seconds of trace */
} Cells;

typedef struct {
  double mean;       /* requests/s over a week */
  double hour[24];   /* hour means, mean 1 */
  double day[7];     /* Monday first, mean 1 */
} Profile;

static void
cell_of(double wall, int *d, int *h)
{
  double w = fmod(wall, TRAFFIC_WEEK);
  if (w < 0)
    w += TRAFFIC_WEEK;
  *d = MIN((int) (w / TRAFFIC_DAY), 6);
  *h = MIN((int) (fmod(w, TRAFFIC_DAY) / 3600), 23);
}

typedef struct {
  const TraceBins *b;
  const TraceFileSpec *spec;
  Cells *c;
} CellWalk;

static void
cell_bin(gsize i, double rate, double width, gpointer data)
{
  CellWalk *w = data;
  int d, h;
  double t = (double) i * w->b->bin;
  cell_of(trace_bins_wall(w->b, w->spec, t + width / 2), &d, &h);
  w->c->sum[d][h] += rate * width;
  w->c->secs[d][h] += width;
}

static gboolean
fill_cells(const TraceBins *b, const TraceFileSpec *spec, Cells *c,
           GError **error)
{
  *c = (Cells) { 0 };
  CellWalk w = { b, spec, c };
  return trace_bins_foreach(b, cell_bin, &w, error);
}

/* Scales the entries of @x that are >= 0 to mean 1; the others (no data)
 * become 1. */
static void
normalise(double *x, int n)
{
  double sum = 0;
  int present = 0;
  for (int i = 0; i < n; i++)
    if (x[i] >= 0)
      sum += x[i], present++;
  for (int i = 0; i < n; i++)
    x[i] = x[i] < 0 || sum <= 0 ? 1.0 : x[i] * present / sum;
}

static gboolean
fit_profile(const Cells *c, Profile *p)
{
  for (int h = 0; h < 24; h++)
    p->hour[h] = 1;
  for (int d = 0; d < 7; d++)
    p->day[d] = 1;
  for (int iter = 0; iter < 100; iter++) {
    for (int h = 0; h < 24; h++) {
      double num = 0, den = 0;
      for (int d = 0; d < 7; d++)
        num += c->sum[d][h], den += p->day[d] * c->secs[d][h];
      p->hour[h] = den > 0 ? num / den : -1;
    }
    normalise(p->hour, 24);
    for (int d = 0; d < 7; d++) {
      double num = 0, den = 0;
      for (int h = 0; h < 24; h++)
        num += c->sum[d][h], den += p->hour[h] * c->secs[d][h];
      p->day[d] = den > 0 ? num / den : -1;
    }
    normalise(p->day, 7);
  }
  double total = 0, den = 0;
  for (int d = 0; d < 7; d++)
    for (int h = 0; h < 24; h++)
      total += c->sum[d][h], den += p->day[d] * p->hour[h] * c->secs[d][h];
  p->mean = den > 0 ? total / den : 0;
  return total > 0;
}

/* Midpoint knots q whose linear interpolation averages to @avg over each
 * hour: (q[h-1] + 6 q[h] + q[h+1]) / 8 = avg[h], cyclically. The system
 * is diagonally dominant, so Gauss-Seidel converges fast. */
static void
midpoint_knots(const double *avg, double *q)
{
  for (int h = 0; h < 24; h++)
    q[h] = avg[h];
  for (int iter = 0; iter < 200; iter++)
    for (int h = 0; h < 24; h++)
      q[h] = MAX(0.0, (8 * avg[h] - q[(h + 23) % 24] - q[(h + 1) % 24]) / 6);
  normalise(q, 24);
}

static const double scales[] = { 1, 10, 60, 300, 900, 3600 };
#define N_SCALES G_N_ELEMENTS(scales)

typedef struct {
  gsize per;           /* bins per window; 0 when the scale is unused */
  double count, expect; /* the current window's */
  double num, den;     /* sums of (C - E)^2 - C and E^2 */
} Window;

typedef struct {
  const TraceBins *b;
  const TraceFileSpec *spec;
  const Profile *p;
  Window w[N_SCALES];
} ExcessWalk;

static void
excess_bin(gsize i, double rate, double width, gpointer data)
{
  ExcessWalk *x = data;
  const Profile *p = x->p;
  int d, h;
  double t = (double) i * x->b->bin;
  cell_of(trace_bins_wall(x->b, x->spec, t + width / 2), &d, &h);
  double e = p->mean * p->day[d] * p->hour[h] * width;
  for (gsize k = 0; k < N_SCALES; k++) {
    Window *w = &x->w[k];
    if (w->per == 0)
      continue;
    w->count += rate * width;
    w->expect += e;
    if ((i + 1) % w->per == 0 || i + 1 == x->b->n) {
      double r = w->count - w->expect;
      w->num += r * r - w->count;
      w->den += w->expect * w->expect;
      w->count = w->expect = 0;
    }
  }
}

/* Excess variance cv^2 of the counts around the profile, per scale. */
static gboolean
measure_excess(const TraceBins *b, const TraceFileSpec *spec,
               const Profile *p, double *cv2, GError **error)
{
  ExcessWalk x = { b, spec, p, { { 0 } } };
  for (gsize k = 0; k < N_SCALES; k++) {
    double per = round(scales[k] / b->bin);
    if (per >= 1 && fabs(per * b->bin - scales[k]) < 1e-6 * scales[k] &&
        scales[k] * 8 <= b->duration)
      x.w[k].per = (gsize) per;
  }
  if (!trace_bins_foreach(b, excess_bin, &x, error))
    return FALSE;
  for (gsize k = 0; k < N_SCALES; k++)
    cv2[k] = x.w[k].per && x.w[k].den > 0 ? x.w[k].num / x.w[k].den : -1;
  return TRUE;
}

/* Fits cv^2 min(1, T / s) to the measured excess (log least squares). */
static void
fit_burstiness(const double *cv2, double *cv, double *interval)
{
  double best = INFINITY;
  *cv = 0;
  *interval = 60;
  for (gsize j = 0; j < N_SCALES; j++) {
    double T = scales[j], sum = 0, err = 0;
    int n = 0;
    for (gsize k = 0; k < N_SCALES; k++)
      if (cv2[k] > 0)
        sum += log(cv2[k]) - log(MIN(1.0, T / scales[k])), n++;
    if (n == 0)
      return;
    double c = sum / n;
    for (gsize k = 0; k < N_SCALES; k++)
      if (cv2[k] > 0) {
        double r = log(cv2[k]) - c - log(MIN(1.0, T / scales[k]));
        err += r * r;
      }
    if (err < best - 1e-12) {
      best = err;
      *cv = sqrt(exp(c));
      *interval = T;
    }
  }
}

static void
print_array(FILE *out, const char *key, const double *x, int n)
{
  fprintf(out, "  \"%s\": [", key);
  for (int i = 0; i < n; i++)
    fprintf(out, "%s%.4f", i == 0 ? "" : i % 8 == 0 ? ",\n    " : ", ", x[i]);
  fprintf(out, "],\n");
}

gboolean
trace_tools_fit(const char *path, const TraceFileSpec *spec, FILE *out,
                GError **error)
{
  g_return_val_if_fail(path != NULL && spec != NULL && out != NULL, FALSE);
  TraceBins b;
  if (!trace_bins_load(path, spec, &b, error))
    return FALSE;
  Cells *cells = g_new(Cells, 1);
  Profile p;
  gboolean read = fill_cells(&b, spec, cells, error);
  gboolean ok = read && fit_profile(cells, &p);
  g_free(cells);
  if (read && !ok)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: no requests to fit", path);
  double knots[24], cv2[N_SCALES], cv, interval;
  if (ok) {
    midpoint_knots(p.hour, knots);
    ok = measure_excess(&b, spec, &p, cv2, error);
  }
  if (!ok) {
    trace_bins_clear(&b);
    return FALSE;
  }
  char iv[SIM_TIME_FORMAT_MAX];
  fit_burstiness(cv2, &cv, &interval);
  if (spec->notes) { /* on success only: a failure says one thing */
    char note[160];
    fprintf(spec->notes, "%s: read as %s\n", path,
            trace_bins_format_note(&b, note, sizeof note));
  }
  fprintf(out, "{\n  \"generator\": \"diurnal\",\n");
  fprintf(out, "  \"mean_rps\": %.6g,\n", p.mean);
  print_array(out, "hourly", knots, 24);
  print_array(out, "weekly", p.day, 7);
  fprintf(out, "  \"burstiness\": {\"cv\": %.4f, \"interval\": \"%s\"}\n}\n",
          cv, sim_time_format(sim_time_from_seconds(interval), iv));
  trace_bins_clear(&b);
  return TRUE;
}
