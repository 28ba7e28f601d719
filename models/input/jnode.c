/* Typed, range-checked reads from JSON with pointer-precise errors. */
#include "models/input/jnode.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"

struct _JDoc {
  char *file;
  char *dir;
  GHashTable *origins; /* const cJSON* -> JOrigin* */
  GStringChunk *strings;
};

JDoc *
jdoc_new(const char *file, const char *dir)
{
  JDoc *doc = g_new0(JDoc, 1);
  doc->file = g_strdup(file);
  doc->dir = g_strdup(dir ? dir : ".");
  doc->origins = g_hash_table_new_full(NULL, NULL, NULL, g_free);
  doc->strings = g_string_chunk_new(1024);
  return doc;
}

void
jdoc_free(JDoc *doc)
{
  if (doc == NULL)
    return;
  g_free(doc->file);
  g_free(doc->dir);
  g_hash_table_destroy(doc->origins);
  g_string_chunk_free(doc->strings);
  g_free(doc);
}

void
jdoc_set_origin(JDoc *doc, const cJSON *node, const char *file,
                const char *dir, const char *path)
{
  JOrigin *o = g_new(JOrigin, 1);
  o->file = g_string_chunk_insert_const(doc->strings, file);
  o->dir = dir ? g_string_chunk_insert_const(doc->strings, dir) : NULL;
  o->path = path ? g_string_chunk_insert_const(doc->strings, path) : NULL;
  g_hash_table_replace(doc->origins, (gpointer) node, o);
}

void
jdoc_forget(JDoc *doc, const cJSON *node)
{
  if (node == NULL)
    return;
  g_hash_table_remove(doc->origins, node);
  for (const cJSON *c = node->child; c != NULL; c = c->next)
    jdoc_forget(doc, c);
}

void
jn_root(JNode *n, const JDoc *doc, const cJSON *json)
{
  n->json = json;
  n->doc = doc;
  n->file = doc->file;
  n->dir = doc->dir;
  n->path[0] = '\0';
  n->named = FALSE;
}

/* Fills @child for @json found at @parent's path plus @token. */
static void
make_child(const JNode *parent, const cJSON *json, const char *token,
           JNode *child)
{
  const JOrigin *o =
    json ? g_hash_table_lookup(parent->doc->origins, json) : NULL;
  child->json = json;
  child->doc = parent->doc;
  child->named = o != NULL && o->path == NULL;
  if (o != NULL) {
    child->file = o->file;
    child->dir = o->dir ? o->dir : parent->dir;
    g_strlcpy(child->path, o->path ? o->path : "", sizeof child->path);
    return;
  }
  child->file = parent->file;
  child->dir = parent->dir;
  GString *p = g_string_new(parent->path);
  json_pointer_append(p, token);
  g_strlcpy(child->path, p->str, sizeof child->path);
  g_string_free(p, TRUE);
}

gboolean
jn_member(const JNode *obj, const char *key, JNode *child)
{
  const cJSON *item = cJSON_IsObject(obj->json)
                        ? cJSON_GetObjectItemCaseSensitive(obj->json, key)
                        : NULL;
  if (item != NULL && cJSON_IsNull(item))
    item = NULL;
  make_child(obj, item, key, child);
  return item != NULL;
}

/* Elements jn_index() stepped over (cJSON finds element i by walking i
 * links): jn_index_steps(). */
static gsize index_steps;

gsize
jn_index_steps(void)
{
  return (gsize) g_atomic_pointer_get(&index_steps);
}

void
jn_index(const JNode *arr, int i, JNode *child)
{
  g_atomic_pointer_add(&index_steps, (gssize) MAX(i, 0));
  char token[24];
  snprintf(token, sizeof token, "%d", i);
  make_child(arr, cJSON_GetArrayItem(arr->json, i), token, child);
}

void
jn_element(const JNode *arr, const cJSON *item, int i, JNode *child)
{
  char token[24];
  snprintf(token, sizeof token, "%d", i);
  make_child(arr, item, token, child);
}

int
jn_length(const JNode *arr)
{
  return cJSON_IsArray(arr->json) ? cJSON_GetArraySize(arr->json) : 0;
}

char *
jn_where(const JNode *n)
{
  if (n->named)
    return g_strdup(n->file);
  return g_strdup_printf("%s: %s", n->file, n->path[0] ? n->path : "/");
}

void
jn_error(const JNode *n, GError **error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *where = jn_where(n);
  /* The path holds the file's own keys, which may hold any character. */
  g_autofree char *line = g_strdup_printf("%s: %s", where, msg);
  g_autofree char *safe = input_escape(line);
  g_set_error_literal(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                      safe);
}

char *
jn_resolve_path(const JNode *n, const char *name)
{
  if (g_path_is_absolute(name))
    return g_strdup(name);
  return g_build_filename(n->dir, name, NULL);
}

