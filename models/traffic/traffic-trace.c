/* Rate traces: CSV "time,rate" rows, read whole into a RateTable (their
 * rates are needed at run time anyway). Counts are in traffic-counts.c. */
#include "models/traffic/traffic-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "models/input/civil-time.h"
#include "models/input/input.h"

static gboolean
io_error(GError **error, const char *display, int err)
{
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
              "%s: cannot read: %s", display, g_strerror(err));
  return FALSE;
}

/* Reads all of @path into a new NUL-terminated buffer. */
static char *
read_whole(const char *path, const char *display, gsize *len,
           GError **error)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    io_error(error, display, errno);
    return NULL;
  }
  GString *s = g_string_sized_new(1 << 16);
  char chunk[1 << 16];
  size_t got;
  while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
    g_string_append_len(s, chunk, (gssize) got);
  int err = ferror(f) ? errno : 0;
  fclose(f);
  if (err != 0 || memchr(s->str, '\0', s->len) != NULL) {
    g_string_free(s, TRUE);
    if (err != 0)
      io_error(error, display, err);
    else
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                  "%s: not a text file", display);
    return NULL;
  }
  *len = s->len;
  return g_string_free(s, FALSE);
}

/* Sets @error to "FILE:LINE: message" (code SYNTAX). */
static void G_GNUC_PRINTF(4, 5)
line_error(GError **error, const char *display, guint64 line,
           const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
              "%s:%" G_GUINT64_FORMAT ": %s", display, line, msg);
}

/* Seconds for messages: "903.0", "901.25". */
static void
format_seconds(double s, char *buf, gsize size)
{
  if (!(fabs(s) < 1e15)) { /* no run of digits, and no trimming */
    g_snprintf(buf, size, "%g", s);
    return;
  }
  g_snprintf(buf, size, "%.6f", s);
  char *end = buf + strlen(buf) - 1;
  while (end[0] == '0' && end[-1] != '.')
    *end-- = '\0';
}

/* A number at *p (after blanks), advancing *p. Integers take a fast path:
 * counts files hold millions of them. */
static gboolean
read_number(const char **p, double *out)
{
  const char *s = *p;
  while (*s == ' ' || *s == '\t')
    s++;
  const char *d = s;
  guint64 v = 0;
  while (g_ascii_isdigit(*d) && d - s < 15)
    v = v * 10 + (guint64) (*d++ - '0');
  if (d > s && !g_ascii_isdigit(*d) && *d != '.' && *d != 'e' && *d != 'E') {
    *out = (double) v;
    *p = d;
    return TRUE;
  }
  char *end = NULL;
  double x = g_ascii_strtod(s, &end);
  if (end == s || !isfinite(x))
    return FALSE;
  *out = x;
  *p = end;
  return TRUE;
}

/* The line at @p ends at the returned pointer ('\n' or NUL); a '\r'
 * before the newline is not part of it. */
static const char *
line_end(const char *p, const char **next)
{
  const char *e = strchr(p, '\n');
  if (e == NULL)
    e = p + strlen(p);
  *next = *e ? e + 1 : e;
  if (e > p && e[-1] == '\r')
    e--;
  return e;
}

static gboolean
is_blank_or_comment(const char *p, const char *end)
{
  while (p < end && g_ascii_isspace(*p))
    p++;
  return p == end || *p == '#';
}

/* A row's time at *p: seconds, or an ISO-8601 time (as CloudWatch's CSV
 * exports write it; no zone is UTC) in seconds since the epoch. */
static gboolean
read_time(const char **p, double *out)
{
  const char *s = *p;
  while (*s == ' ' || *s == '\t')
    s++;
  if (!civil_looks_like_date(s))
    return read_number(p, out);
  CivilTime ct;
  if (!civil_time_parse_iso(&s, &ct))
    return FALSE;
  *out = (double) ct.utc / G_USEC_PER_SEC;
  *p = s;
  return TRUE;
}

typedef struct {
  GArray *time, *rate;
  double prev;          /* time of the last row kept */
  gboolean header_done; /* a header can only be the first line */
} CsvState;

