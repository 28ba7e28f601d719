/* The pending-event set: a ladder queue of (time, sequence) keys over a
 * pool of event records.
 *
 * Events at the same time leave in the order they were pushed. Each push
 * returns an id that stays valid until the event leaves; cancelling marks
 * the record and the pop that reaches it drops it. Records live in a pool
 * recycled through a free list, so a steady state of pushes and pops does
 * not allocate. The engine uses this; models use sim_schedule(). */
#pragma once

#include <glib.h>
#include <stdint.h>

#include "sim/time.h"

/* An event's id: nonzero, unique for the life of the queue. */
typedef uint64_t SimEventId;
#define SIM_EVENT_ID_NONE ((SimEventId) 0)

/* Bytes of payload a record carries inline, without a heap allocation. */
#define SIM_INLINE_PAYLOAD 16

typedef struct _SimQueue SimQueue;

/* What sim_queue_pop() hands back. @payload points into @inline_bytes for
 * inline events, so keep the struct alive while you use it. */
typedef struct {
  SimTime time;
  SimEventId id;
  uint32_t kind;             /* the kind index given to push */
  gboolean cancelled;        /* cancelled: drop it, free its payload */
  gboolean is_inline;        /* payload is a copy of inline bytes */
  gpointer payload;
  uint64_t inline_bytes[SIM_INLINE_PAYLOAD / 8];
} SimQueueItem;

/* Returns a new, empty queue. Never fails. */
SimQueue *sim_queue_new(void);

/* Frees @q and its records. Pointer payloads still pending are not
 * freed: pop them first if they own memory. Accepts NULL. */
void sim_queue_free(SimQueue *q);

/* Pushes an event holding a pointer payload (the queue stores it; it does
 * not free it). Aborts if more than 2^24 events are pending. */
SimEventId sim_queue_push(SimQueue *q, SimTime time, uint32_t kind,
                          gpointer payload);

/* Pushes an event with @size <= SIM_INLINE_PAYLOAD bytes copied from
 * @data (which may be NULL when @size is 0). */
SimEventId sim_queue_push_inline(SimQueue *q, SimTime time, uint32_t kind,
                                 const void *data, gsize size);

/* Removes the earliest event into @item. Cancelled events are returned
 * too, with @item->cancelled set, so the caller can free their payload.
 * Returns FALSE when the queue is empty. */
gboolean sim_queue_pop(SimQueue *q, SimQueueItem *item);

/* Like sim_queue_pop(), but only when the earliest event's time is <=
 * @horizon; FALSE (and nothing popped) otherwise. */
gboolean sim_queue_pop_until(SimQueue *q, SimTime horizon,
                             SimQueueItem *item);

/* The order key an event pushed now would get, consumed as a push
 * consumes it: for an event the caller holds beside the queue (the
 * engine's streams), to be merged with the queue's by
 * sim_queue_pop_before(). Keys grow with every push and reservation. */
uint64_t sim_queue_reserve_order(SimQueue *q);

/* Like sim_queue_pop_until(), but only when the earliest event also comes
 * before (@time, @order) in (time, scheduling order), @order from
 * sim_queue_reserve_order(). */
gboolean sim_queue_pop_before(SimQueue *q, SimTime horizon, SimTime time,
                              uint64_t order, SimQueueItem *item);

/* Time of the earliest event (cancelled or not), or SIM_TIME_MAX when
 * empty. */
SimTime sim_queue_peek_time(SimQueue *q);

/* Marks event @id cancelled. Returns TRUE if it was pending; FALSE (and
 * does nothing) if it already fired, was cancelled, or never existed. */
gboolean sim_queue_cancel(SimQueue *q, SimEventId id);

/* TRUE while event @id is pending and not cancelled. */
gboolean sim_queue_is_pending(const SimQueue *q, SimEventId id);

/* Bytes of memory @q holds: a steady state of pushes and pops keeps it
 * in proportion to the events pending, however long the run. */
gsize sim_queue_bytes(const SimQueue *q);

/* Number of events pending, cancelled ones included. */
gsize sim_queue_size(const SimQueue *q);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimQueue, sim_queue_free)
