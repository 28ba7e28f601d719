/* The inside of a World, shared by the models (not by main or tests,
 * which use world.h and the models' own query functions).
 *
 * Models talk through the World: each model's state hangs off it, and the
 * fan-out functions below are the hooks of DESIGN.md (task state changed,
 * target health changed, metric published), called in a fixed order. */
#pragma once

#include <gsl/gsl_rng.h>

#include "models/core/reqstats.h"
#include "models/core/task.h"
#include "models/config/warnings.h"
#include "models/core/world-types.h"
#include "models/config/scenario.h"
#include "sim/engine.h"
#include "sim/progress.h"
#include "sim/rng.h"

typedef struct _Cluster Cluster;
typedef struct _Fargate Fargate;
typedef struct _Lb Lb;
typedef struct _Health Health;
typedef struct _Service Service;
typedef struct _EventLog EventLog;
typedef struct _Metrics Metrics;
typedef struct _Cost Cost;
typedef struct _Faults Faults;
typedef struct _Autoscale Autoscale;
typedef struct _Strategies Strategies;
typedef struct _ManagedScaling ManagedScaling;
typedef struct _Deployment Deployment;

typedef enum {
  PROVIDER_FARGATE,
  PROVIDER_FARGATE_SPOT,
  PROVIDER_ASG,   /* an Auto Scaling group capacity provider */
  PROVIDER_EC2,   /* launchType EC2: any container instance */
} ProviderKind;

typedef struct {
  const char *name;
  ProviderKind kind;
  int asg;        /* ASG index for PROVIDER_ASG, else -1 */
} Provider;

/* Event kinds of every model, registered by world_new(). */
typedef struct {
  SimKindId task_phase, task_crash, task_hang;
  SimKindId request_done, request_arrival, lb_dereg;
  SimKindId health_check;
  SimKindId fargate;
  SimKindId service_reconcile, service_retry;
  SimKindId metrics_tick;
  SimKindId cluster, managed_scaling;
  SimKindId fault;
  SimKindId autoscale;
} WorldKinds;

struct _World {
  const ScenarioConfig *cfg;
  WorldOptions options;
  SimEngine *engine;
  SimRngSet *rngs;
  SimTime horizon;
  GPtrArray *tasks;       /* Task*, index = id; owned */
  GArray *providers;      /* Provider */
  Strategies *strategies;
  ManagedScaling *managed_scaling;
  GPtrArray *services;    /* Service*, index = service index; owned */
  Cluster *cluster;
  Fargate *fargate;
  Lb *lb;
  Health *health;
  EventLog *log;
  Metrics *metrics;
  Cost *cost;
  Faults *faults;
  Autoscale *autoscale;
  WorldKinds kinds;
  ReqStats *reqstats;          /* per service */
  gboolean *az_down;           /* per availability zone: in an outage */
  gsl_rng **service_time_rngs; /* per service, lent from rngs */
  double wall_seconds;
  Warnings *warnings;          /* the scenario's, then the run's */
};

static inline SimTime
world_now(const World *w)
{
  return sim_engine_now(w->engine);
}

static inline Task *
world_task(const World *w, guint32 id)
{
  return id < w->tasks->len ? w->tasks->pdata[id] : NULL;
}

/* The named random stream "@prefix/@name". */
gsl_rng *world_rng(World *w, const char *prefix, const char *name);

/* Hook: @t moved from @old to its current state. task_new() calls it
 * once with @old equal to PROVISIONING, the state of a new task. */
void world_task_changed(World *w, Task *t, TaskState old);
/* Hook: @t's health as the service scheduler sees it changed
 * (counts_healthy, marked_unhealthy, target state). */
void world_task_health_changed(World *w, Task *t);
/* Hook: capacity appeared (an instance registered, Spot shortage ended):
 * waiting tasks may be placed. */
void world_capacity_changed(World *w);

/* Index of capacity provider @name, or -1. */
int world_provider_index(const World *w, const char *name);
