/* Period ticks: rows of the time series. */
#include "models/control/metrics.h"

#include <math.h>

#include "models/capacity/cluster.h"
#include "models/capacity/cost.h"
#include "models/config/scenario.h"
#include "models/core/hooks.h"
#include "models/control/service.h"
#include "models/requests/aggregate.h"
#include "models/requests/calls.h"

#define MINUTE (60 * SIM_SEC)

/* One service's busiest minute so far in the period. */
typedef struct {
  ReqWindow window;      /* the minute that runs now */
  double peak_pct;       /* the busiest whole minute's CPU, or -1 */
} MinuteCpu;

struct _Metrics {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* its event kind */
  SimKindId minute_kind; /* the minute tick's (periods over a minute) */
  MinuteCpu *minutes;    /* per service */
  SimTime minute_end;    /* the last minute closed ends here */
  GArray *rows;          /* PeriodRow: all, or the last period's */
  SimTime period_start;
  /* Running-task-second weighted sums of cpu_pct and memory_pct, and
   * their weight, added in row order (metrics_utilisation()). */
  double cpu_sum, memory_sum, weight;
};

double
metrics_memory_pct(World *w, guint32 service, int running, double in_flight)
{
  const ServiceConfig *svc = w->cfg->services->pdata[service];
  const EcsTaskDef *def = w->cfg->service_taskdefs->pdata[service];
  if (running == 0 || def->memory <= 0)
    return 0.0;
  double base = svc->workload.memory_base_mib >= 0
                  ? svc->workload.memory_base_mib
                  : def->memory / 2.0;
  double used = running * base +
                svc->workload.memory_per_request_mib * in_flight;
  return MIN(100.0, 100.0 * used / ((double) running * def->memory));
}

static void
close_row(World *w, guint32 service, SimTime start, SimTime end)
{
  ReqStats *rs = &w->reqstats[service];
  PeriodRow row = { .start = start, .end = end, .service = service };
  row.arrivals = sim_counter_take_window(&rs->arrivals);
  for (int k = 0; k < REQ_N_OUTCOMES; k++)
    row.outcomes[k] = sim_counter_take_window(&rs->outcomes[k]);
  row.p50_ms = reqstats_quantile_ms(rs->latency, 0.50);
  row.p90_ms = reqstats_quantile_ms(rs->latency, 0.90);
  row.p99_ms = reqstats_quantile_ms(rs->latency, 0.99);
  row.p999_ms = reqstats_quantile_ms(rs->latency, 0.999);
  row.mean_ms = sim_histogram_count(rs->latency)
                  ? sim_histogram_mean(rs->latency) / 1000.0
                  : NAN;
  reqstats_take_period(rs);
  row.started = sim_counter_take_window(&rs->started);
  row.waited = sim_counter_take_window(&rs->waited);
  row.mean_wait_ms = row.started ? 1e3 * rs->wait_sum_window / row.started
                                 : NAN;
  rs->wait_sum_window = 0;
  row.in_flight = sim_time_avg_take_window(&rs->in_flight, end);
  double busy = sim_time_avg_take_window(&rs->busy, end);
  double slots = sim_time_avg_take_window(&rs->slots, end);
  row.cpu_pct = slots > 0 ? 100.0 * busy / slots : 0.0;
  MinuteCpu *minute = &w->metrics->minutes[service];
  row.cpu_peak_pct = MAX(row.cpu_pct, minute->peak_pct);
  minute->peak_pct = -1;
  ServiceCounts c = service_counts(w, service);
  row.desired = service_get(w, service)->desired;
  row.running = c.running;
  row.pending = c.pending;
  row.memory_pct = metrics_memory_pct(w, service, c.running, row.in_flight);
  row.instances = (int) cluster_running_instances(w);
  cost_on_period(w, service, row.start, row.end, row.arrivals,
                 row.in_flight);
  row.cost_usd = cost_so_far(w, end);
  double span = sim_time_to_seconds(row.end - row.start) * row.running;
  w->metrics->cpu_sum += row.cpu_pct * span;
  w->metrics->memory_sum += row.memory_pct * span;
  w->metrics->weight += span;
  g_array_append_val(w->metrics->rows, row);
}

/* Closes the minute that ends @now (once): each service's CPU over it,
 * kept when it is the period's busiest. */
