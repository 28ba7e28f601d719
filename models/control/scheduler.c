/* The service scheduler: reconciles, launches, backs off, rolls out. */
#include "models/control/scheduler.h"

#include "models/capacity/capacity-provider.h"
#include "models/capacity/cluster.h"
#include "models/control/daemon.h"
#include "models/control/service-tally.h"
#include "models/core/eventlog.h"
#include "models/config/scenario.h"
#include "models/control/strategy.h"
#include "models/core/task-lifecycle.h"

struct _Scheduler {
  World *w;              /* the world it belongs to */
  SimKindId reconcile_kind; /* a service's reconcile pass */
  SimKindId retry_kind;  /* a minute after a launch found no capacity */
};

static void
count_start_failure(World *w, Service *s, Task *t)
{
  const EcsRules *rules = ecs_rules(w);
  s->tasks_failed_to_start++;
  s->start_failures++;
  SimTime delay = rules->retry_backoff_base;
  for (int k = 1; k < s->start_failures && delay < rules->retry_backoff_max;
       k++)
    delay *= 2;
  delay = MIN(delay, rules->retry_backoff_max);
  s->launch_not_before = world_now(w) + delay;
  if (s->start_failures == 3)
    eventlog_add(w, (int) s->index, "unable-to-start", NULL, t,
                 "is unable to consistently start tasks successfully.");
}

static void
on_reconcile(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Scheduler *) model)->w;
  Service *s = service_get(w, *(guint32 *) payload);
  s->reconcile_pending = FALSE;
  scheduler_reconcile(w, s);
}

static void
on_retry(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Scheduler *) model)->w;
  Service *s = service_get(w, *(guint32 *) payload);
  s->retry_armed = FALSE;
  scheduler_request_reconcile(w, s->index);
}

/* The retry cadence plus slack: failures further apart end a spell. */
#define UNPLACED_SPELL_GAP (SIM_MIN + 30 * SIM_SEC)

/* A launch found no capacity and no task was made: the spell of such
 * failures goes on (or a new one starts). A task that waits for an
 * instance instead has its wait measured by the cluster. */
static void
note_unplaced_spell(World *w, Service *s)
{
  SimTime now = world_now(w);
  if (s->unplaced_since < 0 || now - s->unplaced_last > UNPLACED_SPELL_GAP)
    s->unplaced_since = now;
  s->unplaced_last = now;
  s->unplaced_longest = MAX(s->unplaced_longest, now - s->unplaced_since);
}

static void
report_unplaced(World *w, Service *s, UnplacedReason reason,
                const char *why)
{
  s->unplaced++;
  s->unplaced_by_reason[reason]++;
  /* ECS keeps trying: look again in a minute even if nothing else
   * changes. */
  if (!s->retry_armed) {
    s->retry_armed = TRUE;
    sim_schedule_inline(w->engine, world_now(w) + SIM_MIN,
                        w->scheduler->retry_kind, &s->index, sizeof s->index);
  }
  /* ECS repeats this event while the condition lasts; keep the log
   * readable with one per service every 10 minutes. */
  if (world_now(w) - s->last_unplaced_event < 10 * SIM_MIN)
    return;
  s->last_unplaced_event = world_now(w);
  eventlog_add(w, (int) s->index, "unable-to-place", NULL, NULL,
               "was unable to place a task because no container instance "
               "met all of its requirements.%s%s",
               why && *why ? " " : "", why ? why : "");
}

