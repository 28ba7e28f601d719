/* Loading scenarios: includes, variants, overrides, and the full check. */
#include "models/config/scenario.h"

#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/config/autoscale-aws.h"
#include "models/config/scenario-check.h"
#include "models/config/scenario-include.h"
#include "models/config/cluster-aws.h"

typedef struct {
  char *pointer;
  char *value; /* text: JSON or a bare string */
} Override;

struct _Scenario {
  char *file;              /* as given, for messages */
  char *dir;               /* relative file names start here */
  cJSON *root;
  GPtrArray *variant_names; /* char*, owned */
  GArray *overrides;       /* Override */
  GHashTable *file_cache;  /* resolved path -> cJSON*, owned */
};

static void
override_clear(gpointer p)
{
  Override *o = p;
  g_free(o->pointer);
  g_free(o->value);
}

/* A variant's name names its output folder (-o DIR/VARIANT): letters,
 * digits, '.', '_' and '-', not starting with a dot, so that no name can
 * climb out of DIR or hide. */
static gboolean
variant_name_ok(const char *name)
{
  gsize len = strlen(name);
  if (len == 0 || len > 100 || name[0] == '.')
    return FALSE;
  for (const char *c = name; *c; c++)
    if (!g_ascii_isalnum(*c) && *c != '.' && *c != '_' && *c != '-')
      return FALSE;
  return TRUE;
}

static gboolean
collect_variants(Scenario *scn, GError **error)
{
  const cJSON *variants = cJSON_GetObjectItemCaseSensitive(scn->root,
                                                           "variants");
  if (variants == NULL || cJSON_IsNull(variants)) {
    g_ptr_array_add(scn->variant_names, g_strdup("base"));
    return TRUE;
  }
  if (!cJSON_IsObject(variants) || variants->child == NULL) {
    input_error(error, scn->file, "/variants: must be an object of named "
                "override sets, e.g. {\"ec2\": {\"/services/0/launchType\": "
                "\"EC2\"}}");
    return FALSE;
  }
  for (const cJSON *v = variants->child; v; v = v->next) {
    if (!variant_name_ok(v->string)) {
      g_autoptr(GString) where = g_string_new("/variants");
      json_pointer_append(where, v->string);
      input_error(error, scn->file, "%s: a variant's name is its output "
                  "folder's: use up to 100 letters, digits, '.', '_' and "
                  "'-', not starting with '.'", where->str);
      return FALSE;
    }
    g_ptr_array_add(scn->variant_names, g_strdup(v->string));
  }
  return TRUE;
}

Scenario *
scenario_load_data(const char *name, const char *text, const char *dir,
                   GError **error)
{
  cJSON *root = json_parse_text(name, text, strlen(text), error);
  if (root == NULL)
    return NULL;
  g_autoptr(Scenario) scn = g_new0(Scenario, 1);
  scn->file = g_strdup(name);
  scn->dir = g_strdup(dir ? dir : ".");
  scn->root = root;
  scn->variant_names = g_ptr_array_new_with_free_func(g_free);
  scn->overrides = g_array_new(FALSE, TRUE, sizeof(Override));
  g_array_set_clear_func(scn->overrides, override_clear);
  scn->file_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) cJSON_Delete);
  if (!cJSON_IsObject(root)) {
    input_error(error, name, "/: a scenario must be a JSON object");
    return NULL;
  }
  if (!collect_variants(scn, error))
    return NULL;
  return g_steal_pointer(&scn);
}

Scenario *
scenario_load(const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!input_read_file(path, &text, NULL, error))
    return NULL;
  /* Relative file names of a scenario on standard input start from the
   * current directory: it has no directory of its own. */
  g_autofree char *dir = strcmp(path, INPUT_STDIN_PATH) == 0
                           ? g_strdup(".") : g_path_get_dirname(path);
  return scenario_load_data(input_display_name(path), text, dir, error);
}

void
scenario_free(Scenario *scn)
{
  if (scn == NULL)
    return;
  g_free(scn->file);
  g_free(scn->dir);
  cJSON_Delete(scn->root);
  g_ptr_array_unref(scn->variant_names);
  g_array_unref(scn->overrides);
  g_hash_table_destroy(scn->file_cache);
  g_free(scn);
}