static void
close_minute(Metrics *m, SimTime now)
{
  World *w = m->w;
  if (now == m->minute_end)
    return;
  m->minute_end = now;
  aggregate_sync(w, FALSE);
  for (guint s = 0; s < w->cfg->services->len; s++) {
    MinuteCpu *minute = &m->minutes[s];
    ReqWindowTotals t;
    reqstats_window_close(&w->reqstats[s], &minute->window, now, &t);
    if (t.slot_s > 0)
      minute->peak_pct = MAX(minute->peak_pct, reqstats_window_cpu_pct(&t));
  }
}

static void
close_period(World *w, SimTime end)
{
  Metrics *m = w->metrics;
  SimTime start = m->period_start;
  guint n = w->cfg->services->len;
  /* The minute that ends with the period is the period's (its tick,
   * scheduled later, would come after this one). */
  if (w->cfg->period > MINUTE && end % MINUTE == 0)
    close_minute(m, end);
  aggregate_sync(w, TRUE);
  /* Without keep_rows the rows' only reader is the sink, below. */
  if (!w->options.keep_rows)
    g_array_set_size(m->rows, 0);
  for (guint s = 0; s < n; s++)
    close_row(w, s, start, end);
  calls_close_period(w, start, end);
  m->period_start = end;
  if (w->options.sink.period != NULL)
    w->options.sink.period(w, &g_array_index(m->rows, PeriodRow,
                                             m->rows->len - n),
                           n, w->options.sink.data);
}

static void
on_tick(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Metrics *) model)->w;
  SimTime now = world_now(w);
  SimTime start = w->metrics->period_start;
  close_period(w, now);
  world_metric_published(w, start, now);
  SimTime next = now + w->cfg->period;
  if (next < w->horizon)
    sim_schedule_inline(engine, next, w->metrics->kind, NULL, 0);
}

/* Every minute from the run's start, while periods are longer. */
static void
on_minute(SimEngine *engine, gpointer model, gpointer payload)
{
  Metrics *m = model;
  SimTime now = world_now(m->w);
  close_minute(m, now);
  if (now + MINUTE < m->w->horizon)
    sim_schedule_inline(engine, now + MINUTE, m->minute_kind, NULL, 0);
}

void
metrics_init(World *w)
{
  static const SimEventKind tick = { "metrics.period", on_tick, NULL };
  static const SimEventKind minute = { "metrics.minute", on_minute, NULL };
  Metrics *m = w->metrics = g_new0(Metrics, 1);
  m->w = w;
  m->kind = sim_engine_register(w->engine, &tick, m);
  m->minute_kind = sim_engine_register(w->engine, &minute, m);
  m->rows = g_array_new(FALSE, TRUE, sizeof(PeriodRow));
  m->minutes = g_new(MinuteCpu, w->cfg->services->len);
  for (guint s = 0; s < w->cfg->services->len; s++)
    m->minutes[s] = (MinuteCpu){ .peak_pct = -1 };
  if (w->cfg->period < w->horizon)
    sim_schedule_inline(w->engine, w->cfg->period, m->kind, NULL, 0);
  if (w->cfg->period > MINUTE && MINUTE < w->horizon)
    sim_schedule_inline(w->engine, MINUTE, m->minute_kind, NULL, 0);
}

void
metrics_free(World *w)
{
  if (w->metrics == NULL)
    return;
  g_array_unref(w->metrics->rows);
  g_free(w->metrics->minutes);
  g_free(w->metrics);
  w->metrics = NULL;
}

void
metrics_finish(World *w)
{
  if (w->metrics->period_start < w->horizon)
    close_period(w, w->horizon);
}

guint
metrics_n_rows(const World *w)
{
  g_return_val_if_fail(w->options.keep_rows, 0);
  return w->metrics->rows->len;
}

guint
metrics_rows_held(const World *w)
{
  return w->metrics->rows->len;
}

void
metrics_utilisation(const World *w, double *cpu_pct, double *memory_pct)
{
  const Metrics *m = w->metrics;
  if (cpu_pct != NULL)
    *cpu_pct = m->weight > 0 ? m->cpu_sum / m->weight : 0.0;
  if (memory_pct != NULL)
    *memory_pct = m->weight > 0 ? m->memory_sum / m->weight : 0.0;
}

const PeriodRow *
metrics_row(const World *w, guint i)
{
  g_return_val_if_fail(w->options.keep_rows, NULL);
  return &g_array_index(w->metrics->rows, PeriodRow, i);
}
