/* `ecsim import`: calibrating the service's workload from the ALB access
 * logs and CloudWatch metrics its folder holds, through ecsim calibrate
 * (calibrate.h), so that a folder collect.sh filled gives a twin whose
 * service time and CPU come from the service's own records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <math.h>

#include "models/experiments/calibrate.h"
#include "models/input/jsonfile.h"
#include "models/experiments/import-private.h"

static gboolean
is_log(const char *name)
{
  return g_str_has_suffix(name, ".log") || g_str_has_suffix(name, ".log.gz");
}

/* The access logs under @dir (into its subfolders when @deep: `aws s3 cp
 * --recursive` keeps the keys' folders), in name order. */
static void
add_logs(const char *dir, gboolean deep, GPtrArray *out)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  if (d == NULL)
    return;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  for (const char *n; (n = g_dir_read_name(d)) != NULL;)
    g_ptr_array_add(names, g_strdup(n));
  g_ptr_array_sort(names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++) {
    char *path = g_build_filename(dir, names->pdata[i], NULL);
    if (deep && g_file_test(path, G_FILE_TEST_IS_DIR)) {
      add_logs(path, TRUE, out);
      g_free(path);
    } else if (is_log(names->pdata[i])) {
      g_ptr_array_add(out, path);
    } else {
      g_free(path);
    }
  }
}

static gboolean
utilisation_label(const char *label)
{
  return label && (strstr(label, "CPUUtilization") ||
                   strstr(label, "MemoryUtilization"));
}

/* Whether @f holds a utilisation series (what the CPU and memory fits
 * need): a RequestCount alone is traffic, not a calibration. */
static gboolean
has_utilisation(const ImportFile *f)
{
  if (f->shape == AWS_SHAPE_METRIC_STATISTICS)
    return utilisation_label(import_str(f->root, "Label"));
  const cJSON *r;
  cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
                          f->root, "MetricDataResults"))
    if (utilisation_label(import_str(r, "Label")))
      return TRUE;
  return FALSE;
}

/* ---- the report: one paragraph from calibrate's output ------------ */

/* The number at @path ("a/b/c") under @o, or NAN. */
static double
num(const cJSON *o, const char *path)
{
  g_auto(GStrv) parts = g_strsplit(path, "/", -1);
  for (guint i = 0; parts[i] && o; i++)
    o = cJSON_GetObjectItemCaseSensitive(o, parts[i]);
  return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

/* "V [LO, HI]" of the estimate {"value", "ci95"} at @path, scaled by
 * @k, or "" when absent. */
static void
add_estimate(GString *out, const cJSON *fits, const char *path, double k)
{
  g_autofree char *v = g_strdup_printf("%s/value", path);
  const cJSON *e = fits;
  g_auto(GStrv) parts = g_strsplit(path, "/", -1);
  for (guint i = 0; parts[i] && e; i++)
    e = cJSON_GetObjectItemCaseSensitive(e, parts[i]);
  const cJSON *ci = cJSON_GetObjectItemCaseSensitive(e, "ci95");
  g_string_append_printf(out, "%.4g", k * num(fits, v));
  if (cJSON_GetArraySize(ci) == 2)
    g_string_append_printf(
      out, " [%.4g, %.4g]", k * cJSON_GetNumberValue(cJSON_GetArrayItem(ci, 0)),
      k * cJSON_GetNumberValue(cJSON_GetArrayItem(ci, 1)));
}

/* What each fit found, in calibrate's words (the "fits" of its output,
 * scenarios/REFERENCE.md "ecsim calibrate"), or what was not fitted. */
static void
describe_fits(GString *out, const cJSON *fits)
{
  g_autoptr(GPtrArray) skipped = g_ptr_array_new();
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(fits, "service_time");
  const char *dist = cJSON_GetStringValue(
    cJSON_GetObjectItemCaseSensitive(st, "chosen"));
  if (dist) {
    g_autofree char *mean = g_strdup_printf("service_time/%s/mean_s", dist);
    g_autofree char *cv = g_strdup_printf("service_time/%s/cv", dist);
    g_autofree char *n = g_strdup_printf("service_time/%s/n", dist);
    g_string_append_printf(out, " service time %s, mean (ms) ", dist);
    add_estimate(out, fits, mean, 1e3);
    g_string_append(out, ", cv ");
    add_estimate(out, fits, cv, 1);
    g_string_append_printf(out, ", from %.0f requests;", num(fits, n));
  } else {
    g_ptr_array_add(skipped, "the service time (no ALB access logs)");
  }
  if (cJSON_GetObjectItemCaseSensitive(fits, "cpu_seconds_per_request")) {
    g_string_append(out, " vCPU-seconds per request ");
    add_estimate(out, fits, "cpu_seconds_per_request/slope", 1);
    g_string_append_printf(out, " (R2 %.3f over %.0f periods);",
                           num(fits, "cpu_seconds_per_request/r2"),
                           num(fits, "cpu_seconds_per_request/n"));
  } else {
    g_ptr_array_add(skipped, "the CPU per request");
  }
  if (cJSON_GetObjectItemCaseSensitive(fits, "concurrency_per_vcpu")) {
    g_string_append(out, " concurrency_per_vcpu ");
    add_estimate(out, fits, "concurrency_per_vcpu/estimate", 1);
    g_string_append_c(out, ';');
  }
  if (cJSON_GetObjectItemCaseSensitive(fits, "memory")) {
    g_string_append(out, " memory (MiB) ");
    add_estimate(out, fits, "memory/intercept", 1);
    g_string_append(out, " + ");
    add_estimate(out, fits, "memory/slope", 1);
    g_string_append(out, " per request in flight;");
  } else {
    g_ptr_array_add(skipped, "the memory");
  }
  if (cJSON_GetObjectItemCaseSensitive(fits, "failures"))
    g_string_append_printf(out, " failure rates from %.4g task-hours of "
                           "describe-services events;",
                           num(fits, "failures/task_hours"));
  else
    g_ptr_array_add(skipped, "the failure rates");
  out->str[out->len - 1] = '.';
  for (guint i = 0; i < skipped->len; i++)
    g_string_append_printf(out, "%s%s", i ? ", " : " Not fitted: ",
                           (const char *) skipped->pdata[i]);
  if (skipped->len)
    g_string_append(out, " (ecsim calibrate says why).");
}

/* @text wrapped at 79 columns (at spaces). */
static void
print_wrapped(const char *text, FILE *out)
{
  g_auto(GStrv) words = g_strsplit(text, " ", -1);
  guint col = 0;
  for (guint i = 0; words[i]; i++) {
    guint len = (guint) strlen(words[i]);
    if (len == 0)
      continue;
    if (col > 0 && col + 1 + len > 79) {
      fputc('\n', out);
      col = 0;
    } else if (col > 0) {
      fputc(' ', out);
      col++;
    }
    fputs(words[i], out);
    col += len;
  }
  fputc('\n', out);
}

/* One paragraph: the estimates with their 95% intervals, from the file
 * calibrate wrote (all the figures and methods are there). */
static void
print_report(const char *service, const char *dir, const char *output,
             FILE *out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) root = json_load_file(output, &error);
  g_autoptr(GString) text = g_string_new(NULL);
  g_string_append_printf(text, "calibrated the workload of %s from %s (as "
                         "ecsim calibrate does; every fit, its method and "
                         "its 95%% interval in %s):", service, dir, output);
  describe_fits(text, cJSON_GetObjectItemCaseSensitive(root, "fits"));
  print_wrapped(text->str, out);
}

