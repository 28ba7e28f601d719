/* `ecsim calibrate`: reading the inputs, the window, and the output (see
 * calibrate.h; the parts are calibrate-{service,metrics,events}.c). */
#include "models/experiments/calibrate-private.h"

#include <gio/gio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/experiments/import-shape.h"
#include "models/input/jsonfile.h"
#include "sim/time.h"

double
calibrate_round(double x)
{
  char buf[32];
  if (!isfinite(x))
    return 0;
  g_snprintf(buf, sizeof buf, "%.6g", x);
  return g_ascii_strtod(buf, NULL);
}

cJSON *
calibrate_json_estimate(const CalEstimate *e)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "value", calibrate_round(e->value));
  cJSON *ci = cJSON_AddArrayToObject(o, "ci95");
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(calibrate_round(e->lo)));
  cJSON_AddItemToArray(ci, cJSON_CreateNumber(calibrate_round(e->hi)));
  return o;
}

const CwSeries *
calibrate_metric(const Cal *cal, const char *label, const char *stat)
{
  for (guint i = 0; i < cal->cw->len; i++) {
    const CwData *d = cal->cw->pdata[i];
    for (guint j = 0; j < d->series->len; j++) {
      const CwSeries *s = d->series->pdata[j];
      if (g_strcmp0(s->label, label) == 0 &&
          (!s->statistic || g_strcmp0(s->statistic, stat) == 0))
        return s;
    }
  }
  return NULL;
}

/* "web-cloudwatch.json" -> "web": the exports' names give the service. */
static char *
service_from_name(const char *path, const char *suffix)
{
  g_autofree char *base = g_path_get_basename(path);
  return g_str_has_suffix(base, suffix) && strlen(base) > strlen(suffix)
           ? g_strndup(base, strlen(base) - strlen(suffix)) : NULL;
}

static gboolean
load_taskdef(Cal *cal, const char *path, GError **error)
{
  g_autoptr(cJSON) root = json_load_file(path, error);
  if (!root)
    return FALSE;
  const cJSON *td = cJSON_GetObjectItem(root, "taskDefinition");
  const char *at = td ? "/taskDefinition" : "";
  if (!td)
    td = root;
  const char *keys[] = { "cpu", "memory" };
  double *out[] = { &cal->task_vcpu, &cal->task_memory };
  for (int k = 0; k < 2; k++) {
    const cJSON *v = cJSON_GetObjectItem(td, keys[k]);
    double x = cJSON_IsNumber(v) ? v->valuedouble
             : cJSON_IsString(v) ? g_ascii_strtod(v->valuestring, NULL) : 0;
    if (v && !(x > 0)) {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                  "%s: %s/%s: expected a positive number (as \"1024\")",
                  path, at, keys[k]);
      return FALSE;
    }
    *out[k] = k == 0 ? x / 1024 : x;
  }
  return TRUE;
}

static gboolean
add_metrics(Cal *cal, const char *path, GError **error)
{
  CwData *d = cloudwatch_load(path, error);
  if (!d)
    return FALSE;
  g_ptr_array_add(cal->cw, d);
  if (!cal->service)
    cal->service = service_from_name(path, "-cloudwatch.json");
  return TRUE;
}

static gboolean
add_log(Cal *cal, const char *path, GError **error)
{
  if (!cal->alb)
    cal->alb = calibrate_alb_new();
  if (!cal->service)
    cal->service = service_from_name(path, "-alb.log");
  if (!cal->service)
    cal->service = service_from_name(path, "-alb.log.gz");
  return calibrate_alb_read(cal->alb, path, path, error);
}

static gboolean
add_services(Cal *cal, const char *path, cJSON *root)
{
  if (cal->services)
    cJSON_Delete(cal->services);
  g_free(cal->services_name);
  cal->services = root;
  cal->services_name = g_strdup(path);
  const cJSON *list = cJSON_GetObjectItem(root, "services");
  if (!cal->service && cJSON_GetArraySize(list) == 1)
    cal->service = g_strdup(cJSON_GetStringValue(cJSON_GetObjectItem(
      cJSON_GetArrayItem(list, 0), "serviceName")));
  return TRUE;
}

