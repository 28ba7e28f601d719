/* Reading runs back for plotting; the variants-compared data file. */
#include "models/experiments/plot.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/output/run-manifest.h"
#include "models/input/jsonfile.h"
#include "models/experiments/plot-private.h"
#include "models/output/report.h"

static double
number_at(cJSON *root, const char *pointer)
{
  const cJSON *n = json_pointer_get(root, pointer);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

/* The string at @pointer, or NULL (and @error) when it is not one. */
static const char *
string_at(cJSON *root, const char *pointer, const char *path,
          GError **error)
{
  const cJSON *n = json_pointer_get(root, pointer);
  if (cJSON_IsString(n))
    return n->valuestring;
  input_error(error, path, "%s: missing or not a string", pointer);
  return NULL;
}

static char **
service_names(cJSON *root, const char *path, GError **error)
{
  const cJSON *arr = json_pointer_get(root, "/services");
  if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) == 0) {
    input_error(error, path, "/services: missing or empty");
    return NULL;
  }
  g_autoptr(GStrvBuilder) names = g_strv_builder_new();
  const cJSON *svc;
  int i = 0;
  cJSON_ArrayForEach(svc, arr) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(svc, "name");
    if (!cJSON_IsString(name)) {
      input_error(error, path, "/services/%d/name: missing or not a string",
                  i);
      return NULL;
    }
    g_strv_builder_add(names, name->valuestring);
    i++;
  }
  return g_strv_builder_end(names);
}

static void
read_figures(PlotRun *run, cJSON *root)
{
  run->has_slo = cJSON_IsObject(json_pointer_get(root, "/slo"));
  run->slo_threshold_ms = number_at(root, "/slo/threshold_ms");
  run->slo_target = number_at(root, "/slo/target");
  run->slo_attainment = number_at(root, "/slo/attainment");
  run->cost_total = number_at(root, "/cost/total_usd");
  run->cost_compute = number_at(root, "/cost/items/compute");
  run->cost_storage = number_at(root, "/cost/items/storage");
  run->cost_lb = number_at(root, "/cost/items/load_balancer");
  run->cost_unused_ec2 = number_at(root, "/cost/unused_ec2_usd");
  run->p50_ms = number_at(root, "/latency/p50_ms");
  run->p90_ms = number_at(root, "/latency/p90_ms");
  run->p99_ms = number_at(root, "/latency/p99_ms");
  run->error_rate = number_at(root, "/requests/error_rate");
}

/* The other files the pictures are drawn from are there too. */
static gboolean
has_outputs(const char *dir, GError **error)
{
  static const char *const names[] = { "timeseries.csv", "tasks.csv",
                                       "instances.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *path = g_build_filename(dir, names[i], NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
      input_error(error, dir, "no %s: not a whole output of 'ecsim run'",
                  names[i]);
      return FALSE;
    }
  }
  return TRUE;
}

PlotRun *
plot_run_load(const char *dir, GError **error)
{
  g_return_val_if_fail(dir != NULL, NULL);
  g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
  g_autoptr(cJSON) root = json_load_file(path, error);
  if (root == NULL)
    return NULL;
  const cJSON *schema = json_pointer_get(root, "/schema");
  if (!cJSON_IsString(schema) ||
      strcmp(schema->valuestring, REPORT_SCHEMA) != 0) {
    input_error(error, path, "not an ecsim summary (/schema is not \"%s\")",
                REPORT_SCHEMA);
    return NULL;
  }
  const char *scenario = string_at(root, "/scenario/name", path, error);
  const char *variant = scenario ? string_at(root, "/scenario/variant",
                                             path, error)
                                 : NULL;
  if (variant == NULL)
    return NULL;
  double duration = number_at(root, "/scenario/duration_s");
  if (!(duration > 0)) {
    input_error(error, path, "/scenario/duration_s: missing or not > 0");
    return NULL;
  }
  if (!has_outputs(dir, error))
    return NULL;
  char **services = service_names(root, path, error);
  if (services == NULL)
    return NULL;
  PlotRun *run = g_new0(PlotRun, 1);
  run->dir = g_strdup(dir);
  run->scenario = g_strdup(scenario);
  run->variant = g_strdup(variant);
  run->duration_s = duration;
  run->period_s = number_at(root, "/scenario/period_s");
  run->seed = (guint64) MAX(number_at(root, "/scenario/seed"), 0.0);
  run->services = services;
  read_figures(run, root);
  g_autoptr(RunManifest) manifest = run_manifest_load(dir, error);
  if (manifest == NULL && error != NULL && *error != NULL) {
    plot_run_free(run);
    return NULL;
  }
  run->run_id = manifest ? g_strdup(manifest->run) : NULL;
  return run;
}

void
plot_run_free(PlotRun *run)
{
  if (run == NULL)
    return;
  g_free(run->dir);
  g_free(run->scenario);
  g_free(run->variant);
  g_free(run->run_id);
  g_strfreev(run->services);
  g_free(run);
}

