/* Parsing a service's "traffic" object, and the config-level queries.
 *
 * Exactly one of "generator", "trace" or "log" says the kind. Rates are
 * requests per second; durations are seconds or strings like "90s",
 * "15m", "14h". Keys not listed for a kind are errors.
 *
 * Every kind:
 *   scale       number >= 0, default 1: multiplies the rate (for a log,
 *               each line gives floor(scale) requests plus one more with
 *               probability frac(scale))
 *   shift       duration, may be negative, default 0: the pattern
 *               happens this much later (rate(t) = rate0(t - shift)); a
 *               trace or log is silent before its shifted start, and a
 *               negative shift skips its beginning
 * Rate kinds (every generator but "bursty", and "trace"):
 *   burstiness  {"cv": number >= 0, "interval": duration > 0}, default
 *               none: the rate is multiplied by a random factor of mean 1
 *               and coefficient of variation cv (gamma distributed),
 *               drawn anew every interval of run time. Rate queries
 *               report the mean (factor 1).
 *
 * {"generator": "constant", "rps": R}                     R required
 * {"generator": "diurnal", "mean_rps": M, ...}            M required; a
 *   week's mean rate. Then either
 *     "peak_rps": P, "peak_at": T    cosine over 24 h peaking at time of
 *                                    day T (duration in [0, 24h)), trough
 *                                    2M - P; needs M <= P <= 2M
 *   or
 *     "hourly": [24 numbers >= 0]    relative rate at the middle of each
 *                                    hour from 00:00, linear in between
 *                                    (wrapping at midnight), scaled to
 *                                    mean 1
 *   and optionally
 *     "weekly": [7 numbers >= 0]     day factors, Monday first, scaled to
 *                                    mean 1; default all 1
 *   Times of day are wall-clock: run time 0 is clock_offset after Monday
 *   00:00 (see traffic.h).
 * {"generator": "step", "from_rps": A, "to_rps": B, "at": T}
 *   rate A before T, B from T on. And/or
 *   "steps": [{"at": T1, "rps": R1}, ...]  rate Ri from Ti (increasing
 *   times); before the first step the rate is from_rps (default 0 when
 *   only "steps" is given).
 * {"generator": "ramp", "from_rps": A, "to_rps": B, "start": T0, "end": T1}
 *   A until T0 (default 0), linear to B at T1 (required, > T0), then B.
 * {"generator": "spike", "base_rps": A, "height_rps": H, "at": T,
 *  "duration": D}   A, except A + H during [T, T + D); D > 0.
 * {"generator": "bursty", "on_rps": A, "off_rps": B, "mean_on": T1,
 *  "mean_off": T2}  two-state Markov-modulated Poisson process: rate A
 *   for exponential spells of mean T1, B for spells of mean T2 (both > 0);
 *   starts in its stationary state; long-run mean (A T1 + B T2)/(T1 + T2).
 * {"trace": FILE, "format": "csv"|"counts", ...}  a rate trace; FILE is
 *   relative to the scenario file. "format" default: guessed from the
 *   first line (numbers separated by blanks: counts; "a,b": csv).
 *     csv     rows "time,rate": seconds and requests/s, optional header
 *             line, times increasing; the first row is time 0 and the
 *             last row lasts as long as the gap before it.
 *             "interpolation": "step" (default: each rate holds until the
 *             next row) or "linear".
 *     counts  numbers separated by blanks (any layout over lines), each
 *             the requests in one "interval" (duration > 0, default 1s);
 *             arrivals are Poisson within each interval.
 *   "after_end": what follows the trace's end: "repeat" (loop it from its
 *   start), "hold" (keep its last rate) or "zero". Required when the
 *   trace ends (shift included) before the run does
 *   (TrafficParseOptions.horizon). "loop": true is an older spelling of
 *   "repeat".
 * {"log": FILE, "format": "timestamps"|"clf"|"alb", "start": S}
 *   a request log replayed exactly, one request per line, lines in time
 *   order. timestamps: seconds ("901.25") or ISO-8601 per line; clf:
 *   Common or Combined Log Format, the [dd/Mon/yyyy:HH:MM:SS +zzzz] date;
 *   alb: AWS ALB access logs, the time field after the type. Blank lines
 *   (and "#" lines of timestamps) are ignored. "format" default: guessed.
 *   "start": the time that becomes run time 0 (seconds as in the file,
 *   or an ISO-8601 or CLF date); default the first line's time. Lines
 *   before the start are not replayed. "after_end": "repeat" (replay the
 *   log again, with a period of its last request's time + 1 s) or
 *   "zero", required as for traces when the log ends before the run.
 *
 * With --lenient (TrafficParseOptions.lenient) a bad line of a trace or
 * log is dropped and counted instead of failing the parse; a dropped line
 * of a counts trace takes its numbers with it, so later counts move
 * earlier. */
