/* Internals shared by traffic*.c and trace-tools.c: not a public API.
 *
 * Every rate-driven kind of traffic is, at run time, a walk over segments
 * of the rate function: on each segment the rate is linear in time (a
 * constant being the common case), or a cosine piece bounded above and
 * below for thinning. Tables of knots (generators, traces, hourly
 * profiles) give linear segments; the diurnal cosine gives cosine
 * segments. The two-state MMPP and request logs are walked by the source
 * itself (traffic-source.c), since they need the random stream or the
 * file. */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "models/traffic/traffic.h"

typedef enum {
  TRAFFIC_TABLE,   /* constant, step, ramp, spike, hourly diurnal, traces */
  TRAFFIC_COSINE,  /* diurnal with peak_rps/peak_at */
  TRAFFIC_MMPP,    /* bursty */
  TRAFFIC_LOG,     /* request log replay */
} TrafficKind;

/* A rate function given by knots. Knot i is at time[i] (or i * step when
 * time is NULL, for counts) in table seconds, with rate[i]. Between knots
 * the rate is held (step) or interpolated (linear; equal knot times make
 * a jump). The last knot's rate holds until @end. Before the first knot
 * the rate is @before; after @end it is 0, or the table repeats with
 * period @end when @periodic (the first knot is then at 0). */
typedef struct {
  double *time;     /* n knot times, non-decreasing; NULL: i * step */
  double *rate;     /* n rates, requests/s, >= 0 */
  double step;      /* knot spacing when time is NULL */
  gsize n;          /* >= 1 */
  gboolean linear;
  gboolean periodic;
  double before;    /* rate before the first knot (non-periodic) */
  double end;       /* end of the last knot's hold; may be INFINITY */
} RateTable;

typedef struct _TrafficLog TrafficLog;

/* What a CloudWatch trace was read from (traffic-cloudwatch.c). */
typedef struct {
  char *name;          /* the series' name (cloudwatch_series_name()) */
  char *not_a_count;   /* why its values may not be request counts, or
                          NULL */
  double period_s;     /* seconds per datapoint */
  gsize missing;       /* periods without a datapoint: read as 0 */
  gint64 start_us;     /* its first timestamp, µs since the epoch */
} TrafficCwInfo;

struct _TrafficConfig {
  TrafficKind kind;
  double scale;         /* "scale" */
  double shift;         /* "shift", seconds */
  gboolean clocked;     /* pattern follows the wall clock (diurnal) */
  gboolean silent;      /* the rate is zero everywhere: no arrivals */
  gboolean recorded;    /* from a "trace" or "log" file, not a generator */
  guint64 skipped;      /* bad lines skipped under lenient parsing */
  RateTable table;      /* TRAFFIC_TABLE */
  /* TRAFFIC_COSINE: rate = weekly[day] * (mean + amp * cos(...)) */
  double mean, amp, peak_at; /* requests/s, requests/s, seconds of day */
  double weekly[7];     /* Monday first, mean 1; all 1 when not given */
  /* TRAFFIC_MMPP */
  double on_rps, off_rps, mean_on, mean_off; /* requests/s and seconds */
  /* "burstiness": a gamma factor of mean 1 redrawn every burst_interval
   * seconds of run time; burst_cv 0 means none */
  double burst_cv, burst_interval;
  TrafficLog *log;      /* TRAFFIC_LOG */
  gint64 log_period;    /* "after_end": "repeat" of a log: its length in
                           µs (last request + 1 s); 0: no repeat */
  TrafficCwInfo cw;     /* a CloudWatch trace's; zero otherwise */
};

/* Segment cursor: one piece of the (unscaled) rate function, in run
 * seconds. Linear pieces have rate r0 + slope * (t - t0); cosine pieces
 * have rate ca + cb * cos(omega * (t - cc)) and lie within [lo, hi]. */
typedef struct {
  double t0, t1;     /* t1 may be INFINITY */
  gboolean cosine;
  double r0, slope;
  double ca, cb, cc;
  double lo, hi;
  /* position, private to traffic-shape.c */
  gssize idx;        /* knot index, -1 before the first */
  double base;       /* run time of table time 0 in this period */
} TrafficSeg;

#define TRAFFIC_COSINE_SLICE 900.0 /* seconds per cosine segment */
#define TRAFFIC_DAY 86400.0
#define TRAFFIC_WEEK (7 * TRAFFIC_DAY)

/* traffic-shape.c: walking the segments of TABLE and COSINE configs.
 * @clock_offset in seconds. */
