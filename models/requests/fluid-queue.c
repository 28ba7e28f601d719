/* One step of a group of identical servers: Allen-Cunneen when stationary,
 * a deterministic fluid backlog in overload (fluid-queue.h). */
#include "models/requests/fluid-queue.h"

#include <math.h>
#include <string.h>

/* The waits of the requests started so far in a step, by part: the step
 * may join a fluid part (fixed waits) and a stationary one. */
typedef struct {
  double none;      /* requests started without waiting */
  double exp_n;     /* started after an exponential wait ... */
  double exp_mean;  /* ... of this mean */
  double fixed_n;   /* started after a backlog's wait */
  double fixed_sum; /* their waits, seconds */
} WaitParts;

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

/* Kingman's variability factor (ca² + cs²) / 2 of Allen-Cunneen. */
static double
variability(const FluidServer *srv)
{
  return (MAX(srv->arrival_scv, 0.0) + MAX(srv->scv, 0.0)) / 2.0;
}

/* Regime (a) over @tau seconds at @lambda (rho < 1, no backlog): adds
 * into @out and @parts. */
static void
stationary(const FluidServer *srv, double lambda, double tau,
           FluidStep *out, WaitParts *parts)
{
  double n = lambda * tau;
  if (!(n > 0.0))
    return;
  double c = srv->slots, a = lambda * srv->mean_s;
  double pc = fluid_erlang_c(srv->slots, a);
  double g = variability(srv);
  /* A waiter's wait: exponential with mean Wq / C = g E[S] / (c - a). */
  double mw = g * srv->mean_s / (c - a);
  /* Waiters see a geometric queue whose mean matches Little's law,
   * P(Nq >= k | wait) = r^k with r / (1 - r) = lambda Wq / C; a queue of
   * L places truncates it (M/M/c/c+L when g = 1). */
  double rho = a / c;
  double r = rho * g / (1.0 - rho + rho * g);
  double full = 0.0, wait = pc;
  if (isfinite(srv->queue_limit)) {
    double rl = pow(r, srv->queue_limit);
    double norm = 1.0 - pc * rl * r;
    full = pc * (1.0 - r) * rl / norm;
    wait = pc * (1.0 - rl) / norm;
  }
  /* A waiter whose wait passes the timeout fails at the head of the
   * queue: P(W > T | wait) = exp(-T / mw). */
  double late = 0.0, kept_mean = mw;
  if (isfinite(srv->timeout_s) && mw > 0.0) {
    double e = exp(-srv->timeout_s / mw);
    late = e;
    /* E[W; W <= T] / P(W <= T) for the waiters that start. */
    kept_mean = e < 1.0 ? (mw - (mw + srv->timeout_s) * e) / (1.0 - e)
                        : 0.0;
  }
  double waiters = n * wait;
  double started_waiting = waiters * (1.0 - late);
  double started = n * (1.0 - full - wait) + started_waiting;
  out->queue_full += n * full;
  out->timed_out += waiters * late;
  out->started += started;
  out->waited += waiters;
  out->wait_sum_s += started_waiting * kept_mean;
  out->busy_slot_s += started * srv->mean_s;
  /* Every waiter spends its wait in the queue, the late ones included. */
  out->in_flight_s += started * srv->mean_s + waiters * mw;
  parts->none += n * (1.0 - full - wait);
  if (started_waiting > 0.0) {
    parts->exp_n += started_waiting;
    parts->exp_mean = mw;
  }
}

/* Regime (b) over at most @tau seconds from backlog @b0 (> 0, or
 * lambda >= c / mean): every slot busy. Returns the seconds it lasted
 * (less than @tau when the backlog empties) and sets *@b1. */
