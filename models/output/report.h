/* The outputs of a finished run (DESIGN.md, "Outputs").
 *
 * report_write() writes, into one folder:
 *   summary.json    documented, versioned ("schema": "ecsim-summary/1"),
 *                   byte-identical for the same scenario and seed
 *   timeseries.csv  one row per period and service
 *   tasks.csv       every task's lifecycle spans
 *   instances.csv   every container instance
 *   events.jsonl    the control-plane event log
 *   timing.json     wall-clock figures (events/s): the only output that
 *                   differs from run to run
 *   manifest.json   which run this is (run-manifest.h)
 * The folder is written aside and moved into place whole, so a failed run
 * leaves neither a half-written file nor a mix of two runs' files. */
#pragma once

#include <cjson/cJSON.h>
#include <stdio.h>

#include "models/world/world.h"

#define REPORT_SCHEMA "ecsim-summary/1"

/* The summary of a finished world as JSON (a new tree). */
cJSON *report_summary(World *w);

/* Writes every output, and @manifest (may be NULL) as manifest.json,
 * into @dir (its parent is created if needed), replacing the folder
 * whole: into a hidden temporary folder first, moved into place as the
 * last step (outdir.h). Returns FALSE and sets @error when anything
 * cannot be written; @dir is then as it was. */
gboolean report_write(World *w, const char *dir, const cJSON *manifest,
                      GError **error);

/* Prints the human summary (fits 80 columns) of @summary (from
 * report_summary()), with @timing (may be NULL) and the output folder
 * @dir (may be NULL). */
void report_print(const cJSON *summary, const cJSON *timing,
                  const char *dir, FILE *out);

/* Wall-clock figures of the run: events, events/s, wall seconds. */
cJSON *report_timing(World *w);

/* The per-period series that sweeps keep (a new tree):
 * {"columns": ["time_s", "service", "rps", "p50_ms", "p99_ms", "errors",
 * "running", "desired", "cpu_pct", "cost_usd"], "rows": [[...], ...]},
 * one row per period and service as in timeseries.csv (time_s is the
 * period's end; latencies are null in a period with no completion). */
cJSON *report_series(World *w);

/* The columns of report_series(), in order (the sweep database's series
 * table has the same). */
#define REPORT_SERIES_N_COLUMNS 10
extern const char *const report_series_columns[REPORT_SERIES_N_COLUMNS];