#include "models/traffic/traffic-private.h"

#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"

static TrafficConfig *
config_new(void)
{
  TrafficConfig *cfg = g_new0(TrafficConfig, 1);
  cfg->scale = 1.0;
  for (int i = 0; i < 7; i++)
    cfg->weekly[i] = 1.0;
  return cfg;
}

gboolean
traffic_parse_common(const JNode *n, TrafficConfig *cfg, GError **error)
{
  SimTime shift = 0;
  JNode b;
  if (!jn_double(n, "scale", 0, INFINITY, &cfg->scale, error) ||
      !jn_duration(n, "shift", -SIM_TIME_MAX, SIM_TIME_MAX, &shift, error))
    return FALSE;
  cfg->shift = sim_time_to_seconds(shift);
  if (!jn_member(n, "burstiness", &b))
    return TRUE;
  static const char *const keys[] = { "cv", "interval", NULL };
  SimTime interval = 0;
  if (!jn_check_object(&b, keys, keys, error) ||
      !jn_double(&b, "cv", 0, 100, &cfg->burst_cv, error) ||
      !jn_duration(&b, "interval", SIM_MSEC, SIM_TIME_MAX, &interval, error))
    return FALSE;
  cfg->burst_interval = sim_time_to_seconds(interval);
  return TRUE;
}

/* The file's format from "format" (index into @names, whose formats are
 * @formats) or guessed. */
static gboolean
file_format(const JNode *n, const char *path, const char *const *names,
            const TraceFormat *formats, gboolean want_log, TraceFormat *out,
            GError **error)
{
  int k = -1;
  if (!jn_enum(n, "format", names, &k, error))
    return FALSE;
  if (k >= 0) {
    *out = formats[k];
    return TRUE;
  }
  if (!traffic_detect_format(path, path, want_log, out, error))
    return FALSE;
  for (int i = 0; names[i]; i++)
    if (formats[i] == *out)
      return TRUE;
  JNode f;
  jn_member(n, want_log ? "log" : "trace", &f);
  jn_error(&f, error, "%s looks like %s (%s); %s", path,
           want_log ? "a rate trace" : "a request log",
           traffic_format_name(*out),
           want_log ? "use \"trace\" for it" : "use \"log\" for it");
  return FALSE;
}

/* What a trace or log does after its end ("after_end"). */
typedef enum {
  AFTER_END_UNSAID = -1,
  AFTER_END_ZERO,
  AFTER_END_REPEAT,
  AFTER_END_HOLD,
} AfterEnd;

/* Reads "after_end", and "loop" (true: "repeat"; the older spelling). */
static gboolean
parse_after_end(const JNode *n, AfterEnd *out, GError **error)
{
  static const char *const names[] = { "zero", "repeat", "hold", NULL };
  int k = AFTER_END_UNSAID;
  gboolean loop = FALSE;
  JNode l;
  if (!jn_enum(n, "after_end", names, &k, error) ||
      !jn_bool(n, "loop", &loop, error))
    return FALSE;
  if (!jn_member(n, "loop", &l)) {
    *out = (AfterEnd) k;
    return TRUE;
  }
  if (k != AFTER_END_UNSAID) {
    jn_error(&l, error, "give \"after_end\" alone (\"loop\": true is "
             "\"after_end\": \"repeat\")");
    return FALSE;
  }
  *out = loop ? AFTER_END_REPEAT : AFTER_END_ZERO;
  return TRUE;
}

