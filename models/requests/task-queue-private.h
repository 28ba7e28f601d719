/* Inside the request queues, shared by task-queue.c (slots, FIFO queues,
 * completions) and task-queue-share.c (processor sharing in share-only
 * EC2 tasks). */
#pragma once

#include "models/requests/task-queue.h"

#include "models/config/workload.h"
#include "models/capacity/cpu-share.h"

/* What every task's queue shares: its event kinds. */
struct _TaskQueues {
  World *w;              /* the world it belongs to */
  SimKindId done_kind;   /* a request's service ends */
  SimKindId share_done_kind; /* the same in a share-only task: registered
                                with the first one, so runs without any
                                list no such kind */
  gboolean has_share_kind;
  SimKindId oom_kind;    /* a task is OOM-killed: registered with the
                            first kill */
  gboolean has_oom_kind;
  SimKindId step_kind;   /* a tracked request's stretch of work ends
                            (task-queue-calls.c); only with calls */
};

/* The payload of a share-only task's completion event. */
typedef struct {
  guint32 task;
  guint32 epoch;
  guint32 gen;           /* void unless the task's current generation */
} ShareCompletion;

/* A service time in seconds as SimTime: sim_time_from_seconds() without
 * its call to round(). For 0.5 <= us < 2^52, rounding us + 0.5 to a
 * double never carries it across an integer, so truncating the sum is
 * round(us); other values (and NaN) take the general path. */
static inline SimTime
service_time_us(double seconds)
{
  double us = seconds * (double) SIM_SEC;
  if (G_UNLIKELY(!(us >= 0.5 && us < 4.5e15)))
    return sim_time_from_seconds(seconds);
  return (SimTime) (us + 0.5);
}

/* task-queue-share.c. Makes @s (of task @t, @vcpu vCPU reserved, with
 * workload @wl) a share-only queue: joins its instance's share server
 * with the containers' cpu.shares. The completion kind must be
 * registered. */
void task_queue_share_join(World *w, TaskQueue *s, const Task *t,
                           const Workload *wl, double vcpu);
/* Leaves the share server and frees the sharing state of @s. */
void task_queue_share_free(TaskQueue *s);
/* A request that arrived at @arrival enters service now (the caller
 * reschedules). */
void task_queue_share_start(TaskQueue *s, SimTime now, SimTime arrival);
/* The request with the smallest finish tag is done now: removes it and
 * returns its arrival time. */
SimTime task_queue_share_pop(TaskQueue *s, SimTime now);
/* The generation of @s's pending completion (ShareCompletion.gen). */
guint32 task_queue_share_gen(const TaskQueue *s);
/* Reserved vCPU per slot of share-only @s: its CPU metric's 100%. */
double task_queue_share_slot_vcpu(const TaskQueue *s);
/* Drops every request in service (the queue was aborted). */
void task_queue_share_clear(TaskQueue *s);
/* Gives the smallest tag of @s the one pending completion event (none
 * while it has no CPU), cancelling the previous one. */
void task_queue_share_reschedule(World *w, TaskQueue *s, SimTime now);
/* The rate callback for cpu_share_set_rate_func(). */
void task_queue_share_on_rate(World *w, guint32 task, double alloc_vcpu,
                              double vcpu_per_slot, gpointer data);

/* Doubles the ring buffer of @s (at least 64). */
void task_queue_grow(TaskQueue *s);
/* @s's memory passed its limit: the kill runs as its own event, not
 * inside the load balancer's routing. */
void task_queue_out_of_memory(World *w, TaskQueue *s, SimTime now);

/* The functions below that take `shared` are always inlined with a
 * constant: TRUE for a share-only task (s->share != NULL), FALSE for the
 * others, so that the Fargate path carries no test of it. */

/* @s->busy changed by @delta at @now (already applied). */
G_ALWAYS_INLINE
static inline void
busy_changed(World *w, TaskQueue *s, SimTime now, int delta,
             gboolean shared)
{
  if (shared) {
    /* The share server calls task_queue_share_on_rate() back. */
    cpu_share_set_busy(w, s->instance, s->task, s->busy);
    return;
  }
  reqstats_busy(s->stats, now, delta);
  if (G_UNLIKELY(s->instance >= 0))
    cpu_share_add_hard(w, s->instance, delta * s->hard_slot_vcpu);
}

static inline void
queue_push(TaskQueue *s, SimTime arrival)
{
  if (G_UNLIKELY(s->qlen == s->qcap))
    task_queue_grow(s);
  s->queue[(s->qhead + s->qlen) & (s->qcap - 1)] = arrival;
  s->qlen++;
}

static inline SimTime
queue_pop(TaskQueue *s)
{
  SimTime arrival = s->queue[s->qhead];
  s->qhead = (s->qhead + 1) & (s->qcap - 1);
  s->qlen--;
  return arrival;
}


/* task-queue-calls.c: the queues of tracked services (calls.h). In their
 * ring buffer the entries are request ids, not arrival times. */
/* Registers the step event kind. */
void task_queue_calls_init(World *w);
/* A request of tracked @s's service arrived now from outside. */
void task_queue_accept_tracked(World *w, TaskQueue *s, SimTime arrival);
/* task_queue_abort() of a tracked queue. */
void task_queue_abort_tracked(World *w, TaskQueue *s);