gboolean
scheduler_launch(World *w, Service *s, Deployment *d, gboolean warm,
               GString *started)
{
  const CapacityProvider *p =
    capacity_provider(w, strategy_pick_provider(w, s));
  int instance = -1;
  UnplacedReason reason = UNPLACED_NO_INSTANCES;
  g_autoptr(GString) why = g_string_new(NULL);
  CapacityAnswer answer = p->ops->can_place(w, p, s->index, d->def,
                                            &instance, &reason, why);
  if (answer == CAPACITY_NONE) {
    report_unplaced(w, s, reason, why->str);
    note_unplaced_spell(w, s);
    return FALSE;
  }
  Task *t = task_new(w, s->index, d->number, d->def, &d->failure, p->index,
                     p->serverless, p->spot);
  s->tasks_started++;
  if (answer == CAPACITY_LATER)
    report_unplaced(w, s, reason, why->str);
  p->ops->launch(w, p, t, instance, answer, warm);
  if (started != NULL) {
    char id[33];
    g_string_append_printf(started, " (task %s)", task_format_id(t->id, id));
  }
  return TRUE;
}

void
scheduler_start_all(World *w)
{
  gboolean warm = w->cfg->cluster->start_warm;
  for (guint i = 0; i < w->services->len; i++) {
    Service *s = service_get(w, i);
    if (s->cfg->scheduling == SERVICE_DAEMON)
      continue; /* placed per instance by the reconcile */
    if (!warm) {
      scheduler_request_reconcile(w, i);
      continue;
    }
    Deployment *d = service_primary(s);
    for (int k = 0; k < s->desired; k++)
      if (!scheduler_launch(w, s, d, TRUE, NULL))
        break;
    scheduler_request_reconcile(w, i);
  }
}

int
scheduler_max_tasks(int desired, int max_percent)
{
  return (int) ((gint64) desired * max_percent / 100);
}

int
scheduler_min_healthy(int desired, int min_percent)
{
  return (int) (((gint64) desired * min_percent + 99) / 100);
}

/* What one reconcile pass sees and does. */
typedef struct {
  World *w;
  Service *s;
  Deployment *primary;
  int desired, max_total, min_healthy;
  int total;          /* tasks not STOPPED */
  int healthy;        /* counting healthy, not marked unhealthy */
  int transitioning;  /* pending, or running but not yet judged */
  int stopping;
  gboolean unhealthy_stopping;
  guint32 first_new;  /* tasks from this id on were launched by the pass */
  GArray *live;       /* live task ids when the pass began; NULL until a
                         step needs them (live_ids()) */
  GString *started, *stopped;
  int n_started, n_stopped;
} Pass;

static gboolean
is_healthy(const Task *t)
{
  return t->counts_healthy && !t->marked_unhealthy;
}

/* The counts the pass starts from: kept as tasks change
 * (service-tally.h), so a pass with nothing to stop reads no task. */
static void
survey(Pass *p)
{
  const ServiceTally *n = service_tally(p->w, p->s);
  p->total = n->members;
  p->stopping = n->stopping;
  p->unhealthy_stopping = n->stopping_unhealthy > 0;
  p->healthy = n->healthy;
  p->transitioning = n->transitioning;
  p->first_new = p->w->tasks->len;
}

/* The ids of the tasks that were live when the pass began (and may have
 * stopped since), in the service's order. Built on first use: until a
 * step stops a task, the service's tasks are those of the pass's start
 * plus those it launched, which have the newest ids. */
static GArray *
live_ids(Pass *p)
{
  if (p->live != NULL)
    return p->live;
  p->live = g_array_new(FALSE, FALSE, sizeof(guint32));
  p->s->tasks_examined += p->s->tasks->len;
  for (guint i = 0; i < p->s->tasks->len; i++) {
    const Task *t = world_task(p->w, g_array_index(p->s->tasks, guint32, i));
    if (t->id < p->first_new && task_is_live(t))
      g_array_append_val(p->live, t->id);
  }
  return p->live;
}

/* The primary deployment's current (not draining) tasks' counts. */
static const DeploymentTally *
primary_counts(const Pass *p)
{
  return service_tally_deployment(service_tally(p->w, p->s),
                                  p->primary->number);
}

static void
stop(Pass *p, Task *t, StopReason reason)
{
  char id[33];
  p->healthy -= is_healthy(t);
  task_stop(p->w, t, reason);
  p->n_stopped++;
  g_string_append_printf(p->stopped, " (task %s)", task_format_id(t->id, id));
}

