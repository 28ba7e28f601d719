/* Telling a trace file's format from its content.
 *
 * The first line decides for the formats that carry words or dates (ALB,
 * CLF, ISO-8601 timestamps, CSV with commas). Files of plain numbers are
 * the hard case: counts per interval, a column of timestamps and a
 * "time rate" table all look alike line by line, and reading one as
 * another gives absurd figures (epoch seconds read as 1.7e9 requests a
 * second). So their shape over a sample of lines decides, by the rules in
 * traffic_guess_format()'s comment, and a file the rules cannot place is
 * reported as ambiguous rather than guessed. */
#include "models/traffic/traffic-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "models/input/civil-time.h"
#include "models/input/input.h"

#define SAMPLE_BYTES (1 << 20)
#define SAMPLE_LINES 1000
#define SORTED_LINES 100 /* whole numbers that never go down: a log */
#define EPOCH_MIN 1e8    /* seconds: March 1973; as a count, absurd */

/* What the numbers-only lines of the sample look like. */
typedef struct {
  guint64 lines;       /* lines of numbers only */
  int min_cols, max_cols;
  gboolean frac;       /* some number has a fractional part */
  gboolean all_big;    /* every number >= EPOCH_MIN */
  guint64 up, down;    /* steps of the first column */
  gboolean first_inc;  /* the first column strictly increases */
  double prev;         /* the last line's first number */
} Shape;

static const char *const alb_types[] = {
  "http", "https", "h2", "grpcs", "ws", "wss", NULL
};

/* Whether @s starts with "YYYY-MM-DD". */
static gboolean
starts_with_date(const char *s)
{
  for (int i = 0; i < 10; i++) {
    gboolean dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : !g_ascii_isdigit(s[i]))
      return FALSE;
  }
  return TRUE;
}

/* Whether @s is an ISO-8601 time that ends at a comma followed by a
 * number ("2024-09-15T04:33:00Z,12.5", a CloudWatch CSV export). A
 * decimal comma ("04:33:00,123", a log's milliseconds) is the time's. */
static gboolean
iso_then_comma(const char *s)
{
  CivilTime t;
  if (!civil_time_parse_iso(&s, &t) || *s != ',')
    return FALSE;
  s++;
  while (*s == ' ')
    s++;
  return g_ascii_isdigit(*s) || (*s == '.' && g_ascii_isdigit(s[1]));
}

/* The format a line with words or dates shows, or AUTO. */
static TraceFormat
worded_line(const char *s, const char **rule)
{
  const char *sp = strchr(s, ' ');
  if (sp != NULL && starts_with_date(sp + 1)) {
    g_autofree char *type = g_strndup(s, (gsize) (sp - s));
    if (g_strv_contains(alb_types, type)) {
      *rule = "lines start with a request type and an ISO-8601 time";
      return TRACE_FORMAT_ALB;
    }
  }
  const char *br = strchr(s, '[');
  if (br && g_ascii_isdigit(br[1]) && g_ascii_isdigit(br[2]) && br[3] == '/') {
    *rule = "lines hold a [dd/Mon/yyyy:HH:MM:SS zone] date";
    return TRACE_FORMAT_CLF;
  }
  if (starts_with_date(s) && iso_then_comma(s)) {
    *rule = "rows of an ISO-8601 time, a comma and a rate";
    return TRACE_FORMAT_CSV;
  }
  if (starts_with_date(s)) {
    *rule = "lines start with an ISO-8601 date";
    return TRACE_FORMAT_TIMESTAMPS;
  }
  if (strchr(s, ',') != NULL) {
    *rule = "comma-separated rows";
    return TRACE_FORMAT_CSV;
  }
  return TRACE_FORMAT_AUTO;
}

