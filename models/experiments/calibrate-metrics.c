/* `ecsim calibrate`: CPU seconds per request, concurrency_per_vcpu and
 * memory, by least squares over the metrics' periods.
 *
 * CPU: per period, vCPU-seconds used = CPUUtilization/100 x tasks x task
 * vCPU x period, against RequestCount. In ecsim a request holds one slot,
 * 1/concurrency_per_vcpu of a vCPU, for its service time, so the slope
 * (vCPU-seconds per request) is mean service time / concurrency_per_vcpu.
 * Memory: per period and task, MemoryUtilization/100 x task memory
 * against the requests in flight per task by Little's law (RequestCount /
 * period x TargetResponseTime / tasks): intercept memory_base_mib, slope
 * memory_per_request_mib. */
#include "models/experiments/calibrate-private.h"

#include <math.h>

#include "models/input/input.h"

/* The value of @s at time @t, or @missing when it has none there. */
static double
value_at(const CwSeries *s, gint64 t, double missing)
{
  guint lo = 0, hi = s ? s->n : 0;
  while (lo < hi) {
    guint mid = (lo + hi) / 2;
    if (s->times[mid] < t)
      lo = mid + 1;
    else
      hi = mid;
  }
  return s && lo < s->n && s->times[lo] == t ? s->values[lo] : missing;
}

/* The task count series: RunningTaskCount, else HealthyHostCount. */
static const CwSeries *
task_series(const Cal *cal, const char **name)
{
  *name = "RunningTaskCount";
  const CwSeries *s = calibrate_metric(cal, "RunningTaskCount", "Average");
  if (!s) {
    *name = "HealthyHostCount";
    s = calibrate_metric(cal, "HealthyHostCount", "Average");
  }
  return s;
}

static cJSON *
linear_json(const CalLinear *l, const char *method)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "method", method);
  cJSON_AddNumberToObject(o, "n", l->n);
  cJSON_AddItemToObject(o, "slope", calibrate_json_estimate(&l->slope));
  cJSON_AddItemToObject(o, "intercept",
                        calibrate_json_estimate(&l->intercept));
  cJSON_AddNumberToObject(o, "r2", calibrate_round(l->r2));
  return o;
}

static void
warn(Cal *cal, cJSON *fit, const char *text)
{
  cJSON *w = cJSON_GetObjectItem(fit, "warnings");
  if (!w)
    w = cJSON_AddArrayToObject(fit, "warnings");
  cJSON_AddItemToArray(w, cJSON_CreateString(text));
  fprintf(cal->report, "  warning: %s\n", text);
}

gboolean
calibrate_cpu(Cal *cal, GError **error)
{
  (void) error;
  const char *tasks_name;
  const CwSeries *cpu = calibrate_metric(cal, "CPUUtilization", "Average");
  const CwSeries *req = calibrate_metric(cal, "RequestCount", "Sum");
  const CwSeries *tasks = task_series(cal, &tasks_name);
  const char *need = !cpu ? "CPUUtilization (--metrics FILE.json)"
                   : !req ? "RequestCount (--metrics FILE.json)"
                   : !tasks ? "RunningTaskCount or HealthyHostCount "
                              "(--metrics FILE.json): the task count"
                   : cal->task_vcpu <= 0 ? "the task's vCPU (--taskdef "
                                           "FILE.json with a task-level cpu)"
                   : NULL;
  if (need) {
    fprintf(cal->report, "CPU per request: skipped (needs %s)\n", need);
    return TRUE;
  }
  double period = cpu->period_us / 1e6;
  GArray *x = g_array_new(FALSE, FALSE, sizeof(double));
  GArray *y = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i < cpu->n; i++) {
    gint64 t = cpu->times[i];
    double k = value_at(tasks, t, NAN);
    if (t < cal->from || t >= cal->until || !(k > 0))
      continue;
    double used = cpu->values[i] / 100 * k * cal->task_vcpu * period;
    double r = value_at(req, t, 0); /* the ALB omits periods without any */
    g_array_append_val(x, r);
    g_array_append_val(y, used);
  }
  fprintf(cal->report, "CPU per request: %u periods of %g s (tasks from "
          "%s)\n", x->len, period, tasks_name);
  if (x->len >= 3 && calibrate_fit_linear((double *) x->data,
                                          (double *) y->data, x->len,
                                          &cal->cpu)) {
    cal->have_cpu = TRUE;
    cJSON *fit = linear_json(&cal->cpu, "ordinary least squares of "
                             "vCPU-seconds per period on RequestCount; "
                             "t intervals");
    cJSON_AddItemToObject(cal->fits, "cpu_seconds_per_request", fit);
    fprintf(cal->report, "  %.4g vCPU-s per request [%.4g, %.4g]  intercept"
            " %.4g vCPU-s per period  R2 %.4f\n", cal->cpu.slope.value,
            cal->cpu.slope.lo, cal->cpu.slope.hi, cal->cpu.intercept.value,
            cal->cpu.r2);
    if (cal->cpu.r2 < 0.8)
      warn(cal, fit, "R2 < 0.8: CPU does not follow the request count "
           "closely (too little spread in the traffic, or other work)");
    if (cal->cpu.intercept.lo > 0 &&
        cal->cpu.intercept.value > 0.1 * cal->cpu.mean_y)
      warn(cal, fit, "the intercept is over 10% of the mean CPU: background"
           " CPU that ecsim's workload does not model");
  } else
    fprintf(cal->report, "  too few periods, or the same request count in "
            "all of them\n");
  g_array_unref(x);
  g_array_unref(y);
  return TRUE;
}