/* Tasks to replace like an old deployment's: those of older deployments,
 * and those on a DRAINING instance (ECS replaces them under the same
 * minimumHealthyPercent and maximumPercent). */
static gboolean
is_old(const Pass *p, const Task *t)
{
  return t->deployment != p->primary->number || t->draining;
}

static StopReason
old_reason(const Task *t)
{
  return t->draining ? STOP_INSTANCE_DRAINING : STOP_DEPLOYMENT;
}

static int primary_good(const Pass *p);

/* Unhealthy tasks stop once their replacements are healthy; when
 * maximumPercent leaves no room to start a replacement, one at a time. */
static void
stop_unhealthy(Pass *p)
{
  if (service_tally(p->w, p->s)->marked == 0)
    return;
  GArray *live = live_ids(p);
  p->s->tasks_examined += live->len;
  for (guint i = 0; i < live->len; i++) {
    Task *t = world_task(p->w, g_array_index(live, guint32, i));
    if (!task_is_live(t) || !t->marked_unhealthy)
      continue;
    gboolean replaced = p->healthy >= p->desired;
    gboolean no_room = p->total >= p->max_total &&
                       primary_good(p) < p->desired &&
                       !p->unhealthy_stopping;
    if (replaced || no_room || is_old(p, t)) {
      stop(p, t, STOP_UNHEALTHY);
      p->unhealthy_stopping = TRUE;
    }
  }
}

/* Live tasks of older deployments or on draining instances, and those
 * of them counting healthy. */
static int
live_old(const Pass *p)
{
  return service_tally(p->w, p->s)->live - primary_counts(p)->live;
}

static int
healthy_old(const Pass *p)
{
  return service_tally(p->w, p->s)->healthy - primary_counts(p)->healthy;
}

static void
stop_old_unhealthy(Pass *p)
{
  if (live_old(p) - healthy_old(p) == 0)
    return;
  GArray *live = live_ids(p);
  p->s->tasks_examined += live->len;
  for (guint i = 0; i < live->len; i++) {
    Task *t = world_task(p->w, g_array_index(live, guint32, i));
    if (task_is_live(t) && is_old(p, t) && !is_healthy(t))
      stop(p, t, old_reason(t));
  }
}

/* Live tasks of the primary deployment, not draining, not marked
 * unhealthy. The service's counts, not a walk of the tasks live at the
 * pass's start, also hold those the pass launched: the launch step asks
 * before it launches, and after it they bring the count at most to the
 * desired count, where scale-in's question has the same answer. */
static int
primary_good(const Pass *p)
{
  return primary_counts(p)->good;
}

static void
arm_retry(World *w, Service *s)
{
  if (s->retry_armed)
    return;
  s->retry_armed = TRUE;
  sim_schedule_inline(w->engine, s->launch_not_before,
                      w->scheduler->retry_kind, &s->index, sizeof s->index);
}

static void
launch(Pass *p)
{
  if (p->primary->rollout == ROLLOUT_FAILED || p->desired == 0)
    return;
  int want = p->desired - primary_good(p);
  int room = p->max_total - p->total;
  int n = MIN(want, room);
  if (n <= 0)
    return;
  if (world_now(p->w) < p->s->launch_not_before) {
    arm_retry(p->w, p->s);
    p->transitioning++; /* waiting out the back-off is not a stall */
    return;
  }
  for (int k = 0; k < n; k++) {
    if (!scheduler_launch(p->w, p->s, p->primary, FALSE, p->started)) {
      p->transitioning++; /* waiting for capacity */
      break;
    }
    p->n_started++;
    p->total++;
  }
}

/* Tasks to stop, one after another, chosen among those of an array not
 * stopped yet: the strategy's provider first (strategy.h: the one
 * furthest above its share of one task fewer), then placement's scale-in
 * rules among that provider's tasks, in the array's order. The counts
 * and per-provider rankings are kept as tasks are taken, so that stopping
 * k of n tasks costs O(n log n + k log n), not O(k n). */
