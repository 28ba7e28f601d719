/* Latency points of the fluid fidelity: quantile tables per service,
 * groups between flushes, systematic rounding (fluid-latency.h). */
#include "models/requests/fluid-latency.h"

#include <math.h>
#include <string.h>

/* Fine cells of probability, from which the bins are made: steps of
 * FINE_STEP in ln u below the median and in ln(1 - u) above it, from
 * u = FINE_LOW to 1 - FINE_HIGH (one cell each for the two ends). */
#define FINE_STEP 0.005
#define FINE_LOW 1e-5
#define FINE_HIGH 1e-8
/* A bin's ends differ by at most this fraction of its lower end: a
 * quantile read in it is off by about half of that. */
#define MERGE_TOL 0.03
/* Below the median a bin may also be this probable. */
#define SMALL_BIN 0.01
/* Convolution tables for ratios (mean wait / mean service time) 2^(j/4),
 * j in [NODE_MIN, NODE_MAX]; outside, one term is negligible. */
#define NODES_PER_DOUBLING 4
#define NODE_MIN (-48)
#define NODE_MAX 56
#define N_NODES (NODE_MAX - NODE_MIN + 1)
/* Wait buckets per doubling when grouping. */
#define EXP_BUCKETS 8.0
#define FIXED_BUCKETS 32.0
/* The x grid on which a convolution's distribution function is swept. */
#define SWEEP_RATIO 1.0005

typedef enum { WAIT_NONE, WAIT_EXP, WAIT_FIXED } WaitKind;

typedef struct {
  double speed;
  WaitKind kind;
  int bucket;       /* log-scale bucket of the wait */
  double count;     /* requests */
  double wait_sum;  /* count x mean wait (exp) or wait (fixed), seconds */
} Group;

/* Bins: probabilities @w (summing to 1) and conditional means @v, in
 * units of the mean service time, ascending. */
typedef struct {
  guint n;
  double *w;
  double *v;
  double *cum; /* probability below each bin, n + 1 (the last is 1) */
} Table;

struct _FluidLatency {
  double mean;           /* E[S] at speed 1, seconds */
  guint n_fine;
  double *fine_w;        /* each fine cell's probability */
  double *s_cell;        /* S / mean: conditional mean of each fine cell */
  Table plain;           /* S / mean on its own bins */
  guint *common_end;     /* the wait tables' bins: one past each's last
                            fine cell */
  Table exp1;            /* Exp(1) on the common bins */
  double *nodes[N_NODES]; /* S / mean + ratio Exp(1) on the common bins,
                            made when first needed */
  double *levels;        /* fine edges and midpoints, 2 n_fine + 1 */
  GArray *groups;        /* of Group, in the order first added */
  guint *slots;          /* open addressing over groups: index + 1, or 0
                            for an empty slot; n_slots a power of two, at
                            least twice the groups */
  guint n_slots;
  double pending;        /* requests added since the last flush */
  double phase;          /* systematic rounding's carried fraction */
  double turn;           /* where the next group's points start, [0, 1) */
  double *values;        /* a flush's point values, seconds */
  double phases_of[2];   /* the (mean, scv) of the last wait split into
                            phases, and its phases: steps of tasks alike
                            repeat them */
  double phase_p[2], phase_mean[2];
};

/* The fine edges 0 = e_0 < ... < e_n = 1; returns n. */
static guint
fine_edges(double **out)
{
  GArray *a = g_array_new(FALSE, FALSE, sizeof(double));
  double zero = 0.0, half = 0.5, one = 1.0;
  g_array_append_val(a, zero);
  int nlow = (int) ceil(log(0.5 / FINE_LOW) / FINE_STEP);
  double hl = log(0.5 / FINE_LOW) / nlow;
  for (int i = nlow; i >= 1; i--) {
    double u = 0.5 * exp(-i * hl);
    g_array_append_val(a, u);
  }
  g_array_append_val(a, half);
  int nhigh = (int) ceil(log(0.5 / FINE_HIGH) / FINE_STEP);
  double hh = log(0.5 / FINE_HIGH) / nhigh;
  for (int i = 1; i <= nhigh; i++) {
    double u = 1.0 - 0.5 * exp(-i * hh);
    g_array_append_val(a, u);
  }
  g_array_append_val(a, one);
  guint n = a->len - 1;
  *out = (double *) g_array_free(a, FALSE);
  return n;
}