/* Whether @path is what this run writes (-o, compared as files, so
 * "out/c.json" and "./out/c.json" match), or @root is the output of an
 * earlier run ("workload" and "fits" at the top). */
static gboolean
own_output(Cal *cal, const char *path, const cJSON *root)
{
  if (cJSON_IsObject(cJSON_GetObjectItem(root, "workload")) &&
      cJSON_IsObject(cJSON_GetObjectItem(root, "fits")))
    return TRUE;
  g_autoptr(GFile) a = g_file_new_for_path(path);
  g_autoptr(GFile) b = g_file_new_for_path(cal->opt->output);
  return g_file_equal(a, b);
}

/* One JSON file of --dir, by its shape as ecsim import tells it (so a
 * scenario, whose "services" are not describe-services output, is left
 * alone); @root is taken. */
static gboolean
add_dir_json(Cal *cal, const char *path, cJSON *root, GError **error)
{
  g_autoptr(cJSON) owned = root;
  if (own_output(cal, path, root)) {
    fprintf(cal->report, "%s: ecsim calibrate's output; not read\n", path);
    return TRUE;
  }
  switch (aws_shape_detect(root)) {
  case AWS_SHAPE_METRIC_DATA:
  case AWS_SHAPE_METRIC_STATISTICS:
    return add_metrics(cal, path, error);
  case AWS_SHAPE_TASKDEF:
  case AWS_SHAPE_TASKDEF_WRAPPED:
    return load_taskdef(cal, path, error);
  case AWS_SHAPE_SERVICES:
    add_services(cal, path, g_steal_pointer(&owned));
    return TRUE;
  default:
    fprintf(cal->report, "%s: not a file calibrate reads; left alone\n",
            path);
    return TRUE;
  }
}

/* g_ptr_array_sort() passes pointers to the elements. */
static int
cmp_name(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* --dir: ALB logs by extension (*.log, and *.log.gz as AWS delivers
 * them), JSON files by their shape; other files are left alone (the
 * empirical NAME-service-time.txt of an earlier run among them). */
static gboolean
load_dir(Cal *cal, const char *dir, GError **error)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  if (!d) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read the folder", dir);
    return FALSE;
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (const char *n; (n = g_dir_read_name(d));)
    g_ptr_array_add(names, g_strdup(n));
  g_ptr_array_sort(names, cmp_name);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
    if (g_str_has_suffix(path, ".log") || g_str_has_suffix(path, ".log.gz")) {
      if (!add_log(cal, path, error))
        return FALSE;
    } else if (g_str_has_suffix(path, ".json")) {
      cJSON *root = json_load_file(path, error);
      if (!root || !add_dir_json(cal, path, root, error))
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean
load_inputs(Cal *cal, GError **error)
{
  const CalibrateOptions *o = cal->opt;
  cal->service = g_strdup(o->service);
  if (o->dir && !load_dir(cal, o->dir, error))
    return FALSE;
  for (char **p = o->metrics; p && *p; p++)
    if (!add_metrics(cal, *p, error))
      return FALSE;
  for (char **p = o->alb_logs; p && *p; p++)
    if (!add_log(cal, *p, error))
      return FALSE;
  if (o->taskdef && !load_taskdef(cal, o->taskdef, error))
    return FALSE;
  if (o->services) {
    cJSON *root = json_load_file(o->services, error);
    if (!root)
      return FALSE;
    if (!cJSON_IsArray(cJSON_GetObjectItem(root, "services"))) {
      cJSON_Delete(root);
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                  "%s: /services: expected aws ecs describe-services output"
                  " (an array of services)", o->services);
      return FALSE;
    }
    add_services(cal, o->services, root);
  }
  if (!cal->service)
    cal->service = g_strdup("service");
  return TRUE;
}

/* The earliest record of any input: what --from/--until durations count
 * from. */
static gint64
origin(const Cal *cal)
{
  gint64 t = G_MAXINT64;
  for (guint i = 0; i < cal->cw->len; i++) {
    const CwData *d = cal->cw->pdata[i];
    for (guint j = 0; j < d->series->len; j++) {
      const CwSeries *s = d->series->pdata[j];
      if (s->n > 0)
        t = MIN(t, s->times[0]);
    }
  }
  if (cal->alb && cal->alb->requests->len > 0)
    t = MIN(t, cal->alb->first);
  return t == G_MAXINT64 ? 0 : t;
}

static gboolean
parse_bound(const char *opt, const char *text, gint64 origin, gint64 *out,
            GError **error)
{
  SimTime d;
  if (!text)
    return TRUE;
  if (cloudwatch_parse_time(text, out))
    return TRUE;
  if (sim_time_parse(text, &d, NULL)) {
    *out = origin + d;
    return TRUE;
  }
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "--%s '%s': expected an ISO 8601 time with a zone "
              "(2026-01-05T00:00:00Z) or a duration after the first record "
              "(1d)", opt, text);
  return FALSE;
}

