/* `ecsim trace`: reading any trace into equal bins, and its summary. */
#include "models/experiments/trace-tools-private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"

gboolean
trace_tools_parse_format(const char *name, TraceFormat *out, GError **error)
{
  static const char *const names[] = { "auto", "counts", "csv", "timestamps",
                                       "clf", "alb", "cloudwatch", NULL };
  for (int i = 0; names[i]; i++) {
    if (g_ascii_strcasecmp(name, names[i]) == 0) {
      *out = (TraceFormat) i;
      return TRUE;
    }
  }
  const char *hint = input_suggest(name, names);
  input_error(error, "--format", "must be one of counts, csv, cloudwatch, "
              "timestamps, clf, alb or auto, got '%s'%s%s%s", name,
              hint ? "; did you mean '" : "", hint ? hint : "",
              hint ? "'?" : "");
  return FALSE;
}

/* Seconds after Monday 00:00 of days since 1970-01-01 (a Thursday). */
static double
week_offset_of_day(gint64 days)
{
  return (double) (((days + 3) % 7 + 7) % 7) * TRAFFIC_DAY;
}

/* "HH:MM[:SS]" at @s after blanks; an empty @s is midnight. */
static gboolean
parse_time_of_day(const char *s, double *out)
{
  int h = 0, m = 0, sec = 0, used = 0;
  while (g_ascii_isspace(*s))
    s++;
  if (*s == '\0') {
    *out = 0;
    return TRUE;
  }
  if (sscanf(s, "%2d:%2d%n:%2d%n", &h, &m, &used, &sec, &used) < 2 ||
      s[used] != '\0' || h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 ||
      sec < 0)
    return FALSE;
  *out = h * 3600.0 + m * 60.0 + sec;
  return TRUE;
}

gboolean
trace_tools_parse_clock(const char *text, SimTime *out, GError **error)
{
  static const char *const days[] = { "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday" };
  double tod;
  gint64 us;
  for (int d = 0; d < 7; d++) {
    gsize n = strcspn(text, " \t");
    if (n >= 3 && n <= strlen(days[d]) &&
        g_ascii_strncasecmp(text, days[d], n) == 0 &&
        parse_time_of_day(text + n, &tod)) {
      *out = sim_time_from_seconds(d * TRAFFIC_DAY + tod);
      return TRUE;
    }
  }
  /* An ISO date: its local time, whatever zone it names. */
  g_autofree char *date = g_strdup_printf("%s%s", text,
                                          strlen(text) == 10 ? "T00:00" : "");
  if (strlen(text) >= 10 && traffic_log_parse_stamp(date, &us)) {
    g_autofree char *local = g_strndup(date, 19);
    traffic_log_parse_stamp(local, &us);
    gint64 secs = us / G_USEC_PER_SEC, day = secs / 86400;
    *out = sim_time_from_seconds(week_offset_of_day(day) +
                                 (double) (secs - day * 86400));
    return TRUE;
  }
  input_error(error, "--start", "must be a weekday and time (\"sat\", "
              "\"sat 06:30\") or an ISO-8601 date, got '%s'", text);
  return FALSE;
}

/* Sets @error unless @n bins of @bin seconds are within TRACE_BINS_MAX:
 * logs and CSV rows are binned over their whole span, and two records
 * years apart must not ask for gigabytes of empty bins. */
static gboolean
check_bins(const TraceBins *b, double n, GError **error)
{
  if (n <= TRACE_BINS_MAX) /* FALSE for NaN too */
    return TRUE;
  double span = n * b->bin, need = ceil(span / TRACE_BINS_MAX);
  char iv[SIM_TIME_FORMAT_MAX];
  if (need < 1e12)
    sim_time_format(sim_time_from_seconds(need), iv);
  else
    g_snprintf(iv, sizeof iv, "%.3gs", need);
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "%s: spans %.6g s, %.3g bins of %g s: more than the %d bins "
              "ecsim trace takes; give --interval %s or more", b->path,
              span, n, b->bin, TRACE_BINS_MAX, iv);
  return FALSE;
}

