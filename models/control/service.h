/* Service state: each service's desired count, deployments, live tasks
 * and counters. The scheduler (scheduler.h), above it, acts on it: keeps
 * desiredCount tasks running, replaces stopped and unhealthy tasks, backs
 * off when tasks fail to start, and carries deployments.
 *
 * Reconciliation is deferred: anything that may change what a service
 * wants (a task changed state or health, capacity appeared, the desired
 * count changed) asks for a reconcile (world_reconcile_wanted()), and
 * the scheduler runs one per service at the current time after the event
 * that asked. */
#pragma once

#include "models/capacity/cluster.h"
#include "models/control/service-tally.h"
#include "models/core/world-private.h"

typedef enum {
  ROLLOUT_IN_PROGRESS,
  ROLLOUT_COMPLETED,
  ROLLOUT_FAILED,
} RolloutState;

struct _Deployment {
  guint32 number;          /* 1, 2, ... within the service */
  char id[40];             /* "ecs-svc/..." */
  const EcsTaskDef *def;
  FailureModel failure;    /* effective: revision, service, deploy fault */
  RolloutState rollout;
  int failed_tasks;        /* circuit breaker count */
  gboolean any_running;    /* a task of it reached RUNNING (stage 2) */
  gboolean is_rollback;     /* PRIMARY again after a failed deployment */
  gboolean stall_reported;
  SimTime created_at;
};

struct _Service {
  guint32 index;
  const ServiceConfig *cfg;
  int desired;
  GPtrArray *deployments;  /* Deployment*, oldest first; last is PRIMARY */
  GArray *tasks;           /* ids of tasks not yet STOPPED */
  ServiceTally tally;      /* service-tally.c: them counted; read it with
                              service_tally() */
  int start_failures;      /* consecutive tasks that never ran */
  SimTime launch_not_before;
  gboolean retry_armed;
  gboolean reconcile_pending;
  gboolean steady;
  SimTime last_steady_event;
  SimTime last_unplaced_event;
  guint32 next_deployment;
  const EcsTaskDef *stable_def;  /* last COMPLETED revision (rollback) */
  guint32 stable_deployment;
  /* counters for the summary */
  guint64 tasks_started;
  guint64 tasks_stopped;
  guint64 tasks_failed_to_start;
  guint64 deployments_completed;
  guint64 deployments_failed;
  guint64 rollbacks;
  guint64 unplaced;        /* launches that found no capacity */
  guint64 unplaced_by_reason[UNPLACED_N_REASONS];
  /* A spell of launches that find no capacity: ECS retries every minute
   * while it lasts, so failures further apart than that start anew. */
  SimTime unplaced_since;  /* first failure of the spell; -1: none yet */
  SimTime unplaced_last;   /* latest failure */
  SimTime unplaced_longest; /* longest spell so far */
  guint64 scaling_actions; /* desired count changed by autoscaling */
  /* Task records the scheduler read to reconcile the service and to pick
   * capacity providers for it: the work of keeping it running, which
   * tests hold to O(n log n) for n task starts (issue 20). */
  guint64 tasks_examined;
};

void service_init(World *w);
void service_free(World *w);

Service *service_get(World *w, guint32 index);
Deployment *service_primary(const Service *s);
Deployment *service_find_deployment(const Service *s, guint32 number);

/* Hooks. */
void service_on_task_state(World *w, Task *t, TaskState old,
                           gpointer data);
void service_on_task_health(World *w, Task *t, gpointer data);

/* Sets the desired count (autoscaling, scheduled faults); @why goes to
 * the event log. */
void service_set_desired(World *w, guint32 service, int desired,
                         const char *why);

/* Starts a deployment of @def with failure model @failure (copied). */
void service_deploy(World *w, guint32 service, const EcsTaskDef *def,
                    const FailureModel *failure);

/* Rolls back to the last COMPLETED deployment: it becomes PRIMARY again
 * and keeps its tasks; the newer deployments' tasks are stopped. */
void service_roll_back(World *w, guint32 service);

/* The failure model of revision @def in service @s: the revision's own,
 * overlaid by the service's keys, into @out (which must hold nothing to
 * free: fresh or cleared). */
void service_effective_failure(World *w, const Service *s,
                               const EcsTaskDef *def, FailureModel *out);

/* TRUE while the primary deployment is rolling out. */
gboolean service_deploying(World *w, guint32 service);

/* Counts of the service's tasks now. */
typedef struct {
  int running;     /* RUNNING */
  int pending;     /* PROVISIONING, PENDING, ACTIVATING */
  int stopping;    /* DEACTIVATING, STOPPING, DEPROVISIONING */
  int healthy;     /* counting as healthy */
} ServiceCounts;
ServiceCounts service_counts(World *w, guint32 service);

/* Records whether @s is settled (only its PRIMARY deployment's tasks,
 * all running and healthy, none starting or stopping); logs "has reached
 * a steady state." when it becomes so. */
void service_set_steady(World *w, Service *s, gboolean steady);

/* Hook: a metrics period closed; a service that stayed steady says so
 * again every `steady_state_interval` (ECS repeats "has reached a steady
 * state." while nothing changes). */
void service_on_metric_published(World *w, SimTime start, SimTime end,
                                 gpointer data);

