/* The inside of a World, shared by the models (not by main or tests,
 * which use world.h and the models' own query functions).
 *
 * Each model's state hangs off the World; models talk through the hooks
 * of core/hooks.h, whose subscribers world.c adds in a fixed order. */
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
typedef struct _Arrivals Arrivals;
typedef struct _Health Health;
typedef struct _Service Service;
typedef struct _EventLog EventLog;
typedef struct _Metrics Metrics;
typedef struct _Cost Cost;
typedef struct _Faults Faults;
typedef struct _Scheduler Scheduler;
typedef struct _TaskLifecycle TaskLifecycle;
typedef struct _TaskQueues TaskQueues;
typedef struct _Autoscale Autoscale;
typedef struct _Strategies Strategies;
typedef struct _ManagedScaling ManagedScaling;
typedef struct _Deployment Deployment;
typedef struct _CpuShares CpuShares;
typedef struct _Calls Calls;
typedef struct _Aggregate Aggregate;

struct _World {
  const ScenarioConfig *cfg;
  WorldOptions options;
  SimEngine *engine;
  SimRngSet *rngs;        /* the control plane's streams: cfg->seed */
  SimRngSet *request_rngs; /* the requests' streams: cfg->request_seed
                              (world_rng() says which are which) */
  SimTime horizon;
  GPtrArray *tasks;       /* Task*, index = id; owned */
  GArray *providers;      /* CapacityProvider (capacity-provider.h) */
  Strategies *strategies;
  ManagedScaling *managed_scaling;
  GPtrArray *services;    /* Service*, index = service index; owned */
  Cluster *cluster;
  Fargate *fargate;
  Arrivals *arrivals;
  Lb *lb;
  Health *health;
  EventLog *log;
  Metrics *metrics;
  Cost *cost;
  Faults *faults;
  Scheduler *scheduler;
  TaskLifecycle *lifecycle;
  TaskQueues *queues;
  Autoscale *autoscale;
  CpuShares *cpu_shares;       /* EC2 CPU shares (capacity/cpu-share.h) */
  Calls *calls;                /* calls between services, or NULL
                                  (requests/calls.h) */
  Aggregate *aggregate;        /* the aggregate fidelity's flows, or
                                  NULL (requests/aggregate.h) */
  ReqStats *reqstats;          /* per service */
  gboolean *az_down;           /* per availability zone: in an outage */
  gsl_rng **service_time_rngs; /* per service, lent from rngs */
  double wall_seconds;
  Warnings *warnings;          /* the scenario's, then the run's */
  struct _WorldHooks *hooks;   /* subscribers (hooks.h) */
  guint request_watchers;      /* subscribers of "request finished":
                                  written by hooks.c only */
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

/* The named random stream "@prefix/@name": seeded from the request seed
 * for the requests' own streams, from the seed for the others. */
gsl_rng *world_rng(World *w, const char *prefix, const char *name);