void traffic_seg_first(const TrafficConfig *cfg, double t,
                       double clock_offset, TrafficSeg *seg);
void traffic_seg_next(const TrafficConfig *cfg, TrafficSeg *seg);
/* The segment's rate at @t (within it). */
double traffic_seg_rate(const TrafficSeg *seg, double t);
/* Integral of the segment's rate over [a, b] (within it). */
double traffic_seg_mass(const TrafficSeg *seg, double a, double b);
/* Integral of @cfg's unscaled rate over [a, b) run seconds (not LOG). */
/* A burstiness factor: gamma of mean 1 and cv burst_cv. */
double traffic_burst_factor(const TrafficConfig *cfg, gsl_rng *rng);

double traffic_shape_integral(const TrafficConfig *cfg, double a, double b,
                              double clock_offset);
/* TRUE when the table's rates are all zero (and so is @before). */
gboolean rate_table_is_zero(const RateTable *t);
void rate_table_clear(RateTable *t);

/* traffic-trace.c: rate traces. @display names the
 * file in messages. On success the table is filled (time 0 = first row or
 * first count) and *@skipped counts lines skipped under @lenient. */
gboolean traffic_read_csv(const char *path, const char *display,
                          gboolean lenient, gboolean linear, RateTable *t,
                          guint64 *skipped, GError **error);
/* traffic-cloudwatch.c: the series @metric (NULL: the only one) of the
 * CloudWatch JSON at @path as a step table, one knot per period from its
 * first timestamp (time 0), rate = count / period, 0 in a period with
 * no datapoint. @period_us: the period, or 0 for the series' smallest
 * gap. Fills @info (clear it with traffic_cw_info_clear()). Errors: the
 * reader's (file and JSON path), no such series (naming those there),
 * one datapoint and no period, a period that does not divide a gap, a
 * negative value. */
gboolean traffic_read_cloudwatch(const char *path, const char *display,
                                 const char *metric, gint64 period_us,
                                 RateTable *t, TrafficCwInfo *info,
                                 GError **error);
void traffic_cw_info_clear(TrafficCwInfo *info);
/* traffic-counts.c: counts per interval, streamed. */
gboolean traffic_read_counts(const char *path, const char *display,
                             double interval, gboolean lenient,
                             RateTable *t, guint64 *skipped,
                             GError **error);
typedef void (*TrafficCountFunc)(double count, gpointer data);
/* Calls @fn with each count of the counts file @path in order, reading it
 * in fixed blocks (memory does not grow with the file; under @lenient a
 * line's counts wait until the line is known good). Sets *@counts to the
 * number passed and *@skipped to the bad lines skipped. Returns FALSE and
 * sets @error ("FILE:LINE: reason") on a bad count or a NUL byte unless
 * @lenient, or when there are no counts; @fn may have been called. */
gboolean traffic_counts_scan(const char *path, const char *display,
                             gboolean lenient, TrafficCountFunc fn,
                             gpointer data, guint64 *counts,
                             guint64 *skipped, GError **error);
/* traffic-detect.c: what a trace file's content looks like. */
typedef struct {
  TraceFormat format; /* the format the content shows */
  TraceFormat rival;  /* AUTO, or a second format it fits as well */
  const char *rule;   /* the rule that decided, for messages (static) */
  gboolean column;    /* plain numbers, one per line */
} TraceGuess;

/* Guesses the format of @path from a sample of its lines (the rules are
 * in scenarios/REFERENCE.md, "Trace formats"). Returns FALSE and sets
 * @error for an empty file, a NUL byte, or a first line it cannot place;
 * an ambiguous file is not an error here: @g->rival says so. */
gboolean traffic_guess_format(const char *path, const char *display,
                              TraceGuess *g, GError **error);
/* The format a scenario's "trace" (@want_log FALSE) or "log" file is
 * read as: traffic_guess_format()'s, with the family breaking ties and
 * a column of plain numbers being a log's timestamps. */
gboolean traffic_detect_format(const char *path, const char *display,
                               gboolean want_log, TraceFormat *out,
                               GError **error);
/* "counts", "csv", ... for TRACE_FORMAT_*; "auto" for AUTO. */
const char *traffic_format_name(TraceFormat f);

/* traffic-log.c: request logs. */
typedef struct {
  gint64 us;       /* request time, microseconds from the log's origin */
  gint64 local_us; /* wall-clock local time, microseconds since
                      1970-01-01 00:00 local, when has_wall */
  gboolean has_wall;
} LogRecord;

