/* Scale-in: which tasks placement's strategies stop, one at a time and
 * many at once. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "models/input/input.h"
#include "models/capacity/placement.h"
#include "placement-support.h"

/* ---- scale-in --------------------------------------------------------- */

/* Counts into @hits (@n zeroed counters) which of the @n candidates
 * @tasks placement_choose_victim() picks in @draws draws, from a
 * generator seeded 1. */
static void
count_victims(Placement *p, const PlacementRequest *req,
              const uint32_t *tasks, guint n, guint draws, guint *hits)
{
  g_autoptr(gsl_rng) rng = rng_new(1);
  for (guint t = 0; t < draws; t++)
    hits[placement_choose_victim(p, req, tasks, n, rng)]++;
}

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
  guint hits[4] = { 0 };
  count_victims(p, &req, tasks, 4, 400, hits);
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
  guint hits[2] = { 0 };
  count_victims(p, &req, tasks, 2, 1000, hits);
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