gboolean
scenario_add_override(Scenario *scn, const char *assignment, GError **error)
{
  const char *eq = strchr(assignment, '=');
  if (eq == NULL || eq == assignment) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "--set %s: expected /json/pointer=value, e.g. "
                "--set /services/0/desiredCount=4", assignment);
    return FALSE;
  }
  Override o = { g_strndup(assignment, (gsize) (eq - assignment)),
                 g_strdup(eq + 1) };
  g_array_append_val(scn->overrides, o);
  return TRUE;
}

char *
scenario_fingerprint(const Scenario *scn)
{
  g_return_val_if_fail(scn != NULL, NULL);
  g_autoptr(GChecksum) sum = g_checksum_new(G_CHECKSUM_SHA256);
  char *text = cJSON_PrintUnformatted(scn->root);
  g_checksum_update(sum, (const guchar *) text, -1);
  cJSON_free(text);
  for (guint i = 0; i < scn->overrides->len; i++) {
    const Override *o = &g_array_index(scn->overrides, Override, i);
    /* NUL-separated, so that no two lists run together alike */
    g_checksum_update(sum, (const guchar *) "", 1);
    g_checksum_update(sum, (const guchar *) o->pointer, -1);
    g_checksum_update(sum, (const guchar *) "", 1);
    g_checksum_update(sum, (const guchar *) o->value, -1);
  }
  return g_strdup(g_checksum_get_string(sum));
}

guint
scenario_n_variants(const Scenario *scn)
{
  return scn->variant_names->len;
}

const char *
scenario_variant_name(const Scenario *scn, guint i)
{
  g_return_val_if_fail(i < scn->variant_names->len, NULL);
  return scn->variant_names->pdata[i];
}

gboolean
scenario_has_variants(const Scenario *scn)
{
  return cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(scn->root,
                                                         "variants"));
}

/* ---- file references ---------------------------------------------- */

typedef struct {
  const char *section;
  const char *wrapper_object; /* {"taskDefinition": {...}} */
  const char *wrapper_array;  /* {"services": [...]} */
} IncludeRule;

static const IncludeRule include_rules[] = {
  { "taskDefinitions", "taskDefinition", NULL },
  { "services", "service", "services" },
  { "targetGroups", NULL, "TargetGroups" },
  /* CLI outputs, each taken whole (autoscale-aws.h) */
  { "applicationAutoScaling", NULL, NULL },
};

/* The file's tree, parsed once per scenario. Lent. */
static cJSON *
load_included(Scenario *scn, const char *path, const char *display,
              GError **error)
{
  cJSON *tree = g_hash_table_lookup(scn->file_cache, path);
  if (tree != NULL)
    return tree;
  g_autofree char *text = NULL;
  gsize len;
  if (!g_file_get_contents(path, &text, &len, NULL))
    return NULL;
  tree = json_parse_text(display, text, len, error);
  if (tree != NULL)
    g_hash_table_insert(scn->file_cache, g_strdup(path), tree);
  return tree;
}

/* Objects the included file holds for @rule, with their pointers. */
static void
unwrap(const IncludeRule *rule, cJSON *tree, GPtrArray *objects,
       GPtrArray *paths)
{
  cJSON *inner = rule->wrapper_object
                   ? cJSON_GetObjectItemCaseSensitive(tree,
                                                      rule->wrapper_object)
                   : NULL;
  cJSON *list = rule->wrapper_array
                  ? cJSON_GetObjectItemCaseSensitive(tree,
                                                     rule->wrapper_array)
                  : NULL;
  if (cJSON_IsObject(inner)) {
    g_ptr_array_add(objects, inner);
    g_ptr_array_add(paths, g_strdup_printf("/%s", rule->wrapper_object));
  } else if (cJSON_IsArray(list)) {
    int i = 0;
    for (cJSON *item = list->child; item; item = item->next, i++) {
      g_ptr_array_add(objects, item);
      g_ptr_array_add(paths, g_strdup_printf("/%s/%d", rule->wrapper_array,
                                             i));
    }
  } else {
    g_ptr_array_add(objects, tree);
    g_ptr_array_add(paths, g_strdup(""));
  }
}

/* The copy of @obj that replaces an include entry, with the entry's other
 * keys laid over it; origins recorded for messages. */
