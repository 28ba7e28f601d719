/* Named random streams for common random numbers (GSL's taus2).
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
