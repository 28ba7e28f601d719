/* `ecsim trace`: summaries of traffic traces and fitted generators.
 *
 * Reads the same files a scenario's traffic may name (counts per
 * interval, CSV "time,rate", request logs) and either describes them or
 * fits a "diurnal" generator (hourly and weekly profile plus burstiness)
 * whose JSON can replace the trace in a scenario. */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "models/traffic/traffic.h"
#include "sim/time.h"


/* A place where a trace's wall clock jumps: data recorded on both sides,
 * time missing between (a trace spliced from two logs). */
typedef struct {
  SimTime at;   /* trace time (from the trace's start) of the first sample
                   after the jump */
  SimTime skip; /* wall-clock time missing there; > 0 */
} TraceGap;

/* How to read a trace file. Zero-initialised means: detect the format,
 * 1 s intervals, strict, wall clock from the log or Monday 00:00. */
typedef struct {
  TraceFormat format; /* AUTO detects it from the content, by the rules
                         of scenarios/REFERENCE.md ("Trace formats"), and
                         refuses a file they cannot place */
  SimTime interval;   /* counts: time each number covers; CSV and logs:
                         the bin width of rate statistics. 0: 1 s for
                         counts and logs, the rows' spacing for CSV */
  gboolean lenient;   /* skip bad lines (counted) instead of failing */
  gboolean clock_set; /* clock_start is given */
  SimTime clock_start; /* wall-clock time of the trace's start as an offset
                          from Monday 00:00 (what "weekly" and "hourly"
                          refer to). Unset: from the log's dates when it
                          has them, else Monday 00:00 */
  const TraceGap *gaps; /* lent; sorted by at; may be NULL */
  gsize n_gaps;
  const char *metric; /* cloudwatch: the series (cloudwatch_find());
                         NULL: the only one */
  FILE *notes;        /* trace_tools_fit() says here which format it read
                         the file as (the summary says it in its first
                         line); NULL: nowhere */
} TraceFileSpec;

/* Parses a format name ("counts", "csv", "timestamps", "clf", "alb",
 * "cloudwatch",
 * "auto"). Returns FALSE and sets @error on anything else. */
gboolean trace_tools_parse_format(const char *name, TraceFormat *out,
                                  GError **error);

/* Parses a wall-clock start for TraceFileSpec.clock_start: a weekday
 * ("sat", "Saturday") optionally followed by a time ("sat 06:30",
 * "sat 06:30:15"), or an ISO-8601 date/time ("1995-07-01",
 * "1995-07-01T00:00:00"; its local time). Returns FALSE and sets @error on
 * anything else. */
gboolean trace_tools_parse_clock(const char *text, SimTime *out,
                                 GError **error);

/* Writes a summary of the trace at @path to @out: the format it was read
 * as (first line: given, or detected and by which rule), kind, duration,
 * requests (total implied by rates), mean and peak rate, percentiles of
 * the per-interval rate and skipped lines. Returns FALSE and sets @error
 * ("FILE:LINE: reason", ECSIM_INPUT_ERROR) when the file is bad. */
gboolean trace_tools_summary(const char *path, const TraceFileSpec *spec,
                             FILE *out, GError **error);

/* Fits a diurnal generator (mean_rps, 24 hourly factors, 7 weekly factors
 * Monday first, burstiness) to the trace at @path and writes its JSON
 * object to @out. The generator reproduces the trace's average rate per
 * hour of day and day of week when run with clock_offset = the trace's
 * clock start. Errors as trace_tools_summary(). */
gboolean trace_tools_fit(const char *path, const TraceFileSpec *spec,
                         FILE *out, GError **error);
