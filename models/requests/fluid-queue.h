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
 *     by (ca² + cs²)/2 (Kingman's heavy-traffic factor). Arrivals more
 *     regular than Poisson (ca² < 1) wait less often and, when they wait,
 *     longer: P(wait) and the mean wait are corrected as in Whitt's QNA
 *     and Halfin-Whitt (delay_probability(), waiter_mean_s()). A wait,
 *     given one, has the squared coefficient of variation M/G/1's exact
 *     moments give (waiter_scv()): two exponential phases when above 1,
 *     else one. The queue length seen by a waiter is geometric with the
 *     mean Little's law gives; a finite queue truncates it as in M/M/c/K
 *     (exact when ca² = cs² = 1).
 *
 * (c) Young queue: rho < 1 but so near 1 that the queue needs much longer
 *     than the step to reach its stationary law (its relaxation time
 *     sigma² / theta², Abate & Whitt 1987, "Transient behavior of
 *     regulated Brownian motion I", Adv. Appl. Prob. 19, exceeds a tenth
 *     of the step). The queue is the reflected Brownian motion of the
 *     heavy-traffic limit (Harrison 1985, "Brownian Motion and Stochastic
 *     Flow Systems", ch. 1, gives its law at any time), drift
 *     theta = lambda - c/mean and variance sigma² = (c/mean)(ca² + cs²),
 *     whose stationary law is (a)'s exponential wait: it grows from
 *     empty like sigma sqrt(t), not at once to the stationary mean. The
 *     state carried from step to step is its mean; its age is the time
 *     the queue would take to build that mean from empty.
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

/* The waits of a young queue (regime (c), fluid-queue.h): a queue that
 * started empty and has been building for an age between @t0_s and @t1_s
 * (uniformly over the step) at drift @drift < 0 and variance @var, as a
 * reflected Brownian motion, cut at @cap requests; a request that finds
 * R ahead waits R / @mu_c. */
typedef struct {
  double t0_s, t1_s; /* the queue's age at the step's start and end */
  double drift;      /* theta = lambda - mu_c, requests/s (< 0) */
  double var;        /* sigma², requests²/s */
  double mu_c;       /* completions per second */
  double cap;        /* most requests ahead of an admitted one */
} FluidYoung;

/* The waiting-time law of the requests that started service in a step, a
 * mixture of four parts whose fractions sum to 1 (or are all 0 when none
 * started). */
typedef struct {
  double none;       /* fraction that did not wait */
  double exp_frac;   /* fraction whose wait is exponential ... */
  double exp_mean_s; /* ... with this mean (seconds); the law is not cut
                        at the timeout, so it overstates the tail a little
                        when timeouts are frequent */
  double exp_scv;    /* its squared coefficient of variation: above 1 it
                        is two exponential phases (fluid_wait_phases());
                        0 or 1, one exponential */
  double fixed_frac; /* fraction that waited a backlog's wait ... */
  double fixed_s;    /* ... of this many seconds (deterministic) */
  double young_frac; /* fraction that waited in a young queue ... */
  FluidYoung young;  /* ... whose waits follow this law
                        (fluid_young_bins()) */
} FluidWait;

/* One group of identical servers (a task). Filled in by the caller. */
typedef struct {
  int slots;          /* c: requests in service at once (>= 1) */
  double mean_s;      /* E[S] on this task, seconds, speed applied; 0: a
                         request takes no time at all */
  double scv;         /* cs²: squared coefficient of variation of S */
  double arrival_scv; /* ca² of arrivals (1: Poisson) */
  double third;       /* E[S³] / E[S]³ (dist_third_moment_ratio()); 0:
                         unknown, and a wait, given one, exponential */
  double queue_limit; /* waiting places (>= 0); INFINITY: unbounded */
  double timeout_s;   /* a waiter older than this fails at the head of the
                         queue; INFINITY: none */
} FluidServer;

/* The two exponential phases of a wait law of mean @mean_s and squared
 * coefficient of variation @scv > 1, with balanced means (p1 m1 = p2 m2;
 * Whitt 1982, "Approximating a point process by a renewal process, I",
 * Oper. Res. 30(1), §3): phase i has probability @p[i] and mean
 * @mean[i]. @scv <= 1 gives one phase, the exponential: @p = {1, 0}. */
void fluid_wait_phases(double mean_s, double scv, double p[2],
                       double mean[2]);

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

/* What the requests in a fluid backlog (regime (b)) will have waited
 * when they start service, W(u) piecewise linear in their start time u
 * (seconds from now), as they queue in FIFO order: a request that
 * arrives with B ahead starts B / mu_c later, having waited that long.
 * The requests that start while a backlog drains are those that arrived
 * when it was longer, and wait longer than the backlog now is; those
 * that start while it builds wait less. Allocate with g_new0 (n = 0:
 * nothing known); g_free() frees it. */
#define FLUID_HISTORY_MAX 64
typedef struct _FluidHistory {
  guint n;                      /* points, by u ascending */
  double u[FLUID_HISTORY_MAX];  /* start times, seconds from now */
  double w[FLUID_HISTORY_MAX];  /* the wait of the request starting then */
} FluidHistory;

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

/* fluid_queue_step() for a group whose backlog's history @history (lent,
 * updated; may be NULL) says what its requests waited: the waits of the
 * requests started in a backlogged step are theirs (FIFO), not the
 * backlog's length divided by the service rate. Without a history, a
 * backlog is taken to have waited its length over the service rate.
 * Never fails. */
void fluid_queue_step_fifo(const FluidServer *srv, double lambda,
                           double dt_s, double backlog0,
                           FluidHistory *history, FluidStep *out);

/* The law of a young queue's waits as @n bins of probability (at most
 * @max): @prob[i] (summing to 1) of waiting @wait_s[i] seconds (the bin's
 * conditional mean), ascending, at most 16 bins per doubling of the wait
 * (4.4% apart). Returns @n; 0 when @y holds no wait. Never fails. */
guint fluid_young_bins(const FluidYoung *y, double *wait_s, double *prob,
                       guint max);

/* Bins fluid_young_bins() may return: enough for waits from 1/64 of the
 * mean to where 1e-7 of the law is left. */
#define FLUID_YOUNG_MAX_BINS 224

/* Whether the approximation's error is known to grow for @srv at
 * @lambda: TRUE with a static sentence in @reason (may be NULL) saying
 * why, for a warning; FALSE (and @reason untouched) otherwise. */
gboolean fluid_queue_caveat(const FluidServer *srv, double lambda,
                            const char **reason);
