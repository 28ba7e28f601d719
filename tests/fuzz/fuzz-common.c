/* Helpers shared by the fuzz targets (fuzz.h). */
#include "fuzz.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

static char *tmpdir;
static GPtrArray *written; /* paths to remove at exit */

static void
remove_tmpdir(void)
{
  for (guint i = 0; written && i < written->len; i++)
    g_unlink(written->pdata[i]);
  if (tmpdir)
    g_rmdir(tmpdir);
}

static const char *
fuzz_tmpdir(void)
{
  if (tmpdir == NULL) {
    tmpdir = g_dir_make_tmp("ecsim-fuzz-XXXXXX", NULL);
    if (tmpdir == NULL)
      g_error("cannot make a temporary folder: %s", g_strerror(errno));
    written = g_ptr_array_new_with_free_func(g_free);
    atexit(remove_tmpdir);
  }
  return tmpdir;
}

const char *
fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
  static char *path;
  g_free(path);
  path = g_build_filename(fuzz_tmpdir(), name, NULL);
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
    g_error("%s: cannot write: %s", path, g_strerror(errno));
  gboolean known = FALSE;
  for (guint i = 0; i < written->len; i++)
    known = known || strcmp(written->pdata[i], path) == 0;
  if (!known)
    g_ptr_array_add(written, g_strdup(path));
  return path;
}

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
  return g_strndup((const char *) data, size);
}

FILE *
fuzz_devnull(void)
{
  static FILE *devnull;
  if (devnull == NULL && (devnull = fopen("/dev/null", "w")) == NULL)
    g_error("/dev/null: %s", g_strerror(errno));
  return devnull;
}

void
fuzz_init(void)
{
  static gboolean done;
  if (done)
    return;
  done = TRUE;
  g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
}
