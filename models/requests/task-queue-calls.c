/* The queues of tracked services: requests with records (calls.h), whose
 * service time is cut by their calls.
 *
 * A request in service has one pending step event; it ends the stretch
 * of work that leads to the calls of its spec `spec` (at_spec of its
 * service time), or to its end once past the last spec. A request's calls
 * keep its slot busy, unless the service's calls are async: then it
 * leaves the slot while it waits and queues again (behind new requests,
 * but without their queue limit or timeout) for the rest of its work.
 * Its "inside" list lets an abort fail every request the task holds. */
#include "models/requests/task-queue-private.h"

#include "models/core/hooks.h"

#include "models/requests/calls.h"
#include "models/requests/lb.h"

typedef struct {
  guint32 task;
  guint32 epoch;
  guint32 req;
} Step;

static void
inside_add(World *w, TaskQueue *s, guint32 r)
{
  if (s->ninside == s->inside_cap) {
    s->inside_cap = s->inside_cap ? s->inside_cap * 2 : 16;
    s->inside = g_renew(guint32, s->inside, s->inside_cap);
  }
  calls_req(w, r)->pos = s->ninside;
  s->inside[s->ninside++] = r;
}

static void
inside_remove(World *w, TaskQueue *s, guint32 r)
{
  guint32 pos = calls_req(w, r)->pos;
  guint32 last = s->inside[--s->ninside];
  s->inside[pos] = last;
  calls_req(w, last)->pos = pos;
}

/* Where the calls of spec @k come in @R's work (its end past the last). */
static SimTime
call_point(const TaskQueue *s, const CallReq *R, guint32 k)
{
  if (k >= s->n_specs)
    return R->work;
  return (SimTime) (s->specs[k].at * (double) R->work + 0.5);
}

/* @R works from the point of spec @from to the next point. */
static void
schedule_step(World *w, TaskQueue *s, guint32 r, SimTime now, guint32 from)
{
  CallReq *R = calls_req(w, r);
  SimTime start = from == 0 ? 0 : call_point(s, R, from - 1);
  SimTime end = call_point(s, R, from);
  R->stage = CREQ_WORKING;
  Step st = { s->task, s->epoch, r };
  sim_schedule_inline(w->engine, now + (end - start), w->queues->step_kind, &st,
                      sizeof st);
}

/* Request @r takes a slot at @now for the first time. */
static void
start_tracked(World *w, TaskQueue *s, guint32 r, SimTime now)
{
  CallReq *R = calls_req(w, r);
  reqstats_started(s->stats, now, R->arrival);
  double secs = dist_sample_seconds(s->service_time, s->rng);
  R->work = service_time_us(secs * s->speed);
  R->spec = 0;
  inside_add(w, s, r);
  schedule_step(w, s, r, now, 0);
}

/* A slot became free at @now: next_request() of task-queue.c for request
 * records. */
static void
next_tracked(World *w, TaskQueue *s, SimTime now)
{
  while (s->qlen > 0) {
    guint32 r = (guint32) queue_pop(s);
    CallReq *R = calls_req(w, r);
    if (R->stage == CREQ_RESUMING) {
      schedule_step(w, s, r, now, R->spec);
      return;
    }
    if (G_UNLIKELY(now - R->queued > s->timeout)) {
      reqstats_failed(s->stats, now, REQ_TIMEOUT, 1);
      world_request_end(w, s->service, s->task, R->arrival, now,
                        REQ_TIMEOUT);
      calls_req_failed(w, r, REQ_TIMEOUT, now);
      continue;
    }
    start_tracked(w, s, r, now);
    return;
  }
  s->busy--;
  busy_changed(w, s, now, -1, FALSE);
}

static void
on_step(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((TaskQueues *) model)->w;
  const Step *st = payload;
  Task *t = world_task(w, st->task);
  TaskQueue *s = t->queue;
  if (s == NULL || s->epoch != st->epoch || s->hung)
    return;
  SimTime now = sim_engine_now(engine);
  guint32 r = st->req;
  CallReq *R = calls_req(w, r);
  if (R->spec < s->n_specs) {
    if (s->async_calls) {
      s->awaiting++;
      next_tracked(w, s, now);
    }
    calls_begin(w, r, now);
    return;
  }
  inside_remove(w, s, r);
  reqstats_done(s->stats, now, now - R->arrival);
  world_request_end(w, s->service, s->task, R->arrival, now, REQ_OK);
  next_tracked(w, s, now);
  if (G_UNLIKELY(s->draining) && task_queue_outstanding(s) == 0)
    lb_queue_empty(w, t);
  calls_req_done(w, r, now);
}

