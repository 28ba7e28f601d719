/* `ecsim calibrate`: service times from ALB access logs (see
 * calibrate-alb.h). */
#include "models/experiments/calibrate-alb.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/input/alb-line.h"
#include "models/input/cloudwatch.h"
#include "models/input/input.h"

#define ALB_FIELDS 22 /* up to request_creation_time */
#define ROUNDING_US 1000 /* the log's times are in ms */

CalAlbLog *
calibrate_alb_new(void)
{
  CalAlbLog *log = g_new0(CalAlbLog, 1);
  log->requests = g_array_new(FALSE, FALSE, sizeof(CalAlbRequest));
  log->targets = g_ptr_array_new_with_free_func(g_free);
  log->index = g_hash_table_new(g_str_hash, g_str_equal);
  return log;
}

void
calibrate_alb_free(CalAlbLog *log)
{
  if (!log)
    return;
  g_array_unref(log->requests);
  g_hash_table_destroy(log->index);
  g_ptr_array_unref(log->targets);
  g_free(log);
}

/* Splits @line in place into at most @max fields (alb_line_field()); a
 * quoted field loses its quotes. Returns the number of fields. */
static int
split_fields(char *line, char **fields, int max)
{
  int n = 0;
  const char *p = line, *start;
  gsize len;
  while (n < max && alb_line_field(&p, &start, &len)) {
    char *f = line + (start - line), *end = f + len;
    if (len >= 2 && f[0] == '"' && end[-1] == '"')
      f++, end--;
    fields[n++] = f;
    *end = '\0'; /* a blank, a closing quote or the line's end */
  }
  return n;
}

static gboolean
parse_seconds(const char *text, double *out)
{
  char *end;
  errno = 0;
  *out = g_ascii_strtod(text, &end);
  return *text && !*end && errno == 0 && isfinite(*out);
}

static guint
target_index(CalAlbLog *log, const char *target)
{
  gpointer v = g_hash_table_lookup(log->index, target);
  if (v)
    return GPOINTER_TO_UINT(v) - 1;
  char *copy = g_strdup(target);
  g_ptr_array_add(log->targets, copy);
  g_hash_table_insert(log->index, copy, GUINT_TO_POINTER(log->targets->len));
  return log->targets->len - 1;
}

/* Reads one line's fields into @log; NULL on success, else what is
 * wrong with it (static). */
static const char *
add_line(CalAlbLog *log, char **f, int nf)
{
  gint64 time, created;
  double req, tgt, resp;
  if (nf < ALB_FIELDS)
    return "expected an ALB access-log line (at least 22 fields, up to "
           "request_creation_time)";
  if (!cloudwatch_parse_time(f[1], &time))
    return "field 2 (time): expected an ISO 8601 time with a zone";
  if (!cloudwatch_parse_time(f[21], &created))
    return "field 22 (request_creation_time): expected an ISO 8601 time "
           "with a zone";
  if (!parse_seconds(f[5], &req) || !parse_seconds(f[6], &tgt) ||
      !parse_seconds(f[7], &resp))
    return "fields 6-8 (request, target and response processing times): "
           "expected seconds or -1";
  gboolean elb_error = f[8][0] == '5' && strcmp(f[9], "-") == 0;
  if (strcmp(f[4], "-") == 0)
    log->no_target++;
  else if (tgt < 0 || req < 0 || resp < 0)
    log->unanswered++;
  else if (elb_error)
    log->elb_5xx++;
  else {
    CalAlbRequest r = {
      .arrive = created + (gint64) llround(req * 1e6),
      .depart = time - (gint64) llround(resp * 1e6),
      .target = target_index(log, f[4]),
    };
    if (r.depart < r.arrive)
      return "the target answered before the request reached it "
             "(time - response_processing_time < request_creation_time + "
             "request_processing_time)";
    g_array_append_val(log->requests, r);
    log->first = log->requests->len == 1 ? r.arrive : MIN(log->first,
                                                          r.arrive);
    log->last = MAX(log->last, r.depart);
  }
  return NULL;
}

/* Opens @path, through a gzip decompressor when it starts with gzip's
 * magic bytes (AWS delivers ALB logs as *.log.gz), whatever its name. */