/* A trace or log that ends (at run time @end_s, lasting @length_s) before
 * the run does must say what follows: traffic that silently drops to zero
 * made many runs look idle at the end. */
static gboolean
check_covers(const JNode *n, const char *key, const char *path,
             double length_s, double end_s, const TrafficParseOptions *opt,
             AfterEnd after, GError **error)
{
  if (after != AFTER_END_UNSAID || opt->horizon <= 0 ||
      sim_time_from_seconds(end_s) >= opt->horizon)
    return TRUE;
  char len[SIM_TIME_FORMAT_MAX], run[SIM_TIME_FORMAT_MAX],
    at[SIM_TIME_FORMAT_MAX];
  sim_time_format(sim_time_from_seconds(length_s), len);
  sim_time_format(opt->horizon, run);
  sim_time_format(sim_time_from_seconds(MAX(end_s, 0)), at);
  g_autofree char *ends = end_s != length_s
                            ? g_strdup_printf(" (ending at %s with its "
                                              "shift)", at)
                            : g_strdup("");
  JNode f;
  jn_member(n, key, &f);
  jn_error(&f, error, "%s lasts %s%s but the run lasts %s: say what "
           "follows with \"after_end\": \"repeat\" (from its start), "
           "\"hold\" (its last rate) or \"zero\"", path, len, ends, run);
  return FALSE;
}

/* Keys of a trace that belong to other formats than @format. */
static gboolean
only_for_format(const JNode *n, TraceFormat format, GError **error)
{
  static const struct {
    const char *key;
    TraceFormat format;
  } owned[] = {
    { "interval", TRACE_FORMAT_COUNTS },
    { "interpolation", TRACE_FORMAT_CSV },
    { "metric", TRACE_FORMAT_CLOUDWATCH },
    { "period", TRACE_FORMAT_CLOUDWATCH },
  };
  for (guint i = 0; i < G_N_ELEMENTS(owned); i++) {
    JNode bad;
    if (owned[i].format != format && jn_member(n, owned[i].key, &bad)) {
      jn_error(&bad, error, "only for \"%s\" traces",
               traffic_format_name(owned[i].format));
      return FALSE;
    }
  }
  return TRUE;
}

/* A "cloudwatch" trace: its "metric" and "period". */
static gboolean
read_cloudwatch(const JNode *n, const char *path, TrafficConfig *cfg,
                GError **error)
{
  const char *metric = NULL;
  SimTime period = 0;
  if (!jn_string(n, "metric", &metric, error) ||
      !jn_duration(n, "period", SIM_SEC, SIM_TIME_MAX, &period, error))
    return FALSE;
  g_autoptr(GError) local = NULL;
  if (traffic_read_cloudwatch(path, path, metric, period, &cfg->table,
                              &cfg->cw, &local))
    return TRUE;
  JNode at = *n;
  if (metric != NULL)
    jn_member(n, "metric", &at);
  jn_error(&at, error, "%s%s", local->message,
           metric == NULL && strstr(local->message, "say which")
             ? "; name one with \"metric\"" : "");
  return FALSE;
}

