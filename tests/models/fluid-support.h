/* Helpers shared by the fluid mathematics' tests (test-fluid.c,
 * test-fluid-transient.c, test-dist.c). */
#pragma once

#include "models/input/dist.h"
#include "models/requests/fluid-queue.h"

/* Service-time laws of @mean seconds and coefficient of variation @cv,
 * as dist_parse() would make them. */
Dist fluid_test_lognormal(double mean, double cv);
Dist fluid_test_gamma(double mean, double cv);
Dist fluid_test_exponential(double mean);

/* A group of @slots servers of mean service @mean_s and squared
 * coefficient of variation @scv, Poisson arrivals, @limit waiting places
 * and a @timeout (INFINITY: none). */
FluidServer fluid_test_server(int slots, double mean_s, double scv,
                              double limit, double timeout);

/* Asserts that the step @s from backlog @b0 at @lambda over @dt conserves
 * requests (arrivals = queue_full + timed_out + started + change of
 * backlog), that the wait law's fractions sum to 1, and that nothing is
 * negative; @what names the case. */
void fluid_assert_conserved(const char *what, double lambda, double dt,
                            double b0, const FluidStep *s);
