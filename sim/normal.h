/* Fast standard normal random variates by Marsaglia and Tsang's ziggurat
 * ("The Ziggurat Method for Generating Random Variables", J. Stat. Softw.
 * 5(8), 2000), 128 layers, with Marsaglia's exact tail beyond the base.
 *
 * About 99% of draws cost one 32-bit integer, a table lookup and a
 * multiply; the rest fall back to exact rejection. As in sim/exponential.h
 * the layer comes from the low 7 bits, the sign from the 8th and the
 * value from the other 24, so none shares bits with another (the
 * original used the same bits for layer and value). Lognormal service
 * times draw one per request: GSL's polar method spends a log(), a
 * sqrt() and a division on each, and throws half its pair away. */
#pragma once

#include <gsl/gsl_rng.h>

/* An N(0, 1) variate from @rng (which must return 32 random bits, as
 * taus2 and mt19937 do). Thread-safe. */
double sim_normal(gsl_rng *rng);
