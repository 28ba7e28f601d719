/* Latency records of the aggregate ("fluid") fidelity: the requests a
 * step completed (fluid-queue.h) become points of a latency histogram
 * (sim/histogram.h), without drawing a random number.
 *
 * A request's latency is S speed + W: its service time S, drawn from the
 * service's Dist and stretched by its task's speed factor, plus its wait
 * W, whose law the step gives (none, exponential(mean), fixed). A
 * FluidLatency belongs to one service. Between flushes it accumulates
 * weighted groups (requests completed, speed, wait law); waits are
 * bucketed on a log scale (8 buckets per doubling for exponential waits,
 * 32 for fixed ones), each bucket keeping the count-weighted mean of its
 * waits, so a period has few groups. A flush writes every group as a
 * deterministic set of points with integer counts:
 *
 *  - the points are the conditional means of the latency law over bins of
 *    probability whose ends differ by at most 3% in value (below the
 *    median, or that hold at most 1% of probability), from the 1e-5
 *    quantile to the 1 - 1e-8 one, so that p50 to p99.9 read back within
 *    about 1.3% however groups mix (tests/models/test-fluid.c); the last
 *    bin's value keeps the law's mean exact;
 *  - counts come from systematic rounding of (requests x bin probability)
 *    that carries the fractional remainder from group to group and from
 *    flush to flush (starting at one half), so the total recorded is
 *    always the total of requests added so far, rounded to the nearest;
 *    each group starts its walk round the bins at a level that moves by
 *    the golden ratio, so that flushes of a few requests spread over the
 *    whole law.
 *
 * The law of S + W for an exponential W is a convolution: it is computed
 * once per service for each ratio of mean wait to mean service time on a
 * grid of 4 per doubling (lazily, about a millisecond each) and
 * interpolated between them; outside 2^-12 to 2^14 one term is a shift.
 *
 * Cost (bench/bench-fluid.c prints it, in CPU time): about 8 ns per point
 * recorded (twice that with @h2). A group without wait or with a fixed
 * one has as many points as its service-time law needs: 1 for a fixed
 * time (50 ns a flush), 170 for an exponential, 240 for a lognormal of cv
 * 1.2 (1.6-2 µs); one with an exponential wait 170-250 points from two
 * interpolated tables (3-5 µs). That is about 1 s of CPU per service for
 * a year of one-minute periods. No allocation on a flush once the groups
 * array has grown; fluid_latency_new() takes a few milliseconds. */
#pragma once

#include <glib.h>

#include "models/input/dist.h"
#include "models/requests/fluid-queue.h"
#include "sim/histogram.h"

typedef struct _FluidLatency FluidLatency;

/* A new, empty accumulator for a service whose service time (at speed
 * factor 1) follows @service_time (copied). Costs a few milliseconds
 * (the quantile tables). Never fails. */
FluidLatency *fluid_latency_new(const Dist *service_time);
void fluid_latency_free(FluidLatency *fl);

/* Adds @completed requests (fractional, >= 0) served at speed factor
 * @speed (service time S x @speed) whose waits follow @wait (may be
 * NULL: no wait). */
void fluid_latency_add(FluidLatency *fl, double completed, double speed,
                       const FluidWait *wait);

/* Requests added since the last flush (fractional). */
double fluid_latency_pending(const FluidLatency *fl);

/* Points a group is recorded as: without wait or with a fixed one, or
 * (@exp_wait) with an exponential wait. */
guint fluid_latency_n_points(const FluidLatency *fl, gboolean exp_wait);

/* Records what was added, in microseconds, into @h1 and, when not NULL,
 * @h2 (the same points in both), and empties the accumulator. */
void fluid_latency_flush(FluidLatency *fl, SimHistogram *h1,
                         SimHistogram *h2);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(FluidLatency, fluid_latency_free)