/* Conditional means of the fine cells from the quantiles @q at the
 * levels (edges and midpoints interleaved), by Simpson's rule; the last
 * cell (whose top is infinite) takes what keeps the mean at @mean. */
static void
cell_means(const FluidLatency *fl, const double *q, double mean,
           double *cells)
{
  guint n = fl->n_fine;
  double sum = 0.0;
  for (guint i = 0; i + 1 < n; i++) {
    cells[i] = (q[2 * i] + 4.0 * q[2 * i + 1] + q[2 * i + 2]) / 6.0;
    sum += fl->fine_w[i] * cells[i];
  }
  double last = (mean - sum) / fl->fine_w[n - 1];
  if (!isfinite(q[2 * n]))
    cells[n - 1] = MAX(last, q[2 * n - 2]);
  else
    cells[n - 1] = CLAMP(last, q[2 * n - 2], q[2 * n]);
}

/* Whether fine edges @a < @b can bound one bin: below the median, when
 * they hold at most SMALL_BIN of probability (a quantile above the
 * median moves by at most that much probability, whatever the value
 * spread down there); else when their values are within MERGE_TOL in
 * each of the @nq quantile arrays @q. */
static gboolean
fits(const FluidLatency *fl, const double *const *q, int nq, guint a,
     guint b)
{
  double ua = fl->levels[2 * a], ub = fl->levels[2 * b];
  if (ub <= 0.5 && ub - ua <= SMALL_BIN)
    return TRUE;
  for (int k = 0; k < nq; k++) {
    double lo = q[k][2 * a], hi = q[k][2 * b];
    if (!isfinite(hi) || hi > lo * (1.0 + MERGE_TOL) + 1e-12)
      return FALSE;
  }
  return TRUE;
}

/* Groups the fine cells into bins (@ends: one past each bin's last
 * cell); returns their number. */
static guint
merge_bins(const FluidLatency *fl, const double *const *q, int nq,
           guint *ends)
{
  guint nb = 0, start = 0, n = fl->n_fine;
  while (start < n) {
    guint end = start + 1;
    while (end < n && fits(fl, q, nq, start, end + 1))
      end++;
    ends[nb++] = end;
    start = end;
  }
  return nb;
}

/* The bins' conditional means from the fine cells' @cells. */
static void
bin_means(const FluidLatency *fl, const guint *ends, guint nb,
          const double *cells, double *w, double *v)
{
  guint c = 0;
  for (guint b = 0; b < nb; b++) {
    double pw = 0.0, pv = 0.0;
    for (; c < ends[b]; c++) {
      pw += fl->fine_w[c];
      pv += fl->fine_w[c] * cells[c];
    }
    if (w != NULL)
      w[b] = pw;
    v[b] = pw > 0.0 ? pv / pw : cells[ends[b] - 1];
  }
}

static void
table_make(FluidLatency *fl, const guint *ends, guint nb,
           const double *cells, Table *t)
{
  t->n = nb;
  t->w = g_new(double, nb);
  t->v = g_new(double, nb);
  t->cum = g_new(double, nb + 1);
  bin_means(fl, ends, nb, cells, t->w, t->v);
  t->cum[0] = 0.0;
  for (guint b = 0; b < nb; b++)
    t->cum[b + 1] = t->cum[b] + t->w[b];
}

