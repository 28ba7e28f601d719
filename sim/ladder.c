/* The ladder queue (after Tang, Goh and Thng, ACM TOMACS 2005).
 *
 * Entries sit in three tiers, by time alone:
 *
 *   bottom  before bottom_end, sorted: the first one comes out next;
 *   rungs   a stack of rings of buckets, each bucket 2^shift us wide and
 *           unordered inside; a rung covers a stretch of time just after
 *           the one inside it, the innermost from bottom_end on;
 *   far     after the outermost rung: one unordered array.
 *
 * A push appends to the bucket or array its time belongs to, or inserts
 * into the short bottom. When the bottom runs dry, the innermost rung's
 * current (else next non-empty) bucket is sorted into it, and bottom_end
 * becomes just after its last entry, so that later pushes past that go on
 * to the bucket, not into the sorted bottom. A bucket of more than
 * BOTTOM_MAX entries is first spread over a new rung that divides just
 * that bucket finer, and a bottom into which an insertion would shift
 * BOTTOM_MAX entries is moved into one. When the rungs run dry the far
 * array is spread over a new outer rung sized for about BUCKET_TARGET
 * entries a bucket, or, if it holds only a few, sorted straight into the
 * bottom. Each entry so moves a bounded number of times, each move O(1),
 * and sorting only ever meets a handful of entries at once: a
 * pop-then-push costs a constant, where a heap's sift walks log(n) levels
 * that leave the cache as n grows. Measured with bench/bench-queue.c, the
 * hold model at 10^4 pending: ~40 ns against ~85 ns for a 4-ary heap of
 * the same keys; from 10 to 10^6 pending, never slower.
 *
 * Order is exact whatever the widths: each tier holds only times at or
 * after the end of the tier inside it, a rung's buckets only times after
 * the bucket before, and the bottom is sorted by (time, tag). Widths only
 * decide speed.
 *
 * The buckets of all rungs live in one slab, bucket after bucket, laid
 * out by a counting sort when a rung is filled, with room to grow by
 * half; a bucket that outgrows its room moves to the slab's end. Room
 * given up (moved buckets, retired rungs, buckets already passed) is
 * taken back by compacting the slab once it is over half the slab, and
 * the slab starts over when the last rung retires: memory stays
 * proportional to the events pending, however long the run. */
#include "sim/ladder.h"

#include <stdlib.h>
#include <string.h>

typedef SimLadderEntry Entry;
typedef SimLadderBucket Bucket;
typedef SimLadderRung Rung;

/* A new rung aims at this many entries per bucket. */
#define BUCKET_TARGET 4
/* A bucket with more entries than this is divided over a finer rung
 * rather than sorted into the bottom, and an insertion that would shift
 * this many bottom entries moves the bottom into a rung instead. */
#define BOTTOM_MAX 48
/* Up to this many entries are sorted by counting ranks (n^2 compares). */
#define RANK_SORT_MAX 16
#define MAX_BUCKETS (UINT32_C(1) << 22)
/* Far entries sampled to estimate a new outer rung's width. */
#define WIDTH_SAMPLES 15

/* The whole ordering key as one 128-bit integer: time above tag. Times
 * are never negative, so the unsigned view orders them correctly. */
__extension__ typedef unsigned __int128 EntryKey;

static inline EntryKey
entry_key(const Entry *e)
{
  return (EntryKey) (uint64_t) e->time << 64 | e->tag;
}

void
sim_ladder_init(SimLadder *l)
{
  memset(l, 0, sizeof *l);
}

void
sim_ladder_prefetch_targets(SimLadder *l, const void *base, uint64_t mask,
                            gsize stride)
{
  l->prefetch_base = base;
  l->prefetch_mask = mask;
  l->prefetch_stride = stride;
}

void
sim_ladder_clear(SimLadder *l)
{
  g_free(l->bottom);
  for (unsigned i = 0; i < SIM_LADDER_MAX_RUNGS; i++)
    g_free(l->rungs[i].buckets);
  g_free(l->slab);
  g_free(l->far);
  memset(l, 0, sizeof *l);
}

gsize
sim_ladder_size(const SimLadder *l)
{
  gsize n = l->tail - l->head + l->nfar;
  for (unsigned i = 0; i < l->nrungs; i++)
    n += l->rungs[i].count;
  return n;
}