/* Bins of a log: request counts per bin from its first record. */
static gboolean
bin_log(TraceBins *b, GError **error)
{
  const TrafficLog *log = b->cfg->log;
  gint64 last = traffic_log_last(log);
  double n = floor((double) last / 1e6 / b->bin) + 1;
  if (!check_bins(b, n, error))
    return FALSE;
  b->n = (gsize) n;
  b->duration = (double) b->n * b->bin;
  b->rate = g_new0(double, b->n);
  b->own_rate = TRUE;
  TrafficLogReader *r = traffic_log_reader_new(log, 0);
  LogRecord rec;
  while (traffic_log_reader_next(r, &rec))
    b->rate[MIN((gsize) ((double) rec.us / 1e6 / b->bin), b->n - 1)] += 1;
  traffic_log_reader_free(r);
  for (gsize i = 0; i < b->n; i++)
    b->rate[i] /= b->bin;
  b->total = (double) traffic_log_records(log);
  return TRUE;
}

static int
compare_doubles(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* Bins of a CSV trace: the mean rate over each bin. */
static gboolean
bin_csv(TraceBins *b, double interval, GError **error)
{
  const RateTable *t = &b->cfg->table;
  if (interval <= 0) { /* the median spacing of the rows */
    double *gaps = g_new(double, t->n - 1);
    for (gsize i = 0; i + 1 < t->n; i++)
      gaps[i] = t->time[i + 1] - t->time[i];
    qsort(gaps, t->n - 1, sizeof(double), compare_doubles);
    interval = gaps[(t->n - 1) / 2];
    g_free(gaps);
  }
  b->bin = interval;
  b->duration = t->end;
  double n = ceil(t->end / interval - 1e-9);
  if (!check_bins(b, n, error))
    return FALSE;
  b->n = (gsize) n;
  b->rate = g_new0(double, b->n);
  b->own_rate = TRUE;
  for (gsize i = 0; i < b->n; i++) {
    double a = (double) i * interval, e = MIN(a + interval, t->end);
    b->rate[i] = traffic_shape_integral(b->cfg, a, e, 0) / (e - a);
    b->total += b->rate[i] * (e - a);
  }
  return TRUE;
}

/* What each format is, for the message about an ambiguous file. */
static const char *
format_gloss(TraceFormat f)
{
  switch (f) {
  case TRACE_FORMAT_COUNTS:
    return "counts (numbers per interval)";
  case TRACE_FORMAT_CSV:
    return "csv (time, rate rows)";
  case TRACE_FORMAT_TIMESTAMPS:
    return "timestamps (one request per line)";
  default:
    return traffic_format_name(f);
  }
}

/* The format @spec gives, or the one the content shows; an ambiguous file
 * is refused rather than guessed: a wrong guess gives absurd figures. */
static gboolean
resolve_format(const char *path, const TraceFileSpec *spec, TraceBins *b,
               GError **error)
{
  b->format = spec->format;
  if (b->format != TRACE_FORMAT_AUTO)
    return TRUE;
  TraceGuess g;
  if (!traffic_guess_format(path, path, &g, error))
    return FALSE;
  if (g.rival != TRACE_FORMAT_AUTO) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: ambiguous (%s): it reads as %s or as %s; give "
                "--format %s or --format %s", path, g.rule,
                format_gloss(g.format), format_gloss(g.rival),
                traffic_format_name(g.format), traffic_format_name(g.rival));
    return FALSE;
  }
  b->format = g.format;
  b->rule = g.rule;
  return TRUE;
}

const char *
trace_bins_format_note(const TraceBins *b, char *buf, gsize size)
{
  if (b->rule)
    g_snprintf(buf, size, "%s (detected: %s)", traffic_format_name(b->format),
               b->rule);
  else
    g_snprintf(buf, size, "%s (--format)", traffic_format_name(b->format));
  return buf;
}

