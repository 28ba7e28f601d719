/* Slots, FIFO queues and request completion events. */
#include "models/requests/task-queue-private.h"

#include <math.h>

#include "models/requests/aggregate.h"
#include "models/requests/lb.h"
#include "models/requests/calls.h"
#include "models/capacity/cpu-share.h"
#include "models/config/scenario.h"
#include "models/core/eventlog.h"
#include "models/core/hooks.h"
#include "models/core/task-lifecycle.h"

typedef struct {
  guint32 task;
  guint32 epoch;
  SimTime arrival;
} Completion;

/* Watched requests only: @arrival entered service in @s. */
static G_GNUC_NO_INLINE void
serving_add(TaskQueue *s, SimTime arrival)
{
  if (s->nserving == s->serving_cap) {
    s->serving_cap = s->serving_cap ? 2 * s->serving_cap : 16;
    s->serving = g_renew(SimTime, s->serving, s->serving_cap);
  }
  s->serving[s->nserving++] = arrival;
}

/* Watched requests only: the request of @s that arrived at @arrival
 * completed at @now. */
static G_GNUC_NO_INLINE void
serving_done(World *w, TaskQueue *s, SimTime arrival, SimTime now)
{
  for (guint32 i = 0; i < s->nserving; i++) {
    if (s->serving[i] == arrival) {
      s->serving[i] = s->serving[--s->nserving];
      break;
    }
  }
  world_request_end(w, s->service, s->task, arrival, now, REQ_OK);
}

/* Watched requests only: @s lost what it held at @now: those waiting
 * longer than the timeout get their 504, the others and those in service
 * a 502. */
static G_GNUC_NO_INLINE void
serving_abort(World *w, TaskQueue *s, SimTime now)
{
  for (guint32 i = 0; i < s->qlen; i++) {
    SimTime a = s->queue[(s->qhead + i) & (s->qcap - 1)];
    gboolean late = now - a > s->timeout;
    world_request_end(w, s->service, s->task, a, now,
                      late ? REQ_TIMEOUT : REQ_RESET);
  }
  for (guint32 i = 0; i < s->nserving; i++)
    world_request_end(w, s->service, s->task, s->serving[i], now,
                      REQ_RESET);
  s->nserving = 0;
}

/* Starts serving a request; a share-only task's caller then reschedules
 * it, through busy_changed() or task_queue_share_reschedule(). */
G_ALWAYS_INLINE
static inline void
start_request(World *w, TaskQueue *s, SimTime now, SimTime arrival,
              gboolean shared)
{
  if (world_requests_watched(w))
    serving_add(s, arrival);
  if (shared) {
    task_queue_share_start(s, now, arrival);
    return;
  }
  double secs = dist_sample_seconds(s->service_time, s->rng);
  SimTime done = now + service_time_us(secs * s->speed);
  Completion c = { s->task, s->epoch, arrival };
  sim_schedule_inline(w->engine, done, w->queues->done_kind, &c,
                      sizeof c);
}

void
task_queue_grow(TaskQueue *s)
{
  guint32 cap = s->qcap ? s->qcap * 2 : 64;
  SimTime *q = g_new(SimTime, cap);
  for (guint32 i = 0; i < s->qlen; i++)
    q[i] = s->queue[(s->qhead + i) & (s->qcap - 1)];
  g_free(s->queue);
  s->queue = q;
  s->qhead = 0;
  s->qcap = cap;
}

/* A slot became free at @now: give it to the oldest waiting request that
 * has not timed out, or leave it idle. */
G_ALWAYS_INLINE
static inline void
next_request(World *w, TaskQueue *s, SimTime now, gboolean shared)
{
  guint64 expired = 0;
  while (s->qlen > 0) {
    SimTime arrival = queue_pop(s);
    if (G_UNLIKELY(now - arrival > s->timeout)) {
      expired++;
      world_request_end(w, s->service, s->task, arrival, now, REQ_TIMEOUT);
      continue;
    }
    reqstats_started(s->stats, now, arrival);
    start_request(w, s, now, arrival, shared);
    if (shared)
      task_queue_share_reschedule(w, s, now);
    if (G_UNLIKELY(expired))
      reqstats_failed(s->stats, now, REQ_TIMEOUT, expired);
    return;
  }
  if (G_UNLIKELY(expired))
    reqstats_failed(s->stats, now, REQ_TIMEOUT, expired);
  s->busy--;
  busy_changed(w, s, now, -1, shared);
}

