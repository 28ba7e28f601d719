/* Output folders that appear whole or not at all (see outdir.h). */
#include "models/output/outdir.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "models/input/input.h"

gint
outdir_compare_names(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

gboolean
outdir_remove_tree(const char *path, GError **error)
{
  GStatBuf st;
  if (g_lstat(path, &st) != 0)
    return TRUE; /* already gone */
  if (S_ISDIR(st.st_mode)) {
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      if (!outdir_remove_tree(child, error))
        return FALSE;
    }
  }
  if (g_remove(path) != 0) {
    int err = errno;
    input_error(error, path, "cannot remove: %s", g_strerror(err));
    return FALSE;
  }
  return TRUE;
}

/* A process killed between begin and commit leaves its temporary folder;
 * one older than an hour is surely abandoned. */
#define ABANDONED_AFTER_S 3600

static void
sweep_abandoned(const char *parent, const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open(parent, 0, NULL);
  const char *name;
  time_t now = time(NULL);
  while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
    if (!g_str_has_prefix(name, prefix))
      continue;
    g_autofree char *path = g_build_filename(parent, name, NULL);
    GStatBuf st;
    if (g_lstat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
        now - st.st_mtime > ABANDONED_AFTER_S)
      outdir_remove_tree(path, NULL);
  }
}

char *
outdir_begin(const char *final, GError **error)
{
  g_return_val_if_fail(final != NULL, NULL);
  g_autofree char *parent = g_path_get_dirname(final);
  g_autofree char *base = g_path_get_basename(final);
  if (g_mkdir_with_parents(parent, 0755) != 0) {
    int err = errno;
    input_error(error, parent, "cannot create the output folder: %s",
                g_strerror(err));
    return NULL;
  }
  g_autofree char *prefix = g_strdup_printf(".%s.tmp-", base);
  sweep_abandoned(parent, prefix);
  g_autofree char *tmpl = g_strdup_printf("%s/%sXXXXXX", parent, prefix);
  if (g_mkdtemp_full(tmpl, 0755) == NULL) {
    int err = errno;
    input_error(error, parent, "cannot create the output folder: %s",
                g_strerror(err));
    return NULL;
  }
  return g_steal_pointer(&tmpl);
}

void
outdir_abandon(const char *temp)
{
  if (temp != NULL)
    outdir_remove_tree(temp, NULL);
}

/* Swaps @temp and the existing @final in one step; FALSE when the file
 * system cannot (the caller then falls back to two renames). */
static gboolean
exchange(const char *temp, const char *final)
{
#ifdef RENAME_EXCHANGE
  return renameat2(AT_FDCWD, temp, AT_FDCWD, final, RENAME_EXCHANGE) == 0;
#else
  return FALSE;
#endif
}

gboolean
outdir_commit(const char *temp, const char *final, GError **error)
{
  g_return_val_if_fail(temp != NULL && final != NULL, FALSE);
  if (!g_file_test(final, G_FILE_TEST_EXISTS)) {
    if (g_rename(temp, final) == 0)
      return TRUE;
  } else if (exchange(temp, final)) {
    /* @temp now holds the old outputs. */
    return outdir_remove_tree(temp, error);
  } else {
    g_autofree char *old = g_strdup_printf("%s.old", temp);
    if (g_rename(final, old) == 0) {
      if (g_rename(temp, final) == 0)
        return outdir_remove_tree(old, error);
      g_rename(old, final); /* put the earlier outputs back */
    }
  }
  int err = errno;
  input_error(error, final, "cannot move the outputs into place: %s",
              g_strerror(err));
  outdir_abandon(temp);
  return FALSE;
}
