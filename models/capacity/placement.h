/* Task placement on EC2 container instances (ECS-REFERENCE §3).
 *
 * Placement keeps an index of registered container instances and their
 * free resources, and answers "which instance for this task?" the way ECS
 * does: first the resources (CPU, memory, fixed host ports, and for awsvpc
 * tasks a free ENI), then the constraints (binding: distinctInstance,
 * memberOf), then the strategies in order (binpack cpu|memory, spread by
 * instanceId/host or any attribute, random), later strategies breaking the
 * ties of earlier ones. With no strategy, ECS's default for services is
 * spread by availability zone. It also picks which task to stop on scale-in
 * by the same strategies.
 *
 * The index must make placing 100,000 tasks onto 10,000 instances with
 * binpack take well under a second: free capacity is indexed, not scanned.
 *
 * Placement knows instances and services only by the integer ids the
 * caller gives; it never sees an ECS object. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "models/config/placement-expr.h"
#include "models/config/service-config.h"

typedef struct _Placement Placement;

/* What placement needs to know of a container instance. Strings are
 * copied. */
typedef struct {
  uint32_t az;                 /* availability-zone index */
  uint32_t group;              /* Auto Scaling group index */
  const char *instance_id;     /* "i-0123...": for spread by instanceId */
  const char *instance_type;   /* attribute ecs.instance-type */
  const char *az_name;         /* attribute ecs.availability-zone */
  const char *cpu_architecture; /* attribute ecs.cpu-architecture:
                                   "x86_64" or "arm64"; NULL: x86_64 */
  const char *const *attributes; /* custom attributes: NULL-terminated
                                    name, value, name, value, ...; may be
                                    NULL */
  int cpu;                     /* registered CPU units (vCPU × 1024) */
  int memory;                  /* registered memory, MiB */
  int awsvpc_slots;            /* awsvpc tasks it can host (ENIs) */
} PlacementInstanceInfo;

/* What a task needs. */
typedef struct {
  int cpu;                     /* CPU units */
  int memory;                  /* MiB */
  gboolean awsvpc;             /* takes an ENI */
  const uint16_t *host_ports;  /* fixed host ports it binds */
  guint n_host_ports;
} PlacementNeeds;

/* A parsed memberOf expression (cluster query language). */

/* A placement request for one task of service @service. */
typedef struct {
  uint32_t service;            /* caller's service id (dense, small) */
  PlacementNeeds needs;
  const char *cpu_architecture; /* "x86_64"/"arm64": instance must match;
                                   NULL: any */
  const uint64_t *group_mask;  /* eligible groups (bit per group index;
                                  one word per 64 groups, covering every
                                  registered group); NULL: all groups */
  const PlacementStrategyItem *strategies; /* in order; n may be 0 */
  guint n_strategies;
  gboolean default_spread;     /* no strategies given: spread by AZ, then
                                  (ECS's behaviour) instance; neither:
                                  the lowest-id instance that fits */
  gboolean distinct_instance;  /* distinctInstance constraint */
  PlacementExpr *const *member_of; /* memberOf constraints (all must hold) */
  guint n_member_of;
} PlacementRequest;

/* The checks an instance must pass, in the order placement_choose()
 * reports them (see PlacementMiss). */
typedef enum {
  PLACEMENT_CHECK_ARCHITECTURE,      /* cpu_architecture */
  PLACEMENT_CHECK_MEMBER_OF,         /* memberOf constraints */
  PLACEMENT_CHECK_DISTINCT_INSTANCE, /* distinctInstance constraint */
  PLACEMENT_CHECK_CPU,
  PLACEMENT_CHECK_MEMORY,
  PLACEMENT_CHECK_PORT,              /* a fixed host port is taken */
  PLACEMENT_CHECK_ENI,               /* no free awsvpc slot */
} PlacementCheck;

/* Why nothing fit, for the event "unable to place a task because no
 * container instance met all of its requirements. The closest matching
 * container-instance X has insufficient CPU units available."
 *
 * The closest instance is, among the registered ACTIVE instances of the
 * request's groups, the one that passes the most of the checks above;
 * ties go to the one whose first failed check comes later in the order
 * above (it got further), then to the one with the least shortfall in
 * that check (most free CPU or memory), then to the lowest id. */
typedef struct {
  gboolean no_instances;       /* no registered, active instance at all
                                  (in the request's groups); the other
                                  fields are then 0 and NULL */
  uint32_t closest;            /* instance that came closest */
  const char *missing;         /* "CPU units", "memory", "an available
                                  network interface", "an available port",
                                  "a matching attribute" (constraints),
                                  "a matching cpu architecture",
                                  "a distinct instance" (distinctInstance);
                                  static strings */
  PlacementCheck check;        /* the same, as a value */
} PlacementMiss;

