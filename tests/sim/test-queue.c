/* The event queue against a sorted reference. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>

#include "sim/queue.h"

typedef struct {
  SimTime time;
  SimEventId id;
  guint64 seq;
} RefEvent;

static gint
ref_compare(gconstpointer a, gconstpointer b, gpointer unused)
{
  const RefEvent *x = a, *y = b;
  if (x->time != y->time)
    return x->time < y->time ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Pops the next event that is not cancelled. */
static gboolean
pop_live(SimQueue *q, SimQueueItem *item)
{
  while (sim_queue_pop(q, item))
    if (!item->cancelled)
      return TRUE;
  return FALSE;
}

Test(queue, matches_sorted_reference_over_a_million_operations)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, 42);
  SimQueue *q = sim_queue_new();
  GSequence *ref = g_sequence_new(g_free);
  GHashTable *by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(SimEventId));
  SimTime now = 0;
  guint64 seq = 0, pops = 0;

  for (int op = 0; op < 1000000; op++) {
    double u = gsl_rng_uniform(r);
    if (u < 0.45) {
      /* Small time range: many equal times, so FIFO order is exercised. */
      SimTime t = now + (SimTime) gsl_rng_uniform_int(r, 50);
      RefEvent *e = g_new(RefEvent, 1);
      e->time = t;
      e->seq = seq++;
      e->id = sim_queue_push(q, t, 7, GSIZE_TO_POINTER(e->seq + 1));
      GSequenceIter *it = g_sequence_insert_sorted(ref, e, ref_compare, NULL);
      g_hash_table_insert(by_id, &e->id, it);
      g_array_append_val(ids, e->id);
    } else if (u < 0.6 && ids->len > 0) {
      /* Cancel any id ever issued: pending, fired or cancelled already. */
      SimEventId id = g_array_index(ids, SimEventId,
                                    gsl_rng_uniform_int(r, ids->len));
      GSequenceIter *it = g_hash_table_lookup(by_id, &id);
      gboolean pending = it != NULL;
      cr_assert_eq(sim_queue_cancel(q, id), pending);
      if (pending) {
        g_hash_table_remove(by_id, &id);
        g_sequence_remove(it);
      }
    } else {
      SimQueueItem item;
      GSequenceIter *first = g_sequence_get_begin_iter(ref);
      if (g_sequence_iter_is_end(first)) {
        cr_assert_not(pop_live(q, &item));
        continue;
      }
      RefEvent *e = g_sequence_get(first);
      cr_assert(pop_live(q, &item));
      cr_assert_eq(item.time, e->time);
      cr_assert_eq(item.id, e->id, "op %d: wrong event among equal times",
                   op);
      cr_assert_eq(GPOINTER_TO_SIZE(item.payload), e->seq + 1);
      now = item.time;
      g_hash_table_remove(by_id, &e->id);
      g_sequence_remove(first);
      pops++;
    }
  }
  cr_assert_gt(pops, 100000);
  g_array_free(ids, TRUE);
  g_hash_table_destroy(by_id);
  g_sequence_free(ref);
  sim_queue_free(q);
  gsl_rng_free(r);
}

Test(queue, equal_times_pop_in_schedule_order)
{
  SimQueue *q = sim_queue_new();
  for (gsize i = 0; i < 1000; i++)
    sim_queue_push(q, 5 * SIM_SEC, 0, GSIZE_TO_POINTER(i + 1));
  SimQueueItem item;
  for (gsize i = 0; i < 1000; i++) {
    cr_assert(sim_queue_pop(q, &item));
    cr_assert_eq(GPOINTER_TO_SIZE(item.payload), i + 1);
  }
  cr_assert_not(sim_queue_pop(q, &item));
  sim_queue_free(q);
}

Test(queue, cancel_of_a_fired_id_is_harmless)
{
  SimQueue *q = sim_queue_new();
  SimEventId a = sim_queue_push(q, 10, 0, NULL);
  SimQueueItem item;
  cr_assert(sim_queue_pop(q, &item));
  cr_assert_eq(item.id, a);
  /* The slot is reused by the next push: the stale id must not hit it. */
  SimEventId b = sim_queue_push(q, 20, 0, NULL);
  cr_assert_neq(a, b);
  cr_assert_not(sim_queue_cancel(q, a));
  cr_assert(sim_queue_is_pending(q, b));
  cr_assert(sim_queue_cancel(q, b));
  cr_assert_not(sim_queue_cancel(q, b));
  cr_assert_not(sim_queue_cancel(q, SIM_EVENT_ID_NONE));
  cr_assert(sim_queue_pop(q, &item));
  cr_assert(item.cancelled);
  sim_queue_free(q);
}

Test(queue, inline_payload_round_trips)
{
  SimQueue *q = sim_queue_new();
  guint64 data[2] = { 0x1122334455667788u, 42 };
  sim_queue_push_inline(q, 3, 1, data, sizeof data);
  SimQueueItem item;
  cr_assert(sim_queue_pop(q, &item));
  cr_assert(item.is_inline);
  cr_assert_eq(memcmp(item.payload, data, sizeof data), 0);
  sim_queue_free(q);
}

Test(queue, peek_reports_earliest_and_empty)
{
  SimQueue *q = sim_queue_new();
  cr_assert_eq(sim_queue_peek_time(q), SIM_TIME_MAX);
  sim_queue_push(q, 30, 0, NULL);
  sim_queue_push(q, 10, 0, NULL);
  sim_queue_push(q, 20, 0, NULL);
  cr_assert_eq(sim_queue_peek_time(q), 10);
  cr_assert_eq(sim_queue_size(q), 3);
  SimQueueItem item;
  sim_queue_pop(q, &item);
  cr_assert_eq(sim_queue_size(q), 2);
  cr_assert_eq(sim_queue_peek_time(q), 20);
  sim_queue_free(q);
}
