/* Sweep files: a sweep described in JSON rather than on the command line.
 *
 *   {"scenario": "../scenarios/web.json",
 *    "grid": {"/services/0/desiredCount": "2:6:2",
 *             "/taskDefinitions/0/cpu": [512, 1024]},
 *    "variants": ["fargate"], "seeds": 20, "seed": 100,
 *    "set": {"/duration": "6h"},
 *    "best": ["p99<200ms"], "minimize": "cost"}
 */
#include "models/experiments/sweep.h"

#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"

static const char *const sweep_keys[] = {
  "scenario", "description", "grid", "variants", "seeds", "seed", "set",
  "best", "minimize", NULL,
};

gboolean
sweep_file_detect(const char *path)
{
  g_autoptr(cJSON) root = json_load_file(path, NULL);
  return cJSON_IsObject(root) &&
         cJSON_GetObjectItemCaseSensitive(root, "scenario") != NULL;
}

/* A string, or an array of strings, as a strv (NULL and @error if not). */
static char **
strings(const cJSON *v, const char *path, const char *key, GError **error)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new();
  if (cJSON_IsString(v)) {
    g_strv_builder_add(b, v->valuestring);
    return g_strv_builder_end(b);
  }
  const cJSON *item;
  gboolean ok = cJSON_IsArray(v) && cJSON_GetArraySize(v) > 0;
  cJSON_ArrayForEach(item, v) {
    ok = ok && cJSON_IsString(item);
    if (ok)
      g_strv_builder_add(b, item->valuestring);
  }
  if (!ok) {
    input_error(error, path, "/%s: must be a string or a non-empty array of "
                "strings", key);
    return NULL;
  }
  return g_strv_builder_end(b);
}

static gboolean
read_grid(SweepFile *out, const cJSON *grid, const char *path,
          GError **error)
{
  if (!cJSON_IsObject(grid)) {
    input_error(error, path, "/grid: must be an object of JSON Pointers and "
                "their values, e.g. {\"/services/0/desiredCount\": \"2:6:2\"}");
    return FALSE;
  }
  for (const cJSON *a = grid->child; a; a = a->next) {
    g_autoptr(GString) where = g_string_new(path);
    g_string_append(where, ": /grid");
    json_pointer_append(where, a->string);
    SweepAxis *axis = sweep_axis_from_json(a->string, a, where->str, error);
    if (axis == NULL)
      return FALSE;
    g_ptr_array_add(out->axes, axis);
  }
  return TRUE;
}

/* "set": {"/pointer": value} or ["/pointer=value", ...]. */
static gboolean
read_sets(SweepFile *out, const cJSON *set, const char *path,
          GError **error)
{
  if (!cJSON_IsObject(set)) {
    out->sets = strings(set, path, "set", error);
    return out->sets != NULL;
  }
  g_autoptr(GStrvBuilder) b = g_strv_builder_new();
  for (const cJSON *s = set->child; s; s = s->next) {
    char *value = cJSON_PrintUnformatted(s);
    g_autofree char *assignment = g_strdup_printf("%s=%s", s->string, value);
    g_strv_builder_add(b, assignment);
    cJSON_free(value);
  }
  out->sets = g_strv_builder_end(b);
  return TRUE;
}

static gboolean
read_integer(const cJSON *v, const char *path, const char *key, gint64 min,
             gint64 *out, GError **error)
{
  if (!cJSON_IsNumber(v)) {
    input_error(error, path, "/%s: must be an integer >= %" G_GINT64_FORMAT
                ", got no number", key, min);
    return FALSE;
  }
  double x = v->valuedouble;
  /* The range first: casting inf or 1e300 to an integer is undefined. */
  if (!(x >= (double) min && x <= 1e15)) {
    input_error(error, path, "/%s: must be an integer from %" G_GINT64_FORMAT
                " to 1e15, got %g", key, min, x);
    return FALSE;
  }
  if (x != (double) (gint64) x) {
    input_error(error, path, "/%s: must be an integer >= %" G_GINT64_FORMAT
                ", got a fraction", key, min);
    return FALSE;
  }
  *out = (gint64) x;
  return TRUE;
}