typedef struct {
  const StrategyItem *items; /* the service's strategy */
  guint n_items;
  int have[32];              /* tasks left on each item's provider */
  int want[32];              /* strategy_distribute() of left - 1 tasks */
  guint *order;              /* strategy_order() of the first n - 1 */
  guint left;
  guint n_providers;
  ClusterVictims **part;     /* per provider, and last those on no item's
                                provider (taken when no item has any) */
} Victims;

static void
victims_init(Pass *p, Victims *v, const GArray *ids)
{
  const GArray *items = strategy_of(p->w, p->s->index);
  g_assert(items->len <= G_N_ELEMENTS(v->have));
  *v = (Victims){ .items = (const StrategyItem *) items->data,
                  .n_items = items->len, .left = ids->len,
                  .n_providers = p->w->providers->len };
  g_autofree GArray **parts = g_new0(GArray *, v->n_providers + 1);
  for (guint i = 0; i < ids->len; i++) {
    const Task *t = world_task(p->w, g_array_index(ids, guint32, i));
    guint part = v->n_providers;
    for (guint k = 0; k < v->n_items; k++)
      if (v->items[k].provider == t->provider) {
        v->have[k]++;
        part = (guint) t->provider;
      }
    if (parts[part] == NULL)
      parts[part] = g_array_new(FALSE, FALSE, sizeof(guint32));
    g_array_append_val(parts[part], t->id);
  }
  v->part = g_new0(ClusterVictims *, v->n_providers + 1);
  for (guint i = 0; i <= v->n_providers; i++)
    if (parts[i] != NULL) {
      v->part[i] = cluster_victims_new(p->w, p->s->index,
                                       (const guint32 *) parts[i]->data,
                                       parts[i]->len);
      g_array_unref(parts[i]);
    }
  v->order = g_new(guint, MAX(v->left, 1));
  if (v->left > 0)
    strategy_order(v->items, v->n_items, (int) v->left - 1, v->order);
  for (guint i = 0; i + 1 < v->left; i++)
    v->want[v->order[i]]++;
}

/* The next task to stop; one must be left. */
static Task *
victims_take(Pass *p, Victims *v)
{
  g_assert(v->left > 0);
  int provider = strategy_victim_provider(v->items, v->n_items, v->have,
                                          v->want);
  ClusterVictims *part =
    v->part[provider < 0 ? v->n_providers : (guint) provider];
  Task *t = world_task(p->w, cluster_victims_take(part));
  for (guint k = 0; k < v->n_items; k++)
    if (v->items[k].provider == t->provider)
      v->have[k]--;
  if (--v->left > 0)
    v->want[v->order[v->left - 1]]--;
  return t;
}

static void
victims_clear(Victims *v)
{
  for (guint i = 0; i <= v->n_providers; i++)
    cluster_victims_free(v->part[i]);
  g_free(v->part);
  g_free(v->order);
}

static void
stop_old_healthy(Pass *p)
{
  if (healthy_old(p) == 0 || p->healthy - 1 < p->min_healthy)
    return;
  GArray *live = live_ids(p);
  g_autoptr(GArray) old = g_array_new(FALSE, FALSE, sizeof(guint32));
  p->s->tasks_examined += live->len;
  for (guint i = 0; i < live->len; i++) {
    const Task *t = world_task(p->w, g_array_index(live, guint32, i));
    if (task_is_live(t) && is_old(p, t) && is_healthy(t))
      g_array_append_val(old, t->id);
  }
  Victims v;
  victims_init(p, &v, old);
  while (v.left > 0 && p->healthy - 1 >= p->min_healthy) {
    Task *t = victims_take(p, &v);
    stop(p, t, old_reason(t));
  }
  victims_clear(&v);
}

