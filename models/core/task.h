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
  STOP_SPOT_INTERRUPTION,  /* Fargate Spot capacity taken back */
  STOP_INSTANCE_TERMINATED, /* its container instance went away */
  STOP_ESSENTIAL_EXIT,     /* an essential container exited (crash) */
  STOP_STARTUP_FAILURE,    /* exited before reaching RUNNING */
  STOP_INSTANCE_DRAINING,  /* moved off a draining instance */
  STOP_OUT_OF_MEMORY,      /* its memory in use passed its hard limit:
                              the essential container was OOM-killed */
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

typedef struct _TaskQueue TaskQueue;

/* A task. Each field names the one module that writes it; the others
 * read it, or ask its owner through a function. "lifecycle" is
 * core/task-lifecycle.c, the owner of the state machine. */
typedef struct {
  guint32 id;               /* lifecycle (at creation) */
  guint32 service;          /* lifecycle: service index */
  guint32 deployment;       /* lifecycle: the service's deployment number */
  const EcsTaskDef *def;    /* lifecycle */
  const FailureModel *failure; /* lifecycle: the deployment's; lent */
  TaskState state;          /* lifecycle only: fires "task changed" */
  SimTime entered[TASK_N_STATES]; /* lifecycle: when each state began;
                                     -1: never */
  int instance;             /* capacity/cluster-placement.c (commit) and
                               lifecycle (warm start): container instance
                               id; -1 on Fargate */
  int az;                   /* lifecycle: availability-zone index */
  int provider;             /* lifecycle: capacity provider index */
  gboolean fargate;         /* lifecycle */
  gboolean spot;            /* lifecycle: on Fargate Spot or a Spot ASG */
  StopReason stop_reason;   /* lifecycle */
  TaskHealth container_health; /* control/health.c */
  TargetState target;       /* control/health.c (checks), requests/lb.c
                               (registration, draining) */
  gboolean counts_healthy;  /* control/health.c: passed the rules of
                               ECS-REFERENCE §2 */
  gboolean marked_unhealthy; /* control/health.c: the scheduler must
                                replace it */
  gboolean hung;            /* lifecycle: RUNNING but serving nothing */
  gboolean will_fail_start; /* lifecycle: drawn at creation */
  gboolean warm_started;    /* lifecycle: began the run RUNNING, healthy */
  gboolean draining;        /* capacity/cluster.c: its instance is
                               DRAINING: to be replaced */
  SimTime healthy_at;       /* control/health.c (lifecycle resets it):
                               when counts_healthy became TRUE; -1 */
  SimTime health_ok_after;  /* lifecycle: slow start, checks fail before */
  SimTime pull_time;        /* capacity/image-pull.c: its PENDING phase
                               (the image pull), set on entering it */
  gboolean holds_images;    /* capacity/image-pull.c: counted as a user
                               of its images in the instance's cache */
  SimEventId timer;         /* lifecycle: the next lifecycle transition */
  SimEventId crash_timer;   /* lifecycle */
  SimEventId hang_timer;    /* lifecycle */
  SimEventId health_timer;  /* control/health.c: container checks */
  SimEventId target_timer;  /* control/health.c: target-group checks */
  int hc_fail_streak;       /* control/health.c: consecutive failed
                               container checks */
  int tg_pass_streak, tg_fail_streak; /* control/health.c */
  TaskQueue *queue;         /* requests/lb.c: its request queue and
                               slots (task-queue.h); NULL when not serving */
  guint32 tallied;          /* control/service-tally.c: the counts of its
                               service it is in (bits); 0: none */
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