static const char *
type_name(const cJSON *v)
{
  if (cJSON_IsObject(v))
    return "an object";
  if (cJSON_IsArray(v))
    return "an array";
  if (cJSON_IsString(v))
    return "a string";
  if (cJSON_IsNumber(v))
    return "a number";
  if (cJSON_IsBool(v))
    return "a boolean";
  return "null";
}

static gboolean
type_error(const JNode *n, const char *want, GError **error)
{
  g_autofree char *got = json_describe(n->json);
  jn_error(n, error, "must be %s, got %s %s", want, type_name(n->json), got);
  return FALSE;
}

/* cJSON reads 1e309 as infinity; no scenario number may be one. */
static gboolean
finite_error(const JNode *n, GError **error)
{
  jn_error(n, error, "must be a finite number (a double holds at most "
           "about 1.8e308)");
  return FALSE;
}

static gboolean
in_list(const char *key, const char *const *list)
{
  for (const char *const *k = list; k && *k; k++)
    if (strcmp(*k, key) == 0)
      return TRUE;
  return FALSE;
}

gboolean
jn_check_object(const JNode *obj, const char *const *allowed,
                const char *const *required, GError **error)
{
  if (!cJSON_IsObject(obj->json))
    return type_error(obj, "an object", error);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (const cJSON *m = obj->json->child; m != NULL; m = m->next) {
    JNode child;
    /* The member itself, so that a key an override added is reported
     * where the override is. */
    make_child(obj, m, m->string, &child);
    if (!in_list(m->string, allowed)) {
      const char *hint = input_suggest(m->string, allowed);
      if (hint)
        jn_error(&child, error, "unknown key; did you mean '%s'?", hint);
      else
        jn_error(&child, error, "unknown key");
      return FALSE;
    }
    if (!g_hash_table_add(seen, m->string)) {
      jn_error(&child, error, "key appears twice");
      return FALSE;
    }
  }
  for (const char *const *k = required; k && *k; k++) {
    JNode child;
    if (!jn_member(obj, *k, &child)) {
      jn_error(&child, error, "required key is missing");
      return FALSE;
    }
  }
  return TRUE;
}