/* Quantiles of S / mean + @rho Exp(1) at the levels, by sweeping its
 * distribution function F(x) = sum_k w_k (1 - exp(-(x - s_k) / rho))+
 * over a geometric x grid and inverting it linearly. */
static void
convolution_quantiles(const FluidLatency *fl, double rho, double *q)
{
  guint n = fl->n_fine;
  const double *s = fl->s_cell, *w = fl->fine_w;
  double first = rho;
  for (guint k = 0; k < n; k++)
    if (s[k] > 0.0) {
      first = MIN(first, s[k]);
      break;
    }
  double x_lo = first * 1e-4, x_hi = s[n - 1] + 45.0 * rho;
  guint nx = (guint) ceil(log(x_hi / x_lo) / log(SWEEP_RATIO)) + 1;
  g_autofree double *x = g_new(double, nx);
  g_autofree double *f = g_new(double, nx);
  double big_w = 0.0, g = 0.0, prev = x_lo;
  guint k = 0;
  for (guint j = 0; j < nx; j++) {
    x[j] = x_lo * pow(SWEEP_RATIO, j);
    g *= exp(-(x[j] - prev) / rho);
    for (; k < n && s[k] <= x[j]; k++) {
      g += w[k] * exp(-(x[j] - s[k]) / rho);
      big_w += w[k];
    }
    f[j] = big_w - g;
    prev = x[j];
  }
  guint j = 0, nl = 2 * n + 1;
  for (guint i = 0; i < nl; i++) {
    double u = fl->levels[i];
    while (j + 1 < nx && f[j] < u)
      j++;
    if (j == 0 || f[j] <= f[j - 1])
      q[i] = x[j];
    else
      q[i] = x[j - 1] + (u - f[j - 1]) / (f[j] - f[j - 1]) *
                        (x[j] - x[j - 1]);
  }
  q[nl - 1] = INFINITY;
}

/* The table of node @j (ratio 2^(j / 4)), made on first use. */
static const double *
node(FluidLatency *fl, int j)
{
  double **slot = &fl->nodes[j - NODE_MIN];
  if (*slot != NULL)
    return *slot;
  double rho = exp2((double) j / NODES_PER_DOUBLING);
  g_autofree double *q = g_new(double, 2 * fl->n_fine + 1);
  g_autofree double *cells = g_new(double, fl->n_fine);
  convolution_quantiles(fl, rho, q);
  cell_means(fl, q, 1.0 + rho, cells);
  *slot = g_new(double, fl->exp1.n);
  bin_means(fl, fl->common_end, fl->exp1.n, cells, NULL, *slot);
  return *slot;
}

