/* Stationary waits of a group of identical servers: whether a request
 * waits and, given that it does, the law of its wait (fluid-queue.h,
 * regime (a); scenarios/REFERENCE.md, "Aggregate fidelity: the
 * formulas", states each formula with its source). Used by the steps
 * of fluid-queue.c. */
#pragma once

#include "models/requests/fluid-queue.h"

/* Kingman's variability factor (ca² + cs²) / 2 of Allen-Cunneen. */
double fluid_variability(const FluidServer *srv);

/* The chance a request waits among @a Erlangs (< c) of load on the slots
 * of @srv: Erlang C, corrected for arrivals more regular than Poisson. */
double fluid_delay_probability(const FluidServer *srv, double a);

/* The waiters of a stationary step at @a Erlangs (< c). */
typedef struct {
  double p_wait; /* the chance a request waits (fluid_delay_probability()) */
  double mean_s; /* the mean wait of one that does, seconds */
  double scv;    /* its squared coefficient of variation: 1 for an
                    exponential wait, above 1 for two phases
                    (fluid_wait_phases()) */
} FluidWaiters;

void fluid_waiters(const FluidServer *srv, double a, FluidWaiters *out);
