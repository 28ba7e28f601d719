/* Duration parsing and formatting. */
#include <criterion/criterion.h>

#include "sim/time.h"

static SimTime
parse_ok(const char *text)
{
  SimTime t = -1;
  GError *error = NULL;
  cr_assert(sim_time_parse(text, &t, &error), "'%s': %s", text,
            error ? error->message : "");
  return t;
}

static void
parse_bad(const char *text)
{
  SimTime t = 12345;
  GError *error = NULL;
  cr_assert_not(sim_time_parse(text, &t, &error), "'%s' was accepted", text);
  cr_assert_not_null(error);
  cr_assert_not_null(strstr(error->message, "is not a duration"));
  cr_assert_eq(t, 12345, "output untouched on error");
  g_error_free(error);
}

Test(time, units)
{
  cr_assert_eq(parse_ok("250ms"), 250 * SIM_MSEC);
  cr_assert_eq(parse_ok("90s"), 90 * SIM_SEC);
  cr_assert_eq(parse_ok("15m"), 15 * SIM_MIN);
  cr_assert_eq(parse_ok("24h"), 24 * SIM_HOUR);
  cr_assert_eq(parse_ok("2d"), 2 * SIM_DAY);
  cr_assert_eq(parse_ok("500us"), 500);
}

Test(time, plain_seconds_and_fractions_are_exact)
{
  cr_assert_eq(parse_ok("90"), 90 * SIM_SEC);
  cr_assert_eq(parse_ok("0.1"), 100 * SIM_MSEC);
  cr_assert_eq(parse_ok("1.5h"), 90 * SIM_MIN);
  cr_assert_eq(parse_ok("0.000001"), 1);
  cr_assert_eq(parse_ok("0"), 0);
}

Test(time, compound_and_signs)
{
  cr_assert_eq(parse_ok("1h30m"), 90 * SIM_MIN);
  cr_assert_eq(parse_ok("1d2h3m4s5ms"),
               SIM_DAY + 2 * SIM_HOUR + 3 * SIM_MIN + 4 * SIM_SEC +
                 5 * SIM_MSEC);
  cr_assert_eq(parse_ok("-5m"), -5 * SIM_MIN);
  cr_assert_eq(parse_ok(" 7s "), 7 * SIM_SEC);
}

Test(time, bad_inputs)
{
  parse_bad("");
  parse_bad("abc");
  parse_bad("10x");
  parse_bad("5 m");
  parse_bad("1h30");
  parse_bad("ms");
  parse_bad("1e3s");
  parse_bad("99999999999999999999s");
  parse_bad("200000000d");
}

Test(time, format_round_trips)
{
  const SimTime cases[] = { 0, 1, 250 * SIM_MSEC, 90 * SIM_MIN, 2 * SIM_DAY,
                            SIM_DAY + 1, -15 * SIM_SEC, 1500 * SIM_MSEC };
  char buf[SIM_TIME_FORMAT_MAX];
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++)
    cr_assert_eq(parse_ok(sim_time_format(cases[i], buf)), cases[i], "%s",
                 buf);
  cr_assert_str_eq(sim_time_format(90 * SIM_MIN, buf), "1h30m");
  cr_assert_str_eq(sim_time_format(0, buf), "0s");
  cr_assert_str_eq(sim_time_format_clock(SIM_DAY + 2 * SIM_HOUR + 5, buf),
                   "1d02:00:00.000");
  cr_assert_str_eq(sim_time_format_clock(14 * SIM_HOUR + 5 * SIM_MIN, buf),
                   "14:05:00.000");
}

Test(time, seconds_conversion_rounds_to_microseconds)
{
  cr_assert_eq(sim_time_from_seconds(0.0000004), 0);
  cr_assert_eq(sim_time_from_seconds(0.0000006), 1);
  cr_assert_eq(sim_time_from_seconds(1e30), SIM_TIME_MAX);
  cr_assert_float_eq(sim_time_to_seconds(1500 * SIM_MSEC), 1.5, 1e-12);
}
