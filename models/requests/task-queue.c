/* Slots, FIFO queues and request completion events. */
#include "models/requests/task-queue.h"

#include <math.h>

#include "models/requests/lb.h"
#include "models/capacity/cpu-share.h"
#include "models/config/scenario.h"
#include "models/core/eventlog.h"
#include "models/core/task-lifecycle.h"

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

typedef struct {
  guint32 task;
  guint32 epoch;
  SimTime arrival;
} Completion;

/* A request in service in a share-only task: done when the task's virtual
 * time reaches `finish`. */
typedef struct {
  double finish;         /* vCPU-seconds of work per slot */
  guint64 seq;           /* ties: the earlier start first */
  SimTime arrival;
} Tag;

struct _TaskQueueShare {
  World *w;              /* lent: to leave the share server */
  double work_per_s;     /* vCPU-seconds of work per service-time second */
  double slot_vcpu;      /* reserved vCPU per slot: the CPU metric's 100% */
  double rate;           /* vCPU each busy slot gets now */
  double vtime;          /* work each busy slot has done, at vtime_at */
  SimTime vtime_at;
  GArray *tags;          /* Tag, a binary min-heap */
  guint64 seq;
  guint32 gen;           /* completions of older gens are void */
  SimEventId next;       /* the pending completion, cancelled when moved */
  double cpu_busy;       /* what this task adds to the service's busy
                            slot average: CPU used / slot_vcpu */
};

typedef struct {
  guint32 task;
  guint32 epoch;
  guint32 gen;
} ShareCompletion;

static gboolean
tag_less(const Tag *a, const Tag *b)
{
  return a->finish < b->finish || (a->finish == b->finish && a->seq < b->seq);
}

static void
heap_push(GArray *h, Tag t)
{
  g_array_append_val(h, t);
  Tag *v = (Tag *) h->data;
  for (guint i = h->len - 1; i > 0;) {
    guint up = (i - 1) / 2;
    if (!tag_less(&v[i], &v[up]))
      break;
    Tag x = v[i];
    v[i] = v[up];
    v[up] = x;
    i = up;
  }
}

static Tag
heap_pop(GArray *h)
{
  Tag *v = (Tag *) h->data;
  Tag top = v[0];
  v[0] = v[h->len - 1];
  g_array_set_size(h, h->len - 1);
  v = (Tag *) h->data;
  for (guint i = 0;;) {
    guint l = 2 * i + 1, r = l + 1, m = i;
    if (l < h->len && tag_less(&v[l], &v[m]))
      m = l;
    if (r < h->len && tag_less(&v[r], &v[m]))
      m = r;
    if (m == i)
      break;
    Tag x = v[i];
    v[i] = v[m];
    v[m] = x;
    i = m;
  }
  return top;
}

static void
share_advance(TaskQueueShare *p, SimTime now)
{
  if (now > p->vtime_at)
    p->vtime += p->rate * sim_time_to_seconds(now - p->vtime_at);
  p->vtime_at = now;
}

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

/* The smallest tag of share-only @s gets the one pending completion
 * (none while it has no CPU). */
static void
share_reschedule(World *w, TaskQueue *s, SimTime now)
{
  TaskQueueShare *p = s->share;
  p->gen++;
  sim_cancel(w->engine, p->next);
  p->next = SIM_EVENT_ID_NONE;
  if (p->tags->len == 0 || p->rate <= 0.0)
    return;
  double left = g_array_index(p->tags, Tag, 0).finish - p->vtime;
  SimTime done = now + service_time_us(MAX(left, 0.0) / p->rate);
  ShareCompletion c = { s->task, s->epoch, p->gen };
  p->next = sim_schedule_inline(w->engine, done, w->queues->share_done_kind,
                                &c, sizeof c);
}

/* The rate callback of the share server: @task's CPU changed now. */
static void
on_share_rate(World *w, guint32 task, double alloc_vcpu,
              double vcpu_per_slot, gpointer data)
{
  TaskQueue *s = world_task(w, task)->queue;
  TaskQueueShare *p = s->share;
  SimTime now = world_now(w);
  share_advance(p, now);
  p->rate = vcpu_per_slot;
  double busy = alloc_vcpu / p->slot_vcpu;
  sim_time_avg_add(&s->stats->busy, now, busy - p->cpu_busy);
  p->cpu_busy = busy;
  share_reschedule(w, s, now);
}

/* @s->busy changed by @delta at @now (already applied). */
static inline void
busy_changed(World *w, TaskQueue *s, SimTime now, int delta)
{
  if (G_UNLIKELY(s->share != NULL)) {
    /* The share server calls on_share_rate() back for this task. */
    cpu_share_set_busy(w, s->instance, s->task, s->busy);
    return;
  }
  reqstats_busy(s->stats, now, delta);
  if (s->instance >= 0)
    cpu_share_add_hard(w, s->instance, delta * s->hard_slot_vcpu);
}

static void
share_start(TaskQueue *s, SimTime now, SimTime arrival)
{
  TaskQueueShare *p = s->share;
  double secs = dist_sample_seconds(s->service_time, s->rng);
  share_advance(p, now);
  Tag t = { p->vtime + secs * p->work_per_s, p->seq++, arrival };
  heap_push(p->tags, t);
}

