/* Container instances: launch, registration, draining, failure and
 * termination, and what their tasks leave behind when they stop. */
#include "models/capacity/cluster-private.h"

#include <gsl/gsl_randist.h>
#include <string.h>

#include "models/capacity/image-pull.h"
#include "models/config/instance-boot.h"
#include "models/core/hooks.h"
#include "models/core/eventlog.h"
#include "models/capacity/managed-scaling.h"
#include "models/config/scenario.h"
#include "models/core/task-lifecycle.h"
#include "models/capacity/warm-pool.h"

typedef struct {
  guint32 what;
  guint32 instance;
} ClusterEvent;

guint
cluster_n_instances(const World *w)
{
  return cl(w)->instances->len;
}

const Instance *
cluster_instance(const World *w, guint32 id)
{
  return cl(w)->instances->pdata[id];
}

guint
cluster_running_instances(const World *w)
{
  return cl(w)->n_registered;
}

guint
cluster_max_instances(const World *w)
{
  return cl(w)->max_registered;
}

guint
cluster_waiting_tasks(const World *w)
{
  return g_queue_get_length(&cl(w)->waiting);
}

/* A draining instance stops its daemon tasks last, and terminates once
 * it is empty. */
static void
finish_draining(World *w, Instance *inst)
{
  if (inst->tasks > inst->daemon_tasks)
    return;
  if (inst->tasks > 0) {
    for (guint i = 0; i < w->tasks->len; i++) {
      Task *t = w->tasks->pdata[i];
      if (t->instance == (int) inst->id && task_is_live(t))
        task_stop(w, t, STOP_INSTANCE_DRAINING);
    }
    return;
  }
  cluster_terminate(w, inst, "scale-in (drained)");
}

void
cluster_release(World *w, Task *t)
{
  if (t->instance < 0)
    return; /* stopped while waiting for an instance */
  Instance *inst = cl(w)->instances->pdata[t->instance];
  if (inst->state != INSTANCE_TERMINATED)
    placement_release(cl(w)->placement, (uint32_t) t->instance, t->service,
                      cluster_needs(w, t->def));
  inst->tasks--;
  if (((ServiceConfig *) w->cfg->services->pdata[t->service])->scheduling ==
      SERVICE_DAEMON)
    inst->daemon_tasks--;
  if (inst->state == INSTANCE_DRAINING && inst->draining_for_scale_in)
    finish_draining(w, inst);
  if (inst->state != INSTANCE_TERMINATED)
    world_capacity_changed(w);
}

void
cluster_drain(World *w, Instance *inst)
{
  cluster_drain_instance(w, inst, TRUE);
}

void
cluster_drain_instance(World *w, Instance *inst,
                       gboolean terminate_when_empty)
{
  if (inst->state != INSTANCE_ACTIVE)
    return;
  inst->state = INSTANCE_DRAINING;
  inst->draining_for_scale_in = terminate_when_empty;
  cl(w)->drain_generation++;
  placement_set_active(cl(w)->placement, inst->id, FALSE);
  eventlog_add(w, -1, "instance-draining", NULL, NULL,
               "container instance %s is DRAINING: its tasks are replaced "
               "elsewhere before it terminates.", inst->ec2_id);
  for (guint i = 0; i < w->tasks->len; i++) {
    Task *t = w->tasks->pdata[i];
    if (t->instance == (int) inst->id && task_is_live(t)) {
      t->draining = TRUE;
      world_reconcile_wanted(w, (int) t->service);
    }
  }
  if (terminate_when_empty)
    finish_draining(w, inst);
}

guint
cluster_drain_generation(const World *w)
{
  return cl(w)->drain_generation;
}

/* ---- instances ---------------------------------------------------- */

static int
balanced_az(World *w, int asg_index)
{
  const AsgConfig *asg = w->cfg->cluster->asgs->pdata[asg_index];
  int best = -1, best_count = G_MAXINT;
  for (guint i = 0; i < asg->azs->len; i++) {
    int az = cluster_config_az_index(w->cfg->cluster, asg->azs->pdata[i]);
    if (w->az_down[az])
      continue;
    int count = 0;
    for (guint k = 0; k < cl(w)->instances->len; k++) {
      const Instance *inst = cl(w)->instances->pdata[k];
      count += inst->asg == asg_index && inst->az == az &&
               inst->state != INSTANCE_TERMINATED;
    }
    if (count < best_count) {
      best = az;
      best_count = count;
    }
  }
  return best;
}

void
cluster_schedule(World *w, SimTime at, guint32 what, guint32 arg)
{
  ClusterEvent e = { what, arg };
  sim_schedule_inline(w->engine, at, w->cluster->kind, &e, sizeof e);
}

