/* 4-ary heap of 16-byte (time, tag) keys over a recycled record pool.
 *
 * Why this shape: four 16-byte children fill one 64-byte cache line (the
 * array is offset so that every sibling group is line-aligned), and the
 * tag packs the sequence number above the record slot, so ordering by
 * (time, tag) is ordering by (time, sequence) in one 128-bit compare.
 * After a pop the root is left as a hole; a push that follows fills the
 * hole and sifts down once, so the common pop-then-push "hold" costs one
 * sift instead of two. */
#include "sim/queue.h"

#include <string.h>

#define SLOT_BITS 24
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define SEQ_MAX (UINT64_MAX >> SLOT_BITS)
#define ARITY 4
/* heap[i] lives at base[i + HEAP_OFFSET]: children 4i+1..4i+4 then start
 * at base[4i + 4], a multiple of four entries (one cache line). */
#define HEAP_OFFSET 3

typedef struct {
  SimTime time;
  uint64_t tag; /* seq << SLOT_BITS | slot */
} HeapEntry;

typedef struct {
  uint64_t tag; /* the pending event's tag; 0 when the slot is free */
  uint32_t kind;
  uint8_t cancelled;
  uint8_t is_inline;
  union {
    gpointer ptr;
    uint64_t bytes[SIM_INLINE_PAYLOAD / 8];
  } payload;
} Record;

struct _SimQueue {
  HeapEntry *base; /* aligned allocation */
  HeapEntry *heap; /* base + HEAP_OFFSET */
  gsize n;         /* entries in heap[], the hole included */
  gsize cap;
  gboolean hole;   /* heap[0] was popped and not refilled yet */
  Record *recs;
  uint32_t nrecs;
  uint32_t recs_cap;
  uint32_t *free_slots;
  uint32_t nfree;
  uint64_t next_seq;
};

/* The whole ordering key as one 128-bit integer: time above tag. Times
 * are never negative, so the unsigned view orders them correctly. */
__extension__ typedef unsigned __int128 HeapKey;

static inline HeapKey
entry_key(const HeapEntry *e)
{
  return (HeapKey) (uint64_t) e->time << 64 | e->tag;
}

static inline gboolean
entry_less(const HeapEntry *a, const HeapEntry *b)
{
  return entry_key(a) < entry_key(b);
}

/* Index of the least of the four children starting at @c, without
 * branches: which child wins is random, so branches would mispredict. */
static inline gsize
min_of_four(const HeapEntry *h, gsize c)
{
  gsize a = c + (gsize) entry_less(&h[c + 1], &h[c]);
  gsize b = c + 2 + (gsize) entry_less(&h[c + 3], &h[c + 2]);
  return entry_less(&h[b], &h[a]) ? b : a;
}

SimQueue *
sim_queue_new(void)
{
  SimQueue *q = g_new0(SimQueue, 1);
  q->next_seq = 1;
  return q;
}

void
sim_queue_free(SimQueue *q)
{
  if (q == NULL)
    return;
  g_aligned_free(q->base);
  g_free(q->recs);
  g_free(q->free_slots);
  g_free(q);
}

static void
grow_heap(SimQueue *q)
{
  gsize cap = q->cap ? q->cap * 2 : 256;
  HeapEntry *base = g_aligned_alloc(cap + HEAP_OFFSET, sizeof(HeapEntry), 64);
  if (q->n > 0)
    memcpy(base + HEAP_OFFSET, q->heap, q->n * sizeof(HeapEntry));
  g_aligned_free(q->base);
  q->base = base;
  q->heap = base + HEAP_OFFSET;
  q->cap = cap;
}

static uint32_t
take_slot(SimQueue *q)
{
  if (q->nfree > 0)
    return q->free_slots[--q->nfree];
  if (q->nrecs == q->recs_cap) {
    if (q->recs_cap > SLOT_MASK / 2)
      g_error("more than %u events pending: the simulation is too large "
              "for one engine", (unsigned) SLOT_MASK);
    q->recs_cap = q->recs_cap ? q->recs_cap * 2 : 256;
    q->recs = g_renew(Record, q->recs, q->recs_cap);
    q->free_slots = g_renew(uint32_t, q->free_slots, q->recs_cap);
  }
  return q->nrecs++;
}

static void
sift_up(HeapEntry *h, gsize i)
{
  HeapEntry e = h[i];
  while (i > 0) {
    gsize parent = (i - 1) / ARITY;
    if (!entry_less(&e, &h[parent]))
      break;
    h[i] = h[parent];
    i = parent;
  }
  h[i] = e;
}

