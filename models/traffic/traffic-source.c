/* Arrivals for one run: a non-homogeneous Poisson process over the rate
 * function's segments, or a log replayed from its file.
 *
 * The source walks the rate function one piece at a time. On a linear
 * piece (constants included) arrivals come from exact inversion: an
 * Exp(1) amount of "mass" (integrated rate) is drawn and the time where
 * the integral reaches it is solved for; what is left at the end of a
 * piece carries into the next, which is exact because the process is
 * memoryless. Cosine pieces are thinned against the piece's maximum, with
 * its minimum as a squeeze so most candidates skip the cos(). The MMPP's
 * state switches and the burstiness factor's redraws are piece boundaries
 * too, so they cost no events. A call does O(1) work amortised over the
 * pieces it crosses and allocates nothing. */
#include "models/traffic/traffic-private.h"
#include "sim/exponential.h"
#include "sim/rng.h"

#include <gsl/gsl_randist.h>
#include <math.h>

typedef enum {
  PIECE_CONST,
  PIECE_LINEAR,
  PIECE_COSINE,
} PieceShape;

struct _TrafficSource {
  const TrafficConfig *cfg;
  gsl_rng *rng;
  gsl_rng *modulation; /* burst factors and MMPP states (traffic.h) */
  double gain;       /* scale * extra_scale */
  double now;        /* run seconds of the last arrival or boundary */
  gboolean done;     /* no arrivals ever again */
  /* the current piece, rates already multiplied by gain and factor */
  PieceShape shape;
  double end;        /* MIN(seg.t1, burst_end) or the MMPP switch */
  double t0, r0, slope, inv_rate;
  double lo, hi;
  TrafficSeg seg;
  double factor;     /* burstiness factor of the current interval */
  double burst_end;  /* INFINITY without burstiness */
  gboolean on;       /* MMPP state */
  /* request logs */
  TrafficLogReader *reader;
  gint64 shift_us;   /* run time of log time 0 in the current pass */
  gboolean any;      /* the current pass yielded a record */
  SimTime log_time;
  guint copies;      /* arrivals still due at log_time */
  guint whole;       /* floor(gain) */
  double frac;       /* gain - whole */
};

static inline double
draw_exp(gsl_rng *rng)
{
  return sim_exponential(rng);
}

static inline SimTime
to_sim_time(double t)
{
  if (t >= 9.2e12)
    return SIM_TIME_MAX;
  return (SimTime) (t * 1e6 + 0.5);
}

double
traffic_burst_factor(const TrafficConfig *cfg, gsl_rng *rng)
{
  double k = 1.0 / (cfg->burst_cv * cfg->burst_cv);
  return gsl_ran_gamma(rng, k, 1.0 / k);
}

/* Sets the piece from the segment (or MMPP state) and the factor.
 * Returns FALSE when the rate stays zero forever. */
static gboolean
load_piece(TrafficSource *src)
{
  const TrafficConfig *cfg = src->cfg;
  double g = src->gain * src->factor;
  if (cfg->kind == TRAFFIC_MMPP) {
    src->shape = PIECE_CONST;
    src->r0 = (src->on ? cfg->on_rps : cfg->off_rps) * g;
  } else if (src->seg.cosine) {
    src->shape = PIECE_COSINE;
    src->lo = src->seg.lo * g;
    src->hi = src->seg.hi * g;
    src->end = MIN(src->seg.t1, src->burst_end);
    return TRUE;
  } else {
    src->shape = src->seg.slope == 0.0 ? PIECE_CONST : PIECE_LINEAR;
    src->t0 = src->seg.t0;
    src->r0 = src->seg.r0 * g;
    src->slope = src->seg.slope * g;
    if (isinf(src->seg.t1) && src->seg.r0 == 0.0 && src->seg.slope == 0.0)
      return FALSE;
    src->end = MIN(src->seg.t1, src->burst_end);
  }
  if (src->shape == PIECE_CONST)
    src->inv_rate = src->r0 > 0.0 ? 1.0 / src->r0 : 0.0;
  return TRUE;
}

/* Moves to the piece after the current one. FALSE as load_piece(). */
static gboolean
advance(TrafficSource *src)
{
  const TrafficConfig *cfg = src->cfg;
  src->now = src->end;
  if (cfg->kind == TRAFFIC_MMPP) {
    src->on = !src->on;
    src->end += draw_exp(src->modulation) *
                (src->on ? cfg->mean_on : cfg->mean_off);
    return load_piece(src);
  }
  if (src->end >= src->burst_end) {
    src->factor = traffic_burst_factor(cfg, src->modulation);
    src->burst_end += cfg->burst_interval;
  }
  if (src->end >= src->seg.t1)
    traffic_seg_next(cfg, &src->seg);
  return load_piece(src);
}

