/* Task placement on EC2 instances: resources, constraints, strategies,
 * the closest-instance report, scale-in choice and memberOf expressions;
 * and the indexed choice against a brute-force reference. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "models/input/input.h"
#include "models/capacity/placement.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC(gsl_rng, gsl_rng_free)

static const char *const az_names[] = { "us-east-1a", "us-east-1b",
                                        "us-east-1c" };

/* An x86_64 m6i.large-like instance in group 0 with 10 awsvpc slots. */
static PlacementInstanceInfo
info_of(uint32_t az, int cpu, int memory)
{
  return (PlacementInstanceInfo) {
    .az = az, .group = 0, .instance_id = "i-0", .instance_type = "m6i.large",
    .az_name = az_names[az], .cpu_architecture = "x86_64", .cpu = cpu,
    .memory = memory, .awsvpc_slots = 10,
  };
}

static void
add(Placement *p, uint32_t id, uint32_t az, int cpu, int memory)
{
  PlacementInstanceInfo info = info_of(az, cpu, memory);
  placement_add_instance(p, id, &info);
}

static PlacementRequest
request(int cpu, int memory)
{
  return (PlacementRequest) { .service = 0, .needs = { cpu, memory } };
}

static gsl_rng *
rng_new(unsigned long seed)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  return r;
}

/* Chooses and commits; returns the instance, or -1 when nothing fits. */
static int64_t
place(Placement *p, const PlacementRequest *req, gsl_rng *rng)
{
  uint32_t id;
  if (!placement_choose(p, req, rng, &id, NULL))
    return -1;
  placement_commit(p, id, req->service, &req->needs);
  return id;
}

/* Takes @memory MiB (and no CPU) on @id for service 9, to shape free
 * memory. */
static void
use_memory(Placement *p, uint32_t id, int memory)
{
  PlacementNeeds n = { .cpu = 0, .memory = memory };
  placement_commit(p, id, 9, &n);
}

static int
free_memory(const Placement *p, uint32_t id)
{
  int mem;
  placement_free_resources(p, id, NULL, &mem, NULL);
  return mem;
}

static const PlacementStrategyItem binpack_memory[] = {
  { PLACEMENT_BINPACK, "memory" },
};
static const PlacementStrategyItem binpack_cpu[] = {
  { PLACEMENT_BINPACK, "cpu" },
};
static const PlacementStrategyItem spread_az[] = {
  { PLACEMENT_SPREAD, "attribute:ecs.availability-zone" },
};
static const PlacementStrategyItem spread_instance[] = {
  { PLACEMENT_SPREAD, "instanceId" },
};
static const PlacementStrategyItem spread_az_binpack[] = {
  { PLACEMENT_SPREAD, "attribute:ecs.availability-zone" },
  { PLACEMENT_BINPACK, "memory" },
};
static const PlacementStrategyItem random_only[] = {
  { PLACEMENT_RANDOM, NULL },
};

#define WITH(req, items) \
  ((req).strategies = (items), (req).n_strategies = G_N_ELEMENTS(items))

/* ---- resources and strategies --------------------------------------- */

Test(placement, binpack_fills_the_fullest_instance_that_fits)
{
  g_autoptr(Placement) p = placement_new(1);
  for (uint32_t i = 0; i < 4; i++)
    add(p, i, 0, 4096, 8192);
  use_memory(p, 0, 7692); /* 500 free: too little */
  use_memory(p, 1, 6192); /* 2000 free: the fullest that fits */
  use_memory(p, 2, 4192); /* 4000 free */
  PlacementRequest req = request(256, 1500);
  WITH(req, binpack_memory);
  g_autoptr(gsl_rng) rng = rng_new(1);
  cr_assert_eq(place(p, &req, rng), 1);
  cr_assert_eq(free_memory(p, 1), 500);
  /* Instance 1 now has 500 free: the next goes to 2, not the empty 3. */
  cr_assert_eq(place(p, &req, rng), 2);
  cr_assert_eq(free_memory(p, 2), 2500);
  cr_assert_eq(free_memory(p, 3), 8192);
}

Test(placement, binpack_cpu_picks_least_cpu_left)
{
  g_autoptr(Placement) p = placement_new(1);
  add(p, 0, 0, 4096, 8192);
  add(p, 1, 0, 2048, 8192);
  add(p, 2, 0, 1024, 8192);
  PlacementRequest req = request(1536, 256);
  WITH(req, binpack_cpu);
  g_autoptr(gsl_rng) rng = rng_new(1);
  cr_assert_eq(place(p, &req, rng), 1);
  cr_assert_eq(place(p, &req, rng), 0);
  cr_assert_eq(place(p, &req, rng), 0);
  cr_assert_eq(place(p, &req, rng), -1);
}

Test(placement, binpack_never_overcommits_cpu_or_memory)
{
  g_autoptr(Placement) p = placement_new(3);
  for (uint32_t i = 0; i < 30; i++)
    add(p, i, i % 3, 1024 * (1 + i % 4), 2048 * (1 + i % 3));
  g_autoptr(gsl_rng) rng = rng_new(7);
  int64_t used_cpu[30] = { 0 }, used_mem[30] = { 0 };
  const PlacementStrategyItem *sets[] = { binpack_memory, binpack_cpu };
  for (guint round = 0; round < 2; round++)
    for (guint t = 0; t < 400; t++) {
      int cpu = 64 * (int) gsl_rng_uniform_int(rng, 12);
      int mem = 128 * (1 + (int) gsl_rng_uniform_int(rng, 12));
      PlacementRequest req = request(cpu, mem);
      req.strategies = sets[round];
      req.n_strategies = 1;
      int64_t id = place(p, &req, rng);
      if (id < 0)
        continue;
      used_cpu[id] += req.needs.cpu;
      used_mem[id] += req.needs.memory;
    }
  for (uint32_t i = 0; i < 30; i++) {
    int cpu, mem;
    placement_free_resources(p, i, &cpu, &mem, NULL);
    cr_assert_geq(cpu, 0);
    cr_assert_geq(mem, 0);
    cr_assert_eq(cpu + used_cpu[i], 1024 * (1 + i % 4));
    cr_assert_eq(mem + used_mem[i], 2048 * (1 + i % 3));
  }
}

/* The spread of @counts: max - min. */
static guint
imbalance(const guint *counts, guint n)
{
  guint lo = G_MAXUINT, hi = 0;
  for (guint i = 0; i < n; i++) {
    lo = MIN(lo, counts[i]);
    hi = MAX(hi, counts[i]);
  }
  return hi - lo;
}