static gboolean
read_member(SweepFile *out, const cJSON *m, const char *path,
            GError **error)
{
  const char *key = m->string;
  if (strcmp(key, "description") == 0)
    return TRUE;
  if (strcmp(key, "scenario") == 0) {
    if (!cJSON_IsString(m) || *m->valuestring == '\0') {
      input_error(error, path, "/scenario: must be the scenario file's path");
      return FALSE;
    }
    g_autofree char *dir = g_path_get_dirname(path);
    out->scenario = g_path_is_absolute(m->valuestring) || strcmp(dir, ".") == 0
                      ? g_strdup(m->valuestring)
                      : g_build_filename(dir, m->valuestring, NULL);
    return TRUE;
  }
  if (strcmp(key, "grid") == 0)
    return read_grid(out, m, path, error);
  if (strcmp(key, "variants") == 0)
    return (out->variants = strings(m, path, key, error)) != NULL;
  if (strcmp(key, "best") == 0)
    return (out->best = strings(m, path, key, error)) != NULL;
  if (strcmp(key, "set") == 0)
    return read_sets(out, m, path, error);
  if (strcmp(key, "minimize") == 0) {
    g_auto(GStrv) v = strings(m, path, key, error);
    out->minimize = v && v[1] == NULL ? g_strdup(v[0]) : NULL;
    if (v && v[1] != NULL)
      input_error(error, path, "/minimize: one metric, e.g. \"cost\"");
    return out->minimize != NULL;
  }
  if (strcmp(key, "seeds") == 0)
    return read_integer(m, path, key, 1, &out->seeds, error);
  gint64 seed = 0;
  if (!read_integer(m, path, key, 0, &seed, error))
    return FALSE;
  out->has_seed = TRUE;
  out->seed = (guint64) seed;
  return TRUE;
}

static gboolean
check_keys(const cJSON *root, const char *path, GError **error)
{
  for (const cJSON *m = root->child; m; m = m->next) {
    /* A second "set" would silently replace the first. */
    for (const cJSON *k = root->child; k != m; k = k->next)
      if (strcmp(k->string, m->string) == 0) {
        input_error(error, path, "/%s: key appears twice", m->string);
        return FALSE;
      }
    if (g_strv_contains(sweep_keys, m->string))
      continue;
    const char *hint = input_suggest(m->string, sweep_keys);
    input_error(error, path, "/%s: unknown key in a sweep file%s%s%s",
                m->string, hint ? " (did you mean \"" : "",
                hint ? hint : "", hint ? "\"?)" : "");
    return FALSE;
  }
  return TRUE;
}

gboolean
sweep_file_load(const char *path, SweepFile *out, GError **error)
{
  g_return_val_if_fail(path != NULL && out != NULL, FALSE);
  sweep_file_clear(out);
  out->axes = g_ptr_array_new_with_free_func((GDestroyNotify) sweep_axis_free);
  g_autoptr(cJSON) root = json_load_file(path, error);
  if (root == NULL)
    return FALSE;
  if (!cJSON_IsObject(root)) {
    input_error(error, path, "/: a sweep file must be a JSON object");
    return FALSE;
  }
  if (!check_keys(root, path, error))
    return FALSE;
  for (const cJSON *m = root->child; m; m = m->next)
    if (!read_member(out, m, path, error))
      return FALSE;
  if (out->scenario == NULL) {
    input_error(error, path, "/scenario: missing: the scenario file to "
                "sweep");
    return FALSE;
  }
  return TRUE;
}

void
sweep_file_clear(SweepFile *f)
{
  g_free(f->scenario);
  if (f->axes)
    g_ptr_array_unref(f->axes);
  g_strfreev(f->variants);
  g_strfreev(f->sets);
  g_strfreev(f->best);
  g_free(f->minimize);
  memset(f, 0, sizeof *f);
}