static cJSON *
make_included_copy(const cJSON *obj, const cJSON *entry, JDoc *doc,
                   const char *display, const char *inc_dir,
                   const char *obj_path, const char *scn_file,
                   const char *scn_dir, const char *entry_path)
{
  cJSON *copy = cJSON_Duplicate(obj, TRUE);
  jdoc_set_origin(doc, copy, display, inc_dir, obj_path);
  for (const cJSON *k = entry->child; k; k = k->next) {
    if (strcmp(k->string, "file") == 0)
      continue;
    cJSON *value = cJSON_Duplicate(k, TRUE);
    if (cJSON_GetObjectItemCaseSensitive(copy, k->string))
      cJSON_ReplaceItemInObjectCaseSensitive(copy, k->string, value);
    else
      cJSON_AddItemToObject(copy, k->string, value);
    g_autofree char *path = g_strdup_printf("%s/%s", entry_path, k->string);
    jdoc_set_origin(doc, value, scn_file, scn_dir, path);
  }
  return copy;
}

/* The tree of the file that {"file": ...} entry @entry at @entry_path
 * names (lent), its resolved @path and its @display name (owned). */
static cJSON *
read_entry_file(Scenario *scn, const cJSON *entry, const char *entry_path,
                char **path, char **display, GError **error)
{
  const cJSON *file = cJSON_GetObjectItemCaseSensitive(entry, "file");
  if (!cJSON_IsString(file)) {
    input_error(error, scn->file, "%s/file: must be a file name (string)",
                entry_path);
    return NULL;
  }
  const char *name = file->valuestring;
  *path = g_path_is_absolute(name) ? g_strdup(name)
                                   : g_build_filename(scn->dir, name, NULL);
  *display = g_strdup(strcmp(scn->dir, ".") == 0 ? name : *path);
  cJSON *tree = load_included(scn, *path, *display, error);
  if (tree == NULL && (error == NULL || *error == NULL))
    input_error(error, scn->file, "%s/file: cannot read '%s'%s",
                entry_path, name,
                g_file_test(*path, G_FILE_TEST_EXISTS) ? ""
                                                       : ": no such file");
  return tree;
}

static gboolean
expand_entry(Scenario *scn, JDoc *doc, const IncludeRule *rule, cJSON *arr,
             cJSON *entry, int index, GError **error)
{
  g_autofree char *entry_path = g_strdup_printf("/%s/%d", rule->section,
                                                index);
  g_autofree char *path = NULL, *display = NULL;
  cJSON *tree = read_entry_file(scn, entry, entry_path, &path, &display,
                                error);
  if (tree == NULL)
    return FALSE;
  g_autoptr(GPtrArray) objects = g_ptr_array_new();
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
  unwrap(rule, tree, objects, paths);
  if (objects->len != 1 && cJSON_GetArraySize(entry) > 1) {
    input_error(error, scn->file, "%s: '%s' holds %u objects, so the "
                "entry's other keys would apply to all of them; list them "
                "one by one instead", entry_path, display, objects->len);
    return FALSE;
  }
  g_autofree char *inc_dir = g_path_get_dirname(path);
  for (guint i = 0; i < objects->len; i++) {
    cJSON *copy = make_included_copy(objects->pdata[i], entry, doc, display,
                                     inc_dir, paths->pdata[i], scn->file,
                                     scn->dir, entry_path);
    cJSON_AddItemToArray(arr, copy);
  }
  return TRUE;
}

/* The value of @obj's string member @key, or "?". */
static const char *
member_or_what(const cJSON *obj, const char *key)
{
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
  return cJSON_IsString(v) ? v->valuestring : "?";
}

/* Keeps in @objects (and @paths) only those whose @key is @want. */
static void
keep_selected(GPtrArray *objects, GPtrArray *paths, const char *key,
              const char *want)
{
  for (guint i = objects->len; i-- > 0;) {
    if (strcmp(member_or_what(objects->pdata[i], key), want) != 0) {
      g_ptr_array_remove_index(objects, i);
      g_ptr_array_remove_index(paths, i);
    }
  }
}

static char *
list_names(const GPtrArray *objects, const char *key)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < objects->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "",
                           member_or_what(objects->pdata[i], key));
  return g_string_free(s, FALSE);
}

/* Checks which of the file's @objects the entry stands for; FALSE and
 * @error when the entry cannot say. */