static GInputStream *
open_log(const char *path, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path(path);
  g_autoptr(GFileInputStream) raw = g_file_read(file, NULL, error);
  if (!raw)
    return NULL;
  GInputStream *in = g_buffered_input_stream_new(G_INPUT_STREAM(raw));
  GBufferedInputStream *b = G_BUFFERED_INPUT_STREAM(in);
  if (g_buffered_input_stream_fill(b, 2, NULL, error) < 0) {
    g_object_unref(in);
    return NULL;
  }
  gsize n;
  const guint8 *head = g_buffered_input_stream_peek_buffer(b, &n);
  if (n < 2 || head[0] != 0x1f || head[1] != 0x8b)
    return in;
  g_autoptr(GZlibDecompressor) z =
    g_zlib_decompressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  GInputStream *unzipped = g_converter_input_stream_new(in, G_CONVERTER(z));
  g_object_unref(in);
  return unzipped;
}

/* Adds one line (NUL-terminated, no newline) to @log; FALSE with
 * "NAME:LINE: ..." in @error when it is not an ALB access-log line. */
static gboolean
read_line(CalAlbLog *log, char *line, guint64 no, const char *name,
          GError **error)
{
  char *fields[ALB_FIELDS];
  int nf = split_fields(line, fields, ALB_FIELDS);
  if (nf == 0 || fields[0][0] == '#')
    return TRUE;
  log->lines++;
  const char *bad = add_line(log, fields, nf);
  if (bad)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                "%s:%" G_GUINT64_FORMAT ": %s", name, no, bad);
  return !bad;
}

/* What went wrong reading (lent): the decompressor's errors said in the
 * user's terms. */
static const char *
read_failure(const GError *io)
{
  if (g_error_matches(io, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    return "the gzipped data ends early (a truncated download?)";
  if (g_error_matches(io, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    return "not valid gzip data from here on";
  return io->message;
}

/* Streams @in line by line into @log: memory stays that of the requests,
 * not of the file (a day of a busy service's logs is gigabytes). */
static gboolean
read_stream(CalAlbLog *log, GInputStream *in, const char *name,
            GError **error)
{
  gsize cap = 1 << 16, have = 0;
  g_autofree char *buf = g_malloc(cap + 1);
  guint64 no = 1;
  for (;;) {
    if (have == cap)
      buf = g_realloc(buf, (cap *= 2) + 1); /* a line longer than buf */
    g_autoptr(GError) io = NULL;
    gssize got = g_input_stream_read(in, buf + have, cap - have, NULL, &io);
    if (got < 0) {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                  "%s:%" G_GUINT64_FORMAT ": %s", name, no, read_failure(io));
      return FALSE;
    }
    have += got;
    buf[have] = '\0';
    char *line = buf, *nl;
    while ((nl = memchr(line, '\n', have - (line - buf)))) {
      *nl = '\0';
      if (!read_line(log, line, no++, name, error))
        return FALSE;
      line = nl + 1;
    }
    have -= line - buf;
    memmove(buf, line, have);
    buf[have] = '\0';
    if (got == 0) /* the end: a last line without a newline */
      return have == 0 || read_line(log, buf, no, name, error);
  }
}

gboolean
calibrate_alb_read(CalAlbLog *log, const char *path, const char *name,
                   GError **error)
{
  g_autoptr(GError) io = NULL;
  if (g_access(path, R_OK) != 0) {
    int saved = errno; /* what open(2) would say, without GIO's prefix */
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO, "%s: %s", name,
                g_strerror(saved));
    return FALSE;
  }
  g_autoptr(GInputStream) in = open_log(path, &io);
  if (!in) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO, "%s: %s", name,
                io->message);
    return FALSE;
  }
  log->sorted = FALSE;
  return read_stream(log, in, name, error);
}

/* A binary min-heap of departure times. */
typedef struct {
  gint64 *v;
  gsize n;
} Heap;

