/* Request logs: one request per line, replayed at the logged times.
 *
 * The whole log is checked when the scenario is parsed; a run then
 * streams it again from the same open file descriptor with a fixed-size
 * buffer (sized from the longest line seen), so memory does not grow
 * with the log's length and the run cannot fail on a bad line. Storing compact
 * time deltas instead would cost ~2-4 bytes a request (a billion-line ALB
 * log would not fit), and reading the lines again is cheap next to the
 * simulation each request drives. Every LOG_CHECKPOINT-th accepted record
 * is remembered (offset, time) so a reader can start anywhere and the
 * log's rate around a time can be counted without reading it all.
 *
 * An ALB log is written when each response is sent (its `time`), but a
 * request arrives at its request_creation_time, up to its latency
 * earlier: in arrival order the lines are out of order. The check
 * measures the longest look-back (how far a line's arrival lies before
 * the latest `time` read so far, its own included) and a reader holds
 * lines that long in a small heap before it yields them, so memory is
 * the requests of that window (seconds of latency in practice). A
 * look-back over LOG_ALB_REORDER_MAX is refused: it would hold over an
 * hour of requests. Other formats have no second time: their window is 0
 * and a line before the latest is "going backwards". */
#include "models/traffic/traffic-private.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "models/input/input.h"

#define LOG_CHECKPOINT 1024
#define LOG_BUFFER (1 << 16)
/* ALB's longest idle timeout (4000 s): no request through an ALB can
 * take longer, so no real log needs a longer reordering window. */
#define LOG_ALB_REORDER_MAX (G_GINT64_CONSTANT(4000) * G_USEC_PER_SEC)

typedef struct {
  gint64 offset; /* file offset of the record's line */
  guint64 line;  /* its line number */
  gint64 before; /* latest order time (LogStamp.key) of the accepted
                    lines before it, file scale; G_MININT64 for none:
                    every record before the line arrives by then */
} LogCheckpoint;

