/* CapacityProviderReservation target tracking per Auto Scaling group. */
#include "models/capacity/managed-scaling.h"

#include <math.h>

#include "models/capacity/warm-pool.h"
#include "models/core/eventlog.h"
#include "models/config/scenario.h"

typedef struct {
  int desired;
  int below_streak;     /* consecutive readings below target */
  double reservation;   /* last CPR */
  int minutes_full;     /* evaluations at MaxSize with tasks waiting */
} GroupState;

struct _ManagedScaling {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* its event kind */
  GroupState *groups;
  guint n;
  guint actions;
};

static const AsgConfig *
asg_cfg(const World *w, int asg)
{
  return w->cfg->cluster->asgs->pdata[asg];
}

/* Instances of @asg not terminated, and how many are registered. */
static void
count(World *w, int asg, int *alive, int *registered, int *busy,
      gboolean *warming)
{
  *alive = *registered = *busy = 0;
  *warming = FALSE;
  SimTime now = world_now(w);
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    if (inst->asg != asg || inst->state == INSTANCE_TERMINATED)
      continue;
    if (inst->state == INSTANCE_DRAINING)
      continue; /* on its way out */
    (*alive)++;
    if (inst->state != INSTANCE_PENDING)
      (*registered)++;
    if (inst->tasks - inst->daemon_tasks > 0)
      (*busy)++;
    if (now < inst->launched_at + asg_cfg(w, asg)->warmup)
      *warming = TRUE;
  }
}

/* Instances of the group's type needed for the waiting tasks: first fit
 * decreasing by memory, CPU and awsvpc slots. */
static int
instances_for_waiting(World *w, int asg, GArray *waiting)
{
  const InstanceType *type = asg_cfg(w, asg)->type;
  int cpu = type->vcpu * 1024;
  int mem = type->registered_memory_mib - asg_cfg(w, asg)->reserved_memory_mib;
  int slots = instance_type_awsvpc_limit(type, w->cfg->cluster
                                                 ->awsvpc_trunking);
  GArray *bins = g_array_new(FALSE, FALSE, sizeof(int) * 3);
  for (guint i = 0; i < waiting->len; i++) {
    const Task *t = world_task(w, g_array_index(waiting, guint32, i));
    const PlacementNeeds *n = cluster_needs(w, t->def);
    guint b;
    for (b = 0; b < bins->len; b++) {
      int *bin = (int *) (bins->data + b * sizeof(int) * 3);
      if (bin[0] >= n->cpu && bin[1] >= n->memory &&
          (!n->awsvpc || bin[2] > 0)) {
        bin[0] -= n->cpu;
        bin[1] -= n->memory;
        bin[2] -= n->awsvpc;
        break;
      }
    }
    if (b == bins->len) {
      int bin[3] = { cpu - n->cpu, mem - n->memory, slots - n->awsvpc };
      g_array_append_vals(bins, bin, 1);
    }
  }
  int needed = (int) bins->len;
  g_array_unref(bins);
  return needed;
}

/* The instance an Auto Scaling group terminates first: in the AZ with the
 * most of its instances, the oldest. */
static Instance *
termination_candidate(World *w, int asg)
{
  guint n_az = w->cfg->cluster->azs->len;
  g_autofree int *per_az = g_new0(int, n_az);
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    if (inst->asg == asg && (inst->state == INSTANCE_ACTIVE ||
                             inst->state == INSTANCE_PENDING))
      per_az[inst->az]++;
  }
  int az = 0;
  for (guint k = 1; k < n_az; k++)
    if (per_az[k] > per_az[az])
      az = (int) k;
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    Instance *inst = (Instance *) cluster_instance(w, i);
    if (inst->asg == asg && inst->az == az &&
        (inst->state == INSTANCE_ACTIVE || inst->state == INSTANCE_PENDING))
      return inst;
  }
  return NULL;
}

static void
resize(World *w, int asg, int desired, double cpr, const char *direction)
{
  GroupState *g = &w->managed_scaling->groups[asg];
  const AsgConfig *cfg = asg_cfg(w, asg);
  int alive, registered, busy;
  gboolean warming;
  count(w, asg, &alive, &registered, &busy, &warming);
  eventlog_add(w, -1, "managed-scaling", NULL, NULL,
               "capacity provider %s: CapacityProviderReservation %.0f%% "
               "(target %d%%); %s the Auto Scaling group from %d to %d "
               "instances.", cfg->name, cpr, cfg->target_capacity,
               direction, g->desired, desired);
  g->desired = desired;
  w->managed_scaling->actions++;
  for (int k = alive; k < desired; k++)
    cluster_launch(w, asg, FALSE);
  if (desired >= alive)
    return;
  int excess = alive - desired;
  if (cfg->termination_protection) {
    /* Managed termination protection: only instances without non-daemon
     * tasks may go. */
    for (guint i = cluster_n_instances(w); i-- > 0 && excess > 0;) {
      Instance *inst = (Instance *) cluster_instance(w, i);
      if (inst->asg == asg && inst->state != INSTANCE_TERMINATED &&
          inst->state != INSTANCE_DRAINING &&
          inst->tasks - inst->daemon_tasks == 0) {
        cluster_terminate(w, inst, "scale-in");
        excess--;
      }
    }
  } else {
    /* The Auto Scaling group's default termination policy: the zone with
     * the most instances, then the oldest; a busy instance is drained
     * first (ECS managed instance draining). */
    for (; excess > 0; excess--) {
      Instance *inst = termination_candidate(w, asg);
      if (inst == NULL)
        break;
      if (inst->tasks == 0 || inst->state == INSTANCE_PENDING)
        cluster_terminate(w, inst, "scale-in");
      else
        cluster_drain(w, inst);
    }
  }
  g->desired = desired + excess; /* protected instances stay */
  warm_pool_refill(w, asg); /* its wanted size follows the desired */
}