Test(placement, spread_by_az_balances_azs_within_one_task)
{
  /* Uneven AZs: 2, 5 and 9 instances. */
  g_autoptr(Placement) p = placement_new(3);
  uint32_t id = 0;
  guint sizes[3] = { 2, 5, 9 };
  uint32_t az_of[16];
  for (uint32_t az = 0; az < 3; az++)
    for (guint k = 0; k < sizes[az]; k++) {
      az_of[id] = az;
      add(p, id++, az, 8192, 32768);
    }
  g_autoptr(gsl_rng) rng = rng_new(3);
  const PlacementStrategyItem *sets[] = { spread_az, NULL };
  for (guint s = 0; s < 2; s++) {
    PlacementRequest req = request(64, 128);
    req.service = s;
    req.strategies = sets[s];
    req.n_strategies = sets[s] ? 1 : 0;
    req.default_spread = sets[s] == NULL;
    guint per_az[3] = { 0 };
    for (guint t = 0; t < 240; t++) {
      int64_t got = place(p, &req, rng);
      cr_assert_geq(got, 0);
      per_az[az_of[got]]++;
      cr_assert_leq(imbalance(per_az, 3), 1, "after %u tasks", t + 1);
    }
  }
}

Test(placement, default_spread_balances_instances_within_each_az)
{
  g_autoptr(Placement) p = placement_new(3);
  for (uint32_t i = 0; i < 12; i++)
    add(p, i, i % 3, 8192, 32768);
  g_autoptr(gsl_rng) rng = rng_new(3);
  PlacementRequest req = request(64, 128);
  req.default_spread = TRUE;
  guint per[12] = { 0 };
  for (guint t = 0; t < 120; t++)
    per[place(p, &req, rng)]++;
  cr_assert_eq(imbalance(per, 12), 0);
}

Test(placement, spread_by_instance_balances_instances)
{
  g_autoptr(Placement) p = placement_new(2);
  for (uint32_t i = 0; i < 7; i++)
    add(p, i, i % 2, 8192, 32768);
  use_memory(p, 3, 1000); /* other services do not count */
  g_autoptr(gsl_rng) rng = rng_new(5);
  PlacementRequest req = request(128, 256);
  WITH(req, spread_instance);
  guint per[7] = { 0 };
  for (guint t = 0; t < 70; t++) {
    per[place(p, &req, rng)]++;
    cr_assert_leq(imbalance(per, 7), 1);
  }
  for (uint32_t i = 0; i < 7; i++)
    cr_assert_eq(placement_service_tasks(p, i, 0), 10);
}

Test(placement, strategies_apply_in_order_later_ones_break_ties)
{
  /* spread AZ then binpack memory: AZ b has a task of the service, so
   * AZ a wins; within it binpack picks the fuller instance. */
  g_autoptr(Placement) p = placement_new(2);
  add(p, 0, 0, 4096, 8192);
  add(p, 1, 0, 4096, 8192);
  add(p, 2, 1, 4096, 8192);
  add(p, 3, 1, 4096, 8192);
  use_memory(p, 1, 4000);
  use_memory(p, 3, 7000);
  PlacementNeeds n = { .cpu = 128, .memory = 256 };
  placement_commit(p, 2, 0, &n);
  PlacementRequest req = request(128, 256);
  WITH(req, spread_az_binpack);
  g_autoptr(gsl_rng) rng = rng_new(1);
  cr_assert_eq(place(p, &req, rng), 1);
  /* Now 1 task in each AZ: both AZs tie and binpack picks instance 3,
   * the fullest of all. */
  cr_assert_eq(place(p, &req, rng), 3);
  /* Binpack alone ignores AZs. */
  WITH(req, binpack_memory);
  cr_assert_eq(place(p, &req, rng), 3);
}

Test(placement, spread_by_custom_attribute_balances_values)
{
  g_autoptr(Placement) p = placement_new(1);
  const char *blue[] = { "stack", "blue", NULL };
  const char *green[] = { "stack", "green", NULL };
  for (uint32_t i = 0; i < 6; i++) {
    PlacementInstanceInfo info = info_of(0, 8192, 32768);
    info.attributes = i < 4 ? blue : green;
    placement_add_instance(p, i, &info);
  }
  static const PlacementStrategyItem by_stack[] = {
    { PLACEMENT_SPREAD, "attribute:stack" },
    { PLACEMENT_SPREAD, "host" },
  };
  PlacementRequest req = request(64, 64);
  WITH(req, by_stack);
  g_autoptr(gsl_rng) rng = rng_new(1);
  guint per_value[2] = { 0 };
  for (guint t = 0; t < 40; t++) {
    per_value[place(p, &req, rng) < 4 ? 0 : 1]++;
    cr_assert_leq(imbalance(per_value, 2), 1);
  }
}

Test(placement, random_is_uniform_over_the_instances_that_fit)
{
  g_autoptr(Placement) p = placement_new(1);
  for (uint32_t i = 0; i < 4; i++)
    add(p, i, 0, 4096, 8192);
  use_memory(p, 2, 8000); /* never fits */
  PlacementRequest req = request(1, 256);
  WITH(req, random_only);
  g_autoptr(gsl_rng) rng = rng_new(11);
  guint hits[4] = { 0 };
  for (guint t = 0; t < 3000; t++) {
    uint32_t id;
    cr_assert(placement_choose(p, &req, rng, &id, NULL));
    hits[id]++;
  }
  cr_assert_eq(hits[2], 0);
  for (uint32_t i = 0; i < 4; i++)
    if (i != 2)
      cr_assert(hits[i] > 900 && hits[i] < 1100, "instance %u: %u", i,
                hits[i]);
}

/* ---- constraints ----------------------------------------------------- */

Test(placement, distinct_instance_never_doubles_up)
{
  g_autoptr(Placement) p = placement_new(1);
  for (uint32_t i = 0; i < 5; i++)
    add(p, i, 0, 8192, 32768);
  PlacementRequest req = request(64, 64);
  req.distinct_instance = TRUE;
  WITH(req, binpack_memory);
  g_autoptr(gsl_rng) rng = rng_new(1);
  gboolean seen[5] = { FALSE };
  for (guint t = 0; t < 5; t++) {
    int64_t id = place(p, &req, rng);
    cr_assert_geq(id, 0);
    cr_assert_not(seen[id]);
    seen[id] = TRUE;
  }
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_eq(miss.check, PLACEMENT_CHECK_DISTINCT_INSTANCE);
  /* Another service may still use them. */
  req.service = 1;
  cr_assert_geq(place(p, &req, rng), 0);
}

