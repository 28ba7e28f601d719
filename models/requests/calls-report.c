/* What calls between services report: per-edge rows each metrics period,
 * and the edges, services and callees the outputs read. */
#include "models/requests/calls.h"

#include <math.h>
#include <string.h>

guint
calls_n_edges(const World *w)
{
  return w->calls ? w->calls->edges->len : 0;
}

const CallEdge *
calls_edge(const World *w, guint i)
{
  return &g_array_index(w->calls->edges, CallEdge, i);
}

void
calls_close_period(World *w, SimTime start, SimTime end)
{
  Calls *c = w->calls;
  if (c == NULL)
    return;
  /* Without keep_rows the last period's rows are all the sink needs. */
  if (!w->options.keep_rows)
    g_array_set_size(c->rows, 0);
  for (guint i = 0; i < c->edges->len; i++) {
    CallEdge *e = &g_array_index(c->edges, CallEdge, i);
    guint64 now[4 + CALL_ERR_N] = { e->sent, e->ok, e->failed, e->wanted };
    for (int k = 0; k < CALL_ERR_N; k++)
      now[4 + k] = e->errors[k];
    CallEdgeRow row = {
      .start = start, .end = end, .edge = i,
      .sent = now[0] - e->mark[0], .ok = now[1] - e->mark[1],
      .failed = now[2] - e->mark[2], .wanted = now[3] - e->mark[3],
      .in_flight = e->in_flight,
      .p50_ms = reqstats_quantile_ms(e->latency_period, 0.50),
      .p90_ms = reqstats_quantile_ms(e->latency_period, 0.90),
      .p99_ms = reqstats_quantile_ms(e->latency_period, 0.99),
      .p999_ms = reqstats_quantile_ms(e->latency_period, 0.999),
      .mean_ms = sim_histogram_count(e->latency_period)
                   ? sim_histogram_mean(e->latency_period) / 1000.0
                   : NAN,
    };
    for (int k = 0; k < CALL_ERR_N; k++)
      row.errors[k] = now[4 + k] - e->mark[4 + k];
    memcpy(e->mark, now, sizeof now);
    sim_histogram_merge(e->latency, e->latency_period);
    sim_histogram_reset(e->latency_period);
    g_array_append_val(c->rows, row);
  }
}

guint
calls_n_rows(const World *w)
{
  return w->calls ? w->calls->rows->len : 0;
}

const CallEdgeRow *
calls_row(const World *w, guint i)
{
  return &g_array_index(w->calls->rows, CallEdgeRow, i);
}

const CallService *
calls_service(const World *w, guint32 service)
{
  return w->calls ? &w->calls->services[service] : NULL;
}

gboolean
calls_is_called(const World *w, guint32 service)
{
  return w->calls != NULL && w->calls->called[service];
}