static void
evaluate(World *w, int asg)
{
  const AsgConfig *cfg = asg_cfg(w, asg);
  GroupState *g = &w->managed_scaling->groups[asg];
  int alive, registered, busy;
  gboolean warming;
  count(w, asg, &alive, &registered, &busy, &warming);
  int provider = capacity_provider_index(w, cfg->name);
  g_autoptr(GArray) waiting = cluster_waiting_for(w, provider);
  if (waiting->len > 0 && alive >= cfg->max)
    g->minutes_full++;
  int m = waiting->len > 0
            ? registered + instances_for_waiting(w, asg, waiting)
            : busy;
  int n = registered;
  double cpr = n == 0 ? (m == 0 ? 100.0 : 200.0) : 100.0 * m / n;
  g->reservation = cpr;
  int target = (int) ceil(m * 100.0 / cfg->target_capacity);
  if (n == 0 && m > 0)
    target = MAX(target, 2);
  /* The step sizes bound a change the target asks for; they never make
   * one on their own. */
  if (cpr > cfg->target_capacity) {
    g->below_streak = 0;
    if (warming || target <= alive)
      return;
    int step = CLAMP(target - alive, cfg->min_step, cfg->max_step);
    int desired = MIN(cfg->max, alive + step);
    if (desired > alive)
      resize(w, asg, desired, cpr, "scaling out");
  } else if (cpr < cfg->target_capacity) {
    if (++g->below_streak < 15 || target >= alive)
      return;
    int step = CLAMP(alive - target, cfg->min_step, cfg->max_step);
    int desired = MAX(cfg->min, alive - step);
    if (desired < alive)
      resize(w, asg, desired, cpr, "scaling in");
    g->below_streak = 0;
  } else {
    g->below_streak = 0;
  }
}

static void
on_tick(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((ManagedScaling *) model)->w;
  for (guint a = 0; a < w->managed_scaling->n; a++)
    if (asg_cfg(w, (int) a)->managed_scaling)
      evaluate(w, (int) a);
  SimTime next = world_now(w) + SIM_MIN;
  if (next <= w->horizon)
    sim_schedule_inline(engine, next, w->managed_scaling->kind, NULL, 0);
}

void
managed_scaling_init(World *w)
{
  static const SimEventKind tick = { "ec2.managed-scaling", on_tick, NULL };
  ManagedScaling *ms = g_new0(ManagedScaling, 1);
  w->managed_scaling = ms;
  ms->w = w;
  ms->kind = sim_engine_register(w->engine, &tick, ms);
  ms->n = w->cfg->cluster->asgs->len;
  ms->groups = g_new0(GroupState, MAX(ms->n, 1));
  gboolean any = FALSE;
  for (guint a = 0; a < ms->n; a++) {
    ms->groups[a].desired = asg_cfg(w, (int) a)->desired;
    ms->groups[a].reservation = NAN;
    any |= asg_cfg(w, (int) a)->managed_scaling;
  }
  if (any)
    sim_schedule_inline(w->engine, SIM_MIN, w->managed_scaling->kind, NULL,
                        0);
}

void
managed_scaling_free(World *w)
{
  if (w->managed_scaling == NULL)
    return;
  g_free(w->managed_scaling->groups);
  g_free(w->managed_scaling);
  w->managed_scaling = NULL;
}

void
managed_scaling_replace(World *w, int asg)
{
  int alive, registered, busy;
  gboolean warming;
  count(w, asg, &alive, &registered, &busy, &warming);
  for (int k = alive; k < w->managed_scaling->groups[asg].desired; k++)
    if (cluster_launch(w, asg, FALSE) == NULL)
      break;
}

guint
managed_scaling_actions(const World *w)
{
  return w->managed_scaling->actions;
}

int
managed_scaling_minutes_full(const World *w, int asg)
{
  return w->managed_scaling->groups[asg].minutes_full;
}