static gboolean
has_summary(const char *dir)
{
  g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
  return g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

static int
compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names of @outdir's sub-folders holding a summary, sorted. */
static GPtrArray *
run_folders(const char *outdir, GError **error)
{
  g_autoptr(GError) io = NULL;
  g_autoptr(GDir) d = g_dir_open(outdir, 0, &io);
  if (d == NULL) {
    input_error(error, outdir, "cannot read the folder: %s", io->message);
    return NULL;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL) {
    if (name[0] == '.')
      continue; /* an output folder being written (outdir.h) */
    g_autofree char *sub = g_build_filename(outdir, name, NULL);
    if (g_file_test(sub, G_FILE_TEST_IS_DIR) && has_summary(sub))
      g_ptr_array_add(names, g_strdup(name));
  }
  g_ptr_array_sort(names, compare_strings);
  return names;
}

static char *
describe(const PlotRun *r)
{
  char span[SIM_TIME_FORMAT_MAX];
  sim_time_format(sim_time_from_seconds(r->duration_s), span);
  g_autofree char *folder = g_path_get_basename(r->dir);
  return g_strdup_printf("%s/ is scenario %s (%s, seed %" G_GUINT64_FORMAT
                         "%s)", folder, r->scenario, span, r->seed,
                         r->run_id ? "" : ", no manifest");
}

/* The variants of @runs must come from one run. */
static gboolean
check_one_run(const char *outdir, GPtrArray *runs, GError **error)
{
  const PlotRun *first = runs->pdata[0];
  for (guint i = 1; i < runs->len; i++) {
    const PlotRun *r = runs->pdata[i];
    gboolean same = strcmp(r->scenario, first->scenario) == 0 &&
                    r->duration_s == first->duration_s &&
                    r->seed == first->seed &&
                    (r->run_id == NULL) == (first->run_id == NULL) &&
                    g_strcmp0(r->run_id, first->run_id) == 0;
    if (same)
      continue;
    g_autofree char *a = describe(first), *b = describe(r);
    input_error(error, outdir, "mixes the outputs of two runs: %s; %s%s "
                "(run them again into one folder)", a, b,
                g_strcmp0(r->scenario, first->scenario) == 0 &&
                    r->duration_s == first->duration_s &&
                    r->seed == first->seed
                  ? ", from the scenario as it was before an edit"
                  : "");
    return FALSE;
  }
  return TRUE;
}

GPtrArray *
plot_find_runs(const char *outdir, GError **error)
{
  g_return_val_if_fail(outdir != NULL, NULL);
  if (!g_file_test(outdir, G_FILE_TEST_IS_DIR)) {
    input_error(error, outdir, "%s", g_file_test(outdir, G_FILE_TEST_EXISTS)
                                       ? "not a folder"
                                       : "no such folder");
    return NULL;
  }
  g_autoptr(GPtrArray) runs =
    g_ptr_array_new_with_free_func((GDestroyNotify) plot_run_free);
  if (has_summary(outdir)) {
    PlotRun *run = plot_run_load(outdir, error);
    if (run == NULL)
      return NULL;
    g_ptr_array_add(runs, run);
    return g_steal_pointer(&runs);
  }
  g_autoptr(GPtrArray) names = run_folders(outdir, error);
  if (names == NULL)
    return NULL;
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *sub = g_build_filename(outdir, names->pdata[i], NULL);
    PlotRun *run = plot_run_load(sub, error);
    if (run == NULL)
      return NULL;
    g_ptr_array_add(runs, run);
  }
  if (runs->len == 0) {
    input_error(error, outdir,
                "no run outputs here: neither it nor its sub-folders hold a "
                "summary.json (write some with 'ecsim run SCENARIO -o %s')",
                outdir);
    return NULL;
  }
  if (!check_one_run(outdir, runs, error))
    return NULL;
  return g_steal_pointer(&runs);
}

gboolean
plot_write_compare(GPtrArray *runs, const char *path, GError **error)
{
  g_return_val_if_fail(runs != NULL && path != NULL, FALSE);
  g_autoptr(GString) out = g_string_new(
    "# ecsim plot: the variants compared, from each summary.json\n"
    "# variant compute_tasks_usd ec2_idle_usd storage_usd "
    "load_balancer_usd total_usd p50_ms p90_ms p99_ms slo_missed_pct "
    "slo_attained_pct failed_pct\n");
  for (guint i = 0; i < runs->len; i++) {
    const PlotRun *r = runs->pdata[i];
    double idle = isnan(r->cost_unused_ec2) ? 0.0 : r->cost_unused_ec2;
    plot_append_quoted(out, r->variant);
    plot_append_number(out, r->cost_compute - idle);
    plot_append_number(out, idle);
    plot_append_number(out, r->cost_storage);
    plot_append_number(out, r->cost_lb);
    plot_append_number(out, r->cost_total);
    plot_append_number(out, r->p50_ms);
    plot_append_number(out, r->p90_ms);
    plot_append_number(out, r->p99_ms);
    plot_append_number(out, r->has_slo ? 100 * (1 - r->slo_attainment)
                                       : NAN);
    plot_append_number(out, r->has_slo ? 100 * r->slo_attainment : NAN);
    plot_append_number(out, 100 * r->error_rate);
    g_string_append_c(out, '\n');
  }
  return g_file_set_contents(path, out->str, (gssize) out->len, error);
}

