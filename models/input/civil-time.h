/* Calendar times in text: ISO 8601 and the proleptic Gregorian calendar.
 *
 * Request logs, CloudWatch output and AWS-shaped exports all carry
 * wall-clock times; this is the one place that turns them into
 * microseconds since the Unix epoch and back, exactly (no floating
 * point: "…:54.430000" is 430000 µs, not 429999). */
#pragma once

#include <glib.h>

typedef struct {
  gint64 utc;     /* µs since 1970-01-01T00:00:00Z */
  gint64 local;   /* µs of the time as written, before its zone offset */
  gboolean zoned; /* a zone ("Z", "+02:00") was written */
} CivilTime;

/* @n decimal digits at *p as an integer, advancing *p; -1 (and *p
 * unmoved) when they are not all digits. */
int civil_digits(const char **p, int n);

/* ".ffffff" (or ",ffffff") at *p as microseconds, extra digits dropped,
 * advancing *p; 0 (and *p unmoved) when *p is not '.' or ','. */
gint64 civil_fraction_us(const char **p);

/* Sets @out from a civil time and a zone offset in seconds east of UTC.
 * FALSE (and @out untouched) when the fields are out of range (month
 * 1-12, day 1-31 by month, hour 0-23, minute 0-59, second 0-60). */
gboolean civil_time_make(int y, int mo, int d, int h, int mi, int s,
                         gint64 frac_us, gint64 zone_s, CivilTime *out);

/* ISO 8601 "YYYY-MM-DD[(T| )HH:MM[:SS[.f]]][Z|±HH[:]MM]" at *p; no zone
 * is read as UTC (and @out->zoned is FALSE). Fractions beyond µs are
 * dropped. Advances *p past it on success. */
gboolean civil_time_parse_iso(const char **p, CivilTime *out);

/* Whether @s starts with "YYYY-" (never reading past its end). */
gboolean civil_looks_like_date(const char *s);

/* @utc_us as "YYYY-MM-DDTHH:MM:SS" followed by ".ffffff" when
 * @fraction_digits is 6, ".fff" when 3 (truncated), nothing when 0, then
 * @zone ("Z" or "+00:00"). Newly allocated. */
char *civil_time_format(gint64 utc_us, int fraction_digits,
                        const char *zone);
