/* `ecsim import`: a scenario from a folder of AWS CLI output.
 *
 * import_dir_load() reads every *.json file of a folder (sorted by name)
 * and tells each by its shape (import-shape.h). import_plan_new() picks
 * the service and follows its references: the task definition it names,
 * its target groups (and their attributes), its cluster, the capacity
 * providers of its strategy, their Auto Scaling groups and launch
 * templates, its Application Auto Scaling target, policies, scheduled
 * actions and step alarms, and a RequestCount metric for its traffic.
 * What the folder lacks is listed with the AWS CLI command that fetches
 * it; import_plan_scenario() writes the scenario once nothing required
 * is missing. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdio.h>

typedef struct _ImportDir ImportDir;
typedef struct _ImportPlan ImportPlan;

/* Reads the *.json files of @dir (named as given in commands and
 * messages). A file of no known shape adds "FILE: not an AWS CLI output
 * ecsim knows; skipped" to @skipped (strings, owned by the array).
 * Returns NULL with "FILE:LINE:COL: syntax error ..." for a file that is
 * not JSON, or the reason when @dir cannot be read. */
ImportDir *import_dir_load(const char *dir, GPtrArray *skipped,
                           GError **error);
void import_dir_free(ImportDir *dir);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ImportDir, import_dir_free)

typedef struct {
  const char *service;    /* --service: needed when DIR has several */
  const char *cluster;    /* --cluster: else the service's own */
  const char *start_time; /* --start-time and --end-time: when both are */
  const char *end_time;   /* set, the commands fetch metrics too */
} ImportQuery;

/* Resolves what @dir (lent; must outlive the plan) holds for @query.
 * NULL with an error when the user must choose (several services and no
 * --service) or the service cannot be modelled (a CODE_DEPLOY or
 * EXTERNAL deployment controller). Missing objects are not errors here:
 * see import_plan_missing(). */
ImportPlan *import_plan_new(const ImportDir *dir, const ImportQuery *query,
                            GError **error);
void import_plan_free(ImportPlan *plan);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ImportPlan, import_plan_free)

/* "missing: WHAT; fetch it with: COMMAND" for each object the scenario
 * needs and the folder lacks; empty when the scenario can be written.
 * Lent. */
const GPtrArray *import_plan_missing(const ImportPlan *plan);

/* The AWS CLI commands that fetch what is missing, required or optional
 * (scaling, alarms, attributes, metrics), one line each in the shell's
 * words: `aws ARG... > DIR/NAME.json`, every argument that is not a
 * plain word single-quoted. Lent. */
const GPtrArray *import_plan_commands(const ImportPlan *plan);

/* The service's name. Lent. */
const char *import_plan_service(const ImportPlan *plan);

/* What was not found or cannot be mapped, and why: one line each. Lent. */
const GPtrArray *import_plan_notes(const ImportPlan *plan);

typedef struct {
  const char *out_path;  /* the scenario's path (NULL: standard output,
                          * files relative to the current directory) */
  const char *duration;  /* "1d" when NULL */
  const char *dir_label; /* the folder as the user named it */
  const cJSON *workload; /* the service's workload, or NULL: defaults */
  const cJSON *failure_model; /* or NULL */
  const char *workload_dir;   /* the folder the workload's relative file
                               * names start from (its file's); NULL:
                               * the scenario's */
} ImportWriteOptions;

/* The scenario for @plan (which must have nothing missing), as a new
 * tree. Notes about the traffic go to @notes (strings, owned). */
cJSON *import_plan_scenario(const ImportPlan *plan,
                            const ImportWriteOptions *options,
                            GPtrArray *notes);

/* When @plan's folder holds ALB access logs (*.log, *.log.gz, also under
 * alb-logs/) or CloudWatch CPUUtilization or MemoryUtilization, fits the
 * service's workload from them with ecsim calibrate (calibrate.h; the
 * service's task definition and describe-services output as its
 * --taskdef and --services), writes calibrate's output to @output (read
 * it with import_read_workload()) and prints the report on @report
 * (NULL: silent). *@calibrated: whether it did. FALSE with calibrate's
 * error (naming the file) when the records cannot be read or allow no
 * fit. */
gboolean import_calibrate(const ImportPlan *plan, const char *output,
                          FILE *report, gboolean *calibrated,
                          GError **error);

/* Reads --workload @path: a bare workload object, or `ecsim calibrate`
 * output ({"service", "workload", "failure_model", "fits"}): its
 * workload and failure_model. New trees in *@workload and
 * *@failure_model (NULL when absent); FALSE with an error naming the
 * file otherwise. */
gboolean import_read_workload(const char *path, cJSON **workload,
                              cJSON **failure_model, GError **error);

/* @root as JSON text indented by two spaces, with arrays of scalars on
 * one line; ends with a newline. Newly allocated. */
char *import_json_text(const cJSON *root);
