/* Internals of trace-tools*.c: a trace read into equal bins. */
#pragma once

#include "models/experiments/trace-tools.h"
#include "models/traffic/traffic-private.h"

/* Logs and CSV traces are binned over their whole span; past this many
 * bins (194 days at 1 s, 128 MiB of rates) `ecsim trace` asks for a
 * coarser --interval rather than allocate bins for an empty span. */
#define TRACE_BINS_MAX (1 << 24)

typedef struct {
  const char *path;   /* lent: the file */
  gboolean lenient;   /* as the spec said */
  TrafficConfig *cfg; /* the trace as read; NULL for counts (streamed) */
  TraceFormat format; /* as read: given or detected */
  const char *rule;   /* the detection rule that chose it; NULL if given */
  double *rate;       /* n per-bin mean rates, requests/s; NULL for
                         counts: see trace_bins_foreach() */
  GHashTable *hist;   /* counts: rate (gint64 bits of the double) ->
                         bins (guint64 *) */
  double peak;        /* counts: the highest bin rate */
  guint64 skipped;    /* bad lines skipped (lenient) */
  gboolean own_rate;  /* rate is ours, not borrowed from cfg's table */
  gsize n;
  double bin;         /* bin width, seconds */
  double duration;    /* seconds covered; the last bin may be partial */
  double total;       /* requests in the trace (implied by the rates) */
  double clock_start; /* wall clock of bin 0: seconds after Monday 00:00 */
} TraceBins;

/* Reads @path as @spec says into bins. Returns FALSE and sets @error
 * when the file is bad. */
gboolean trace_bins_load(const char *path, const TraceFileSpec *spec,
                         TraceBins *b, GError **error);
void trace_bins_clear(TraceBins *b);

/* Calls @fn on each bin in order: index, rate (requests/s) and width
 * (seconds; the last may be partial). Counts are read from the file again
 * (memory stays constant), so this can fail: FALSE with @error. */
typedef void (*TraceBinFunc)(gsize i, double rate, double width,
                             gpointer data);
gboolean trace_bins_foreach(const TraceBins *b, TraceBinFunc fn,
                            gpointer data, GError **error);

/* "counts (detected: ...)" or "counts (--format)": which format @b was
 * read as, and why. Returns @buf. */
const char *trace_bins_format_note(const TraceBins *b, char *buf,
                                   gsize size);

/* Wall-clock seconds after Monday 00:00 (of some week) of trace time @t,
 * allowing for @spec's gaps. */
double trace_bins_wall(const TraceBins *b, const TraceFileSpec *spec,
                       double t);
