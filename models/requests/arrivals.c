/* Arrival events, one per request, from each service's traffic source. */
#include "models/requests/arrivals.h"

#include "models/config/scenario.h"
#include "models/requests/lb.h"

struct _Arrivals {
  World *w;                /* the world it belongs to */
  SimKindId kind;          /* its event kind */
  TrafficSource **sources; /* per service; NULL: no traffic */
  SimStreamId *streams;    /* per service with a source: its arrivals, one
                              pending at a time (engine.h) */
  guint n;
};

static void
schedule_next(World *w, guint32 service)
{
  SimTime at = traffic_source_next(w->arrivals->sources[service]);
  if (at <= w->horizon)
    sim_stream_schedule(w->engine, w->arrivals->streams[service], at,
                        &service, sizeof service);
}

static void
on_arrival(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Arrivals *) model)->w;
  guint32 service = *(guint32 *) payload;
  SimTime now = sim_engine_now(engine);
  reqstats_arrival(&w->reqstats[service], now);
  schedule_next(w, service); /* first: see the header */
  lb_dispatch(w, service, now);
}

void
arrivals_init(World *w)
{
  static const SimEventKind kind = { "request.arrival", on_arrival, NULL };
  Arrivals *a = g_new0(Arrivals, 1);
  w->arrivals = a;
  a->w = w;
  a->kind = sim_engine_register(w->engine, &kind, a);
  a->n = w->cfg->services->len;
  a->sources = g_new0(TrafficSource *, a->n);
  a->streams = g_new0(SimStreamId, a->n);
  for (guint i = 0; i < a->n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    if (svc->workload.traffic == NULL)
      continue;
    a->sources[i] = traffic_source_new(svc->workload.traffic,
                                       world_rng(w, "traffic", svc->name),
                                       world_rng(w, "traffic-modulation",
                                                 svc->name),
                                       w->cfg->clock_offset,
                                       w->options.traffic_scale);
    a->streams[i] = sim_engine_add_stream(w->engine, a->kind);
    schedule_next(w, i);
  }
}

void
arrivals_free(World *w)
{
  Arrivals *a = w->arrivals;
  if (a == NULL)
    return;
  for (guint i = 0; i < a->n; i++)
    traffic_source_free(a->sources[i]);
  g_free(a->sources);
  g_free(a->streams);
  g_free(a);
  w->arrivals = NULL;
}
