/* Request logs: one request per line, replayed at the logged times.
 *
 * The whole log is checked when the scenario is parsed; a run then
 * streams it again from the same open file descriptor with a fixed-size
 * buffer (sized from the longest line seen), so memory stays O(1) in the
 * log's length and the run cannot fail on a bad line. Storing compact
 * time deltas instead would cost ~2-4 bytes a request (a billion-line ALB
 * log would not fit), and reading the lines again is cheap next to the
 * simulation each request drives. Every LOG_CHECKPOINT-th accepted record
 * is remembered (offset, time) so a reader can start anywhere and the
 * log's rate around a time can be counted without reading it all. */
#include "models/traffic/traffic-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "models/input/civil-time.h"
#include "models/input/input.h"

#define LOG_CHECKPOINT 1024
#define LOG_BUFFER (1 << 16)
#define STAMP_TEXT_MAX 64

typedef struct {
  gint64 offset; /* file offset of the record's line */
  guint64 line;  /* its line number */
  gint64 us;     /* its time from the origin */
} LogCheckpoint;

struct _TrafficLog {
  int fd;
  char *display;
  TraceFormat format;
  gint64 origin;       /* file-scale µs that is time 0 */
  guint64 records, skipped;
  gsize max_line;
  gint64 first, last;  /* µs from the origin */
  gboolean has_wall;
  gint64 origin_local; /* local wall-clock µs of the origin */
  GArray *checkpoints; /* LogCheckpoint */
};

/* Lines from a file descriptor by pread(), so readers sharing the
 * descriptor do not disturb each other. */
typedef struct {
  int fd;
  char *buf;
  gsize cap, start, len; /* unread bytes are buf[start, len) */
  gint64 buf_off;        /* file offset of buf[0] */
  gboolean eof, grow, skipping;
  guint64 line;          /* number of the last line returned */
  int err;
} LineReader;

typedef struct {
  gint64 utc;      /* µs in the file's scale (epoch for dated stamps) */
  gint64 local;    /* local wall-clock µs when has_wall */
  gboolean has_wall;
  const char *text; /* the stamp as written, within the line */
  int text_len;
} LogStamp;

typedef enum { LINE_RECORD, LINE_IGNORE, LINE_BAD } LineKind;

struct _TrafficLogReader {
  const TrafficLog *log;
  LineReader lr;
  gint64 prev, from;
};

static void
line_reader_init(LineReader *r, int fd, gint64 offset, guint64 line,
                 gsize cap, gboolean grow)
{
  *r = (LineReader) { .fd = fd, .buf = g_malloc(cap), .cap = cap,
                      .buf_off = offset, .grow = grow, .line = line };
}

/* Reads more bytes after the unread ones, moving them to the front. */
static void
line_reader_fill(LineReader *r)
{
  if (r->start > 0) {
    memmove(r->buf, r->buf + r->start, r->len - r->start);
    r->buf_off += (gint64) r->start;
    r->len -= r->start;
    r->start = 0;
  }
  if (r->len + 1 >= r->cap) {
    if (r->grow) {
      r->cap *= 2;
      r->buf = g_realloc(r->buf, r->cap);
    } else { /* a line longer than any checked: drop it */
      r->skipping = TRUE;
      r->buf_off += (gint64) r->len;
      r->len = 0;
    }
  }
  ssize_t got;
  do
    got = pread(r->fd, r->buf + r->len, r->cap - 1 - r->len,
                r->buf_off + (gint64) r->len);
  while (got < 0 && errno == EINTR);
  if (got < 0)
    r->err = errno;
  if (got <= 0)
    r->eof = TRUE;
  else
    r->len += (gsize) got;
}

/* The next line, NUL-terminated in place without its "\r\n", with its
 * offset. FALSE at the end of the file. *@bad is set for a line too long
 * for a non-growing reader (its text is then empty). */
static gboolean
line_reader_next(LineReader *r, char **line, gsize *n, gint64 *offset,
                 gboolean *bad)
{
  for (;;) {
    char *s = r->buf + r->start;
    char *nl = memchr(s, '\n', r->len - r->start);
    if (nl != NULL || (r->eof && r->start < r->len)) {
      gsize l = nl ? (gsize) (nl - s) : r->len - r->start;
      *offset = r->buf_off + (gint64) r->start;
      r->start += l + (nl != NULL);
      if (l > 0 && s[l - 1] == '\r')
        l--;
      s[l] = '\0'; /* within the buffer: cap keeps a spare byte */
      *line = s;
      *n = l;
      *bad = r->skipping;
      if (r->skipping)
        (*line)[0] = '\0', *n = 0;
      r->skipping = FALSE;
      r->line++;
      return TRUE;
    }
    if (r->eof)
      return FALSE;
    line_reader_fill(r);
  }
}

