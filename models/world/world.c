/* Building a world from a scenario, the hook fan-out, and the run. */
#include "models/world/world.h"

#include "models/control/autoscale.h"
#include "models/capacity/capacity-provider.h"
#include "models/capacity/cluster.h"
#include "models/capacity/cost.h"
#include "models/capacity/cpu-share.h"
#include "models/control/daemon.h"
#include "models/core/hooks.h"
#include "models/core/eventlog.h"
#include "models/capacity/fargate.h"
#include "models/capacity/image-pull.h"
#include "models/control/faults.h"
#include "models/control/health.h"
#include "models/requests/aggregate.h"
#include "models/requests/arrivals.h"
#include "models/requests/lb.h"
#include "models/requests/calls.h"
#include "models/control/metrics.h"
#include "models/control/run-warnings.h"
#include "models/config/scenario-warnings.h"
#include "models/config/scenario.h"
#include "models/config/fidelity.h"
#include "models/input/input.h"
#include "models/control/scheduler.h"
#include "models/control/service.h"
#include "models/control/strategy.h"
#include "models/core/task-lifecycle.h"
#include "models/requests/task-queue.h"
#include "models/core/world-private.h"

/* TRUE for the streams a request draws from: its arrival, its service
 * time, the calls it makes and their errors, and in the aggregate
 * fidelity the noise a minute's requests put in its datapoints.
 * "traffic-modulation" (the bursts of a modulated generator) is not one
 * of them: the bursts are the scenario's load shape, kept with the
 * control plane, so that a --request-seed changes the requests' noise and
 * not their load. */
static gboolean
is_request_stream(const char *prefix)
{
  static const char *const request[] = { "traffic", "service-time", "calls",
                                         "errors", "metric-noise", NULL };
  return g_strv_contains(request, prefix);
}

gsl_rng *
world_rng(World *w, const char *prefix, const char *name)
{
  char key[256];
  g_snprintf(key, sizeof key, "%s/%s", prefix, name);
  /* A stream's numbers depend on (seed, name) alone: with request_seed
   * equal to seed, both sets give the same streams as one would. */
  return sim_rng_get(is_request_stream(prefix) ? w->request_rngs : w->rngs,
                     key);
}

/* The one place that wires the models together: every hook's subscribers,
 * in the order their effects must happen. */
static void
subscribe_all(World *w)
{
  /* The aggregate fidelity's flows step up to now with the rotation as it
   * was, before anything changes it. */
  if (world_fidelity(w) == FIDELITY_AGGREGATE) {
    world_on_task_changed(w, aggregate_on_task_state, NULL);
    world_on_task_health_changed(w, aggregate_on_task_health, NULL);
  }
  /* A task changed state: resources and serving first, then the
   * scheduler, which may start replacements at once. */
  world_on_task_changed(w, lb_on_task_state, NULL);
  world_on_task_changed(w, calls_on_task_state, NULL);
  world_on_task_changed(w, health_on_task_state, NULL);
  world_on_task_changed(w, capacity_on_task_state, NULL);
  world_on_task_changed(w, image_pull_on_task_state, NULL);
  world_on_task_changed(w, cost_on_task_state, NULL);
  world_on_task_changed(w, service_on_task_state, NULL);
  world_on_task_changed(w, scheduler_on_task_state, NULL);
  /* A task's health changed: a hung task stops serving, the checks and
   * the rotation follow, then the scheduler. */
  world_on_task_health_changed(w, task_queue_on_task_health, NULL);
  world_on_task_health_changed(w, health_on_condition, NULL);
  world_on_task_health_changed(w, lb_on_task_health, NULL);
  world_on_task_health_changed(w, service_on_task_health, NULL);
  /* Capacity appeared: DAEMON tasks first (ECS-REFERENCE §3), then the
   * tasks waiting for an instance, then every service looks again. */
  world_on_capacity_changed(w, daemon_on_capacity_changed, NULL);
  world_on_capacity_changed(w, cluster_on_capacity_changed, NULL);
  world_on_capacity_changed(w, scheduler_on_capacity_changed, NULL);
  /* Capacity lost or draining: the scheduler looks again. */
  world_on_reconcile_wanted(w, scheduler_on_reconcile_wanted, NULL);
  /* An instance ended: its bill closes. */
  world_on_instance_ended(w, cost_on_instance_ended, NULL);
  /* A period's datapoints were published: services that stayed steady
   * say so. (Service autoscaling and managed scaling read their own
   * one-minute datapoints, as CloudWatch publishes ECS and capacity
   * provider metrics each minute whatever the output period.) */
  world_on_metric_published(w, service_on_metric_published, NULL);
}

