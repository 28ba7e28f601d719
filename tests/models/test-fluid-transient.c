/* The aggregate ("fluid") mathematics in transients: a queue near
 * capacity that has not had time to reach its stationary law (a young
 * queue), and a backlog served in arrival order. */
#include <criterion/criterion.h>
#include <math.h>

#include "support.h"
#include "fluid-support.h"

#include "models/requests/fluid-latency.h"
#include "models/requests/fluid-queue.h"

/* Near capacity a queue takes its relaxation time sigma² / theta² to
 * reach its stationary law: from empty it grows like the reflected
 * Brownian motion, sigma sqrt(2 t / pi) at zero drift, not at once to the
 * stationary mean (here 1.4 s of wait, hours away). */
Test(fluid, a_queue_near_capacity_builds_like_a_random_walk)
{
  FluidServer srv = fluid_test_server(8, 0.020, 2.25, 1000.0, INFINITY);
  srv.arrival_scv = 0.5;
  double mu_c = 400.0, lambda = 399.99, sigma2 = mu_c * (0.5 + 2.25);
  FluidStep s;
  double b = 0.0, t = 0.0;
  for (int i = 0; i < 12; i++, t += 5.0) {
    fluid_queue_step(&srv, lambda, 5.0, b, &s);
    fluid_assert_conserved("young", lambda, 5.0, b, &s);
    b = s.backlog;
  }
  double walk = sqrt(2.0 * sigma2 * t / G_PI);
  cr_assert(fabs(b / walk - 1.0) < 0.01, "after %.0f s: %.1f waiting, "
            "a random walk has %.1f", t, b, walk);
  /* The last step's waiters waited about the queue they found, not the
   * stationary law's 1.4 s. */
  double mean_wait = s.wait_sum_s / s.waited;
  cr_assert(mean_wait > 0.8 * b / mu_c && mean_wait < 1.2 * b / mu_c,
            "mean wait %.3f s with %.1f waiting", mean_wait, b);
  cr_assert_float_eq(s.wait.young_frac + s.wait.none, 1.0, 1e-9);
  /* Its law: bins summing to 1, ascending, none beyond the cap. */
  double w[FLUID_YOUNG_MAX_BINS], p[FLUID_YOUNG_MAX_BINS], sum = 0, mean = 0;
  guint n = fluid_young_bins(&s.wait.young, w, p, FLUID_YOUNG_MAX_BINS);
  cr_assert(n > 16);
  for (guint i = 0; i < n; i++) {
    sum += p[i];
    mean += p[i] * w[i];
    cr_assert(i == 0 || w[i] > w[i - 1]);
  }
  cr_assert_float_eq(sum, 1.0, 1e-9);
  cr_assert(w[n - 1] <= 1000.0 / mu_c + 1e-9);
  cr_assert(fabs(mean / mean_wait - 1.0) < 0.01, "law's mean %.4f s, "
            "step's %.4f s", mean, mean_wait);
}

/* Allen-Cunneen's mean wait of a waiter, g E[S] / (c - a), at 8 slots
 * of 20 ms, ca² = 0.5, cs² = 2.25 and 390 requests/s (rho = 0.975),
 * times what arrivals more regular than Poisson change in it (QNA's
 * delay ratio 0.99262 to the power -0.5 x 3 / 8, worked out by hand;
 * fluid-queue.c, waiter_mean_s()). */
#define SETTLED_WAIT_S (1.375 * 0.020 / (8.0 - 7.8) * 1.0013893)

/* A load a little further from capacity relaxes in seconds: after many
 * relaxation times the queue is the stationary one (Allen-Cunneen's
 * exponential wait, SETTLED_WAIT_S), and stays there. */
Test(fluid, a_young_queue_relaxes_to_the_stationary_law)
{
  FluidServer srv = fluid_test_server(8, 0.020, 2.25, INFINITY, INFINITY);
  srv.arrival_scv = 0.5;
  double lambda = 390.0; /* theta = -10/s, sigma² / theta² = 11 s */
  FluidStep s;
  double b = 0.0;
  for (int i = 0; i < 200; i++) {
    fluid_queue_step(&srv, lambda, 5.0, b, &s);
    b = s.backlog;
  }
  cr_assert(fabs(b / (400.0 * 2.75 / 20.0) - 1.0) < 1e-5, "%.6f", b);
  cr_assert_float_eq(s.wait.exp_mean_s, SETTLED_WAIT_S, 1e-7);
  cr_assert_eq(s.wait.young_frac, 0.0);
  fluid_assert_conserved("old", lambda, 5.0, b, &s);
  /* The load falls: the queue above the new stationary mean drains. */
  fluid_queue_step(&srv, 380.0, 5.0, b, &s);
  cr_assert_float_eq(s.backlog, 400.0 * 2.75 / 40.0, 1e-6);
  fluid_assert_conserved("drains", 380.0, 5.0, b, &s);
}

/* The mean and the 99th percentile of the waits in @w's young-queue
 * bins (the bin where the law's cumulative probability passes 0.99). */
static void
young_law(const FluidWait *w, double *mean, double *p99)
{
  double wait[FLUID_YOUNG_MAX_BINS], prob[FLUID_YOUNG_MAX_BINS], cum = 0;
  guint n = fluid_young_bins(&w->young, wait, prob, FLUID_YOUNG_MAX_BINS);
  cr_assert(n > 16);
  *mean = 0.0;
  *p99 = NAN;
  for (guint i = 0; i < n; i++) {
    *mean += prob[i] * wait[i];
    if (isnan(*p99) && (cum += prob[i]) >= 0.99)
      *p99 = wait[i];
  }
}