/* Fills @st from a civil time and a zone offset in seconds east. */
static gboolean
set_civil(LogStamp *st, int y, int mo, int d, int h, int mi, int s,
          gint64 frac_us, gint64 zone)
{
  CivilTime t;
  if (!civil_time_make(y, mo, d, h, mi, s, frac_us, zone, &t))
    return FALSE;
  st->utc = t.utc;
  st->local = t.local;
  st->has_wall = TRUE;
  return TRUE;
}

/* ISO-8601 at *p (civil_time_parse_iso(); no zone means UTC). */
static gboolean
parse_iso(const char **p, LogStamp *st)
{
  CivilTime t;
  if (!civil_time_parse_iso(p, &t))
    return FALSE;
  st->utc = t.utc;
  st->local = t.local;
  st->has_wall = TRUE;
  return TRUE;
}

/* CLF "dd/Mon/yyyy:HH:MM:SS +zzzz" at *p. */
static gboolean
parse_clf_date(const char **p, LogStamp *st)
{
  static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
  const char *s = *p;
  int d = civil_digits(&s, 2), mo = -1, y = -1, h = -1, mi = -1, sec = -1;
  int zh, zm;
  if (d < 0 || *s++ != '/')
    return FALSE;
  for (int i = 0; i < 12; i++)
    if (g_ascii_strncasecmp(s, months + 3 * i, 3) == 0)
      mo = i + 1;
  s += 3;
  if (mo < 0 || *s++ != '/' || (y = civil_digits(&s, 4)) < 0 ||
      *s++ != ':' || (h = civil_digits(&s, 2)) < 0 || *s++ != ':' ||
      (mi = civil_digits(&s, 2)) < 0 || *s++ != ':' ||
      (sec = civil_digits(&s, 2)) < 0 || *s++ != ' ')
    return FALSE;
  int sign = *s == '-' ? -1 : 1;
  if (*s != '+' && *s != '-')
    return FALSE;
  s++;
  if ((zh = civil_digits(&s, 2)) < 0 || (zm = civil_digits(&s, 2)) < 0 ||
      !set_civil(st, y, mo, d, h, mi, sec, 0, sign * (zh * 3600 + zm * 60)))
    return FALSE;
  *p = s;
  return TRUE;
}

/* Decimal seconds "[-]digits[.digits]" as exact microseconds; at most
 * about 4e12 s (126,000 years) either way. */
static gboolean
parse_seconds(const char **p, LogStamp *st)
{
  const char *s = *p;
  gboolean neg = *s == '-';
  s += neg;
  gint64 whole = 0;
  const char *d0 = s;
  for (; g_ascii_isdigit(*s); s++) {
    /* |time| <= 4e12 s, so that the difference of two fits in gint64 µs */
    if (whole > G_GINT64_CONSTANT(4000000000000) / 10)
      return FALSE;
    whole = whole * 10 + (*s - '0');
  }
  gboolean any = s > d0;
  const char *f0 = s + (*s == '.');
  gint64 frac = *s == '.' ? civil_fraction_us(&s) : 0;
  if (!any && s == f0)
    return FALSE;
  st->utc = (whole * G_USEC_PER_SEC + frac) * (neg ? -1 : 1);
  st->local = st->utc; /* no wall clock, but never left undefined */
  st->has_wall = FALSE;
  *p = s;
  return TRUE;
}

static gboolean
only_blanks(const char *s)
{
  while (g_ascii_isspace(*s))
    s++;
  return *s == '\0';
}

