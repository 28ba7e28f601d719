/* Task placement on EC2 instances: resources, constraints, strategies,
 * the closest-instance report (the scale-in choice:
 * test-placement-victims.c; memberOf expressions: test-placement-expr.c;
 * the indexed choice against a brute-force reference:
 * test-placement-reference.c). */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "models/input/input.h"
#include "models/capacity/placement.h"
#include "placement-support.h"

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