static void
scale_in(Pass *p)
{
  int extra = primary_good(p) - p->desired;
  if (extra <= 0)
    return;
  g_autoptr(GArray) waiting = g_array_new(FALSE, FALSE, sizeof(guint32));
  g_autoptr(GArray) running = g_array_new(FALSE, FALSE, sizeof(guint32));
  GArray *live = live_ids(p);
  p->s->tasks_examined += live->len;
  for (guint i = 0; i < live->len; i++) {
    const Task *t = world_task(p->w, g_array_index(live, guint32, i));
    if (!task_is_live(t) || is_old(p, t) || t->marked_unhealthy)
      continue;
    /* Tasks that are not running yet go first. */
    g_array_append_val(t->state < TASK_RUNNING ? waiting : running, t->id);
  }
  for (; extra > 0 && waiting->len > 0; extra--) {
    guint32 id = g_array_index(waiting, guint32, waiting->len - 1);
    g_array_set_size(waiting, waiting->len - 1);
    stop(p, world_task(p->w, id), STOP_SCALE_IN);
  }
  if (extra == 0 || running->len == 0)
    return;
  Victims v;
  victims_init(p, &v, running);
  for (; extra > 0 && v.left > 0; extra--)
    stop(p, victims_take(p, &v), STOP_SCALE_IN);
  victims_clear(&v);
}

static void
report(Pass *p)
{
  if (p->n_started > 0)
    eventlog_add(p->w, (int) p->s->index, "tasks-started", p->primary->id,
                 NULL, "has started %d tasks:%s.", p->n_started,
                 p->started->str);
  if (p->n_stopped > 0)
    eventlog_add(p->w, (int) p->s->index, "tasks-stopped", NULL, NULL,
                 "has stopped %d running tasks:%s.", p->n_stopped,
                 p->stopped->str);
}

/* Counts of the settled state after the pass. */
static void
settle(Pass *p)
{
  World *w = p->w;
  Service *s = p->s;
  const ServiceTally *n = service_tally(w, s);
  const DeploymentTally *primary = primary_counts(p);
  int live_primary = primary->live, healthy_primary = primary->healthy;
  int live_old = n->live - live_primary, pending = n->pending;
  int stopping = n->stopping, old_stopping = n->stopping - primary->stopping;
  Deployment *d = p->primary;
  /* Complete once the old tasks have stopped, not merely begun to: ECS
   * says "has stopped" and "deployment completed" in that order. */
  if (d->rollout == ROLLOUT_IN_PROGRESS && live_old == 0 &&
      old_stopping == 0 && live_primary == p->desired &&
      healthy_primary == p->desired) {
    d->rollout = ROLLOUT_COMPLETED;
    s->deployments_completed++;
    s->stable_def = d->def;
    s->stable_deployment = d->number;
    eventlog_add(w, (int) s->index, "deployment-completed", d->id, NULL,
                 "(deployment %s) deployment completed.", d->id);
  }
  gboolean moved = p->n_started + p->n_stopped > 0;
  if (d->rollout == ROLLOUT_IN_PROGRESS && !moved && !d->stall_reported &&
      p->transitioning == 0 && pending == 0 && stopping == 0 &&
      (live_old > 0 || live_primary < p->desired)) {
    d->stall_reported = TRUE;
    eventlog_add(w, (int) s->index, "deployment-stalled", d->id, NULL,
                 "was unable to stop or start tasks during a deployment "
                 "because of the service deployment configuration. Update "
                 "the minimumHealthyPercent or maximumPercent value and try "
                 "again.");
  }
  gboolean steady = d->rollout != ROLLOUT_IN_PROGRESS && live_old == 0 &&
                    pending == 0 && stopping == 0 &&
                    live_primary == p->desired &&
                    healthy_primary == p->desired;
  service_set_steady(w, s, steady);
}

