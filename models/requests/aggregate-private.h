/* Inside the aggregate fidelity (aggregate.h): its flows, shared by
 * aggregate.c (the steps) and aggregate-cpu.c (share-only EC2 tasks'
 * speed). */
#pragma once

#include "models/requests/aggregate.h"
#include "models/requests/fluid-latency.h"
#include "models/requests/fluid-queue.h"
#include "models/traffic/traffic.h"

/* A one-slot task (round robin) this busy or more has the run warn: its
 * waits are where the aggregate fidelity is least accurate (10 Fargate
 * tasks, 30 min, one seed: p99 within 2% of a request-level run's at
 * utilisation 0.1-0.25; at 0.5-0.9 +7 to +15% with gamma cv 0.2
 * services, -7 to -10% with lognormal cv 1). */
#define AGGREGATE_ONE_SLOT_RHO 0.5

/* The flows' cumulative counts, each rounded into a ReqStats counter. */
typedef enum {
  C_ARRIVALS,
  C_OK,
  C_NO_TARGET,
  C_QUEUE_FULL,
  C_TIMEOUT,
  C_RESET,
  C_STARTED,
  C_WAITED,
  C_N,
} CountKind;

typedef struct {
  guint32 task;
  double weight;         /* its share of the service's traffic, relative */
} Member;

/* One service's flow. */
typedef struct {
  TrafficRate *traffic;         /* NULL: no traffic */
  gsl_rng *metric_noise;        /* aggregate-metric.c's draws, lent from
                                   the world's request streams */
  FluidLatency *latency;        /* its latencies since the last flush */
  double mean_s, scv;           /* service time on a speed-1 task */
  double third;                 /* its E[S³] / E[S]³ */
  double work_s;                /* vCPU-seconds of work per request and
                                   the most CPU one can use (share-only
                                   EC2 tasks, workload.h) */
  double slot_max_vcpu;
  double lambda;                /* arrivals per second this step */
  double lambda_before;         /* the step before's */
  GArray *pool;                 /* Member: the tasks taking requests */
  double total_weight;
  gboolean stale;               /* the pool is to be read again */
  double count[C_N];            /* fluid counts since the start */
  guint64 recorded[C_N];        /* what went into the counters */
  double near_saturation_s;     /* time with 0.95 < ρ < 1 on some task */
  double one_slot_busy_s;       /* time with a one-slot task at
                                   AGGREGATE_ONE_SLOT_RHO or more */
  double overload_s;            /* time with a backlog on some task */
  double overload_datapoint_s;  /* overload_s at the last datapoint */
  gboolean shared_cpu;          /* some task was share-only (EC2) */
  gboolean pooled;              /* least outstanding requests: its tasks
                                   step as one server group */
} Flow;

/* What an instance's tasks ask of its CPU in a step (cpu-share.h). */
typedef struct {
  double share_work;            /* vCPU the share-only tasks' requests
                                   need (arrival rate x work), those of
                                   tasks with slots to spare */
  double share_busy;            /* vCPU the share-only tasks whose every
                                   slot is busy steadily (a backlog, or
                                   more offered than their slots serve)
                                   ask: their work, at most all their
                                   slots at full speed (share_ask()) */
  double hard;                  /* vCPU hard-capped tasks' busy slots
                                   took in the last step */
  double stretch;               /* share-only requests take this many
                                   times their full-speed time; INFINITY:
                                   the CPU is saturated */
} InstanceLoad;

struct _Aggregate {
  World *w;                     /* the world it belongs to */
  GArray *loads;                /* InstanceLoad, per instance */
  gboolean any_share;           /* some pool holds a share-only task */
  SimKindId kind;               /* its step event */
  Flow *flows;                  /* per service */
  guint n;
  SimTime last;                 /* every flow is advanced to here */
  SimTime step;                 /* the step event's interval now */
  gboolean moving;              /* since the last step event: a rate
                                   moved or a task had a backlog */
  guint32 pool_gen;             /* stamps the tasks of a fresh pool */
};

/* What the tasks on each instance ask of its CPU this step (into
 * a->loads): call after every flow's arrivals and pool are read. */
void aggregate_measure_instances(World *w);

/* The mean service time of a request in @s this step, when it receives
 * @lambda requests per second. */
double aggregate_task_mean_s(World *w, const Flow *f, const TaskQueue *s,
                             double lambda);