TrafficSource *
traffic_source_new(const TrafficConfig *cfg, gsl_rng *rng,
                   gsl_rng *modulation, SimTime clock_offset,
                   double extra_scale)
{
  g_return_val_if_fail(cfg != NULL && rng != NULL, NULL);
  g_return_val_if_fail(extra_scale >= 0.0, NULL);
  TrafficSource *src = g_new0(TrafficSource, 1);
  src->cfg = cfg;
  src->rng = rng;
  src->modulation = modulation != NULL ? modulation : rng;
  src->gain = cfg->scale * extra_scale;
  src->factor = 1.0;
  src->burst_end = INFINITY;
  if (cfg->kind == TRAFFIC_LOG) {
    src->shift_us = to_sim_time(fabs(cfg->shift)) * (cfg->shift < 0 ? -1 : 1);
    gint64 from = -src->shift_us; /* log time at run time 0 */
    if (cfg->log_period > 0 && from > 0) {
      /* A repeating log: start in the pass that run time 0 falls in. */
      gint64 k = from / cfg->log_period;
      src->shift_us += k * cfg->log_period;
      from -= k * cfg->log_period;
    }
    /* Records before the log's start (time 0) are not replayed. */
    src->reader = traffic_log_reader_new(cfg->log, MAX(0, from));
    src->any = TRUE; /* the first pass may start after its last record */
    src->whole = (guint) floor(src->gain);
    src->frac = src->gain - floor(src->gain);
    src->done = src->gain == 0.0;
    return src;
  }
  if (cfg->silent || src->gain == 0.0) {
    src->done = TRUE;
    return src;
  }
  if (cfg->kind == TRAFFIC_MMPP) {
    double p_on = cfg->mean_on / (cfg->mean_on + cfg->mean_off);
    /* The stationary state. */
    src->on = gsl_rng_uniform(src->modulation) < p_on;
    src->end = draw_exp(src->modulation) *
               (src->on ? cfg->mean_on : cfg->mean_off);
  } else {
    traffic_seg_first(cfg, 0.0, sim_time_to_seconds(clock_offset), &src->seg);
    if (cfg->burst_cv > 0.0) {
      src->factor = traffic_burst_factor(cfg, src->modulation);
      src->burst_end = cfg->burst_interval;
    }
  }
  src->done = !load_piece(src);
  return src;
}

void
traffic_source_free(TrafficSource *src)
{
  if (src == NULL)
    return;
  traffic_log_reader_free(src->reader);
  g_free(src);
}

static SimTime
log_next(TrafficSource *src)
{
  while (src->copies == 0) {
    LogRecord rec;
    if (src->done)
      return SIM_TIME_MAX;
    if (!traffic_log_reader_next(src->reader, &rec)) {
      /* "after_end": "repeat" replays the log once more, a period on. */
      gint64 period = src->cfg->log_period;
      src->done = period <= 0 || !src->any ||
                  src->shift_us > SIM_TIME_MAX - 2 * period;
      if (!src->done) {
        traffic_log_reader_rewind(src->reader);
        src->shift_us += period;
        src->any = FALSE;
      }
      continue;
    }
    src->any = TRUE;
    gint64 t = rec.us + src->shift_us;
    if (t < 0)
      continue;
    src->log_time = t;
    src->copies = src->whole;
    if (src->frac > 0.0 && sim_rng_uniform(src->rng) < src->frac)
      src->copies++;
  }
  src->copies--;
  return src->log_time;
}

/* Tries to place the arrival that @e units of mass away within the
 * current piece. TRUE with src->now set; FALSE with *e reduced by the
 * piece's remaining mass. */
static inline gboolean
place_in_piece(TrafficSource *src, double *e)
{
  double t;
  switch (src->shape) {
  case PIECE_CONST:
    if (src->r0 <= 0.0)
      return FALSE;
    t = src->now + *e * src->inv_rate;
    if (t < src->end) {
      src->now = t;
      return TRUE;
    }
    *e -= (src->end - src->now) * src->r0;
    return FALSE;
  case PIECE_LINEAR: {
    double r = src->r0 + src->slope * (src->now - src->t0);
    double len = src->end - src->now;
    double mass = (r + 0.5 * src->slope * len) * len;
    if (*e < mass) {
      /* r x + slope x^2 / 2 = e, in the form stable for either sign */
      double disc = MAX(r * r + 2.0 * src->slope * *e, 0.0);
      t = src->now + 2.0 * *e / (r + sqrt(disc));
      if (t < src->end) {
        src->now = t;
        return TRUE;
      }
    }
    *e -= mass;
    return FALSE;
  }
  case PIECE_COSINE:
    while (src->hi > 0.0) {
      t = src->now + *e / src->hi;
      if (t >= src->end)
        break;
      src->now = t;
      double u = sim_rng_uniform(src->rng) * src->hi;
      if (u < src->lo ||
          u < src->gain * src->factor * traffic_seg_rate(&src->seg, t))
        return TRUE;
      *e = draw_exp(src->rng);
    }
    *e -= (src->end - src->now) * src->hi;
    return FALSE;
  }
  g_assert_not_reached();
}

SimTime
traffic_source_next(TrafficSource *src)
{
  g_return_val_if_fail(src != NULL, SIM_TIME_MAX);
  if (src->reader != NULL)
    return log_next(src);
  if (src->done)
    return SIM_TIME_MAX;
  double e = draw_exp(src->rng);
  while (!place_in_piece(src, &e)) {
    e = MAX(e, 0.0);
    if (!advance(src)) {
      src->done = TRUE;
      return SIM_TIME_MAX;
    }
  }
  return to_sim_time(src->now);
}
