/* A run's expected arrivals per interval: the aggregate fidelity's side of
 * a traffic source (traffic.h, TrafficRate). */
#include "models/traffic/traffic-private.h"
#include "sim/exponential.h"

#include <gsl/gsl_randist.h>
#include <math.h>

struct _TrafficRate {
  const TrafficConfig *cfg;
  gsl_rng *rng;          /* the modulation stream (lent) */
  double gain;           /* scale * extra_scale */
  double offset_s;       /* clock offset, seconds */
  gboolean none;         /* no arrivals ever */
  double factor;         /* burstiness factor of the current interval */
  double burst_end;      /* its end; INFINITY without burstiness */
  gboolean on;           /* MMPP state */
  double state_end;      /* its end */
};

TrafficRate *
traffic_rate_new(const TrafficConfig *cfg, gsl_rng *modulation,
                 SimTime clock_offset, double extra_scale)
{
  g_return_val_if_fail(cfg != NULL && modulation != NULL, NULL);
  TrafficRate *r = g_new0(TrafficRate, 1);
  r->cfg = cfg;
  r->rng = modulation;
  r->gain = cfg->scale * extra_scale;
  r->offset_s = sim_time_to_seconds(clock_offset);
  r->factor = 1.0;
  r->burst_end = INFINITY;
  /* The draws of traffic_source_new(), in its order. */
  if (cfg->kind == TRAFFIC_LOG)
    return r;
  if (cfg->silent || r->gain == 0.0) {
    r->none = TRUE;
    return r;
  }
  if (cfg->kind == TRAFFIC_MMPP) {
    double p_on = cfg->mean_on / (cfg->mean_on + cfg->mean_off);
    r->on = gsl_rng_uniform(modulation) < p_on;
    r->state_end = sim_exponential(modulation) *
                   (r->on ? cfg->mean_on : cfg->mean_off);
  } else if (cfg->burst_cv > 0.0) {
    r->factor = traffic_burst_factor(cfg, modulation);
    r->burst_end = cfg->burst_interval;
  }
  return r;
}

void
traffic_rate_free(TrafficRate *r)
{
  g_free(r);
}

/* The MMPP's arrivals in [a, b), its states drawn as the source draws
 * them at each switch. */
static double
mmpp_arrivals(TrafficRate *r, double a, double b)
{
  const TrafficConfig *cfg = r->cfg;
  double sum = 0;
  while (a < b) {
    double hi = MIN(b, r->state_end);
    sum += (r->on ? cfg->on_rps : cfg->off_rps) * (hi - a);
    a = hi;
    if (a >= r->state_end) {
      r->on = !r->on;
      r->state_end += sim_exponential(r->rng) *
                      (r->on ? cfg->mean_on : cfg->mean_off);
    }
  }
  return r->gain * sum;
}

/* Arrivals of a rate function in [a, b), each burstiness interval's share
 * times its factor. */
static double
shaped_arrivals(TrafficRate *r, double a, double b)
{
  const TrafficConfig *cfg = r->cfg;
  double sum = 0;
  while (a < b) {
    double hi = MIN(b, r->burst_end);
    sum += r->factor * traffic_shape_integral(cfg, a, hi, r->offset_s);
    a = hi;
    if (a >= r->burst_end) {
      r->factor = traffic_burst_factor(cfg, r->rng);
      r->burst_end += cfg->burst_interval;
    }
  }
  return r->gain * sum;
}

double
traffic_rate_arrivals(TrafficRate *r, SimTime from, SimTime to)
{
  g_return_val_if_fail(r != NULL, 0.0);
  if (r->none || to <= from)
    return 0.0;
  if (r->cfg->kind == TRAFFIC_LOG)
    return r->gain / r->cfg->scale *
           traffic_config_arrivals(r->cfg, from, to, 0);
  double a = sim_time_to_seconds(from), b = sim_time_to_seconds(to);
  if (r->cfg->kind == TRAFFIC_MMPP)
    return mmpp_arrivals(r, a, b);
  return shaped_arrivals(r, a, b);
}