static void
schedule(World *w, SimTime at, guint32 what, guint32 instance)
{
  cluster_schedule(w, at, what, instance);
}

static void
register_instance(World *w, Instance *inst)
{
  const AsgConfig *asg = w->cfg->cluster->asgs->pdata[inst->asg];
  inst->state = INSTANCE_ACTIVE;
  inst->registered_at = world_now(w);
  const char *arch = inst->type->arch == ECS_ARCH_ARM64 ? "arm64" : "x86_64";
  PlacementInstanceInfo info = {
    .az = (uint32_t) inst->az,
    .group = (uint32_t) inst->asg,
    .instance_id = inst->ec2_id,
    .instance_type = inst->type->name,
    .az_name = w->cfg->cluster->azs->pdata[inst->az],
    .cpu_architecture = arch,
    .cpu = inst->type->vcpu * 1024,
    .memory = inst->type->registered_memory_mib - asg->reserved_memory_mib,
    .awsvpc_slots = instance_type_awsvpc_limit(inst->type,
                                               w->cfg->cluster
                                                 ->awsvpc_trunking),
  };
  placement_add_instance(cl(w)->placement, inst->id, &info);
  cl(w)->n_registered++;
  cl(w)->max_registered = MAX(cl(w)->max_registered, cl(w)->n_registered);
  if (asg->instance_mttf > 0) {
    gsl_rng *rng = world_rng(w, "instance-failure", asg->name);
    double s = gsl_ran_exponential(rng,
                                   sim_time_to_seconds(asg->instance_mttf));
    schedule(w, world_now(w) + sim_time_from_seconds(s), CL_FAIL, inst->id);
  }
  cluster_spot_registered(w, inst);
  world_capacity_changed(w);
}

/* Launches one instance of ASG @asg_index; registered at once when
 * @warm. Returns NULL when no AZ is up. */
Instance *
cluster_launch(World *w, int asg_index, gboolean warm)
{
  return cluster_launch_as(w, asg_index, warm, FALSE);
}

Instance *
cluster_launch_as(World *w, int asg_index, gboolean warm,
                  gboolean force_spot)
{
  const AsgConfig *asg = w->cfg->cluster->asgs->pdata[asg_index];
  int az = balanced_az(w, asg_index);
  if (az < 0)
    return NULL;
  Instance *inst = g_new0(Instance, 1);
  inst->id = cl(w)->instances->len;
  inst->asg = asg_index;
  inst->az = az;
  inst->type = asg->type;
  inst->state = INSTANCE_PENDING;
  inst->launched_at = world_now(w);
  inst->running_at = world_now(w);
  inst->registered_at = -1;
  inst->terminated_at = -1;
  inst->notice_at = -1;
  inst->replaces = -1;
  cluster_spot_choose(w, inst, force_spot);
  /* EC2 ids are "i-" and 17 hex digits; a bijective mix of the index
   * makes them unique and stable. */
  guint64 h = (inst->id + 1) * UINT64_C(0x9e3779b97f4a7c15);
  h = (h ^ (h >> 31)) * UINT64_C(0xbf58476d1ce4e5b9);
  h ^= h >> 29;
  g_snprintf(inst->ec2_id, sizeof inst->ec2_id, "i-0%016" G_GINT64_MODIFIER
             "x", h);
  g_ptr_array_add(cl(w)->instances, inst);
  if (warm) {
    register_instance(w, inst);
  } else if (warm_pool_take(w, asg_index)) {
    /* Pre-initialised: only its start and the agent's registration. */
    inst->from_warm_pool = TRUE;
    eventlog_add(w, -1, "warm-pool", NULL, NULL,
                 "Auto Scaling group %s: instance %s left the warm pool "
                 "(Warmed:%s) to join the group.", asg->name, inst->ec2_id,
                 asg_ec2_pool_state_name(asg->ec2.warm_pool->state));
    gsl_rng *rng = world_rng(w, "warm-pool-join", asg->name);
    SimTime join = dist_sample(&asg->ec2.warm_pool->join_time, rng);
    schedule(w, world_now(w) + join, CL_REGISTER, inst->id);
    warm_pool_refill(w, asg_index);
  } else {
    gsl_rng *rng = world_rng(w, "instance-launch", asg->name);
    gsl_rng *boot_rng = world_rng(w, "instance-boot", asg->name);
    SimTime launch, boot;
    /* A given launch_time is the whole launch, booting its last part (by
     * default all of it but EC2's pending state); otherwise EC2's pending
     * state comes before the boot (by default the family's). */
    if (asg->launch_time_given) {
      launch = dist_sample(&asg->launch_time, rng);
      boot = asg->boot_time_given
               ? dist_sample(&asg->boot_time, boot_rng)
               : launch - dist_sample(instance_boot_pending(), boot_rng);
      boot = CLAMP(boot, 0, launch);
    } else {
      boot = dist_sample(&asg->boot_time, boot_rng);
      launch = dist_sample(instance_boot_pending(), rng) + boot;
    }
    inst->running_at = world_now(w) + launch - boot;
    schedule(w, world_now(w) + launch, CL_REGISTER, inst->id);
  }
  return inst;
}

