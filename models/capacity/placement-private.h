/* Placement internals shared by placement*.c: the instance table, the
 * free-capacity index (placement-index.c), per-service counts, and the
 * checks and strategy list that choosing and scale-in have in common.
 *
 * The index. Instances are grouped into partitions of equal
 * (architecture, Auto Scaling group, AZ): a request's architecture and
 * group mask, and an AZ spread, then select whole partitions. Within a
 * partition each active instance sits in several treaps, each ordered by
 * (key, instance id) and storing in every node the maxima of free CPU,
 * memory and awsvpc slots over its subtree:
 *   by_mem  key = free memory  (binpack memory: first key >= need)
 *   by_cpu  key = free CPU     (binpack cpu)
 *   by_id   key = 0            (no strategy left: lowest id)
 *   svc->by_count  key = tasks of that service on the instance (spread by
 *                  instanceId).
 * A tree is built the first time a request needs it and maintained from
 * then on, so commits pay only for the orders in use.
 * A query walks one treap in order from a key, skipping subtrees whose
 * maxima cannot hold the task, so resources are never scanned; the
 * checks the index does not see (ports, distinctInstance, memberOf) are
 * made on each candidate it yields. */
#pragma once

#include "models/capacity/placement.h"

#define PLACEMENT_NIL UINT32_MAX
/* No such string (see Placement.strings). */
#define PLACEMENT_NO_STRING UINT32_MAX
/* ECS allows 5 strategies; placement takes up to 8. */
#define PLACEMENT_MAX_STRATEGIES 8

/* Free resources of an instance, or what a task needs (slots: 1 for an
 * awsvpc task). */
typedef struct {
  int32_t cpu;
  int32_t mem;
  int32_t slots;
} PlacementRes;

typedef struct {
  uint32_t left, right;  /* children; PLACEMENT_NIL when none */
  uint32_t prio;         /* heap priority: a hash of the id, so the shape
                            of a tree is a function of its contents */
  PlacementRes own;      /* the instance's free resources */
  int32_t max_cpu;       /* maxima of free resources over the subtree */
  int32_t max_mem;
  int32_t max_slots;
  int64_t key;           /* the key the node was inserted with */
} PlacementNode;

/* A forest of treaps: one root per partition. Nodes are indexed by
 * instance id (an instance is in at most one tree of a forest). */
typedef struct {
  PlacementNode *nodes;
  guint n_nodes;
  uint32_t *roots;
  guint n_roots;
  uint32_t salt;
  gboolean built;        /* maintained; trees are built the first time a
                            request needs them (placement_index_build) */
} PlacementTree;

void placement_tree_init(PlacementTree *t, uint32_t salt);
void placement_tree_clear(PlacementTree *t);
/* Makes room for instance ids < @n_nodes and partitions < @n_roots. */
void placement_tree_reserve(PlacementTree *t, guint n_nodes, guint n_roots);
void placement_tree_insert(PlacementTree *t, guint part, uint32_t id,
                           int64_t key, const PlacementRes *own);
void placement_tree_remove(PlacementTree *t, guint part, uint32_t id);
/* @id's free resources are now @own; its key did not change. */
void placement_tree_refresh(PlacementTree *t, guint part, uint32_t id,
                            const PlacementRes *own);
/* The first instance in (key, id) order after (@after_key, @after_id),
 * with key <= @max_key, whose free resources hold @need; PLACEMENT_NIL
 * when none. */
uint32_t placement_tree_first(const PlacementTree *t, guint part,
                              int64_t after_key, uint32_t after_id,
                              int64_t max_key, const PlacementRes *need);

typedef struct {
  gboolean registered;
  gboolean active;       /* FALSE: DRAINING, in no tree */
  uint32_t az;
  uint32_t group;
  guint arch;            /* index into Placement.archs */
  guint part;            /* partition index */
  guint member_pos;      /* position in its partition's members (active) */
  char *instance_id;
  uint32_t instance_type; /* string ids (Placement.strings) */
  uint32_t az_name;
  uint32_t *attributes;  /* custom: name, value, ... string ids */
  guint n_attributes;    /* pairs */
  int32_t cpu, memory, slots; /* registered */
  uint16_t *ports;       /* fixed host ports in use */
  guint n_ports, ports_cap;
  guint tasks;           /* of all services */
} PlacementInst;

typedef struct {
  guint arch;
  uint32_t group;
  uint32_t az;
  GArray *members;       /* uint32_t ids of its active instances */
} PlacementPart;