/* Adds a line to @sh if it holds numbers only; FALSE otherwise. */
static gboolean
shape_add(Shape *sh, const char *s)
{
  double first = 0, x;
  int cols = 0;
  gboolean frac = FALSE, big = TRUE;
  for (;;) {
    while (g_ascii_isspace(*s)) /* '\r' of CRLF lines too */
      s++;
    if (*s == '\0' || *s == '#')
      break;
    char *end = NULL;
    x = g_ascii_strtod(s, &end);
    if (end == s || !isfinite(x) || (*end && !g_ascii_isspace(*end) &&
                                     *end != '#'))
      return FALSE;
    if (cols++ == 0)
      first = x;
    frac |= x != floor(x);
    big &= x >= EPOCH_MIN;
    s = end;
  }
  if (cols == 0)
    return FALSE;
  if (sh->lines == 0) {
    *sh = (Shape) { .min_cols = cols, .max_cols = cols, .all_big = TRUE,
                    .first_inc = TRUE };
  } else {
    sh->up += first > sh->prev;
    sh->down += first < sh->prev;
    sh->first_inc &= first > sh->prev;
  }
  sh->lines++;
  sh->min_cols = MIN(sh->min_cols, cols);
  sh->max_cols = MAX(sh->max_cols, cols);
  sh->frac |= frac;
  sh->all_big &= big;
  sh->prev = first;
  return TRUE;
}

/* One number per line. */
static void
judge_column(const Shape *sh, TraceGuess *g)
{
  gboolean sorted = sh->down * 100 <= sh->lines - 1;
  g->format = TRACE_FORMAT_COUNTS;
  if (sh->lines == 1 || (sorted && sh->up == 0)) {
    if (sh->all_big) {
      g->format = TRACE_FORMAT_TIMESTAMPS;
      g->rule = "numbers of 1e8 or more (epoch seconds)";
    } else {
      g->rule = sh->lines == 1 ? "a single number" : "one number per line, "
                "all the same";
    }
  } else if (sorted && (sh->frac || sh->all_big ||
                        sh->lines >= SORTED_LINES)) {
    g->format = TRACE_FORMAT_TIMESTAMPS;
    g->rule = sh->all_big ? "one column of numbers of 1e8 or more that "
                            "never goes down (epoch seconds)"
      : sh->frac ? "one column of numbers with fractions that never goes "
                   "down"
      : "one column of 100 or more numbers that never goes down";
  } else if (sorted) {
    g->rival = TRACE_FORMAT_TIMESTAMPS;
    g->rule = "one column of fewer than 100 whole numbers that never "
              "goes down";
  } else if (sh->frac || sh->all_big) {
    g->format = TRACE_FORMAT_TIMESTAMPS;
    g->rival = TRACE_FORMAT_COUNTS;
    g->rule = sh->frac ? "one column of numbers with fractions that goes "
                         "down" : "one column of numbers of 1e8 or more "
                                  "that goes down";
  } else {
    g->rule = "one column of whole numbers that goes up and down";
  }
}

/* Numbers only, on @sh->lines lines. */
static void
judge_numbers(const Shape *sh, TraceGuess *g)
{
  g->format = TRACE_FORMAT_COUNTS;
  g->rival = TRACE_FORMAT_AUTO;
  g->column = sh->max_cols == 1;
  if (g->column) {
    judge_column(sh, g);
  } else if (sh->max_cols >= 3) {
    g->rule = "three or more numbers on a line";
  } else if (sh->lines == 1) {
    g->rule = "a single line of two numbers";
  } else if (sh->min_cols != sh->max_cols) {
    g->rule = "lines of one and of two numbers";
  } else if (!sh->first_inc) {
    g->rule = "two numbers per line, the first not increasing";
  } else if (sh->lines >= 3) {
    g->format = TRACE_FORMAT_CSV;
    g->rule = "two numbers per line, the first increasing (time rate)";
  } else {
    g->format = TRACE_FORMAT_CSV;
    g->rival = TRACE_FORMAT_COUNTS;
    g->rule = "two lines of two numbers, the first increasing";
  }
}

/* Reads the sample: the first SAMPLE_BYTES of @path, NUL-terminated, cut
 * back to its last whole token when the file goes on. */
static char *
read_sample(const char *path, const char *display, GError **error)
{
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read: %s", display, g_strerror(errno));
    return NULL;
  }
  char *buf = g_malloc(SAMPLE_BYTES + 1);
  size_t n = fread(buf, 1, SAMPLE_BYTES, f);
  int err = ferror(f) ? errno : 0;
  gboolean more = n == SAMPLE_BYTES && fgetc(f) != EOF;
  fclose(f);
  const char *nul = memchr(buf, '\0', n);
  if (err != 0 || nul != NULL) {
    guint64 line = 1;
    for (const char *p = buf; nul && p < nul; p++)
      line += *p == '\n';
    if (err != 0)
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                  "%s: cannot read: %s", display, g_strerror(err));
    else
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                  "%s:%" G_GUINT64_FORMAT ": a NUL byte: not a text file",
                  display, line);
    g_free(buf);
    return NULL;
  }
  while (more && n > 0 && !g_ascii_isspace(buf[n - 1]))
    n--;
  buf[n] = '\0';
  return buf;
}

