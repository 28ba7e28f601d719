/* Streams are taus2 generators (L'Ecuyer's maximally equidistributed
 * combined Tausworthe, period 2^88), keyed by name: among the fastest
 * generators of full 32-bit words, which the request path draws two or
 * more of per request. */
#include "sim/rng.h"

/* GSL's taus2_set(), to the number: three LCG steps from the seed, each
 * lifted above the bits its component ignores, then six warm-up steps. */
static void
taus2_set(void *vstate, unsigned long seed)
{
  SimTaus2State *s = vstate;
  uint32_t x = seed == 0 ? 1u : (uint32_t) seed;
  s->s1 = UINT32_C(69069) * x;
  if (s->s1 < 2)
    s->s1 += 2;
  s->s2 = UINT32_C(69069) * s->s1;
  if (s->s2 < 8)
    s->s2 += 8;
  s->s3 = UINT32_C(69069) * s->s2;
  if (s->s3 < 16)
    s->s3 += 16;
  for (int i = 0; i < 6; i++)
    sim_taus2_next(s);
}

static unsigned long
taus2_get(void *vstate)
{
  return sim_taus2_next(vstate);
}

static double
taus2_get_double(void *vstate)
{
  return sim_taus2_next(vstate) / 4294967296.0;
}

const gsl_rng_type sim_rng_taus2 = {
  .name = "ecsim-taus2",
  .max = UINT32_C(0xffffffff),
  .min = 0,
  .size = sizeof(SimTaus2State),
  .set = taus2_set,
  .get = taus2_get,
  .get_double = taus2_get_double,
};

struct _SimRngSet {
  guint64 seed;
  GHashTable *streams; /* name -> gsl_rng*, both owned */
};

/* splitmix64's finaliser: a bijective mix with full avalanche. */
static guint64
mix64(guint64 z)
{
  z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
  return z ^ (z >> 31);
}

guint64
sim_rng_stream_seed(guint64 seed, const char *name)
{
  guint64 h = UINT64_C(0xcbf29ce484222325); /* FNV-1a over the name */
  for (const unsigned char *p = (const unsigned char *) name; *p; p++)
    h = (h ^ *p) * UINT64_C(0x100000001b3);
  return mix64(mix64(seed + UINT64_C(0x9e3779b97f4a7c15)) ^ h);
}

SimRngSet *
sim_rng_set_new(guint64 seed)
{
  SimRngSet *set = g_new0(SimRngSet, 1);
  set->seed = seed;
  set->streams = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) gsl_rng_free);
  return set;
}

void
sim_rng_set_free(SimRngSet *set)
{
  if (set == NULL)
    return;
  g_hash_table_destroy(set->streams);
  g_free(set);
}

gsl_rng *
sim_rng_get(SimRngSet *set, const char *name)
{
  g_return_val_if_fail(set != NULL && name != NULL, NULL);
  gsl_rng *r = g_hash_table_lookup(set->streams, name);
  if (r != NULL)
    return r;
  r = gsl_rng_alloc(&sim_rng_taus2);
  /* GSL seeds with an unsigned long; fold the 64-bit key into 32 bits
   * (as every GSL generator accepts). A zero seed makes GSL substitute its
   * default, so avoid it. */
  guint64 key = sim_rng_stream_seed(set->seed, name);
  unsigned long s = (unsigned long) ((key ^ (key >> 32)) & 0xffffffffUL);
  gsl_rng_set(r, s ? s : 1);
  g_hash_table_insert(set->streams, g_strdup(name), r);
  return r;
}