/* concurrency_per_vcpu = mean service time / CPU seconds per request;
 * relative errors add in quadrature (the two come from different data).
 * The workload gets the slots it implies per vCPU, since ecsim rounds
 * concurrency_per_vcpu x vCPU to whole slots anyway. */
gboolean
calibrate_concurrency(Cal *cal, GError **error)
{
  (void) error;
  if (!cal->have_cpu || !cal->have_time || cal->cpu.slope.value <= 0) {
    fprintf(cal->report, "concurrency_per_vcpu: skipped (needs both the "
            "service time and the CPU per request)\n");
    return TRUE;
  }
  double cpv = cal->mean_time / cal->cpu.slope.value;
  double se_slope = (cal->cpu.slope.hi - cal->cpu.slope.lo) / 3.92;
  double rel = hypot(cal->mean_time_rel_se, se_slope / cal->cpu.slope.value);
  CalEstimate e = { cpv, cpv * (1 - 1.96 * rel), cpv * (1 + 1.96 * rel) };
  double slots = MAX(1, floor(cpv * cal->task_vcpu + 0.5));
  cJSON *fit = cJSON_AddObjectToObject(cal->fits, "concurrency_per_vcpu");
  cJSON_AddStringToObject(fit, "method", "mean service time / CPU seconds "
                          "per request; interval by propagation");
  cJSON_AddItemToObject(fit, "estimate", calibrate_json_estimate(&e));
  cJSON_AddNumberToObject(fit, "slots_per_task", slots);
  cJSON_AddNumberToObject(cal->workload, "at_vcpu",
                          calibrate_round(cal->task_vcpu));
  cJSON_AddNumberToObject(cal->workload, "concurrency_per_vcpu",
                          calibrate_round(slots / cal->task_vcpu));
  fprintf(cal->report, "concurrency_per_vcpu: %.4g [%.4g, %.4g]: %g slots "
          "per task of %g vCPU\n", cpv, e.lo, e.hi, slots, cal->task_vcpu);
  return TRUE;
}

gboolean
calibrate_memory(Cal *cal, GError **error)
{
  (void) error;
  const char *tasks_name;
  const CwSeries *mem = calibrate_metric(cal, "MemoryUtilization", "Average");
  const CwSeries *req = calibrate_metric(cal, "RequestCount", "Sum");
  const CwSeries *rt = calibrate_metric(cal, "TargetResponseTime", "Average");
  const CwSeries *tasks = task_series(cal, &tasks_name);
  const char *need = !mem ? "MemoryUtilization (--metrics FILE.json)"
                   : !req ? "RequestCount (--metrics FILE.json)"
                   : !rt ? "TargetResponseTime (--metrics FILE.json)"
                   : !tasks ? "RunningTaskCount (--metrics FILE.json)"
                   : cal->task_memory <= 0 ? "the task's memory (--taskdef "
                                             "FILE.json)"
                   : NULL;
  if (need) {
    fprintf(cal->report, "memory: skipped (needs %s)\n", need);
    return TRUE;
  }
  double period = mem->period_us / 1e6;
  GArray *x = g_array_new(FALSE, FALSE, sizeof(double));
  GArray *y = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i < mem->n; i++) {
    gint64 t = mem->times[i];
    double k = value_at(tasks, t, NAN), r = value_at(req, t, 0);
    double w = value_at(rt, t, 0);
    if (t < cal->from || t >= cal->until || !(k > 0))
      continue;
    double in_flight = r / period * w / k;
    double used = mem->values[i] / 100 * cal->task_memory;
    g_array_append_val(x, in_flight);
    g_array_append_val(y, used);
  }
  CalLinear l;
  fprintf(cal->report, "memory: %u periods\n", x->len);
  if (x->len >= 3 && calibrate_fit_linear((double *) x->data,
                                          (double *) y->data, x->len, &l)) {
    cJSON *fit = linear_json(&l, "ordinary least squares of MiB per task "
                             "on in-flight requests per task (Little); "
                             "t intervals");
    cJSON_AddItemToObject(cal->fits, "memory", fit);
    cJSON_AddNumberToObject(cal->workload, "memory_base_mib",
                            calibrate_round(MAX(0, l.intercept.value)));
    cJSON_AddNumberToObject(cal->workload, "memory_per_request_mib",
                            calibrate_round(MAX(0, l.slope.value)));
    fprintf(cal->report, "  base %.4g MiB [%.4g, %.4g]  per request %.4g "
            "MiB [%.4g, %.4g]  R2 %.4f\n", l.intercept.value,
            l.intercept.lo, l.intercept.hi, l.slope.value, l.slope.lo,
            l.slope.hi, l.r2);
    if (l.r2 < 0.8)
      warn(cal, fit, "R2 < 0.8: memory does not follow the requests in "
           "flight closely");
  } else
    fprintf(cal->report, "  too few periods, or the same load in all of "
            "them\n");
  g_array_unref(x);
  g_array_unref(y);
  return TRUE;
}
