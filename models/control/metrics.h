/* Per-period time series and whole-run request figures.
 *
 * Every `period` (60 s by default) each service gets one row: arrivals,
 * completions, errors by kind, latency percentiles of the requests that
 * completed in the period, mean requests in flight, CPU and memory
 * utilisation (the period's and its busiest minute's CPU),
 * desired/running/pending tasks, registered instances and the cost so
 * far. The last row covers the part-period up to the horizon.
 *
 * Each period's rows go to the World's sink (WorldOptions.sink) as the
 * period closes. Only with WorldOptions.keep_rows does the World keep them
 * all (metrics_row()); otherwise it holds the last period's alone, so a
 * year at a 10 s period needs no more memory than an hour. Figures over
 * the whole run (metrics_utilisation()) are accumulated as rows close. */
#pragma once

#include "models/core/reqstats.h"
#include "models/core/world-private.h"

typedef struct _PeriodRow {
  SimTime start, end;
  guint32 service;
  guint64 arrivals;
  guint64 outcomes[REQ_N_OUTCOMES]; /* [REQ_OK] = completed */
  double p50_ms, p90_ms, p99_ms, p999_ms, mean_ms; /* NAN: none */
  double in_flight;                 /* time-weighted mean */
  guint64 started;                  /* requests that began service */
  guint64 waited;                   /* of the arrivals, those queued */
  double mean_wait_ms;              /* queue wait of those started */
  double cpu_pct;                   /* busy slot-time / slot-time (a
                                       share-only EC2 task counts CPU
                                       used / reserved: may pass 100) */
  double cpu_peak_pct;              /* the busiest minute's cpu_pct:
                                       whole minutes of the run's clock
                                       that end in the period, and the
                                       period itself */
  double memory_pct;
  int desired, running, pending;
  int instances;                    /* registered container instances */
  double cost_usd;                  /* whole run so far, all services */
} PeriodRow;

void metrics_init(World *w);
void metrics_free(World *w);
/* Closes the last (possibly partial) period at the horizon. */
void metrics_finish(World *w);

/* Memory utilisation (%) of @running tasks of @service holding
 * @in_flight requests on average: base memory plus per-request memory
 * over the task memory. */
double metrics_memory_pct(World *w, guint32 service, int running,
                          double in_flight);

/* Every row so far, by period then service: only with
 * WorldOptions.keep_rows (a programming error otherwise). */
guint metrics_n_rows(const World *w);
const PeriodRow *metrics_row(const World *w, guint i);

/* Rows held in memory now: all of them with keep_rows, else at most one
 * period's (one per service). Never fails. */
guint metrics_rows_held(const World *w);

/* The run's mean CPU and memory utilisation (%) over the closed periods,
 * weighted by running task-seconds (0 when no task ran): the summary's
 * capacity.mean_cpu_pct and mean_memory_pct. Either may be NULL. */
void metrics_utilisation(const World *w, double *cpu_pct,
                         double *memory_pct);
