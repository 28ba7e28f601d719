/* Named random streams for common random numbers (L'Ecuyer's taus2).
 *
 * Each component draws from its own gsl_rng, created on first use and
 * seeded from (run seed, stream name) alone. A stream's numbers therefore
 * do not depend on which other streams exist or the order they were made
 * in: two variants of a scenario that differ in capacity see exactly the
 * same arrivals, and adding a model changes no other model's draws. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdint.h>

typedef struct _SimRngSet SimRngSet;

/* Returns a new set for run seed @seed. Never fails. */
SimRngSet *sim_rng_set_new(guint64 seed);

/* Frees @set and its streams. Accepts NULL. */
void sim_rng_set_free(SimRngSet *set);

/* Returns the stream named @name, creating it on first use. The set keeps
 * ownership; the pointer stays valid until the set is freed. */
gsl_rng *sim_rng_get(SimRngSet *set, const char *name);

/* The 64-bit seed sim_rng_get() derives for (@seed, @name). */
guint64 sim_rng_stream_seed(guint64 seed, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimRngSet, sim_rng_set_free)

/* The generator behind every stream: GSL's taus2 (same seeding by
 * gsl_rng_set(), same numbers; tests/sim/test-rng.c checks), as a
 * gsl_rng_type of our own whose state this header knows, so that the
 * request path draws inline instead of through two calls (one of them
 * indirect). Every gsl_rng function works on it as on gsl_rng_taus2. */
typedef struct {
  uint32_t s1, s2, s3;
} SimTaus2State;

extern const gsl_rng_type sim_rng_taus2;

/* One step of L'Ecuyer's combined Tausworthe generator. */
static inline uint32_t
sim_taus2_next(SimTaus2State *s)
{
  s->s1 = ((s->s1 & UINT32_C(4294967294)) << 12) ^
          (((s->s1 << 13) ^ s->s1) >> 19);
  s->s2 = ((s->s2 & UINT32_C(4294967288)) << 4) ^
          (((s->s2 << 2) ^ s->s2) >> 25);
  s->s3 = ((s->s3 & UINT32_C(4294967280)) << 17) ^
          (((s->s3 << 3) ^ s->s3) >> 11);
  return s->s1 ^ s->s2 ^ s->s3;
}

/* 32 random bits from @r: gsl_rng_get(), inline for our streams. @r
 * must return 32-bit words (taus2 and mt19937 do). */
static inline uint32_t
sim_rng_u32(gsl_rng *r)
{
  if (G_LIKELY(r->type == &sim_rng_taus2))
    return sim_taus2_next(r->state);
  return (uint32_t) gsl_rng_get(r);
}

/* A uniform in [0, 1): gsl_rng_uniform(), inline for our streams. */
static inline double
sim_rng_uniform(gsl_rng *r)
{
  if (G_LIKELY(r->type == &sim_rng_taus2))
    return sim_taus2_next(r->state) / 4294967296.0;
  return gsl_rng_uniform(r);
}

/* A uniform in (0, 1): gsl_rng_uniform_pos(), inline for our streams. */
static inline double
sim_rng_uniform_pos(gsl_rng *r)
{
  double u;
  do
    u = sim_rng_uniform(r);
  while (u == 0.0);
  return u;
}
