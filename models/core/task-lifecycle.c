/* Timed lifecycle phases of tasks. */
#include "models/core/task-lifecycle.h"

#include <gsl/gsl_randist.h>

#include "models/config/scenario.h"
#include "models/core/hooks.h"

struct _TaskLifecycle {
  World *w;              /* the world it belongs to */
  SimKindId phase_kind;  /* a lifecycle phase ends */
  SimKindId crash_kind;  /* a RUNNING task's essential container exits */
  SimKindId hang_kind;   /* a RUNNING task stops serving */
};

typedef struct {
  guint32 id;
  guint32 state; /* the state the timer ends */
} PhaseTimer;

static void
set_state(World *w, Task *t, TaskState state)
{
  TaskState old = t->state;
  t->state = state;
  t->entered[state] = world_now(w);
  world_task_changed(w, t, old);
}

static gsl_rng *
lifecycle_rng(World *w, const Task *t)
{
  const ServiceConfig *svc = w->cfg->services->pdata[t->service];
  return world_rng(w, "lifecycle", svc->name);
}

static void
arm(World *w, Task *t, SimTime delay)
{
  PhaseTimer p = { t->id, t->state };
  t->timer = sim_schedule_inline(w->engine, world_now(w) + delay,
                                 w->lifecycle->phase_kind, &p, sizeof p);
}

static SimTime
phase_time(World *w, Task *t, TaskState state)
{
  const ClusterConfig *c = w->cfg->cluster;
  gsl_rng *rng = lifecycle_rng(w, t);
  switch (state) {
  case TASK_PENDING:
    return t->pull_time; /* set on entering PENDING (image-pull.h) */
  case TASK_ACTIVATING:
    return dist_sample(t->fargate ? &c->fargate.activating
                                  : &c->ec2_activating, rng);
  case TASK_STOPPING: {
    SimTime s = dist_sample(&c->stopping, rng);
    return MIN(s, t->def->stop_timeout);
  }
  case TASK_DEPROVISIONING:
    /* Fargate and awsvpc tasks detach an ENI; bridge/host tasks do not. */
    if (t->fargate || t->def->network_mode == ECS_NETWORK_AWSVPC)
      return dist_sample(&c->deprovisioning, rng);
    return 0;
  default:
    return 0;
  }
}

static void
schedule_failures(World *w, Task *t)
{
  const FailureModel *f = t->failure;
  gsl_rng *rng = world_rng(w, "failure",
                           ((ServiceConfig *) w->cfg->services
                              ->pdata[t->service])->name);
  if (f->crash_mttf > 0) {
    SimTime at = world_now(w) +
                 sim_time_from_seconds(gsl_ran_exponential(
                   rng, sim_time_to_seconds(f->crash_mttf)));
    t->crash_timer = sim_schedule_inline(w->engine, at, w->lifecycle->crash_kind,
                                         &t->id, sizeof t->id);
  }
  if (f->hang_mttf > 0) {
    SimTime at = world_now(w) +
                 sim_time_from_seconds(gsl_ran_exponential(
                   rng, sim_time_to_seconds(f->hang_mttf)));
    t->hang_timer = sim_schedule_inline(w->engine, at, w->lifecycle->hang_kind,
                                        &t->id, sizeof t->id);
  }
  SimTime slow = dist_sample(&f->slow_start, rng);
  t->health_ok_after = world_now(w) + slow;
}

static void
enter_running(World *w, Task *t)
{
  schedule_failures(w, t);
  set_state(w, t, TASK_RUNNING);
}

static void
begin_stopping(World *w, Task *t)
{
  set_state(w, t, TASK_STOPPING);
  if (t->state == TASK_STOPPING)
    arm(w, t, phase_time(w, t, TASK_STOPPING));
}

static void
on_phase_end(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((TaskLifecycle *) model)->w;
  const PhaseTimer *p = payload;
  Task *t = world_task(w, p->id);
  if (t == NULL || t->state != p->state)
    return;
  t->timer = SIM_EVENT_ID_NONE;
  switch (t->state) {
  case TASK_PROVISIONING:
    set_state(w, t, TASK_PENDING);
    arm(w, t, phase_time(w, t, TASK_PENDING));
    break;
  case TASK_PENDING:
    if (t->will_fail_start) {
      t->stop_reason = STOP_STARTUP_FAILURE;
      begin_stopping(w, t);
    } else {
      set_state(w, t, TASK_ACTIVATING);
      arm(w, t, phase_time(w, t, TASK_ACTIVATING));
    }
    break;
  case TASK_ACTIVATING:
    enter_running(w, t);
    break;
  case TASK_STOPPING:
    set_state(w, t, TASK_DEPROVISIONING);
    arm(w, t, phase_time(w, t, TASK_DEPROVISIONING));
    break;
  case TASK_DEPROVISIONING:
    set_state(w, t, TASK_STOPPED);
    break;
  default:
    g_assert_not_reached();
  }
}

