/* The discrete-event engine: a clock, the pending-event queue and the
 * registered event kinds. It knows nothing of what is simulated.
 *
 * Models register event kinds (a name, a handler and a payload free
 * function) and schedule events of those kinds. The engine pops events in
 * (time, scheduling order), advances the clock and calls the handler with
 * the model pointer given at registration and the event's payload.
 * Payloads should carry entity ids rather than pointers: a handler that
 * cannot find its entity any more simply ignores the event. */
#pragma once

#include <glib.h>
#include <signal.h>

#include "sim/queue.h"
#include "sim/time.h"

typedef struct _SimEngine SimEngine;
typedef uint32_t SimKindId;

typedef void (*SimHandleFunc)(SimEngine *engine, gpointer model,
                              gpointer payload);

typedef struct {
  const char *name;             /* "health.check": used in summaries */
  SimHandleFunc handle;
  GDestroyNotify free_payload;  /* after handle() or on cancel; may be NULL */
} SimEventKind;

typedef enum {
  SIM_RUN_DRAINED,     /* no events left before the horizon was reached */
  SIM_RUN_HORIZON,     /* the clock reached the horizon */
  SIM_RUN_STOPPED,     /* a handler called sim_engine_stop() */
  SIM_RUN_INTERRUPTED, /* the interrupt flag was raised (Ctrl-C) */
} SimRunStatus;

/* Called every few thousand events while running; see
 * sim_engine_set_progress(). */
typedef void (*SimProgressFunc)(SimEngine *engine, gpointer data);

/* Returns a new engine at time 0 with no kinds. Never fails. */
SimEngine *sim_engine_new(void);

/* Frees @engine, freeing the payloads of events still pending. Accepts
 * NULL. */
void sim_engine_free(SimEngine *engine);

/* Registers an event kind; @kind is copied, @model is lent and passed to
 * every handler call. Returns the kind's id for sim_schedule(). */
SimKindId sim_engine_register(SimEngine *engine, const SimEventKind *kind,
                              gpointer model);

SimTime sim_engine_now(const SimEngine *engine);

/* Schedules an event of @kind at absolute time @at (>= now; earlier is a
 * bug and aborts). Takes ownership of @payload (may be NULL): it is freed
 * with the kind's free_payload after the handler runs or when the event
 * is dropped. Returns the event's id. */
SimEventId sim_schedule(SimEngine *engine, SimTime at, SimKindId kind,
                        gpointer payload);

/* Schedules an event whose payload is @size <= SIM_INLINE_PAYLOAD bytes
 * copied from @data: no allocation. The handler receives a pointer to a
 * copy that lives until it returns. */
SimEventId sim_schedule_inline(SimEngine *engine, SimTime at, SimKindId kind,
                               const void *data, gsize size);

/* Streams: a kind whose events come one at a time, each scheduled by the
 * one before it (the arrivals of a traffic source): at most one pending,
 * never cancelled, with an inline payload. A stream's pending event waits
 * beside the queue instead of in it, which spares the queue's push and
 * pop for what is, request by request, half of all events. It runs in
 * the same order as through sim_schedule_inline() at the same moment. */
typedef guint32 SimStreamId;

/* Makes a stream of events of @kind. Never fails; past a few streams the
 * rest go through the queue (same order, no saving). */
SimStreamId sim_engine_add_stream(SimEngine *engine, SimKindId kind);

/* Schedules stream @stream's next event at @at (>= now), its payload
 * @size <= SIM_INLINE_PAYLOAD bytes copied from @data. The stream must
 * have none pending. */
void sim_stream_schedule(SimEngine *engine, SimStreamId stream, SimTime at,
                         const void *data, gsize size);

/* Cancels a pending event. Harmless (returns FALSE) when @id already
 * fired, was cancelled before, or is SIM_EVENT_ID_NONE. */
gboolean sim_cancel(SimEngine *engine, SimEventId id);

/* TRUE while event @id is pending and not cancelled. */
gboolean sim_is_pending(const SimEngine *engine, SimEventId id);

/* Runs events with time <= @horizon in order. When the loop ends because
 * no event is left at or before a finite @horizon (SIM_RUN_DRAINED or
 * SIM_RUN_HORIZON), the clock is left at @horizon; when stopped or
 * interrupted, at the last event run. Can be called again to continue. */
SimRunStatus sim_engine_run(SimEngine *engine, SimTime horizon);

/* Asks the run loop to return SIM_RUN_STOPPED after the current handler. */
void sim_engine_stop(SimEngine *engine);

/* The run loop polls *@flag (set from a signal handler) every few thousand
 * events and returns SIM_RUN_INTERRUPTED when it is nonzero. */
void sim_engine_set_interrupt(SimEngine *engine,
                              volatile sig_atomic_t *flag);

/* Calls @fn(@engine, @data) every 16,384 events during a run. */
void sim_engine_set_progress(SimEngine *engine, SimProgressFunc fn,
                             gpointer data);

/* Events handled so far (cancelled ones not counted). */
guint64 sim_engine_events(const SimEngine *engine);

/* Events pending (cancelled ones not yet dropped included). */
gsize sim_engine_pending(const SimEngine *engine);

guint sim_engine_n_kinds(const SimEngine *engine);
const char *sim_engine_kind_name(const SimEngine *engine, SimKindId kind);
/* Events of @kind handled so far. */
guint64 sim_engine_kind_count(const SimEngine *engine, SimKindId kind);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimEngine, sim_engine_free)
