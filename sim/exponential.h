/* Fast exponential random variates by Marsaglia and Tsang's ziggurat
 * ("The Ziggurat Method for Generating Random Variables", J. Stat. Softw.
 * 5(8), 2000), 256 layers.
 *
 * About 98% of draws cost one 32-bit integer, a table lookup and a
 * multiply; the rest fall back to exact rejection. The layer index comes
 * from the low 8 bits and the value from the other 24, so the two are
 * independent (the original used the same bits for both); 24 bits of
 * resolution are far below a microsecond at any mean a simulation uses.
 * Exponential draws are two per request (arrival gap, service time), so
 * this is on the hot path: GSL's inverse-transform sampler spends most of
 * its time in log(). */
#pragma once

#include <gsl/gsl_rng.h>

/* An Exp(1) variate from @rng (which must return 32 random bits, as
 * taus2 and mt19937 do). Thread-safe. */
double sim_exponential(gsl_rng *rng);