FluidLatency *
fluid_latency_new(const Dist *service_time)
{
  g_return_val_if_fail(service_time != NULL, NULL);
  FluidLatency *fl = g_new0(FluidLatency, 1);
  fl->mean = dist_mean_seconds(service_time);
  fl->phases_of[0] = NAN; /* matches no wait: the first is split */
  g_autofree double *edges = NULL;
  guint n = fl->n_fine = fine_edges(&edges);
  fl->fine_w = g_new(double, n);
  fl->levels = g_new(double, 2 * n + 1);
  for (guint i = 0; i < n; i++) {
    fl->fine_w[i] = edges[i + 1] - edges[i];
    fl->levels[2 * i] = edges[i];
    fl->levels[2 * i + 1] = (edges[i] + edges[i + 1]) / 2.0;
  }
  fl->levels[2 * n] = 1.0;
  /* S / mean (all 0 for a service time of 0) and Exp(1). */
  g_autofree double *qs = g_new(double, 2 * n + 1);
  g_autofree double *qe = g_new(double, 2 * n + 1);
  dist_quantiles_seconds(service_time, fl->levels, 2 * n + 1, qs);
  for (guint i = 0; i <= 2 * n; i++) {
    qs[i] = fl->mean > 0.0 ? qs[i] / fl->mean : 0.0;
    qe[i] = -log1p(-fl->levels[i]);
  }
  qe[2 * n] = INFINITY;
  fl->s_cell = g_new(double, n);
  cell_means(fl, qs, fl->mean > 0.0 ? 1.0 : 0.0, fl->s_cell);
  g_autofree double *e_cell = g_new(double, n);
  cell_means(fl, qe, 1.0, e_cell);
  g_autofree guint *ends = g_new(guint, n);
  const double *plain_q[] = { qs };
  table_make(fl, ends, merge_bins(fl, plain_q, 1, ends), fl->s_cell,
             &fl->plain);
  /* The wait tables' bins must suit S / mean + rho Exp(1) for any rho:
   * those of a few rhos between the two extremes bound them. */
  fl->common_end = g_new(guint, n);
  g_autofree double *qx = g_new(double, 3 * (2 * n + 1));
  for (int k = 0; k < 3; k++)
    convolution_quantiles(fl, exp2(3 * (k - 1)), qx + k * (2 * n + 1));
  const double *common_q[] = { qs, qe, qx, qx + 2 * n + 1,
                               qx + 2 * (2 * n + 1) };
  guint nc = merge_bins(fl, common_q, 5, fl->common_end);
  table_make(fl, fl->common_end, nc, e_cell, &fl->exp1);
  fl->groups = g_array_new(FALSE, FALSE, sizeof(Group));
  fl->phase = 0.5; /* floor(0.5 + total): the total, rounded */
  fl->values = g_new(double, MAX(nc, fl->plain.n));
  return fl;
}

void
fluid_latency_free(FluidLatency *fl)
{
  if (fl == NULL)
    return;
  for (int j = 0; j < N_NODES; j++)
    g_free(fl->nodes[j]);
  g_free(fl->fine_w);
  g_free(fl->s_cell);
  g_free(fl->plain.w);
  g_free(fl->plain.v);
  g_free(fl->plain.cum);
  g_free(fl->exp1.cum);
  g_free(fl->common_end);
  g_free(fl->exp1.w);
  g_free(fl->exp1.v);
  g_free(fl->levels);
  g_free(fl->values);
  g_array_free(fl->groups, TRUE);
  g_free(fl->slots);
  g_free(fl);
}

/* The slot of the group (@speed, @kind, @bucket) in fl->slots: its
 * own, or the empty one where it would go. */
static guint
group_slot(const FluidLatency *fl, double speed, WaitKind kind, int bucket)
{
  guint64 bits;
  double key = speed == 0.0 ? 0.0 : speed; /* -0.0 == 0.0 */
  memcpy(&bits, &key, sizeof bits);
  guint64 h = (bits ^ ((guint64) kind << 32) ^ (guint32) bucket) *
              G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
  guint mask = fl->n_slots - 1;
  for (guint i = (guint) (h >> 32) & mask;; i = (i + 1) & mask) {
    guint at = fl->slots[i];
    if (at == 0)
      return i;
    const Group *g = &g_array_index(fl->groups, Group, at - 1);
    if (g->speed == speed && g->kind == kind && g->bucket == bucket)
      return i;
  }
}

/* Makes room for one more group: the slots at most half full. */
static void
group_slots_grow(FluidLatency *fl)
{
  if (2 * (fl->groups->len + 1) <= fl->n_slots)
    return;
  fl->n_slots = MAX(64u, 2 * fl->n_slots);
  g_free(fl->slots);
  fl->slots = g_new0(guint, fl->n_slots);
  for (guint i = 0; i < fl->groups->len; i++) {
    const Group *g = &g_array_index(fl->groups, Group, i);
    fl->slots[group_slot(fl, g->speed, g->kind, g->bucket)] = i + 1;
  }
}

/* Adds @count requests of wait kind @kind and wait @wait_s to the
 * matching group. */
