/* Periodic container and target-group health checks. */
#include "models/control/health.h"

#include "models/config/ecs-rules.h"
#include "models/core/eventlog.h"
#include "models/requests/lb.h"
#include "models/config/scenario.h"
#include "models/core/hooks.h"
#include "models/requests/task-queue.h"

struct _Health {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* its event kind */
};

typedef struct {
  guint32 task;
  guint32 kind; /* 0 target group, 1 container, 2 grace */
} CheckTimer;

static const EcsHealthCheck *
container_check(const Task *t)
{
  for (guint i = 0; i < t->def->containers->len; i++) {
    const EcsContainerDef *c = t->def->containers->pdata[i];
    if (c->essential && c->has_health_check)
      return &c->health_check;
  }
  return NULL;
}

static gboolean
overloaded(World *w, const Task *t, SimTime check_timeout)
{
  const ServiceConfig *svc = w->cfg->services->pdata[t->service];
  const TaskQueue *s = t->queue;
  if (!svc->workload.health_check_overload || s == NULL)
    return FALSE;
  /* The check waits behind the queue (only a full task has one):
   * expected wait = queue / (slots / mean service time). */
  double waiting = task_queue_waiting(w, s);
  if (waiting <= 0)
    return FALSE;
  double mean = dist_mean_seconds(&svc->workload.service_time) * s->speed;
  double wait = waiting * mean / s->slots;
  return wait > sim_time_to_seconds(check_timeout);
}

static gboolean
check_passes(World *w, const Task *t, SimTime check_timeout)
{
  return t->state == TASK_RUNNING && !t->hung &&
         !t->failure->fails_health_checks &&
         world_now(w) >= t->health_ok_after &&
         !overloaded(w, t, check_timeout);
}

static void
arm(World *w, Task *t, guint32 kind, SimTime delay, SimEventId *slot)
{
  CheckTimer c = { t->id, kind };
  *slot = sim_schedule_inline(w->engine, world_now(w) + delay,
                              w->health->kind, &c, sizeof c);
}

/* healthCheckGracePeriodSeconds applies only to a service with a load
 * balancer [DG23]; it then covers ELB and container checks alike. */
static gboolean
in_grace(World *w, const Task *t)
{
  const ServiceConfig *svc = w->cfg->services->pdata[t->service];
  return lb_target_group(w, t->service) != NULL &&
         t->entered[TASK_RUNNING] >= 0 &&
         world_now(w) < t->entered[TASK_RUNNING] + svc->health_check_grace;
}

/* Recomputes counts_healthy and marked_unhealthy from the checks. */
static void
update_verdict(World *w, Task *t)
{
  gboolean has_tg = lb_target_group(w, t->service) != NULL;
  const EcsHealthCheck *hc = container_check(t);
  gboolean was_healthy = t->counts_healthy, was_marked = t->marked_unhealthy;
  gboolean ok;
  if (has_tg)
    ok = t->target == TARGET_HEALTHY &&
         (hc == NULL || t->container_health == HEALTH_HEALTHY);
  else if (hc != NULL)
    ok = t->container_health == HEALTH_HEALTHY;
  else /* a warm-started task ran long before the run began */
    ok = t->state == TASK_RUNNING &&
         (t->warm_started ||
          world_now(w) >= t->entered[TASK_RUNNING] +
                            ecs_rules(w)->healthy_after_running);
  gboolean bad = (has_tg && t->target == TARGET_UNHEALTHY) ||
                 t->container_health == HEALTH_UNHEALTHY;
  t->counts_healthy = ok && t->state == TASK_RUNNING;
  if (t->counts_healthy && t->healthy_at < 0)
    t->healthy_at = world_now(w);
  if (bad && !in_grace(w, t) && t->state == TASK_RUNNING)
    t->marked_unhealthy = TRUE;
  if (t->counts_healthy != was_healthy || t->marked_unhealthy != was_marked)
    world_task_health_changed(w, t);
}

static void
target_check(World *w, Task *t)
{
  const TargetGroupConfig *tg = lb_target_group(w, t->service);
  if (t->target == TARGET_NONE || t->target == TARGET_DRAINING)
    return;
  arm(w, t, 0, tg->interval, &t->target_timer);
  TargetState before = t->target;
  if (check_passes(w, t, tg->timeout)) {
    t->tg_fail_streak = 0;
    t->tg_pass_streak++;
    if (t->target == TARGET_INITIAL ||
        (t->target == TARGET_UNHEALTHY &&
         t->tg_pass_streak >= tg->healthy_threshold))
      t->target = TARGET_HEALTHY;
  } else {
    t->tg_pass_streak = 0;
    t->tg_fail_streak++;
    if (t->tg_fail_streak >= tg->unhealthy_threshold &&
        t->target != TARGET_UNHEALTHY)
      t->target = TARGET_UNHEALTHY;
  }
  if (t->target != before) {
    if (t->target == TARGET_UNHEALTHY)
      eventlog_target_unhealthy(w, t, tg);
    lb_target_changed(w, t);
  }
  update_verdict(w, t);
}

