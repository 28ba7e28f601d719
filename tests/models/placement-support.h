/* Shared by the placement tests (test-placement*.c): instances, requests
 * and strategies to place with. */
#pragma once

#include <gsl/gsl_rng.h>

#include "models/capacity/placement.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(gsl_rng, gsl_rng_free)

/* An x86_64 m6i.large-like instance in AZ @az (0-2: us-east-1a-c) of
 * group 0 with 10 awsvpc slots. */
PlacementInstanceInfo info_of(uint32_t az, int cpu, int memory);
/* Adds instance @id as info_of() gives it. */
void add(Placement *p, uint32_t id, uint32_t az, int cpu, int memory);
/* A request of service 0 for @cpu units and @memory MiB, no strategy. */
PlacementRequest request(int cpu, int memory);
/* A Mersenne Twister seeded with @seed. */
gsl_rng *rng_new(unsigned long seed);
/* Chooses and commits; returns the instance, or -1 when nothing fits. */
int64_t place(Placement *p, const PlacementRequest *req, gsl_rng *rng);
/* Takes @memory MiB (and no CPU) on @id for service 9, to shape free
 * memory. */
void use_memory(Placement *p, uint32_t id, int memory);
/* Free memory of @id, MiB. */
int free_memory(const Placement *p, uint32_t id);

extern const PlacementStrategyItem binpack_memory[1];
extern const PlacementStrategyItem binpack_cpu[1];
extern const PlacementStrategyItem spread_az[1];
extern const PlacementStrategyItem spread_instance[1];
extern const PlacementStrategyItem spread_az_binpack[2];
extern const PlacementStrategyItem random_only[1];

/* Gives @req the strategies @items (an array). */
#define WITH(req, items) \
  ((req).strategies = (items), (req).n_strategies = G_N_ELEMENTS(items))