static void
on_done(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((TaskQueues *) model)->w;
  const Completion *c = payload;
  Task *t = world_task(w, c->task);
  TaskQueue *s = t->queue;
  if (s == NULL || s->epoch != c->epoch || s->hung)
    return; /* aborted, or stuck in a hung task until it stops */
  SimTime now = sim_engine_now(engine);
  reqstats_done(s->stats, now, now - c->arrival);
  if (world_requests_watched(w))
    serving_done(w, s, c->arrival, now);
  next_request(w, s, now, FALSE);
  if (G_UNLIKELY(s->draining) && task_queue_outstanding(s) == 0)
    lb_queue_empty(w, t);
}

static void
on_share_done(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((TaskQueues *) model)->w;
  const ShareCompletion *c = payload;
  Task *t = world_task(w, c->task);
  TaskQueue *s = t->queue;
  if (s == NULL || s->epoch != c->epoch ||
      task_queue_share_gen(s) != c->gen || s->hung)
    return; /* aborted, moved by a rate change, or hung */
  SimTime now = sim_engine_now(engine);
  SimTime arrival = task_queue_share_pop(s, now);
  reqstats_done(s->stats, now, now - arrival);
  if (world_requests_watched(w))
    serving_done(w, s, arrival, now);
  next_request(w, s, now, TRUE);
  if (G_UNLIKELY(s->draining) && task_queue_outstanding(s) == 0)
    lb_queue_empty(w, t);
}

/* Makes @s the queue of share-only task @t on its instance. */
static void
share_join(World *w, TaskQueue *s, const Task *t, const Workload *wl,
           double vcpu)
{
  TaskQueues *q = w->queues;
  if (!q->has_share_kind) {
    static const SimEventKind done = { "request.done.shared", on_share_done,
                                       NULL };
    q->share_done_kind = sim_engine_register(w->engine, &done, q);
    q->has_share_kind = TRUE;
    cpu_share_set_rate_func(w, task_queue_share_on_rate, NULL);
  }
  task_queue_share_join(w, s, t, wl, vcpu);
}

static void
on_oom(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((TaskQueues *) model)->w;
  Task *t = world_task(w, *(const guint32 *) payload);
  if (t->queue == NULL || !task_is_live(t))
    return;
  char id[33];
  const EcsContainerDef *c = t->def->containers->pdata[0];
  eventlog_add(w, (int) t->service, "task-out-of-memory", NULL, t,
               "(task %s) stopped: Essential container in task exited. "
               "(container %s) OutOfMemoryError: Container killed due to "
               "memory usage; exit code 137.",
               task_format_id(t->id, id), c->name);
  task_queue_abort(w, t->queue);
  task_stop(w, t, STOP_OUT_OF_MEMORY);
}

void
task_queue_out_of_memory(World *w, TaskQueue *s, SimTime now)
{
  TaskQueues *q = w->queues;
  if (s->oom)
    return;
  s->oom = TRUE;
  if (!q->has_oom_kind) {
    static const SimEventKind oom = { "task.oom", on_oom, NULL };
    q->oom_kind = sim_engine_register(w->engine, &oom, q);
    q->has_oom_kind = TRUE;
  }
  sim_schedule_inline(w->engine, now, q->oom_kind, &s->task,
                      sizeof s->task);
}

/* Requests inside a task of @def at which it is OOM-killed. */
static guint32
oom_threshold(const Workload *wl, const EcsTaskDef *def)
{
  int limit = taskdef_hard_memory_mib(def);
  if (limit <= 0 || wl->memory_per_request_mib <= 0)
    return G_MAXUINT32;
  double base = wl->memory_base_mib >= 0 ? wl->memory_base_mib
                                         : def->memory / 2.0;
  if (wl->discovery.service_connect)
    base += wl->discovery.proxy_memory_mib;
  double room = (limit - base) / wl->memory_per_request_mib;
  if (room < 0)
    return 1; /* killed by its first request */
  return room >= G_MAXUINT32 - 1 ? G_MAXUINT32 : (guint32) floor(room) + 1;
}

void
task_queue_init(World *w)
{
  static const SimEventKind done = { "request.done", on_done, NULL };
  TaskQueues *q = g_new0(TaskQueues, 1);
  w->queues = q;
  q->w = w;
  q->done_kind = sim_engine_register(w->engine, &done, q);
  if (w->calls != NULL)
    task_queue_calls_init(w);
}

void
task_queue_fini(World *w)
{
  g_clear_pointer(&w->queues, g_free);
}