static void
add_group(FluidLatency *fl, double count, double speed, WaitKind kind,
          double wait_s)
{
  if (!(count > 0.0))
    return;
  if (kind != WAIT_NONE && !(wait_s > 0.0 && isfinite(wait_s)))
    kind = WAIT_NONE;
  int bucket = 0;
  if (kind == WAIT_EXP)
    bucket = (int) floor(log2(wait_s) * EXP_BUCKETS);
  else if (kind == WAIT_FIXED)
    bucket = (int) floor(log2(wait_s) * FIXED_BUCKETS);
  fl->pending += count;
  group_slots_grow(fl);
  guint slot = group_slot(fl, speed, kind, bucket);
  if (fl->slots[slot] != 0) {
    Group *g = &g_array_index(fl->groups, Group, fl->slots[slot] - 1);
    g->count += count;
    g->wait_sum += count * wait_s;
    return;
  }
  Group g = { speed, kind, bucket, count, kind == WAIT_NONE ? 0.0
                                                            : count * wait_s };
  g_array_append_val(fl->groups, g);
  fl->slots[slot] = fl->groups->len;
}

void
fluid_latency_add(FluidLatency *fl, double completed, double speed,
                  const FluidWait *wait)
{
  g_return_if_fail(fl != NULL && speed >= 0.0);
  if (!(completed > 0.0))
    return;
  if (wait == NULL) {
    add_group(fl, completed, speed, WAIT_NONE, 0.0);
    return;
  }
  add_group(fl, completed * wait->none, speed, WAIT_NONE, 0.0);
  if (wait->exp_mean_s != fl->phases_of[0] ||
      wait->exp_scv != fl->phases_of[1]) {
    fluid_wait_phases(wait->exp_mean_s, wait->exp_scv, fl->phase_p,
                      fl->phase_mean);
    fl->phases_of[0] = wait->exp_mean_s;
    fl->phases_of[1] = wait->exp_scv;
  }
  for (int i = 0; i < 2; i++)
    add_group(fl, completed * wait->exp_frac * fl->phase_p[i], speed,
              WAIT_EXP, fl->phase_mean[i]);
  add_group(fl, completed * wait->fixed_frac, speed, WAIT_FIXED,
            wait->fixed_s);
  if (!(wait->young_frac > 0.0))
    return;
  /* A young queue's waits: each bin of their law a fixed wait. */
  double waits[FLUID_YOUNG_MAX_BINS], probs[FLUID_YOUNG_MAX_BINS];
  guint n = fluid_young_bins(&wait->young, waits, probs,
                             FLUID_YOUNG_MAX_BINS);
  if (n == 0)
    add_group(fl, completed * wait->young_frac, speed, WAIT_NONE, 0.0);
  for (guint i = 0; i < n; i++)
    add_group(fl, completed * wait->young_frac * probs[i], speed,
              WAIT_FIXED, waits[i]);
}

double
fluid_latency_pending(const FluidLatency *fl)
{
  return fl->pending;
}

guint
fluid_latency_n_points(const FluidLatency *fl, gboolean exp_wait)
{
  return exp_wait ? fl->exp1.n : fl->plain.n;
}

/* The point values (seconds) of group @g into fl->values; returns the
 * weights. */
