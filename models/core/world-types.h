/* The World's name and the options it is built with: what the core
 * layer's headers need of a World without the function that builds one
 * (world.h, above every model, wires them together). */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef struct _World World;

/* Rows and events, declared in control/metrics.h and core/eventlog.h. */
struct _PeriodRow;
struct _LogEvent;

/* Where a run's per-period rows and control-plane events go as they are
 * produced, so that no output that grows with the horizon waits in memory
 * (the output layer's files: report.h's report_stream_new() fills it).
 * Either function may be NULL. */
typedef struct {
  /* A period closed: @rows are its @n rows, one per service in the
   * scenario's order; the call graph's rows of the same period are the
   * last calls_n_edges() of calls_row(). */
  void (*period)(World *w, const struct _PeriodRow *rows, guint n,
                 gpointer data);
  /* An event was logged. */
  void (*event)(World *w, const struct _LogEvent *e, gpointer data);
  gpointer data;
} WorldSink;

typedef struct {
  double traffic_scale;    /* multiplies every arrival rate (default 1) */
  gboolean aggregate;      /* the aggregate fidelity whatever the
                              scenario's "fidelity" (`ecsim compare`'s
                              search) */
  gboolean print_events;   /* write the event log as text while running */
  FILE *events_out;        /* where (default stdout) */
  /* Keep every period's rows in memory for metrics_row() and calls_row()
   * (and report_series()). Off, only the last period's are held: memory
   * then does not grow with the horizon. On when world_new() is given no
   * options (tests, benchmarks). */
  gboolean keep_rows;
  /* Keep every logged event in memory for eventlog_get(); off, events
   * only go to the sink. On when world_new() is given no options. */
  gboolean keep_events;
  WorldSink sink;          /* all NULL: rows and events go nowhere */
} WorldOptions;
