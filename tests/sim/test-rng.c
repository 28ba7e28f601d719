/* Named random streams: reproducible and independent of creation order. */
#include <criterion/criterion.h>

#include "sim/rng.h"

static void
draw(gsl_rng *r, unsigned long *out, int n)
{
  for (int i = 0; i < n; i++)
    out[i] = gsl_rng_get(r);
}

Test(rng, same_seed_and_name_give_the_same_sequence)
{
  SimRngSet *a = sim_rng_set_new(7), *b = sim_rng_set_new(7);
  unsigned long x[100], y[100];
  draw(sim_rng_get(a, "traffic/web"), x, 100);
  draw(sim_rng_get(b, "traffic/web"), y, 100);
  cr_assert_arr_eq(x, y, sizeof x);
  sim_rng_set_free(a);
  sim_rng_set_free(b);
}

Test(rng, streams_do_not_depend_on_creation_order_or_other_streams)
{
  SimRngSet *a = sim_rng_set_new(7), *b = sim_rng_set_new(7);
  unsigned long x[50], y[50];
  gsl_rng *other = sim_rng_get(a, "placement");
  for (int i = 0; i < 1000; i++)
    gsl_rng_get(other); /* drawing elsewhere must not matter */
  draw(sim_rng_get(a, "traffic/web"), x, 50);
  draw(sim_rng_get(b, "traffic/web"), y, 50);
  cr_assert_arr_eq(x, y, sizeof x);
  sim_rng_set_free(a);
  sim_rng_set_free(b);
}

Test(rng, different_names_and_seeds_give_different_sequences)
{
  SimRngSet *a = sim_rng_set_new(7), *b = sim_rng_set_new(8);
  unsigned long x[20], y[20], z[20];
  draw(sim_rng_get(a, "traffic/web"), x, 20);
  draw(sim_rng_get(a, "traffic/api"), y, 20);
  draw(sim_rng_get(b, "traffic/web"), z, 20);
  cr_assert_arr_neq(x, y, sizeof x);
  cr_assert_arr_neq(x, z, sizeof x);
  cr_assert_eq(sim_rng_get(a, "traffic/web"), sim_rng_get(a, "traffic/web"),
               "a name maps to one stream");
  sim_rng_set_free(a);
  sim_rng_set_free(b);
}
