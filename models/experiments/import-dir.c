/* `ecsim import`: reading the folder and small text helpers. */
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/experiments/import-private.h"

static void
import_file_free(gpointer data)
{
  ImportFile *f = data;
  g_free(f->path);
  g_free(f->name);
  cJSON_Delete(f->root);
  g_free(f);
}

static void
add_obj(ImportDir *d, const ImportFile *f, const cJSON *obj, int index)
{
  ImportObj *o = g_new0(ImportObj, 1);
  o->file = f;
  o->obj = obj;
  o->index = index;
  g_ptr_array_add(d->objs[f->shape], o);
}

/* Indexes the objects of @f by its shape: the elements of its list, the
 * wrapped object, or the file itself. */
static void
index_file(ImportDir *d, const ImportFile *f)
{
  const char *key = aws_shape_list_key(f->shape);
  if (f->shape == AWS_SHAPE_TASKDEF_WRAPPED ||
      f->shape == AWS_SHAPE_SERVICE_WRAPPED) {
    const char *inner = f->shape == AWS_SHAPE_TASKDEF_WRAPPED
                          ? "taskDefinition" : "service";
    add_obj(d, f, cJSON_GetObjectItemCaseSensitive(f->root, inner), -1);
    return;
  }
  if (key == NULL) {
    add_obj(d, f, f->root, -1);
    return;
  }
  int i = 0;
  const cJSON *list = cJSON_GetObjectItemCaseSensitive(f->root, key);
  for (const cJSON *item = list ? list->child : NULL; item;
       item = item->next, i++)
    if (cJSON_IsObject(item))
      add_obj(d, f, item, i);
}

static gint
compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The *.json names of @dir, sorted (readdir's order is the file
 * system's). */
static GPtrArray *
json_names(const char *dir, GError **error)
{
  g_autoptr(GDir) handle = g_dir_open(dir, 0, error);
  if (handle == NULL)
    return NULL;
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(handle)) != NULL)
    if (g_str_has_suffix(name, ".json"))
      g_ptr_array_add(names, g_strdup(name));
  g_ptr_array_sort(names, compare_names);
  return names;
}

ImportDir *
import_dir_load(const char *dir, GPtrArray *skipped, GError **error)
{
  g_return_val_if_fail(dir != NULL, NULL);
  g_autoptr(GError) io = NULL;
  g_autoptr(GPtrArray) names = json_names(dir, &io);
  if (names == NULL) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read the folder: %s", dir, io->message);
    return NULL;
  }
  ImportDir *d = g_new0(ImportDir, 1);
  d->dir = g_strdup(dir);
  d->files = g_ptr_array_new_with_free_func(import_file_free);
  for (int s = 0; s < AWS_SHAPE_N; s++)
    d->objs[s] = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < names->len; i++) {
    g_autofree char *path = g_build_filename(dir, names->pdata[i], NULL);
    cJSON *root = json_load_file(path, error);
    if (root == NULL) {
      import_dir_free(d);
      return NULL;
    }
    AwsShape shape = aws_shape_detect(root);
    if (shape == AWS_SHAPE_NONE) {
      g_ptr_array_add(skipped, g_strdup_printf(
        "%s: not an AWS CLI output ecsim knows; skipped", path));
      cJSON_Delete(root);
      continue;
    }
    ImportFile *f = g_new0(ImportFile, 1);
    f->path = g_steal_pointer(&path);
    f->name = g_strdup(names->pdata[i]);
    f->shape = shape;
    f->root = root;
    g_ptr_array_add(d->files, f);
    index_file(d, f);
  }
  return d;
}

void
import_dir_free(ImportDir *d)
{
  if (d == NULL)
    return;
  for (int s = 0; s < AWS_SHAPE_N; s++)
    g_ptr_array_unref(d->objs[s]);
  g_ptr_array_unref(d->files);
  g_free(d->dir);
  g_free(d);
}

const char *
import_str(const cJSON *o, const char *key)
{
  return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

const char *
import_arn_tail(const char *arn)
{
  const char *slash = strrchr(arn, '/');
  return slash ? slash + 1 : arn;
}

static gboolean
plain_word(const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isalnum(*s) && !strchr("_./:=,@+%-", *s))
      return FALSE;
  return TRUE;
}

char *
import_shell_quote(const char *arg)
{
  if (plain_word(arg))
    return g_strdup(arg);
  /* Inside single quotes nothing is special but the quote itself, which
   * closes, is escaped and reopens: 'it'\''s'. */
  GString *out = g_string_new("'");
  for (const char *p = arg; *p; p++) {
    if (*p == '\'')
      g_string_append(out, "'\\''");
    else
      g_string_append_c(out, *p);
  }
  g_string_append_c(out, '\'');
  return g_string_free(out, FALSE);
}

char *
import_file_token(const char *text)
{
  char *out = g_strdup(text);
  for (char *p = out; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '.' && *p != '_' && *p != '-')
      *p = '-';
  return out;
}
