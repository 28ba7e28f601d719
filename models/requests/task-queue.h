/* Request serving inside one task: `slots` requests in service at once,
 * the rest waiting in a bounded FIFO queue (models/config/workload.h).
 *
 * Hot path: accepting a request and completing one allocate nothing. A
 * busy slot has exactly one pending completion event; a request that waits
 * longer than the timeout fails with 504 when it reaches the head of the
 * queue, so timeouts need no events of their own.
 *
 * A share-only EC2 task (no task-level `cpu`, workload.h) serves at the
 * CPU its instance's share server gives it (capacity/cpu-share.h), which
 * changes whenever a neighbour's busy count does: its requests in service
 * are processor-shared, all at the same rate, so it keeps their finish
 * tags in virtual time (work done per busy slot) and has one pending
 * completion event, for the smallest tag, moved when its rate changes.
 *
 * Memory: a task whose memory in use (memory_base_mib plus
 * memory_per_request_mib per request inside it) passes its hard limit
 * (taskdef_hard_memory_mib()) is OOM-killed at once: its requests fail
 * with REQ_RESET and it stops with STOP_OUT_OF_MEMORY (stopCode
 * EssentialContainerExited; the container's reason "OutOfMemoryError:
 * Container killed due to memory usage", exit code 137), to be replaced
 * by its service. */
#pragma once

#include <glib.h>

#include <gsl/gsl_rng.h>

#include "models/input/dist.h"
#include "models/config/workload.h"
#include "models/core/reqstats.h"
#include "models/core/world-private.h"

typedef struct _TaskQueueShare TaskQueueShare;

struct _TaskQueue {
  guint32 task;
  guint32 service;
  int slots;
  int busy;
  double speed;          /* service-time factor for this task's size */
  guint32 epoch;         /* completions of older epochs are void */
  gboolean hung;         /* requests in service never complete */
  gboolean draining;     /* takes no new requests; tell lb when empty */
  SimTime *queue;        /* arrival times, ring buffer */
  guint32 qhead, qlen, qcap; /* qcap is 0 or a power of two */
  int queue_limit;
  SimTime timeout;
  /* Lent from the world, looked up once for the hot path: */
  const Dist *service_time;
  gsl_rng *rng;          /* the service's service-time stream */
  ReqStats *stats;       /* the service's request statistics */
  int instance;          /* EC2: its container instance; -1 on Fargate */
  double hard_slot_vcpu; /* EC2 with a task-level cpu: vCPU one busy slot
                            takes from the instance; else 0 */
  TaskQueueShare *share; /* share-only EC2 task: its processor-sharing
                            state; NULL otherwise */
  guint32 oom_at;        /* requests inside (in service or waiting) at
                            which its memory passes its hard limit:
                            task_queue_memory_limit(); G_MAXUINT32: never */
  gboolean oom;          /* OOM-killed: the kill event is pending */
  gboolean special;      /* share-only, may be OOM-killed, or tracked:
                            accepting a request takes the slower path */
  /* Tracked services only (calls.h): */
  gboolean tracked;      /* its requests have records; the ring holds
                            their ids */
  gboolean async_calls;  /* waiting for calls frees the slot */
  guint32 awaiting;      /* async: requests waiting for calls, slotless */
  guint32 *inside;       /* requests in service or waiting for calls */
  guint32 ninside, inside_cap;
  guint32 n_specs;       /* its workload's calls */
  const WorkloadCall *specs;
  /* The aggregate fidelity only (aggregate.h): requests as flows. */
  double fluid_busy;     /* mean requests in service over the last step */
  double fluid_backlog;  /* requests waiting */
  struct _FluidHistory *fluid_history; /* their FIFO waits (fluid-queue.h),
                                          or NULL */
  guint32 fluid_gen;     /* the pool that last held it */
  double fluid_cpu;      /* share-only on a saturated instance: the vCPU
                            its shares win this step; else 0 */
  /* Only while requests are watched (hooks.h, "request finished"): */
  SimTime *serving;      /* arrival times of the requests in service, in
                            no order: an abort says when each arrived */
  guint32 nserving, serving_cap;
};

/* Registers the completion event kind. */
void task_queue_init(World *w);
/* Frees what task_queue_init() made (each queue has its own _free()). */
void task_queue_fini(World *w);

/* The request queue of task @t, with its service's workload. */
TaskQueue *task_queue_new(World *w, const Task *t);
/* Frees @s; requests still inside must have been aborted (a share-only
 * task then leaves its instance's share server). */
void task_queue_free(TaskQueue *s);

/* Offers a request that arrived now. */
void task_queue_accept(World *w, TaskQueue *s, SimTime arrival);

/* Offers request @r (calls.h) of a tracked service, arrived now. */
void task_queue_accept_req(World *w, TaskQueue *s, SimTime now, guint32 r);

/* Request @r's calls are all resolved at @now: it goes on with its work
 * (async: when it gets a slot again). */
void task_queue_resume(World *w, guint32 r, SimTime now);

/* Fails every request inside @s (the task stopped): REQ_TIMEOUT for those
 * that waited longer than the timeout, REQ_RESET for the rest. */
void task_queue_abort(World *w, TaskQueue *s);

/* Requests waiting in @s for a slot: its queue, or in the aggregate
 * fidelity its fluid backlog (expected requests, fractional). */
double task_queue_waiting(const World *w, const TaskQueue *s);

/* Hook: @t's health changed; a hung task's queue stops completing the
 * requests it holds. */
void task_queue_on_task_health(World *w, Task *t, gpointer data);

/* Requests in service, waiting, or (async) waiting for their calls. */
static inline guint32
task_queue_outstanding(const TaskQueue *s)
{
  return (guint32) s->busy + s->qlen + s->awaiting;
}
