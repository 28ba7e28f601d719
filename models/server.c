/* Slots, FIFO queues and request completion events. */
#include "models/server.h"

#include <string.h>

#include "models/dist.h"
#include "models/lb.h"
#include "models/scenario.h"

typedef struct {
  guint32 task;
  guint32 epoch;
  SimTime arrival;
} Completion;

static const Workload *
workload_of(World *w, guint32 service)
{
  return &((ServiceConfig *) w->cfg->services->pdata[service])->workload;
}

static gsl_rng *
service_time_rng(World *w, guint32 service)
{
  return w->service_time_rngs[service];
}

static inline ReqStats *
stats_of(World *w, const Server *s)
{
  return &w->reqstats[s->service];
}

static void
busy_changed(World *w, Server *s, int delta)
{
  SimTime now = world_now(w);
  sim_time_avg_add(&s->busy_avg, now, (double) delta);
  reqstats_busy(stats_of(w, s), now, delta);
}

static void
start_request(World *w, Server *s, SimTime arrival)
{
  const Workload *wl = workload_of(w, s->service);
  double secs = dist_sample_seconds(&wl->service_time,
                                    service_time_rng(w, s->service));
  SimTime done = world_now(w) + sim_time_from_seconds(secs * s->speed);
  Completion c = { s->task, s->epoch, arrival };
  sim_schedule_inline(w->engine, done, w->kinds.request_done, &c,
                      sizeof c);
}

static void
queue_push(Server *s, SimTime arrival)
{
  if (s->qlen == s->qcap) {
    guint32 cap = s->qcap ? s->qcap * 2 : 64;
    SimTime *q = g_new(SimTime, cap);
    for (guint32 i = 0; i < s->qlen; i++)
      q[i] = s->queue[(s->qhead + i) % s->qcap];
    g_free(s->queue);
    s->queue = q;
    s->qhead = 0;
    s->qcap = cap;
  }
  s->queue[(s->qhead + s->qlen) % s->qcap] = arrival;
  s->qlen++;
}

static SimTime
queue_pop(Server *s)
{
  SimTime arrival = s->queue[s->qhead];
  s->qhead = (s->qhead + 1) % s->qcap;
  s->qlen--;
  return arrival;
}

/* A slot became free: give it to the oldest waiting request that has not
 * timed out, or leave it idle. */
static void
next_request(World *w, Server *s)
{
  SimTime now = world_now(w);
  guint64 expired = 0;
  while (s->qlen > 0) {
    SimTime arrival = queue_pop(s);
    if (now - arrival > s->timeout) {
      expired++;
      continue;
    }
    reqstats_started(stats_of(w, s), now, arrival);
    start_request(w, s, arrival);
    if (expired)
      reqstats_failed(stats_of(w, s), now, REQ_TIMEOUT, expired);
    return;
  }
  if (expired)
    reqstats_failed(stats_of(w, s), now, REQ_TIMEOUT, expired);
  s->busy--;
  busy_changed(w, s, -1);
}

static void
on_done(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = model;
  const Completion *c = payload;
  Task *t = world_task(w, c->task);
  Server *s = t->server;
  if (s == NULL || s->epoch != c->epoch || s->hung)
    return; /* aborted, or stuck in a hung task until it stops */
  reqstats_done(stats_of(w, s), world_now(w), world_now(w) - c->arrival);
  next_request(w, s);
  if (G_UNLIKELY(s->draining) && server_outstanding(s) == 0)
    lb_server_empty(w, t);
}

void
server_init(World *w)
{
  static const SimEventKind done = { "request.done", on_done, NULL };
  w->kinds.request_done = sim_engine_register(w->engine, &done, w);
}

Server *
server_new(World *w, const Task *t)
{
  const Workload *wl = workload_of(w, t->service);
  double vcpu = t->def->cpu / 1024.0;
  Server *s = g_new0(Server, 1);
  s->task = t->id;
  s->service = t->service;
  s->slots = workload_slots(wl, vcpu);
  s->speed = workload_speed_factor(wl, vcpu);
  s->queue_limit = wl->queue_limit;
  s->timeout = wl->timeout;
  sim_time_avg_init(&s->busy_avg, world_now(w), 0.0);
  return s;
}

void
server_free(Server *s)
{
  if (s == NULL)
    return;
  g_free(s->queue);
  g_free(s);
}

void
server_accept(World *w, Server *s, SimTime arrival)
{
  if (s->busy < s->slots) {
    s->busy++;
    busy_changed(w, s, 1);
    reqstats_started(stats_of(w, s), arrival, arrival);
    start_request(w, s, arrival);
  } else if (s->qlen < (guint32) s->queue_limit) {
    sim_counter_add(&stats_of(w, s)->waited, 1);
    queue_push(s, arrival);
  } else {
    reqstats_failed(stats_of(w, s), world_now(w), REQ_QUEUE_FULL, 1);
  }
}

void
server_abort(World *w, Server *s)
{
  guint64 lost = server_outstanding(s);
  if (lost > 0)
    reqstats_failed(stats_of(w, s), world_now(w), REQ_RESET, lost);
  if (s->busy > 0)
    busy_changed(w, s, -s->busy);
  s->busy = 0;
  s->qlen = 0;
  s->qhead = 0;
  s->epoch++;
}
