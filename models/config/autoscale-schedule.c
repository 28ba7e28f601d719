/* When scheduled actions fire. */
#include "models/config/autoscale-config.h"

/* cron day of week: SUN=1 .. SAT=7; the simulated clock starts on a Monday
 * (day 0) plus clock_offset. */
static int
cron_dow_of(SimTime wall)
{
  int monday_based = (int) ((wall / SIM_DAY) % 7); /* 0 = Monday */
  return (monday_based + 1) % 7 + 1;
}

SimTime
autoscale_next_occurrence(const ScheduledAction *a, SimTime after,
                          SimTime clock_offset)
{
  if (a->at >= 0)
    return after < 0 && a->at >= 0 ? a->at : -1;
  if (a->every > 0)
    return after < 0 ? a->every : after + a->every;
  /* cron: try each minute-aligned candidate of the next 8 days. Hours and
   * minutes of -1 mean every hour/minute. */
  SimTime start = after < 0 ? 0 : after + SIM_MIN;
  SimTime wall = clock_offset + start;
  SimTime first = (wall + SIM_MIN - 1) / SIM_MIN * SIM_MIN;
  for (SimTime t = first; t < first + 8 * SIM_DAY; t += SIM_MIN) {
    int minute = (int) (t % SIM_HOUR / SIM_MIN);
    int hour = (int) (t % SIM_DAY / SIM_HOUR);
    if ((a->cron_minute < 0 || a->cron_minute == minute) &&
        (a->cron_hour < 0 || a->cron_hour == hour) &&
        (a->cron_dow < 0 || a->cron_dow == cron_dow_of(t)))
      return t - clock_offset;
  }
  return -1;
}