static void
init_requests(World *w)
{
  guint n = w->cfg->services->len;
  w->reqstats = g_new0(ReqStats, n);
  w->service_time_rngs = g_new0(gsl_rng *, n);
  for (guint i = 0; i < n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    reqstats_init(&w->reqstats[i], 0);
    w->service_time_rngs[i] = world_rng(w, "service-time", svc->name);
  }
}

World *
world_new(const ScenarioConfig *cfg, const WorldOptions *options,
          GError **error)
{
  static const WorldOptions defaults = { .traffic_scale = 1.0,
                                         .keep_rows = TRUE,
                                         .keep_events = TRUE };
  if (options != NULL && options->aggregate) {
    g_autofree char *obstacle = fidelity_aggregate_obstacle(cfg);
    if (obstacle != NULL) {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                  "%s: %s", cfg->file, obstacle);
      return NULL;
    }
  }
  World *w = g_new0(World, 1);
  w->cfg = cfg;
  w->options = options ? *options : defaults;
  if (w->options.traffic_scale <= 0)
    w->options.traffic_scale = 1.0;
  w->engine = sim_engine_new();
  w->rngs = sim_rng_set_new(cfg->seed);
  w->request_rngs = sim_rng_set_new(cfg->request_seed);
  w->horizon = cfg->duration;
  w->tasks = g_ptr_array_new();
  w->az_down = g_new0(gboolean, cfg->cluster->azs->len);
  w->warnings = warnings_new();
  w->hooks = world_hooks_new();
  subscribe_all(w);
  scenario_add_warnings(cfg, w->warnings);
  init_requests(w);
  capacity_providers_init(w);
  strategy_init(w);
  eventlog_init(w);
  task_lifecycle_init(w);
  calls_init(w);
  task_queue_init(w);
  if (world_fidelity(w) == FIDELITY_AGGREGATE)
    aggregate_init(w);
  else
    arrivals_init(w);
  cpu_share_init(w);
  lb_init(w);
  health_init(w);
  fargate_init(w);
  cost_init(w);
  scheduler_init(w);
  service_init(w);
  cluster_init(w);
  metrics_init(w);
  faults_init(w);
  autoscale_init(w);
  scheduler_start_all(w);
  return w;
}

void
world_free(World *w)
{
  if (w == NULL)
    return;
  autoscale_free(w);
  metrics_free(w);
  cluster_free(w);
  service_free(w);
  scheduler_free(w);
  cost_free(w);
  fargate_free(w);
  health_free(w);
  lb_free(w);
  arrivals_free(w);
  aggregate_free(w);
  eventlog_free(w);
  faults_free(w);
  cpu_share_free(w); /* before the queues: they leave it */
  for (guint i = 0; i < w->tasks->len; i++) {
    Task *t = w->tasks->pdata[i];
    task_queue_free(t->queue);
    g_free(t);
  }
  g_ptr_array_unref(w->tasks);
  strategy_free(w);
  capacity_providers_free(w);
  task_queue_fini(w);
  calls_free(w);
  task_lifecycle_free(w);
  for (guint i = 0; i < w->cfg->services->len; i++)
    reqstats_clear(&w->reqstats[i]);
  g_free(w->reqstats);
  g_free(w->service_time_rngs);
  g_free(w->az_down);
  warnings_free(w->warnings);
  world_hooks_free(w->hooks);
  sim_engine_free(w->engine);
  sim_rng_set_free(w->rngs);
  sim_rng_set_free(w->request_rngs);
  g_free(w);
}

static void
finish(World *w)
{
  metrics_finish(w);
  cost_finish(w);
  aggregate_collect_warnings(w);
  run_warnings_collect(w, w->warnings);
}

SimRunStatus
world_run(World *w, SimProgress *progress, volatile sig_atomic_t *interrupt)
{
  if (progress != NULL)
    sim_progress_attach(progress, w->engine);
  sim_engine_set_interrupt(w->engine, interrupt);
  gint64 start = g_get_monotonic_time();
  SimRunStatus status = sim_engine_run(w->engine, w->horizon);
  w->wall_seconds += (double) (g_get_monotonic_time() - start) / 1e6;
  if (progress != NULL)
    sim_progress_finish(progress);
  if (status == SIM_RUN_HORIZON || status == SIM_RUN_DRAINED) {
    finish(w);
    return SIM_RUN_HORIZON;
  }
  return status;
}

SimRunStatus
world_run_until(World *w, SimTime until)
{
  return sim_engine_run(w->engine, MIN(until, w->horizon));
}

SimEngine *
world_engine(World *w)
{
  return w->engine;
}

Fidelity
world_fidelity(const World *w)
{
  return w->options.aggregate ? FIDELITY_AGGREGATE : w->cfg->fidelity;
}

double
world_wall_seconds(const World *w)
{
  return w->wall_seconds;
}