static gboolean
parse_trace(const JNode *n, const TrafficParseOptions *opt,
            TrafficConfig *cfg, GError **error)
{
  static const char *const keys[] = { "trace", "format", "interval",
    "interpolation", "loop", "after_end", "metric", "period", RATE_KEYS,
    NULL };
  static const char *const names[] = { "counts", "csv", "cloudwatch",
                                       NULL };
  static const TraceFormat formats[] = { TRACE_FORMAT_COUNTS, TRACE_FORMAT_CSV,
                                         TRACE_FORMAT_CLOUDWATCH };
  static const char *const interps[] = { "step", "linear", NULL };
  const char *file = NULL;
  TraceFormat format;
  int interp = 0;
  SimTime interval = SIM_SEC;
  AfterEnd after;
  if (!jn_check_object(n, keys, NULL, error) ||
      !jn_string(n, "trace", &file, error) || !traffic_parse_common(n, cfg, error) ||
      !jn_enum(n, "interpolation", interps, &interp, error) ||
      !jn_duration(n, "interval", SIM_USEC, SIM_TIME_MAX, &interval, error) ||
      !parse_after_end(n, &after, error))
    return FALSE;
  g_autofree char *path = jn_resolve_path(n, file);
  if (!file_format(n, path, names, formats, FALSE, &format, error) ||
      !only_for_format(n, format, error))
    return FALSE;
  cfg->kind = TRAFFIC_TABLE;
  gboolean ok;
  if (format == TRACE_FORMAT_CLOUDWATCH)
    ok = read_cloudwatch(n, path, cfg, error);
  else if (format == TRACE_FORMAT_CSV)
    ok = traffic_read_csv(path, path, opt->lenient, interp == 1, &cfg->table,
                          &cfg->skipped, error);
  else
    ok = traffic_read_counts(path, path, sim_time_to_seconds(interval),
                             opt->lenient, &cfg->table, &cfg->skipped, error);
  if (!ok || !check_covers(n, "trace", path, cfg->table.end,
                           cfg->shift + cfg->table.end, opt, after, error))
    return FALSE;
  cfg->table.periodic = after == AFTER_END_REPEAT;
  if (after == AFTER_END_HOLD)
    cfg->table.end = INFINITY; /* the last row's rate holds */
  return TRUE;
}

static gboolean
parse_log(const JNode *n, const TrafficParseOptions *opt, TrafficConfig *cfg,
          GError **error)
{
  static const char *const keys[] = { "log", "format", "start", "loop",
                                      "after_end", COMMON_KEYS, NULL };
  static const char *const names[] = { "timestamps", "clf", "alb", NULL };
  static const TraceFormat formats[] = {
    TRACE_FORMAT_TIMESTAMPS, TRACE_FORMAT_CLF, TRACE_FORMAT_ALB };
  const char *file = NULL;
  TraceFormat format;
  JNode s;
  gint64 start = 0;
  gboolean has_start = jn_member(n, "start", &s);
  AfterEnd after;
  if (!jn_check_object(n, keys, NULL, error) ||
      !jn_string(n, "log", &file, error) || !traffic_parse_common(n, cfg, error) ||
      !parse_after_end(n, &after, error))
    return FALSE;
  if (after == AFTER_END_HOLD) {
    JNode a;
    jn_member(n, "after_end", &a);
    jn_error(&a, error, "\"hold\" is for rate traces: a request log has no "
             "rate to hold; use \"repeat\" or \"zero\"");
    return FALSE;
  }
  /* As for the log's own stamps: within ±4e12 s, so that a stamp minus
   * the start fits in microseconds. */
  if (has_start && cJSON_IsNumber(s.json) &&
      !(fabs(s.json->valuedouble) <= 4e12)) {
    jn_error(&s, error, "must be within 4e12 seconds of 0, got %g",
             s.json->valuedouble);
    return FALSE;
  } else if (has_start && cJSON_IsNumber(s.json)) {
    start = sim_time_from_seconds(s.json->valuedouble);
  } else if (has_start && (!cJSON_IsString(s.json) ||
                           !traffic_log_parse_stamp(s.json->valuestring,
                                                    &start))) {
    g_autofree char *got = json_describe(s.json);
    jn_error(&s, error, "must be seconds, an ISO-8601 time or a CLF date, "
             "got %s", got);
    return FALSE;
  }
  g_autofree char *path = jn_resolve_path(n, file);
  if (!file_format(n, path, names, formats, TRUE, &format, error))
    return FALSE;
  cfg->kind = TRAFFIC_LOG;
  cfg->log = traffic_log_open(path, path, format, opt->lenient, has_start,
                              start, error);
  if (cfg->log == NULL)
    return FALSE;
  /* A log covers its last request's second: whole-second stamps (CLF)
   * put that request anywhere in it. */
  gint64 length = MAX(traffic_log_last(cfg->log), 0) + SIM_SEC;
  double length_s = sim_time_to_seconds(length);
  if (!check_covers(n, "log", path, length_s, cfg->shift + length_s, opt,
                    after, error))
    return FALSE;
  cfg->log_period = after == AFTER_END_REPEAT ? length : 0;
  return TRUE;
}

