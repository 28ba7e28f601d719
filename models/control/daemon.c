/* The reconcile pass of a DAEMON service. */
#include "models/control/daemon.h"

#include "models/capacity/cluster.h"
#include "models/control/scheduler.h"
#include "models/core/eventlog.h"
#include "models/config/scenario.h"
#include "models/core/task-lifecycle.h"

/* The live task of @s on @instance, or NULL. */
static Task *
task_on(World *w, Service *s, guint32 instance)
{
  for (guint i = 0; i < s->tasks->len; i++) {
    Task *t = world_task(w, g_array_index(s->tasks, guint32, i));
    if (t->instance == (int) instance && task_is_live(t))
      return t;
  }
  return NULL;
}

static gboolean
any_stopping_on(World *w, Service *s, guint32 instance)
{
  for (guint i = 0; i < s->tasks->len; i++) {
    const Task *t = world_task(w, g_array_index(s->tasks, guint32, i));
    if (t->instance == (int) instance && !task_is_live(t))
      return TRUE;
  }
  return FALSE;
}

/* Starts a task of deployment @d of DAEMON service @s on @instance;
 * appends " (task ID)" to @ids. FALSE when it does not fit. */
static gboolean
place_on(World *w, Service *s, Deployment *d, guint32 instance, GString *ids)
{
  if (!cluster_fits_on(w, s->index, d->def, instance))
    return FALSE;
  int provider = capacity_provider_index(w, "EC2");
  Task *t = task_new(w, s->index, d->number, d->def, &d->failure, provider,
                     FALSE, FALSE);
  s->tasks_started++;
  int az = cluster_commit(w, t, (int) instance);
  if (w->cfg->cluster->start_warm && world_now(w) == 0)
    task_warm_start(w, t, (int) instance, az);
  else
    task_provisioned(w, t, (int) instance, az, 0);
  char id[33];
  g_string_append_printf(ids, " (task %s)", task_format_id(t->id, id));
  return TRUE;
}

void
daemon_reconcile(World *w, Service *s)
{
  Deployment *primary = service_primary(s);
  int eligible = 0, healthy = 0, started = 0;
  g_autoptr(GString) ids = g_string_new(NULL);
  g_autoptr(GArray) old = g_array_new(FALSE, FALSE, sizeof(guint32));
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    if (inst->state != INSTANCE_ACTIVE ||
        !cluster_daemon_eligible(w, s->index, primary->def, i))
      continue;
    eligible++;
    Task *t = task_on(w, s, i);
    if (t != NULL) {
      healthy += t->counts_healthy && !t->marked_unhealthy;
      if (t->deployment != primary->number || t->marked_unhealthy)
        g_array_append_val(old, t->id);
      continue;
    }
    if (any_stopping_on(w, s, i) || primary->rollout == ROLLOUT_FAILED)
      continue;
    if (place_on(w, s, primary, i, ids))
      started++;
  }
  s->desired = eligible;
  int min_healthy = scheduler_min_healthy(eligible,
                                       s->cfg->min_healthy_percent);
  g_autoptr(GString) stopped_ids = g_string_new(NULL);
  int stopped = 0;
  for (guint i = 0; i < old->len; i++) {
    Task *t = world_task(w, g_array_index(old, guint32, i));
    gboolean counted = t->counts_healthy && !t->marked_unhealthy;
    if (counted && healthy - 1 < min_healthy)
      break;
    healthy -= counted;
    task_stop(w, t, t->marked_unhealthy ? STOP_UNHEALTHY : STOP_DEPLOYMENT);
    char id[33];
    g_string_append_printf(stopped_ids, " (task %s)",
                           task_format_id(t->id, id));
    stopped++;
  }
  if (started > 0)
    eventlog_add(w, (int) s->index, "tasks-started", primary->id, NULL,
                 "has started %d tasks:%s.", started, ids->str);
  if (stopped > 0)
    eventlog_add(w, (int) s->index, "tasks-stopped", NULL, NULL,
                 "has stopped %d running tasks:%s.", stopped,
                 stopped_ids->str);
  if (primary->rollout == ROLLOUT_IN_PROGRESS && old->len == 0 &&
      healthy == eligible) {
    primary->rollout = ROLLOUT_COMPLETED;
    s->deployments_completed++;
    s->stable_def = primary->def;
    s->stable_deployment = primary->number;
    eventlog_add(w, (int) s->index, "deployment-completed", primary->id,
                 NULL, "(deployment %s) deployment completed.", primary->id);
  }
  ServiceCounts c = service_counts(w, s->index);
  service_set_steady(w, s, primary->rollout != ROLLOUT_IN_PROGRESS &&
                             old->len == (guint) stopped &&
                             c.pending + c.stopping == 0 &&
                             c.running == eligible && c.healthy == eligible);
}

void
daemon_on_capacity_changed(World *w, gpointer data)
{
  /* DAEMON tasks are placed first (ECS-REFERENCE §3), so a new instance
   * gets its daemon before replica tasks fill it. */
  for (guint i = 0; i < w->services->len; i++) {
    Service *s = service_get(w, i);
    if (s->cfg->scheduling == SERVICE_DAEMON)
      scheduler_reconcile(w, s);
  }
}