/* --- helpers shared with plot-timeline.c --- */

/* Reads the record at *@at into cells and moves *@at past it and its line
 * break. RFC 4180, as sweep.csv is written: a cell in double quotes may
 * hold commas, line breaks and doubled quotes. *@line is the record's
 * first line and counts on over the lines it spans. NULL, with @error
 * set, when a quote is left open. */
static char **
csv_read_record(const char **at, guint *line, const char *path,
                GError **error)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GString) cell = g_string_new("");
  guint first_line = *line;
  const char *c = *at;
  for (;;) {
    if (*c == '"' && cell->len == 0) {
      for (c++; !(*c == '"' && c[1] != '"'); c++) {
        if (*c == '\0') {
          g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                      "%s:%u: a quoted cell is never closed", path,
                      first_line);
          return NULL;
        }
        if (*c == '"')
          c++;
        else if (*c == '\n')
          (*line)++;
        g_string_append_c(cell, *c);
      }
      c++;
    }
    if (*c == ',' || *c == '\n' || *c == '\0' ||
        (*c == '\r' && c[1] == '\n')) {
      g_ptr_array_add(cells, g_strndup(cell->str, cell->len));
      g_string_truncate(cell, 0);
      if (*c == ',') {
        c++;
        continue;
      }
      c += *c == '\r' ? 2 : *c == '\n' ? 1 : 0;
      if (c[-1] == '\n')
        (*line)++;
      break;
    }
    g_string_append_c(cell, *c++);
  }
  *at = c;
  g_ptr_array_add(cells, NULL);
  return (char **) g_ptr_array_free(g_steal_pointer(&cells), FALSE);
}

PlotCsv *
plot_csv_load(const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!input_read_file(path, &text, NULL, error))
    return NULL;
  if (text[0] == '\0' || text[0] == '\n' || text[0] == '\r') {
    input_error(error, path, "empty file: no header line");
    return NULL;
  }
  g_autoptr(PlotCsv) csv = g_new0(PlotCsv, 1);
  csv->path = g_strdup(path);
  csv->rows = g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  const char *at = text;
  guint line = 1;
  csv->header = csv_read_record(&at, &line, path, error);
  if (csv->header == NULL)
    return NULL;
  guint n_cols = g_strv_length(csv->header);
  while (*at != '\0') {
    if (*at == '\n' || (*at == '\r' && at[1] == '\n')) {
      at += *at == '\r' ? 2 : 1;
      line++;
      continue;
    }
    guint row_line = line;
    char **cells = csv_read_record(&at, &line, path, error);
    if (cells == NULL)
      return NULL;
    if (g_strv_length(cells) != n_cols) {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                  "%s:%u: %u cells, expected %u as in the header", path,
                  row_line, g_strv_length(cells), n_cols);
      g_strfreev(cells);
      return NULL;
    }
    g_ptr_array_add(csv->rows, cells);
  }
  return g_steal_pointer(&csv);
}

void
plot_csv_free(PlotCsv *csv)
{
  if (csv == NULL)
    return;
  g_free(csv->path);
  g_strfreev(csv->header);
  if (csv->rows)
    g_ptr_array_unref(csv->rows);
  g_free(csv);
}

gboolean
plot_csv_columns(const PlotCsv *csv, const char *const *names,
                 const char *writer, int *index, GError **error)
{
  for (int k = 0; names[k] != NULL; k++) {
    index[k] = -1;
    for (int c = 0; csv->header[c] != NULL; c++)
      if (strcmp(csv->header[c], names[k]) == 0)
        index[k] = c;
    if (index[k] < 0) {
      input_error(error, csv->path, "no column '%s': not a file written by "
                  "'%s'", names[k], writer);
      return FALSE;
    }
  }
  return TRUE;
}

double
plot_csv_number(const char *cell)
{
  if (cell == NULL || *cell == '\0')
    return NAN;
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod(cell, &end);
  return (*end == '\0' && errno == 0) ? v : NAN;
}

void
plot_append_quoted(GString *out, const char *text)
{
  g_string_append_c(out, '"');
  for (const char *p = text; *p; p++)
    g_string_append_c(out, (*p == '"' || *p == '\\') ? '\'' : *p);
  g_string_append_c(out, '"');
}

void
plot_append_number(GString *out, double v)
{
  if (isnan(v))
    g_string_append(out, " NaN");
  else {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_c(out, ' ');
    g_string_append(out, g_ascii_formatd(buf, sizeof buf, "%.6g", v));
  }
}
