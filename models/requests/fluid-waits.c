/* Stationary waits: Erlang C and its corrections, a waiter's mean wait
 * and the variability of its wait (fluid-waits.h). */
#include "models/requests/fluid-waits.h"

#include <math.h>

double
fluid_erlang_c(int c, double a)
{
  g_return_val_if_fail(c >= 1, 1.0);
  if (!(a > 0.0))
    return 0.0;
  if (a >= c)
    return 1.0;
  /* Erlang B by B(k) = a B(k-1) / (k + a B(k-1)), then
   * C = B / (1 - rho + rho B), with 1 - rho taken as (c - a) / c so that
   * rho near 1 loses no digits. Far below a, B(k) = 1 - k/a to first
   * order, and the recursion shrinks an error in it by k/a a step: from
   * k0 = a - 12 sqrt(a) it is gone (by e^-72) before k nears a, so the
   * recursion starts there, O(sqrt(a)) steps instead of O(c). */
  int k0 = (int) floor(a - 12.0 * sqrt(a));
  k0 = CLAMP(k0, 0, c);
  double b = 1.0 - (double) k0 / a;
  for (int k = k0 + 1; k <= c; k++)
    b = a * b / (k + a * b);
  double rho = a / c;
  return b / ((c - a) / c + rho * b);
}

/* phi(x) + x Phi(x): the Halfin-Whitt delay probability, without the
 * common factor phi(x), is phi(x) / (phi(x) + x Phi(x)). */
static double
hw_denominator(double x)
{
  return exp(-0.5 * x * x) / sqrt(2.0 * M_PI) + x * 0.5 * erfc(-x / M_SQRT2);
}

/* Kingman's variability factor (ca² + cs²) / 2 of Allen-Cunneen. */
double
fluid_variability(const FluidServer *srv)
{
  return (MAX(srv->arrival_scv, 0.0) + MAX(srv->scv, 0.0)) / 2.0;
}

/* The least share of M/G/1's waiters that QNA's ratio keeps: near 0 only
 * when arrivals and service are both nearly deterministic, where almost
 * no one waits, and the conditional mean it divides stays finite. */
#define QNA_LEAST_RATIO 1e-3

/* For arrivals more regular than Poisson (ca² < 1), GI/G/1's delay
 * probability over M/G/1's (rho), by Whitt's QNA ("The queueing network
 * analyzer", Bell System Technical Journal 62(9), 1983, eqs. 46-47):
 * 1 + (ca² - 1)(1 - rho) h with h = (1 + ca² + rho cs²) /
 * (1 + rho (cs² - 1) + rho² (4 ca² + cs²)). 1 for ca² >= 1. Taken at
 * the slots' utilisation @rho. */
static double
qna_delay_ratio(const FluidServer *srv, double rho)
{
  double ca2 = MAX(srv->arrival_scv, 0.0), cs2 = MAX(srv->scv, 0.0);
  if (ca2 >= 1.0)
    return 1.0;
  double h = (1.0 + ca2 + rho * cs2) /
             (1.0 + rho * (cs2 - 1.0) + rho * rho * (4.0 * ca2 + cs2));
  return CLAMP(1.0 + (ca2 - 1.0) * (1.0 - rho) * h, QNA_LEAST_RATIO, 1.0);
}

/* The chance a request waits among @a Erlangs of load on the slots of
 * @srv. Poisson arrivals: Erlang C. Round robin over n tasks hands each
 * every n-th request (ca² = 1/n), far more regular, and fewer of them
 * find every slot busy. Two corrections, multiplied:
 * - Many slots: with (1 - rho) sqrt(c) -> beta, GI/M/c's delay
 *   probability is that of M/M/c with beta taken as beta sqrt(2 / (1 +
 *   ca²)) (Halfin & Whitt 1981, "Heavy-traffic limits for queues with
 *   many exponential servers", Oper. Res. 29(3)): [1 + b Phi(b) /
 *   phi(b)]^-1. Erlang C is scaled by that limit's ratio for ca² against
 *   1, so Poisson arrivals keep it exactly.
 * - Few slots: QNA's GI/G/1 ratio (qna_delay_ratio()).
 * The product is a heuristic, checked against request-level runs of 10
 * round-robin tasks (ca² = 0.1; REFERENCE, "Round robin's regular
 * arrivals"): on 2 slots at rho >= 0.5 the share that waits is within
 * 11% for lognormal cv up to 1, where Erlang C alone was 7-90% high; it
 * is 13-21% low with cv 2, and 19-32% low on one slot at rho <= 0.5.
 * @qna: qna_delay_ratio() at this load. */