void
scheduler_reconcile(World *w, Service *s)
{
  if (s->cfg->scheduling == SERVICE_DAEMON) {
    daemon_reconcile(w, s);
    return;
  }
  Pass p = {
    .w = w,
    .s = s,
    .primary = service_primary(s),
    .desired = s->desired,
    .started = g_string_new(NULL),
    .stopped = g_string_new(NULL),
  };
  p.max_total = scheduler_max_tasks(p.desired, s->cfg->max_percent);
  p.min_healthy = scheduler_min_healthy(p.desired, s->cfg->min_healthy_percent);
  survey(&p);
  stop_unhealthy(&p);
  stop_old_unhealthy(&p);
  launch(&p);
  stop_old_healthy(&p);
  scale_in(&p);
  report(&p);
  settle(&p);
  if (p.live != NULL)
    g_array_unref(p.live);
  g_string_free(p.started, TRUE);
  g_string_free(p.stopped, TRUE);
}

static void
fail_deployment(World *w, Service *s, Deployment *d)
{
  d->rollout = ROLLOUT_FAILED;
  s->deployments_failed++;
  eventlog_add(w, (int) s->index, "deployment-failed", d->id, NULL,
               "(deployment %s) deployment failed: tasks failed to start.",
               d->id);
  if (s->cfg->rollback &&
      service_find_deployment(s, s->stable_deployment) != NULL) {
    s->rollbacks++;
    service_roll_back(w, s->index);
  }
}

void
scheduler_count_failure(World *w, Service *s, Deployment *d, Task *t,
                     gboolean never_ran)
{
  gboolean stage1 = never_ran && (t->stop_reason == STOP_STARTUP_FAILURE ||
                                  t->stop_reason == STOP_ESSENTIAL_EXIT ||
                                  t->stop_reason == STOP_UNHEALTHY);
  gboolean stage2 = !never_ran && d->any_running &&
                    t->stop_reason == STOP_UNHEALTHY;
  if (!stage1 && !stage2)
    return;
  d->failed_tasks++;
  if (!s->cfg->circuit_breaker || d != service_primary(s) ||
      d->rollout != ROLLOUT_IN_PROGRESS)
    return;
  if (d->failed_tasks >= ecs_rules_breaker_threshold(ecs_rules(w),
                                                     s->desired))
    fail_deployment(w, s, d);
}

void
scheduler_init(World *w)
{
  static const SimEventKind reconcile = { "service.reconcile", on_reconcile,
                                          NULL };
  static const SimEventKind retry = { "service.retry", on_retry, NULL };
  Scheduler *sc = g_new0(Scheduler, 1);
  w->scheduler = sc;
  sc->w = w;
  sc->reconcile_kind = sim_engine_register(w->engine, &reconcile, sc);
  sc->retry_kind = sim_engine_register(w->engine, &retry, sc);
}

void
scheduler_free(World *w)
{
  g_clear_pointer(&w->scheduler, g_free);
}

void
scheduler_request_reconcile(World *w, guint32 service)
{
  Service *s = service_get(w, service);
  if (s->reconcile_pending)
    return;
  s->reconcile_pending = TRUE;
  sim_schedule_inline(w->engine, world_now(w), w->scheduler->reconcile_kind,
                      &s->index, sizeof s->index);
}

void
scheduler_request_reconcile_all(World *w)
{
  for (guint i = 0; i < w->services->len; i++)
    scheduler_request_reconcile(w, i);
}

void
scheduler_on_capacity_changed(World *w, gpointer data)
{
  scheduler_request_reconcile_all(w);
}

void
scheduler_on_reconcile_wanted(World *w, int service, gpointer data)
{
  if (service < 0)
    scheduler_request_reconcile_all(w);
  else
    scheduler_request_reconcile(w, (guint32) service);
}


void
scheduler_on_task_state(World *w, Task *t, TaskState old, gpointer data)
{
  if (t->state == TASK_STOPPED) {
    Service *s = service_get(w, t->service);
    Deployment *d = service_find_deployment(s, t->deployment);
    gboolean never_ran = t->entered[TASK_RUNNING] < 0;
    if (t->stop_reason == STOP_STARTUP_FAILURE)
      count_start_failure(w, s, t);
    if (d != NULL)
      scheduler_count_failure(w, s, d, t, never_ran);
  }
  scheduler_request_reconcile(w, t->service);
}

