/* Shared by the placement tests (placement-support.h). */
#include "placement-support.h"

static const char *const az_names[] = { "us-east-1a", "us-east-1b",
                                        "us-east-1c" };

PlacementInstanceInfo
info_of(uint32_t az, int cpu, int memory)
{
  return (PlacementInstanceInfo) {
    .az = az, .group = 0, .instance_id = "i-0", .instance_type = "m6i.large",
    .az_name = az_names[az], .cpu_architecture = "x86_64", .cpu = cpu,
    .memory = memory, .awsvpc_slots = 10,
  };
}

void
add(Placement *p, uint32_t id, uint32_t az, int cpu, int memory)
{
  PlacementInstanceInfo info = info_of(az, cpu, memory);
  placement_add_instance(p, id, &info);
}

PlacementRequest
request(int cpu, int memory)
{
  return (PlacementRequest) { .service = 0, .needs = { cpu, memory } };
}

gsl_rng *
rng_new(unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

int64_t
place(Placement *p, const PlacementRequest *req, gsl_rng *rng)
{
  uint32_t id;
  if (!placement_choose(p, req, rng, &id, NULL))
    return -1;
  placement_commit(p, id, req->service, &req->needs);
  return id;
}

void
use_memory(Placement *p, uint32_t id, int memory)
{
  PlacementNeeds n = { .cpu = 0, .memory = memory };
  placement_commit(p, id, 9, &n);
}

int
free_memory(const Placement *p, uint32_t id)
{
  int mem;
  placement_free_resources(p, id, NULL, &mem, NULL);
  return mem;
}

const PlacementStrategyItem binpack_memory[1] = {
  { PLACEMENT_BINPACK, "memory" },
};
const PlacementStrategyItem binpack_cpu[1] = {
  { PLACEMENT_BINPACK, "cpu" },
};
const PlacementStrategyItem spread_az[1] = {
  { PLACEMENT_SPREAD, "attribute:ecs.availability-zone" },
};
const PlacementStrategyItem spread_instance[1] = {
  { PLACEMENT_SPREAD, "instanceId" },
};
const PlacementStrategyItem spread_az_binpack[2] = {
  { PLACEMENT_SPREAD, "attribute:ecs.availability-zone" },
  { PLACEMENT_BINPACK, "memory" },
};
const PlacementStrategyItem random_only[1] = {
  { PLACEMENT_RANDOM, NULL },
};