/* Reads the stamp of one line. @why (may be NULL) gets a static reason. */
static LineKind
parse_line(TraceFormat format, const char *line, LogStamp *st,
           const char **why)
{
  const char *s = line;
  while (g_ascii_isspace(*s))
    s++;
  if (*s == '\0' || (*s == '#' && format == TRACE_FORMAT_TIMESTAMPS))
    return LINE_IGNORE;
  const char *reason = "";
  st->text = s;
  switch (format) {
  case TRACE_FORMAT_TIMESTAMPS:
    reason = "expected a timestamp (seconds or ISO-8601)";
    if (!(civil_looks_like_date(s) ? parse_iso(&s, st)
                                   : parse_seconds(&s, st)) ||
        !only_blanks(s))
      goto bad;
    break;
  case TRACE_FORMAT_CLF:
    reason = "expected a [dd/Mon/yyyy:HH:MM:SS +zzzz] date";
    if ((s = strchr(s, '[')) == NULL)
      goto bad;
    st->text = ++s;
    if (!parse_clf_date(&s, st) || *s != ']')
      goto bad;
    break;
  case TRACE_FORMAT_ALB:
    reason = "expected an ALB log line: type, then an ISO-8601 time";
    while (*s && !g_ascii_isspace(*s))
      s++;
    while (*s == ' ')
      s++;
    st->text = s;
    if (!parse_iso(&s, st) || (*s && !g_ascii_isspace(*s)))
      goto bad;
    break;
  default:
    g_assert_not_reached();
  }
  st->text_len = (int) MIN(s - st->text, STAMP_TEXT_MAX - 1);
  return LINE_RECORD;
bad:
  if (why)
    *why = reason;
  return LINE_BAD;
}

gboolean
traffic_log_parse_stamp(const char *text, gint64 *us)
{
  LogStamp st;
  const char *s = text;
  if (*s == '[')
    s++;
  const char *p = s;
  if ((g_ascii_isdigit(p[0]) && g_ascii_isdigit(p[1]) && p[2] == '/' &&
       parse_clf_date(&p, &st)) ||
      (p = s, civil_looks_like_date(p) && parse_iso(&p, &st)) ||
      (p = s, parse_seconds(&p, &st))) {
    if (*p == ']')
      p++;
    if (only_blanks(p)) {
      *us = st.utc;
      return TRUE;
    }
  }
  return FALSE;
}

static void
add_record(TrafficLog *log, const LogStamp *st, gint64 offset,
           guint64 line, gboolean has_start, gint64 start)
{
  if (log->records == 0) {
    log->origin = has_start ? start : st->utc;
    log->has_wall = st->has_wall;
    log->origin_local = log->origin + (st->local - st->utc);
    log->first = st->utc - log->origin;
  }
  if (log->records % LOG_CHECKPOINT == 0) {
    LogCheckpoint cp = { offset, line - 1, st->utc - log->origin };
    g_array_append_val(log->checkpoints, cp);
  }
  log->last = st->utc - log->origin;
  log->records++;
}

/* Checks every line; FALSE with @error unless @lenient. */
static gboolean
check_log(TrafficLog *log, gboolean lenient, gboolean has_start,
          gint64 start, GError **error)
{
  LineReader lr;
  line_reader_init(&lr, log->fd, 0, 0, LOG_BUFFER, TRUE);
  char *line, prev_text[STAMP_TEXT_MAX] = "";
  gsize n;
  gint64 offset, prev = G_MININT64;
  gboolean too_long, ok = TRUE;
  while (ok && line_reader_next(&lr, &line, &n, &offset, &too_long)) {
    LogStamp st;
    const char *why = NULL;
    log->max_line = MAX(log->max_line, n);
    LineKind kind = parse_line(log->format, line, &st, &why);
    if (kind == LINE_IGNORE)
      continue;
    g_autofree char *msg = NULL;
    if (kind == LINE_BAD)
      msg = g_strdup_printf("%s, got '%.40s'", why, line);
    else if (st.utc < prev)
      msg = g_strdup_printf("timestamp goes backwards (%.*s < %s)",
                            st.text_len, st.text, prev_text);
    if (msg == NULL) {
      prev = st.utc;
      g_snprintf(prev_text, sizeof prev_text, "%.*s", st.text_len, st.text);
      add_record(log, &st, offset, lr.line, has_start, start);
    } else if (lenient) {
      log->skipped++;
    } else {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                  "%s:%" G_GUINT64_FORMAT ": %s", log->display, lr.line, msg);
      ok = FALSE;
    }
  }
  if (ok && lr.err != 0) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read: %s", log->display, g_strerror(lr.err));
    ok = FALSE;
  }
  g_free(lr.buf);
  return ok;
}