static void
on_crash(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((TaskLifecycle *) model)->w;
  Task *t = world_task(w, *(guint32 *) payload);
  t->crash_timer = SIM_EVENT_ID_NONE;
  if (t->state == TASK_RUNNING)
    task_stop(w, t, STOP_ESSENTIAL_EXIT);
}

static void
on_hang(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((TaskLifecycle *) model)->w;
  Task *t = world_task(w, *(guint32 *) payload);
  t->hang_timer = SIM_EVENT_ID_NONE;
  if (t->state == TASK_RUNNING) {
    t->hung = TRUE;
    world_task_health_changed(w, t);
  }
}

void
task_lifecycle_init(World *w)
{
  static const SimEventKind phase = { "task.phase", on_phase_end, NULL };
  static const SimEventKind crash = { "task.crash", on_crash, NULL };
  static const SimEventKind hang = { "task.hang", on_hang, NULL };
  TaskLifecycle *lc = g_new0(TaskLifecycle, 1);
  w->lifecycle = lc;
  lc->w = w;
  lc->phase_kind = sim_engine_register(w->engine, &phase, lc);
  lc->crash_kind = sim_engine_register(w->engine, &crash, lc);
  lc->hang_kind = sim_engine_register(w->engine, &hang, lc);
}

void
task_lifecycle_free(World *w)
{
  g_clear_pointer(&w->lifecycle, g_free);
}

Task *
task_new(World *w, guint32 service, guint32 deployment,
         const EcsTaskDef *def, const FailureModel *failure, int provider,
         gboolean fargate, gboolean spot)
{
  Task *t = g_new0(Task, 1);
  t->id = w->tasks->len;
  t->service = service;
  t->deployment = deployment;
  t->def = def;
  t->failure = failure;
  t->provider = provider;
  t->fargate = fargate;
  t->spot = spot;
  t->instance = -1;
  t->az = -1;
  t->healthy_at = -1;
  for (int s = 0; s < TASK_N_STATES; s++)
    t->entered[s] = -1;
  t->state = TASK_PROVISIONING;
  t->entered[TASK_PROVISIONING] = world_now(w);
  if (failure->startup_failure_probability > 0) {
    gsl_rng *rng = world_rng(w, "failure",
                             ((ServiceConfig *) w->cfg->services
                                ->pdata[service])->name);
    t->will_fail_start =
      gsl_rng_uniform(rng) < failure->startup_failure_probability;
  }
  g_ptr_array_add(w->tasks, t);
  world_task_changed(w, t, TASK_PROVISIONING);
  return t;
}

void
task_provisioned(World *w, Task *t, int instance, int az, SimTime delay)
{
  g_return_if_fail(t->state == TASK_PROVISIONING);
  t->instance = instance;
  t->az = az;
  if (delay > 0) {
    arm(w, t, delay);
    return;
  }
  set_state(w, t, TASK_PENDING);
  arm(w, t, phase_time(w, t, TASK_PENDING));
}

void
task_warm_start(World *w, Task *t, int instance, int az)
{
  g_return_if_fail(t->state == TASK_PROVISIONING && t->timer == 0);
  SimTime now = world_now(w);
  t->instance = instance;
  t->az = az;
  t->warm_started = TRUE;
  t->entered[TASK_PENDING] = now;
  t->entered[TASK_ACTIVATING] = now;
  /* A task that was running before the run starts has long passed its
   * start-up, so start-up failures do not apply to it. */
  t->will_fail_start = FALSE;
  enter_running(w, t);
  t->health_ok_after = now; /* nor does a slow start */
}

static void
cancel_timers(World *w, Task *t)
{
  sim_cancel(w->engine, t->timer);
  sim_cancel(w->engine, t->crash_timer);
  sim_cancel(w->engine, t->hang_timer);
  t->timer = t->crash_timer = t->hang_timer = SIM_EVENT_ID_NONE;
}

void
task_stop(World *w, Task *t, StopReason reason)
{
  if (!task_is_live(t))
    return;
  if (t->stop_reason == STOP_NONE)
    t->stop_reason = reason;
  cancel_timers(w, t);
  if (t->state == TASK_PROVISIONING && t->entered[TASK_PENDING] < 0) {
    set_state(w, t, TASK_STOPPED);
    return;
  }
  /* A Spot task stays deregistered until its capacity is reclaimed at the
   * end of the two-minute notice (fargate.c kills it then). */
  if (t->target != TARGET_NONE || reason == STOP_SPOT_INTERRUPTION) {
    set_state(w, t, TASK_DEACTIVATING); /* the load balancer drains it */
    return;
  }
  begin_stopping(w, t);
}

void
task_drained(World *w, Task *t)
{
  if (t->state == TASK_DEACTIVATING &&
      t->stop_reason != STOP_SPOT_INTERRUPTION)
    begin_stopping(w, t);
}

void
task_kill(World *w, Task *t, StopReason reason)
{
  if (t->state == TASK_STOPPED)
    return;
  if (t->stop_reason == STOP_NONE)
    t->stop_reason = reason;
  cancel_timers(w, t);
  set_state(w, t, TASK_STOPPED);
}