TaskQueue *
task_queue_new(World *w, const Task *t)
{
  const Workload *wl =
    &((ServiceConfig *) w->cfg->services->pdata[t->service])->workload;
  double vcpu = workload_task_vcpu(wl, t->def->cpu);
  if (wl->discovery.service_connect) /* its proxy's share (workload.h) */
    vcpu -= wl->discovery.proxy_cpu_units / 1024.0;
  TaskQueue *s = g_new0(TaskQueue, 1);
  s->task = t->id;
  s->service = t->service;
  s->slots = workload_slots(wl, vcpu);
  s->speed = workload_speed_factor(wl, vcpu);
  s->queue_limit = wl->queue_limit;
  s->timeout = wl->timeout;
  s->service_time = &wl->service_time;
  s->rng = w->service_time_rngs[t->service];
  s->stats = &w->reqstats[t->service];
  s->oom_at = oom_threshold(wl, t->def);
  s->instance = t->fargate ? -1 : t->instance;
  if (s->instance >= 0 && t->def->task_cpu > 0)
    s->hard_slot_vcpu = vcpu / s->slots; /* a quota: as on Fargate */
  else if (s->instance >= 0)
    share_join(w, s, t, wl, vcpu);
  if (calls_tracked(w, t->service)) {
    s->tracked = TRUE;
    s->async_calls = wl->async_calls;
    s->n_specs = wl->calls ? wl->calls->len : 0;
    s->specs = wl->calls ? (const WorkloadCall *) wl->calls->data : NULL;
  }
  s->special = s->share != NULL || s->oom_at != G_MAXUINT32 || s->tracked;
  return s;
}

void
task_queue_free(TaskQueue *s)
{
  if (s == NULL)
    return;
  if (s->share != NULL)
    task_queue_share_free(s);
  g_free(s->queue);
  g_free(s->inside);
  g_free(s->serving);
  g_free(s->fluid_history);
  g_free(s);
}

G_ALWAYS_INLINE
static inline void
accept(World *w, TaskQueue *s, SimTime arrival, gboolean shared,
       gboolean memory)
{
  if (s->busy < s->slots) {
    s->busy++;
    reqstats_started(s->stats, arrival, arrival);
    start_request(w, s, arrival, arrival, shared);
    busy_changed(w, s, arrival, 1, shared);
  } else if (s->qlen < (guint32) s->queue_limit) {
    sim_counter_add(&s->stats->waited, 1);
    queue_push(s, arrival);
  } else {
    reqstats_failed(s->stats, arrival, REQ_QUEUE_FULL, 1);
    world_request_end(w, s->service, s->task, arrival, arrival,
                      REQ_QUEUE_FULL);
  }
  if (memory && G_UNLIKELY(task_queue_outstanding(s) >= s->oom_at))
    task_queue_out_of_memory(w, s, arrival);
}

/* A share-only task, or one whose memory grows with its requests. */
static G_GNUC_NO_INLINE void
accept_special(World *w, TaskQueue *s, SimTime arrival)
{
  if (s->tracked)
    task_queue_accept_tracked(w, s, arrival);
  else if (s->share != NULL)
    accept(w, s, arrival, TRUE, TRUE);
  else
    accept(w, s, arrival, FALSE, TRUE);
}

void
task_queue_accept(World *w, TaskQueue *s, SimTime arrival)
{
  if (G_UNLIKELY(s->special))
    accept_special(w, s, arrival);
  else
    accept(w, s, arrival, FALSE, FALSE);
}

double
task_queue_waiting(const World *w, const TaskQueue *s)
{
  return world_is_aggregate(w) ? s->fluid_backlog : (double) s->qlen;
}

void
task_queue_abort(World *w, TaskQueue *s)
{
  if (s->tracked) {
    task_queue_abort_tracked(w, s);
    return;
  }
  if (world_is_aggregate(w)) {
    aggregate_abort(w, s);
    return;
  }
  SimTime now = world_now(w);
  /* Waiting requests that have outlived the timeout got their 504 from
   * the load balancer already (a hung task never brings them to the head
   * of the queue, where they would have failed so). */
  guint64 expired = 0;
  for (guint32 i = 0; i < s->qlen; i++)
    expired += now - s->queue[(s->qhead + i) & (s->qcap - 1)] > s->timeout;
  if (expired > 0)
    reqstats_failed(s->stats, now, REQ_TIMEOUT, expired);
  guint64 lost = task_queue_outstanding(s) - expired;
  if (lost > 0)
    reqstats_failed(s->stats, now, REQ_RESET, lost);
  if (world_requests_watched(w))
    serving_abort(w, s, now);
  int busy = s->busy;
  s->busy = 0;
  s->qlen = 0;
  s->qhead = 0;
  s->epoch++;
  if (s->share != NULL)
    task_queue_share_clear(s);
  if (busy > 0)
    busy_changed(w, s, now, -busy, s->share != NULL);
}

void
task_queue_on_task_health(World *w, Task *t, gpointer data)
{
  if (t->hung && t->queue != NULL)
    t->queue->hung = TRUE;
}
