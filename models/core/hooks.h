/* The hooks through which models talk (DESIGN.md, "The models"), in the
 * manner of SimGrid's signals: a lower layer announces, subscribers act.
 *
 * | hook                 | fired when                                  |
 * |----------------------|---------------------------------------------|
 * | task changed         | a task entered a lifecycle state            |
 * | task health changed  | a task's health as the scheduler sees it    |
 * |                      | changed (container check, target, hung)     |
 * | capacity changed     | capacity appeared: an instance registered,  |
 * |                      | an AZ came back, a Spot shortage ended      |
 * | reconcile wanted     | capacity was lost or is draining: the       |
 * |                      | scheduler should look at a service again    |
 * | instance ended       | a container instance terminated (billed up  |
 * |                      | to now)                                     |
 * | metric published     | a period's datapoints (timeseries.csv rows, |
 * |                      | one per service) were published             |
 * | request finished     | a request was answered: completed or failed |
 * |                      | (only while someone subscribed: see below)  |
 *
 * Subscribers are added once each, in a fixed order, by the one function
 * that builds a World (models/world/world.c), and run in that order: the
 * order of effects, and so every output, is deterministic. A subscriber
 * that must act later schedules an event; it does not re-enter the
 * emitter. */
#pragma once

#include "models/core/world-private.h"

typedef void (*WorldTaskChangedFunc)(World *w, Task *t, TaskState old,
                                     gpointer data);
typedef void (*WorldTaskHealthFunc)(World *w, Task *t, gpointer data);
typedef void (*WorldCapacityFunc)(World *w, gpointer data);
/* @service: a service index, or -1 for every service. */
typedef void (*WorldReconcileFunc)(World *w, int service, gpointer data);

typedef void (*WorldInstanceFunc)(World *w, guint32 instance,
                                  gpointer data);
/* The period [@start, @end) closed: metrics_row() holds its rows. */
typedef void (*WorldMetricFunc)(World *w, SimTime start, SimTime end,
                                gpointer data);

/* A request's end, as its load balancer saw it. Built only when someone
 * subscribed (World.request_watchers > 0): the request path tests that
 * counter first and otherwise does nothing more. */
typedef struct {
  guint32 service;
  gint64 task;            /* the task that had it; -1: none (no target) */
  SimTime arrival;        /* it reached the load balancer, which forwards
                             at once: also when it reached the task */
  SimTime finish;         /* answered: completed, or failed (a timeout at
                             arrival + timeout, the 504's time) */
  RequestOutcome outcome;
} WorldRequest;
typedef void (*WorldRequestFunc)(World *w, const WorldRequest *r,
                                 gpointer data);

typedef struct _WorldHooks WorldHooks;

WorldHooks *world_hooks_new(void);
void world_hooks_free(WorldHooks *hooks);

/* Subscriptions: @fn is called with @data (lent) after those added
 * before it. */
void world_on_task_changed(World *w, WorldTaskChangedFunc fn, gpointer data);
void world_on_task_health_changed(World *w, WorldTaskHealthFunc fn,
                                  gpointer data);
void world_on_capacity_changed(World *w, WorldCapacityFunc fn,
                               gpointer data);
void world_on_reconcile_wanted(World *w, WorldReconcileFunc fn,
                               gpointer data);
void world_on_instance_ended(World *w, WorldInstanceFunc fn, gpointer data);
void world_on_metric_published(World *w, WorldMetricFunc fn,
                               gpointer data);
/* Also counts the subscriber in w->request_watchers. Subscribe before
 * the run starts: requests already in service are not followed. */
void world_on_request_finished(World *w, WorldRequestFunc fn,
                               gpointer data);

/* Emitting: task-lifecycle (the owner of Task.state) announces that @t
 * moved from @old to its current state; task_new() once with @old equal
 * to PROVISIONING, the state of a new task. */
void world_task_changed(World *w, Task *t, TaskState old);
/* @t's health as the service scheduler sees it changed (counts_healthy,
 * marked_unhealthy, target state, hung). */
void world_task_health_changed(World *w, Task *t);
/* TRUE while a task changed or task health changed emission is under
 * way: its subscribers have not all seen the change yet, so a count kept
 * by one of them may be behind the tasks' fields. */
gboolean world_announcing_task(const World *w);
/* Capacity appeared: waiting tasks may be placed. */
void world_capacity_changed(World *w);
/* Service @service (-1: every service) should be reconciled. */
void world_reconcile_wanted(World *w, int service);
/* Container instance @instance terminated now. */
void world_instance_ended(World *w, guint32 instance);
/* The metrics period [@start, @end) closed and its rows were published. */
void world_metric_published(World *w, SimTime start, SimTime end);
/* models/requests announce that a request ended. Callers test
 * world_requests_watched() first, so that an unwatched run builds no
 * WorldRequest. */
void world_request_finished(World *w, const WorldRequest *r);

static inline gboolean
world_requests_watched(const World *w)
{
  return G_UNLIKELY(w->request_watchers > 0);
}

/* world_request_finished() of one request, when watched. */
static inline void
world_request_end(World *w, guint32 service, gint64 task, SimTime arrival,
                  SimTime finish, RequestOutcome outcome)
{
  if (world_requests_watched(w)) {
    WorldRequest r = { service, task, arrival, finish, outcome };
    world_request_finished(w, &r);
  }
}