/* Starts serving a request; a share-only task's caller then reschedules
 * it, through busy_changed() or share_reschedule(). */
static inline void
start_request(World *w, TaskQueue *s, SimTime now, SimTime arrival)
{
  if (G_UNLIKELY(s->share != NULL)) {
    share_start(s, now, arrival);
    return;
  }
  double secs = dist_sample_seconds(s->service_time, s->rng);
  SimTime done = now + service_time_us(secs * s->speed);
  Completion c = { s->task, s->epoch, arrival };
  sim_schedule_inline(w->engine, done, w->queues->done_kind, &c,
                      sizeof c);
}

static void
queue_grow(TaskQueue *s)
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

static inline void
queue_push(TaskQueue *s, SimTime arrival)
{
  if (G_UNLIKELY(s->qlen == s->qcap))
    queue_grow(s);
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

/* A slot became free at @now: give it to the oldest waiting request that
 * has not timed out, or leave it idle. */
static inline void
next_request(World *w, TaskQueue *s, SimTime now)
{
  guint64 expired = 0;
  while (s->qlen > 0) {
    SimTime arrival = queue_pop(s);
    if (G_UNLIKELY(now - arrival > s->timeout)) {
      expired++;
      continue;
    }
    reqstats_started(s->stats, now, arrival);
    start_request(w, s, now, arrival);
    if (G_UNLIKELY(s->share != NULL))
      share_reschedule(w, s, now);
    if (G_UNLIKELY(expired))
      reqstats_failed(s->stats, now, REQ_TIMEOUT, expired);
    return;
  }
  if (G_UNLIKELY(expired))
    reqstats_failed(s->stats, now, REQ_TIMEOUT, expired);
  s->busy--;
  busy_changed(w, s, now, -1);
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
  next_request(w, s, now);
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
  if (s == NULL || s->epoch != c->epoch || s->share->gen != c->gen ||
      s->hung)
    return; /* aborted, moved by a rate change, or hung */
  TaskQueueShare *p = s->share;
  p->next = SIM_EVENT_ID_NONE;
  SimTime now = sim_engine_now(engine);
  share_advance(p, now);
  Tag done = heap_pop(p->tags);
  /* The event time is rounded to a microsecond: the tag is what is
   * done. */
  p->vtime = MAX(p->vtime, done.finish);
  reqstats_done(s->stats, now, now - done.arrival);
  next_request(w, s, now);
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
    cpu_share_set_rate_func(w, on_share_rate, NULL);
  }
  TaskQueueShare *p = g_new0(TaskQueueShare, 1);
  p->w = w;
  p->work_per_s = workload_work_per_second(wl);
  p->slot_vcpu = vcpu / s->slots;
  p->vtime_at = world_now(w);
  p->tags = g_array_new(FALSE, FALSE, sizeof(Tag));
  s->share = p;
  /* cgroup cpu.shares: each container's `cpu`, at least the kernel's
   * minimum of 2 (ECS: a container without `cpu` gets 2 shares). */
  int shares = 0;
  for (guint i = 0; i < t->def->containers->len; i++) {
    const EcsContainerDef *c = t->def->containers->pdata[i];
    shares += MAX(c->cpu, 2);
  }
  cpu_share_join(w, s->instance, t->id, shares, wl->slot_max_vcpu);
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

/* @s's memory passed its limit: the kill runs as its own event, not
 * inside the load balancer's routing. */
static void
out_of_memory(World *w, TaskQueue *s, SimTime now)
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
  return s;
}

void
task_queue_free(TaskQueue *s)
{
  if (s == NULL)
    return;
  if (s->share != NULL) {
    cpu_share_leave(s->share->w, s->instance, s->task);
    g_array_unref(s->share->tags);
    g_free(s->share);
  }
  g_free(s->queue);
  g_free(s);
}

void
task_queue_accept(World *w, TaskQueue *s, SimTime arrival)
{
  if (s->busy < s->slots) {
    s->busy++;
    reqstats_started(s->stats, arrival, arrival);
    start_request(w, s, arrival, arrival);
    busy_changed(w, s, arrival, 1);
  } else if (s->qlen < (guint32) s->queue_limit) {
    sim_counter_add(&s->stats->waited, 1);
    queue_push(s, arrival);
  } else {
    reqstats_failed(s->stats, arrival, REQ_QUEUE_FULL, 1);
  }
  if (G_UNLIKELY(task_queue_outstanding(s) >= s->oom_at))
    out_of_memory(w, s, arrival);
}

void
task_queue_abort(World *w, TaskQueue *s)
{
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
  int busy = s->busy;
  s->busy = 0;
  s->qlen = 0;
  s->qhead = 0;
  s->epoch++;
  if (s->share != NULL)
    g_array_set_size(s->share->tags, 0);
  if (busy > 0)
    busy_changed(w, s, now, -busy);
}

void
task_queue_on_task_health(World *w, Task *t, gpointer data)
{
  if (t->hung && t->queue != NULL)
    t->queue->hung = TRUE;
}