static gboolean
select_objects(Scenario *scn, const IncludeShape *shape, const cJSON *entry,
               const char *entry_path, const char *display,
               GPtrArray *objects, GPtrArray *paths, GError **error)
{
  const cJSON *want = shape->select_key
    ? cJSON_GetObjectItemCaseSensitive(entry, shape->select_key) : NULL;
  g_autofree char *names = shape->select_key
    ? list_names(objects, shape->select_key) : NULL;
  if (cJSON_IsString(want)) {
    keep_selected(objects, paths, shape->select_key, want->valuestring);
    if (objects->len == 0)
      input_error(error, scn->file, "%s/%s: '%s' holds no %s \"%s\" (it "
                  "holds: %s)", entry_path, shape->select_key, display,
                  shape->what, want->valuestring, names);
    return objects->len > 0;
  }
  if (shape->one && objects->len != 1) {
    input_error(error, scn->file, "%s: '%s' holds %u %ss (%s); name one "
                "with \"%s\"", entry_path, display, objects->len,
                shape->what, objects->len ? names : "none",
                shape->select_key);
    return FALSE;
  }
  if (!shape->overlay_each && objects->len != 1 &&
      cJSON_GetArraySize(entry) > 1) {
    input_error(error, scn->file, "%s: '%s' holds %u objects, so the "
                "entry's other keys would apply to all of them; list them "
                "one by one instead", entry_path, display, objects->len);
    return FALSE;
  }
  return TRUE;
}

gboolean
scenario_expand_include(Scenario *scn, JDoc *doc, const cJSON *entry,
                        const char *entry_path, const IncludeShape *shape,
                        cJSON *out, GError **error)
{
  g_autofree char *path = NULL, *display = NULL;
  cJSON *tree = read_entry_file(scn, entry, entry_path, &path, &display,
                                error);
  if (tree == NULL)
    return FALSE;
  g_autoptr(GPtrArray) objects = g_ptr_array_new();
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(tree,
                                                       shape->wrapper_array);
  if (cJSON_IsArray(list)) {
    int i = 0;
    for (cJSON *item = list->child; item; item = item->next, i++) {
      g_ptr_array_add(objects, item);
      g_ptr_array_add(paths, g_strdup_printf("/%s/%d", shape->wrapper_array,
                                             i));
    }
  } else {
    g_ptr_array_add(objects, tree);
    g_ptr_array_add(paths, g_strdup(""));
  }
  if (!select_objects(scn, shape, entry, entry_path, display, objects, paths,
                      error))
    return FALSE;
  g_autofree char *inc_dir = g_path_get_dirname(path);
  for (guint i = 0; i < objects->len; i++)
    cJSON_AddItemToArray(out, make_included_copy(objects->pdata[i], entry,
                                                 doc, display, inc_dir,
                                                 paths->pdata[i], scn->file,
                                                 scn->dir, entry_path));
  return TRUE;
}

/* Replaces every {"file": ...} entry of each section by what it names,
 * keeping the order of entries. */
static gboolean
resolve_includes(Scenario *scn, cJSON *tree, JDoc *doc, GError **error)
{
  for (gsize r = 0; r < G_N_ELEMENTS(include_rules); r++) {
    const IncludeRule *rule = &include_rules[r];
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(tree, rule->section);
    if (!cJSON_IsArray(arr))
      continue; /* the section's parser reports the type */
    cJSON *expanded = cJSON_CreateArray();
    int index = 0;
    for (cJSON *entry = arr->child; entry; entry = entry->next, index++) {
      if (cJSON_IsObject(entry) &&
          cJSON_GetObjectItemCaseSensitive(entry, "file") != NULL) {
        if (!expand_entry(scn, doc, rule, expanded, entry, index, error)) {
          cJSON_Delete(expanded);
          return FALSE;
        }
      } else {
        cJSON_AddItemToArray(expanded, cJSON_Duplicate(entry, TRUE));
      }
    }
    cJSON_ReplaceItemInObjectCaseSensitive(tree, rule->section, expanded);
  }
  return TRUE;
}

/* The "Attributes" list of the describe-target-group-attributes output
 * that target group @tg's {"file": ...} names, put in its place. That
 * output names no target group, so it is laid over one. */
