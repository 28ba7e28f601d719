/* A ladder queue: the ordered set of (time, tag) entries behind SimQueue.
 *
 * Entries come out in (time, tag) order. Pushing costs O(1) and taking
 * the first costs O(1) amortised, whatever the number pending and for
 * any spread of times (see ladder.c for how). Internal to sim/: the
 * engine's users see SimQueue. The struct is here, not in ladder.c, only
 * so that the per-pop functions below inline; its fields are ladder.c's. */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "sim/time.h"

typedef struct {
  SimTime time; /* never negative */
  uint64_t tag; /* unique among pending entries; orders equal times */
} SimLadderEntry;

/* A bucket's entries, unordered, are slab[off .. off + n); it may grow to
 * cap before it has to move. */
typedef struct {
  uint32_t off;
  uint32_t n;
  uint32_t cap;
} SimLadderBucket;

typedef struct {
  SimLadderBucket *buckets; /* nbuckets + 1 in use; the allocation kept */
  uint32_t nbuckets;
  uint32_t buckets_cap;
  uint32_t cur;             /* earlier buckets have been moved inward */
  unsigned shift;           /* a bucket spans 2^shift us */
  uint64_t start;
  uint64_t end;             /* of the last bucket, or earlier */
  gsize count;
} SimLadderRung;

#define SIM_LADDER_MAX_RUNGS 24

typedef struct {
  SimLadderEntry *bottom;   /* sorted; live entries are [head, tail) */
  gsize head;
  gsize tail;
  gsize bottom_cap;
  uint64_t bottom_end;      /* entries before this time are in the bottom */

  SimLadderRung rungs[SIM_LADDER_MAX_RUNGS]; /* [nrungs - 1]: innermost */
  unsigned nrungs;
  SimLadderEntry *slab;     /* the rungs' buckets */
  gsize slab_used;
  gsize slab_cap;
  gsize slab_live;          /* the buckets' room (caps) within slab_used */

  SimLadderEntry *far;      /* after the outermost rung, unordered */
  gsize nfar;
  gsize far_cap;

  /* What an entry's tag points to: prefetch_base + (tag & prefetch_mask)
   * * prefetch_stride bytes, fetched when the entry is sorted into the
   * bottom, a few pops before it is needed. */
  const char *prefetch_base;
  uint64_t prefetch_mask;
  gsize prefetch_stride;
} SimLadder;

/* Readies @l, empty. Never fails. */
void sim_ladder_init(SimLadder *l);

/* From now on, shortly before an entry comes out, has the memory at
 * @base + (tag & @mask) * @stride prefetched. Call again whenever what
 * the tags point into moves. */
void sim_ladder_prefetch_targets(SimLadder *l, const void *base,
                                 uint64_t mask, gsize stride);

/* Frees what @l holds; it is then as if never initialised. */
void sim_ladder_clear(SimLadder *l);

/* Entries pending. */
gsize sim_ladder_size(const SimLadder *l);

/* Bytes of memory @l holds (its arrays, not the struct). */
gsize sim_ladder_bytes(const SimLadder *l);

/* Refills the empty bottom; FALSE when nothing is pending. Call through
 * sim_ladder_first(). */
gboolean sim_ladder_refill(SimLadder *l);

/* The first entry in (time, tag) order, lent until the next push or
 * take; NULL when @l is empty. */
static inline const SimLadderEntry *
sim_ladder_first(SimLadder *l)
{
  if (G_UNLIKELY(l->head == l->tail) && !sim_ladder_refill(l))
    return NULL;
  return &l->bottom[l->head];
}

/* Removes the first entry. Only after sim_ladder_first() returned it. */
static inline void
sim_ladder_take_first(SimLadder *l)
{
  l->head++;
}

/* The rare paths of sim_ladder_push(), out of line: insertion into the
 * bottom, and room for a full bucket or far array. */
void sim_ladder_push_bottom(SimLadder *l, SimLadderEntry e);
void sim_ladder_grow_bucket(SimLadder *l, SimLadderBucket *b);
void sim_ladder_grow_far(SimLadder *l);

/* Adds @e. Its time must not be negative and its tag not pending. An
 * append to the bucket or array its time falls in, most of the time. */
static inline void
sim_ladder_push(SimLadder *l, SimLadderEntry e)
{
  uint64_t t = (uint64_t) e.time;
  if (G_UNLIKELY(t < l->bottom_end)) {
    sim_ladder_push_bottom(l, e);
    return;
  }
  for (unsigned i = l->nrungs; i-- > 0;) {
    SimLadderRung *r = &l->rungs[i];
    if (t < r->end) {
      SimLadderBucket *b = &r->buckets[(t - r->start) >> r->shift];
      if (G_UNLIKELY(b->n == b->cap))
        sim_ladder_grow_bucket(l, b);
      l->slab[b->off + b->n++] = e;
      r->count++;
      return;
    }
  }
  if (G_UNLIKELY(l->nfar == l->far_cap))
    sim_ladder_grow_far(l);
  l->far[l->nfar++] = e;
}
