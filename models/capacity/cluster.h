/* EC2 capacity: container instances, Auto Scaling groups and managed
 * scaling (ECS-REFERENCE §3, §4, §6).
 *
 * Instances launch (EC2 "pending", free), enter EC2's "running" state
 * (billed from then on, ECS-REFERENCE §16), register with ECS after the
 * OS boot and agent start (ACTIVE: tasks may be placed), may drain
 * (DRAINING: no new tasks, tasks moved off) and terminate. Each ASG with
 * managed scaling publishes CapacityProviderReservation = M / N × 100
 * each minute, where M is the number of instances needed (running plus
 * what the tasks waiting in PROVISIONING need, binpacked on the group's
 * type) and N those running,
 * and scales toward `targetCapacity` (out after 1 datapoint, in after 15),
 * within step sizes and the warm-up period, from zero to two instances;
 * managed termination protection keeps instances with tasks. */
#pragma once

#include "models/capacity/capacity-provider.h"
#include "models/capacity/placement.h"
#include "models/core/world-private.h"

typedef enum {
  INSTANCE_PENDING,     /* launched, not yet registered */
  INSTANCE_ACTIVE,
  INSTANCE_DRAINING,
  INSTANCE_TERMINATED,
} InstanceState;

typedef struct {
  guint32 id;
  int asg;
  int az;
  const InstanceType *type;
  InstanceState state;
  SimTime launched_at;
  SimTime running_at;      /* EC2 "running": billed from here; set at
                              launch (it may lie ahead) */
  SimTime registered_at;   /* -1 until ACTIVE */
  SimTime terminated_at;   /* -1 until terminated */
  const char *end_reason;  /* why it terminated */
  int tasks;               /* tasks placed on it, not yet STOPPED */
  int daemon_tasks;
  gboolean draining_for_scale_in; /* terminate once empty */
  char ec2_id[24];         /* "i-0123456789abcdef0" */
  gboolean spot;           /* a Spot Instance (InstanceLifecycle "spot") */
  int pool;                /* its MixedInstancesPolicy override, or -1 */
  int weight;              /* WeightedCapacity, 1 without one */
  SimTime notice_at;       /* Spot interruption notice, -1 if none */
  gboolean rebalancing;    /* a replacement is on its way (Capacity
                              Rebalancing) */
  int replaces;            /* the at-risk instance it replaces, or -1 */
  gboolean from_warm_pool; /* joined from the group's warm pool */
} Instance;

void cluster_init(World *w);
void cluster_free(World *w);

/* Auto Scaling group capacity providers and launch type EC2 (any
 * registered container instance) as capacity providers. */
extern const CapacityProviderOps cluster_provider_ops;

/* The longest time a task of service @service waited in PROVISIONING for
 * an instance (cluster_wait()), counting tasks still waiting until now. */
SimTime cluster_longest_wait(const World *w, guint32 service);

/* Reserves @t's resources on @instance; returns the instance's AZ. The
 * caller then provisions the task there. */
int cluster_commit(World *w, Task *t, int instance);

/* Stopped task @t frees what it held on its instance, if any. */
void cluster_release(World *w, Task *t);

/* Picks which of @n tasks (ids) of one service to stop on scale-in. */
guint cluster_choose_victim(World *w, guint32 service, const guint32 *tasks,
                            guint n);

/* Stopping many tasks of one service at once: each take is what
 * cluster_choose_victim() would pick among the tasks not taken yet (in
 * their order in @tasks), drawing the same random numbers, had the tasks
 * taken before it stopped already (placement hears of a stop only at
 * STOPPED, after the pass): the AZ rule in O(log n) a take, placement's
 * strategies in O(instances). Valid while no task is placed or released
 * in between (a pass that only starts tasks stopping). */
typedef struct _ClusterVictims ClusterVictims;

/* Over @n tasks (ids) of service @service; copies @tasks. Returns a new
 * object. */
ClusterVictims *cluster_victims_new(World *w, guint32 service,
                                    const guint32 *tasks, guint n);
/* Takes the next task to stop and returns its id; one must be left. */
guint32 cluster_victims_take(ClusterVictims *v);
/* Tasks not taken yet. */
guint cluster_victims_left(const ClusterVictims *v);
void cluster_victims_free(ClusterVictims *v);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ClusterVictims, cluster_victims_free)

guint cluster_n_instances(const World *w);
const Instance *cluster_instance(const World *w, guint32 id);
/* Instances registered (ACTIVE or DRAINING) now. */
guint cluster_running_instances(const World *w);
/* The most instances registered at once so far (however briefly). */
guint cluster_max_instances(const World *w);
/* Tasks waiting for capacity now. */
guint cluster_waiting_tasks(const World *w);

/* Launches an instance of ASG @asg (registered at once when @warm);
 * NULL when none of its AZs is up. */
Instance *cluster_launch(World *w, int asg, gboolean warm);
/* Sets ACTIVE @inst DRAINING: no new tasks; its services replace its
 * tasks under their deployment limits, daemon tasks stop last, and it
 * terminates once empty. */
void cluster_drain(World *w, Instance *inst);
/* How many times an instance was set DRAINING so far: its tasks' Task.
 * draining turned TRUE then, which no hook announces. Never fails. */
guint cluster_drain_generation(const World *w);
/* Terminates @inst now; its tasks stop with it. */
void cluster_terminate(World *w, Instance *inst, const char *reason);
/* Task ids waiting in PROVISIONING for @provider (a new array). */
GArray *cluster_waiting_for(World *w, int provider);
/* What a task of @def needs from an instance. */
const PlacementNeeds *cluster_needs(World *w, const EcsTaskDef *def);

/* DAEMON services: TRUE when a task of @def of service @service may run
 * on @instance (constraints, architecture, room). */
gboolean cluster_daemon_eligible(World *w, guint32 service,
                                 const EcsTaskDef *def, guint32 instance);
/* TRUE when a task of @def of service @service fits on @instance now
 * (room included): a DAEMON task may be started there. */
gboolean cluster_fits_on(World *w, guint32 service, const EcsTaskDef *def,
                         guint32 instance);

/* Hook: capacity appeared; waiting tasks that now fit are placed, in the
 * order they arrived. */
void cluster_on_capacity_changed(World *w, gpointer data);

/* Spot Instances EC2 has reclaimed so far. */
guint cluster_spot_interruptions(const World *w);

/* Faults: terminate an instance now (failure), take an AZ down/up. */
void cluster_fail_instance(World *w, guint32 id, const char *reason);
void cluster_az_outage(World *w, int az, gboolean down);