/* What ECS's event says of the closest instance that failed @check, to
 * follow "The closest matching (container-instance X) ": "has insufficient
 * CPU units available", "has insufficient memory available", "is already
 * using a port required by your task", "encountered error
 * \"RESOURCE:ENI\"", "is missing an attribute required by your task"
 * (architecture and memberOf); distinctInstance, whose wording ECS does
 * not document: "is already running a task of this service". A static
 * string; never fails. */
const char *placement_check_reason(PlacementCheck check);

/* Returns an empty index. @n_azs: number of availability zones. */
Placement *placement_new(guint n_azs);
void placement_free(Placement *p);

/* Registers instance @id (dense ids; must not be registered already). */
void placement_add_instance(Placement *p, uint32_t id,
                            const PlacementInstanceInfo *info);
/* Removes instance @id (its tasks must have been released). */
void placement_remove_instance(Placement *p, uint32_t id);
/* A DRAINING instance (FALSE) keeps its tasks but takes no new ones. */
void placement_set_active(Placement *p, uint32_t id, gboolean active);

/* Picks an instance for @req; returns FALSE with @miss filled when none
 * fits (@miss may be NULL: the closest instance is then not searched
 * for). @rng: used by the random strategy only; exact ties after the last
 * strategy go to the lowest instance id. Does not reserve anything: call
 * placement_commit(). */
gboolean placement_choose(Placement *p, const PlacementRequest *req,
                          gsl_rng *rng, uint32_t *instance,
                          PlacementMiss *miss);

/* Whether @instance passes every check of @req (for a DAEMON task: one
 * particular instance). Returns FALSE with @miss (may be NULL) filled for
 * @instance alone: closest = @instance and the first check it fails in
 * PlacementCheck order. An instance that is not registered, DRAINING or
 * outside @req's groups is no candidate at all: FALSE with no_instances
 * set. */
gboolean placement_fits(Placement *p, uint32_t instance,
                        const PlacementRequest *req, PlacementMiss *miss);

/* Reserves @needs on @instance for a task of @service. */
void placement_commit(Placement *p, uint32_t instance, uint32_t service,
                      const PlacementNeeds *needs);
/* Gives back what placement_commit() reserved. */
void placement_release(Placement *p, uint32_t instance, uint32_t service,
                       const PlacementNeeds *needs);

/* Scale-in: given the instances of @n candidate tasks of service
 * @req->service (the same instance may appear several times), returns the
 * index of the candidate to stop by the request's strategies: binpack
 * stops the task on the instance that would have the most of the resource
 * left afterwards; spread keeps the service balanced across the field's
 * values (the value with the most tasks loses one); random picks
 * uniformly. */
guint placement_choose_victim(Placement *p, const PlacementRequest *req,
                              const uint32_t *instances, guint n,
                              gsl_rng *rng);

/* Scale-in of many tasks at once: placement_choose_victim() (or the AZ
 * rule of tasks with no instance) applied again and again to the
 * candidates not taken yet, each taken one as if released already. The
 * candidates are those given at creation, in their order. */
typedef struct _PlacementVictims PlacementVictims;

/* Candidates on @instances (@n of them), chosen by @req's strategies as
 * placement_choose_victim() chooses, with placement's counts and free
 * resources as they are now less what the candidates taken before hold
 * (@req's needs each): O(instances) a pick. Placement itself is read
 * only here. Returns a new object; NULL on bad arguments. */
PlacementVictims *placement_victims_new(Placement *p,
                                        const PlacementRequest *req,
                                        const uint32_t *instances, guint n);
/* Candidates in AZs @azs (@n of them, each < @n_azs, or < 0 for none),
 * kept balanced: each pick takes one, uniformly, of those in the AZ with
 * the most left (the first of equals), or of those in no AZ once no AZ
 * has any. Returns a new object. */
PlacementVictims *placement_victims_new_by_az(const int *azs, guint n,
                                              guint n_azs);
/* Takes the next candidate and returns its index. Draws from @rng as
 * placement_choose_victim() (AZ rule: always once) would. At least one
 * candidate must be left. */
guint placement_victims_take(PlacementVictims *v, gsl_rng *rng);
/* How many candidates are not taken yet. */
guint placement_victims_left(const PlacementVictims *v);
void placement_victims_free(PlacementVictims *v);

/* Free resources of @instance. */
void placement_free_resources(const Placement *p, uint32_t instance,
                              int *cpu, int *memory, int *awsvpc_slots);
/* Tasks of @service on @instance. */
guint placement_service_tasks(const Placement *p, uint32_t instance,
                              uint32_t service);
/* The value of attribute @name ("ecs.instance-type",
 * "ecs.availability-zone", "ecs.cpu-architecture" or a custom one) of
 * @instance, or NULL when it has none. Lent: valid until placement_free().
 */
const char *placement_instance_attribute(const Placement *p,
                                         uint32_t instance,
                                         const char *name);

/* Evaluates @e against instance @id's attributes. */
gboolean placement_expr_matches(const Placement *p, const PlacementExpr *e,
                                uint32_t id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Placement, placement_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlacementVictims, placement_victims_free)
