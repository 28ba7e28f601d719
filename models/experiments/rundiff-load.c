/* Reading a side of `ecsim diff`: the summaries under a folder. */
#include "models/experiments/rundiff-private.h"

#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/output/report.h"

static void
sample_free(RunSample *s)
{
  g_free(s->file);
  cJSON_Delete(s->summary);
  g_free(s);
}

static void
variant_free(RunVariant *v)
{
  g_free(v->name);
  g_free(v->scenario);
  g_ptr_array_unref(v->samples);
  g_free(v);
}

void
rundiff_side_free(RunDiffSide *side)
{
  if (side == NULL)
    return;
  g_free(side->path);
  g_ptr_array_unref(side->variants);
  g_free(side);
}

static RunVariant *
find_variant(RunDiffSide *side, const char *name)
{
  for (guint i = 0; i < side->variants->len; i++) {
    RunVariant *v = side->variants->pdata[i];
    if (strcmp(v->name, name) == 0)
      return v;
  }
  RunVariant *v = g_new0(RunVariant, 1);
  v->name = g_strdup(name);
  v->samples = g_ptr_array_new_with_free_func((GDestroyNotify) sample_free);
  g_ptr_array_add(side->variants, v);
  return v;
}

static const char *
string_at(const cJSON *o, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(o, a), b);
  return cJSON_IsString(n) ? n->valuestring : NULL;
}

static double
number_at(const cJSON *o, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(o, a), b);
  return cJSON_IsNumber(n) ? n->valuedouble : -1.0;
}

/* A seed is a whole number a guint64 holds (1e105 is none: converting
 * it would be undefined). */
static gboolean
seed_ok(double seed)
{
  return seed >= 0 && seed < 18446744073709551616.0 && seed == (double)
         (guint64) seed;
}

static gint
sample_cmp(gconstpointer a, gconstpointer b)
{
  const RunSample *x = *(RunSample *const *) a, *y = *(RunSample *const *) b;
  return x->seed < y->seed ? -1 : x->seed > y->seed;
}

/* Reads the summary at @file into its variant of @side. */
static gboolean
add_summary(RunDiffSide *side, const char *file, GError **error)
{
  cJSON *summary = json_load_file(file, error);
  if (summary == NULL)
    return FALSE;
  const cJSON *schema = cJSON_GetObjectItemCaseSensitive(summary, "schema");
  const char *variant = string_at(summary, "scenario", "variant");
  double seed = number_at(summary, "scenario", "seed");
  if (!cJSON_IsString(schema) ||
      strcmp(schema->valuestring, REPORT_SCHEMA) != 0 || variant == NULL ||
      !seed_ok(seed)) {
    cJSON_Delete(summary);
    input_error(error, file, "not an ecsim summary (\"schema\": \"%s\" with "
                "scenario.variant and scenario.seed)", REPORT_SCHEMA);
    return FALSE;
  }
  const char *scenario = string_at(summary, "scenario", "name");
  const RunVariant *first = side->variants->len
                              ? side->variants->pdata[0] : NULL;
  if (first != NULL && g_strcmp0(first->scenario, scenario) != 0) {
    input_error(error, side->path, "mixes runs of two scenarios: %s (%s) "
                "and %s (%s)", first->scenario,
                ((RunSample *) first->samples->pdata[0])->file,
                scenario ? scenario : "?", file);
    cJSON_Delete(summary);
    return FALSE;
  }
  RunVariant *v = find_variant(side, variant);
  if (v->scenario == NULL) {
    const char *name = string_at(summary, "scenario", "name");
    v->scenario = g_strdup(name ? name : "?");
    v->duration_s = number_at(summary, "scenario", "duration_s");
  }
  for (guint i = 0; i < v->samples->len; i++) {
    const RunSample *other = v->samples->pdata[i];
    if (other->seed != (guint64) seed)
      continue;
    input_error(error, side->path, "variant %s has two runs with seed %.0f "
                "(%s and %s)", variant, seed, other->file, file);
    cJSON_Delete(summary);
    return FALSE;
  }
  RunSample *s = g_new0(RunSample, 1);
  s->file = g_strdup(file);
  s->seed = (guint64) seed;
  s->summary = summary;
  g_ptr_array_add(v->samples, s);
  g_ptr_array_sort(v->samples, sample_cmp);
  return TRUE;
}

static gint
path_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Sub-folders of @dir, sorted. */
static GPtrArray *
subfolders(const char *dir)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d)) != NULL) {
    if (name[0] == '.')
      continue; /* an output folder being written (outdir.h) */
    char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      g_ptr_array_add(out, path);
    else
      g_free(path);
  }
  if (d)
    g_dir_close(d);
  g_ptr_array_sort(out, path_cmp);
  return out;
}

/* Adds DIR/summary.json, or else those of its sub-folders up to @depth
 * levels down. */
static gboolean
scan(RunDiffSide *side, const char *dir, int depth, GError **error)
{
  g_autofree char *file = g_build_filename(dir, "summary.json", NULL);
  if (g_file_test(file, G_FILE_TEST_IS_REGULAR))
    return add_summary(side, file, error);
  if (depth == 0)
    return TRUE;
  g_autoptr(GPtrArray) subs = subfolders(dir);
  for (guint i = 0; i < subs->len; i++)
    if (!scan(side, subs->pdata[i], depth - 1, error))
      return FALSE;
  return TRUE;
}

RunDiffSide *
rundiff_side_load(const char *path, GError **error)
{
  g_return_val_if_fail(path != NULL, NULL);
  g_autoptr(RunDiffSide) side = g_new0(RunDiffSide, 1);
  side->path = g_strdup(path);
  side->variants =
    g_ptr_array_new_with_free_func((GDestroyNotify) variant_free);
  if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    if (!add_summary(side, path, error))
      return NULL;
  } else if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read: no such folder", path);
    return NULL;
  } else if (!scan(side, path, 2, error)) {
    return NULL;
  }
  if (side->variants->len == 0) {
    input_error(error, path, "not an ecsim output folder (no summary.json "
                "in it or its sub-folders)");
    return NULL;
  }
  return g_steal_pointer(&side);
}
