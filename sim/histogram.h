/* A streaming histogram of non-negative integers (latencies in
 * microseconds) with bounded relative error and fixed memory.
 *
 * Buckets are log-linear, as in HdrHistogram: values below 512 have a
 * bucket each; above, every power of two is cut into 256 equal buckets,
 * so a bucket's width is at most 1/256 (0.39%) of its lower bound: 0.5 ms
 * at 200 ms. Quantiles interpolate within their bucket (its values taken
 * as evenly spread), so that they move with the data rather than in
 * bucket steps, and are clamped to the exact minimum and maximum seen.
 * Values at or above 2^43 (about 100 days in microseconds) share the top
 * bucket. Memory: about 72 KB, whatever the number of values. */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef struct _SimHistogram SimHistogram;

/* Returns a new, empty histogram. Never fails. */
SimHistogram *sim_histogram_new(void);
void sim_histogram_free(SimHistogram *h);

void sim_histogram_record(SimHistogram *h, uint64_t value);
/* Records @value @count times. */
void sim_histogram_record_n(SimHistogram *h, uint64_t value, uint64_t count);

/* Empties @h. */
void sim_histogram_reset(SimHistogram *h);

/* Adds every value of @from into @into. */
void sim_histogram_merge(SimHistogram *into, const SimHistogram *from);

uint64_t sim_histogram_count(const SimHistogram *h);
/* Exact mean of the values recorded; 0 when empty. */
double sim_histogram_mean(const SimHistogram *h);
/* Exact extremes; 0 when empty. */
uint64_t sim_histogram_min(const SimHistogram *h);
uint64_t sim_histogram_max(const SimHistogram *h);

/* The value at nearest rank ceil(@q × count) (@q in [0, 1]), within the
 * width of its bucket; NAN when empty. */
double sim_histogram_quantile(const SimHistogram *h, double q);

/* The width of the bucket that holds @value: what a quantile read near
 * @value can be off by (1 below 512). Differences between quantiles
 * smaller than this are the histogram's, not the data's. Never fails. */
double sim_histogram_resolution(double value);

/* Fraction of values <= @threshold, exact when @threshold is a bucket
 * boundary and otherwise interpolated within its bucket; NAN when empty. */
double sim_histogram_fraction_below(const SimHistogram *h,
                                    uint64_t threshold);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimHistogram, sim_histogram_free)
