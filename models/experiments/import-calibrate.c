/* `ecsim import`: calibrating the service's workload from the ALB access
 * logs and CloudWatch metrics its folder holds, through ecsim calibrate
 * (calibrate.h), so that a folder collect.sh filled gives a twin whose
 * service time and CPU come from the service's own records. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/experiments/calibrate.h"
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

/* The report without calibrate's first and last lines (the service's
 * name and the file written, which the heading says), indented. */
static void
print_report(const char *text, const char *service, const char *dir,
             const char *output, FILE *out)
{
  fprintf(out, "calibrated the workload of %s from %s (as ecsim calibrate "
          "does; every fit with its interval in %s):\n", service, dir,
          output);
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    if (*lines[i] == '\0' || g_str_has_prefix(lines[i], "calibrating ") ||
        g_str_has_prefix(lines[i], "wrote "))
      continue;
    fprintf(out, "  %s\n", lines[i]);
  }
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
  char *text = NULL;
  size_t len = 0;
  FILE *mem = open_memstream(&text, &len);
  if (mem == NULL)
    g_error("open_memstream: out of memory");
  gboolean ok = calibrate_run(&o, mem, error);
  fclose(mem);
  if (ok && report)
    print_report(text, name, plan->dir->dir, output, report);
  free(text);
  *calibrated = ok;
  return ok;
}
