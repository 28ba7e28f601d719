/* Inside the EC2 capacity model, shared by cluster.c (instances) and
 * cluster-placement.c (placing tasks on them). */
#pragma once

#include "models/capacity/cluster.h"

typedef struct {
  PlacementNeeds needs;
  GArray *ports;                 /* uint16_t */
} DefNeeds;

typedef struct {
  GArray *strategies;            /* PlacementStrategyItem */
  gboolean default_spread;
  gboolean distinct;
  GPtrArray *member_of;          /* PlacementExpr* */
} ServicePlacement;

struct _Cluster {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* its event kind */
  GPtrArray *instances;          /* Instance*, index = id */
  Placement *placement;
  GHashTable *def_needs;         /* const EcsTaskDef* -> DefNeeds* */
  ServicePlacement *services;    /* per service */
  GQueue waiting;                /* task ids waiting for capacity */
  GArray *longest_wait;          /* SimTime per service: the longest a
                                    task waited in the queue (grows) */
  guint n_registered;
  guint max_registered;          /* most registered at once */
  guint64 *group_masks;          /* per ASG: its bit */
  GHashTable *images;            /* image-pull.c: instances' caches */
  struct _WarmPools *warm;       /* warm-pool.c */
  guint spot_interruptions;      /* Spot Instances reclaimed */
  guint drain_generation;        /* instances set DRAINING so far */
};

/* The cluster's own events beyond registration and failure: Spot notices
 * and reclaims, rebalance recommendations (cluster-spot.c), warm pool
 * members ready (warm-pool.c). */
enum {
  CL_REGISTER, CL_FAIL, CL_SPOT_NOTICE, CL_SPOT_RECLAIM, CL_REBALANCE,
  CL_SPOT_SCHEDULED, CL_WARM_READY,
};

/* Schedules cluster event @what about @arg (an instance id, or what the
 * event's handler reads) at @at. */
void cluster_schedule(World *w, SimTime at, guint32 what, guint32 arg);

/* cluster-spot.c: sets @inst's purchase option, type and weight for a new
 * instance of its ASG (the base/percentage rule of a mixed instances
 * policy; Spot when @force_spot). */
void cluster_spot_choose(World *w, Instance *inst, gboolean force_spot);
/* Registered @inst: arms its random Spot interruption, and, when it
 * replaces an at-risk instance, drains that one. */
void cluster_spot_registered(World *w, Instance *inst);
/* Schedules the ASGs' scheduled Spot interruptions. */
void cluster_spot_init(World *w);
/* Handles CL_SPOT_NOTICE, CL_SPOT_RECLAIM, CL_REBALANCE and
 * CL_SPOT_SCHEDULED. */
void cluster_spot_on_event(World *w, guint32 what, guint32 arg);
/* Launches an instance of @asg (Spot when @force_spot): from the warm
 * pool when it has one ready, else cold. NULL when no AZ is up. */
Instance *cluster_launch_as(World *w, int asg, gboolean warm,
                            gboolean force_spot);
/* Sets ACTIVE @inst DRAINING; @terminate_when_empty: it terminates once
 * its tasks are gone (scale-in), else it waits for its end (Spot). */
void cluster_drain_instance(World *w, Instance *inst,
                            gboolean terminate_when_empty);

static inline Cluster *
cl(const World *w)
{
  return w->cluster;
}

/* Sets up each service's placement request parts. */
void cluster_placement_init(World *w);
/* Frees what cluster_placement_init() made. */
void cluster_placement_free(World *w);