/* Exact percentiles of counts need their distribution, not the counts:
 * a table of distinct rates and how many bins have each. Counts are
 * mostly whole numbers, so it stays small; past HIST_EXACT distinct rates
 * new ones are rounded to the 4 significant digits the summary prints. */
#define HIST_EXACT (1 << 20)

static void
hist_add(GHashTable *h, double x)
{
  if (x > 0 && g_hash_table_size(h) >= HIST_EXACT) {
    double m = pow(10, floor(log10(x)) - 3);
    x = round(x / m) * m;
  }
  gint64 key;
  memcpy(&key, &x, sizeof key);
  guint64 *bins = g_hash_table_lookup(h, &key);
  if (bins == NULL) {
    bins = g_new0(guint64, 1);
    g_hash_table_insert(h, g_memdup2(&key, sizeof key), bins);
  }
  (*bins)++;
}

typedef struct {
  TraceBins *b;
  double per;     /* 1 / bin */
  TraceBinFunc fn;
  gpointer data;
  gsize i;
} CountWalk;

static void
count_stats(double count, gpointer data)
{
  CountWalk *w = data;
  double r = count * w->per;
  w->b->total += count;
  w->b->peak = MAX(w->b->peak, r);
  hist_add(w->b->hist, r);
}

/* Counts are not kept: one pass now for the figures the summary needs,
 * and trace_bins_foreach() reads the file again for the fit. */
static gboolean
load_counts(const char *path, const TraceFileSpec *spec, TraceBins *b,
            GError **error)
{
  double interval = sim_time_to_seconds(spec->interval);
  b->bin = interval > 0 ? interval : 1.0;
  b->hist = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                  g_free);
  CountWalk w = { b, 1.0 / b->bin, NULL, NULL, 0 };
  guint64 n;
  if (!traffic_counts_scan(path, path, spec->lenient, count_stats, &w, &n,
                           &b->skipped, error)) {
    trace_bins_clear(b);
    return FALSE;
  }
  b->n = n;
  b->duration = (double) n * b->bin;
  return TRUE;
}

static void
count_walk(double count, gpointer data)
{
  CountWalk *w = data;
  if (w->i < w->b->n)
    w->fn(w->i, count * w->per, w->b->bin, w->data);
  w->i++;
}

gboolean
trace_bins_foreach(const TraceBins *b, TraceBinFunc fn, gpointer data,
                   GError **error)
{
  if (b->rate != NULL) {
    for (gsize i = 0; i < b->n; i++) {
      double t = (double) i * b->bin;
      fn(i, b->rate[i], MIN(b->bin, b->duration - t), data);
    }
    return TRUE;
  }
  CountWalk w = { (TraceBins *) b, 1.0 / b->bin, fn, data, 0 };
  guint64 n, skipped;
  if (!traffic_counts_scan(b->path, b->path, b->lenient, count_walk, &w,
                           &n, &skipped, error))
    return FALSE;
  if (n != b->n) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: changed while being read", b->path);
    return FALSE;
  }
  return TRUE;
}

