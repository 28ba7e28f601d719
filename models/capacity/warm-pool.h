/* Warm pools of Auto Scaling groups (ECS-REFERENCE §11, [ASG23]):
 * pre-initialised instances beside the group. A member launches (EC2
 * "pending", then "running" while it boots, billed), then waits in the
 * pool in its PoolState: Stopped pays only its EBS volume, Hibernated its
 * EBS volume and the RAM saved to it, Running the full instance price.
 * A scale-out takes a ready member first (cluster_launch()), which then
 * only starts and registers; the pool refills to
 * max(MinSize, MaxGroupPreparedCapacity − desired), MaxGroupPreparedCapacity
 * defaulting to the group's max. Warm instances do not register with ECS
 * while in the pool (ECS_WARM_POOLS_CHECK=true is assumed). */
#pragma once

#include "models/core/world-private.h"

typedef struct _WarmPools WarmPools;

/* Fills each group's pool (ready at once when the world starts warm). */
void warm_pool_init(World *w);
void warm_pool_free(World *w);

/* Takes a ready member of @asg's pool, settling its pool bill up to now.
 * FALSE when the group has no pool or no member is ready. */
gboolean warm_pool_take(World *w, int asg);
/* Launches members until @asg's pool has its wanted size. */
void warm_pool_refill(World *w, int asg);
/* Member @member finished initialising and entered the pool. */
void warm_pool_on_ready(World *w, guint32 member);

/* Dollars the pools cost up to @t, members still in them included. */
double warm_pool_cost_so_far(World *w, SimTime t);
/* Settles the members still in a pool at the horizon into the cost
 * (cost_finish() calls it once). */
void warm_pool_finish(World *w);

/* After warm_pool_finish(): instance-hours spent in the pools (from
 * launch to leaving or the horizon), and their cost. */
double warm_pool_instance_hours(const World *w);
double warm_pool_cost(const World *w);
/* TRUE when some ASG has a warm pool. */
gboolean warm_pool_any(const World *w);
