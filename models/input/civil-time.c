/* Calendar times in text (see civil-time.h). The day arithmetic is
 * Howard Hinnant's "chrono-compatible low-level date algorithms". */
#include "models/input/civil-time.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static gint64
days_from_civil(gint64 y, int m, int d)
{
  y -= m <= 2;
  gint64 era = (y >= 0 ? y : y - 399) / 400;
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The date of day @z since 1970-01-01. */
static void
civil_from_days(gint64 z, gint64 *y, int *m, int *d)
{
  z += 719468;
  gint64 era = (z >= 0 ? z : z - 146096) / 146097;
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;
  *d = (int) (doy - (153 * mp + 2) / 5 + 1);
  *m = (int) (mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

int
civil_digits(const char **p, int n)
{
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (!g_ascii_isdigit((*p)[i]))
      return -1;
    v = v * 10 + ((*p)[i] - '0');
  }
  *p += n;
  return v;
}

gboolean
civil_time_make(int y, int mo, int d, int h, int mi, int s, gint64 frac_us,
                gint64 zone_s, CivilTime *out)
{
  static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (!(y >= 0 && mo >= 1 && mo <= 12 && d >= 1 && d <= mdays[mo - 1] &&
        h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 60))
    return FALSE;
  gint64 local = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60 + s;
  out->local = local * G_USEC_PER_SEC + frac_us;
  out->utc = out->local - zone_s * G_USEC_PER_SEC;
  return TRUE;
}

gint64
civil_fraction_us(const char **p)
{
  gint64 us = 0, scale = 100000;
  if (**p != '.' && **p != ',')
    return 0;
  for ((*p)++; g_ascii_isdigit(**p); (*p)++, scale /= 10)
    us += (**p - '0') * scale;
  return us;
}

gboolean
civil_time_parse_iso(const char **p, CivilTime *out)
{
  const char *s = *p;
  int y = civil_digits(&s, 4), mo = -1, d = -1, h = 0, mi = 0, sec = 0;
  if (y >= 0 && *s++ == '-' && (mo = civil_digits(&s, 2)) >= 0 &&
      *s++ == '-')
    d = civil_digits(&s, 2);
  if (d < 0)
    return FALSE;
  gint64 frac = 0, zone = 0;
  if ((*s == 'T' || *s == ' ') && g_ascii_isdigit(s[1])) {
    s++;
    if ((h = civil_digits(&s, 2)) < 0 || *s++ != ':' ||
        (mi = civil_digits(&s, 2)) < 0)
      return FALSE;
    if (*s == ':' && (s++, (sec = civil_digits(&s, 2)) < 0))
      return FALSE;
    frac = civil_fraction_us(&s);
  }
  gboolean zoned = FALSE;
  if (*s == 'Z') {
    s++;
    zoned = TRUE;
  } else if ((*s == '+' || *s == '-') && g_ascii_isdigit(s[1])) {
    int sign = *s++ == '-' ? -1 : 1, zh = civil_digits(&s, 2), zm;
    if (*s == ':')
      s++;
    if (zh < 0 || (zm = civil_digits(&s, 2)) < 0)
      return FALSE;
    zone = sign * (zh * 3600 + zm * 60);
    zoned = TRUE;
  }
  CivilTime t;
  if (!civil_time_make(y, mo, d, h, mi, sec, frac, zone, &t))
    return FALSE;
  t.zoned = zoned;
  *out = t;
  *p = s;
  return TRUE;
}

gboolean
civil_looks_like_date(const char *s)
{
  return g_ascii_isdigit(s[0]) && g_ascii_isdigit(s[1]) &&
    g_ascii_isdigit(s[2]) && g_ascii_isdigit(s[3]) && s[4] == '-';
}

char *
civil_time_format(gint64 utc_us, int fraction_digits, const char *zone)
{
  gint64 secs = utc_us >= 0 ? utc_us / G_USEC_PER_SEC
                            : -((-utc_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  gint64 us = utc_us - secs * G_USEC_PER_SEC;
  gint64 days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
  gint64 sod = secs - days * 86400, y;
  int m, d;
  civil_from_days(days, &y, &m, &d);
  GString *s = g_string_new(NULL);
  g_string_append_printf(s, "%04" G_GINT64_FORMAT "-%02d-%02dT%02d:%02d:%02d",
                         y, m, d, (int) (sod / 3600), (int) (sod / 60 % 60),
                         (int) (sod % 60));
  if (fraction_digits == 6)
    g_string_append_printf(s, ".%06d", (int) us);
  else if (fraction_digits == 3)
    g_string_append_printf(s, ".%03d", (int) (us / 1000));
  g_string_append(s, zone);
  return g_string_free(s, FALSE);
}