Test(placement, a_fixed_host_port_never_doubles_up_on_an_instance)
{
  g_autoptr(Placement) p = placement_new(1);
  for (uint32_t i = 0; i < 3; i++)
    add(p, i, 0, 8192, 32768);
  static const uint16_t port80[] = { 80 };
  static const uint16_t port81[] = { 81, 82 };
  PlacementRequest req = request(64, 64);
  req.needs.host_ports = port80;
  req.needs.n_host_ports = 1;
  WITH(req, binpack_memory);
  g_autoptr(gsl_rng) rng = rng_new(1);
  gboolean seen[3] = { FALSE };
  for (guint t = 0; t < 3; t++) {
    int64_t id = place(p, &req, rng);
    cr_assert_geq(id, 0);
    cr_assert_not(seen[id]);
    seen[id] = TRUE;
  }
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_str_eq(miss.missing, "an available port");
  /* Other ports, and tasks of other services on 80 after a release. */
  req.needs.host_ports = port81;
  req.needs.n_host_ports = 2;
  cr_assert_geq(place(p, &req, rng), 0);
  PlacementNeeds n80 = { 64, 64, FALSE, port80, 1 };
  placement_release(p, 1, 0, &n80);
  req.needs = n80;
  req.service = 4;
  cr_assert_eq(place(p, &req, rng), 1);
}

Test(placement, awsvpc_tasks_respect_eni_slots)
{
  g_autoptr(Placement) p = placement_new(1);
  /* A c5.large: 3 ENIs, the primary counts: 2 awsvpc tasks. */
  PlacementInstanceInfo info = info_of(0, 2048, 3768);
  info.instance_type = "c5.large";
  info.awsvpc_slots = 2;
  placement_add_instance(p, 0, &info);
  PlacementRequest req = request(1, 1);
  req.needs.awsvpc = TRUE;
  g_autoptr(gsl_rng) rng = rng_new(1);
  cr_assert_eq(place(p, &req, rng), 0);
  cr_assert_eq(place(p, &req, rng), 0);
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_eq(miss.check, PLACEMENT_CHECK_ENI);
  cr_assert_str_eq(miss.missing, "an available network interface");
  /* bridge-mode tasks take no ENI. */
  req.needs.awsvpc = FALSE;
  cr_assert_eq(place(p, &req, rng), 0);
  /* With trunking: 10. */
  info.awsvpc_slots = 10;
  placement_add_instance(p, 1, &info);
  req.needs.awsvpc = TRUE;
  for (guint t = 0; t < 10; t++)
    cr_assert_eq(place(p, &req, rng), 1);
  cr_assert_eq(place(p, &req, rng), -1);
}

Test(placement, architecture_mismatch_is_never_placed)
{
  g_autoptr(Placement) p = placement_new(1);
  add(p, 0, 0, 8192, 32768);
  PlacementRequest req = request(64, 64);
  req.cpu_architecture = "arm64";
  g_autoptr(gsl_rng) rng = rng_new(1);
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_str_eq(miss.missing, "a matching cpu architecture");
  PlacementInstanceInfo info = info_of(0, 1024, 2048);
  info.cpu_architecture = "arm64";
  placement_add_instance(p, 1, &info);
  for (guint t = 0; t < 5; t++)
    cr_assert_eq(place(p, &req, rng), 1);
  req.cpu_architecture = "x86_64";
  for (guint t = 0; t < 5; t++)
    cr_assert_eq(place(p, &req, rng), 0);
}

Test(placement, group_mask_restricts_to_its_groups)
{
  g_autoptr(Placement) p = placement_new(1);
  for (uint32_t i = 0; i < 6; i++) {
    PlacementInstanceInfo info = info_of(0, 8192, 32768);
    info.group = i < 3 ? 1 : 70; /* the second word of the mask */
    placement_add_instance(p, i, &info);
  }
  uint64_t mask[2] = { 0, UINT64_C(1) << 6 };
  PlacementRequest req = request(64, 64);
  req.group_mask = mask;
  req.default_spread = TRUE;
  g_autoptr(gsl_rng) rng = rng_new(1);
  for (guint t = 0; t < 20; t++)
    cr_assert_geq(place(p, &req, rng), 3);
  mask[1] = 0;
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert(miss.no_instances);
}

Test(placement, draining_instances_are_skipped)
{
  g_autoptr(Placement) p = placement_new(1);
  add(p, 0, 0, 8192, 32768);
  add(p, 1, 0, 8192, 32768);
  use_memory(p, 0, 30000);
  PlacementRequest req = request(64, 64);
  WITH(req, binpack_memory);
  g_autoptr(gsl_rng) rng = rng_new(1);
  placement_set_active(p, 0, FALSE);
  for (guint t = 0; t < 5; t++)
    cr_assert_eq(place(p, &req, rng), 1);
  placement_set_active(p, 1, FALSE);
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert(miss.no_instances);
  placement_set_active(p, 0, TRUE);
  cr_assert_eq(place(p, &req, rng), 0);
}

/* ---- nothing fits ----------------------------------------------------- */

Test(placement, miss_names_the_closest_instance_and_missing_resource)
{
  g_autoptr(Placement) p = placement_new(1);
  add(p, 0, 0, 1024, 8192);
  add(p, 1, 0, 1536, 8192); /* most CPU: the closest */
  add(p, 2, 0, 512, 8192);
  PlacementRequest req = request(2048, 512);
  g_autoptr(gsl_rng) rng = rng_new(1);
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_not(miss.no_instances);
  cr_assert_eq(miss.closest, 1);
  cr_assert_eq(miss.check, PLACEMENT_CHECK_CPU);
  cr_assert_str_eq(miss.missing, "CPU units");
  /* Enough CPU on 0 but not memory: 0 got further than the others. */
  req = request(1024, 9000);
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_eq(miss.closest, 0);
  cr_assert_str_eq(miss.missing, "memory");
}

Test(placement, miss_with_no_instances)
{
  g_autoptr(Placement) p = placement_new(2);
  PlacementRequest req = request(1, 1);
  req.default_spread = TRUE;
  g_autoptr(gsl_rng) rng = rng_new(1);
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert(miss.no_instances);
  cr_assert_null(miss.missing);
}

Test(placement, fits_checks_one_given_instance)
{
  g_autoptr(Placement) p = placement_new(1);
  add(p, 0, 0, 1024, 2048);
  PlacementInstanceInfo info = info_of(0, 1024, 2048);
  info.cpu_architecture = "arm64";
  placement_add_instance(p, 1, &info);
  add(p, 2, 0, 1024, 2048);
  PlacementRequest req = request(512, 512);
  req.cpu_architecture = "x86_64";
  PlacementMiss miss;
  cr_assert(placement_fits(p, 0, &req, &miss));
  cr_assert_not(placement_fits(p, 1, &req, &miss));
  cr_assert_eq(miss.closest, 1);
  cr_assert_eq(miss.check, PLACEMENT_CHECK_ARCHITECTURE);
  req.needs.cpu = 2048;
  cr_assert_not(placement_fits(p, 0, &req, &miss));
  cr_assert_eq(miss.check, PLACEMENT_CHECK_CPU);
  cr_assert_str_eq(miss.missing, "CPU units");
  placement_set_active(p, 2, FALSE);
  req.needs.cpu = 1;
  cr_assert_not(placement_fits(p, 2, &req, &miss));
  cr_assert(miss.no_instances);
  cr_assert_not(placement_fits(p, 7, &req, NULL));
}

/* ---- scale-in --------------------------------------------------------- */