gsize
sim_ladder_bytes(const SimLadder *l)
{
  gsize entries = l->bottom_cap + l->slab_cap + l->far_cap, buckets = 0;
  for (unsigned i = 0; i < SIM_LADDER_MAX_RUNGS; i++)
    buckets += l->rungs[i].buckets_cap;
  return entries * sizeof(Entry) + buckets * sizeof(Bucket);
}

/* ---- the slab ---- */

/* Makes sure @n more entries can be carved without moving the slab. */
static void
slab_reserve(SimLadder *l, gsize n)
{
  if (l->slab_used + n <= l->slab_cap)
    return;
  gsize cap = l->slab_cap ? l->slab_cap : 1024;
  while (cap < l->slab_used + n)
    cap *= 2;
  if (cap > UINT32_MAX)
    g_error("event queue: more than %u entries in its buckets", UINT32_MAX);
  l->slab = g_renew(Entry, l->slab, cap);
  l->slab_cap = cap;
}

void
sim_ladder_grow_bucket(SimLadder *l, Bucket *b)
{
  uint32_t cap = b->cap ? b->cap * 2 : 4;
  slab_reserve(l, cap);
  uint32_t off = (uint32_t) l->slab_used;
  l->slab_used += cap;
  memcpy(l->slab + off, l->slab + b->off, b->n * sizeof(Entry));
  l->slab_live += cap - b->cap;
  b->off = off;
  b->cap = cap;
}

/* Copies every bucket still in use (those a rung has not passed) into a
 * new slab, without the room given up. Only between operations: it moves
 * every bucket. */
static void
slab_compact(SimLadder *l)
{
  gsize live = 0;
  for (unsigned i = 0; i < l->nrungs; i++) {
    Rung *r = &l->rungs[i];
    for (uint32_t k = r->cur; k < r->nbuckets; k++)
      live += r->buckets[k].cap;
  }
  gsize cap = MAX(live, (gsize) 1024);
  Entry *slab = g_new(Entry, cap);
  gsize off = 0;
  for (unsigned i = 0; i < l->nrungs; i++) {
    Rung *r = &l->rungs[i];
    for (uint32_t k = r->cur; k < r->nbuckets; k++) {
      Bucket *b = &r->buckets[k];
      memcpy(slab + off, l->slab + b->off, b->n * sizeof(Entry));
      b->off = (uint32_t) off;
      off += b->cap;
    }
  }
  g_free(l->slab);
  l->slab = slab;
  l->slab_cap = cap;
  l->slab_used = off;
  l->slab_live = live;
}

/* A bucket the rung has passed gives up its room: no push can reach it
 * again, and the next compaction leaves its room out. */
static void
bucket_passed(SimLadder *l, Bucket *b)
{
  l->slab_live -= b->cap;
  b->cap = 0;
}

/* Retires the innermost rung, which holds nothing: the time up to its
 * end joins the bottom, and its buckets give up their room. */
static void
rung_retire(SimLadder *l)
{
  Rung *r = &l->rungs[l->nrungs - 1];
  g_assert(r->count == 0);
  l->bottom_end = r->end;
  for (uint32_t k = r->cur; k < r->nbuckets; k++)
    l->slab_live -= r->buckets[k].cap;
  if (--l->nrungs == 0)
    l->slab_used = l->slab_live = 0;
}

/* ---- rungs ---- */

/* The bucket of @e in @r, or nbuckets (the extra one past the last) for
 * an entry at or after the rung's end. */
static inline uint32_t
bucket_or_past(const Rung *r, const Entry *e)
{
  uint64_t i = ((uint64_t) e->time - r->start) >> r->shift;
  return (uint32_t) MIN(i, (uint64_t) r->nbuckets);
}

/* start + @k buckets, at most @r's end. */
static uint64_t
rung_edge(const Rung *r, uint64_t k)
{
  uint64_t edge;
  if (k > UINT64_MAX >> r->shift ||
      __builtin_add_overflow(r->start, k << r->shift, &edge))
    return r->end;
  return MIN(edge, r->end);
}

/* Pushes a new, empty innermost rung of buckets 2^@shift us wide from
 * @start, as many as cover @reach us, ending no later than @end. */