static gboolean
resolve_attribute_file(Scenario *scn, JDoc *doc, const JNode *tg,
                       GError **error)
{
  static const char *const keys[] = { "file", NULL };
  JNode attrs;
  const char *name = NULL;
  if (!jn_member(tg, "Attributes", &attrs) || !cJSON_IsObject(attrs.json))
    return TRUE; /* a list, or a mistake target_group_parse() reports */
  if (!jn_check_object(&attrs, keys, keys, error) ||
      !jn_string(&attrs, "file", &name, error))
    return FALSE;
  g_autofree char *path = jn_resolve_path(&attrs, name);
  const char *display = g_str_has_prefix(path, "./") ? path + 2 : path;
  cJSON *tree = load_included(scn, path, display, error);
  if (tree == NULL) {
    JNode file;
    jn_member(&attrs, "file", &file);
    if (error == NULL || *error == NULL)
      jn_error(&file, error, "cannot read '%s'%s", name,
               g_file_test(path, G_FILE_TEST_EXISTS) ? "" : ": no such file");
    return FALSE;
  }
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(tree, "Attributes");
  if (!cJSON_IsArray(list)) {
    input_error(error, display, "expected the output of aws elbv2 "
                "describe-target-group-attributes: {\"Attributes\": "
                "[{\"Key\": ..., \"Value\": ...}, ...]}");
    return FALSE;
  }
  cJSON *copy = cJSON_Duplicate(list, TRUE);
  g_autofree char *dir = g_path_get_dirname(path);
  jdoc_forget(doc, attrs.json);
  cJSON_ReplaceItemInObjectCaseSensitive((cJSON *) tg->json, "Attributes",
                                         copy);
  jdoc_set_origin(doc, copy, display, dir, "/Attributes");
  return TRUE;
}

static gboolean
resolve_attribute_files(Scenario *scn, cJSON *tree, JDoc *doc,
                        GError **error)
{
  JNode root, arr, tg;
  jn_root(&root, doc, tree);
  jn_member(&root, "targetGroups", &arr);
  for (int i = 0; i < jn_length(&arr); i++) {
    jn_index(&arr, i, &tg);
    if (!resolve_attribute_file(scn, doc, &tg, error))
      return FALSE;
  }
  return TRUE;
}

/* ---- overrides ---------------------------------------------------- */

/* Sets @pointer of @tree to @value (taken) and records that @value came
 * from @file at @path (NULL: @file alone names it), so that a mistake in
 * an override is reported where the override is written, not in the file
 * whose place it fills. */
static gboolean
apply_override(cJSON *tree, JDoc *doc, const char *pointer, cJSON *value,
               const char *file, const char *path, const char *where,
               GError **error)
{
  jdoc_forget(doc, json_pointer_get(tree, pointer));
  if (!json_pointer_set(tree, pointer, value, where, error))
    return FALSE;
  jdoc_set_origin(doc, value, file, NULL, path);
  return TRUE;
}

