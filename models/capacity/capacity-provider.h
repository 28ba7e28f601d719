/* Capacity providers (ECS-REFERENCE §4): where a service's tasks get their
 * CPU and memory.
 *
 * Fargate, Fargate Spot, each Auto Scaling group capacity provider and
 * launch type EC2 (any registered container instance) sit behind one small
 * interface, so the scheduler (control/) never asks what kind a provider
 * is: it asks whether a task can be placed, then launches it. A new kind
 * of capacity is a new CapacityProviderOps in capacity/ and a line in
 * capacity_providers_init(); control/ does not change.
 *
 * The world's providers are indexed in a fixed order: FARGATE,
 * FARGATE_SPOT, the ASGs in scenario order, then EC2. Task.provider is an
 * index into them. */
#pragma once

#include "models/core/world-private.h"

/* Why a task could not be placed, as summary.json counts it
 * (services[].unplaced_by_reason). */
typedef enum {
  UNPLACED_CPU,
  UNPLACED_MEMORY,
  UNPLACED_ENI,          /* no free awsvpc network interface */
  UNPLACED_PORTS,        /* a fixed host port is taken */
  UNPLACED_CONSTRAINT,   /* architecture, memberOf, distinctInstance */
  UNPLACED_NO_INSTANCES, /* no registered, active instance at all */
  UNPLACED_SPOT_CAPACITY, /* Fargate Spot capacity unavailable */
  UNPLACED_N_REASONS,
} UnplacedReason;

/* "cpu", "memory", "eni", "ports", "constraint", "no_instances",
 * "spot_capacity". */
const char *capacity_unplaced_reason_name(UnplacedReason reason);

/* A provider's answer to "can a task start?". */
typedef enum {
  CAPACITY_NOW,    /* yes, now (on the instance given, or serverless) */
  CAPACITY_LATER,  /* not now, but capacity is coming (managed scaling):
                      the task waits in PROVISIONING */
  CAPACITY_NONE,   /* no: the reason says why; the scheduler retries */
} CapacityAnswer;

typedef struct _CapacityProvider CapacityProvider;

/* What a task billed per task (Fargate) has cost so far, in USD. */
typedef struct {
  double compute;  /* vCPU and memory */
  double storage;  /* ephemeral storage beyond the free 20 GiB */
} TaskCharge;

typedef struct {
  /* Can a task of @def of service @service start on @p? Sets *@instance
   * (-1 when the task needs none, or must wait), and on CAPACITY_LATER or
   * CAPACITY_NONE *@reason and @why (ECS's words, may be left empty). */
  CapacityAnswer (*can_place)(World *w, const CapacityProvider *p,
                              guint32 service, const EcsTaskDef *def,
                              int *instance, UnplacedReason *reason,
                              GString *why);
  /* Starts new task @t (PROVISIONING) where can_place() said: on
   * @instance, serverless (-1 after CAPACITY_NOW), or waiting for
   * capacity (-1 after CAPACITY_LATER). @warm: RUNNING at once, with no
   * provisioning or pull (a world that starts warm). */
  void (*launch)(World *w, const CapacityProvider *p, Task *t,
                 int instance, CapacityAnswer answer, gboolean warm);
  /* @t reached RUNNING: arms the provider's interruptions of it (a
   * Fargate Spot notice). NULL: no task-level interruptions. */
  void (*running)(World *w, const CapacityProvider *p, Task *t);
  /* @t stopped: frees what it held (an instance's CPU, memory, ports; a
   * Fargate AZ slot). */
  void (*release)(World *w, const CapacityProvider *p, Task *t);
  /* The price of @t from its start to @end when the provider bills per
   * task (Fargate). NULL when it bills instances (cost.c bills each
   * instance as it ends). */
  TaskCharge (*task_charge)(World *w, const CapacityProvider *p,
                            const Task *t, SimTime end);
} CapacityProviderOps;

struct _CapacityProvider {
  const char *name;                /* "FARGATE", an ASG provider's name */
  int index;                       /* its place among the world's
                                      providers (Task.provider) */
  const CapacityProviderOps *ops;
  int asg;                         /* its Auto Scaling group, or -1 */
  gboolean serverless;             /* tasks need no container instance */
  gboolean spot;                   /* capacity reclaimed with a notice */
};

/* Builds the world's providers (w->providers). */
void capacity_providers_init(World *w);
void capacity_providers_free(World *w);

guint capacity_provider_count(const World *w);
/* Provider @index (0 <= @index < capacity_provider_count()). */
const CapacityProvider *capacity_provider(const World *w, int index);

/* Hook: task @t changed state; its provider arms interruptions when it
 * runs and frees its capacity when it stops. */
void capacity_on_task_state(World *w, Task *t, TaskState old,
                            gpointer data);

/* Index of the provider named @name, or -1. */
int capacity_provider_index(const World *w, const char *name);