void
cluster_terminate(World *w, Instance *inst, const char *reason)
{
  if (inst->state == INSTANCE_TERMINATED)
    return;
  gboolean was_registered = inst->state != INSTANCE_PENDING;
  inst->end_reason = reason;
  if (was_registered) {
    /* Take no new tasks, then stop the tasks on it (giving back their
     * resources), then leave the index. */
    inst->state = INSTANCE_DRAINING;
    placement_set_active(cl(w)->placement, inst->id, FALSE);
    for (guint i = 0; i < w->tasks->len; i++) {
      Task *t = w->tasks->pdata[i];
      if (t->instance == (int) inst->id && t->state != TASK_STOPPED &&
          !t->fargate)
        task_kill(w, t, STOP_INSTANCE_TERMINATED);
    }
    placement_remove_instance(cl(w)->placement, inst->id);
    cl(w)->n_registered--;
  }
  inst->state = INSTANCE_TERMINATED;
  inst->terminated_at = world_now(w);
  /* One still booting is billed too once it is running. */
  world_instance_ended(w, inst->id);
}

void
cluster_fail_instance(World *w, guint32 id, const char *reason)
{
  Instance *inst = cl(w)->instances->pdata[id];
  if (inst->state == INSTANCE_TERMINATED)
    return;
  eventlog_add(w, -1, "instance-failed", NULL, NULL,
               "container instance %s (%s, %s) failed: %s.", inst->ec2_id,
               inst->type->name,
               (char *) w->cfg->cluster->azs->pdata[inst->az], reason);
  cluster_terminate(w, inst, reason);
  managed_scaling_replace(w, inst->asg);
  world_reconcile_wanted(w, -1);
}

void
cluster_az_outage(World *w, int az, gboolean down)
{
  w->az_down[az] = down;
  if (!down) {
    world_capacity_changed(w);
    return;
  }
  for (guint i = 0; i < cl(w)->instances->len; i++) {
    Instance *inst = cl(w)->instances->pdata[i];
    if (inst->az == az && inst->state != INSTANCE_TERMINATED)
      cluster_fail_instance(w, inst->id, "availability zone outage");
  }
}

static void
on_event(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Cluster *) model)->w;
  const ClusterEvent *e = payload;
  if (e->what == CL_WARM_READY) {
    warm_pool_on_ready(w, e->instance);
    return;
  }
  if (e->what >= CL_SPOT_NOTICE) {
    cluster_spot_on_event(w, e->what, e->instance);
    return;
  }
  Instance *inst = cl(w)->instances->pdata[e->instance];
  if (e->what == CL_REGISTER && inst->state == INSTANCE_PENDING)
    register_instance(w, inst);
  else if (e->what == CL_FAIL && inst->state != INSTANCE_TERMINATED)
    cluster_fail_instance(w, inst->id, "instance failure");
}

void
cluster_init(World *w)
{
  static const SimEventKind kind = { "cluster.instance", on_event, NULL };
  Cluster *c = g_new0(Cluster, 1);
  w->cluster = c;
  c->w = w;
  c->kind = sim_engine_register(w->engine, &kind, c);
  c->instances = g_ptr_array_new_with_free_func(g_free);
  c->placement = placement_new(w->cfg->cluster->azs->len);
  g_queue_init(&c->waiting);
  c->longest_wait = g_array_new(FALSE, TRUE, sizeof(SimTime));
  cluster_placement_init(w);
  gboolean warm = w->cfg->cluster->start_warm;
  for (guint a = 0; a < w->cfg->cluster->asgs->len; a++) {
    const AsgConfig *asg = w->cfg->cluster->asgs->pdata[a];
    for (int k = 0; k < asg->desired; k++)
      cluster_launch(w, (int) a, warm);
  }
  managed_scaling_init(w);
  warm_pool_init(w);
  cluster_spot_init(w);
}

void
cluster_free(World *w)
{
  Cluster *c = w->cluster;
  if (c == NULL)
    return;
  managed_scaling_free(w);
  image_pull_free(w);
  warm_pool_free(w);
  cluster_placement_free(w);
  placement_free(c->placement);
  g_queue_clear(&c->waiting);
  g_array_unref(c->longest_wait);
  g_ptr_array_unref(c->instances);
  g_free(c);
  w->cluster = NULL;
}

