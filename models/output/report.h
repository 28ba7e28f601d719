/* The outputs of a finished run (DESIGN.md, "Outputs").
 *
 * A ReportStream writes, into one folder:
 *   summary.json    documented, versioned ("schema": "ecsim-summary/1"),
 *                   byte-identical for the same scenario and seed
 *   timeseries.csv  one row per period and service, written as each
 *                   period closes
 *   tasks.csv       every task's lifecycle spans
 *   instances.csv   every container instance
 *   events.jsonl    the control-plane event log, written as it goes
 *   timing.json     wall-clock figures (events/s): the only output that
 *                   differs from run to run
 *   manifest.json   which run this is (run-manifest.h)
 * The folder is written aside and moved into place whole, so a failed or
 * interrupted run leaves neither a half-written file nor a mix of two
 * runs' files; and as nothing that grows with the horizon waits in
 * memory, a year at a 10 s period runs in the memory of a day. */
#pragma once

#include <cjson/cJSON.h>
#include <stdio.h>

#include "models/world/world.h"

#define REPORT_SCHEMA "ecsim-summary/1"

/* The summary of a finished world as JSON (a new tree). */
cJSON *report_summary(World *w);

typedef struct _ReportStream ReportStream;

/* Begins the outputs of one run into @dir (its parent is created if
 * needed): opens a hidden temporary folder beside it (outdir.h) with
 * timeseries.csv and events.jsonl, and sets @options->sink so that the
 * World built with @options writes its rows and events there as they
 * are produced. Free the World before the stream. Returns NULL and sets
 * @error when the folder cannot be created. */
ReportStream *report_stream_new(const char *dir, WorldOptions *options,
                                GError **error);

/* After @w (built with the stream's options) ran to its horizon: writes
 * the other outputs, and @manifest (may be NULL) as manifest.json, then
 * moves the folder into place, replacing @dir whole. Call at most once.
 * Returns FALSE and sets @error (naming @dir, not the hidden folder) when
 * anything cannot be written; @dir is then as it was. */
gboolean report_stream_commit(ReportStream *s, World *w,
                              const cJSON *manifest, GError **error);

/* Frees @s; outputs not committed are removed, @dir left as it was.
 * Accepts NULL. */
void report_stream_free(ReportStream *s);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ReportStream, report_stream_free)

/* Prints the human summary (fits 80 columns) of @summary (from
 * report_summary()), with @timing (may be NULL) and the output folder
 * @dir (may be NULL). */
void report_print(const cJSON *summary, const cJSON *timing,
                  const char *dir, FILE *out);

/* Wall-clock figures of the run: events, events/s, wall seconds. */
cJSON *report_timing(World *w);

/* The per-period series that sweeps keep (a new tree), of a World built
 * with WorldOptions.keep_rows:
 * {"columns": ["time_s", "service", "rps", "p50_ms", "p99_ms", "errors",
 * "running", "desired", "cpu_pct", "cost_usd"], "rows": [[...], ...]},
 * one row per period and service as in timeseries.csv (time_s is the
 * period's end; latencies are null in a period with no completion). */
cJSON *report_series(World *w);

/* The columns of report_series(), in order (the sweep database's series
 * table has the same). */
#define REPORT_SERIES_N_COLUMNS 10
extern const char *const report_series_columns[REPORT_SERIES_N_COLUMNS];
