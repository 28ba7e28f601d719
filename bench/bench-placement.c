/* Placement benchmark: 100,000 tasks onto 10,000 instances.
 *
 * Instances are m6i.large-like (2,048 CPU units, 7,987 MiB registered, 2
 * awsvpc slots) spread over 3 AZs. Each run places tasks one by one
 * (placement_choose() then placement_commit()) into an empty cluster with
 * one strategy set: binpack(memory), the default spread (AZ, then
 * instance) and random; once with uniform tasks (128 CPU / 512 MiB, 15 to
 * an instance by memory) and once with a mix of four sizes. It prints
 * the wall time of each run and nanoseconds per placement; tasks that did
 * not fit are counted, not timed apart.
 *
 * Run: meson test -C build --benchmark placement --verbose
 *   or build/bench/bench-placement [TASKS [INSTANCES]] */
#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/capacity/placement.h"

#define N_AZS 3

typedef struct {
  int cpu, memory;
} Size;

static const Size uniform[] = { { 128, 512 } };
static const Size mixed[] = {
  { 64, 256 }, { 128, 512 }, { 256, 768 }, { 128, 1024 },
};

static Placement *
make_cluster(guint n_instances)
{
  static const char *az_names[N_AZS] = { "us-east-1a", "us-east-1b",
                                         "us-east-1c" };
  Placement *p = placement_new(N_AZS);
  for (guint i = 0; i < n_instances; i++) {
    char id[32];
    g_snprintf(id, sizeof id, "i-%017x", i);
    PlacementInstanceInfo info = {
      .az = i % N_AZS, .group = 0, .instance_id = id,
      .instance_type = "m6i.large", .az_name = az_names[i % N_AZS],
      .cpu_architecture = "x86_64", .cpu = 2048, .memory = 7987,
      .awsvpc_slots = 2,
    };
    placement_add_instance(p, i, &info);
  }
  return p;
}

static void
run(const char *name, const PlacementStrategyItem *strategies, guint n_str,
    const Size *sizes, guint n_sizes, guint n_tasks, guint n_instances)
{
  Placement *p = make_cluster(n_instances);
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 42);
  PlacementRequest req = {
    .service = 0, .strategies = strategies, .n_strategies = n_str,
    .default_spread = n_str == 0,
  };
  guint failed = 0;
  gint64 start = g_get_monotonic_time();
  for (guint t = 0; t < n_tasks; t++) {
    const Size *s = &sizes[t % n_sizes];
    req.needs.cpu = s->cpu;
    req.needs.memory = s->memory;
    uint32_t instance;
    if (placement_choose(p, &req, rng, &instance, NULL))
      placement_commit(p, instance, 0, &req.needs);
    else
      failed++;
  }
  gint64 elapsed = g_get_monotonic_time() - start;
  printf("%-28s %-8s %8.1f ms %8.0f ns/placement  (%u of %u did not fit)\n",
         name, n_sizes == 1 ? "uniform" : "mixed", elapsed / 1000.0,
         elapsed * 1000.0 / n_tasks, failed, n_tasks);
  gsl_rng_free(rng);
  placement_free(p);
}

int
main(int argc, char **argv)
{
  guint n_tasks = argc > 1 ? (guint) strtoul(argv[1], NULL, 10) : 100000;
  guint n_instances = argc > 2 ? (guint) strtoul(argv[2], NULL, 10) : 10000;
  if (n_tasks == 0 || n_instances == 0) {
    fprintf(stderr, "usage: bench-placement [TASKS [INSTANCES]]\n");
    return 2;
  }
  static const PlacementStrategyItem binpack[] = {
    { PLACEMENT_BINPACK, "memory" },
  };
  static const PlacementStrategyItem random_[] = {
    { PLACEMENT_RANDOM, NULL },
  };
  printf("%u tasks onto %u instances (2048 CPU, 7987 MiB, %d AZs)\n",
         n_tasks, n_instances, N_AZS);
  for (int mix = 0; mix < 2; mix++) {
    const Size *sizes = mix ? mixed : uniform;
    guint n_sizes = mix ? G_N_ELEMENTS(mixed) : G_N_ELEMENTS(uniform);
    run("binpack(memory)", binpack, 1, sizes, n_sizes, n_tasks, n_instances);
    run("default spread (AZ, host)", NULL, 0, sizes, n_sizes, n_tasks,
        n_instances);
    run("random", random_, 1, sizes, n_sizes, n_tasks, n_instances);
  }
  return 0;
}