static Rung *
rung_push(SimLadder *l, uint64_t start, uint64_t reach, unsigned shift,
          uint64_t end)
{
  while ((reach - 1) >> shift >= MAX_BUCKETS)
    shift++;
  uint32_t nb = (uint32_t) ((reach - 1) >> shift) + 1;
  Rung *r = &l->rungs[l->nrungs++];
  /* One bucket more than used: rung_fill() counts there the entries
   * past the end. */
  if (nb + 1 > r->buckets_cap) {
    r->buckets = g_renew(Bucket, r->buckets, nb + 1);
    r->buckets_cap = nb + 1;
  }
  memset(r->buckets, 0, (nb + 1) * sizeof(Bucket));
  r->nbuckets = nb;
  r->cur = 0;
  r->shift = shift;
  r->start = start;
  r->end = end;
  r->end = rung_edge(r, nb);
  r->count = 0;
  return r;
}

/* Bucket width, as a power of two, for @n entries over @reach us. */
static unsigned
shift_for(uint64_t reach, gsize n)
{
  uint64_t per = reach / MAX(n / BUCKET_TARGET, (gsize) 1);
  return per <= 1 ? 0 : 63 - (unsigned) __builtin_clzll(per);
}

/* Spreads the @n entries of @src over the empty rung @r: a counting sort
 * into the slab, bucket after bucket, each with room to grow by half.
 * Entries past the rung's end go, in order, to one more stretch after the
 * buckets, which is returned for the caller to take back. Branch-free per
 * entry: whether one is past the end is as good as random. */
static Bucket
rung_fill(SimLadder *l, Rung *r, const Entry *src, gsize n)
{
  Bucket *buckets = r->buckets;
  uint32_t nb = r->nbuckets;
  for (gsize i = 0; i < n; i++)
    buckets[bucket_or_past(r, &src[i])].n++;
  uint32_t off = (uint32_t) l->slab_used;
  for (uint32_t i = 0; i <= nb; i++) {
    Bucket *b = &buckets[i];
    b->off = off;
    b->cap = i < nb ? b->n + b->n / 2 + 2 : b->n;
    if (i < nb)
      l->slab_live += b->cap;
    off += b->cap;
    b->n = 0;
  }
  l->slab_used = off;
  for (gsize i = 0; i < n; i++) {
    Bucket *b = &buckets[bucket_or_past(r, &src[i])];
    l->slab[b->off + b->n++] = src[i];
  }
  r->count = n - buckets[nb].n;
  return buckets[nb];
}

/* Room rung_fill() needs for @n entries in @r, reserved beforehand so
 * that its source may lie in the slab itself. */
static void
reserve_fill(SimLadder *l, const Rung *r, gsize n)
{
  slab_reserve(l, 2 * n + 2 * ((gsize) r->nbuckets + 1));
}

/* The median time of a few far entries spread over the array: the new
 * rung spans twice its distance from the earliest, so outliers far in
 * the future stay in the far array instead of widening every bucket. */
static uint64_t
sampled_median(const SimLadder *l)
{
  uint64_t s[WIDTH_SAMPLES];
  gsize k = MIN(l->nfar, (gsize) WIDTH_SAMPLES);
  for (gsize i = 0; i < k; i++) {
    uint64_t t = (uint64_t) l->far[i * l->nfar / k].time;
    gsize j = i;
    for (; j > 0 && s[j - 1] > t; j--)
      s[j] = s[j - 1];
    s[j] = t;
  }
  return s[k / 2];
}

/* With no rung left, spreads the far entries over a new outer rung that
 * starts at the earliest of them; those past its end stay far. */
static void
spread_far(SimLadder *l)
{
  uint64_t lo = UINT64_MAX;
  for (gsize i = 0; i < l->nfar; i++)
    lo = MIN(lo, (uint64_t) l->far[i].time);
  uint64_t mid = sampled_median(l);
  uint64_t reach = mid - lo > UINT64_MAX / 4 ? UINT64_MAX / 2
                                             : 2 * (mid - lo) + 1;
  Rung *r = rung_push(l, lo, reach, shift_for(reach, l->nfar), UINT64_MAX);
  l->bottom_end = lo;
  reserve_fill(l, r, l->nfar);
  Bucket past = rung_fill(l, r, l->far, l->nfar);
  memcpy(l->far, l->slab + past.off, past.n * sizeof(Entry));
  l->nfar = past.n;
  l->slab_used = past.off;
}