/* traffic-log-stamp.c: one line's stamps. */
#define STAMP_TEXT_MAX 64
typedef struct {
  gint64 utc;      /* arrival, µs in the file's scale (epoch for dated
                      stamps) */
  gint64 local;    /* local wall-clock µs when has_wall */
  gboolean has_wall;
  const char *text; /* the arrival stamp as written, within the line */
  int text_len;
  gint64 key;      /* the time the file is ordered by: an ALB line's
                      `time` (its response), else utc */
  const char *key_text;
  int key_text_len;
} LogStamp;

typedef enum { LINE_RECORD, LINE_IGNORE, LINE_BAD } LineKind;
/* Reads the stamps of one line of a @format log (an ALB line's arrival
 * is its request_creation_time, its 22nd field, when it has one; else its
 * time); @st's texts point into @line. LINE_IGNORE for blank lines and
 * comments; LINE_BAD with a static reason in @why (may be NULL). */
LineKind traffic_log_parse_line(TraceFormat format, const char *line,
                                LogStamp *st, const char **why);

/* Reads and checks the whole log at @path. @start (microseconds in the
 * file's own scale: epoch for dated formats) becomes time 0 when
 * @has_start, else the first record does. Returns NULL and sets @error
 * ("FILE:LINE: reason") on a bad line unless @lenient. */
TrafficLog *traffic_log_open(const char *path, const char *display,
                             TraceFormat format, gboolean lenient,
                             gboolean has_start, gint64 start,
                             GError **error);
void traffic_log_free(TrafficLog *log);
guint64 traffic_log_skipped(const TrafficLog *log);
guint64 traffic_log_records(const TrafficLog *log);
/* Time of the last record, microseconds from the origin. */
gint64 traffic_log_last(const TrafficLog *log);
/* Wall-clock local time of the origin (microseconds since 1970-01-01
 * local); FALSE when the log's timestamps carry no date. */
gboolean traffic_log_origin_wall(const TrafficLog *log, gint64 *local_us);
/* Number of records with origin-relative time in [@from, @to) µs;
 * records before the origin (time 0) never count. */
guint64 traffic_log_count(const TrafficLog *log, gint64 from, gint64 to);
/* Parses a "start" value: seconds (in the log's own scale), ISO-8601 or a
 * CLF date, to microseconds. FALSE when it is none of these. */
gboolean traffic_log_parse_stamp(const char *text, gint64 *us);

/* Streaming reader over a checked log, in arrival order: its memory is
 * the requests of the log's reordering window (none for formats other
 * than alb; an ALB log's longest look-back, seconds in practice), not the
 * log's length. Yields the same records the check accepted. */
typedef struct _TrafficLogReader TrafficLogReader;
/* Starts at the first record whose time is >= @from µs. */
TrafficLogReader *traffic_log_reader_new(const TrafficLog *log, gint64 from);
/* Goes back to the log's first record (time >= 0), keeping its memory. */
void traffic_log_reader_rewind(TrafficLogReader *r);
void traffic_log_reader_free(TrafficLogReader *r);
/* Next record; FALSE at the end. */
gboolean traffic_log_reader_next(TrafficLogReader *r, LogRecord *rec);

/* JSON keys every kind accepts, and every rate kind. */
#define COMMON_KEYS "scale", "shift"
#define RATE_KEYS COMMON_KEYS, "burstiness"

/* traffic.c: reads "scale", "shift" and "burstiness" of @n into @cfg. */
gboolean traffic_parse_common(const JNode *n, TrafficConfig *cfg,
                              GError **error);
/* traffic-generators.c: a {"generator": ...} object (kind already
 * known to be a generator). */
gboolean traffic_parse_generator(const JNode *n, TrafficConfig *cfg,
                                 GError **error);

/* traffic.c: a config straight from a file, for `ecsim trace`: a rate
 * trace (TABLE) or a log (LOG). @interval in seconds for counts. A
 * CloudWatch file gives its only series (an error naming them when it
 * has several). */
TrafficConfig *traffic_config_new_from_file(const char *path,
                                            TraceFormat format,
                                            double interval,
                                            gboolean lenient,
                                            GError **error);
/* The same for a CloudWatch file: its series @metric (NULL: the only
 * one). */
TrafficConfig *traffic_config_new_from_cloudwatch(const char *path,
                                                  const char *metric,
                                                  GError **error);
