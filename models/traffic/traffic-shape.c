/* The deterministic rate functions: walking knot tables and the diurnal
 * cosine as segments, and integrating them. */
#include "models/traffic/traffic-private.h"

#include <math.h>

#define OMEGA (2.0 * G_PI / TRAFFIC_DAY)

static inline double
knot_time(const RateTable *t, gsize i)
{
  if (i >= t->n)
    return t->end;
  return t->time ? t->time[i] : (double) i * t->step;
}

/* Index of the last knot at or before @u (table time), -1 before the
 * first, n at or after the end. */
static gssize
table_find(const RateTable *t, double u)
{
  if (u >= t->end)
    return (gssize) t->n;
  if (u < knot_time(t, 0))
    return -1;
  if (t->time == NULL) {
    gsize i = (gsize) floor(u / t->step);
    return (gssize) MIN(i, t->n - 1);
  }
  gsize lo = 0, hi = t->n; /* time[lo] <= u < time[hi] */
  while (hi - lo > 1) {
    gsize mid = lo + (hi - lo) / 2;
    if (t->time[mid] <= u)
      lo = mid;
    else
      hi = mid;
  }
  return (gssize) lo;
}

static void
table_fill(const RateTable *t, TrafficSeg *seg)
{
  seg->cosine = FALSE;
  seg->slope = 0.0;
  if (seg->idx < 0) {
    seg->t0 = -INFINITY;
    seg->t1 = seg->base + knot_time(t, 0);
    seg->r0 = t->before;
    return;
  }
  gsize i = (gsize) seg->idx;
  if (i >= t->n) {
    seg->t0 = seg->base + t->end;
    seg->t1 = INFINITY;
    seg->r0 = 0.0;
    return;
  }
  double k0 = knot_time(t, i), k1 = knot_time(t, i + 1);
  seg->t0 = seg->base + k0;
  seg->t1 = isinf(k1) ? INFINITY : seg->base + k1;
  seg->r0 = t->rate[i];
  if (t->linear && i + 1 < t->n && k1 > k0)
    seg->slope = (t->rate[i + 1] - t->rate[i]) / (k1 - k0);
}

/* Slice @j (wall time j * SLICE) of the cosine; @off = wall - run. */
static void
cosine_fill(const TrafficConfig *cfg, gint64 j, double off,
            TrafficSeg *seg)
{
  double u0 = (double) j * TRAFFIC_COSINE_SLICE;
  double day = floor(u0 / TRAFFIC_DAY);
  double w = cfg->weekly[(int) (day - 7.0 * floor(day / 7.0))];
  seg->cosine = TRUE;
  seg->idx = (gssize) j;
  seg->base = off;
  seg->t0 = u0 - off;
  seg->t1 = u0 + TRAFFIC_COSINE_SLICE - off;
  seg->ca = cfg->mean * w;
  seg->cb = cfg->amp * w;
  seg->cc = day * TRAFFIC_DAY + cfg->peak_at - off;
  double a = traffic_seg_rate(seg, seg->t0), b = traffic_seg_rate(seg, seg->t1);
  seg->lo = MIN(a, b);
  seg->hi = MAX(a, b);
  /* The slice is shorter than half a day: it holds at most one extreme. */
  double phase = fmod(u0 - cfg->peak_at, TRAFFIC_DAY);
  if (phase < 0)
    phase += TRAFFIC_DAY;
  if (phase + TRAFFIC_COSINE_SLICE > TRAFFIC_DAY)
    seg->hi = seg->ca + seg->cb;
  if (phase < TRAFFIC_DAY / 2 && phase + TRAFFIC_COSINE_SLICE > TRAFFIC_DAY / 2)
    seg->lo = seg->ca - seg->cb;
  seg->lo = MAX(seg->lo, 0.0);
}

/* Wall-clock (or table) time minus run time. */
static double
offset_of(const TrafficConfig *cfg, double clock_offset)
{
  return (cfg->clocked ? clock_offset : 0.0) - cfg->shift;
}

void
traffic_seg_first(const TrafficConfig *cfg, double t, double clock_offset,
                  TrafficSeg *seg)
{
  g_assert(cfg->kind == TRAFFIC_TABLE || cfg->kind == TRAFFIC_COSINE);
  double off = offset_of(cfg, clock_offset);
  double u = t + off;
  if (cfg->kind == TRAFFIC_COSINE) {
    cosine_fill(cfg, (gint64) floor(u / TRAFFIC_COSINE_SLICE), off, seg);
    return;
  }
  const RateTable *tab = &cfg->table;
  double base = 0.0;
  if (tab->periodic) {
    base = floor(u / tab->end) * tab->end;
    u -= base;
    if (u >= tab->end) { /* rounding at a period boundary */
      base += tab->end;
      u = 0.0;
    }
  }
  seg->base = base - off;
  seg->idx = table_find(tab, u);
  table_fill(tab, seg);
}

void
traffic_seg_next(const TrafficConfig *cfg, TrafficSeg *seg)
{
  if (seg->cosine) {
    cosine_fill(cfg, (gint64) seg->idx + 1, seg->base, seg);
    return;
  }
  const RateTable *tab = &cfg->table;
  g_assert(!isinf(seg->t1));
  seg->idx++;
  if (tab->periodic && seg->idx >= (gssize) tab->n) {
    seg->idx = 0;
    seg->base += tab->end;
  }
  table_fill(tab, seg);
}

double
traffic_seg_rate(const TrafficSeg *seg, double t)
{
  if (seg->cosine)
    return seg->ca + seg->cb * cos(OMEGA * (t - seg->cc));
  if (seg->slope == 0.0)
    return seg->r0;
  return seg->r0 + seg->slope * (t - seg->t0);
}

double
traffic_seg_mass(const TrafficSeg *seg, double a, double b)
{
  if (b <= a)
    return 0.0;
  if (seg->cosine)
    return seg->ca * (b - a) + seg->cb / OMEGA *
      (sin(OMEGA * (b - seg->cc)) - sin(OMEGA * (a - seg->cc)));
  double ra = traffic_seg_rate(seg, a);
  return (ra + 0.5 * seg->slope * (b - a)) * (b - a);
}

double
traffic_shape_integral(const TrafficConfig *cfg, double a, double b,
                       double clock_offset)
{
  if (b <= a)
    return 0.0;
  if (cfg->kind == TRAFFIC_MMPP)
    return (cfg->on_rps * cfg->mean_on + cfg->off_rps * cfg->mean_off) /
      (cfg->mean_on + cfg->mean_off) * (b - a);
  TrafficSeg seg;
  double sum = 0.0;
  traffic_seg_first(cfg, a, clock_offset, &seg);
  for (;;) {
    double lo = MAX(a, seg.t0), hi = MIN(b, seg.t1);
    sum += traffic_seg_mass(&seg, lo, hi);
    if (seg.t1 >= b)
      return sum;
    traffic_seg_next(cfg, &seg);
  }
}

gboolean
rate_table_is_zero(const RateTable *t)
{
  if (!t->periodic && t->before != 0.0)
    return FALSE;
  for (gsize i = 0; i < t->n; i++)
    if (t->rate[i] != 0.0)
      return FALSE;
  return TRUE;
}

void
rate_table_clear(RateTable *t)
{
  g_clear_pointer(&t->time, g_free);
  g_clear_pointer(&t->rate, g_free);
  t->n = 0;
}
