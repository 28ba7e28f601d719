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
};

static inline Cluster *
cl(const World *w)
{
  return w->cluster;
}

/* Sets up each service's placement request parts. */
void cluster_placement_init(World *w);
/* Frees what cluster_placement_init() made. */
void cluster_placement_free(World *w);