/* Divides bucket @b, just taken from the innermost rung, where it spans
 * [@start, @end) in a rung of 2^@shift us buckets, over a new rung
 * covering exactly that span. As the bucket holds over BOTTOM_MAX
 * entries, the new rung is at least 2^3 times finer. */
static void
split_bucket(SimLadder *l, Bucket *b, uint64_t start, uint64_t end,
             unsigned shift)
{
  unsigned bits = 0;
  while (((gsize) BUCKET_TARGET << bits) < b->n && bits < shift)
    bits++;
  Rung *r = rung_push(l, start, end - start, shift - bits, end);
  reserve_fill(l, r, b->n);
  rung_fill(l, r, l->slab + b->off, b->n);
  b->n = 0;
}

/* ---- the bottom ---- */

static int
compare_entries(const void *a, const void *b)
{
  EntryKey x = entry_key(a), y = entry_key(b);
  return (x > y) - (x < y);
}

static inline void
prefetch_target(const SimLadder *l, const Entry *e)
{
  if (l->prefetch_base != NULL)
    __builtin_prefetch(l->prefetch_base +
                       (e->tag & l->prefetch_mask) * l->prefetch_stride);
}

/* Sorts the @n entries of @src into @dst. A bucket usually holds a few,
 * in random time order, so they are placed by rank, counted without
 * branches: a compare-and-branch sort would mispredict about once per
 * entry. Up to BOTTOM_MAX, insertion sort; past it (a bucket 1 us wide),
 * qsort. */
static void
sort_entries(const SimLadder *l, Entry *restrict dst,
             const Entry *restrict src, gsize n)
{
  if (n > RANK_SORT_MAX) {
    memcpy(dst, src, n * sizeof(Entry));
    if (n > BOTTOM_MAX) {
      qsort(dst, n, sizeof(Entry), compare_entries);
    } else {
      for (gsize i = 1; i < n; i++) {
        Entry e = dst[i];
        EntryKey key = entry_key(&e);
        gsize j = i;
        for (; j > 0 && entry_key(&dst[j - 1]) > key; j--)
          dst[j] = dst[j - 1];
        dst[j] = e;
      }
    }
    for (gsize i = 0; i < n; i++)
      prefetch_target(l, &dst[i]);
    return;
  }
  EntryKey keys[RANK_SORT_MAX];
  for (gsize i = 0; i < n; i++)
    keys[i] = entry_key(&src[i]);
  for (gsize i = 0; i < n; i++) {
    gsize rank = 0;
    for (gsize j = 0; j < n; j++)
      rank += keys[j] < keys[i];
    dst[rank] = src[i];
    prefetch_target(l, &src[i]);
  }
}

/* Makes room for @n more entries after tail, sliding the live entries
 * to the front of the array first. */
static void
bottom_reserve(SimLadder *l, gsize n)
{
  if (l->tail + n <= l->bottom_cap)
    return;
  gsize live = l->tail - l->head;
  if (live > 0)
    memmove(l->bottom, l->bottom + l->head, live * sizeof(Entry));
  l->head = 0;
  l->tail = live;
  if (live + n > l->bottom_cap) {
    gsize cap = l->bottom_cap ? l->bottom_cap : 64;
    while (cap < live + n)
      cap *= 2;
    l->bottom = g_renew(Entry, l->bottom, cap);
    l->bottom_cap = cap;
  }
}

/* Slides the bottom's entries back to leave room before the first: as
 * much as there are entries, so that a run of pushes earlier than them
 * all (after a peek, say) costs O(1) each, amortised. */
static void
bottom_open_front(SimLadder *l)
{
  gsize live = l->tail - l->head, gap = MAX(live, (gsize) 8);
  if (l->tail + gap > l->bottom_cap) {
    gsize cap = l->bottom_cap ? l->bottom_cap : 64;
    while (cap < live + gap)
      cap *= 2;
    l->bottom = g_renew(Entry, l->bottom, cap);
    l->bottom_cap = cap;
  }
  if (live > 0)
    memmove(l->bottom + l->head + gap, l->bottom + l->head,
            live * sizeof(Entry));
  l->head += gap;
  l->tail += gap;
}

/* Moves the bottom's entries and @e into a new innermost rung spanning
 * from the earliest of them to bottom_end: too many would otherwise have
 * to shift for each insertion. FALSE, doing nothing, when no finer rung
 * can be made. */