TrafficLog *
traffic_log_open(const char *path, const char *display, TraceFormat format,
                 gboolean lenient, gboolean has_start, gint64 start,
                 GError **error)
{
  g_return_val_if_fail(format == TRACE_FORMAT_TIMESTAMPS ||
                       format == TRACE_FORMAT_CLF ||
                       format == TRACE_FORMAT_ALB, NULL);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read: %s", display, g_strerror(errno));
    return NULL;
  }
  TrafficLog *log = g_new0(TrafficLog, 1);
  log->fd = fd;
  log->display = g_strdup(display);
  log->format = format;
  log->checkpoints = g_array_new(FALSE, FALSE, sizeof(LogCheckpoint));
  if (!check_log(log, lenient, has_start, start, error)) {
    traffic_log_free(log);
    return NULL;
  }
  if (log->records == 0) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: no requests in the log%s", display,
                log->skipped ? " (every line was skipped)" : "");
    traffic_log_free(log);
    return NULL;
  }
  return log;
}

void
traffic_log_free(TrafficLog *log)
{
  if (log == NULL)
    return;
  close(log->fd);
  g_free(log->display);
  g_array_free(log->checkpoints, TRUE);
  g_free(log);
}

guint64
traffic_log_skipped(const TrafficLog *log)
{
  return log->skipped;
}

guint64
traffic_log_records(const TrafficLog *log)
{
  return log->records;
}

gint64
traffic_log_last(const TrafficLog *log)
{
  return log->last;
}

gboolean
traffic_log_origin_wall(const TrafficLog *log, gint64 *local_us)
{
  *local_us = log->origin_local;
  return log->has_wall;
}

TrafficLogReader *
traffic_log_reader_new(const TrafficLog *log, gint64 from)
{
  const LogCheckpoint *cps = (const LogCheckpoint *) (void *) log->checkpoints->data;
  guint lo = 0, hi = log->checkpoints->len; /* last with us < from */
  while (hi - lo > 1) {
    guint mid = lo + (hi - lo) / 2;
    if (cps[mid].us < from)
      lo = mid;
    else
      hi = mid;
  }
  TrafficLogReader *r = g_new0(TrafficLogReader, 1);
  r->log = log;
  r->prev = G_MININT64;
  r->from = from;
  /* Room for the longest line checked, so reading never allocates. */
  line_reader_init(&r->lr, log->fd, cps[lo].offset, cps[lo].line,
                   MAX(LOG_BUFFER, 2 * log->max_line + 2), FALSE);
  return r;
}

void
traffic_log_reader_rewind(TrafficLogReader *r)
{
  const LogCheckpoint *cps = (const LogCheckpoint *) (void *) r->log->checkpoints->data;
  r->lr = (LineReader) { .fd = r->log->fd, .buf = r->lr.buf, .cap = r->lr.cap,
                         .buf_off = cps[0].offset, .line = cps[0].line };
  r->prev = G_MININT64;
  r->from = 0;
}

void
traffic_log_reader_free(TrafficLogReader *r)
{
  if (r == NULL)
    return;
  g_free(r->lr.buf);
  g_free(r);
}

gboolean
traffic_log_reader_next(TrafficLogReader *r, LogRecord *rec)
{
  char *line;
  gsize n;
  gint64 offset;
  gboolean too_long;
  while (line_reader_next(&r->lr, &line, &n, &offset, &too_long)) {
    LogStamp st;
    /* The same acceptance as check_log(): under lenient parsing bad
     * lines and lines going backwards were skipped there too. */
    if (too_long || parse_line(r->log->format, line, &st, NULL) != LINE_RECORD ||
        st.utc < r->prev)
      continue;
    r->prev = st.utc;
    rec->us = st.utc - r->log->origin;
    if (rec->us < r->from)
      continue;
    rec->has_wall = st.has_wall;
    rec->local_us = st.local;
    return TRUE;
  }
  return FALSE;
}

guint64
traffic_log_count(const TrafficLog *log, gint64 from, gint64 to)
{
  from = MAX(from, 0); /* records before the start are never replayed */
  if (to <= from)
    return 0;
  TrafficLogReader *r = traffic_log_reader_new(log, from);
  LogRecord rec;
  guint64 n = 0;
  while (traffic_log_reader_next(r, &rec) && rec.us < to)
    n++;
  traffic_log_reader_free(r);
  return n;
}
