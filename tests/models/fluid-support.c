/* Helpers shared by the fluid mathematics' tests. */
#include "fluid-support.h"

#include <criterion/criterion.h>
#include <math.h>

FluidServer
fluid_test_server(int slots, double mean_s, double scv, double limit, double timeout)
{
  return (FluidServer){ .slots = slots, .mean_s = mean_s, .scv = scv,
                        .arrival_scv = 1.0, .queue_limit = limit,
                        .timeout_s = timeout };
}

/* Arrivals = queue_full + timed_out + started + change of backlog, the
 * wait law's fractions sum to 1, nothing negative. */
void
fluid_assert_conserved(const char *what, double lambda, double dt, double b0,
                 const FluidStep *s)
{
  double in = lambda * dt;
  double out = s->queue_full + s->timed_out + s->started + s->backlog - b0;
  cr_assert(fabs(in - out) <= 1e-9 * MAX(in, 1.0),
            "%s: %.12g arrivals but %.12g accounted for", what, in, out);
  cr_assert_float_eq(s->completed, s->started, 1e-9);
  double parts = s->wait.none + s->wait.exp_frac + s->wait.fixed_frac +
                 s->wait.young_frac;
  if (s->started > 0)
    cr_assert_float_eq(parts, 1.0, 1e-9, "%s: wait law sums to %g", what,
                       parts);
  cr_assert(s->queue_full >= -1e-9 && s->timed_out >= -1e-9 &&
            s->started >= 0 && s->backlog >= 0 && s->busy_slot_s >= 0 &&
            s->in_flight_s >= s->busy_slot_s - 1e-9,
            "%s: a negative figure", what);
}

Dist
fluid_test_lognormal(double mean, double cv)
{
  Dist d = { .kind = DIST_LOGNORMAL, .mean = mean, .cv = cv };
  d.b = sqrt(log1p(cv * cv));
  d.a = log(mean) - d.b * d.b / 2.0;
  return d;
}

Dist
fluid_test_gamma(double mean, double cv)
{
  Dist d = { .kind = DIST_GAMMA, .mean = mean, .cv = cv };
  d.a = 1.0 / (cv * cv);
  d.b = mean * cv * cv;
  return d;
}

Dist
fluid_test_exponential(double mean)
{
  return (Dist){ .kind = DIST_EXPONENTIAL, .mean = mean, .cv = 1.0 };
}
