/* The run loop and the kind table. */
#include "sim/engine.h"

#include <string.h>

#define PROGRESS_EVERY 16384
/* Streams held beside the queue; the engine looks for the earliest among
 * them after each of theirs, so more would cost more than they save. */
#define STREAMS_MAX 8

typedef struct {
  char *name;
  SimHandleFunc handle;
  GDestroyNotify free_payload;
  gpointer model;
  guint64 count;
} KindEntry;

/* A stream (sim_engine_add_stream()) and its pending event. */
typedef struct {
  SimKindId kind;
  gboolean pending;
  SimTime time;
  uint64_t order;         /* sim_queue_reserve_order()'s */
  uint64_t payload[SIM_INLINE_PAYLOAD / 8];
} Stream;

struct _SimEngine {
  SimQueue *queue;
  Stream streams[STREAMS_MAX]; /* held beside the queue */
  guint nstreams;
  GArray *queued_streams; /* SimKindId of each stream past STREAMS_MAX */
  int earliest;           /* index of the earliest pending stream, or -1 */
  SimTime now;
  GArray *kinds; /* KindEntry */
  guint64 events;
  gboolean stop_requested;
  volatile sig_atomic_t *interrupt;
  SimProgressFunc progress;
  gpointer progress_data;
};

SimEngine *
sim_engine_new(void)
{
  SimEngine *engine = g_new0(SimEngine, 1);
  engine->queue = sim_queue_new();
  engine->kinds = g_array_new(FALSE, TRUE, sizeof(KindEntry));
  engine->queued_streams = g_array_new(FALSE, FALSE, sizeof(SimKindId));
  engine->earliest = -1;
  return engine;
}

static void
drop_payload(SimEngine *engine, const SimQueueItem *item)
{
  KindEntry *k = &g_array_index(engine->kinds, KindEntry, item->kind);
  if (!item->is_inline && item->payload != NULL && k->free_payload != NULL)
    k->free_payload(item->payload);
}

void
sim_engine_free(SimEngine *engine)
{
  if (engine == NULL)
    return;
  SimQueueItem item;
  while (sim_queue_pop(engine->queue, &item))
    drop_payload(engine, &item);
  sim_queue_free(engine->queue);
  for (guint i = 0; i < engine->kinds->len; i++)
    g_free(g_array_index(engine->kinds, KindEntry, i).name);
  g_array_free(engine->kinds, TRUE);
  g_array_free(engine->queued_streams, TRUE);
  g_free(engine);
}

SimKindId
sim_engine_register(SimEngine *engine, const SimEventKind *kind,
                    gpointer model)
{
  g_return_val_if_fail(engine != NULL && kind != NULL, 0);
  g_return_val_if_fail(kind->handle != NULL, 0);
  KindEntry entry = {
    .name = g_strdup(kind->name ? kind->name : "unnamed"),
    .handle = kind->handle,
    .free_payload = kind->free_payload,
    .model = model,
  };
  g_array_append_val(engine->kinds, entry);
  return engine->kinds->len - 1;
}

SimTime
sim_engine_now(const SimEngine *engine)
{
  return engine->now;
}

static void
check_schedule(const SimEngine *engine, SimTime at, SimKindId kind)
{
  if (G_UNLIKELY(at < engine->now || kind >= engine->kinds->len))
    g_error("event of kind %u scheduled at %" G_GINT64_FORMAT
            " us, before now (%" G_GINT64_FORMAT " us) or of no such kind",
            kind, at, engine->now);
}

SimEventId
sim_schedule(SimEngine *engine, SimTime at, SimKindId kind, gpointer payload)
{
  check_schedule(engine, at, kind);
  return sim_queue_push(engine->queue, at, kind, payload);
}

SimEventId
sim_schedule_inline(SimEngine *engine, SimTime at, SimKindId kind,
                    const void *data, gsize size)
{
  check_schedule(engine, at, kind);
  return sim_queue_push_inline(engine->queue, at, kind, data, size);
}

SimStreamId
sim_engine_add_stream(SimEngine *engine, SimKindId kind)
{
  g_return_val_if_fail(kind < engine->kinds->len, 0);
  if (engine->nstreams < STREAMS_MAX) {
    engine->streams[engine->nstreams] = (Stream){ .kind = kind };
    return engine->nstreams++;
  }
  g_array_append_val(engine->queued_streams, kind);
  return STREAMS_MAX + engine->queued_streams->len - 1;
}

/* (time, order) of @a before @b's. */
static inline gboolean
stream_before(const Stream *a, const Stream *b)
{
  return a->time < b->time || (a->time == b->time && a->order < b->order);
}

