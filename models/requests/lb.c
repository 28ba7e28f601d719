/* Frontends: routing, registration and draining. */
#include "models/requests/lb.h"

#include "models/core/eventlog.h"
#include "models/core/hooks.h"
#include "models/config/scenario.h"
#include "models/requests/task-queue.h"
#include "models/requests/calls.h"
#include "models/core/task-lifecycle.h"

typedef struct {
  guint32 service;
  const TargetGroupConfig *tg;      /* NULL: no load balancer */
  LbAlgorithm algorithm;
  GArray *rotation;                 /* task ids taking new requests */
  GArray *fail_open;                /* registered, RUNNING, not healthy */
  guint32 next;                     /* round-robin cursor */
  gboolean dirty;                   /* rotation needs rebuilding */
  GArray *changed;                  /* task ids whose place in rotation
                                       or fail_open may be out of date */
  guint64 examined;                 /* tasks read to do so (tests) */
} Frontend;

struct _Lb {
  World *w;              /* the world it belongs to */
  SimKindId dereg_kind;  /* its event kind */
  Frontend *frontends;              /* per service */
  guint n;
  GPtrArray *members;               /* per service: GArray of task ids
                                       registered or serving */
  GArray *seq;                      /* per task id: its place in members'
                                       order (1, 2, ...); 0: never one */
  guint32 next_seq;
};

static Frontend *
frontend(World *w, guint32 service)
{
  return &w->lb->frontends[service];
}

static gboolean
takes_requests(const Frontend *fe, const Task *t)
{
  if (t->state != TASK_RUNNING || t->queue == NULL || t->queue->draining)
    return FALSE;
  return fe->tg == NULL || t->target == TARGET_HEALTHY;
}

/* Registered, RUNNING and not healthy: taken when no target is healthy. */
static gboolean
fails_open_to(const Frontend *fe, const Task *t)
{
  return fe->tg != NULL && t->state == TASK_RUNNING && t->queue &&
         !t->queue->draining &&
         (t->target == TARGET_INITIAL || t->target == TARGET_UNHEALTHY);
}

static void
rebuild(World *w, Frontend *fe)
{
  GArray *members = w->lb->members->pdata[fe->service];
  g_array_set_size(fe->rotation, 0);
  g_array_set_size(fe->fail_open, 0);
  fe->examined += members->len;
  for (guint i = 0; i < members->len; i++) {
    const Task *t = world_task(w, g_array_index(members, guint32, i));
    if (takes_requests(fe, t))
      g_array_append_val(fe->rotation, t->id);
    else if (fails_open_to(fe, t))
      g_array_append_val(fe->fail_open, t->id);
  }
  fe->dirty = FALSE;
  g_array_set_size(fe->changed, 0);
}

/* Keeping the rotation up to date: rebuilding it after every target's
 * change made a cold start of n tasks O(n^2). Each change re-places only
 * its task, by binary search, in rotation and fail_open, which stay in
 * members' order: the lists a rebuild gives, so routing is unchanged. */

static void
add_member(World *w, Task *t)
{
  Lb *lb = w->lb;
  g_array_append_val((GArray *) lb->members->pdata[t->service], t->id);
  if (t->id >= lb->seq->len)
    g_array_set_size(lb->seq, t->id + 1);
  g_array_index(lb->seq, guint32, t->id) = ++lb->next_seq;
}

static guint32
seq_of(const Lb *lb, guint32 id)
{
  return id < lb->seq->len ? g_array_index(lb->seq, guint32, id) : 0;
}