static double
fluid(const FluidServer *srv, double lambda, double tau, double b0,
      FluidStep *out, WaitParts *parts, double *b1)
{
  double mu_c = srv->slots / srv->mean_s; /* completions per second */
  double d = lambda - mu_c;
  /* The backlog to be served is capped by the queue's places and by what
   * the timeout lets through: a request with B ahead waits B / mu_c. */
  double bmax = MIN(srv->queue_limit, mu_c * srv->timeout_s);
  double b = b0, area = 0.0, t = tau, over = 0.0;
  if (b > bmax) { /* the caps shrank: the excess times out */
    out->timed_out += b - bmax;
    b = bmax;
  }
  if (d >= 0.0) {
    double fill = d > 0.0 ? (bmax - b) / d : INFINITY;
    double ramp = MIN(fill, tau);
    double top = b + d * ramp;
    area = (b + top) / 2.0 * ramp + top * (tau - ramp);
    over = d * (tau - ramp);
    b = top;
  } else {
    t = MIN(tau, b / -d);
    double end = t < tau ? 0.0 : MAX(b + d * t, 0.0);
    area = (b + end) / 2.0 * t;
    b = end;
  }
  /* Overflow at the cap: with the timeout the binding cap, the queue
   * holds lambda T requests (those doomed included) and, once that
   * passes the limit, admits L / T per second; the rest is refused. */
  double late = 0.0;
  if (over > 0.0 && isfinite(srv->timeout_s) &&
      mu_c * srv->timeout_s <= srv->queue_limit) {
    double admit = srv->queue_limit <= 0.0 ? 0.0
                 : srv->timeout_s > 0.0 ? srv->queue_limit / srv->timeout_s
                 : INFINITY;
    late = MIN(over, MAX(0.0, admit - mu_c) * (over / d));
  }
  double arrivals = lambda * t;
  double started = mu_c * t;
  out->queue_full += over - late;
  out->timed_out += late;
  out->started += started;
  out->waited += arrivals - (over - late);
  /* Started at rate mu_c, each waiting B(t) / mu_c: the wait sum is the
   * backlog's area (Little's law, step by step). */
  out->wait_sum_s += area;
  out->busy_slot_s += srv->slots * t;
  out->in_flight_s += srv->slots * t + area +
                      (isfinite(srv->timeout_s) ? late * srv->timeout_s : 0);
  parts->fixed_n += started;
  parts->fixed_sum += area;
  *b1 = b;
  return t;
}

/* The wait law of the step from its parts. */
static void
wait_law(const WaitParts *p, FluidWait *w)
{
  double n = p->none + p->exp_n + p->fixed_n;
  memset(w, 0, sizeof *w);
  if (!(n > 0.0))
    return;
  w->none = p->none / n;
  w->exp_frac = p->exp_n / n;
  w->exp_mean_s = p->exp_n > 0.0 ? p->exp_mean : 0.0;
  w->fixed_frac = p->fixed_n / n;
  w->fixed_s = p->fixed_n > 0.0 ? p->fixed_sum / p->fixed_n : 0.0;
}

void
fluid_queue_step(const FluidServer *srv, double lambda, double dt_s,
                 double backlog0, FluidStep *out)
{
  g_return_if_fail(srv != NULL && out != NULL);
  g_return_if_fail(srv->slots >= 1 && srv->mean_s > 0.0);
  memset(out, 0, sizeof *out);
  lambda = MAX(lambda, 0.0);
  dt_s = MAX(dt_s, 0.0);
  out->rho = lambda * srv->mean_s / srv->slots;
  WaitParts parts = { 0 };
  double b = MAX(backlog0, 0.0), used = 0.0;
  if (b > 0.0 || out->rho >= 1.0)
    used = fluid(srv, lambda, dt_s, b, out, &parts, &b);
  if (used < dt_s) /* no backlog (left) and rho < 1 */
    stationary(srv, lambda, dt_s - used, out, &parts);
  out->completed = out->started;
  out->backlog = b;
  wait_law(&parts, &out->wait);
}

gboolean
fluid_queue_caveat(const FluidServer *srv, double lambda,
                   const char **reason)
{
  g_return_val_if_fail(srv != NULL && srv->slots >= 1, FALSE);
  double rho = lambda * srv->mean_s / srv->slots;
  const char *why = NULL;
  if (rho >= 1.0)
    why = "overloaded (utilisation >= 1): the fluid backlog has "
          "deterministic waits and ignores the randomness of arrivals "
          "and service times";
  else if (rho > 0.95)
    why = "utilisation above 0.95: queueing approximations lose accuracy "
          "in heavy traffic, where waits are long and very variable";
  else if (srv->scv > 4.0 || srv->arrival_scv > 4.0)
    why = "service or arrival times very variable (squared coefficient of "
          "variation > 4): Allen-Cunneen's error grows with variability";
  else if (isfinite(srv->timeout_s) &&
           srv->timeout_s < 3.0 * srv->mean_s * variability(srv) /
                                MAX(srv->slots * (1.0 - rho), 1e-9))
    why = "the timeout is within a few mean waits: timed-out requests "
          "are estimated from an exponential wait tail";
  if (why == NULL)
    return FALSE;
  if (reason != NULL)
    *reason = why;
  return TRUE;
}
