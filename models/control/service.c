/* Service scheduler: launching, replacing, backing off, reconciling. */
#include "models/control/service.h"

#include <string.h>

#include "models/core/eventlog.h"
#include "models/core/hooks.h"
#include "models/config/scenario.h"

Service *
service_get(World *w, guint32 index)
{
  return w->services->pdata[index];
}

Deployment *
service_primary(const Service *s)
{
  return s->deployments->len
           ? s->deployments->pdata[s->deployments->len - 1]
           : NULL;
}

Deployment *
service_find_deployment(const Service *s, guint32 number)
{
  for (guint i = 0; i < s->deployments->len; i++) {
    Deployment *d = s->deployments->pdata[i];
    if (d->number == number)
      return d;
  }
  return NULL;
}

static void
deployment_free(gpointer p)
{
  Deployment *d = p;
  failure_model_clear(&d->failure);
  g_free(d);
}

static void
service_free_one(gpointer p)
{
  Service *s = p;
  g_ptr_array_unref(s->deployments);
  g_array_unref(s->tasks);
  service_tally_clear(&s->tally);
  g_free(s);
}

static Deployment *
add_deployment(World *w, Service *s, const EcsTaskDef *def,
               const FailureModel *failure)
{
  Deployment *d = g_new0(Deployment, 1);
  d->number = ++s->next_deployment;
  /* ECS deployment ids are 19 digits after "ecs-svc/": derive them from
   * the service and number so they are stable across runs. */
  guint64 h = (guint64) (s->index + 1) * UINT64_C(0x9e3779b97f4a7c15) +
              d->number * UINT64_C(0xbf58476d1ce4e5b9);
  h ^= h >> 29;
  g_snprintf(d->id, sizeof d->id, "ecs-svc/%019" G_GUINT64_FORMAT,
             h % UINT64_C(10000000000000000000));
  d->def = def;
  failure_model_copy(&d->failure, failure);
  d->created_at = world_now(w);
  d->rollout = ROLLOUT_IN_PROGRESS;
  g_ptr_array_add(s->deployments, d);
  return d;
}

/* The failure model of revision @def: its own, overlaid by the service's
 * keys. */
void
service_effective_failure(World *w, const Service *s, const EcsTaskDef *def,
                          FailureModel *out)
{
  const ScenarioConfig *cfg = w->cfg;
  failure_model_init(out);
  for (guint i = 0; i < cfg->taskdefs->len; i++)
    if (cfg->taskdefs->pdata[i] == def)
      failure_model_copy(out, cfg->taskdef_failures->pdata[i]);
  const FailureModel *svc = &s->cfg->failure;
  if (svc->startup_failure_probability > 0)
    out->startup_failure_probability = svc->startup_failure_probability;
  if (svc->crash_mttf > 0)
    out->crash_mttf = svc->crash_mttf;
  if (svc->hang_mttf > 0)
    out->hang_mttf = svc->hang_mttf;
  if (dist_mean_seconds(&svc->slow_start) > 0) {
    dist_clear(&out->slow_start);
    dist_copy(&out->slow_start, &svc->slow_start);
  }
  out->fails_health_checks |= svc->fails_health_checks;
}

void
service_init(World *w)
{
  w->services = g_ptr_array_new_with_free_func(service_free_one);
  for (guint i = 0; i < w->cfg->services->len; i++) {
    Service *s = g_new0(Service, 1);
    s->index = i;
    s->cfg = w->cfg->services->pdata[i];
    s->desired = s->cfg->desired_count;
    s->deployments = g_ptr_array_new_with_free_func(deployment_free);
    s->tasks = g_array_new(FALSE, FALSE, sizeof(guint32));
    service_tally_init(&s->tally);
    s->last_steady_event = -SIM_DAY;
    s->last_unplaced_event = -SIM_DAY;
    s->unplaced_since = -1;
    g_ptr_array_add(w->services, s);
    FailureModel failure;
    const EcsTaskDef *def = w->cfg->service_taskdefs->pdata[i];
    service_effective_failure(w, s, def, &failure);
    Deployment *d = add_deployment(w, s, def, &failure);
    failure_model_clear(&failure);
    /* The scenario's starting revision is already in place. */
    d->rollout = ROLLOUT_COMPLETED;
    s->stable_def = def;
    s->stable_deployment = d->number;
  }
}

void
service_free(World *w)
{
  if (w->services != NULL)
    g_ptr_array_unref(w->services);
  w->services = NULL;
}