static gboolean
write_output(Cal *cal, GError **error)
{
  g_autofree char *text = cJSON_Print(cal->root);
  g_autofree char *with_nl = g_strconcat(text, "\n", NULL);
  g_autoptr(GError) io = NULL;
  if (!g_file_set_contents(cal->opt->output, with_nl, -1, &io)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO, "%s: %s",
                cal->opt->output, io->message);
    return FALSE;
  }
  fprintf(cal->report, "wrote %s\n", cal->opt->output);
  return TRUE;
}

static void
cal_clear(Cal *cal)
{
  g_ptr_array_unref(cal->cw);
  calibrate_alb_free(cal->alb);
  cJSON_Delete(cal->services);
  cJSON_Delete(cal->root);
  g_free(cal->services_name);
  g_free(cal->service);
}

gboolean
calibrate_run(const CalibrateOptions *opt, FILE *report, GError **error)
{
  g_return_val_if_fail(opt && opt->output, FALSE);
  Cal cal = { .opt = opt, .report = report, .from = G_MININT64,
              .until = G_MAXINT64 };
  cal.cw = g_ptr_array_new_with_free_func((GDestroyNotify) cloudwatch_free);
  gboolean ok = load_inputs(&cal, error);
  gint64 t0 = ok ? origin(&cal) : 0;
  ok = ok && parse_bound("from", opt->from, t0, &cal.from, error) &&
       parse_bound("until", opt->until, t0, &cal.until, error);
  if (ok) {
    cal.root = cJSON_CreateObject();
    cJSON_AddStringToObject(cal.root, "service", cal.service);
    cal.workload = cJSON_AddObjectToObject(cal.root, "workload");
    cal.fits = cJSON_CreateObject();
    fprintf(report, "calibrating service %s\n", cal.service);
  }
  ok = ok && calibrate_cpu(&cal, error) &&
       calibrate_service_time(&cal, error) &&
       calibrate_concurrency(&cal, error) && calibrate_memory(&cal, error) &&
       calibrate_events(&cal, error);
  if (ok && cJSON_GetArraySize(cal.fits) == 0) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "nothing to calibrate from: give ALB access logs "
                "(--alb-log), CloudWatch metrics (--metrics) with --taskdef,"
                " or describe-services output (--services)");
    ok = FALSE;
  }
  if (ok) {
    cJSON_AddItemToObject(cal.root, "fits", cal.fits);
    cal.fits = NULL;
    ok = write_output(&cal, error);
  }
  cJSON_Delete(cal.fits);
  cal_clear(&cal);
  return ok;
}