gboolean
trace_bins_load(const char *path, const TraceFileSpec *spec, TraceBins *b,
                GError **error)
{
  double interval = sim_time_to_seconds(spec->interval);
  *b = (TraceBins) { .path = path, .lenient = spec->lenient };
  if (!resolve_format(path, spec, b, error))
    return FALSE;
  b->clock_start = sim_time_to_seconds(spec->clock_start);
  if (b->format == TRACE_FORMAT_COUNTS)
    return load_counts(path, spec, b, error);
  b->cfg = b->format == TRACE_FORMAT_CLOUDWATCH
             ? traffic_config_new_from_cloudwatch(path, spec->metric, error)
             : traffic_config_new_from_file(path, b->format, interval,
                                            spec->lenient, error);
  if (b->cfg == NULL)
    return FALSE;
  if (b->format == TRACE_FORMAT_CLOUDWATCH && !spec->clock_set) {
    /* CloudWatch's times are UTC: the week starts from its first */
    gint64 secs = b->cfg->cw.start_us / G_USEC_PER_SEC;
    gint64 day = (secs >= 0 ? secs : secs - 86399) / 86400;
    b->clock_start = week_offset_of_day(day) + (double) (secs - day * 86400);
  }
  b->skipped = traffic_config_skipped_lines(b->cfg);
  gint64 local;
  if (b->cfg->kind == TRAFFIC_LOG) {
    if (!spec->clock_set && traffic_log_origin_wall(b->cfg->log, &local)) {
      gint64 secs = local / G_USEC_PER_SEC;
      gint64 day = (secs >= 0 ? secs : secs - 86399) / 86400;
      b->clock_start = week_offset_of_day(day) + (double) (secs - day * 86400);
    }
    b->bin = interval > 0 ? interval : 1.0;
    if (!bin_log(b, error))
      goto fail;
  } else if (b->cfg->table.time != NULL) {
    if (!bin_csv(b, interval, error))
      goto fail;
  } else {
    b->rate = b->cfg->table.rate;
    b->n = b->cfg->table.n;
    b->bin = b->cfg->table.step;
    b->duration = b->cfg->table.end;
    for (gsize i = 0; i < b->n; i++)
      b->total += b->rate[i] * b->bin;
  }
  return TRUE;
fail:
  trace_bins_clear(b);
  return FALSE;
}

void
trace_bins_clear(TraceBins *b)
{
  if (b->own_rate)
    g_free(b->rate);
  if (b->hist)
    g_hash_table_destroy(b->hist);
  traffic_config_free(b->cfg);
  *b = (TraceBins) { 0 };
}

double
trace_bins_wall(const TraceBins *b, const TraceFileSpec *spec, double t)
{
  double wall = b->clock_start + t;
  for (gsize i = 0; i < spec->n_gaps; i++)
    if (t >= sim_time_to_seconds(spec->gaps[i].at))
      wall += sim_time_to_seconds(spec->gaps[i].skip);
  return wall;
}

/* Percentile @p (0..1) of sorted @x, interpolating between ranks. */
static double
percentile(const double *x, gsize n, double p)
{
  double h = p * (double) (n - 1);
  gsize lo = (gsize) floor(h);
  if (lo + 1 >= n)
    return x[n - 1];
  return x[lo] + (h - (double) lo) * (x[lo + 1] - x[lo]);
}

typedef struct {
  double value;
  guint64 bins;
} HistEntry;

static int
compare_entries(const void *a, const void *b)
{
  return compare_doubles(&((const HistEntry *) a)->value,
                         &((const HistEntry *) b)->value);
}

/* The value of rank @k (from 0) of the sorted entries. */
static double
hist_rank(const HistEntry *e, gsize m, guint64 k)
{
  for (gsize i = 0; i < m; i++) {
    if (k < e[i].bins)
      return e[i].value;
    k -= e[i].bins;
  }
  return e[m - 1].value;
}

