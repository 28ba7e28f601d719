/* Fluid fidelity benchmark: the cost of turning a period's completed
 * requests into latency points (models/requests/fluid-latency.h), and of
 * one fluid step (fluid-queue.h).
 *
 * A year at 60 s periods flushes about 525,600 times per service, and a
 * driver stepping every few seconds calls fluid_queue_step() a few
 * million times per task class. For each service-time law (fixed,
 * exponential, lognormal cv 1.2, gamma cv 1.5) it times flushes of one
 * group without wait, one with a fixed wait, one with an exponential
 * wait (the convolution tables already made), and a mixed period of
 * twelve groups (steps of 5 s with varying waits), each of about 6,000
 * requests, into a histogram; then fluid_queue_step() at 8 and 1,000
 * slots. It prints CPU nanoseconds per flush (per group for the mixed
 * one), the points per group, and nanoseconds per step.
 *
 * Run: meson test -C build --benchmark fluid --verbose
 *   or build/bench/bench-fluid [FLUSHES] */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "models/requests/fluid-latency.h"
#include "models/requests/fluid-queue.h"

/* CPU time of this thread: on a shared machine wall time also counts
 * the waits for a core. */
static double
now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double) ts.tv_sec * 1e9 + (double) ts.tv_nsec;
}

/* Nanoseconds per flush of @n_groups groups added each time. */
static double
time_flushes(FluidLatency *fl, SimHistogram *h, guint flushes,
             const FluidWait *waits, guint n_groups)
{
  for (guint g = 0; g < n_groups; g++) /* make the tables outside */
    fluid_latency_add(fl, 6000.3, 1.0, &waits[g]);
  fluid_latency_flush(fl, h, NULL);
  double t0 = now_ns();
  for (guint i = 0; i < flushes; i++) {
    for (guint g = 0; g < n_groups; g++)
      fluid_latency_add(fl, 6000.3, 1.0, &waits[g]);
    fluid_latency_flush(fl, h, NULL);
  }
  return (now_ns() - t0) / flushes;
}

static void
bench_law(const char *name, const Dist *d, guint flushes)
{
  g_autoptr(FluidLatency) fl = fluid_latency_new(d);
  g_autoptr(SimHistogram) h = sim_histogram_new();
  double m = dist_mean_seconds(d);
  const FluidWait none = { .none = 1 };
  const FluidWait fixed = { .fixed_frac = 1, .fixed_s = 3 * m };
  const FluidWait expw = { .none = 0.5, .exp_frac = 0.5,
                           .exp_mean_s = 0.7 * m };
  FluidWait mixed[12];
  for (guint g = 0; g < 12; g++)
    mixed[g] = g % 2 ? (FluidWait){ .fixed_frac = 1,
                                    .fixed_s = (g + 1) * 0.4 * m }
                     : (FluidWait){ .none = 0.6, .exp_frac = 0.4,
                                    .exp_mean_s = (g + 1) * 0.2 * m };
  double t_none = time_flushes(fl, h, flushes, &none, 1);
  double t_fixed = time_flushes(fl, h, flushes, &fixed, 1);
  double t_exp = time_flushes(fl, h, flushes, &expw, 1);
  double t_mixed = time_flushes(fl, h, flushes / 4, mixed, 12);
  printf("%-18s %6.0f ns no wait (%u points)  %6.0f ns fixed wait  "
         "%6.0f ns exponential wait (%u + %u points)  %6.0f ns/group "
         "mixed\n", name, t_none, fluid_latency_n_points(fl, FALSE),
         t_fixed, t_exp, fluid_latency_n_points(fl, FALSE),
         fluid_latency_n_points(fl, TRUE), t_mixed / 12);
}

static void
bench_step(int slots, guint steps)
{
  FluidServer srv = { .slots = slots, .mean_s = 0.035, .scv = 1.44,
                      .arrival_scv = 1.0, .queue_limit = 100,
                      .timeout_s = 5.0 };
  FluidStep s;
  double sink = 0, t0 = now_ns();
  for (guint i = 0; i < steps; i++) {
    double lambda = slots / 0.035 * (0.3 + 0.6 * (i % 100) / 100.0);
    fluid_queue_step(&srv, lambda, 5.0, 0.0, &s);
    sink += s.started;
  }
  printf("fluid_queue_step at %d slots: %.0f ns per step (%g)\n", slots,
         (now_ns() - t0) / steps, sink > 0 ? 1.0 : 0.0);
}

int
main(int argc, char **argv)
{
  guint flushes = argc > 1 ? (guint) atoi(argv[1]) : 200000;
  Dist fixed = dist_fixed(35000);
  Dist expo = { .kind = DIST_EXPONENTIAL, .mean = 0.035, .cv = 1.0 };
  Dist logn = { .kind = DIST_LOGNORMAL, .mean = 0.035, .cv = 1.2 };
  logn.b = sqrt(log1p(1.44));
  logn.a = log(0.035) - logn.b * logn.b / 2;
  Dist gam = { .kind = DIST_GAMMA, .mean = 0.035, .cv = 1.5,
               .a = 1 / 2.25, .b = 0.035 * 2.25 };
  double t0 = now_ns();
  g_autoptr(FluidLatency) made = fluid_latency_new(&logn);
  printf("fluid_latency_new (lognormal): %.1f ms\n", (now_ns() - t0) / 1e6);
  bench_law("fixed", &fixed, flushes);
  bench_law("exponential", &expo, flushes);
  bench_law("lognormal cv 1.2", &logn, flushes);
  bench_law("gamma cv 1.5", &gam, flushes);
  bench_step(8, flushes * 10);
  bench_step(1000, flushes);
  return 0;
}