/* Moves the hole at @i down to where @e belongs and puts @e there. */
static void
sift_down(HeapEntry *h, gsize n, gsize i, HeapEntry e)
{
  HeapKey key = entry_key(&e);
  for (;;) {
    gsize c = ARITY * i + 1;
    gsize best;
    if (G_LIKELY(c + ARITY <= n)) {
      if (ARITY * c + 1 < n) {
        /* The four children's own children are 16 entries in a row
         * (four cache lines): fetch them while the winner is chosen, so
         * the next level does not wait on memory. */
        const char *grand = (const char *) &h[ARITY * c + 1];
        __builtin_prefetch(grand);
        __builtin_prefetch(grand + 64);
        __builtin_prefetch(grand + 128);
        __builtin_prefetch(grand + 192);
      }
      best = min_of_four(h, c);
    } else if (c < n) {
      best = c;
      for (gsize j = c + 1; j < n; j++)
        if (entry_less(&h[j], &h[best]))
          best = j;
    } else {
      break;
    }
    if (entry_key(&h[best]) >= key)
      break;
    h[i] = h[best];
    i = best;
  }
  h[i] = e;
}

static void
fill_hole(SimQueue *q)
{
  q->hole = FALSE;
  q->n--;
  if (q->n > 0)
    sift_down(q->heap, q->n, 0, q->heap[q->n]);
}

static SimEventId
push_record(SimQueue *q, SimTime time, uint32_t kind, Record **rec_out)
{
  if (q->next_seq > SEQ_MAX)
    g_error("event sequence numbers exhausted after %" G_GUINT64_FORMAT
            " events", SEQ_MAX);
  uint32_t slot = take_slot(q);
  HeapEntry e = { time, q->next_seq++ << SLOT_BITS | slot };
  Record *rec = &q->recs[slot];
  rec->tag = e.tag;
  rec->kind = kind;
  rec->cancelled = 0;
  *rec_out = rec;

  if (q->hole) {
    q->hole = FALSE;
    sift_down(q->heap, q->n, 0, e);
  } else {
    if (q->n == q->cap)
      grow_heap(q);
    q->heap[q->n] = e;
    sift_up(q->heap, q->n++);
  }
  return e.tag;
}

SimEventId
sim_queue_push(SimQueue *q, SimTime time, uint32_t kind, gpointer payload)
{
  Record *rec;
  SimEventId id = push_record(q, time, kind, &rec);
  rec->is_inline = 0;
  rec->payload.ptr = payload;
  return id;
}

SimEventId
sim_queue_push_inline(SimQueue *q, SimTime time, uint32_t kind,
                      const void *data, gsize size)
{
  g_return_val_if_fail(size <= SIM_INLINE_PAYLOAD, SIM_EVENT_ID_NONE);
  Record *rec;
  SimEventId id = push_record(q, time, kind, &rec);
  rec->is_inline = 1;
  /* The common sizes are copied with constant lengths: no library call. */
  if (size == SIM_INLINE_PAYLOAD)
    memcpy(rec->payload.bytes, data, SIM_INLINE_PAYLOAD);
  else if (size == sizeof(guint32))
    memcpy(rec->payload.bytes, data, sizeof(guint32));
  else if (size > 0)
    memcpy(rec->payload.bytes, data, size);
  return id;
}

gboolean
sim_queue_pop(SimQueue *q, SimQueueItem *item)
{
  return sim_queue_pop_until(q, SIM_TIME_MAX, item);
}

gboolean
sim_queue_pop_until(SimQueue *q, SimTime horizon, SimQueueItem *item)
{
  if (q->hole)
    fill_hole(q);
  if (q->n == 0 || q->heap[0].time > horizon)
    return FALSE;
  HeapEntry top = q->heap[0];
  q->hole = TRUE;

  uint32_t slot = (uint32_t) (top.tag & SLOT_MASK);
  Record *rec = &q->recs[slot];
  item->time = top.time;
  item->id = top.tag;
  item->kind = rec->kind;
  item->cancelled = rec->cancelled;
  item->is_inline = rec->is_inline;
  if (rec->is_inline) {
    memcpy(item->inline_bytes, rec->payload.bytes, SIM_INLINE_PAYLOAD);
    item->payload = item->inline_bytes;
  } else {
    item->payload = rec->payload.ptr;
  }
  rec->tag = 0;
  q->free_slots[q->nfree++] = slot;
  return TRUE;
}

SimTime
sim_queue_peek_time(SimQueue *q)
{
  if (q->hole)
    fill_hole(q);
  return q->n > 0 ? q->heap[0].time : SIM_TIME_MAX;
}

static Record *
pending_record(const SimQueue *q, SimEventId id)
{
  uint64_t slot = id & SLOT_MASK;
  if (id == SIM_EVENT_ID_NONE || slot >= q->nrecs)
    return NULL;
  Record *rec = &q->recs[slot];
  return rec->tag == id ? rec : NULL;
}

gboolean
sim_queue_cancel(SimQueue *q, SimEventId id)
{
  Record *rec = pending_record(q, id);
  if (rec == NULL || rec->cancelled)
    return FALSE;
  rec->cancelled = 1;
  return TRUE;
}

gboolean
sim_queue_is_pending(const SimQueue *q, SimEventId id)
{
  Record *rec = pending_record(q, id);
  return rec != NULL && !rec->cancelled;
}

gsize
sim_queue_size(const SimQueue *q)
{
  return q->n - (q->hole ? 1 : 0);
}
