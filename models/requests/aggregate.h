/* The aggregate fidelity (config/fidelity.h): requests as flows.
 *
 * In place of an event per arrival and per completion, each service's
 * traffic is a rate (its expected arrivals over each step,
 * traffic_rate_arrivals(), with the same bursts as request by request: a
 * request log's own count),
 * split by its load balancer over the tasks that take requests (equally
 * under round robin; in proportion to each task's service rate under least
 * outstanding requests, which steers work to the faster ones), and each
 * task's slots and queue advance by fluid_queue_step() (fluid-queue.h).
 * A step ends at every control-plane change that touches serving (a
 * task's state or health), whenever the metrics or autoscaling read the
 * request statistics (aggregate_sync()), and at least every
 * AGGREGATE_STEP_MAX (AGGREGATE_CALM_MAX while nothing moves).
 *
 * The results go into the same ReqStats the request path fills, so that
 * metrics, autoscaling, cost and every output work unchanged:
 *  - counters from the flows' cumulative counts, rounded (a period's
 *    arrivals are round(cumulative at its end) - round(at its start), so
 *    no fraction is lost over a run);
 *  - time averages (busy slots, requests in flight) as each step's mean;
 *  - waits, and latencies through fluid_latency_flush() (fluid-latency.h).
 *
 * A task that leaves the rotation keeps nothing: what it held completes
 * when it was draining (requests in service finish in well under a step)
 * or fails when it stopped or crashed (aggregate_abort(), in the place of
 * task_queue_abort()). A hung task serves nothing: its queue fills and
 * the rest are refused, as request by request. */
#pragma once

#include "models/core/world-private.h"
#include "models/requests/task-queue.h"

/* The longest step while something moves: a step's arrivals come at its
 * mean rate, so a rate that moves within a step is followed to within
 * this. While every rate stays within AGGREGATE_CALM of the last step's
 * and no task has a backlog, the step doubles, up to AGGREGATE_CALM_MAX
 * (autoscaling's minute ends one anyway): a year of a smooth day
 * is a few hundred thousand steps, not six million. */
#define AGGREGATE_STEP_MAX (5 * SIM_SEC)
#define AGGREGATE_CALM 0.01
#define AGGREGATE_CALM_MAX (60 * SIM_SEC)

/* Registers the step event and starts each service's flow. */
void aggregate_init(World *w);
void aggregate_free(World *w);

/* Advances every flow to now and flushes the latencies (at a metrics
 * period's end, or when autoscaling keeps a minute's latencies): call
 * before reading the request statistics. No-op in the requests
 * fidelity. */
void aggregate_sync(World *w, gboolean period_end);

/* @s's task stopped or crashed: what it holds fails, as task_queue_abort()
 * makes it fail request by request. */
void aggregate_abort(World *w, TaskQueue *s);

/* Hooks, subscribed before every other (world.c): the step up to now
 * runs with the rotation as it was. */
void aggregate_on_task_state(World *w, Task *t, TaskState old,
                             gpointer data);
void aggregate_on_task_health(World *w, Task *t, gpointer data);

/* A minute's autoscaling datapoint of @service as a request-level run
 * would measure it: *@arrivals, the minute's expected arrivals, becomes a
 * Poisson draw of them, and *@cpu_pct (the service's busy fraction, in
 * percent) the busy time of that many random service times
 * (aggregate-metric.c). Draws from the request stream "metric-noise", so
 * that --request-seed moves it and the control plane keeps its numbers. */
void aggregate_sample_datapoint(World *w, guint32 service, double *arrivals,
                                double *cpu_pct);

/* Adds the run's warnings about the approximation (ρ near 1, high
 * variability, effects it leaves out) to w->warnings. */
void aggregate_collect_warnings(World *w);

static inline gboolean
world_is_aggregate(const World *w)
{
  return w->aggregate != NULL;
}