static gboolean
apply_variant(Scenario *scn, cJSON *tree, JDoc *doc, const char *variant,
              GError **error)
{
  const cJSON *variants = cJSON_GetObjectItemCaseSensitive(scn->root,
                                                           "variants");
  if (!cJSON_IsObject(variants))
    return TRUE;
  const cJSON *set = cJSON_GetObjectItemCaseSensitive(variants, variant);
  g_autoptr(GString) where = g_string_new("/variants");
  json_pointer_append(where, variant);
  if (!cJSON_IsObject(set)) {
    input_error(error, scn->file, "%s: must be an object of JSON Pointer "
                "overrides", where->str);
    return FALSE;
  }
  for (const cJSON *o = set->child; o; o = o->next) {
    g_autofree char *loc = g_strdup_printf("%s: %s", scn->file, where->str);
    g_autoptr(GString) path = g_string_new(where->str);
    json_pointer_append(path, o->string);
    if (!apply_override(tree, doc, o->string, cJSON_Duplicate(o, TRUE),
                        scn->file, path->str, loc, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
apply_sets(Scenario *scn, cJSON *tree, JDoc *doc, GError **error)
{
  for (guint i = 0; i < scn->overrides->len; i++) {
    const Override *o = &g_array_index(scn->overrides, Override, i);
    g_autofree char *loc = g_strdup_printf("--set %s", o->pointer);
    if (!apply_override(tree, doc, o->pointer, json_parse_loose(o->value),
                        loc, NULL, loc, error))
      return FALSE;
  }
  return TRUE;
}

/* ---- configure ---------------------------------------------------- */

ScenarioConfig *
scenario_configure(Scenario *scn, const char *variant,
                   const ScenarioOptions *options, GError **error)
{
  static const ScenarioOptions no_options = { 0 };
  if (options == NULL)
    options = &no_options;
  if (variant == NULL)
    variant = scn->variant_names->pdata[0];
  gboolean known = FALSE;
  for (guint i = 0; i < scn->variant_names->len; i++)
    known |= strcmp(scn->variant_names->pdata[i], variant) == 0;
  if (!known) {
    GString *names = g_string_new(NULL);
    for (guint i = 0; i < scn->variant_names->len; i++)
      g_string_append_printf(names, "%s%s", i ? ", " : "",
                             (char *) scn->variant_names->pdata[i]);
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: no variant \"%s\" (the scenario has: %s)", scn->file,
                variant, names->str);
    g_string_free(names, TRUE);
    return NULL;
  }

  g_autoptr(ScenarioConfig) cfg = g_new0(ScenarioConfig, 1);
  cfg->tree = cJSON_Duplicate(scn->root, TRUE);
  cfg->doc = jdoc_new(scn->file, scn->dir);
  cfg->file = scn->file;
  if (!resolve_includes(scn, cfg->tree, cfg->doc, error) ||
      !resolve_attribute_files(scn, cfg->tree, cfg->doc, error) ||
      !cluster_aws_resolve_includes(scn, cfg->tree, cfg->doc, error) ||
      !apply_variant(scn, cfg->tree, cfg->doc, variant, error) ||
      !apply_sets(scn, cfg->tree, cfg->doc, error) ||
      !autoscale_aws_apply(cfg->tree, cfg->doc, &cfg->aas_skipped,
                           &cfg->aas_unapplied, error))
    return NULL;
  cfg->variant = g_strdup(variant);
  if (!scenario_check(cfg, scn->file, options, error))
    return NULL;
  return g_steal_pointer(&cfg);
}

void
scenario_config_free(ScenarioConfig *cfg)
{
  if (cfg == NULL)
    return;
  cluster_config_free(cfg->cluster);
  pricing_free(cfg->pricing);
  if (cfg->taskdefs)
    g_ptr_array_unref(cfg->taskdefs);
  if (cfg->taskdef_failures)
    g_ptr_array_unref(cfg->taskdef_failures);
  if (cfg->target_groups)
    g_ptr_array_unref(cfg->target_groups);
  if (cfg->services)
    g_ptr_array_unref(cfg->services);
  if (cfg->service_taskdefs)
    g_ptr_array_unref(cfg->service_taskdefs);
  if (cfg->service_tgs)
    g_ptr_array_unref(cfg->service_tgs);
  if (cfg->faults)
    g_ptr_array_unref(cfg->faults);
  if (cfg->expect)
    g_ptr_array_unref(cfg->expect);
  if (cfg->ignored_warnings)
    g_ptr_array_unref(cfg->ignored_warnings);
  g_free(cfg->aas_skipped);
  g_free(cfg->aas_unapplied);
  jdoc_free(cfg->doc);
  cJSON_Delete(cfg->tree);
  g_free(cfg->variant);
  g_free(cfg);
}

int
scenario_config_find_service(const ScenarioConfig *cfg, const char *name)
{
  for (guint i = 0; i < cfg->services->len; i++)
    if (strcmp(((ServiceConfig *) cfg->services->pdata[i])->name, name) == 0)
      return (int) i;
  return -1;
}

const EcsTaskDef *
scenario_config_find_taskdef(const ScenarioConfig *cfg, const char *ref)
{
  g_autofree char *family = NULL;
  int revision = 0;
  if (!service_config_split_taskdef_ref(ref, &family, &revision))
    return NULL;
  const EcsTaskDef *best = NULL;
  for (guint i = 0; i < cfg->taskdefs->len; i++) {
    const EcsTaskDef *td = cfg->taskdefs->pdata[i];
    if (strcmp(td->family, family) != 0)
      continue;
    if (revision > 0 && td->revision == revision)
      return td;
    if (revision == 0 && (best == NULL || td->revision > best->revision))
      best = td;
  }
  return best;
}
