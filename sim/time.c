/* Parsing and formatting of simulated durations. */
#include "sim/time.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(sim-time-error-quark, sim_time_error)

typedef struct {
  const char *suffix;
  SimTime scale;
} TimeUnit;

/* Longest suffixes first so "ms" is not read as "m" followed by "s". */
static const TimeUnit time_units[] = {
  { "us", SIM_USEC }, { "ms", SIM_MSEC }, { "s", SIM_SEC },
  { "m", SIM_MIN }, { "h", SIM_HOUR }, { "d", SIM_DAY },
};

SimTime
sim_time_from_seconds(double seconds)
{
  double us = round(seconds * (double) SIM_SEC);
  if (us >= 9.2e18)
    return SIM_TIME_MAX;
  if (us <= -9.2e18)
    return -SIM_TIME_MAX;
  return (SimTime) us;
}

static gboolean
parse_failed(const char *text, const char *why, GError **error)
{
  g_set_error(error, SIM_TIME_ERROR, 0, "'%s' is not a duration (%s)", text,
              why);
  return FALSE;
}

/* Reads digits [.digits] at *p: the integer part in @whole and the
 * fraction as @frac / 10^@frac_digits (at most 9 digits kept). */
static gboolean
read_decimal(const char **p, uint64_t *whole, uint64_t *frac,
             int *frac_digits)
{
  const char *s = *p;
  gboolean any = FALSE;
  *whole = 0;
  *frac = 0;
  *frac_digits = 0;
  for (; g_ascii_isdigit(*s); s++, any = TRUE) {
    if (*whole > (UINT64_MAX - 9) / 10)
      return FALSE;
    *whole = *whole * 10 + (uint64_t) (*s - '0');
  }
  if (*s == '.') {
    s++;
    for (; g_ascii_isdigit(*s); s++, any = TRUE) {
      if (*frac_digits < 9) {
        *frac = *frac * 10 + (uint64_t) (*s - '0');
        (*frac_digits)++;
      }
    }
  }
  *p = s;
  return any;
}

static const TimeUnit *
read_unit(const char **p)
{
  for (gsize i = 0; i < G_N_ELEMENTS(time_units); i++) {
    gsize n = strlen(time_units[i].suffix);
    if (strncmp(*p, time_units[i].suffix, n) == 0 &&
        !g_ascii_isalpha((*p)[n])) {
      *p += n;
      return &time_units[i];
    }
  }
  return NULL;
}

/* whole.frac × scale, exact and rounded to the microsecond; FALSE on
 * overflow. */
static gboolean
scale_term(uint64_t whole, uint64_t frac, int frac_digits, SimTime scale,
           uint64_t *out)
{
  uint64_t pow10 = 1;
  for (int i = 0; i < frac_digits; i++)
    pow10 *= 10;
  if (whole > (uint64_t) INT64_MAX / (uint64_t) scale)
    return FALSE;
  /* frac < pow10 <= 1e9 and scale <= 8.64e10: use long double-free exact
   * split to keep the product inside 64 bits. */
  uint64_t part = (uint64_t) scale / pow10 * frac +
                  ((uint64_t) scale % pow10 * frac + pow10 / 2) / pow10;
  *out = whole * (uint64_t) scale + part;
  return *out <= (uint64_t) INT64_MAX;
}

gboolean
sim_time_parse(const char *text, SimTime *out, GError **error)
{
  g_return_val_if_fail(text != NULL && out != NULL, FALSE);
  const char *p = text;
  gboolean negative = FALSE;
  uint64_t total = 0;
  int terms = 0;

  while (g_ascii_isspace(*p))
    p++;
  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  if (*p == '\0')
    return parse_failed(text, "empty", error);

  while (*p != '\0' && !g_ascii_isspace(*p)) {
    uint64_t whole, frac, term;
    int frac_digits;
    if (!read_decimal(&p, &whole, &frac, &frac_digits))
      return parse_failed(text, "expected a number, e.g. 90s, 15m, 1h30m",
                          error);
    const TimeUnit *unit = read_unit(&p);
    if (unit == NULL) {
      if (*p != '\0' && !g_ascii_isspace(*p))
        return parse_failed(text, "units are us, ms, s, m, h, d", error);
      if (terms > 0)
        return parse_failed(text, "a unit is missing", error);
    }
    if (!scale_term(whole, frac, frac_digits, unit ? unit->scale : SIM_SEC,
                    &term) ||
        term > (uint64_t) INT64_MAX - total)
      return parse_failed(text, "too large", error);
    total += term;
    terms++;
    if (unit == NULL)
      break;
  }
  while (g_ascii_isspace(*p))
    p++;
  if (g_ascii_isalpha(*p))
    return parse_failed(text, "write the unit right after the number: us, "
                              "ms, s, m, h, d", error);
  if (*p != '\0')
    return parse_failed(text, "unexpected text after the value", error);
  *out = negative ? -(SimTime) total : (SimTime) total;
  return TRUE;
}

char *
sim_time_format(SimTime t, char *buf)
{
  static const TimeUnit order[] = {
    { "d", SIM_DAY }, { "h", SIM_HOUR }, { "m", SIM_MIN },
    { "s", SIM_SEC }, { "ms", SIM_MSEC }, { "us", SIM_USEC },
  };
  char *w = buf;
  uint64_t rest;
  if (t == 0) {
    strcpy(buf, "0s");
    return buf;
  }
  if (t < 0) {
    *w++ = '-';
    rest = (uint64_t) 0 - (uint64_t) t;
  } else {
    rest = (uint64_t) t;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(order) && rest > 0; i++) {
    uint64_t n = rest / (uint64_t) order[i].scale;
    if (n > 0) {
      w += sprintf(w, "%" G_GUINT64_FORMAT "%s", n, order[i].suffix);
      rest -= n * (uint64_t) order[i].scale;
    }
  }
  return buf;
}

char *
sim_time_format_clock(SimTime t, char *buf)
{
  const char *sign = t < 0 ? "-" : "";
  uint64_t us = t < 0 ? (uint64_t) 0 - (uint64_t) t : (uint64_t) t;
  uint64_t days = us / SIM_DAY;
  uint64_t in_day = us % SIM_DAY;
  unsigned h = (unsigned) (in_day / SIM_HOUR);
  unsigned m = (unsigned) (in_day % SIM_HOUR / SIM_MIN);
  unsigned s = (unsigned) (in_day % SIM_MIN / SIM_SEC);
  unsigned ms = (unsigned) (in_day % SIM_SEC / SIM_MSEC);
  if (days > 0)
    sprintf(buf, "%s%" G_GUINT64_FORMAT "d%02u:%02u:%02u.%03u", sign, days, h,
            m, s, ms);
  else
    sprintf(buf, "%s%02u:%02u:%02u.%03u", sign, h, m, s, ms);
  return buf;
}