Test(placement, binpack_scale_in_stops_the_task_with_most_left_after)
{
  g_autoptr(Placement) p = placement_new(1);
  for (uint32_t i = 0; i < 3; i++)
    add(p, i, 0, 4096, 8192);
  PlacementNeeds n = { .cpu = 128, .memory = 512 };
  placement_commit(p, 0, 0, &n);
  placement_commit(p, 1, 0, &n);
  placement_commit(p, 2, 0, &n);
  use_memory(p, 0, 5000);
  use_memory(p, 2, 7000);
  PlacementRequest req = request(128, 512);
  WITH(req, binpack_memory);
  g_autoptr(gsl_rng) rng = rng_new(1);
  uint32_t tasks[] = { 0, 1, 2 };
  cr_assert_eq(placement_choose_victim(p, &req, tasks, 3, rng), 1);
}

Test(placement, spread_az_scale_in_takes_from_the_fullest_az_at_random)
{
  g_autoptr(Placement) p = placement_new(2);
  add(p, 0, 0, 4096, 8192);
  add(p, 1, 0, 4096, 8192);
  add(p, 2, 1, 4096, 8192);
  PlacementNeeds n = { .cpu = 128, .memory = 512 };
  uint32_t tasks[] = { 0, 0, 1, 2 }; /* AZ a: 3 tasks, AZ b: 1 */
  for (guint i = 0; i < 4; i++)
    placement_commit(p, tasks[i], 0, &n);
  PlacementRequest req = request(128, 512);
  WITH(req, spread_az);
  g_autoptr(gsl_rng) rng = rng_new(1);
  guint hits[4] = { 0 };
  for (guint t = 0; t < 400; t++)
    hits[placement_choose_victim(p, &req, tasks, 4, rng)]++;
  cr_assert_eq(hits[3], 0);
  for (guint i = 0; i < 3; i++)
    cr_assert_gt(hits[i], 80, "candidate %u: %u", i, hits[i]);
}

Test(placement, spread_instance_scale_in_takes_from_the_fullest_instance)
{
  g_autoptr(Placement) p = placement_new(1);
  add(p, 0, 0, 4096, 8192);
  add(p, 1, 0, 4096, 8192);
  PlacementNeeds n = { .cpu = 128, .memory = 512 };
  uint32_t tasks[] = { 1, 0, 0, 0 };
  for (guint i = 0; i < 4; i++)
    placement_commit(p, tasks[i], 0, &n);
  PlacementRequest req = request(128, 512);
  WITH(req, spread_instance);
  g_autoptr(gsl_rng) rng = rng_new(1);
  for (guint t = 0; t < 50; t++)
    cr_assert_neq(placement_choose_victim(p, &req, tasks, 4, rng), 0);
  /* The default spread balances AZs first, then instances. */
  req.n_strategies = 0;
  req.default_spread = TRUE;
  for (guint t = 0; t < 50; t++)
    cr_assert_neq(placement_choose_victim(p, &req, tasks, 4, rng), 0);
}

Test(placement, random_scale_in_is_uniform)
{
  g_autoptr(Placement) p = placement_new(1);
  add(p, 0, 0, 4096, 8192);
  add(p, 1, 0, 4096, 8192);
  PlacementNeeds n = { .cpu = 128, .memory = 512 };
  uint32_t tasks[] = { 0, 1 };
  placement_commit(p, 0, 0, &n);
  placement_commit(p, 1, 0, &n);
  PlacementRequest req = request(128, 512);
  WITH(req, random_only);
  g_autoptr(gsl_rng) rng = rng_new(1);
  guint hits[2] = { 0 };
  for (guint t = 0; t < 1000; t++)
    hits[placement_choose_victim(p, &req, tasks, 2, rng)]++;
  cr_assert(hits[0] > 430 && hits[0] < 570, "%u", hits[0]);
}

/* ---- scale-in of many tasks at once ----------------------------------- */

/* Takes every candidate both ways from equal generators:
 * placement_choose_victim() over the candidates left, each taken one
 * released before the next pick, as if it had stopped (the slow way),
 * and placement_victims_take(), which must see the picks before as gone
 * though placement does not hear of them. The same candidates must go in
 * the same order, with the same draws. @p is as it was afterwards. */
static void
victims_match(Placement *p, const PlacementRequest *req,
              const uint32_t *instances, guint n, unsigned long seed)
{
  g_autoptr(gsl_rng) a = rng_new(seed);
  g_autoptr(gsl_rng) b = rng_new(seed);
  g_autofree uint32_t *left = g_memdup2(instances, n * sizeof *left);
  g_autofree guint *index = g_new(guint, n);
  for (guint i = 0; i < n; i++)
    index[i] = i;
  g_autoptr(PlacementVictims) v = placement_victims_new(p, req, instances,
                                                        n);
  cr_assert_not_null(v);
  for (guint m = n; m > 0; m--) {
    guint k = placement_choose_victim(p, req, left, m, a);
    guint want = index[k];
    placement_release(p, left[k], req->service, &req->needs);
    memmove(left + k, left + k + 1, (m - k - 1) * sizeof *left);
    memmove(index + k, index + k + 1, (m - k - 1) * sizeof *index);
    guint got = placement_victims_take(v, b);
    cr_assert_eq(got, want, "seed %lu, pick %u: candidate %u, not %u",
                 seed, n - m, got, want);
  }
  cr_assert_eq(placement_victims_left(v), 0);
  cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b), "seed %lu: other draws",
               seed);
  for (guint i = 0; i < n; i++)
    placement_commit(p, instances[i], req->service, &req->needs);
}

Test(placement, many_victims_at_once_are_those_chosen_one_at_a_time)
{
  static const PlacementStrategyItem by_stack[] = {
    { PLACEMENT_SPREAD, "attribute:stack" },
    { PLACEMENT_SPREAD, "host" },
  };
  static const PlacementStrategyItem binpack_then_random[] = {
    { PLACEMENT_BINPACK, "cpu" },
    { PLACEMENT_RANDOM, NULL },
  };
  const struct {
    const PlacementStrategyItem *items;
    guint n;
  } strategies[] = {
    { binpack_memory, 1 }, { binpack_cpu, 1 }, { spread_az, 1 },
    { spread_instance, 1 }, { spread_az_binpack, 2 }, { by_stack, 2 },
    { random_only, 1 }, { binpack_then_random, 2 },
    { NULL, 0 }, /* the default spread */
  };
  const char *blue[] = { "stack", "blue", NULL };
  for (unsigned long seed = 1; seed <= 6; seed++) {
    g_autoptr(Placement) p = placement_new(3);
    g_autoptr(gsl_rng) shape = rng_new(seed);
    g_autoptr(GArray) tasks = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    PlacementNeeds n = { .cpu = 128, .memory = 512 };
    for (uint32_t id = 0; id < 12; id++) {
      PlacementInstanceInfo info = info_of(id % 3, 4096, 16384);
      info.attributes = id % 4 == 0 ? blue : NULL;
      placement_add_instance(p, id, &info);
      /* Few distinct keys, so that ties are common. */
      use_memory(p, id, 1000 * (int) gsl_rng_uniform_int(shape, 3));
      for (guint k = gsl_rng_uniform_int(shape, 6); k > 0; k--) {
        placement_commit(p, id, 0, &n);
        g_array_append_val(tasks, id);
      }
    }
    /* The candidates in a shuffled order, as a service's tasks are. */
    gsl_ran_shuffle(shape, tasks->data, tasks->len, sizeof(uint32_t));
    for (guint s = 0; s < G_N_ELEMENTS(strategies); s++) {
      PlacementRequest req = request(128, 512);
      req.strategies = strategies[s].items;
      req.n_strategies = strategies[s].n;
      req.default_spread = strategies[s].items == NULL;
      victims_match(p, &req, (const uint32_t *) tasks->data, tasks->len,
                    seed * 100 + s);
    }
  }
}

