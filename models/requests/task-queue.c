/* Slots, FIFO queues and request completion events. */
#include "models/requests/task-queue.h"

#include "models/requests/lb.h"
#include "models/config/scenario.h"

/* What every task's queue shares: its event kind. */
struct _TaskQueues {
  World *w;              /* the world it belongs to */
  SimKindId done_kind;   /* a request's service ends */
};

typedef struct {
  guint32 task;
  guint32 epoch;
  SimTime arrival;
} Completion;

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

static inline void
busy_changed(TaskQueue *s, SimTime now, int delta)
{
  reqstats_busy(s->stats, now, delta);
}

static inline void
start_request(World *w, TaskQueue *s, SimTime now, SimTime arrival)
{
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
    if (G_UNLIKELY(expired))
      reqstats_failed(s->stats, now, REQ_TIMEOUT, expired);
    return;
  }
  if (G_UNLIKELY(expired))
    reqstats_failed(s->stats, now, REQ_TIMEOUT, expired);
  s->busy--;
  busy_changed(s, now, -1);
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
  return s;
}

void
task_queue_free(TaskQueue *s)
{
  if (s == NULL)
    return;
  g_free(s->queue);
  g_free(s);
}

void
task_queue_accept(World *w, TaskQueue *s, SimTime arrival)
{
  if (s->busy < s->slots) {
    s->busy++;
    busy_changed(s, arrival, 1);
    reqstats_started(s->stats, arrival, arrival);
    start_request(w, s, arrival, arrival);
  } else if (s->qlen < (guint32) s->queue_limit) {
    sim_counter_add(&s->stats->waited, 1);
    queue_push(s, arrival);
  } else {
    reqstats_failed(s->stats, arrival, REQ_QUEUE_FULL, 1);
  }
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
  if (s->busy > 0)
    busy_changed(s, now, -s->busy);
  s->busy = 0;
  s->qlen = 0;
  s->qhead = 0;
  s->epoch++;
}

void
task_queue_on_task_health(World *w, Task *t, gpointer data)
{
  if (t->hung && t->queue != NULL)
    t->queue->hung = TRUE;
}