/* The four percentiles (p5, p50, p95, p99) of @b's bin rates. */
static void
bin_percentiles(const TraceBins *b, double *q)
{
  static const double ps[] = { 0.05, 0.50, 0.95, 0.99 };
  if (b->rate != NULL) {
    double *sorted = g_memdup2(b->rate, b->n * sizeof(double));
    qsort(sorted, b->n, sizeof(double), compare_doubles);
    for (int k = 0; k < 4; k++)
      q[k] = percentile(sorted, b->n, ps[k]);
    g_free(sorted);
    return;
  }
  gsize m = g_hash_table_size(b->hist), j = 0;
  HistEntry *e = g_new(HistEntry, m);
  GHashTableIter it;
  gpointer key, val;
  g_hash_table_iter_init(&it, b->hist);
  while (g_hash_table_iter_next(&it, &key, &val)) {
    memcpy(&e[j].value, key, sizeof(double));
    e[j++].bins = *(const guint64 *) val;
  }
  qsort(e, m, sizeof *e, compare_entries); /* order, not the table's */
  for (int k = 0; k < 4; k++) {
    double h = ps[k] * (double) (b->n - 1);
    guint64 lo = (guint64) floor(h);
    double x = hist_rank(e, m, lo);
    q[k] = lo + 1 >= b->n ? x
      : x + (h - (double) lo) * (hist_rank(e, m, lo + 1) - x);
  }
  g_free(e);
}

static const char *
kind_line(const TraceBins *b, char *buf, gsize size)
{
  char iv[SIM_TIME_FORMAT_MAX];
  sim_time_format(sim_time_from_seconds(b->bin), iv);
  TraceFormat f = b->format;
  if (f == TRACE_FORMAT_COUNTS)
    g_snprintf(buf, size, "counts, one number per %s", iv);
  else if (f == TRACE_FORMAT_CSV)
    g_snprintf(buf, size, "csv rate trace, %" G_GSIZE_FORMAT " rows",
               b->cfg->table.n);
  else if (f == TRACE_FORMAT_CLOUDWATCH)
    g_snprintf(buf, size, "cloudwatch series %s, one count per %s",
               b->cfg->cw.name, iv);
  else
    g_snprintf(buf, size, "request log (%s)", traffic_format_name(f));
  return buf;
}

gboolean
trace_tools_summary(const char *path, const TraceFileSpec *spec, FILE *out,
                    GError **error)
{
  g_return_val_if_fail(path != NULL && spec != NULL && out != NULL, FALSE);
  TraceBins b;
  if (!trace_bins_load(path, spec, &b, error))
    return FALSE;
  double q[4], peak = b.peak;
  bin_percentiles(&b, q);
  for (gsize i = 0; b.rate && i < b.n; i++)
    peak = MAX(peak, b.rate[i]);
  char kind[96], dur[SIM_TIME_FORMAT_MAX], iv[SIM_TIME_FORMAT_MAX];
  sim_time_format(sim_time_from_seconds(b.duration), dur);
  sim_time_format(sim_time_from_seconds(b.bin), iv);
  gboolean log = b.cfg && b.cfg->kind == TRAFFIC_LOG;
  char note[160];
  fprintf(out, "format      %s\n",
          trace_bins_format_note(&b, note, sizeof note));
  fprintf(out, "trace       %s\n", path);
  fprintf(out, "kind        %s\n", kind_line(&b, kind, sizeof kind));
  fprintf(out, "duration    %s (%.0f s)\n", dur, b.duration);
  fprintf(out, "requests    %.0f%s\n", b.total,
          log ? "" : " (implied by the rates)");
  fprintf(out, "mean rate   %.4g rps\n", b.total / b.duration);
  fprintf(out, "peak rate   %.4g rps (busiest %s interval)\n", peak, iv);
  fprintf(out, "rate per %s interval, percentiles (rps):\n", iv);
  fprintf(out, "  p5 %-9.4g p50 %-9.4g p95 %-9.4g p99 %.4g\n",
          q[0], q[1], q[2], q[3]);
  fprintf(out, "skipped     %" G_GUINT64_FORMAT " lines\n", b.skipped);
  if (b.format == TRACE_FORMAT_CLOUDWATCH) {
    fprintf(out, "missing     %" G_GSIZE_FORMAT " periods (read as 0 "
            "requests)\n", b.cfg->cw.missing);
    if (b.cfg->cw.not_a_count != NULL)
      fprintf(out, "warning     %s\n", b.cfg->cw.not_a_count);
  }
  trace_bins_clear(&b);
  return TRUE;
}