/* The AZ rule of tasks with no instance (cluster_choose_victim()),
 * written out as the reference: the AZ with the most candidates (the
 * first of equals) loses one of them, uniformly; when no AZ has any,
 * one of all. It always draws. */
static guint
az_rule(const int *azs, guint m, guint n_azs, gsl_rng *rng)
{
  g_autofree int *per_az = g_new0(int, MAX(n_azs, 1));
  for (guint i = 0; i < m; i++)
    if (azs[i] >= 0)
      per_az[azs[i]]++;
  int fullest = -1;
  for (guint az = 0; az < n_azs; az++)
    if (fullest < 0 || per_az[az] > per_az[fullest])
      fullest = (int) az;
  g_autoptr(GArray) pool = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint i = 0; i < m; i++)
    if (fullest < 0 || per_az[fullest] == 0 || azs[i] == fullest)
      g_array_append_val(pool, i);
  return g_array_index(pool, guint, gsl_rng_uniform_int(rng, pool->len));
}

Test(placement, many_victims_by_az_are_those_chosen_one_at_a_time)
{
  for (unsigned long seed = 1; seed <= 20; seed++) {
    g_autoptr(gsl_rng) shape = rng_new(seed);
    guint n_azs = seed % 5 == 0 ? 0 : 1 + seed % 4;
    guint n = 1 + (guint) gsl_rng_uniform_int(shape, 300);
    g_autofree int *azs = g_new(int, n);
    for (guint i = 0; i < n; i++)
      azs[i] = n_azs == 0 || gsl_rng_uniform(shape) < 0.1
                 ? -1 : (int) gsl_rng_uniform_int(shape, n_azs);
    g_autoptr(gsl_rng) a = rng_new(seed);
    g_autoptr(gsl_rng) b = rng_new(seed);
    g_autofree int *left = g_memdup2(azs, n * sizeof *left);
    g_autofree guint *index = g_new(guint, n);
    for (guint i = 0; i < n; i++)
      index[i] = i;
    g_autoptr(PlacementVictims) v = placement_victims_new_by_az(azs, n,
                                                                n_azs);
    for (guint m = n; m > 0; m--) {
      guint k = az_rule(left, m, n_azs, a);
      guint want = index[k];
      memmove(left + k, left + k + 1, (m - k - 1) * sizeof *left);
      memmove(index + k, index + k + 1, (m - k - 1) * sizeof *index);
      cr_assert_eq(placement_victims_take(v, b), want, "seed %lu", seed);
    }
    cr_assert_eq(gsl_rng_get(a), gsl_rng_get(b), "seed %lu: other draws",
                 seed);
  }
}

/* ---- bookkeeping and determinism -------------------------------------- */

Test(placement, commit_then_release_restores_free_resources_exactly)
{
  g_autoptr(Placement) p = placement_new(1);
  PlacementInstanceInfo info = info_of(0, 2048, 7987);
  info.awsvpc_slots = 2;
  placement_add_instance(p, 0, &info);
  static const uint16_t ports[] = { 80, 443 };
  PlacementNeeds n = { 333, 777, TRUE, ports, 2 };
  placement_commit(p, 0, 3, &n);
  int cpu, mem, slots;
  placement_free_resources(p, 0, &cpu, &mem, &slots);
  cr_assert_eq(cpu, 2048 - 333);
  cr_assert_eq(mem, 7987 - 777);
  cr_assert_eq(slots, 1);
  cr_assert_eq(placement_service_tasks(p, 0, 3), 1);
  placement_release(p, 0, 3, &n);
  placement_free_resources(p, 0, &cpu, &mem, &slots);
  cr_assert_eq(cpu, 2048);
  cr_assert_eq(mem, 7987);
  cr_assert_eq(slots, 2);
  cr_assert_eq(placement_service_tasks(p, 0, 3), 0);
  /* The ports are free again, and the instance can go. */
  PlacementRequest req = request(2048, 7987);
  req.needs.awsvpc = TRUE;
  req.needs.host_ports = ports;
  req.needs.n_host_ports = 2;
  WITH(req, binpack_cpu);
  g_autoptr(gsl_rng) rng = rng_new(1);
  uint32_t id;
  cr_assert(placement_choose(p, &req, rng, &id, NULL));
  placement_remove_instance(p, 0);
  cr_assert_not(placement_choose(p, &req, rng, &id, NULL));
}

/* Places 200 mixed tasks with @items and returns where they went. */
static void
run_seeded(unsigned long seed, const PlacementStrategyItem *items, guint n,
           uint32_t *out)
{
  g_autoptr(Placement) p = placement_new(3);
  for (uint32_t i = 0; i < 50; i++)
    add(p, i, i % 3, 4096, 16384);
  g_autoptr(gsl_rng) rng = rng_new(seed);
  for (guint t = 0; t < 200; t++) {
    PlacementRequest req = request(64 * (int) (t % 5), 256 * (int) (1 + t % 7));
    req.strategies = items;
    req.n_strategies = n;
    req.default_spread = n == 0;
    int64_t id = place(p, &req, rng);
    out[t] = (uint32_t) id;
  }
}

Test(placement, same_seed_gives_the_same_choices)
{
  const PlacementStrategyItem *sets[] = { random_only, NULL, binpack_memory };
  for (guint s = 0; s < G_N_ELEMENTS(sets); s++) {
    uint32_t a[200], b[200], c[200];
    guint n = sets[s] ? 1 : 0;
    run_seeded(42, sets[s], n, a);
    run_seeded(42, sets[s], n, b);
    cr_assert_arr_eq(a, b, sizeof a);
    if (sets[s] == random_only) {
      run_seeded(43, sets[s], n, c);
      cr_assert(memcmp(a, c, sizeof a) != 0);
    }
  }
}

/* ---- memberOf expressions ---------------------------------------------- */