struct _TrafficLog {
  int fd;
  char *display;
  TraceFormat format;
  gint64 origin;       /* file-scale µs that is time 0 */
  guint64 records, skipped;
  gsize max_line;
  gint64 first, last;  /* µs from the origin */
  gint64 window;       /* µs a reader holds a line back: the longest
                          look-back accepted (0 unless ALB) */
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

/* A record read but not yet yielded (a reader's heap). */
typedef struct {
  gint64 utc, local;
  guint64 line;    /* equal arrivals keep the file's order */
  gboolean has_wall;
} LogPending;

struct _TrafficLogReader {
  const TrafficLog *log;
  LineReader lr;
  gint64 latest;   /* latest key of the accepted lines read, file scale */
  gint64 from;     /* µs from the origin */
  gboolean eof;
  GArray *heap;    /* LogPending, least (utc, line) first */
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

/* How far back of the latest key a line may arrive (see the top). */
static gint64
reorder_limit(const TrafficLog *log)
{
  return log->format == TRACE_FORMAT_ALB ? LOG_ALB_REORDER_MAX : 0;
}

/* Whether the line @st is accepted after lines whose latest key is
 * *@latest; if so moves *@latest on and sets *@back to its look-back.
 * The check and every reader decide by this alone, so they agree. */
static gboolean
accept_line(const TrafficLog *log, const LogStamp *st, gint64 *latest,
            gint64 *back)
{
  gint64 l = MAX(*latest, st->key);
  if (l - st->utc > reorder_limit(log))
    return FALSE;
  *latest = l;
  *back = l - st->utc;
  return TRUE;
}

/* Counts an accepted line (in file order); its arrival may be earlier
 * than an earlier line's, so first and last are the least and most. */
static void
add_record(TrafficLog *log, const LogStamp *st, gint64 offset,
           guint64 line, gint64 before, gint64 back)
{
  if (log->records == 0 || st->utc < log->first) {
    log->first = st->utc; /* file scale until check_log() ends */
    log->has_wall = st->has_wall;
    log->origin_local = st->local - st->utc;
  }
  if (log->records == 0 || st->utc > log->last)
    log->last = st->utc;
  if (log->records % LOG_CHECKPOINT == 0) {
    LogCheckpoint cp = { offset, line - 1, before };
    g_array_append_val(log->checkpoints, cp);
  }
  log->window = MAX(log->window, back);
  log->records++;
}

/* The message for a line accept_line() refused. */
static char *
refusal(const TrafficLog *log, const LogStamp *st, const char *latest)
{
  if (reorder_limit(log) == 0)
    return g_strdup_printf("timestamp goes backwards (%.*s < %s)",
                           st->text_len, st->text, latest);
  return g_strdup_printf("request_creation_time %.*s is more than %d s "
                         "before the latest time so far (%s): the alb "
                         "reader reorders requests over at most %d s",
                         st->text_len, st->text,
                         (int) (reorder_limit(log) / G_USEC_PER_SEC), latest,
                         (int) (reorder_limit(log) / G_USEC_PER_SEC));
}

/* Checks every line; FALSE with @error unless @lenient. */
static gboolean
check_log(TrafficLog *log, gboolean lenient, gboolean has_start,
          gint64 start, GError **error)
{
  LineReader lr;
  line_reader_init(&lr, log->fd, 0, 0, LOG_BUFFER, TRUE);
  char *line, latest_text[STAMP_TEXT_MAX] = "";
  gsize n;
  gint64 offset, latest = G_MININT64;
  gboolean too_long, ok = TRUE;
  while (ok && line_reader_next(&lr, &line, &n, &offset, &too_long)) {
    LogStamp st;
    const char *why = NULL;
    log->max_line = MAX(log->max_line, n);
    LineKind kind = traffic_log_parse_line(log->format, line, &st, &why);
    if (kind == LINE_IGNORE)
      continue;
    g_autofree char *msg = NULL;
    gint64 before = latest, back = 0;
    if (kind == LINE_BAD)
      msg = g_strdup_printf("%s, got '%.40s'", why, line);
    else if (!accept_line(log, &st, &latest, &back)) {
      char own[STAMP_TEXT_MAX];
      g_snprintf(own, sizeof own, "%.*s", st.key_text_len, st.key_text);
      msg = refusal(log, &st, st.key > latest ? own : latest_text);
    }
    if (msg == NULL) {
      if (st.key >= before)
        g_snprintf(latest_text, sizeof latest_text, "%.*s", st.key_text_len,
                   st.key_text);
      add_record(log, &st, offset, lr.line, before, back);
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
  if (ok && log->records > 0) {
    log->origin = has_start ? start : log->first;
    log->origin_local += log->origin; /* the first record's zone */
    log->first -= log->origin;
    log->last -= log->origin;
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
  /* The last checkpoint whose earlier lines all arrive before @from:
   * each arrives by its key, and their keys are at most cp.before. */
  gint64 from_file = from + log->origin;
  guint lo = 0, hi = log->checkpoints->len;
  while (hi - lo > 1) {
    guint mid = lo + (hi - lo) / 2;
    if (cps[mid].before < from_file)
      lo = mid;
    else
      hi = mid;
  }
  TrafficLogReader *r = g_new0(TrafficLogReader, 1);
  r->log = log;
  r->latest = cps[lo].before; /* as the check had it there */
  r->from = from;
  r->heap = g_array_new(FALSE, FALSE, sizeof(LogPending));
  /* Room for the longest line checked, so reading lines never allocates
   * (the heap grows until it holds one window, then stays). */
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
  r->latest = cps[0].before;
  r->from = 0;
  r->eof = FALSE;
  g_array_set_size(r->heap, 0); /* keeps its room */
}

void
traffic_log_reader_free(TrafficLogReader *r)
{
  if (r == NULL)
    return;
  g_free(r->lr.buf);
  g_array_free(r->heap, TRUE);
  g_free(r);
}

static gboolean
pending_less(const LogPending *a, const LogPending *b)
{
  return a->utc < b->utc || (a->utc == b->utc && a->line < b->line);
}

static void
heap_push(GArray *heap, const LogPending *p)
{
  g_array_append_val(heap, *p);
  LogPending *h = (LogPending *) (void *) heap->data;
  for (guint i = heap->len - 1; i > 0;) {
    guint up = (i - 1) / 2;
    if (!pending_less(&h[i], &h[up]))
      break;
    LogPending t = h[i];
    h[i] = h[up];
    h[up] = t;
    i = up;
  }
}

static LogPending
heap_pop(GArray *heap)
{
  LogPending *h = (LogPending *) (void *) heap->data;
  LogPending top = h[0];
  h[0] = h[heap->len - 1];
  g_array_set_size(heap, heap->len - 1);
  for (guint i = 0, n = heap->len;;) {
    guint l = 2 * i + 1, m = i;
    if (l < n && pending_less(&h[l], &h[m]))
      m = l;
    if (l + 1 < n && pending_less(&h[l + 1], &h[m]))
      m = l + 1;
    if (m == i)
      break;
    LogPending t = h[i];
    h[i] = h[m];
    h[m] = t;
    i = m;
  }
  return top;
}

/* Reads lines into the heap until its least record can no longer be
 * overtaken (every later line arrives at or after latest - window) or
 * the file ends. FALSE when nothing is left. */
static gboolean
reader_fill(TrafficLogReader *r)
{
  const TrafficLog *log = r->log;
  while (!r->eof) {
    if (r->heap->len > 0 &&
        ((const LogPending *) (void *) r->heap->data)->utc <=
          r->latest - log->window)
      return TRUE;
    char *line;
    gsize n;
    gint64 offset, back;
    gboolean too_long;
    LogStamp st;
    if (!line_reader_next(&r->lr, &line, &n, &offset, &too_long)) {
      r->eof = TRUE;
      break;
    }
    /* The same acceptance as check_log(): under lenient parsing bad
     * lines and lines out of order were skipped there too. */
    if (too_long || traffic_log_parse_line(log->format, line, &st, NULL) != LINE_RECORD ||
        !accept_line(log, &st, &r->latest, &back))
      continue;
    LogPending p = { st.utc, st.local, r->lr.line, st.has_wall };
    heap_push(r->heap, &p);
  }
  return r->heap->len > 0;
}

gboolean
traffic_log_reader_next(TrafficLogReader *r, LogRecord *rec)
{
  while (reader_fill(r)) {
    LogPending p = heap_pop(r->heap);
    rec->us = p.utc - r->log->origin;
    if (rec->us < r->from)
      continue;
    rec->has_wall = p.has_wall;
    rec->local_us = p.local;
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
