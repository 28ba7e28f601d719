/* `ecsim trace FILE` and `ecsim trace fit FILE`: check what traffic you
 * feed in, and fit a generator to a trace. */
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/input/input.h"
#include "models/experiments/trace-tools.h"

typedef struct {
  char *format;
  char *metric;
  char *interval;
  char *clock;
  char **gaps;
  gboolean lenient;
} TraceOptions;

/* "--gap AT+SKIP", e.g. 2381550s+296850s: the trace jumps in wall-clock
 * time at AT by SKIP. */
static gboolean
parse_gaps(char **texts, GArray *gaps, GError **error)
{
  for (char **g = texts; g && *g; g++) {
    g_auto(GStrv) parts = g_strsplit(*g, "+", 2);
    TraceGap gap;
    if (g_strv_length(parts) != 2 || !sim_time_parse(parts[0], &gap.at,
                                                     NULL) ||
        !sim_time_parse(parts[1], &gap.skip, NULL) || gap.skip <= 0) {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                  "--gap %s: expected AT+SKIP, e.g. 27d13h32m+3d10h27m",
                  *g);
      return FALSE;
    }
    g_array_append_val(gaps, gap);
  }
  return TRUE;
}

static gboolean
build_spec(const TraceOptions *o, TraceFileSpec *spec, GArray *gaps,
           GError **error)
{
  *spec = (TraceFileSpec){ .lenient = o->lenient, .metric = o->metric };
  if (o->format && !trace_tools_parse_format(o->format, &spec->format,
                                             error))
    return FALSE;
  if (o->interval && !sim_time_parse(o->interval, &spec->interval, error))
    return FALSE;
  if (o->clock) {
    if (!trace_tools_parse_clock(o->clock, &spec->clock_start, error))
      return FALSE;
    spec->clock_set = TRUE;
  }
  if (!parse_gaps(o->gaps, gaps, error))
    return FALSE;
  spec->gaps = (const TraceGap *) gaps->data;
  spec->n_gaps = gaps->len;
  return TRUE;
}

static const char trace_description[] =
  "ecsim trace FILE       prints a trace's summary: the format it was read "
  "as, its kind,\n                       duration, requests, mean and "
  "peak rate and percentiles\n                       of the rate.\n"
  "ecsim trace fit FILE   fits a diurnal + weekly profile and burstiness to "
  "the\n                       trace and prints the traffic generator JSON "
  "to paste into\n                       a scenario's workload (the "
  "format it was read as goes to\n                       standard error).\n\n"
  "Formats (--format): counts (numbers per --interval, like the per-second "
  "traces in\n../shared/traces), csv (time,rate rows, or \"time rate\"), "
  "timestamps (one request\nper line: seconds or ISO-8601), clf "
  "(Common/Combined Log Format), alb (ALB\naccess logs: a request at "
  "its request_creation_time), cloudwatch (aws "
  "cloudwatch get-metric-data or get-metric-statistics\nJSON of request "
  "counts per period; --metric NAME picks a series; a period\nwith no "
  "datapoint is 0 requests).\n\n"
  "Without --format the content decides (the first 1000 lines that are not "
  "blank\nor # comments):\n"
  "  cloudwatch  JSON with \"MetricDataResults\" or \"Datapoints\"\n"
  "  alb         lines start with a request type and an ISO-8601 time\n"
  "  clf         lines hold a [dd/Mon/yyyy:HH:MM:SS zone] date\n"
  "  timestamps  lines start with an ISO-8601 date; or one number per line, "
  "never\n              going down (in at most 1 step of 100), with fractions, "
  "or all\n              >= 1e8 (epoch seconds), or on 100 lines or more\n"
  "  csv         rows with commas (a header such as time,rps allowed; the "
  "time may\n              be ISO-8601 with a zone); or "
  "two\n              numbers per line on 3 lines or more, the first "
  "increasing\n"
  "  counts      a single line of numbers; three or more numbers on a line; "
  "one\n              column of whole numbers going up and down\n"
  "Anything else these rules cannot place (say 5 lines 1 2 3 4 5: counts or\n"
  "timestamps) is refused as ambiguous, naming the --format choices; the "
  "first\noutput line says which format was assumed and why.\n\n"
  "Examples:\n  ecsim trace access.log\n"
  "  ecsim trace fit workload.txt --interval 1s --clock \"sat 00:00\"";

int
cmd_trace(int argc, char **argv)
{
  TraceOptions o = { 0 };
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format,
      "counts, csv, cloudwatch, timestamps, clf or alb (default: detected "
      "from the content; see below)", "FORMAT" },
    { "metric", 0, 0, G_OPTION_ARG_STRING, &o.metric,
      "cloudwatch: the series to read (its Id, Label or Label/Statistic) "
      "when the file has several", "NAME" },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &o.interval,
      "Time each count covers (counts), or the bin width of rate "
      "statistics (default 1s; at most 2^24 bins over a log's or CSV's "
      "span)", "DURATION" },
    { "clock", 0, 0, G_OPTION_ARG_STRING, &o.clock,
      "Wall clock of the trace's start, e.g. \"sat 00:00\" or an ISO date "
      "(default: from the log's dates, else Monday 00:00)", "WHEN" },
    { "gap", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.gaps,
      "The trace jumps in wall-clock time: at AT, SKIP is missing "
      "(repeatable)", "AT+SKIP" },
    { "lenient", 0, 0, G_OPTION_ARG_NONE, &o.lenient,
      "Skip (and count) bad lines instead of failing", NULL },
    G_OPTION_ENTRY_NULL
  };
  gboolean parsed = cmd_parse_options(&argc, &argv, "[fit] FILE",
                                      "Summarise a traffic trace, or fit a "
                                      "generator to it.", trace_description,
                                      entries, NULL);
  gboolean fit = parsed && argc == 3 && strcmp(argv[1], "fit") == 0;
  if (parsed && argc != (fit ? 3 : 2))
    cmd_error("trace needs one FILE, or 'fit FILE' (see 'ecsim trace "
              "--help')");
  if (!parsed || argc != (fit ? 3 : 2)) {
    g_free(o.format);
    g_free(o.metric);
    g_free(o.interval);
    g_free(o.clock);
    g_strfreev(o.gaps);
    return EXIT_INPUT;
  }
  const char *path = argv[fit ? 2 : 1];
  g_autoptr(GArray) gaps = g_array_new(FALSE, FALSE, sizeof(TraceGap));
  g_autoptr(GError) error = NULL;
  TraceFileSpec spec;
  gboolean ok = build_spec(&o, &spec, gaps, &error) &&
                ((spec.notes = fit ? stderr : NULL), TRUE) &&
                (fit ? trace_tools_fit(path, &spec, stdout, &error)
                     : trace_tools_summary(path, &spec, stdout, &error));
  g_free(o.format);
  g_free(o.metric);
  g_free(o.interval);
  g_free(o.clock);
  g_strfreev(o.gaps);
  if (!ok) {
    fprintf(stderr, "%s\n", error->message);
    return cmd_status_for(error);
  }
  return 0;
}
