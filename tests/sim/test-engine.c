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