static void
heap_push(Heap *h, gint64 x)
{
  gsize i = h->n++;
  while (i > 0 && h->v[(i - 1) / 2] > x) {
    h->v[i] = h->v[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  h->v[i] = x;
}

static gint64
heap_pop(Heap *h)
{
  gint64 top = h->v[0], x = h->v[--h->n];
  gsize i = 0;
  for (;;) {
    gsize c = 2 * i + 1;
    if (c >= h->n)
      break;
    if (c + 1 < h->n && h->v[c + 1] < h->v[c])
      c++;
    if (h->v[c] >= x)
      break;
    h->v[i] = h->v[c];
    i = c;
  }
  if (h->n > 0)
    h->v[i] = x;
  return top;
}

static int
cmp_request(const void *a, const void *b)
{
  const CalAlbRequest *x = a, *y = b;
  if (x->target != y->target)
    return x->target < y->target ? -1 : 1;
  if (x->arrive != y->arrive)
    return x->arrive < y->arrive ? -1 : 1;
  return (x->depart > y->depart) - (x->depart < y->depart);
}

static int
cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* The requests in the order the replay needs, sorted once: the slot
 * searches replay the log many times. */
static void
sort_requests(CalAlbLog *log)
{
  if (log->sorted)
    return;
  g_array_sort(log->requests, cmp_request);
  log->sorted = TRUE;
}

/* Walks the requests of each target in arrival order. The heap holds the
 * departures of earlier arrivals that may still be there; a request
 * starts at the later of its arrival, its predecessor's start (FCFS) and
 * the departure that brings the others present below @slots. Counts in
 * *@n and sums in *@sum the positive service times of the requests that
 * arrived in [@from, @until), storing them in @out unless it is NULL. */
static void
replay(CalAlbLog *log, guint slots, gint64 from, gint64 until, double *out,
       gsize *n, gsize *negative, double *sum)
{
  sort_requests(log);
  gsize total = log->requests->len;
  const CalAlbRequest *r = (const CalAlbRequest *) log->requests->data;
  Heap h = { g_new(gint64, MAX(total, 1)), 0 };
  gint64 prev_start = 0;
  *n = *negative = 0;
  *sum = 0;
  for (gsize i = 0; i < total; i++) {
    if (i == 0 || r[i].target != r[i - 1].target)
      h.n = 0, prev_start = G_MININT64;
    gint64 start = MAX(r[i].arrive, prev_start);
    while (h.n > 0 && h.v[0] <= start)
      heap_pop(&h);
    while (slots > 0 && h.n >= slots) {
      gint64 freed = heap_pop(&h); /* not inside MAX(): a macro */
      start = MAX(start, freed);
    }
    prev_start = start;
    heap_push(&h, r[i].depart);
    if (r[i].arrive < from || r[i].arrive >= until)
      continue;
    gint64 service = r[i].depart - start;
    if (service < -ROUNDING_US)
      (*negative)++;
    else if (service > 0) {
      if (out)
        out[*n] = service / 1e6;
      (*n)++;
      *sum += service / 1e6;
    }
  }
  g_free(h.v);
}

double *
calibrate_alb_service_times(CalAlbLog *log, guint slots, gint64 from,
                            gint64 until, gsize *n, gsize *negative)
{
  double sum;
  double *out = g_new(double, MAX(log->requests->len, 1));
  replay(log, slots, from, until, out, n, negative, &sum);
  qsort(out, *n, sizeof *out, cmp_double);
  return out;
}

double
calibrate_alb_mean_service_time(CalAlbLog *log, guint slots, gint64 from,
                                gint64 until)
{
  gsize n, negative;
  double sum;
  replay(log, slots, from, until, NULL, &n, &negative, &sum);
  return n ? sum / n : 0;
}

static gboolean
consistent(CalAlbLog *log, guint slots, gint64 from, gint64 until)
{
  gsize n, negative;
  double sum;
  replay(log, slots, from, until, NULL, &n, &negative, &sum);
  return negative == 0;
}

/* More slots never start a request later (by induction over the
 * arrivals: each start is the earliest time after the predecessor's
 * start at which fewer than c earlier requests remain), so consistency
 * is monotone in c: doubling, then bisection, finds the smallest c in
 * O(log c) replays rather than c. */
guint
calibrate_alb_min_slots(CalAlbLog *log, gint64 from, gint64 until, guint max)
{
  guint lo = 0, hi = 1; /* lo inconsistent (or 0), hi to try */
  /* max itself is never replayed: it is the answer "max or more". */
  while (hi < max && !consistent(log, hi, from, until))
    lo = hi, hi = MIN((guint64) hi * 2, max);
  while (hi - lo > 1) {
    guint mid = lo + (hi - lo) / 2;
    if (consistent(log, mid, from, until))
      hi = mid;
    else
      lo = mid;
  }
  return hi;
}
