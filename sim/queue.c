/* The pending-event set: a ladder queue (sim/ladder.c) of 16-byte (time,
 * tag) entries over a recycled pool of event records.
 *
 * The tag packs the event's sequence number above its record slot, so
 * (time, tag) order is (time, sequence) order: events at one time leave
 * in the order they came. The record holds the kind and payload; its
 * copy of the tag tells a pending id from a stale one, which is how
 * cancellation by id stays O(1) (mark, drop on pop) and safe for ids
 * that already fired. */
#include "sim/queue.h"

#include <string.h>

#include "sim/ladder.h"

#define SLOT_BITS 24
#define SLOT_MASK ((UINT64_C(1) << SLOT_BITS) - 1)
#define SEQ_MAX (UINT64_MAX >> SLOT_BITS)

typedef SimLadderEntry Entry;

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
  SimLadder ladder;
  Record *recs;
  uint32_t nrecs;
  uint32_t recs_cap;
  uint32_t *free_slots;
  uint32_t nfree;
  uint64_t next_seq;
};

SimQueue *
sim_queue_new(void)
{
  SimQueue *q = g_new0(SimQueue, 1);
  sim_ladder_init(&q->ladder);
  q->next_seq = 1;
  return q;
}

void
sim_queue_free(SimQueue *q)
{
  if (q == NULL)
    return;
  sim_ladder_clear(&q->ladder);
  g_free(q->recs);
  g_free(q->free_slots);
  g_free(q);
}

/* A slot never used yet, growing the pool when it is full. */
static G_NO_INLINE uint32_t
new_slot(SimQueue *q)
{
  if (q->nrecs == q->recs_cap) {
    /* Slots are SLOT_BITS wide: 2^24 of them, 0 to SLOT_MASK. */
    if (q->recs_cap > SLOT_MASK)
      g_error("more than %u events pending: the simulation is too large "
              "for one engine", (unsigned) SLOT_MASK + 1);
    q->recs_cap = q->recs_cap ? MIN(q->recs_cap * 2, (uint32_t) SLOT_MASK + 1)
                              : 256;
    q->recs = g_renew(Record, q->recs, q->recs_cap);
    q->free_slots = g_renew(uint32_t, q->free_slots, q->recs_cap);
    /* The ladder fetches a record a few pops ahead of its event. */
    sim_ladder_prefetch_targets(&q->ladder, q->recs, SLOT_MASK,
                                sizeof(Record));
  }
  return q->nrecs++;
}

/* The most recently freed slot, whose record is likeliest in cache. */
static inline uint32_t
take_slot(SimQueue *q)
{
  return G_LIKELY(q->nfree > 0) ? q->free_slots[--q->nfree] : new_slot(q);
}

/* The next sequence number, shifted above the slot bits. */
static inline uint64_t
next_order(SimQueue *q)
{
  if (G_UNLIKELY(q->next_seq > SEQ_MAX))
    g_error("event sequence numbers exhausted after %" G_GUINT64_FORMAT
            " events", SEQ_MAX);
  return q->next_seq++ << SLOT_BITS;
}

uint64_t
sim_queue_reserve_order(SimQueue *q)
{
  return next_order(q);
}

static inline SimEventId
push_record(SimQueue *q, SimTime time, uint32_t kind, Record **rec_out)
{
  uint64_t order = next_order(q);
  uint32_t slot = take_slot(q);
  Entry e = { time, order | slot };
  Record *rec = &q->recs[slot];
  rec->tag = e.tag;
  rec->kind = kind;
  rec->cancelled = 0;
  *rec_out = rec;
  sim_ladder_push(&q->ladder, e);
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
  return sim_queue_pop_before(q, horizon, SIM_TIME_MAX, UINT64_MAX, item);
}

gboolean
sim_queue_pop_before(SimQueue *q, SimTime horizon, SimTime time,
                     uint64_t order, SimQueueItem *item)
{
  const Entry *first = sim_ladder_first(&q->ladder);
  if (first == NULL || first->time > horizon || first->time > time ||
      (first->time == time && first->tag > order))
    return FALSE;
  Entry top = *first;
  sim_ladder_take_first(&q->ladder);

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
  const Entry *first = sim_ladder_first(&q->ladder);
  return first != NULL ? first->time : SIM_TIME_MAX;
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
  return sim_ladder_size(&q->ladder);
}

gsize
sim_queue_bytes(const SimQueue *q)
{
  return sim_ladder_bytes(&q->ladder) +
         q->recs_cap * (sizeof(Record) + sizeof(uint32_t));
}
