/* The time series as JSON, for sweeps: a compact subset of
 * timeseries.csv's columns that a sweep keeps for every run. */
#include <math.h>

#include "models/capacity/cost.h"
#include "models/control/metrics.h"
#include "models/output/report.h"
#include "models/config/scenario.h"
#include "models/core/world-private.h"

const char *const report_series_columns[REPORT_SERIES_N_COLUMNS] = {
  "time_s", "service", "rps", "p50_ms", "p99_ms", "errors", "running",
  "desired", "cpu_pct", "cost_usd",
};

/* A number rounded to @unit, or null for NAN. */
static cJSON *
num(double v, double unit)
{
  if (isnan(v) || isinf(v))
    return cJSON_CreateNull();
  double r = round(v / unit) * unit;
  return cJSON_CreateNumber(r == 0 ? 0.0 : r);
}

static cJSON *
series_row(World *w, const PeriodRow *r)
{
  cJSON *row = cJSON_CreateArray();
  double secs = sim_time_to_seconds(r->end - r->start);
  guint64 errors = 0;
  for (int k = REQ_NO_TARGET; k < REQ_N_OUTCOMES; k++)
    errors += r->outcomes[k];
  const ServiceConfig *svc = w->cfg->services->pdata[r->service];
  cJSON_AddItemToArray(row, num(sim_time_to_seconds(r->end), 1e-3));
  cJSON_AddItemToArray(row, cJSON_CreateString(svc->name));
  cJSON_AddItemToArray(row, num(secs > 0 ? r->arrivals / secs : 0.0, 1e-3));
  cJSON_AddItemToArray(row, num(r->p50_ms, 1e-3));
  cJSON_AddItemToArray(row, num(r->p99_ms, 1e-3));
  cJSON_AddItemToArray(row, cJSON_CreateNumber((double) errors));
  cJSON_AddItemToArray(row, cJSON_CreateNumber(r->running));
  cJSON_AddItemToArray(row, cJSON_CreateNumber(r->desired));
  cJSON_AddItemToArray(row, num(r->cpu_pct, 1e-3));
  cJSON_AddItemToArray(row, num(r->cost_usd + cost_commitment_delta(w,
                                                                   r->end),
                                1e-6));
  return row;
}

cJSON *
report_series(World *w)
{
  cJSON *root = cJSON_CreateObject();
  cJSON *cols = cJSON_AddArrayToObject(root, "columns");
  for (gsize i = 0; i < G_N_ELEMENTS(report_series_columns); i++)
    cJSON_AddItemToArray(cols, cJSON_CreateString(report_series_columns[i]));
  cJSON *rows = cJSON_AddArrayToObject(root, "rows");
  for (guint i = 0; i < metrics_n_rows(w); i++)
    cJSON_AddItemToArray(rows, series_row(w, metrics_row(w, i)));
  return root;
}