static gboolean
config_is_silent(const TrafficConfig *cfg)
{
  switch (cfg->kind) {
  case TRAFFIC_TABLE:
    return rate_table_is_zero(&cfg->table);
  case TRAFFIC_COSINE:
    return cfg->mean == 0;
  case TRAFFIC_MMPP:
    return cfg->on_rps == 0 && cfg->off_rps == 0;
  case TRAFFIC_LOG:
    return FALSE;
  }
  g_assert_not_reached();
}

TrafficConfig *
traffic_config_parse(const JNode *n, const TrafficParseOptions *options,
                     GError **error)
{
  g_return_val_if_fail(n != NULL, NULL);
  static const TrafficParseOptions strict = { .lenient = FALSE };
  static const char *const kinds[] = { "generator", "trace", "log", NULL };
  const TrafficParseOptions *opt = options ? options : &strict;
  int which = -1;
  JNode k;
  if (!cJSON_IsObject(n->json))
    return jn_check_object(n, kinds, NULL, error), NULL;
  for (int i = 0; i < 3; i++) {
    if (!jn_member(n, kinds[i], &k))
      continue;
    if (which >= 0) {
      jn_error(&k, error, "give only one of \"generator\", \"trace\" and "
               "\"log\"");
      return NULL;
    }
    which = i;
  }
  if (which < 0) {
    jn_error(n, error, "needs \"generator\", \"trace\" or \"log\"");
    return NULL;
  }
  g_autoptr(TrafficConfig) cfg = config_new();
  gboolean ok = which == 0 ? traffic_parse_generator(n, cfg, error)
    : which == 1 ? parse_trace(n, opt, cfg, error)
    : parse_log(n, opt, cfg, error);
  if (!ok)
    return NULL;
  if (cfg->log)
    cfg->skipped = traffic_log_skipped(cfg->log);
  cfg->silent = config_is_silent(cfg);
  cfg->recorded = which > 0;
  return g_steal_pointer(&cfg);
}

TrafficConfig *
traffic_config_new_from_cloudwatch(const char *path, const char *metric,
                                   GError **error)
{
  g_autoptr(TrafficConfig) cfg = config_new();
  cfg->kind = TRAFFIC_TABLE;
  cfg->recorded = TRUE;
  if (!traffic_read_cloudwatch(path, path, metric, 0, &cfg->table, &cfg->cw,
                               error))
    return NULL;
  cfg->silent = config_is_silent(cfg);
  return g_steal_pointer(&cfg);
}

const char *
traffic_config_metric_warning(const TrafficConfig *cfg)
{
  return cfg->cw.not_a_count;
}

TrafficConfig *
traffic_config_new_from_file(const char *path, TraceFormat format,
                             double interval, gboolean lenient,
                             GError **error)
{
  if (format == TRACE_FORMAT_AUTO &&
      !traffic_detect_format(path, path, FALSE, &format, error))
    return NULL;
  if (format == TRACE_FORMAT_CLOUDWATCH) /* its only series, else an error */
    return traffic_config_new_from_cloudwatch(path, NULL, error);
  g_autoptr(TrafficConfig) cfg = config_new();
  gboolean ok;
  if (format == TRACE_FORMAT_COUNTS || format == TRACE_FORMAT_CSV) {
    cfg->kind = TRAFFIC_TABLE;
    ok = format == TRACE_FORMAT_CSV
      ? traffic_read_csv(path, path, lenient, FALSE, &cfg->table,
                         &cfg->skipped, error)
      : traffic_read_counts(path, path, interval > 0 ? interval : 1.0,
                            lenient, &cfg->table, &cfg->skipped, error);
  } else {
    cfg->kind = TRAFFIC_LOG;
    cfg->log = traffic_log_open(path, path, format, lenient, FALSE, 0,
                                error);
    ok = cfg->log != NULL;
    if (ok)
      cfg->skipped = traffic_log_skipped(cfg->log);
  }
  if (!ok)
    return NULL;
  cfg->silent = config_is_silent(cfg);
  return g_steal_pointer(&cfg);
}