/* Within 1% of its stationary mean a young queue's waits are close to the
 * stationary law's shape, an exponential, and are recorded as one (of
 * the young queue's mean wait), which spares the latency its bins: at
 * the last step that still records bins, their 99th percentile is within
 * 5% (their width and a bit) of that exponential's, and the next step
 * records an exponential wait within 1% of Allen-Cunneen's stationary
 * mean, SETTLED_WAIT_S (0.1377 s). */
Test(fluid, a_settled_young_queue_waits_as_an_exponential)
{
  FluidServer srv = fluid_test_server(8, 0.020, 2.25, INFINITY, INFINITY);
  srv.arrival_scv = 0.5;
  double lambda = 390.0; /* theta = -10/s, sigma² / theta² = 11 s */
  FluidStep s = { 0 }, binned = { 0 };
  double b = 0.0;
  for (int i = 0; i < 200 && !(s.wait.exp_frac > 0.0); i++) {
    fluid_queue_step(&srv, lambda, 5.0, b, &s);
    fluid_assert_conserved("settling", lambda, 5.0, b, &s);
    b = s.backlog;
    if (s.wait.young_frac > 0.0)
      binned = s;
  }
  cr_assert(s.wait.exp_frac > 0.0 && s.wait.young_frac == 0.0,
            "the queue never settled");
  cr_assert(binned.wait.young_frac > 0.0, "no step recorded bins");
  double mean, p99;
  young_law(&binned.wait, &mean, &p99);
  double exp_p99 = -mean * log(0.01);
  cr_assert(fabs(p99 / exp_p99 - 1.0) < 0.05, "young p99 %.4f s against "
            "the exponential's %.4f s", p99, exp_p99);
  double mw = SETTLED_WAIT_S;
  cr_assert(s.wait.exp_mean_s <= mw && s.wait.exp_mean_s > 0.99 * mw,
            "settled mean wait %.5f s, stationary %.5f s",
            s.wait.exp_mean_s, mw);
}

/* FIFO: a request that arrives with B ahead starts B / mu_c later, having
 * waited that long; those that start in a step waited what the backlog
 * was when they arrived. */
Test(fluid, a_backlog_serves_its_requests_in_arrival_order)
{
  FluidServer srv = fluid_test_server(4, 0.01, 1.0, INFINITY, INFINITY);
  g_autofree FluidHistory *h = g_new0(FluidHistory, 1);
  FluidStep s;
  /* 600/s for 5 s: a request arriving at s finds 200 s ahead, starts at
   * u = 1.5 s having waited u / 3. Those started in [0, 5] waited 5/6 s
   * on average (B(t) / mu_c would say 1.25 s). */
  fluid_queue_step_fifo(&srv, 600.0, 5.0, 0.0, h, &s);
  cr_assert_float_eq(s.backlog, 1000.0, 1e-9);
  cr_assert_float_eq(s.wait.fixed_s, 5.0 / 6.0, 1e-9);
  cr_assert_float_eq(s.wait_sum_s, 2000.0 * 5.0 / 6.0, 1e-6);
  /* Then 300/s for 2 s: those started in [5, 7] arrived in the build-up,
   * waiting 2 s on average (B(t) / mu_c: 2.25 s). */
  fluid_queue_step_fifo(&srv, 300.0, 2.0, s.backlog, h, &s);
  cr_assert_float_eq(s.wait.fixed_s, 2.0, 1e-9);
  /* At a full queue (a limit of 1000) the arrivals admitted wait 2.5 s:
   * a drain then serves them at 2.5 s, more than the shrinking backlog
   * over mu_c. */
  FluidServer full = fluid_test_server(4, 0.01, 1.0, 1000.0, INFINITY);
  h->n = 0;
  fluid_queue_step_fifo(&full, 600.0, 20.0, 1000.0, h, &s);
  fluid_queue_step_fifo(&full, 200.0, 2.0, s.backlog, h, &s);
  cr_assert_float_eq(s.backlog, 600.0, 1e-9);
  cr_assert_float_eq(s.wait.fixed_s, 2.5, 1e-9);
  fluid_assert_conserved("drain", 200.0, 2.0, 1000.0, &s);
  /* Drained, it forgets. */
  fluid_queue_step_fifo(&full, 100.0, 5.0, s.backlog, h, &s);
  cr_assert_eq(s.backlog, 0.0);
  cr_assert_eq(h->n, 0);
}

/* A young queue is held at its cap (1000 places, 2.5 s here): it loses
 * only what the queue pushes against the cap, not every arrival that the
 * unheld queue would put beyond it (0.1% of them after 4 minutes at
 * rho = 0.995: about 35 times as many). */
Test(fluid, a_young_queue_loses_little_at_its_cap)
{
  FluidServer srv = fluid_test_server(8, 0.020, 2.25, 1000.0, INFINITY);
  srv.arrival_scv = 0.25;
  FluidStep s;
  double b = 0.0, in = 0.0, refused = 0.0;
  for (int i = 0; i < 48; i++) {
    fluid_queue_step(&srv, 398.0, 5.0, b, &s);
    fluid_assert_conserved("held", 398.0, 5.0, b, &s);
    in += 398.0 * 5.0;
    refused += s.queue_full;
    b = s.backlog;
  }
  cr_assert(refused > 0.0 && refused < 5e-5 * in, "%.1f of %.0f refused",
            refused, in);
  cr_assert_eq(s.timed_out, 0.0);
}
