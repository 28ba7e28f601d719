/* The run loop, with a tiny model written here (never models/). */
#include <criterion/criterion.h>

#include "sim/engine.h"

typedef struct {
  GArray *seen; /* payload values in handling order */
} Toy;

static void
record(SimEngine *engine, gpointer model, gpointer payload)
{
  Toy *toy = model;
  int v = *(int *) payload;
  g_array_append_val(toy->seen, v);
}

static int *
box(int v)
{
  int *p = g_new(int, 1);
  *p = v;
  return p;
}

static Toy toy;
static SimEngine *engine;
static SimKindId kind;
static int frees;

static void
free_counted(gpointer payload)
{
  frees++;
  g_free(payload);
}

static void
setup(void)
{
  toy.seen = g_array_new(FALSE, FALSE, sizeof(int));
  frees = 0;
  engine = sim_engine_new();
  SimEventKind k = { "toy.record", record, free_counted };
  kind = sim_engine_register(engine, &k, &toy);
}

static void
teardown(void)
{
  sim_engine_free(engine);
  g_array_free(toy.seen, TRUE);
}

TestSuite(engine, .init = setup, .fini = teardown);

Test(engine, runs_in_time_then_schedule_order_and_frees_payloads)
{
  sim_schedule(engine, 20, kind, box(3));
  sim_schedule(engine, 10, kind, box(1));
  sim_schedule(engine, 10, kind, box(2));
  cr_assert_eq(sim_engine_run(engine, SIM_TIME_MAX), SIM_RUN_DRAINED);
  cr_assert_eq(toy.seen->len, 3);
  for (int i = 0; i < 3; i++)
    cr_assert_eq(g_array_index(toy.seen, int, i), i + 1);
  cr_assert_eq(frees, 3);
  cr_assert_eq(sim_engine_events(engine), 3);
  cr_assert_eq(sim_engine_kind_count(engine, kind), 3);
  cr_assert_str_eq(sim_engine_kind_name(engine, kind), "toy.record");
}

Test(engine, cancelled_event_is_not_run_but_is_freed)
{
  SimEventId id = sim_schedule(engine, 10, kind, box(1));
  sim_schedule(engine, 11, kind, box(2));
  cr_assert(sim_cancel(engine, id));
  sim_engine_run(engine, SIM_TIME_MAX);
  cr_assert_eq(toy.seen->len, 1);
  cr_assert_eq(g_array_index(toy.seen, int, 0), 2);
  cr_assert_eq(frees, 2);
  cr_assert_not(sim_cancel(engine, id), "cancel after the fact is harmless");
}

Test(engine, horizon_leaves_later_events_and_sets_clock)
{
  sim_schedule(engine, 5 * SIM_SEC, kind, box(1));
  sim_schedule(engine, 50 * SIM_SEC, kind, box(2));
  cr_assert_eq(sim_engine_run(engine, 10 * SIM_SEC), SIM_RUN_HORIZON);
  cr_assert_eq(sim_engine_now(engine), 10 * SIM_SEC);
  cr_assert_eq(toy.seen->len, 1);
  cr_assert_eq(sim_engine_run(engine, 60 * SIM_SEC), SIM_RUN_DRAINED);
  cr_assert_eq(toy.seen->len, 2);
  cr_assert_eq(sim_engine_now(engine), 60 * SIM_SEC);
}

Test(engine, event_at_the_horizon_runs)
{
  sim_schedule(engine, 10, kind, box(1));
  sim_engine_run(engine, 10);
  cr_assert_eq(toy.seen->len, 1);
}

static void
stopper(SimEngine *e, gpointer model, gpointer payload)
{
  sim_engine_stop(e);
}

Test(engine, stop_from_a_handler_ends_the_run_early)
{
  SimEventKind k = { "toy.stop", stopper, NULL };
  SimKindId stop = sim_engine_register(engine, &k, NULL);
  sim_schedule(engine, 5, stop, NULL);
  sim_schedule(engine, 9, kind, box(1));
  cr_assert_eq(sim_engine_run(engine, SIM_TIME_MAX), SIM_RUN_STOPPED);
  cr_assert_eq(sim_engine_now(engine), 5);
  cr_assert_eq(toy.seen->len, 0);
  /* Pending payloads are freed with the engine (teardown). */
}

static void
chain(SimEngine *e, gpointer model, gpointer payload)
{
  SimKindId *self = model;
  sim_schedule_inline(e, sim_engine_now(e) + 1, *self, NULL, 0);
}

Test(engine, interrupt_flag_stops_a_long_run)
{
  static SimKindId self;
  SimEventKind k = { "toy.chain", chain, NULL };
  self = sim_engine_register(engine, &k, &self);
  volatile sig_atomic_t flag = 1;
  sim_engine_set_interrupt(engine, &flag);
  sim_schedule_inline(engine, 0, self, NULL, 0);
  cr_assert_eq(sim_engine_run(engine, SIM_TIME_MAX), SIM_RUN_INTERRUPTED);
  cr_assert_lt(sim_engine_events(engine), 100000);
}