static gboolean
bottom_to_rung(SimLadder *l, Entry e)
{
  /* Rungs emptied since the bottom was filled would otherwise pile up
   * under the new one (they retire only when the bottom runs dry). */
  while (l->nrungs > 0 && l->rungs[l->nrungs - 1].count == 0)
    rung_retire(l);
  uint64_t lo = MIN((uint64_t) e.time, (uint64_t) l->bottom[l->head].time);
  if (l->bottom_end - lo < 2 || l->nrungs == SIM_LADDER_MAX_RUNGS)
    return FALSE;
  gsize n = l->tail - l->head;
  uint64_t reach = l->bottom_end - lo;
  Rung *r = rung_push(l, lo, reach, shift_for(reach, n + 1), l->bottom_end);
  reserve_fill(l, r, n + 1);
  bottom_reserve(l, 1);
  l->bottom[l->tail++] = e;
  rung_fill(l, r, l->bottom + l->head, l->tail - l->head);
  l->head = l->tail = 0;
  l->bottom_end = lo;
  return TRUE;
}

/* Pushes into the bottom are for the next few microseconds and mostly
 * land at or near its end. */
void
sim_ladder_push_bottom(SimLadder *l, Entry e)
{
  EntryKey key = entry_key(&e);
  if (l->head == l->tail || key < entry_key(&l->bottom[l->head])) {
    if (l->head == 0)
      bottom_open_front(l);
    l->bottom[--l->head] = e;
    return;
  }
  /* Would it shift BOTTOM_MAX entries or more? */
  if (l->tail - l->head >= BOTTOM_MAX &&
      key < entry_key(&l->bottom[l->tail - BOTTOM_MAX]) &&
      bottom_to_rung(l, e))
    return;
  bottom_reserve(l, 1);
  gsize i = l->tail++;
  for (; i > l->head && entry_key(&l->bottom[i - 1]) > key; i--)
    l->bottom[i] = l->bottom[i - 1];
  l->bottom[i] = e;
}

/* With no rung left and only a few far entries, sorts them all straight
 * into the bottom: a rung for a handful would cost more than it saves. */
static void
far_to_bottom(SimLadder *l)
{
  uint64_t hi = 0;
  for (gsize i = 0; i < l->nfar; i++)
    hi = MAX(hi, (uint64_t) l->far[i].time);
  bottom_reserve(l, l->nfar);
  sort_entries(l, l->bottom, l->far, l->nfar);
  l->tail = l->nfar;
  l->nfar = 0;
  l->bottom_end = hi + 1;
}

gboolean
sim_ladder_refill(SimLadder *l)
{
  l->head = l->tail = 0;
  if (l->slab_used > 2 * l->slab_live + 4096)
    slab_compact(l);
  for (;;) {
    if (l->nrungs == 0) {
      if (l->nfar == 0)
        return FALSE;
      if (l->nfar <= RANK_SORT_MAX) {
        far_to_bottom(l);
        return TRUE;
      }
      spread_far(l);
    }
    Rung *r = &l->rungs[l->nrungs - 1];
    if (r->count == 0) {
      rung_retire(l);
      continue;
    }
    while (r->buckets[r->cur].n == 0)
      bucket_passed(l, &r->buckets[r->cur++]);
    Bucket *b = &r->buckets[r->cur];
    uint64_t b_start = rung_edge(r, r->cur);
    uint64_t b_end = rung_edge(r, r->cur + 1);
    r->count -= b->n;
    if (b->n > BOTTOM_MAX && b_end - b_start > 1 &&
        l->nrungs < SIM_LADDER_MAX_RUNGS) {
      r->cur++;
      l->bottom_end = b_start;
      split_bucket(l, b, b_start, b_end, r->shift);
      bucket_passed(l, b);
      continue;
    }
    bottom_reserve(l, b->n);
    sort_entries(l, l->bottom, l->slab + b->off, b->n);
    l->tail = b->n;
    b->n = 0;
    /* The bottom ends just after its last entry, not at the bucket's end:
     * later pushes past it go to the same bucket, which stays current,
     * rather than into the sorted bottom. */
    l->bottom_end = (uint64_t) l->bottom[l->tail - 1].time + 1;
    return TRUE;
  }
}

void
sim_ladder_grow_far(SimLadder *l)
{
  l->far_cap = l->far_cap ? l->far_cap * 2 : 256;
  l->far = g_renew(Entry, l->far, l->far_cap);
}
