/* Tasks and their lifecycle.
 *
 * PROVISIONING -> PENDING -> ACTIVATING -> RUNNING -> DEACTIVATING ->
 * STOPPING -> DEPROVISIONING -> STOPPED, each transition an event at a
 * simulated time, with the reason a task stopped. Tasks are never freed
 * during a run: their spans are written to tasks.csv at the end. Ids are
 * dense indexes and never reused, so an event that carries a task id can
 * always tell whether its task still exists in the state it expects. */
#pragma once

#include <glib.h>

#include "models/config/failure.h"
#include "models/config/taskdef.h"
#include "sim/engine.h"

typedef enum {
  TASK_PROVISIONING,
  TASK_PENDING,
  TASK_ACTIVATING,
  TASK_RUNNING,
  TASK_DEACTIVATING,
  TASK_STOPPING,
  TASK_DEPROVISIONING,
  TASK_STOPPED,
  TASK_N_STATES,
} TaskState;

typedef enum {
  STOP_NONE,
  STOP_SCALE_IN,           /* the service has more tasks than it wants */
  STOP_DEPLOYMENT,         /* replaced by a newer deployment */
  STOP_UNHEALTHY,          /* failed ELB or container health checks */
  STOP_SPOT_INTERRUPTION,  /* Fargate Spot / EC2 Spot reclaimed */
  STOP_INSTANCE_TERMINATED, /* its container instance went away */
  STOP_ESSENTIAL_EXIT,     /* an essential container exited (crash) */
  STOP_STARTUP_FAILURE,    /* exited before reaching RUNNING */
  STOP_FAULT,              /* killed by a scheduled fault */
  STOP_INSTANCE_DRAINING,  /* moved off a draining instance */
  STOP_N_REASONS,
} StopReason;

/* Container health as ECS reports it. */
typedef enum {
  HEALTH_UNKNOWN,
  HEALTH_HEALTHY,
  HEALTH_UNHEALTHY,
} TaskHealth;

/* Target state in the service's target group. */
typedef enum {
  TARGET_NONE,     /* not registered */
  TARGET_INITIAL,  /* registered, no passing check yet */
  TARGET_HEALTHY,
  TARGET_UNHEALTHY,
  TARGET_DRAINING,
} TargetState;

typedef struct _Server Server;

typedef struct {
  guint32 id;
  guint32 service;          /* service index */
  guint32 deployment;       /* the service's deployment number */
  const EcsTaskDef *def;
  const FailureModel *failure; /* the deployment's; lent */
  TaskState state;
  SimTime entered[TASK_N_STATES]; /* when each state began; -1: never */
  int instance;             /* container instance id; -1 on Fargate */
  int az;                   /* availability-zone index */
  int provider;             /* capacity provider index in the world */
  gboolean fargate;
  gboolean spot;
  StopReason stop_reason;
  TaskHealth container_health;
  TargetState target;
  gboolean counts_healthy;  /* passed the rules of ECS-REFERENCE §2 */
  gboolean marked_unhealthy; /* the scheduler must replace it */
  gboolean hung;            /* RUNNING but serving nothing */
  gboolean will_fail_start; /* drawn at creation */
  gboolean warm_started;    /* began the run already RUNNING and healthy */
  gboolean draining;        /* its instance is DRAINING: to be replaced */
  SimTime healthy_at;       /* when counts_healthy became TRUE; -1 */
  SimTime health_ok_after;  /* slow start: checks fail before this */
  SimEventId timer;         /* the next lifecycle transition */
  SimEventId crash_timer;
  SimEventId hang_timer;
  SimEventId health_timer;  /* container health checks */
  SimEventId target_timer;  /* target-group health checks */
  SimEventId reclaim_timer; /* Spot: capacity taken back */
  int hc_fail_streak;       /* container: consecutive failed checks */
  int tg_pass_streak, tg_fail_streak;
  Server *server;           /* request serving, NULL if not serving */
} Task;

const char *task_state_name(TaskState state);
const char *task_stop_reason_name(StopReason reason);
/* The ECS stopCode for @reason ("ServiceSchedulerInitiated",
 * "SpotInterruption", "TaskFailedToStart", "EssentialContainerExited",
 * "TerminationNotice", "UserInitiated"). */
const char *task_stop_code(StopReason reason);

/* TRUE while @t has not begun stopping (PROVISIONING..RUNNING). */
static inline gboolean
task_is_live(const Task *t)
{
  return t->state <= TASK_RUNNING;
}

/* The 32-hex-digit ECS-style id of task @id, written into @buf (33
 * bytes). Deterministic. */
char *task_format_id(guint32 id, char *buf);