gboolean
jn_check_finite(const JNode *n, GError **error)
{
  if (cJSON_IsNumber(n->json) && !isfinite(n->json->valuedouble))
    return finite_error(n, error);
  if (!cJSON_IsObject(n->json) && !cJSON_IsArray(n->json))
    return TRUE;
  int i = 0;
  for (const cJSON *c = n->json->child; c != NULL; c = c->next, i++) {
    char token[24];
    snprintf(token, sizeof token, "%d", i);
    JNode child;
    make_child(n, c, cJSON_IsObject(n->json) ? c->string : token, &child);
    if (!jn_check_finite(&child, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
jn_check_array(const JNode *arr, int min, int max, GError **error)
{
  if (!cJSON_IsArray(arr->json))
    return type_error(arr, "an array", error);
  int n = cJSON_GetArraySize(arr->json);
  if (n < min) {
    jn_error(arr, error, "must have at least %d element%s, got %d", min,
             min == 1 ? "" : "s", n);
    return FALSE;
  }
  if (n > max) {
    jn_error(arr, error, "must have at most %d elements, got %d", max, n);
    return FALSE;
  }
  return TRUE;
}

gboolean
jn_value_string(const JNode *n, const char **out, GError **error)
{
  if (!cJSON_IsString(n->json))
    return type_error(n, "a string", error);
  *out = n->json->valuestring;
  return TRUE;
}

gboolean
jn_string(const JNode *obj, const char *key, const char **out,
          GError **error)
{
  JNode v;
  if (!jn_member(obj, key, &v))
    return TRUE;
  return jn_value_string(&v, out, error);
}

static gboolean
range_error_int(const JNode *n, int64_t min, int64_t max, int64_t got,
                GError **error)
{
  /* Limits beyond any sensible value are not worth mentioning. */
  if (max >= G_MAXINT32)
    jn_error(n, error, "must be >= %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT,
             min, got);
  else if (min == INT64_MIN)
    jn_error(n, error, "must be <= %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT,
             max, got);
  else
    jn_error(n, error,
             "must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT
             ", got %" G_GINT64_FORMAT, min, max, got);
  return FALSE;
}

static gboolean
read_int(const JNode *v, gboolean strings_too, int64_t min, int64_t max,
         int64_t *out, GError **error)
{
  int64_t value;
  if (cJSON_IsNumber(v->json)) {
    double d = v->json->valuedouble;
    if (!isfinite(d))
      return finite_error(v, error);
    if (d != floor(d) || fabs(d) > 9.0e15)
      return type_error(v, "an integer", error);
    value = (int64_t) d;
  } else if (strings_too && cJSON_IsString(v->json)) {
    const char *s = v->json->valuestring;
    char *end = NULL;
    gint64 parsed = g_ascii_strtoll(s, &end, 10);
    if (*s == '\0' || end == NULL || *end != '\0')
      return type_error(v, "an integer", error);
    value = parsed;
  } else {
    return type_error(v, "an integer", error);
  }
  if (value < min || value > max)
    return range_error_int(v, min, max, value, error);
  *out = value;
  return TRUE;
}

gboolean
jn_int(const JNode *obj, const char *key, int64_t min, int64_t max,
       int64_t *out, GError **error)
{
  JNode v;
  if (!jn_member(obj, key, &v))
    return TRUE;
  return read_int(&v, FALSE, min, max, out, error);
}

gboolean
jn_double(const JNode *obj, const char *key, double min, double max,
          double *out, GError **error)
{
  JNode v;
  if (!jn_member(obj, key, &v))
    return TRUE;
  if (!cJSON_IsNumber(v.json))
    return type_error(&v, "a number", error);
  double d = v.json->valuedouble;
  if (!isfinite(d))
    return finite_error(&v, error);
  if (!(d >= min && d <= max)) {
    if (isinf(max))
      jn_error(&v, error, "must be >= %g, got %g", min, d);
    else if (isinf(min))
      jn_error(&v, error, "must be <= %g, got %g", max, d);
    else
      jn_error(&v, error, "must be between %g and %g, got %g", min, max, d);
    return FALSE;
  }
  *out = d;
  return TRUE;
}

gboolean
jn_bool(const JNode *obj, const char *key, gboolean *out, GError **error)
{
  JNode v;
  if (!jn_member(obj, key, &v))
    return TRUE;
  if (!cJSON_IsBool(v.json))
    return type_error(&v, "true or false", error);
  *out = cJSON_IsTrue(v.json);
  return TRUE;
}

gboolean
jn_value_duration(const JNode *v, SimTime min, SimTime max, SimTime *out,
                  GError **error)
{
  SimTime t;
  if (cJSON_IsNumber(v->json)) {
    if (!isfinite(v->json->valuedouble))
      return finite_error(v, error);
    t = sim_time_from_seconds(v->json->valuedouble);
  } else if (cJSON_IsString(v->json)) {
    g_autoptr(GError) parse = NULL;
    if (!input_parse_duration(v->json->valuestring, &t, &parse)) {
      jn_error(v, error, "%s", parse->message);
      return FALSE;
    }
  } else {
    return type_error(v, "a duration (a number of seconds, or a string "
                      "with a unit like \"90s\")", error);
  }
  if (t < min || t > max) {
    char a[SIM_TIME_FORMAT_MAX], b[SIM_TIME_FORMAT_MAX],
      c[SIM_TIME_FORMAT_MAX];
    sim_time_format(t, c);
    if (max == SIM_TIME_MAX)
      jn_error(v, error, "must be >= %s, got %s", sim_time_format(min, a), c);
    else
      jn_error(v, error, "must be between %s and %s, got %s",
               sim_time_format(min, a), sim_time_format(max, b), c);
    return FALSE;
  }
  *out = t;
  return TRUE;
}

gboolean
jn_duration(const JNode *obj, const char *key, SimTime min, SimTime max,
            SimTime *out, GError **error)
{
  JNode v;
  if (!jn_member(obj, key, &v))
    return TRUE;
  return jn_value_duration(&v, min, max, out, error);
}

gboolean
jn_seconds(const JNode *obj, const char *key, int64_t min, int64_t max,
           SimTime *out, GError **error)
{
  int64_t s = 0;
  JNode v;
  if (!jn_member(obj, key, &v))
    return TRUE;
  if (!read_int(&v, FALSE, min, max, &s, error))
    return FALSE;
  *out = s * SIM_SEC;
  return TRUE;
}

gboolean
jn_enum(const JNode *obj, const char *key, const char *const *names,
        int *out, GError **error)
{
  JNode v;
  if (!jn_member(obj, key, &v))
    return TRUE;
  if (!cJSON_IsString(v.json))
    return type_error(&v, "a string", error);
  for (int i = 0; names[i]; i++) {
    if (strcmp(names[i], v.json->valuestring) == 0) {
      *out = i;
      return TRUE;
    }
  }
  g_autofree char *list = g_strjoinv(", ", (char **) names);
  const char *hint = input_suggest(v.json->valuestring, names);
  if (hint)
    jn_error(&v, error, "must be one of %s, got \"%s\"; did you mean '%s'?",
             list, v.json->valuestring, hint);
  else
    jn_error(&v, error, "must be one of %s, got \"%s\"", list,
             v.json->valuestring);
  return FALSE;
}
