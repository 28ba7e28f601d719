/* `ecsim calibrate`: failure rates from describe-services events.
 *
 * Events are counted by kind over the span they cover (oldest to newest
 * event, within the window) and divided by the task-hours of that span:
 * RunningTaskCount summed over the metrics' periods when it covers the
 * span, else desiredCount x span. "(reason Essential container in task
 * exited)" is a crash (failure_model.crash_mttf); "failed container
 * health checks" and "failed ELB health checks" are hangs, a task that
 * stops answering its checks (hang_mttf). The interval of a rate is the
 * exact Poisson one; describe-services keeps only the last 100 events,
 * so a long span of a busy service is cut short. */
#include "models/experiments/calibrate-private.h"

#include <math.h>
#include <string.h>

typedef struct {
  const char *key;     /* failure_model key */
  const char *what;
  const char *const *patterns;
  guint count;
} Kind;

static const char *const crash_patterns[] = {
  "Essential container in task exited", NULL };
static const char *const hang_patterns[] = {
  "failed container health checks", "failed ELB health checks", NULL };

static gboolean
event_time(const cJSON *e, gint64 *t)
{
  const cJSON *c = cJSON_GetObjectItem(e, "createdAt");
  if (cJSON_IsNumber(c) && isfinite(c->valuedouble)) {
    *t = (gint64) llround(c->valuedouble * 1e6); /* CLI v1: epoch seconds */
    return TRUE;
  }
  return cJSON_IsString(c) && cloudwatch_parse_time(c->valuestring, t);
}

/* The service's object in describe-services output, or NULL with an
 * error. */
static const cJSON *
find_service(Cal *cal, GError **error)
{
  const cJSON *list = cJSON_GetObjectItem(cal->services, "services");
  int n = cJSON_GetArraySize(list);
  for (int i = 0; i < n; i++) {
    const cJSON *s = cJSON_GetArrayItem(list, i);
    const char *name = cJSON_GetStringValue(
      cJSON_GetObjectItem(s, "serviceName"));
    if (name && g_strcmp0(name, cal->service) == 0)
      return s;
  }
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "%s: /services: no service named '%s'", cal->services_name,
              cal->service);
  return NULL;
}

/* Task-hours over [@a, @b]. */
static double
task_hours(const Cal *cal, const cJSON *svc, gint64 a, gint64 b,
           const char **how)
{
  const CwSeries *s = calibrate_metric(cal, "RunningTaskCount", "Average");
  if (s && s->n > 0 && s->times[0] <= a && s->times[s->n - 1] >= b - 1) {
    double sum = 0;
    for (guint i = 0; i < s->n; i++)
      if (s->times[i] >= a && s->times[i] < b)
        sum += s->values[i] * s->period_us / 3.6e9;
    *how = "RunningTaskCount";
    return sum;
  }
  *how = "desiredCount x span";
  const cJSON *d = cJSON_GetObjectItem(svc, "desiredCount");
  return (cJSON_IsNumber(d) ? d->valuedouble : 0) * (b - a) / 3.6e9;
}

static void
write_rate(Cal *cal, cJSON *fm, cJSON *fit, const Kind *k, double hours)
{
  CalEstimate rate;
  calibrate_poisson_rate(k->count, hours, &rate);
  cJSON *o = cJSON_AddObjectToObject(fit, k->key);
  cJSON_AddNumberToObject(o, "events", k->count);
  cJSON_AddItemToObject(o, "rate_per_task_hour",
                        calibrate_json_estimate(&rate));
  fprintf(cal->report, "  %s: %u events, %.4g per task-hour [%.4g, %.4g]",
          k->what, k->count, rate.value, rate.lo, rate.hi);
  if (k->count > 0) {
    g_autofree char *mttf = g_strdup_printf("%.4gh", 1 / rate.value);
    cJSON_AddStringToObject(fm, k->key, mttf);
    fprintf(cal->report, ": %s %s", k->key, mttf);
  }
  fprintf(cal->report, "%s\n", k->count < 2 ? " (wide: too few events)"
                                            : "");
}

gboolean
calibrate_events(Cal *cal, GError **error)
{
  if (!cal->services) {
    fprintf(cal->report, "failure rates: skipped (give --services FILE: "
            "aws ecs describe-services output)\n");
    return TRUE;
  }
  const cJSON *svc = find_service(cal, error);
  if (!svc)
    return FALSE;
  Kind kinds[] = { { "crash_mttf", "essential container exited",
                     crash_patterns, 0 },
                   { "hang_mttf", "failed health checks", hang_patterns,
                     0 } };
  const cJSON *events = cJSON_GetObjectItem(svc, "events");
  gint64 first = G_MAXINT64, last = G_MININT64;
  int n = cJSON_GetArraySize(events);
  for (int i = 0; i < n; i++) {
    const cJSON *e = cJSON_GetArrayItem(events, i);
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(e, "message"));
    gint64 t;
    if (!event_time(e, &t) || !msg || t < cal->from || t >= cal->until)
      continue;
    first = MIN(first, t), last = MAX(last, t);
    for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
      for (const char *const *p = kinds[k].patterns; *p; p++)
        if (strstr(msg, *p)) {
          kinds[k].count++;
          break;
        }
  }
  if (last <= first) {
    fprintf(cal->report, "failure rates: skipped (fewer than two dated "
            "events in the window)\n");
    return TRUE;
  }
  const char *how;
  double hours = task_hours(cal, svc, first, last, &how);
  if (hours <= 0) {
    fprintf(cal->report, "failure rates: skipped (no task-hours: give "
            "RunningTaskCount metrics or a desiredCount)\n");
    return TRUE;
  }
  fprintf(cal->report, "failure rates: %d events over %.4g task-hours "
          "(%s); describe-services keeps only the last 100 events\n", n,
          hours, how);
  cJSON *fit = cJSON_AddObjectToObject(cal->fits, "failures");
  cJSON_AddStringToObject(fit, "method", "events per task-hour; exact "
                          "Poisson (chi-square) intervals");
  cJSON_AddNumberToObject(fit, "task_hours", calibrate_round(hours));
  cJSON_AddStringToObject(fit, "task_hours_from", how);
  cJSON *fm = cJSON_CreateObject();
  for (guint k = 0; k < G_N_ELEMENTS(kinds); k++)
    write_rate(cal, fm, fit, &kinds[k], hours);
  if (cJSON_GetArraySize(fm) > 0)
    cJSON_AddItemToObject(cal->root, "failure_model", fm);
  else
    cJSON_Delete(fm);
  return TRUE;
}