/* Parses one CSV row; returns FALSE with a reason in @why (new string). */
static gboolean
csv_row(CsvState *st, const char *p, const char *end, char **why)
{
  g_autofree char *row = g_strndup(p, (gsize) (end - p));
  const char *s = row;
  double t, r;
  gboolean first = !st->header_done;
  st->header_done = TRUE;
  if (!read_time(&s, &t)) {
    if (first)
      return TRUE; /* a header line such as "time,rate" */
    *why = g_strdup_printf("expected \"time,rate\", got '%.40s'", row);
    return FALSE;
  }
  /* "time,rate", or "time rate" as some tools write it */
  const char *sep = s;
  while (*s == ' ' || *s == '\t')
    s++;
  if (*s == ',')
    s++;
  else if (s == sep)
    s = "";
  if (!read_number(&s, &r) ||
      !is_blank_or_comment(s, s + strlen(s))) {
    *why = g_strdup_printf("expected \"time,rate\", got '%.40s'", row);
    return FALSE;
  }
  if (r < 0) {
    *why = g_strdup_printf("rate must be >= 0, got %g", r);
    return FALSE;
  }
  if (st->time->len > 0 && t <= st->prev) {
    char a[40], b[40];
    format_seconds(t, a, sizeof a);
    format_seconds(st->prev, b, sizeof b);
    *why = t < st->prev
      ? g_strdup_printf("timestamp goes backwards (%s < %s)", a, b)
      : g_strdup_printf("time %s repeats the previous row's", a);
    return FALSE;
  }
  st->prev = t;
  g_array_append_val(st->time, t);
  g_array_append_val(st->rate, r);
  return TRUE;
}

gboolean
traffic_read_csv(const char *path, const char *display, gboolean lenient,
                 gboolean linear, RateTable *t, guint64 *skipped,
                 GError **error)
{
  gsize len;
  g_autofree char *text = read_whole(path, display, &len, error);
  if (text == NULL)
    return FALSE;
  CsvState st = { g_array_new(FALSE, FALSE, sizeof(double)),
                  g_array_new(FALSE, FALSE, sizeof(double)), 0, FALSE };
  guint64 line = 0;
  *skipped = 0;
  for (const char *p = text, *next; *p; p = next) {
    const char *end = line_end(p, &next);
    line++;
    if (is_blank_or_comment(p, end))
      continue;
    g_autofree char *why = NULL;
    if (csv_row(&st, p, end, &why))
      continue;
    if (!lenient) {
      line_error(error, display, line, "%s", why);
      goto fail;
    }
    (*skipped)++;
  }
  if (st.time->len < 2) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                st.time->len == 0 ? "%s: no \"time,rate\" rows"
                                  : "%s: needs at least two rows (the last "
                                    "row's rate lasts as long as the gap "
                                    "before it)", display);
    goto fail;
  }
  /* Times count from the first row, so epoch times work; the last row
   * lasts as long as the gap before it, so regular samples cover n
   * intervals. */
  double *tm = (double *) (void *) st.time->data, t0 = tm[0];
  guint n = st.time->len;
  if (!isfinite(2 * (tm[n - 1] - t0) - (tm[n - 2] - t0))) {
    char a[40], b[40];
    format_seconds(t0, a, sizeof a);
    format_seconds(tm[n - 1], b, sizeof b);
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: times from %s to %s are too far apart", display, a, b);
    goto fail;
  }
  for (guint i = 0; i < n; i++)
    tm[i] -= t0;
  *t = (RateTable) { 0 };
  t->n = st.time->len;
  t->end = 2 * tm[t->n - 1] - tm[t->n - 2];
  t->time = (double *) (void *) g_array_free(st.time, FALSE);
  t->rate = (double *) (void *) g_array_free(st.rate, FALSE);
  t->linear = linear;
  return TRUE;
fail:
  g_array_free(st.time, TRUE);
  g_array_free(st.rate, TRUE);
  return FALSE;
}
