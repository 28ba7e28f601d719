/* CloudWatch metric data (models/input/cloudwatch.h) as a rate trace.
 *
 * A series of request counts per period becomes a step table with one
 * knot per period from its first timestamp (time 0): rate = count /
 * period. CloudWatch leaves out periods without a datapoint (an ALB's
 * RequestCount has none in a minute without requests), so a missing
 * period is a rate of 0. */
#include "models/traffic/traffic-private.h"

#include <math.h>
#include <string.h>

#include "models/input/cloudwatch.h"
#include "models/input/input.h"

/* Labels that count requests (ALB, NLB and API Gateway names). */
static const char *const count_labels[] = {
  "RequestCount", "RequestCountPerTarget", "Count",
  "HTTPCode_Target_2XX_Count", "NewConnectionCount", NULL
};

/* NULL when @s reads as request counts; else why not (owned). */
static char *
not_a_count(const CwSeries *s)
{
  gboolean label_ok = g_strv_contains(count_labels, s->label);
  gboolean stat_ok = s->statistic == NULL ||
                     strcmp(s->statistic, "Sum") == 0 ||
                     strcmp(s->statistic, "SampleCount") == 0;
  if (label_ok && stat_ok)
    return NULL;
  return g_strdup_printf("metric %s%s%s: traffic reads values as request "
                         "counts per period (RequestCount, Sum)",
                         *s->label ? s->label : cloudwatch_series_name(s),
                         s->statistic ? "/" : "",
                         s->statistic ? s->statistic : "");
}

/* The period: @given (µs, 0 if not), else the series' smallest gap. */
static gboolean
series_period(const CwSeries *s, const char *display, gint64 given,
              gint64 *out, GError **error)
{
  *out = given > 0 ? given : s->period_us;
  if (*out <= 0) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: metric %s has one datapoint: give its \"period\" "
                "(e.g. \"1m\")", display, cloudwatch_series_name(s));
    return FALSE;
  }
  for (guint i = 1; i < s->n; i++) {
    if ((s->times[i] - s->times[0]) % *out != 0) {
      g_autofree char *a = cloudwatch_format_time(s->times[i - 1]);
      g_autofree char *b = cloudwatch_format_time(s->times[i]);
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                  "%s: metric %s: the period %g s does not divide the gap "
                  "between %s and %s", display, cloudwatch_series_name(s),
                  (double) *out / G_USEC_PER_SEC, a, b);
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
traffic_read_cloudwatch(const char *path, const char *display,
                        const char *metric, gint64 period_us, RateTable *t,
                        TrafficCwInfo *info, GError **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(CwData) data = cloudwatch_load(path, error);
  if (data == NULL)
    return FALSE;
  const CwSeries *s = cloudwatch_find(data, metric, &local);
  if (s == NULL) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID, "%s",
                local->message);
    return FALSE;
  }
  gint64 period;
  if (!series_period(s, display, period_us, &period, error))
    return FALSE;
  for (guint i = 0; i < s->n; i++) {
    if (s->values[i] < 0) {
      g_autofree char *when = cloudwatch_format_time(s->times[i]);
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                  "%s: metric %s at %s: a negative count (%g)", display,
                  cloudwatch_series_name(s), when, s->values[i]);
      return FALSE;
    }
  }
  gsize n = (gsize) ((s->times[s->n - 1] - s->times[0]) / period) + 1;
  double secs = (double) period / G_USEC_PER_SEC;
  t->time = NULL;
  t->step = secs;
  t->n = n;
  t->rate = g_new0(double, n);
  for (guint i = 0; i < s->n; i++)
    t->rate[(s->times[i] - s->times[0]) / period] = s->values[i] / secs;
  t->linear = FALSE;
  t->before = 0;
  t->end = (double) n * secs;
  info->missing = n - s->n;
  info->period_s = secs;
  info->start_us = s->times[0];
  info->name = g_strdup(cloudwatch_series_name(s));
  info->not_a_count = not_a_count(s);
  return TRUE;
}

void
traffic_cw_info_clear(TrafficCwInfo *info)
{
  g_clear_pointer(&info->name, g_free);
  g_clear_pointer(&info->not_a_count, g_free);
}