static gboolean
is_blank_or_comment(const char *s)
{
  while (g_ascii_isspace(*s))
    s++;
  return *s == '\0' || *s == '#';
}

/* A sample that starts with '{': CloudWatch output when it names either
 * shape's array (cloudwatch.h) before the sample ends. @rest is the
 * sample after the first line (its line breaks turned into NULs up to
 * there). */
static gboolean
json_guess(const char *first, const char *rest, const char *display,
           TraceGuess *g, GError **error)
{
  if (strstr(first, "\"MetricDataResults\"") != NULL ||
      strstr(first, "\"Datapoints\"") != NULL ||
      strstr(rest, "\"MetricDataResults\"") != NULL ||
      strstr(rest, "\"Datapoints\"") != NULL) {
    g->format = TRACE_FORMAT_CLOUDWATCH;
    g->rule = "JSON with \"MetricDataResults\" or \"Datapoints\" "
              "(aws cloudwatch get-metric-data or get-metric-statistics)";
    return TRUE;
  }
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "%s: JSON, but not CloudWatch output (no \"MetricDataResults\" "
              "or \"Datapoints\"): traces are counts, csv, cloudwatch or "
              "request logs", display);
  return FALSE;
}

gboolean
traffic_guess_format(const char *path, const char *display, TraceGuess *g,
                     GError **error)
{
  g_autofree char *text = read_sample(path, display, error);
  if (text == NULL)
    return FALSE;
  Shape sh = { 0 };
  guint64 line = 0, data = 0;
  *g = (TraceGuess) { TRACE_FORMAT_AUTO, TRACE_FORMAT_AUTO, NULL, FALSE };
  for (char *p = text, *next; *p && data < SAMPLE_LINES; p = next) {
    char *nl = strchr(p, '\n');
    next = nl ? nl + 1 : p + strlen(p);
    if (nl)
      *nl = '\0';
    line++;
    if (is_blank_or_comment(p))
      continue;
    while (g_ascii_isspace(*p))
      p++;
    if (data == 0 && *p == '{')
      return json_guess(p, next, display, g, error);
    /* the first data line decides unless it is numbers; a line that is
     * not numbers ends the sample (the reader will name it) */
    if (data++ == 0 && (g->format = worded_line(p, &g->rule)))
      return TRUE;
    if (!shape_add(&sh, p))
      break;
  }
  if (sh.lines > 0) {
    judge_numbers(&sh, g);
    return TRUE;
  }
  if (data == 0)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: empty file", display);
  else
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                "%s:%" G_GUINT64_FORMAT ": cannot tell the file's format "
                "from this line; name it (counts, csv, cloudwatch, timestamps, "
                "clf or alb)", display, line);
  return FALSE;
}

static gboolean
is_log_format(TraceFormat f)
{
  return f == TRACE_FORMAT_TIMESTAMPS || f == TRACE_FORMAT_CLF ||
    f == TRACE_FORMAT_ALB;
}

gboolean
traffic_detect_format(const char *path, const char *display,
                      gboolean want_log, TraceFormat *out, GError **error)
{
  TraceGuess g;
  if (!traffic_guess_format(path, display, &g, error))
    return FALSE;
  *out = g.format;
  /* A scenario's "trace" or "log" says which family the file is of: a
   * column of numbers is then a log's timestamps or a trace's counts,
   * unless the numbers rule it out. */
  if (g.rival != TRACE_FORMAT_AUTO && is_log_format(g.rival) == want_log)
    *out = g.rival;
  else if (want_log && g.format == TRACE_FORMAT_COUNTS && g.column)
    *out = TRACE_FORMAT_TIMESTAMPS;
  return TRUE;
}

const char *
traffic_format_name(TraceFormat f)
{
  static const char *const names[] = {
    "auto", "counts", "csv", "timestamps", "clf", "alb", "cloudwatch",
  };
  g_return_val_if_fail((guint) f < G_N_ELEMENTS(names), "auto");
  return names[f];
}