gboolean
import_calibrate(const ImportPlan *plan, const char *output, FILE *report,
                 gboolean *calibrated, GError **error)
{
  *calibrated = FALSE;
  g_autoptr(GPtrArray) logs = g_ptr_array_new_with_free_func(g_free);
  add_logs(plan->dir->dir, FALSE, logs);
  g_autofree char *sub = g_build_filename(plan->dir->dir, "alb-logs", NULL);
  add_logs(sub, TRUE, logs);
  g_autoptr(GPtrArray) metrics = g_ptr_array_new();
  gboolean utilisation = FALSE;
  for (guint i = 0; i < plan->dir->files->len; i++) {
    const ImportFile *f = plan->dir->files->pdata[i];
    if (f->shape != AWS_SHAPE_METRIC_DATA &&
        f->shape != AWS_SHAPE_METRIC_STATISTICS)
      continue;
    g_ptr_array_add(metrics, f->path);
    utilisation |= has_utilisation(f);
  }
  if (logs->len == 0 && !utilisation)
    return TRUE;
  g_ptr_array_add(logs, NULL);
  g_ptr_array_add(metrics, NULL);
  const ImportFile *svc = plan->service->file;
  const char *name = import_str(plan->service->obj, "serviceName");
  CalibrateOptions o = {
    .alb_logs = (char **) logs->pdata,
    .metrics = (char **) metrics->pdata,
    .taskdef = plan->taskdef ? plan->taskdef->file->path : NULL,
    .services = svc->shape == AWS_SHAPE_SERVICES ? svc->path : NULL,
    .service = name,
    .output = output,
    .seed = 1, /* ecsim calibrate's default: the same fits */
  };
  /* calibrate's own report is long (every candidate fit): the file
   * holds it all, the paragraph the estimates. */
  FILE *quiet = fopen("/dev/null", "w");
  if (quiet == NULL)
    g_error("/dev/null: cannot open");
  gboolean ok = calibrate_run(&o, quiet, error);
  fclose(quiet);
  if (ok && report)
    print_report(name, plan->dir->dir, output, report);
  *calibrated = ok;
  return ok;
}
