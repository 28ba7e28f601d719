/* Counts per interval: whitespace-separated numbers, streamed.
 *
 * A counts file can be hundreds of megabytes on one line (a year of
 * per-second counts), so it is read in fixed blocks by a byte-at-a-time
 * scanner that keeps only the current token: memory does not grow with
 * the file or the line. A scenario keeps the rates (it needs them at run
 * time); `ecsim trace` consumes them as they come. */
#include "models/traffic/traffic-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"

#define BLOCK (1 << 16)
#define TOKEN_MAX 64 /* longer is not a count anyone wrote */

typedef struct {
  gboolean lenient;
  TrafficCountFunc fn;
  gpointer data;
  char tok[TOKEN_MAX + 1];
  gsize toklen;         /* may exceed TOKEN_MAX: then the token is bad */
  gboolean comment;     /* inside a '#' comment */
  guint64 line, counts; /* the current line; counts accepted so far */
  GArray *pending;      /* lenient: the line's counts, until it ends well */
  gboolean line_bad;
  guint64 skipped;
  char *why;            /* the first bad token's reason */
} Scanner;

/* The count in @tok, or -1 with @sc->why set. */
static double
token_value(Scanner *sc, guint64 index)
{
  const char *t = sc->tok;
  double x = 0;
  gsize i = 0;
  if (sc->toklen <= 15) { /* fast path: plain digits */
    while (i < sc->toklen && g_ascii_isdigit(t[i]))
      x = x * 10 + (t[i++] - '0');
  }
  if (i == 0 || i < sc->toklen) {
    char *end = NULL;
    x = sc->toklen > TOKEN_MAX ? NAN : g_ascii_strtod(t, &end);
    if (sc->toklen > TOKEN_MAX || end != t + sc->toklen || !isfinite(x)) {
      sc->why = g_strdup_printf("count %" G_GUINT64_FORMAT " is not a "
                                "number: '%.40s'", index, t);
      return -1;
    }
  }
  if (x < 0) {
    sc->why = g_strdup_printf("count %" G_GUINT64_FORMAT " must be >= 0, "
                              "got %g", index, x);
    return -1;
  }
  return x;
}

/* Ends the current token. FALSE when it is bad and not lenient. */
static gboolean
end_token(Scanner *sc)
{
  if (sc->toklen == 0)
    return TRUE;
  sc->tok[MIN(sc->toklen, TOKEN_MAX)] = '\0';
  guint64 index = sc->counts + (sc->pending ? sc->pending->len : 0) + 1;
  double x = sc->line_bad ? 0 : token_value(sc, index);
  sc->toklen = 0;
  if (x < 0) {
    if (!sc->lenient)
      return FALSE;
    sc->line_bad = TRUE;
    g_clear_pointer(&sc->why, g_free);
  } else if (!sc->line_bad && sc->pending) {
    g_array_append_val(sc->pending, x);
  } else if (!sc->line_bad) {
    sc->counts++;
    sc->fn(x, sc->data);
  }
  return TRUE;
}

/* Ends the current line: under lenient parsing its counts go out now, or
 * are dropped (and the line counted) when one was bad. */
static void
end_line(Scanner *sc)
{
  if (sc->pending) {
    if (sc->line_bad)
      sc->skipped++;
    else
      for (guint i = 0; i < sc->pending->len; i++, sc->counts++)
        sc->fn(g_array_index(sc->pending, double, i), sc->data);
    g_array_set_size(sc->pending, 0);
  }
  sc->line_bad = FALSE;
  sc->comment = FALSE;
  sc->line++;
}

/* Scans @n bytes. FALSE at the first bad token (not lenient) or NUL. */
static gboolean
scan_block(Scanner *sc, const char *p, gsize n)
{
  for (gsize i = 0; i < n; i++) {
    char c = p[i];
    if (c == '\0') {
      sc->why = g_strdup("a NUL byte: not a text file");
      return FALSE;
    }
    if (g_ascii_isspace(c) || c == '#') {
      if (!end_token(sc))
        return FALSE;
      if (c == '\n')
        end_line(sc);
      else if (c == '#')
        sc->comment = TRUE;
    } else if (!sc->comment) {
      if (sc->toklen < TOKEN_MAX)
        sc->tok[sc->toklen] = c;
      sc->toklen += sc->toklen <= TOKEN_MAX;
    }
  }
  return TRUE;
}

gboolean
traffic_counts_scan(const char *path, const char *display, gboolean lenient,
                    TrafficCountFunc fn, gpointer data, guint64 *counts,
                    guint64 *skipped, GError **error)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read: %s", display, g_strerror(errno));
    return FALSE;
  }
  Scanner sc = { .lenient = lenient, .fn = fn,
                 .data = data, .line = 1 };
  if (lenient)
    sc.pending = g_array_new(FALSE, FALSE, sizeof(double));
  char *block = g_malloc(BLOCK);
  gboolean ok = TRUE;
  size_t got;
  while (ok && (got = fread(block, 1, BLOCK, f)) > 0)
    ok = scan_block(&sc, block, got);
  int err = ferror(f) ? errno : 0;
  if (ok && err == 0 && (ok = end_token(&sc)))
    end_line(&sc);
  fclose(f);
  g_free(block);
  if (sc.pending)
    g_array_free(sc.pending, TRUE);
  if (err != 0)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read: %s", display, g_strerror(err));
  else if (!ok)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                "%s:%" G_GUINT64_FORMAT ": %s", display, sc.line, sc.why);
  else if (sc.counts == 0)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: no counts", display);
  g_free(sc.why);
  *counts = sc.counts;
  *skipped = sc.skipped;
  return ok && err == 0 && sc.counts > 0;
}

typedef struct {
  GArray *rates;
  double per;
} Collect;

static void
collect_count(double count, gpointer data)
{
  Collect *c = data;
  double r = count * c->per;
  g_array_append_val(c->rates, r);
}

gboolean
traffic_read_counts(const char *path, const char *display, double interval,
                    gboolean lenient, RateTable *t, guint64 *skipped,
                    GError **error)
{
  g_return_val_if_fail(interval > 0, FALSE);
  Collect c = { g_array_new(FALSE, FALSE, sizeof(double)), 1.0 / interval };
  guint64 n;
  if (!traffic_counts_scan(path, display, lenient, collect_count, &c, &n,
                           skipped, error)) {
    g_array_free(c.rates, TRUE);
    return FALSE;
  }
  *t = (RateTable) { 0 };
  t->n = c.rates->len;
  t->step = interval;
  t->end = (double) t->n * interval;
  t->rate = (double *) (void *) g_array_free(c.rates, FALSE);
  return TRUE;
}