void
task_queue_calls_init(World *w)
{
  static const SimEventKind step = { "request.step", on_step, NULL };
  w->queues->step_kind = sim_engine_register(w->engine, &step, w->queues);
}

void
task_queue_accept_req(World *w, TaskQueue *s, SimTime now, guint32 r)
{
  CallReq *R = calls_req(w, r);
  R->task = s->task;
  R->epoch = s->epoch;
  R->queued = now;
  if (s->busy < s->slots) {
    s->busy++;
    start_tracked(w, s, r, now);
    busy_changed(w, s, now, 1, FALSE);
  } else if (s->qlen < (guint32) s->queue_limit) {
    sim_counter_add(&s->stats->waited, 1);
    R->stage = CREQ_QUEUED;
    queue_push(s, r);
  } else {
    reqstats_failed(s->stats, now, REQ_QUEUE_FULL, 1);
    world_request_end(w, s->service, s->task, R->arrival, now,
                      REQ_QUEUE_FULL);
    calls_req_failed(w, r, REQ_QUEUE_FULL, now);
  }
  if (G_UNLIKELY(task_queue_outstanding(s) >= s->oom_at))
    task_queue_out_of_memory(w, s, now);
}

void
task_queue_accept_tracked(World *w, TaskQueue *s, SimTime arrival)
{
  guint32 r = calls_req_new(w, s->service, arrival, CALL_NONE, 0);
  task_queue_accept_req(w, s, arrival, r);
}

void
task_queue_resume(World *w, guint32 r, SimTime now)
{
  CallReq *R = calls_req(w, r);
  Task *t = world_task(w, R->task);
  TaskQueue *s = t->queue;
  if (s == NULL || s->epoch != R->epoch) {
    calls_req_drop(w, r); /* failed with its task already */
    return;
  }
  R->deps += now - R->calls_from;
  R->spec = R->failed ? s->n_specs : (guint32) R->spec + 1;
  if (!s->async_calls) {
    schedule_step(w, s, r, now, R->spec);
    return;
  }
  s->awaiting--;
  if (s->busy < s->slots) {
    s->busy++;
    schedule_step(w, s, r, now, R->spec);
    busy_changed(w, s, now, 1, FALSE);
  } else {
    R->stage = CREQ_RESUMING;
    queue_push(s, r);
  }
}

void
task_queue_abort_tracked(World *w, TaskQueue *s)
{
  SimTime now = world_now(w);
  /* Empty the queue first: answering a caller may send new requests
   * here (a task being OOM-killed still takes them). */
  g_autoptr(GArray) timed_out = g_array_new(FALSE, FALSE, sizeof(guint32));
  g_autoptr(GArray) reset = g_array_new(FALSE, FALSE, sizeof(guint32));
  for (guint32 i = 0; i < s->qlen; i++) {
    guint32 r = (guint32) s->queue[(s->qhead + i) & (s->qcap - 1)];
    const CallReq *R = calls_req(w, r);
    if (R->stage == CREQ_RESUMING)
      continue; /* inside too */
    g_array_append_val(now - R->queued > s->timeout ? timed_out : reset, r);
  }
  g_array_append_vals(reset, s->inside, s->ninside);
  int busy = s->busy;
  s->busy = 0;
  s->qlen = 0;
  s->qhead = 0;
  s->ninside = 0;
  s->awaiting = 0;
  s->epoch++;
  if (busy > 0)
    busy_changed(w, s, now, -busy, FALSE);
  if (timed_out->len > 0)
    reqstats_failed(s->stats, now, REQ_TIMEOUT, timed_out->len);
  if (reset->len > 0)
    reqstats_failed(s->stats, now, REQ_RESET, reset->len);
  for (guint i = 0; i < timed_out->len; i++) {
    guint32 r = g_array_index(timed_out, guint32, i);
    const CallReq *R = calls_req(w, r);
    world_request_end(w, s->service, s->task, R->arrival, now, REQ_TIMEOUT);
    calls_req_failed(w, r, REQ_TIMEOUT, now);
  }
  for (guint i = 0; i < reset->len; i++) {
    guint32 r = g_array_index(reset, guint32, i);
    world_request_end(w, s->service, s->task, calls_req(w, r)->arrival, now,
                      REQ_RESET);
    calls_req_failed(w, r, REQ_RESET, now);
  }
}
