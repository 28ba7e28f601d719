/* Hold-model benchmark of the event queue.
 *
 * The classic test for pending-event sets: fill the queue with N events,
 * then repeat "hold" (pop the earliest, push one at its time plus a random
 * increment) and report nanoseconds per hold and events per second. Done
 * three times per size: on the queue (a ladder queue, sim/ladder.c),
 * through the engine's run loop (dispatch to a handler that reschedules
 * itself), which is what models pay, and, for reference, on a bare 4-ary
 * heap of the same 16-byte keys with nothing else (no ids, cancellation
 * or payloads): the design the queue replaced. Increments are drawn
 * beforehand so the RNG is not measured.
 *
 * Run: meson test -C build --benchmark queue-hold --verbose
 *   or build/bench/bench-queue [HOLDS] */
#include <glib.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/engine.h"
#include "sim/queue.h"

#define N_INCREMENTS (1 << 20)

static SimTime *increments;

static void
make_increments(void)
{
  gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
  increments = g_new(SimTime, N_INCREMENTS);
  for (gsize i = 0; i < N_INCREMENTS; i++)
    increments[i] = (SimTime) gsl_ran_exponential(r, 1e6) + 1;
  gsl_rng_free(r);
}

/* The reference: the queue's former heap without its records. A 4-ary
 * min-heap of (time, sequence) packed in 128 bits, each sibling group on
 * one cache line, the least child chosen without branches, grandchildren
 * prefetched; a hold replaces the top and sifts it down. */
__extension__ typedef unsigned __int128 HeapKey;

#define HEAP_OFFSET 3 /* heap[i] at base[i + 3]: groups start on a line */

static inline gsize
min_of_four(const HeapKey *h, gsize c)
{
  gsize a = c + (gsize) (h[c + 1] < h[c]);
  gsize b = c + 2 + (gsize) (h[c + 3] < h[c + 2]);
  return h[b] < h[a] ? b : a;
}

static void
heap_sift_down(HeapKey *h, gsize n, HeapKey key)
{
  gsize i = 0;
  for (;;) {
    gsize c = 4 * i + 1, best = c;
    if (G_LIKELY(c + 4 <= n)) {
      if (4 * c + 1 < n) {
        const char *grand = (const char *) &h[4 * c + 1];
        for (int line = 0; line < 4; line++)
          __builtin_prefetch(grand + 64 * line);
      }
      best = min_of_four(h, c);
    } else if (c < n) {
      for (gsize j = c + 1; j < n; j++)
        best = h[j] < h[best] ? j : best;
    } else {
      break;
    }
    if (h[best] >= key)
      break;
    h[i] = h[best];
    i = best;
  }
  h[i] = key;
}

static double
bench_heap(gsize pending, gsize holds)
{
  HeapKey *base = g_aligned_alloc(pending + HEAP_OFFSET, sizeof(HeapKey), 64);
  HeapKey *h = base + HEAP_OFFSET;
  gsize k = 0, n = 0;
  uint64_t seq = 0;
  for (gsize i = 0; i < pending; i++) {
    HeapKey key = (HeapKey) increments[k++ & (N_INCREMENTS - 1)] << 64 | seq++;
    gsize j = n++;
    for (; j > 0 && key < h[(j - 1) / 4]; j = (j - 1) / 4)
      h[j] = h[(j - 1) / 4];
    h[j] = key;
  }
  gint64 start = g_get_monotonic_time();
  for (gsize i = 0; i < holds; i++) {
    uint64_t now = (uint64_t) (h[0] >> 64);
    uint64_t at = now + (uint64_t) increments[k++ & (N_INCREMENTS - 1)];
    heap_sift_down(h, n, (HeapKey) at << 64 | seq++);
  }
  gint64 elapsed = g_get_monotonic_time() - start;
  g_aligned_free(base);
  return (double) elapsed * 1000.0 / (double) holds;
}

static double
bench_queue(gsize pending, gsize holds)
{
  SimQueue *q = sim_queue_new();
  gsize k = 0;
  for (gsize i = 0; i < pending; i++)
    sim_queue_push(q, increments[k++ & (N_INCREMENTS - 1)], 0, NULL);
  SimQueueItem item;
  gint64 start = g_get_monotonic_time();
  for (gsize i = 0; i < holds; i++) {
    sim_queue_pop(q, &item);
    sim_queue_push(q, item.time + increments[k++ & (N_INCREMENTS - 1)], 0,
                   NULL);
  }
  gint64 elapsed = g_get_monotonic_time() - start;
  sim_queue_free(q);
  return (double) elapsed * 1000.0 / (double) holds;
}

typedef struct {
  SimKindId kind;
  gsize k;
} HoldModel;

static void
hold(SimEngine *engine, gpointer model, gpointer payload)
{
  HoldModel *m = model;
  SimTime at = sim_engine_now(engine) +
               increments[m->k++ & (N_INCREMENTS - 1)];
  sim_schedule_inline(engine, at, m->kind, NULL, 0);
}

static void
stop(SimEngine *engine, gpointer model, gpointer payload)
{
  sim_engine_stop(engine);
}

static double
bench_engine(gsize pending, gsize holds)
{
  SimEngine *engine = sim_engine_new();
  HoldModel m = { 0, 0 };
  SimEventKind hk = { "bench.hold", hold, NULL };
  SimEventKind sk = { "bench.stop", stop, NULL };
  m.kind = sim_engine_register(engine, &hk, &m);
  SimKindId stop_kind = sim_engine_register(engine, &sk, NULL);
  for (gsize i = 0; i < pending; i++)
    sim_schedule_inline(engine, increments[m.k++ & (N_INCREMENTS - 1)],
                        m.kind, NULL, 0);
  /* Warm up to steady state, then time a fixed number of events. */
  sim_engine_run(engine, 5 * SIM_SEC);
  guint64 before = sim_engine_events(engine);
  SimTime now = sim_engine_now(engine);
  sim_schedule_inline(engine, SIM_TIME_MAX - 1, stop_kind, NULL, 0);
  gint64 start = g_get_monotonic_time();
  /* Average spacing is 1 s / pending: run for holds × that. */
  SimTime span = (SimTime) ((double) holds * 1e6 / (double) pending);
  sim_engine_run(engine, now + span);
  gint64 elapsed = g_get_monotonic_time() - start;
  guint64 done = sim_engine_events(engine) - before;
  sim_engine_free(engine);
  return (double) elapsed * 1000.0 / (double) done;
}

int
main(int argc, char **argv)
{
  gsize holds = argc > 1 ? strtoull(argv[1], NULL, 10) : 10000000;
  const gsize sizes[] = { 1000, 10000, 100000, 1000000 };
  make_increments();
  printf("hold model, %zu holds per size\n", holds);
  printf("%10s %14s %14s %16s %16s %16s\n", "pending", "queue ns/hold",
         "queue Mev/s", "engine ns/event", "engine Mev/s", "4-ary heap ns");
  for (gsize i = 0; i < G_N_ELEMENTS(sizes); i++) {
    double qns = bench_queue(sizes[i], holds);
    double ens = bench_engine(sizes[i], holds);
    double hns = bench_heap(sizes[i], holds);
    printf("%10zu %14.1f %14.2f %16.1f %16.2f %16.1f\n", sizes[i], qns,
           1e3 / qns, ens, 1e3 / ens, hns);
  }
  g_free(increments);
  return 0;
}