static double
delay_probability(const FluidServer *srv, double a, double qna)
{
  double pc = fluid_erlang_c(srv->slots, a);
  double ca2 = MAX(srv->arrival_scv, 0.0);
  if (ca2 >= 1.0 || !(pc > 0.0) || a >= srv->slots)
    return pc;
  double b = (1.0 - a / srv->slots) * sqrt(srv->slots);
  double bt = b * sqrt(2.0 / (1.0 + ca2));
  /* phi(bt) / phi(b) folded into one exp, so neither underflows. */
  return pc * exp(-0.5 * (bt * bt - b * b)) * hw_denominator(b) /
         hw_denominator(bt) * qna;
}

double
fluid_delay_probability(const FluidServer *srv, double a)
{
  return delay_probability(srv, a, qna_delay_ratio(srv, a / srv->slots));
}

/* How much of a single server's behaviour a wait keeps on @c slots: 1
 * for up to three, 3 / c beyond. A waiter waits for the first of c busy
 * slots to free; with more slots their departures are nearer a Poisson
 * stream, and a wait nearer M/M/c's whatever the arrivals and the
 * service times. Fitted, not derived: against request-level runs of 1,
 * 2, 4 and 8 slots (REFERENCE, "Round robin's regular arrivals"), a
 * waiter's mean wait at rho = 0.75 is Allen-Cunneen's times 1.18, 1.13,
 * 1.08 and 1.04, and 8 slots with cv 2 wait as M/M/c's law says where
 * M/G/1's variability made p99 8.5% long. */
static double
few_slots_weight(int c)
{
  return MIN(1.0, 3.0 / c);
}

/* The mean wait of a request that waits, at @a Erlangs (< c): Allen-
 * Cunneen's g E[S] / (c - a) for Poisson arrivals. Regular arrivals
 * (ca² < 1) wait less often, and those that wait, longer: QNA's ratio
 * took waiters away (delay_probability()), and a waiter's wait is
 * lengthened by its square root, sharing the correction evenly between
 * how many wait and how long (on few slots: few_slots_weight()). Fitted:
 * Kraemer & Langenbach-Belz's factor, QNA's own for the mean wait, left
 * a waiter's wait 25% short with lognormal cv 0.5 on 2 slots (p99 6%
 * short); the square root is within 11% of the request-level runs' mean
 * wait at rho >= 0.5 for cv 0.5, 1 and 2 on 2 slots. @qna: as for
 * delay_probability(). */
static double
waiter_mean_s(const FluidServer *srv, double a, double qna)
{
  double mean = fluid_variability(srv) * srv->mean_s / (srv->slots - a);
  if (qna == 1.0) /* Poisson arrivals */
    return mean;
  return mean * pow(qna, -0.5 * few_slots_weight(srv->slots));
}

/* The squared coefficient of variation of a wait, given one: M/G/1's
 * exactly, from its first two moments of the wait (Pollaczek-Khinchine,
 * and Takacs for the second), at the slots' utilisation @rho:
 * 2 rho - 1 + 4 (1 - rho) d³ / (3 (1 + cs²)²), d³ = E[S³] / E[S]³ (as
 * QNA writes it). 1 for exponential service, at any rho; lognormal
 * service with cv 1 (d³ = 8) gives 1.33 at rho = 0.5 and 1.17 at 0.75.
 * With few slots long services make the long waits, and an exponential
 * makes p99 10-20% short (REFERENCE); with many a wait is the least of
 * many residual services, nearer an exponential: the excess over 1 fades
 * as slots multiply (few_slots_weight()). Never below 1: a lighter tail
 * than the exponential is left to the exponential. */
static double
waiter_scv(const FluidServer *srv, double rho)
{
  if (!(srv->third > 0.0))
    return 1.0;
  double s2 = 1.0 + MAX(srv->scv, 0.0);
  double single = 2.0 * rho - 1.0 +
                  4.0 * (1.0 - rho) * srv->third / (3.0 * s2 * s2);
  return 1.0 + MAX(0.0, single - 1.0) * few_slots_weight(srv->slots);
}

void
fluid_waiters(const FluidServer *srv, double a, FluidWaiters *out)
{
  double rho = a / srv->slots, qna = qna_delay_ratio(srv, rho);
  out->p_wait = delay_probability(srv, a, qna);
  out->mean_s = waiter_mean_s(srv, a, qna);
  out->scv = waiter_scv(srv, rho);
}

void
fluid_wait_phases(double mean_s, double scv, double p[2], double mean[2])
{
  if (!(scv > 1.0)) {
    p[0] = 1.0, p[1] = 0.0;
    mean[0] = mean_s, mean[1] = 0.0;
    return;
  }
  p[0] = 0.5 * (1.0 + sqrt((scv - 1.0) / (scv + 1.0)));
  p[1] = 1.0 - p[0];
  mean[0] = mean_s / (2.0 * p[0]);
  mean[1] = mean_s / (2.0 * p[1]);
}