/* Instances 0..3: t3.large/a/blue, m6i.large/b/green, m6i.xlarge/c (no
 * stack), c5.large/a/blue (arm64). */
static Placement *
attribute_cluster(void)
{
  Placement *p = placement_new(3);
  static const char *blue[] = { "stack", "blue", "tier", "web", NULL };
  static const char *green[] = { "stack", "green", NULL };
  static const struct {
    const char *type, *arch;
    uint32_t az;
    const char *const *attrs;
  } defs[] = {
    { "t3.large", "x86_64", 0, blue }, { "m6i.large", "x86_64", 1, green },
    { "m6i.xlarge", "x86_64", 2, NULL }, { "c5.large", "arm64", 0, blue },
  };
  for (uint32_t i = 0; i < G_N_ELEMENTS(defs); i++) {
    char id[8];
    g_snprintf(id, sizeof id, "i-%u", i);
    PlacementInstanceInfo info = info_of(defs[i].az, 2048, 4096);
    info.instance_id = id;
    info.instance_type = defs[i].type;
    info.cpu_architecture = defs[i].arch;
    info.attributes = defs[i].attrs;
    placement_add_instance(p, i, &info);
  }
  return p;
}

/* The instances @text matches, as a bit mask. */
static guint
matching(const char *text)
{
  g_autoptr(Placement) p = attribute_cluster();
  GError *error = NULL;
  g_autoptr(PlacementExpr) e = placement_expr_parse(text, &error);
  cr_assert_not_null(e, "%s: %s", text, error ? error->message : "?");
  guint mask = 0;
  for (uint32_t i = 0; i < 4; i++)
    if (placement_expr_matches(p, e, i))
      mask |= 1u << i;
  return mask;
}

Test(placement, member_of_operators)
{
  cr_assert_eq(matching("attribute:ecs.instance-type == t3.large"), 0x1);
  cr_assert_eq(matching("attribute:ecs.instance-type equals m6i.large"), 0x2);
  cr_assert_eq(matching("attribute:stack != blue"), 0x6);
  cr_assert_eq(matching("attribute:ecs.availability-zone in "
                        "[us-east-1a, us-east-1c]"), 0xd);
  cr_assert_eq(matching("attribute:ecs.availability-zone not in "
                        "[us-east-1a,us-east-1c]"), 0x2);
  cr_assert_eq(matching("attribute:ecs.availability-zone !in [us-east-1b]"),
               0xd);
  cr_assert_eq(matching("attribute:ecs.instance-type =~ m6i.*"), 0x6);
  cr_assert_eq(matching("attribute:ecs.instance-type =~ ?5.large"), 0x8);
  cr_assert_eq(matching("attribute:ecs.instance-type !~ *.large"), 0x4);
  cr_assert_eq(matching("attribute:stack exists"), 0xb);
  cr_assert_eq(matching("attribute:stack !exists"), 0x4);
  cr_assert_eq(matching("attribute:ecs.cpu-architecture == arm64"), 0x8);
  cr_assert_eq(matching("ec2InstanceId == i-2"), 0x4);
  cr_assert_eq(matching("attribute:stack == 'blue'"), 0x9);
}

Test(placement, member_of_boolean_operators_and_precedence)
{
  cr_assert_eq(matching("attribute:stack == blue and "
                        "attribute:ecs.cpu-architecture == x86_64"), 0x1);
  cr_assert_eq(matching("attribute:stack == green || "
                        "attribute:ecs.instance-type == m6i.xlarge"), 0x6);
  cr_assert_eq(matching("not(attribute:stack == blue)"), 0x6);
  cr_assert_eq(matching("!attribute:stack exists"), 0x4);
  /* and binds tighter than or; parentheses change it. */
  cr_assert_eq(matching("attribute:stack == green or attribute:stack == "
                        "blue and attribute:ecs.availability-zone == "
                        "us-east-1b"), 0x2);
  cr_assert_eq(matching("(attribute:stack == green or attribute:stack == "
                        "blue) and attribute:ecs.availability-zone == "
                        "us-east-1a"), 0x9);
  cr_assert_eq(matching("attribute:ecs.instance-type =~ m6i.* and "
                        "not(attribute:stack == green)"), 0x4);
}

Test(placement, member_of_constrains_placement)
{
  g_autoptr(Placement) p = attribute_cluster();
  g_autoptr(PlacementExpr) e =
    placement_expr_parse("attribute:ecs.instance-type =~ m6i.*", NULL);
  PlacementExpr *list[] = { e };
  PlacementRequest req = request(64, 64);
  req.member_of = list;
  req.n_member_of = 1;
  req.default_spread = TRUE;
  g_autoptr(gsl_rng) rng = rng_new(1);
  for (guint t = 0; t < 20; t++) {
    int64_t id = place(p, &req, rng);
    cr_assert(id == 1 || id == 2);
  }
  g_autoptr(PlacementExpr) none =
    placement_expr_parse("attribute:stack == red", NULL);
  list[0] = none;
  uint32_t id;
  PlacementMiss miss;
  cr_assert_not(placement_choose(p, &req, rng, &id, &miss));
  cr_assert_str_eq(miss.missing, "a matching attribute");
}

/* Asserts that @text is refused with exactly @message. */
static void
refused(const char *text, const char *message)
{
  GError *error = NULL;
  PlacementExpr *e = placement_expr_parse(text, &error);
  cr_assert_null(e, "accepted: %s", text);
  cr_assert(g_error_matches(error, ECSIM_INPUT_ERROR,
                            ECSIM_INPUT_ERROR_INVALID));
  cr_assert_str_eq(error->message, message, "%s", text);
  g_error_free(error);
}

Test(placement, member_of_unclosed_list)
{
  refused("attribute:zone in [a, b c]", "column 25: expected ']'");
  refused("attribute:zone in [a, b", "column 24: expected ']'");
}

Test(placement, member_of_list_without_bracket)
{
  refused("attribute:zone in a", "column 19: expected '['");
}

Test(placement, member_of_missing_value)
{
  refused("attribute:zone == ", "column 19: expected a value");
  refused("attribute:zone in [a, ]", "column 23: expected a value");
}

Test(placement, member_of_unknown_operator)
{
  refused("attribute:stack = dev",
          "column 17: expected an operator (==, !=, in, not in, =~, !~, "
          "exists) after 'attribute:stack'");
  refused("attribute:stack not exists",
          "column 21: expected 'in' after 'not'");
}

Test(placement, member_of_unknown_subject)
{
  refused("stack == dev", "column 1: unknown subject 'stack' (expected "
                          "attribute:NAME or ec2InstanceId)");
  refused("", "column 1: expected attribute:NAME, ec2InstanceId, 'not' or "
              "'('");
}

Test(placement, member_of_unbalanced_parenthesis)
{
  refused("(attribute:a == b", "column 18: expected ')'");
  refused("attribute:a == b)",
          "column 17: expected 'and', 'or' or the end of the expression");
}