static const Table *
group_points(FluidLatency *fl, const Group *g, Table *t)
{
  double scale = g->speed * fl->mean;
  double wait = g->kind == WAIT_NONE ? 0.0 : g->wait_sum / g->count;
  double ratio = scale > 0.0 ? wait / scale : INFINITY;
  const Table *src = &fl->plain;
  double shift = g->kind == WAIT_FIXED ? wait : 0.0;
  if (g->kind == WAIT_EXP && ratio < exp2(NODE_MIN / NODES_PER_DOUBLING)) {
    shift = wait; /* the wait is a small shift on the service time */
  } else if (g->kind == WAIT_EXP && ratio >= exp2(NODE_MAX /
                                                  NODES_PER_DOUBLING)) {
    /* The service time is a small shift on the wait. */
    for (guint i = 0; i < fl->exp1.n; i++)
      fl->values[i] = scale + wait * fl->exp1.v[i];
    *t = (Table){ fl->exp1.n, fl->exp1.w, fl->values, fl->exp1.cum };
    return t;
  } else if (g->kind == WAIT_EXP) {
    double pos = log2(ratio) * NODES_PER_DOUBLING;
    int j = CLAMP((int) floor(pos), NODE_MIN, NODE_MAX - 1);
    const double *a = node(fl, j), *b = node(fl, j + 1);
    double ra = exp2((double) j / NODES_PER_DOUBLING);
    double rb = exp2((double) (j + 1) / NODES_PER_DOUBLING);
    double f = (ratio - ra) / (rb - ra);
    for (guint i = 0; i < fl->exp1.n; i++)
      fl->values[i] = scale * ((1.0 - f) * a[i] + f * b[i]);
    *t = (Table){ fl->exp1.n, fl->exp1.w, fl->values, fl->exp1.cum };
    return t;
  }
  for (guint i = 0; i < src->n; i++)
    fl->values[i] = scale * src->v[i] + shift;
  *t = (Table){ src->n, src->w, fl->values, src->cum };
  return t;
}

/* Adds the requests of cumulative position @c (requests) up to the
 * point of value @v: records those that the systematic rounding puts
 * there. */
static inline void
take(double c, double total, double *given, double v, SimHistogram *h1,
     SimHistogram *h2)
{
  double upto = MIN(floor(c), total);
  if (upto <= *given)
    return;
  uint64_t us = (uint64_t) (MAX(v, 0.0) * 1e6 + 0.5);
  uint64_t n = (uint64_t) (upto - *given);
  *given = upto;
  sim_histogram_record_n(h1, us, n);
  if (h2 != NULL)
    sim_histogram_record_n(h2, us, n);
}

/* Records @count requests spread over @t's points by systematic
 * rounding from fl->phase. The probability circle is walked from a
 * starting level that moves by the golden ratio from group to group (the
 * bin it falls in visited first for its upper part, last for its lower
 * one): with a phase alone, flushes of a few requests in a rational
 * pattern (0.37 at a time) would keep landing on the same few levels. */
static void
record_group(FluidLatency *fl, const Table *t, double count,
             SimHistogram *h1, SimHistogram *h2)
{
  double end = fl->phase + count;
  double total = floor(end);
  double c = fl->phase, given = 0.0;
  fl->turn = fmod(fl->turn + 0.6180339887498949, 1.0);
  guint lo = 0, hi = t->n; /* the bin holding fl->turn */
  while (hi - lo > 1) {
    guint mid = (lo + hi) / 2;
    if (t->cum[mid] <= fl->turn)
      lo = mid;
    else
      hi = mid;
  }
  c += count * (t->cum[lo + 1] - fl->turn);
  take(c, total, &given, t->v[lo], h1, h2);
  for (guint i = lo + 1; i < t->n; i++) {
    c += count * t->w[i];
    take(c, total, &given, t->v[i], h1, h2);
  }
  for (guint i = 0; i < lo; i++) {
    c += count * t->w[i];
    take(c, total, &given, t->v[i], h1, h2);
  }
  take(total + 0.5, total, &given, t->v[lo], h1, h2);
  fl->phase = end - total;
}

void
fluid_latency_flush(FluidLatency *fl, SimHistogram *h1, SimHistogram *h2)
{
  g_return_if_fail(fl != NULL && h1 != NULL);
  for (guint i = 0; i < fl->groups->len; i++) {
    const Group *g = &g_array_index(fl->groups, Group, i);
    Table t;
    record_group(fl, group_points(fl, g, &t), g->count, h1, h2);
  }
  g_array_set_size(fl->groups, 0);
  if (fl->slots != NULL)
    memset(fl->slots, 0, fl->n_slots * sizeof *fl->slots);
  fl->pending = 0.0;
}