/* Puts @id in @list (ordered as members) or takes it out. */
static void
place(const Lb *lb, GArray *list, guint32 id, gboolean in)
{
  guint32 key = seq_of(lb, id);
  guint lo = 0, hi = list->len;
  while (lo < hi) {
    guint mid = lo + (hi - lo) / 2;
    if (seq_of(lb, g_array_index(list, guint32, mid)) < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  gboolean there = lo < list->len && g_array_index(list, guint32, lo) == id;
  if (in && !there) {
    g_assert(key != 0); /* RUNNING tasks are members */
    g_array_insert_val(list, lo, id);
  } else if (!in && there) {
    g_array_remove_index(list, lo);
  }
}

static void
note_changed(World *w, Frontend *fe, const Task *t)
{
  GArray *members = w->lb->members->pdata[fe->service];
  if (fe->dirty)
    return;
  /* Past one change a member, a rebuild costs less (and memory stays
   * bounded while no request comes to apply them). */
  if (fe->changed->len > members->len + 16) {
    fe->dirty = TRUE;
    return;
  }
  g_array_append_val(fe->changed, t->id);
}

static void
bring_up_to_date(World *w, Frontend *fe)
{
  if (fe->dirty) {
    rebuild(w, fe);
    return;
  }
  fe->examined += fe->changed->len;
  for (guint i = 0; i < fe->changed->len; i++) {
    const Task *t = world_task(w, g_array_index(fe->changed, guint32, i));
    gboolean serving = takes_requests(fe, t);
    place(w->lb, fe->rotation, t->id, serving);
    place(w->lb, fe->fail_open, t->id, !serving && fails_open_to(fe, t));
  }
  g_array_set_size(fe->changed, 0);
}

/* The task to send the next request to, or NULL (503). */
static Task *
route(World *w, Frontend *fe)
{
  if (G_UNLIKELY(fe->dirty || fe->changed->len > 0))
    bring_up_to_date(w, fe);
  GArray *pool = fe->rotation->len > 0 ? fe->rotation : fe->fail_open;
  guint n = pool->len;
  if (n == 0)
    return NULL;
  const guint32 *ids = (const guint32 *) pool->data;
  if (fe->algorithm == LB_LEAST_OUTSTANDING) {
    /* Least outstanding, ties to the next in round-robin order. */
    guint start = fe->next++ % n, best = start;
    guint32 best_load = G_MAXUINT32;
    for (guint k = 0; k < n; k++) {
      guint i = (start + k) % n;
      guint32 load = task_queue_outstanding(world_task(w, ids[i])->queue);
      if (load < best_load) {
        best_load = load;
        best = i;
      }
    }
    return world_task(w, ids[best]);
  }
  return world_task(w, ids[fe->next++ % n]);
}

void
lb_dispatch(World *w, guint32 service, SimTime now)
{
  Task *t = route(w, frontend(w, service));
  if (t == NULL) {
    reqstats_failed(&w->reqstats[service], now, REQ_NO_TARGET, 1);
    world_request_end(w, service, -1, now, now, REQ_NO_TARGET);
  } else
    task_queue_accept(w, t->queue, now);
}

void
lb_dispatch_req(World *w, guint32 service, SimTime now, guint32 r)
{
  Task *t = route(w, frontend(w, service));
  if (t == NULL) {
    reqstats_failed(&w->reqstats[service], now, REQ_NO_TARGET, 1);
    world_request_end(w, service, -1, now, now, REQ_NO_TARGET);
    calls_req_failed(w, r, REQ_NO_TARGET, now);
  } else {
    task_queue_accept_req(w, t->queue, now, r);
  }
}

static void
on_dereg_timeout(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Lb *) model)->w;
  Task *t = world_task(w, *(guint32 *) payload);
  if (t->state == TASK_DEACTIVATING)
    task_drained(w, t);
}

void
lb_init(World *w)
{
  static const SimEventKind dereg = { "lb.deregistration-delay",
                                      on_dereg_timeout, NULL };
  Lb *lb = g_new0(Lb, 1);
  w->lb = lb;
  lb->w = w;
  lb->dereg_kind = sim_engine_register(w->engine, &dereg, lb);
  lb->n = w->cfg->services->len;
  lb->frontends = g_new0(Frontend, lb->n);
  lb->members = g_ptr_array_new_with_free_func((GDestroyNotify) g_array_unref);
  lb->seq = g_array_new(FALSE, TRUE, sizeof(guint32));
  for (guint i = 0; i < lb->n; i++) {
    Frontend *fe = &lb->frontends[i];
    fe->service = i;
    fe->tg = w->cfg->service_tgs->pdata[i];
    fe->algorithm = fe->tg ? fe->tg->algorithm : LB_ROUND_ROBIN;
    fe->rotation = g_array_new(FALSE, FALSE, sizeof(guint32));
    fe->fail_open = g_array_new(FALSE, FALSE, sizeof(guint32));
    fe->changed = g_array_new(FALSE, FALSE, sizeof(guint32));
    g_ptr_array_add(lb->members, g_array_new(FALSE, FALSE, sizeof(guint32)));
  }
}

void
lb_free(World *w)
{
  Lb *lb = w->lb;
  if (lb == NULL)
    return;
  for (guint i = 0; i < lb->n; i++) {
    g_array_unref(lb->frontends[i].rotation);
    g_array_unref(lb->frontends[i].fail_open);
    g_array_unref(lb->frontends[i].changed);
  }
  g_array_unref(lb->seq);
  g_free(lb->frontends);
  g_ptr_array_unref(lb->members);
  g_free(lb);
  w->lb = NULL;
}