void
traffic_config_free(TrafficConfig *cfg)
{
  if (cfg == NULL)
    return;
  rate_table_clear(&cfg->table);
  traffic_log_free(cfg->log);
  traffic_cw_info_clear(&cfg->cw);
  g_free(cfg);
}

/* Records of the log in [@from, @to) µs of log time, repeated with
 * period log_period when it repeats (after time 0 only: a log is silent
 * before its start, as the source replays it). */
static guint64
log_count(const TrafficConfig *cfg, gint64 from, gint64 to)
{
  gint64 p = cfg->log_period;
  if (p <= 0)
    return traffic_log_count(cfg->log, from, to);
  from = MAX(from, 0);
  if (to <= from)
    return 0;
  gint64 k0 = from / p, k1 = (to - 1) / p;
  if (k0 == k1)
    return traffic_log_count(cfg->log, from - k0 * p, to - k0 * p);
  return traffic_log_count(cfg->log, from - k0 * p, p) +
         (guint64) (k1 - k0 - 1) * traffic_log_count(cfg->log, 0, p) +
         traffic_log_count(cfg->log, 0, to - k1 * p);
}

double
traffic_config_rate_at(const TrafficConfig *cfg, SimTime t,
                       SimTime clock_offset)
{
  g_return_val_if_fail(cfg != NULL, 0.0);
  if (cfg->kind == TRAFFIC_LOG) {
    gint64 c = t - sim_time_from_seconds(cfg->shift);
    return cfg->scale *
      (double) log_count(cfg, c - SIM_SEC / 2, c + SIM_SEC / 2);
  }
  double s = sim_time_to_seconds(t);
  if (cfg->kind == TRAFFIC_MMPP)
    return cfg->scale * traffic_shape_integral(cfg, s, s + 1, 0);
  TrafficSeg seg;
  traffic_seg_first(cfg, s, sim_time_to_seconds(clock_offset), &seg);
  return cfg->scale * traffic_seg_rate(&seg, s);
}

double
traffic_config_arrivals(const TrafficConfig *cfg, SimTime from, SimTime to,
                        SimTime clock_offset)
{
  g_return_val_if_fail(cfg != NULL, 0.0);
  if (to <= from)
    return 0.0;
  if (cfg->kind == TRAFFIC_LOG) {
    gint64 shift = sim_time_from_seconds(cfg->shift);
    return cfg->scale * (double) log_count(cfg, from - shift, to - shift);
  }
  return cfg->scale * traffic_shape_integral(
    cfg, sim_time_to_seconds(from), sim_time_to_seconds(to),
    sim_time_to_seconds(clock_offset));
}

double
traffic_config_mean_rate(const TrafficConfig *cfg, SimTime duration,
                         SimTime clock_offset)
{
  g_return_val_if_fail(cfg != NULL && duration > 0, 0.0);
  double d = sim_time_to_seconds(duration);
  if (cfg->kind == TRAFFIC_LOG) {
    gint64 shift = sim_time_from_seconds(cfg->shift);
    return cfg->scale * (double) log_count(cfg, -shift, duration - shift) /
      d;
  }
  return cfg->scale * traffic_shape_integral(
    cfg, 0, d, sim_time_to_seconds(clock_offset)) / d;
}

guint64
traffic_config_skipped_lines(const TrafficConfig *cfg)
{
  g_return_val_if_fail(cfg != NULL, 0);
  return cfg->skipped;
}

double
traffic_config_scale(const TrafficConfig *cfg)
{
  return cfg->scale;
}

gboolean
traffic_config_is_recorded(const TrafficConfig *cfg)
{
  return cfg->recorded;
}
