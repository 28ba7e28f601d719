/* Simulated time: signed 64-bit microseconds since the start of a run.
 *
 * Time is an integer so that ordering never depends on floating-point
 * rounding: two events scheduled "90s" apart are exactly 90,000,000 apart. */
#pragma once

#include <glib.h>
#include <stdint.h>

typedef int64_t SimTime;

#define SIM_TIME_MAX INT64_MAX
#define SIM_USEC ((SimTime) 1)
#define SIM_MSEC ((SimTime) 1000)
#define SIM_SEC ((SimTime) 1000000)
#define SIM_MIN (60 * SIM_SEC)
#define SIM_HOUR (60 * SIM_MIN)
#define SIM_DAY (24 * SIM_HOUR)

/* Longest text sim_time_format() writes, with its NUL. */
#define SIM_TIME_FORMAT_MAX 48

#define SIM_TIME_ERROR (sim_time_error_quark())
GQuark sim_time_error_quark(void);

/* Converts seconds to SimTime, rounding to the nearest microsecond.
 * Values beyond the range saturate at +-SIM_TIME_MAX. */
SimTime sim_time_from_seconds(double seconds);

/* Seconds as a double: for rates and reports only, never for ordering. */
static inline double
sim_time_to_seconds(SimTime t)
{
  return (double) t / (double) SIM_SEC;
}

/* Parses a duration: a plain number of seconds ("90", "1.5"), or one or
 * more number+unit terms with units us, ms, s, m, h, d ("250ms", "15m",
 * "1h30m", "2d"). A leading '-' negates the whole value. Decimal fractions
 * are exact to the microsecond. Returns FALSE and sets @error (with a
 * message that quotes @text) on anything else, including overflow. */
gboolean sim_time_parse(const char *text, SimTime *out, GError **error);

/* Writes @t in the shortest exact form sim_time_parse() reads back:
 * "0s", "250ms", "1h30m", "2d", "1.5s" is written "1s500ms". @buf must
 * hold SIM_TIME_FORMAT_MAX bytes. Returns @buf. */
char *sim_time_format(SimTime t, char *buf);

/* Writes @t as a clock for humans: "[-]DdHH:MM:SS.mmm" with the day part
 * only when non-zero ("14:05:00.000", "1d02:00:00.000"). Returns @buf. */
char *sim_time_format_clock(SimTime t, char *buf);