static void
read_inline(SimEngine *e, gpointer model, gpointer payload)
{
  guint64 *out = model;
  memcpy(out, payload, 2 * sizeof(guint64));
}

Test(engine, inline_payload_reaches_the_handler)
{
  guint64 got[2] = { 0, 0 };
  SimEventKind k = { "toy.inline", read_inline, NULL };
  SimKindId id = sim_engine_register(engine, &k, got);
  guint64 sent[2] = { 7, 9 };
  sim_schedule_inline(engine, 3, id, sent, sizeof sent);
  sim_engine_run(engine, SIM_TIME_MAX);
  cr_assert_eq(got[0], 7);
  cr_assert_eq(got[1], 9);
}

/* ---- streams ------------------------------------------------------- */

/* Sources that each schedule their next event when one runs (as traffic
 * sources do), plus a plain event at a few microseconds' distance (as a
 * request's completion), with many ties: through streams, or each through
 * sim_schedule_inline(). */
#define SOURCES 11 /* more than the engine holds beside the queue */

typedef struct {
  SimEngine *engine;
  gboolean streams;
  SimKindId source_kind, plain_kind;
  SimStreamId stream[SOURCES];
  guint32 lcg;
  GArray *log; /* (time << 8 | source, or 255 for a plain event) */
} Sources;

static guint32
next_step(Sources *m)
{
  m->lcg = m->lcg * 1664525u + 1013904223u;
  return (m->lcg >> 16) % 4; /* 0 to 3 us: many ties */
}

static void
schedule_source(Sources *m, guint32 source, SimTime at)
{
  if (m->streams)
    sim_stream_schedule(m->engine, m->stream[source], at, &source,
                        sizeof source);
  else
    sim_schedule_inline(m->engine, at, m->source_kind, &source,
                        sizeof source);
}

static void
on_plain(SimEngine *e, gpointer model, gpointer payload)
{
  Sources *m = model;
  gint64 entry = sim_engine_now(e) << 8 | 255;
  g_array_append_val(m->log, entry);
}

static void
on_source(SimEngine *e, gpointer model, gpointer payload)
{
  Sources *m = model;
  guint32 source = *(guint32 *) payload;
  SimTime now = sim_engine_now(e);
  gint64 entry = now << 8 | source;
  g_array_append_val(m->log, entry);
  if (now < 2000)
    schedule_source(m, source, now + next_step(m));
  sim_schedule_inline(e, now + next_step(m), m->plain_kind, NULL, 0);
}

/* The log of a run to 1 ms, then to the end; *@pending after the first. */
static GArray *
run_sources(gboolean streams, gsize *pending)
{
  Sources m = { .streams = streams, .lcg = 12345 };
  m.engine = sim_engine_new();
  m.log = g_array_new(FALSE, FALSE, sizeof(gint64));
  SimEventKind source = { "toy.source", on_source, NULL };
  SimEventKind plain = { "toy.plain", on_plain, NULL };
  m.source_kind = sim_engine_register(m.engine, &source, &m);
  m.plain_kind = sim_engine_register(m.engine, &plain, &m);
  for (guint32 i = 0; i < SOURCES; i++) {
    m.stream[i] = sim_engine_add_stream(m.engine, m.source_kind);
    schedule_source(&m, i, i % 3);
  }
  cr_assert_eq(sim_engine_run(m.engine, 1000), SIM_RUN_HORIZON);
  *pending = sim_engine_pending(m.engine);
  cr_assert_eq(sim_engine_run(m.engine, SIM_TIME_MAX), SIM_RUN_DRAINED);
  cr_assert_eq(sim_engine_pending(m.engine), 0);
  cr_assert_eq(sim_engine_events(m.engine), m.log->len);
  sim_engine_free(m.engine);
  return m.log;
}

Test(engine, streams_run_in_the_order_the_queue_would_give_them)
{
  gsize pending_streams, pending_queue;
  GArray *a = run_sources(TRUE, &pending_streams);
  GArray *b = run_sources(FALSE, &pending_queue);
  cr_assert_gt(a->len, 10000);
  cr_assert_eq(a->len, b->len);
  for (guint i = 0; i < a->len; i++)
    cr_assert_eq(g_array_index(a, gint64, i), g_array_index(b, gint64, i),
                 "event %u", i);
  /* Every source still had its next event pending at the horizon. */
  cr_assert_eq(pending_streams, pending_queue);
  cr_assert_geq(pending_streams, SOURCES);
  g_array_free(a, TRUE);
  g_array_free(b, TRUE);
}
