/* The event queue against a sorted reference. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
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

static gint
compare_times(gconstpointer a, gconstpointer b)
{
  SimTime x = *(const SimTime *) a, y = *(const SimTime *) b;
  return (x > y) - (x < y);
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

/* Draws how far after now the next event goes. */
typedef SimTime (*DrawDelay)(gsl_rng *r);

/* Runs @ops random operations (push @burst events at delays from @draw,
 * cancel any id ever issued, pop; now and then peek or pop up to a
 * horizon) on a queue and on a sorted reference, asserting that every pop
 * and cancel agree. Returns the number of pops. */
static guint64
check_against_reference(guint64 seed, int ops, DrawDelay draw, int burst)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(r, seed);
  SimQueue *q = sim_queue_new();
  GSequence *ref = g_sequence_new(g_free);
  GHashTable *by_id = g_hash_table_new(g_int64_hash, g_int64_equal);
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(SimEventId));
  SimTime now = 0;
  guint64 seq = 0, pops = 0;

  for (int op = 0; op < ops; op++) {
    double u = gsl_rng_uniform(r);
    if (u < 0.45) {
      SimTime t = now + draw(r);
      int n = burst > 1 && gsl_rng_uniform(r) < 0.01 ? burst : 1;
      for (int k = 0; k < n; k++) {
        RefEvent *e = g_new(RefEvent, 1);
        e->time = t;
        e->seq = seq++;
        e->id = sim_queue_push(q, t, 7, GSIZE_TO_POINTER(e->seq + 1));
        GSequenceIter *it =
          g_sequence_insert_sorted(ref, e, ref_compare, NULL);
        g_hash_table_insert(by_id, &e->id, it);
        g_array_append_val(ids, e->id);
      }
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
    } else if (u < 0.63) {
      /* Looking ahead moves nothing the next pushes could overtake. */
      SimTime peeked = sim_queue_peek_time(q);
      cr_assert_geq(peeked, now);
      SimQueueItem item;
      cr_assert_not(sim_queue_pop_until(q, now - 1, &item));
    } else {
      SimQueueItem item;
      GSequenceIter *first = g_sequence_get_begin_iter(ref);
      if (g_sequence_iter_is_end(first)) {
        cr_assert_not(pop_live(q, &item));
        continue;
      }
      RefEvent *e = g_sequence_get(first);
      cr_assert(pop_live(q, &item));
      cr_assert_eq(item.time, e->time, "op %d: wrong time", op);
      cr_assert_eq(item.id, e->id, "op %d: wrong event among equal times",
                   op);
      cr_assert_eq(GPOINTER_TO_SIZE(item.payload), e->seq + 1);
      now = item.time;
      g_hash_table_remove(by_id, &e->id);
      g_sequence_remove(first);
      pops++;
    }
  }
  g_array_free(ids, TRUE);
  g_hash_table_destroy(by_id);
  g_sequence_free(ref);
  sim_queue_free(q);
  gsl_rng_free(r);
  return pops;
}

/* Small range: many equal times, so FIFO order is exercised. */
static SimTime
draw_small(gsl_rng *r)
{
  return (SimTime) gsl_rng_uniform_int(r, 50);
}

/* Times a simulation really schedules, mixed: now, the next few
 * microseconds, request-like milliseconds, timer-like seconds and a few
 * days-away outliers that stretch any width estimate. */
static SimTime
draw_mixed(gsl_rng *r)
{
  double u = gsl_rng_uniform(r);
  if (u < 0.2)
    return 0;
  if (u < 0.4)
    return (SimTime) gsl_rng_uniform_int(r, 20);
  if (u < 0.7)
    return (SimTime) (gsl_ran_exponential(r, 2e3));
  if (u < 0.95)
    return (SimTime) (gsl_ran_exponential(r, 5e6));
  return (SimTime) gsl_rng_uniform_int(r, 4000000000u) * 100;
}

/* Two far-apart clusters: half within a millisecond, half around an
 * hour. */
static SimTime
draw_bimodal(gsl_rng *r)
{
  if (gsl_rng_uniform(r) < 0.5)
    return (SimTime) gsl_rng_uniform_int(r, 1000);
  return SIM_HOUR + (SimTime) gsl_rng_uniform_int(r, 1000);
}

Test(queue, matches_sorted_reference_over_a_million_operations)
{
  cr_assert_gt(check_against_reference(42, 1000000, draw_small, 1), 100000);
}

Test(queue, matches_sorted_reference_over_mixed_time_scales)
{
  cr_assert_gt(check_against_reference(7, 1000000, draw_mixed, 1), 100000);
}

Test(queue, matches_sorted_reference_with_bursts_at_one_time)
{
  /* Bursts of 300 events at one time overfill any bucket: they are
   * divided down to 1 us and come out in order. */
  cr_assert_gt(check_against_reference(11, 300000, draw_mixed, 300), 50000);
}

Test(queue, matches_sorted_reference_over_two_clusters)
{
  cr_assert_gt(check_against_reference(5, 300000, draw_bimodal, 100),
               50000);
}

Test(queue, many_pushes_just_ahead_of_now_stay_in_order)
{
  /* After a pop, thousands of events land in the next microseconds, in
   * random order: the part of the queue kept sorted must not degrade
   * into one long insertion sort, and must stay exact. */
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  SimQueue *q = sim_queue_new();
  sim_queue_push(q, 0, 0, NULL);
  sim_queue_push(q, SIM_SEC, 0, NULL);
  SimQueueItem item;
  cr_assert(sim_queue_pop(q, &item));
  GArray *times = g_array_new(FALSE, FALSE, sizeof(SimTime));
  for (int i = 0; i < 20000; i++) {
    SimTime t = 1 + (SimTime) gsl_rng_uniform_int(r, 5000);
    g_array_append_val(times, t);
    sim_queue_push(q, t, 0, GINT_TO_POINTER(i + 1));
  }
  g_array_sort(times, compare_times);
  for (guint i = 0; i < times->len; i++) {
    cr_assert(sim_queue_pop(q, &item));
    cr_assert_eq(item.time, g_array_index(times, SimTime, i));
  }
  cr_assert(sim_queue_pop(q, &item));
  cr_assert_eq(item.time, SIM_SEC);
  cr_assert_eq(sim_queue_size(q), 0);
  g_array_free(times, TRUE);
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

Test(queue, memory_stays_in_proportion_to_what_is_pending)
{
  /* An event a day ahead (an end-of-run report) under a dense hold model
   * of 1000 events a millisecond apart: the part of the queue covering
   * that day must give back the room of the buckets time has passed, or
   * memory grows with every event (300 MB after 5 million). */
  SimQueue *q = sim_queue_new();
  SimQueueItem item;
  sim_queue_push(q, SIM_DAY, 0, NULL);
  sim_queue_push(q, 0, 0, NULL);
  cr_assert(sim_queue_pop(q, &item));
  for (int i = 0; i < 1000; i++)
    sim_queue_push(q, i * 7 % 1000, 1, NULL);
  gsize peak = 0;
  for (guint64 s = 1; s <= 2000000; s++) {
    cr_assert(sim_queue_pop(q, &item));
    sim_queue_push(q, item.time + 1 + (SimTime) (s * 2654435761u % 1000), 1,
                   NULL);
    peak = MAX(peak, sim_queue_bytes(q));
  }
  cr_assert_eq(sim_queue_size(q), 1001);
  /* Here a few hundred kB; before room was given back, 120 MB. */
  cr_assert_lt(peak, 4u << 20, "the queue grew to %zu bytes", peak);
  sim_queue_free(q);
}
