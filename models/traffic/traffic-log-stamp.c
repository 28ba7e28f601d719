/* Request logs: one request per line, replayed at the logged times.
 *
 * This file reads the time stamps of a log's lines; traffic-log.c checks
 * the log and streams it in arrival order. */
#include "models/traffic/traffic-private.h"

#include <string.h>

#include "models/input/alb-line.h"
#include "models/input/civil-time.h"

#define ALB_CREATION_FIELD 22 /* request_creation_time */

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

/* The start of the field @n fields after the one ending at @s, or NULL
 * when the line ends first (alb_line_field(): quoted fields may hold
 * blanks and \" escapes). */
static const char *
alb_skip_fields(const char *s, int n)
{
  const char *start;
  gsize len;
  for (int i = 1; i < n; i++)
    if (!alb_line_field(&s, &start, &len))
      return NULL;
  return alb_line_field(&s, &start, &len) ? start : NULL;
}

/* An ALB line's arrival: its request_creation_time (the 22nd field),
 * when the line has one, else its `time` (already in @st, as the key). */
static gboolean
alb_creation_time(const char *after_time, LogStamp *st)
{
  const char *s = alb_skip_fields(after_time, ALB_CREATION_FIELD - 2);
  if (s == NULL || (s[0] == '-' && (s[1] == '\0' || s[1] == ' ')))
    return TRUE; /* an older line, or none recorded */
  LogStamp c;
  const char *p = s;
  if (!parse_iso(&p, &c) || (*p && !g_ascii_isspace(*p)))
    return FALSE;
  st->utc = c.utc;
  st->local = c.local;
  st->has_wall = TRUE;
  st->text = s;
  st->text_len = (int) MIN(p - s, STAMP_TEXT_MAX - 1);
  return TRUE;
}

LineKind
traffic_log_parse_line(TraceFormat format, const char *line, LogStamp *st,
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
    st->text_len = (int) MIN(s - st->text, STAMP_TEXT_MAX - 1);
    st->key = st->utc;
    st->key_text = st->text;
    st->key_text_len = st->text_len;
    reason = "expected an ISO-8601 request_creation_time (field 22) or -";
    if (!alb_creation_time(s, st))
      goto bad;
    return LINE_RECORD;
  default:
    g_assert_not_reached();
  }
  st->text_len = (int) MIN(s - st->text, STAMP_TEXT_MAX - 1);
  st->key = st->utc;
  st->key_text = st->text;
  st->key_text_len = st->text_len;
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
