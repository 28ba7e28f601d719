/* manifest.json and claiming an output folder (see run-manifest.h). */
#include "models/output/run-manifest.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/output/outdir.h"

RunManifest *
run_manifest_new(const Scenario *scn, const ScenarioConfig *cfg)
{
  RunManifest *m = g_new0(RunManifest, 1);
  m->scenario = g_strdup(cfg->name);
  m->file = g_strdup(cfg->file);
  m->variant = g_strdup(cfg->variant);
  m->seed = cfg->seed;
  m->has_request_seed = cfg->has_request_seed;
  m->request_seed = cfg->request_seed;
  m->duration_s = sim_time_to_seconds(cfg->duration);
  m->scenario_sha256 = scenario_fingerprint(scn);
  /* A --request-seed is not in the fingerprint, but another one is
   * another run. Without one, the id is what it always was. */
  g_autofree char *id =
    m->has_request_seed
      ? g_strdup_printf("%s seed %" G_GUINT64_FORMAT
                        " request_seed %" G_GUINT64_FORMAT,
                        m->scenario_sha256, m->seed, m->request_seed)
      : g_strdup_printf("%s seed %" G_GUINT64_FORMAT, m->scenario_sha256,
                        m->seed);
  m->run = g_compute_checksum_for_string(G_CHECKSUM_SHA256, id, -1);
  return m;
}

void
run_manifest_free(RunManifest *m)
{
  if (m == NULL)
    return;
  g_free(m->scenario);
  g_free(m->file);
  g_free(m->variant);
  g_free(m->scenario_sha256);
  g_free(m->run);
  g_free(m);
}

cJSON *
run_manifest_to_json(const RunManifest *m)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "schema", RUN_MANIFEST_SCHEMA);
  cJSON_AddStringToObject(o, "scenario", m->scenario);
  cJSON_AddStringToObject(o, "file", m->file ? m->file : "");
  cJSON_AddStringToObject(o, "variant", m->variant);
  cJSON_AddNumberToObject(o, "seed", (double) m->seed);
  if (m->has_request_seed)
    cJSON_AddNumberToObject(o, "request_seed", (double) m->request_seed);
  cJSON_AddNumberToObject(o, "duration_s", m->duration_s);
  cJSON_AddStringToObject(o, "scenario_sha256", m->scenario_sha256);
  cJSON_AddStringToObject(o, "run", m->run);
  return o;
}

static char *
dup_member(const cJSON *o, const char *key)
{
  return g_strdup(
    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key)));
}

RunManifest *
run_manifest_load(const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename(dir, RUN_MANIFEST_FILE, NULL);
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    return NULL;
  g_autoptr(cJSON) root = json_load_file(path, error);
  if (root == NULL)
    return NULL;
  g_autoptr(RunManifest) m = g_new0(RunManifest, 1);
  m->scenario = dup_member(root, "scenario");
  m->file = dup_member(root, "file");
  m->variant = dup_member(root, "variant");
  m->scenario_sha256 = dup_member(root, "scenario_sha256");
  m->run = dup_member(root, "run");
  const cJSON *seed = cJSON_GetObjectItemCaseSensitive(root, "seed");
  const cJSON *dur = cJSON_GetObjectItemCaseSensitive(root, "duration_s");
  if (m->scenario == NULL || m->run == NULL || !cJSON_IsNumber(seed) ||
      !cJSON_IsNumber(dur)) {
    input_error(error, path, "not an ecsim manifest (schema %s)",
                RUN_MANIFEST_SCHEMA);
    return NULL;
  }
  m->seed = (guint64) seed->valuedouble;
  m->duration_s = dur->valuedouble;
  const cJSON *rseed = cJSON_GetObjectItemCaseSensitive(root, "request_seed");
  m->has_request_seed = cJSON_IsNumber(rseed);
  m->request_seed = m->has_request_seed ? (guint64) rseed->valuedouble : 0;
  return g_steal_pointer(&m);
}

char *
run_manifest_describe(const RunManifest *m)
{
  char span[SIM_TIME_FORMAT_MAX];
  sim_time_format(sim_time_from_seconds(m->duration_s), span);
  g_autofree char *request =
    m->has_request_seed
      ? g_strdup_printf(", request seed %" G_GUINT64_FORMAT, m->request_seed)
      : g_strdup("");
  return g_strdup_printf("scenario %s (%s, seed %" G_GUINT64_FORMAT "%s)",
                         m->scenario, span, m->seed, request);
}

/* TRUE when @dir holds a run's outputs. */
static gboolean
holds_outputs(const char *dir)
{
  static const char *const marks[] = { "summary.json", RUN_MANIFEST_FILE };
  for (gsize i = 0; i < G_N_ELEMENTS(marks); i++) {
    g_autofree char *p = g_build_filename(dir, marks[i], NULL);
    if (g_file_test(p, G_FILE_TEST_EXISTS))
      return TRUE;
  }
  return FALSE;
}

/* Why @dir's outputs are not of the run @m (owned), or NULL when they
 * are. */
static char *
foreign_reason(const char *dir, const RunManifest *m)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RunManifest) there = run_manifest_load(dir, &error);
  if (there == NULL)
    return g_strdup("outputs of an earlier run with no manifest");
  if (strcmp(there->run, m->run) == 0)
    return NULL;
  g_autofree char *what = run_manifest_describe(there);
  if (strcmp(there->scenario, m->scenario) != 0 ||
      there->seed != m->seed || there->duration_s != m->duration_s ||
      there->has_request_seed != m->has_request_seed ||
      (m->has_request_seed && there->request_seed != m->request_seed))
    return g_strdup_printf("outputs of %s", what);
  return g_strdup_printf("outputs of %s as it was before an edit or other "
                         "--set values", what);
}

gboolean
run_manifest_claim(const char *base, const RunManifest *m, gboolean force,
                   GPtrArray **stale, GError **error)
{
  g_return_val_if_fail(base != NULL && m != NULL && stale != NULL, FALSE);
  *stale = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GDir) d = g_dir_open(base, 0, NULL);
  if (d == NULL)
    return TRUE; /* nothing there yet (or unreadable: writing will say) */
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add(names, g_strdup(name));
  g_ptr_array_sort(names, outdir_compare_names);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *dir = g_build_filename(base, names->pdata[i], NULL);
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR) || !holds_outputs(dir))
      continue;
    g_autofree char *why = foreign_reason(dir, m);
    if (why == NULL)
      continue;
    if (!force) {
      g_autofree char *ours = run_manifest_describe(m);
      input_error(error, dir, "holds %s, not of this run of %s; use "
                  "--force to replace them, or write elsewhere with -o",
                  why, ours);
      g_clear_pointer(stale, g_ptr_array_unref);
      return FALSE;
    }
    g_ptr_array_add(*stale, g_steal_pointer(&dir));
  }
  return TRUE;
}

gboolean
run_manifest_remove_stale(GPtrArray *stale, const char *const *keep,
                          GError **error)
{
  for (guint i = 0; stale != NULL && i < stale->len; i++) {
    g_autofree char *name = g_path_get_basename(stale->pdata[i]);
    if (keep != NULL && g_strv_contains(keep, name))
      continue;
    if (!outdir_remove_tree(stale->pdata[i], error))
      return FALSE;
  }
  return TRUE;
}