static void
remove_task(Service *s, guint32 id)
{
  for (guint i = 0; i < s->tasks->len; i++) {
    if (g_array_index(s->tasks, guint32, i) == id) {
      g_array_remove_index(s->tasks, i);
      return;
    }
  }
}

void
service_on_task_state(World *w, Task *t, TaskState old,
                      gpointer data)
{
  Service *s = service_get(w, t->service);
  Deployment *d = service_find_deployment(s, t->deployment);
  gboolean member = service_tally_has(t);
  if (old == TASK_PROVISIONING && t->state == TASK_PROVISIONING) {
    g_array_append_val(s->tasks, t->id);
    member = TRUE;
  }
  if (t->state == TASK_RUNNING) {
    s->start_failures = 0;
    if (d != NULL)
      d->any_running = TRUE;
  }
  if (t->state == TASK_STOPPED) {
    remove_task(s, t->id);
    s->tasks_stopped++;
    member = FALSE;
  }
  service_tally_update(w, s, t, member);
}

void
service_on_task_health(World *w, Task *t, gpointer data)
{
  service_tally_update(w, service_get(w, t->service), t,
                       service_tally_has(t));
  world_reconcile_wanted(w, (int) t->service);
}

void
service_set_desired(World *w, guint32 service, int desired, const char *why)
{
  Service *s = service_get(w, service);
  if (desired == s->desired)
    return;
  eventlog_add(w, (int) service, "desired-count", NULL, NULL,
               "desired count changed from %d to %d%s%s.", s->desired,
               desired, why ? ": " : "", why ? why : "");
  s->desired = desired;
  world_reconcile_wanted(w, (int) service);
}

void
service_deploy(World *w, guint32 service, const EcsTaskDef *def,
               const FailureModel *failure)
{
  Service *s = service_get(w, service);
  Deployment *d = add_deployment(w, s, def, failure);
  /* A new task definition starts the retry back-off afresh. */
  s->start_failures = 0;
  s->launch_not_before = 0;
  eventlog_add(w, (int) service, "deployment", d->id, NULL,
               "(deployment %s) deploying task definition %s.", d->id,
               def->name);
  world_reconcile_wanted(w, (int) service);
}

void
service_roll_back(World *w, guint32 service)
{
  Service *s = service_get(w, service);
  Deployment *d = service_find_deployment(s, s->stable_deployment);
  g_return_if_fail(d != NULL && d != service_primary(s));
  /* Move it to the end (PRIMARY): its running tasks count as the
   * deployment's own again, so only missing ones are started. */
  guint at;
  if (g_ptr_array_find(s->deployments, d, &at))
    g_ptr_array_steal_index(s->deployments, at);
  g_ptr_array_add(s->deployments, d);
  d->rollout = ROLLOUT_IN_PROGRESS;
  d->is_rollback = TRUE;
  d->failed_tasks = 0;
  d->stall_reported = FALSE;
  s->start_failures = 0;
  s->launch_not_before = 0;
  eventlog_add(w, (int) service, "rollback", d->id, NULL,
               "rolling back to deployment %s (task definition %s).", d->id,
               d->def->name);
  world_reconcile_wanted(w, (int) service);
}

gboolean
service_deploying(World *w, guint32 service)
{
  const Deployment *d = service_primary(service_get(w, service));
  return d != NULL && d->rollout == ROLLOUT_IN_PROGRESS;
}

ServiceCounts
service_counts(World *w, guint32 service)
{
  const ServiceTally *n = service_tally(w, service_get(w, service));
  ServiceCounts c = {
    .running = n->running,
    .pending = n->pending,
    .stopping = n->stopping,
    .healthy = n->healthy_members,
  };
  return c;
}

void
service_set_steady(World *w, Service *s, gboolean steady)
{
  if (steady && !s->steady) {
    s->last_steady_event = world_now(w);
    eventlog_add(w, (int) s->index, "steady-state", NULL, NULL,
                 "has reached a steady state.");
  }
  s->steady = steady;
}

void
service_on_metric_published(World *w, SimTime start, SimTime end,
                            gpointer data)
{
  for (guint i = 0; i < w->services->len; i++) {
    Service *s = service_get(w, i);
    if (s->steady && world_now(w) - s->last_steady_event >=
                       ecs_rules(w)->steady_state_interval) {
      s->last_steady_event = world_now(w);
      eventlog_add(w, (int) i, "steady-state", NULL, NULL,
                   "has reached a steady state.");
    }
  }
}