static void
container_check_run(World *w, Task *t)
{
  const EcsHealthCheck *hc = container_check(t);
  if (t->state != TASK_RUNNING)
    return;
  arm(w, t, 1, hc->interval, &t->health_timer);
  TaskHealth before = t->container_health;
  if (check_passes(w, t, hc->timeout)) {
    t->hc_fail_streak = 0;
    t->container_health = HEALTH_HEALTHY;
  } else if (world_now(w) >= t->entered[TASK_RUNNING] + hc->start_period) {
    /* Failures inside the start period do not count. */
    if (++t->hc_fail_streak >= hc->retries)
      t->container_health = HEALTH_UNHEALTHY;
  }
  if (t->container_health != before &&
      t->container_health == HEALTH_UNHEALTHY)
    eventlog_container_unhealthy(w, t);
  update_verdict(w, t);
}

static void
on_check(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Health *) model)->w;
  const CheckTimer *c = payload;
  Task *t = world_task(w, c->task);
  if (c->kind == 0) {
    t->target_timer = SIM_EVENT_ID_NONE;
    target_check(w, t);
  } else if (c->kind == 1) {
    t->health_timer = SIM_EVENT_ID_NONE;
    container_check_run(w, t);
  } else if (t->state == TASK_RUNNING) {
    update_verdict(w, t);
  }
}

void
health_init(World *w)
{
  static const SimEventKind check = { "health.check", on_check, NULL };
  w->health = g_new0(Health, 1);
  w->health->w = w;
  w->health->kind = sim_engine_register(w->engine, &check, w->health);
}

void
health_free(World *w)
{
  g_free(w->health);
  w->health = NULL;
}

static void
cancel_checks(World *w, Task *t)
{
  sim_cancel(w->engine, t->target_timer);
  sim_cancel(w->engine, t->health_timer);
  t->target_timer = t->health_timer = SIM_EVENT_ID_NONE;
}

static void
start_running_checks(World *w, Task *t)
{
  const EcsHealthCheck *hc = container_check(t);
  if (t->warm_started) {
    t->container_health = hc ? HEALTH_HEALTHY : HEALTH_UNKNOWN;
    t->counts_healthy = TRUE;
    t->healthy_at = world_now(w);
  }
  if (hc != NULL) {
    /* The first check runs one interval after the container starts. */
    arm(w, t, 1, hc->interval, &t->health_timer);
  } else if (lb_target_group(w, t->service) == NULL && !t->warm_started) {
    CheckTimer c = { t->id, 2 };
    sim_schedule_inline(w->engine,
                        world_now(w) + ecs_rules(w)->healthy_after_running,
                        w->health->kind, &c, sizeof c);
  }
  if (t->warm_started && lb_target_group(w, t->service) != NULL)
    arm(w, t, 0, lb_target_group(w, t->service)->interval,
        &t->target_timer);
}

void
health_on_task_state(World *w, Task *t, TaskState old,
                     gpointer data)
{
  const TargetGroupConfig *tg = lb_target_group(w, t->service);
  switch (t->state) {
  case TASK_ACTIVATING:
    if (tg != NULL) {
      /* ALB checks each target on its own cadence: the first check comes
       * at a random point of the first interval. */
      gsl_rng *rng = world_rng(w, "health",
                               ((ServiceConfig *) w->cfg->services
                                  ->pdata[t->service])->name);
      SimTime first = (SimTime) (gsl_rng_uniform(rng) *
                                 (double) tg->interval) + 1;
      arm(w, t, 0, first, &t->target_timer);
    }
    break;
  case TASK_RUNNING:
    start_running_checks(w, t);
    update_verdict(w, t);
    break;
  default:
    if (!task_is_live(t)) {
      cancel_checks(w, t);
      if (t->counts_healthy) {
        t->counts_healthy = FALSE;
        world_task_health_changed(w, t);
      }
    }
  }
}

void
health_on_condition(World *w, Task *t, gpointer data)
{
  update_verdict(w, t);
}
