/* Inside the request queues, shared by task-queue.c (slots, FIFO queues,
 * completions) and task-queue-share.c (processor sharing in share-only
 * EC2 tasks). */
#pragma once

#include "models/requests/task-queue.h"

#include "models/config/workload.h"

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
/* Drops every request in service (the queue was aborted). */
void task_queue_share_clear(TaskQueue *s);
/* Gives the smallest tag of @s the one pending completion event (none
 * while it has no CPU), cancelling the previous one. */
void task_queue_share_reschedule(World *w, TaskQueue *s, SimTime now);
/* The rate callback for cpu_share_set_rate_func(). */
void task_queue_share_on_rate(World *w, guint32 task, double alloc_vcpu,
                              double vcpu_per_slot, gpointer data);