static void
remove_member(World *w, Task *t)
{
  GArray *members = w->lb->members->pdata[t->service];
  for (guint i = 0; i < members->len; i++) {
    if (g_array_index(members, guint32, i) == t->id) {
      g_array_remove_index(members, i);
      return;
    }
  }
}

/* ECS's event for a target (de)registration, naming the target group
 * by ARN when it has one, as ECS does. */
static void
log_target(World *w, const Frontend *fe, const Task *t, gboolean registered)
{
  eventlog_add(w, (int) t->service,
               registered ? "targets-registered" : "targets-deregistered",
               NULL, t, "%s 1 targets in (target-group %s)",
               registered ? "registered" : "deregistered",
               fe->tg->arn ? fe->tg->arn : fe->tg->name);
}

static void
begin_draining(World *w, Frontend *fe, Task *t)
{
  if (t->queue != NULL)
    t->queue->draining = TRUE;
  if (t->target == TARGET_NONE)
    return;
  t->target = TARGET_DRAINING;
  log_target(w, fe, t, FALSE);
  /* A crashed container has nothing left to drain. */
  if ((t->stop_reason == STOP_ESSENTIAL_EXIT ||
       t->stop_reason == STOP_OUT_OF_MEMORY) && t->queue != NULL)
    task_queue_abort(w, t->queue);
  if (t->queue == NULL || task_queue_outstanding(t->queue) == 0 ||
      fe->tg->deregistration_delay == 0) {
    task_drained(w, t);
    return;
  }
  sim_schedule_inline(w->engine,
                      world_now(w) + fe->tg->deregistration_delay,
                      w->lb->dereg_kind, &t->id, sizeof t->id);
}

static void
release_server(World *w, Task *t)
{
  if (t->queue == NULL)
    return;
  task_queue_abort(w, t->queue);
  ReqStats *rs = &w->reqstats[t->service];
  sim_time_avg_add(&rs->slots, world_now(w), -(double) t->queue->slots);
  task_queue_free(t->queue);
  t->queue = NULL;
}

void
lb_on_task_state(World *w, Task *t, TaskState old,
                 gpointer data)
{
  Frontend *fe = frontend(w, t->service);
  note_changed(w, fe, t); /* and again below: a change may come between */
  switch (t->state) {
  case TASK_ACTIVATING:
    if (fe->tg != NULL) {
      t->target = TARGET_INITIAL;
      log_target(w, fe, t, TRUE);
    }
    add_member(w, t);
    break;
  case TASK_RUNNING:
    if (old == TASK_PROVISIONING) { /* warm start */
      add_member(w, t);
      if (fe->tg != NULL)
        t->target = TARGET_HEALTHY;
    }
    t->queue = task_queue_new(w, t);
    sim_time_avg_add(&w->reqstats[t->service].slots, world_now(w),
                     (double) t->queue->slots);
    break;
  case TASK_DEACTIVATING:
    begin_draining(w, fe, t);
    break;
  case TASK_STOPPING:
    if (t->queue != NULL)
      t->queue->draining = TRUE; /* SIGTERM: finish what is inside */
    if (t->target == TARGET_DRAINING)
      t->target = TARGET_NONE;
    break;
  case TASK_DEPROVISIONING:
  case TASK_STOPPED:
    release_server(w, t);
    t->target = TARGET_NONE;
    remove_member(w, t);
    break;
  default:
    return;
  }
  note_changed(w, fe, t);
}

void
lb_refresh(World *w, guint32 service)
{
  frontend(w, service)->dirty = TRUE;
}

void
lb_queue_empty(World *w, Task *t)
{
  if (t->state == TASK_DEACTIVATING)
    task_drained(w, t);
}

guint
lb_rotation_size(World *w, guint32 service)
{
  Frontend *fe = frontend(w, service);
  bring_up_to_date(w, fe);
  return fe->rotation->len;
}

guint64
lb_tasks_examined(World *w, guint32 service)
{
  return frontend(w, service)->examined;
}

const guint32 *
lb_pool(World *w, guint32 service, guint *n)
{
  Frontend *fe = frontend(w, service);
  if (fe->dirty || fe->changed->len > 0)
    bring_up_to_date(w, fe);
  GArray *pool = fe->rotation->len > 0 ? fe->rotation : fe->fail_open;
  *n = pool->len;
  return (const guint32 *) pool->data;
}

const TargetGroupConfig *
lb_target_group(World *w, guint32 service)
{
  return frontend(w, service)->tg;
}

void
lb_target_changed(World *w, Task *t)
{
  note_changed(w, frontend(w, t->service), t);
}

void
lb_on_task_health(World *w, Task *t, gpointer data)
{
  lb_target_changed(w, t);
}