typedef struct {
  guint32 *count;        /* tasks per instance id (Placement.cap long) */
  guint *az_count;       /* tasks per AZ */
  PlacementTree by_count;
} PlacementSvc;

struct _Placement {
  guint n_azs;
  guint cap;             /* instance ids allocated */
  PlacementInst *inst;
  PlacementRes *free;
  GHashTable *strings;   /* attribute names and values -> string id + 1:
                            interned, so that comparing and counting
                            values is integer work */
  GPtrArray *string_list; /* string id -> string */
  uint32_t name_type, name_az, name_arch, empty; /* string ids */
  GArray *archs;         /* uint32_t string ids of architecture names */
  GArray *parts;         /* PlacementPart */
  PlacementTree by_mem, by_cpu, by_id;
  PlacementSvc **svcs;   /* by service id; NULL until first used */
  guint n_svcs;
  /* Scratch for placement_choose() (not reentrant, like the rest). */
  GArray *cands;         /* uint32_t candidate ids */
  uint32_t *az_order;    /* n_azs */
  gboolean *az_mask;     /* n_azs */
};

/* One request, resolved once per call. */
typedef struct {
  const PlacementRequest *req;
  PlacementRes need;
  int arch;              /* required arch index; -1: any; -2: an
                            architecture no instance has */
  PlacementSvc *svc;
  const gboolean *az_ok; /* by AZ; NULL: every AZ */
} PlacementQuery;

void placement_query_init(Placement *p, const PlacementRequest *req,
                          PlacementQuery *q);
/* Partition @part is of the request's architecture, groups and AZs. */
gboolean placement_part_ok(const Placement *p, const PlacementQuery *q,
                           guint part);
/* Instance @id passes every check for @q (it may be in any partition). */
gboolean placement_query_fits(const Placement *p, const PlacementQuery *q,
                              uint32_t id);
gboolean placement_group_ok(const PlacementRequest *req, uint32_t group);
/* How many of @needs' host ports are taken on @id. */
guint placement_port_conflicts(const Placement *p, uint32_t id,
                               const PlacementNeeds *needs);
gboolean placement_member_of_ok(const Placement *p, const PlacementRequest *req,
                                uint32_t id);

/* The counts of service @service, created on first use. */
PlacementSvc *placement_svc(Placement *p, uint32_t service);
/* Builds tree @t (one of @p's, or @s's by_count) if not built yet; from
 * then on every change keeps it up to date. */
void placement_index_build(Placement *p, PlacementTree *t,
                           const PlacementSvc *s);

typedef enum {
  PLACEMENT_KEY_MEM,      /* binpack memory */
  PLACEMENT_KEY_CPU,      /* binpack cpu */
  PLACEMENT_KEY_INSTANCE, /* spread instanceId/host */
  PLACEMENT_KEY_AZ,       /* spread attribute:ecs.availability-zone */
  PLACEMENT_KEY_ATTR,     /* spread by another attribute */
  PLACEMENT_KEY_RANDOM,
} PlacementKeyKind;

typedef struct {
  PlacementKeyKind kind;
  uint32_t attr;          /* PLACEMENT_KEY_ATTR: the attribute's name (a
                             string id; PLACEMENT_NO_STRING: none has it) */
} PlacementStrat;

/* The string id of @s, or PLACEMENT_NO_STRING when no instance ever had
 * it. */
uint32_t placement_interned(const Placement *p, const char *s);
/* The value (a string id) of attribute @name (a string id) of @id, or
 * PLACEMENT_NO_STRING. */
uint32_t placement_attr_value(const Placement *p, uint32_t id, uint32_t name);

/* @req's strategies, or the default spread, as keys (attribute names
 * interned); strategies after a random one are dropped (random leaves no
 * ties). Returns how many, or G_MAXUINT when one is invalid. */
guint placement_strats(const Placement *p, const PlacementRequest *req,
                       PlacementStrat *out);
/* Tasks of @s per value of attribute @attr (a string id) over all
 * registered instances (an instance without it counts under
 * Placement.empty): a new array indexed by value string id. */
guint *placement_attr_counts(const Placement *p, const PlacementSvc *s,
                             uint32_t attr);
/* The key of instance @id under @st, given @attr_counts for
 * PLACEMENT_KEY_ATTR. */
int64_t placement_strat_key(const Placement *p, const PlacementSvc *s,
                            const PlacementStrat *st, const guint *attr_counts,
                            uint32_t id);

/* Fills @miss for a request nothing fits (placement-miss.c). */
void placement_explain_miss(const Placement *p, const PlacementQuery *q,
                            PlacementMiss *miss);