void
sim_stream_schedule(SimEngine *engine, SimStreamId stream, SimTime at,
                    const void *data, gsize size)
{
  g_return_if_fail(size <= SIM_INLINE_PAYLOAD);
  if (stream >= STREAMS_MAX) {
    SimKindId kind =
      g_array_index(engine->queued_streams, SimKindId, stream - STREAMS_MAX);
    sim_schedule_inline(engine, at, kind, data, size);
    return;
  }
  Stream *s = &engine->streams[stream];
  if (G_UNLIKELY(at < engine->now || s->pending))
    g_error("stream of kind %u: event scheduled at %" G_GINT64_FORMAT
            " us, before now (%" G_GINT64_FORMAT " us), or with one pending",
            s->kind, at, engine->now);
  s->pending = TRUE;
  s->time = at;
  s->order = sim_queue_reserve_order(engine->queue);
  /* The common size is copied with a constant length: no library call. */
  if (size == sizeof(guint32))
    memcpy(s->payload, data, sizeof(guint32));
  else
    memcpy(s->payload, data, size);
  if (engine->earliest < 0 ||
      stream_before(s, &engine->streams[engine->earliest]))
    engine->earliest = (int) stream;
}

/* The earliest pending stream, after it changed. */
static void
find_earliest(SimEngine *engine)
{
  engine->earliest = -1;
  for (guint i = 0; i < engine->nstreams; i++) {
    const Stream *s = &engine->streams[i];
    if (s->pending &&
        (engine->earliest < 0 ||
         stream_before(s, &engine->streams[engine->earliest])))
      engine->earliest = (int) i;
  }
}

gboolean
sim_cancel(SimEngine *engine, SimEventId id)
{
  return sim_queue_cancel(engine->queue, id);
}

gboolean
sim_is_pending(const SimEngine *engine, SimEventId id)
{
  return sim_queue_is_pending(engine->queue, id);
}

void
sim_engine_stop(SimEngine *engine)
{
  engine->stop_requested = TRUE;
}

void
sim_engine_set_interrupt(SimEngine *engine, volatile sig_atomic_t *flag)
{
  engine->interrupt = flag;
}

void
sim_engine_set_progress(SimEngine *engine, SimProgressFunc fn, gpointer data)
{
  engine->progress = fn;
  engine->progress_data = data;
}

/* Runs the handler of an event of @kind at @time with @payload. */
static inline KindEntry *
dispatch(SimEngine *engine, SimTime time, SimKindId kind, gpointer payload)
{
  engine->now = time;
  KindEntry *k = &g_array_index(engine->kinds, KindEntry, kind);
  k->count++;
  engine->events++;
  k->handle(engine, k->model, payload);
  return k;
}

SimRunStatus
sim_engine_run(SimEngine *engine, SimTime horizon)
{
  SimQueueItem item;
  guint until_poll = PROGRESS_EVERY;
  engine->stop_requested = FALSE;

  for (;;) {
    /* The queue's earliest event if it comes before the earliest
     * stream's, else that stream's. */
    const Stream *first = engine->earliest >= 0
                            ? &engine->streams[engine->earliest]
                            : NULL;
    if (sim_queue_pop_before(engine->queue, horizon,
                             first ? first->time : SIM_TIME_MAX,
                             first ? first->order : UINT64_MAX, &item)) {
      if (item.cancelled) {
        drop_payload(engine, &item);
        continue;
      }
      KindEntry *k = dispatch(engine, item.time, item.kind, item.payload);
      if (!item.is_inline && item.payload != NULL &&
          k->free_payload != NULL)
        k->free_payload(item.payload);
    } else if (first != NULL && first->time <= horizon) {
      /* A copy: the handler schedules the stream's next event. */
      Stream s = engine->streams[engine->earliest];
      engine->streams[engine->earliest].pending = FALSE;
      find_earliest(engine);
      dispatch(engine, s.time, s.kind, s.payload);
    } else {
      break;
    }

    if (G_UNLIKELY(engine->stop_requested))
      return SIM_RUN_STOPPED;
    if (G_UNLIKELY(--until_poll == 0)) {
      until_poll = PROGRESS_EVERY;
      if (engine->progress != NULL)
        engine->progress(engine, engine->progress_data);
      if (engine->interrupt != NULL && *engine->interrupt)
        return SIM_RUN_INTERRUPTED;
    }
  }
  if (horizon != SIM_TIME_MAX)
    engine->now = horizon;
  return sim_engine_pending(engine) == 0 ? SIM_RUN_DRAINED
                                         : SIM_RUN_HORIZON;
}

guint64
sim_engine_events(const SimEngine *engine)
{
  return engine->events;
}

gsize
sim_engine_pending(const SimEngine *engine)
{
  gsize n = sim_queue_size(engine->queue);
  for (guint i = 0; i < engine->nstreams; i++)
    n += engine->streams[i].pending;
  return n;
}

guint
sim_engine_n_kinds(const SimEngine *engine)
{
  return engine->kinds->len;
}

const char *
sim_engine_kind_name(const SimEngine *engine, SimKindId kind)
{
  g_return_val_if_fail(kind < engine->kinds->len, NULL);
  return g_array_index(engine->kinds, KindEntry, kind).name;
}

guint64
sim_engine_kind_count(const SimEngine *engine, SimKindId kind)
{
  g_return_val_if_fail(kind < engine->kinds->len, 0);
  return g_array_index(engine->kinds, KindEntry, kind).count;
}
