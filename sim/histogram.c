/* Log-linear bucket indexing by the position of the highest set bit. */
#include "sim/histogram.h"

#include <math.h>
#include <string.h>

#define SUB_BITS 8                      /* 256 buckets per power of two */
#define SUB_COUNT (1u << SUB_BITS)
#define EXACT_LIMIT (2u * SUB_COUNT)    /* values below this are exact */
#define MAX_BIT 43                      /* values >= 2^43 share the top */
#define N_BUCKETS (EXACT_LIMIT + (MAX_BIT - SUB_BITS - 1) * SUB_COUNT)

struct _SimHistogram {
  uint64_t count;
  double sum;
  uint64_t min;
  uint64_t max;
  uint64_t buckets[N_BUCKETS];
};

static inline guint
bucket_of(uint64_t v)
{
  if (v < EXACT_LIMIT)
    return (guint) v;
  if (v >= (UINT64_C(1) << MAX_BIT))
    return N_BUCKETS - 1;
  guint msb = 63u - (guint) __builtin_clzll(v); /* >= SUB_BITS + 1 */
  guint shift = msb - SUB_BITS;
  guint sub = (guint) (v >> shift) - SUB_COUNT; /* 0..SUB_COUNT-1 */
  return EXACT_LIMIT + (msb - SUB_BITS - 1) * SUB_COUNT + sub;
}

/* [lower, upper) of bucket @b. */
static void
bucket_range(guint b, double *lower, double *upper)
{
  if (b < EXACT_LIMIT) {
    *lower = b;
    *upper = b + 1.0;
    return;
  }
  guint rel = b - EXACT_LIMIT;
  guint shift = rel / SUB_COUNT + 1;
  guint sub = rel % SUB_COUNT + SUB_COUNT;
  *lower = ldexp((double) sub, (int) shift);
  *upper = ldexp((double) sub + 1.0, (int) shift);
}

SimHistogram *
sim_histogram_new(void)
{
  return g_new0(SimHistogram, 1);
}

void
sim_histogram_free(SimHistogram *h)
{
  g_free(h);
}

void
sim_histogram_record_n(SimHistogram *h, uint64_t value, uint64_t count)
{
  if (count == 0)
    return;
  if (h->count == 0 || value < h->min)
    h->min = value;
  if (h->count == 0 || value > h->max)
    h->max = value;
  h->count += count;
  h->sum += (double) value * (double) count;
  h->buckets[bucket_of(value)] += count;
}

void
sim_histogram_record(SimHistogram *h, uint64_t value)
{
  sim_histogram_record_n(h, value, 1);
}

void
sim_histogram_reset(SimHistogram *h)
{
  memset(h, 0, sizeof *h);
}

void
sim_histogram_merge(SimHistogram *into, const SimHistogram *from)
{
  if (from->count == 0)
    return;
  if (into->count == 0 || from->min < into->min)
    into->min = from->min;
  if (into->count == 0 || from->max > into->max)
    into->max = from->max;
  into->count += from->count;
  into->sum += from->sum;
  for (guint b = 0; b < N_BUCKETS; b++)
    into->buckets[b] += from->buckets[b];
}

uint64_t
sim_histogram_count(const SimHistogram *h)
{
  return h->count;
}

double
sim_histogram_mean(const SimHistogram *h)
{
  return h->count ? h->sum / (double) h->count : 0.0;
}

uint64_t
sim_histogram_min(const SimHistogram *h)
{
  return h->min;
}

uint64_t
sim_histogram_max(const SimHistogram *h)
{
  return h->max;
}

/* The @k-th (1-based) of the @n values of bucket @b, taking them as
 * evenly spread over its integers: the midpoint of the k-th of n equal
 * parts, so one value reads as the bucket's midpoint. */
static double
within_bucket(guint b, uint64_t k, uint64_t n)
{
  double lower, upper;
  bucket_range(b, &lower, &upper);
  if (b < EXACT_LIMIT)
    return lower;
  double part = ((double) k - 0.5) / (double) n;
  return lower + part * (upper - lower) - 0.5;
}

double
sim_histogram_quantile(const SimHistogram *h, double q)
{
  if (h->count == 0)
    return NAN;
  q = CLAMP(q, 0.0, 1.0);
  uint64_t rank = (uint64_t) ceil(q * (double) h->count);
  if (rank < 1)
    rank = 1;
  uint64_t seen = 0;
  for (guint b = 0; b < N_BUCKETS; b++) {
    if (seen + h->buckets[b] >= rank) {
      double v = within_bucket(b, rank - seen, h->buckets[b]);
      return CLAMP(v, (double) h->min, (double) h->max);
    }
    seen += h->buckets[b];
  }
  return (double) h->max;
}

double
sim_histogram_resolution(double value)
{
  if (!(value >= 0))
    return 1.0;
  double lower, upper;
  bucket_range(bucket_of(value >= 0x1p63 ? UINT64_MAX : (uint64_t) value),
               &lower, &upper);
  return upper - lower;
}

double
sim_histogram_fraction_below(const SimHistogram *h, uint64_t threshold)
{
  if (h->count == 0)
    return NAN;
  if (threshold >= h->max)
    return 1.0;
  guint tb = bucket_of(threshold);
  uint64_t below = 0;
  for (guint b = 0; b < tb; b++)
    below += h->buckets[b];
  double lower, upper;
  bucket_range(tb, &lower, &upper);
  /* Values in the threshold's own bucket count in proportion to the part
   * of the bucket at or below the threshold. */
  double part = ((double) threshold + 1.0 - lower) / (upper - lower);
  double within = (double) h->buckets[tb] * CLAMP(part, 0.0, 1.0);
  return ((double) below + within) / (double) h->count;
}
