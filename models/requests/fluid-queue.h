/* The aggregate ("fluid") mathematics of one group of identical servers:
 * what a task (or a class of identical tasks) does with its requests over
 * one step of simulated time, without simulating them one by one.
 *
 * The request-level model it approximates is task-queue.h: `slots`
 * requests in service at once, a FIFO queue of at most `queue_limit`
 * waiting (an arrival that finds it full fails at once, 503), and a
 * request that has waited longer than `timeout` fails with 504 when it
 * reaches the head of the queue, without using service.
 *
 * Two regimes (scenarios/REFERENCE.md, "Aggregate fidelity: the
 * formulas", states each formula with its source):
 *
 * (a) Stationary: no backlog and offered utilisation rho < 1. The
 *     Allen-Cunneen approximation of GI/G/c (Allen 1990, "Probability,
 *     Statistics and Queueing Theory", 2nd ed., §6; Whitt 1993,
 *     "Approximations for the GI/G/m queue", Production and Operations
 *     Management 2(2)): P(wait) is Erlang C, the mean wait of M/M/c scaled
 *     by (ca² + cs²)/2 (Kingman's heavy-traffic factor), and a wait, given
 *     that there is one, exponential. The queue length seen by a waiter
 *     is geometric with that mean; a finite queue truncates it as in
 *     M/M/c/K (exact when ca² = cs² = 1).
 *
 * (b) Transient fluid: rho >= 1, or a backlog left by an earlier step.
 *     Every slot is busy; the backlog moves at lambda - c/mean (the
 *     deterministic fluid approximation of the queue, as in Kleinrock
 *     1976, Queueing Systems vol. 2, §2.8, and the pointwise stationary
 *     fluid flow approximation of Wang, Perry & Doshi 1996; Tipper &
 *     Sundareshan 1990), capped by what the queue limit and the timeout
 *     allow. A step whose backlog empties is split at that instant and
 *     continues in regime (a).
 *
 * Conservation is exact in every regime, in fractional requests:
 *   lambda dt = queue_full + timed_out + started + (backlog1 - backlog0).
 * Service is taken as in steady state within a step: completed = started
 * (the requests in service at the end of a step stand for those that were
 * in service at its start).
 *
 * Cost: O(sqrt(lambda E[S])) steps of Erlang C's recursion (about 0.1 µs
 * at 8 slots, 0.5 µs at 1,000), nothing allocated. */
#pragma once

#include <glib.h>

/* The waiting-time law of the requests that started service in a step, a
 * mixture of three parts whose fractions sum to 1 (or are all 0 when none
 * started). */
typedef struct {
  double none;       /* fraction that did not wait */
  double exp_frac;   /* fraction whose wait is exponential ... */
  double exp_mean_s; /* ... with this mean (seconds); the law is not cut
                        at the timeout, so it overstates the tail a little
                        when timeouts are frequent */
  double fixed_frac; /* fraction that waited a backlog's wait ... */
  double fixed_s;    /* ... of this many seconds (deterministic) */
} FluidWait;

/* One group of identical servers (a task). Filled in by the caller. */
typedef struct {
  int slots;          /* c: requests in service at once (>= 1) */
  double mean_s;      /* E[S] on this task, seconds, speed applied (> 0) */
  double scv;         /* cs²: squared coefficient of variation of S */
  double arrival_scv; /* ca² of arrivals (1: Poisson) */
  double queue_limit; /* waiting places (>= 0); INFINITY: unbounded */
  double timeout_s;   /* a waiter older than this fails at the head of the
                         queue; INFINITY: none */
} FluidServer;

/* What one step did; everything is in requests (fractional) or request-
 * seconds, over the step. */
typedef struct {
  double queue_full;  /* failed on arrival: the queue was full (503) */
  double timed_out;   /* failed at the head of the queue (504), unserved;
                         in overload they are counted when they arrive,
                         up to a timeout before the request-level model
                         would */
  double started;     /* started service */
  double completed;   /* completed service (= started, see above) */
  double waited;      /* queued on arrival (including those that then
                         timed out), as ReqStats.waited */
  double wait_sum_s;  /* seconds waited by those started */
  double busy_slot_s; /* integral of busy slots */
  double in_flight_s; /* integral of requests inside (service + queue);
                         a request doomed to time out counts its wait
                         (the timeout) in the step it arrives */
  double backlog;     /* waiting at the end, to be served: the next step's
                         @backlog0 */
  double rho;         /* offered utilisation lambda mean / slots */
  FluidWait wait;     /* the wait law of the requests started */
} FluidStep;

/* Erlang C: the probability that an arrival waits in M/M/@c at offered
 * load @a = lambda E[S] (erlangs). 0 when @a <= 0, 1 when @a >= @c.
 * Stable for any @c (the Erlang B recursion keeps every term in [0, 1])
 * and for a/c up to 1 - 1e-12; O(sqrt(@a)) steps (fluid-queue.c says
 * why it may start near a - 12 sqrt(a)). */
double fluid_erlang_c(int c, double a);

/* One step of @dt_s seconds of server group @srv fed at @lambda requests
 * per second (constant over the step), starting with @backlog0 requests
 * waiting (0 for a fresh task). Fills @out. Never fails. */
void fluid_queue_step(const FluidServer *srv, double lambda, double dt_s,
                      double backlog0, FluidStep *out);

/* Whether the approximation's error is known to grow for @srv at
 * @lambda: TRUE with a static sentence in @reason (may be NULL) saying
 * why, for a warning; FALSE (and @reason untouched) otherwise. */
gboolean fluid_queue_caveat(const FluidServer *srv, double lambda,
                            const char **reason);