Test(placement, member_of_dangling_and)
{
  refused("attribute:a == b and ",
          "column 22: expected attribute:NAME, ec2InstanceId, 'not' or '('");
}

Test(placement, member_of_unterminated_quote)
{
  refused("attribute:a == 'b", "column 16: unterminated quoted value");
}

/* ---- the index against a brute-force reference -------------------------- */

/* The reference keeps its own books and picks, by scanning every
 * instance, the lexicographic least (key_1, ..., key_n, id) over the
 * instances that pass every check: the rule placement-choose.c
 * documents. */

#define REF_SERVICES 3
#define REF_PORTS 3

static const uint16_t ref_ports[REF_PORTS] = { 8000, 8001, 8002 };

typedef struct {
  gboolean registered, active;
  uint32_t az, group;
  gboolean arm;
  const char *stack;          /* "blue", "green" or NULL */
  int cpu, mem, slots;        /* free */
  gboolean port_used[REF_PORTS];
  guint count[REF_SERVICES];
  guint tasks;
} RefInst;

typedef struct {
  uint32_t inst, service;
  PlacementNeeds needs;
} RefTask;

typedef struct {
  guint n;
  RefInst *inst;
  GArray *tasks;              /* RefTask */
  Placement *p;
  gsl_rng *rng;
  PlacementExpr *blue;        /* attribute:stack == blue */
} Ref;

typedef enum { K_MEM, K_CPU, K_INSTANCE, K_AZ, K_STACK } RefKey;

typedef struct {
  const PlacementStrategyItem *items;
  guint n;
  gboolean default_spread;
  RefKey keys[2];
  guint n_keys;
  gboolean random;
} RefStrategies;

static const PlacementStrategyItem binpack_cpu_spread_host[] = {
  { PLACEMENT_BINPACK, "cpu" }, { PLACEMENT_SPREAD, "host" },
};
static const PlacementStrategyItem spread_stack_binpack[] = {
  { PLACEMENT_SPREAD, "attribute:stack" }, { PLACEMENT_BINPACK, "memory" },
};
static const PlacementStrategyItem binpack_memory_spread_az[] = {
  { PLACEMENT_BINPACK, "memory" },
  { PLACEMENT_SPREAD, "attribute:ecs.availability-zone" },
};

static const RefStrategies ref_sets[] = {
  { binpack_memory, 1, FALSE, { K_MEM }, 1, FALSE },
  { binpack_cpu, 1, FALSE, { K_CPU }, 1, FALSE },
  { NULL, 0, TRUE, { K_AZ, K_INSTANCE }, 2, FALSE },
  { spread_instance, 1, FALSE, { K_INSTANCE }, 1, FALSE },
  { spread_az_binpack, 2, FALSE, { K_AZ, K_MEM }, 2, FALSE },
  { binpack_cpu_spread_host, 2, FALSE, { K_CPU, K_INSTANCE }, 2, FALSE },
  { spread_stack_binpack, 2, FALSE, { K_STACK, K_MEM }, 2, FALSE },
  { binpack_memory_spread_az, 2, FALSE, { K_MEM, K_AZ }, 2, FALSE },
  { NULL, 0, FALSE, { 0 }, 0, FALSE },
  { random_only, 1, FALSE, { 0 }, 0, TRUE },
};

static void
ref_add(Ref *r, uint32_t id)
{
  static const int cpus[] = { 1024, 2048, 4096 };
  static const int mems[] = { 2048, 4096, 8192 };
  static const int slots[] = { 2, 3, 10 };
  static const char *stacks[] = { "blue", "green", NULL };
  RefInst *in = &r->inst[id];
  memset(in, 0, sizeof *in);
  in->registered = in->active = TRUE;
  in->az = gsl_rng_uniform_int(r->rng, 3);
  in->group = gsl_rng_uniform_int(r->rng, 2);
  in->arm = gsl_rng_uniform(r->rng) < 0.2;
  in->stack = stacks[gsl_rng_uniform_int(r->rng, 3)];
  in->cpu = cpus[gsl_rng_uniform_int(r->rng, 3)];
  in->mem = mems[gsl_rng_uniform_int(r->rng, 3)];
  in->slots = slots[gsl_rng_uniform_int(r->rng, 3)];
  const char *attrs[] = { "stack", in->stack, NULL };
  PlacementInstanceInfo info = info_of(in->az, in->cpu, in->mem);
  info.group = in->group;
  info.cpu_architecture = in->arm ? "arm64" : "x86_64";
  info.attributes = in->stack ? attrs : NULL;
  info.awsvpc_slots = in->slots;
  placement_add_instance(r->p, id, &info);
}

typedef struct {
  PlacementRequest req;
  uint64_t mask;
  PlacementExpr *member_of[1];
  const RefStrategies *set;
} RefRequest;

static void
ref_request(Ref *r, RefRequest *rr)
{
  memset(rr, 0, sizeof *rr);
  PlacementRequest *q = &rr->req;
  q->service = gsl_rng_uniform_int(r->rng, REF_SERVICES);
  q->needs.cpu = 128 * (int) gsl_rng_uniform_int(r->rng, 9);
  q->needs.memory = 256 * (1 + (int) gsl_rng_uniform_int(r->rng, 12));
  q->needs.awsvpc = gsl_rng_uniform(r->rng) < 0.2;
  if (gsl_rng_uniform(r->rng) < 0.15) {
    q->needs.host_ports = &ref_ports[gsl_rng_uniform_int(r->rng, REF_PORTS)];
    q->needs.n_host_ports = 1;
  }
  q->distinct_instance = gsl_rng_uniform(r->rng) < 0.1;
  double u = gsl_rng_uniform(r->rng);
  q->cpu_architecture = u < 0.7 ? NULL : u < 0.9 ? "x86_64" : "arm64";
  if (gsl_rng_uniform(r->rng) < 0.2) {
    rr->mask = UINT64_C(1) << gsl_rng_uniform_int(r->rng, 2);
    q->group_mask = &rr->mask;
  }
  if (gsl_rng_uniform(r->rng) < 0.1) {
    rr->member_of[0] = r->blue;
    q->member_of = rr->member_of;
    q->n_member_of = 1;
  }
  rr->set = &ref_sets[gsl_rng_uniform_int(r->rng, G_N_ELEMENTS(ref_sets))];
  q->strategies = rr->set->items;
  q->n_strategies = rr->set->n;
  q->default_spread = rr->set->default_spread;
}

static gboolean
ref_fits(const Ref *r, uint32_t id, const RefRequest *rr)
{
  const RefInst *in = &r->inst[id];
  const PlacementRequest *q = &rr->req;
  if (!in->registered || !in->active)
    return FALSE;
  if (in->cpu < q->needs.cpu || in->mem < q->needs.memory ||
      (q->needs.awsvpc && in->slots < 1))
    return FALSE;
  if (q->cpu_architecture &&
      strcmp(q->cpu_architecture, in->arm ? "arm64" : "x86_64") != 0)
    return FALSE;
  if (q->group_mask && !(rr->mask >> in->group & 1))
    return FALSE;
  if (q->distinct_instance && in->count[q->service] > 0)
    return FALSE;
  for (guint k = 0; k < q->needs.n_host_ports; k++)
    if (in->port_used[q->needs.host_ports[k] - ref_ports[0]])
      return FALSE;
  if (q->n_member_of > 0 && !(in->stack && strcmp(in->stack, "blue") == 0))
    return FALSE;
  return TRUE;
}

static int64_t
ref_key(const Ref *r, RefKey key, uint32_t service, uint32_t id)
{
  const RefInst *in = &r->inst[id];
  int64_t sum = 0;
  switch (key) {
  case K_MEM:
    return in->mem;
  case K_CPU:
    return in->cpu;
  case K_INSTANCE:
    return in->count[service];
  case K_AZ:
  case K_STACK:
    for (uint32_t j = 0; j < r->n; j++) {
      const RefInst *o = &r->inst[j];
      if (!o->registered)
        continue;
      if (key == K_AZ ? o->az == in->az
                      : g_strcmp0(o->stack, in->stack) == 0)
        sum += o->count[service];
    }
    return sum;
  }
  return 0;
}

/* The reference choice; -1 when nothing fits. */
static int64_t
ref_choose(const Ref *r, const RefRequest *rr)
{
  int64_t best = -1, best_keys[2] = { 0 };
  for (uint32_t id = 0; id < r->n; id++) {
    if (!ref_fits(r, id, rr))
      continue;
    int64_t keys[2] = { 0 };
    gboolean better = best < 0;
    for (guint k = 0; k < rr->set->n_keys; k++)
      keys[k] = ref_key(r, rr->set->keys[k], rr->req.service, id);
    for (guint k = 0; k < rr->set->n_keys && !better; k++) {
      if (keys[k] != best_keys[k]) {
        better = keys[k] < best_keys[k];
        break;
      }
    }
    if (better) {
      best = id;
      memcpy(best_keys, keys, sizeof keys);
    }
  }
  return best;
}

static void
ref_commit(Ref *r, uint32_t id, const PlacementRequest *q)
{
  RefInst *in = &r->inst[id];
  in->cpu -= q->needs.cpu;
  in->mem -= q->needs.memory;
  in->slots -= q->needs.awsvpc ? 1 : 0;
  for (guint k = 0; k < q->needs.n_host_ports; k++)
    in->port_used[q->needs.host_ports[k] - ref_ports[0]] = TRUE;
  in->count[q->service]++;
  in->tasks++;
  RefTask t = { id, q->service, q->needs };
  g_array_append_val(r->tasks, t);
  placement_commit(r->p, id, q->service, &q->needs);
}

static void
ref_release(Ref *r, guint index)
{
  RefTask t = g_array_index(r->tasks, RefTask, index);
  g_array_remove_index_fast(r->tasks, index);
  RefInst *in = &r->inst[t.inst];
  in->cpu += t.needs.cpu;
  in->mem += t.needs.memory;
  in->slots += t.needs.awsvpc ? 1 : 0;
  for (guint k = 0; k < t.needs.n_host_ports; k++)
    in->port_used[t.needs.host_ports[k] - ref_ports[0]] = FALSE;
  in->count[t.service]--;
  in->tasks--;
  placement_release(r->p, t.inst, t.service, &t.needs);
}

static void
ref_check_books(const Ref *r)
{
  for (uint32_t id = 0; id < r->n; id++) {
    const RefInst *in = &r->inst[id];
    if (!in->registered)
      continue;
    int cpu, mem, slots;
    placement_free_resources(r->p, id, &cpu, &mem, &slots);
    cr_assert(cpu == in->cpu && mem == in->mem && slots == in->slots,
              "instance %u", id);
    for (uint32_t s = 0; s < REF_SERVICES; s++)
      cr_assert_eq(placement_service_tasks(r->p, id, s), in->count[s]);
  }
}

/* One placement, checked against the reference. */
static void
ref_place(Ref *r, guint op)
{
  RefRequest rr;
  ref_request(r, &rr);
  uint32_t got;
  PlacementMiss miss;
  gboolean ok = placement_choose(r->p, &rr.req, r->rng, &got, &miss);
  int64_t want = ref_choose(r, &rr);
  cr_assert_eq(ok, want >= 0, "op %u: strategies %d: placed %d, reference "
               "%d", op, (int) (rr.set - ref_sets), ok, (int) want);
  if (!ok)
    return;
  if (rr.set->random)
    cr_assert(ref_fits(r, got, &rr), "op %u: random chose a misfit", op);
  else
    cr_assert_eq(got, want, "op %u: strategies %d: chose %u, reference %d",
                 op, (int) (rr.set - ref_sets), got, (int) want);
  ref_commit(r, got, &rr.req);
}

static void
ref_step(Ref *r, guint op)
{
  double u = gsl_rng_uniform(r->rng);
  uint32_t id = gsl_rng_uniform_int(r->rng, r->n);
  RefInst *in = &r->inst[id];
  if (u < 0.04) {
    if (!in->registered)
      ref_add(r, id);
  } else if (u < 0.06) {
    if (in->registered && in->tasks == 0) {
      placement_remove_instance(r->p, id);
      in->registered = FALSE;
    }
  } else if (u < 0.09) {
    if (in->registered) {
      in->active = !in->active;
      placement_set_active(r->p, id, in->active);
    }
  } else if (u < 0.42) {
    if (r->tasks->len > 0)
      ref_release(r, gsl_rng_uniform_int(r->rng, r->tasks->len));
  } else {
    ref_place(r, op);
  }
}

static void
ref_run(unsigned long seed, guint n_instances, guint n_ops)
{
  Ref r = { .n = n_instances };
  r.inst = g_new0(RefInst, n_instances);
  r.tasks = g_array_new(FALSE, FALSE, sizeof(RefTask));
  r.p = placement_new(3);
  r.rng = rng_new(seed);
  r.blue = placement_expr_parse("attribute:stack == blue", NULL);
  for (uint32_t id = 0; id < n_instances; id += 2)
    ref_add(&r, id);
  for (guint op = 0; op < n_ops; op++) {
    ref_step(&r, op);
    if (op % 97 == 0)
      ref_check_books(&r);
  }
  ref_check_books(&r);
  placement_expr_free(r.blue);
  gsl_rng_free(r.rng);
  placement_free(r.p);
  g_array_unref(r.tasks);
  g_free(r.inst);
}

Test(placement, indexed_choice_matches_brute_force_small_cluster)
{
  for (unsigned long seed = 1; seed <= 4; seed++)
    ref_run(seed, 24, 6000);
}

Test(placement, indexed_choice_matches_brute_force_large_cluster)
{
  ref_run(99, 600, 12000);
}
