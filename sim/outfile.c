/* Temporary-name-then-rename output files. */
#include "sim/outfile.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define BUFFER_SIZE (1 << 20)

struct _SimOutFile {
  char *path;
  char *tmp_path;
  FILE *stream;
  char *buffer;
};

SimOutFile *
sim_outfile_new(const char *path, GError **error)
{
  g_autofree char *tmp = g_strdup_printf("%s.tmp-XXXXXX", path);
  int fd = g_mkstemp(tmp);
  if (fd < 0) {
    int err = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                "%s: cannot create: %s", path, g_strerror(err));
    return NULL;
  }
  SimOutFile *f = g_new0(SimOutFile, 1);
  f->path = g_strdup(path);
  f->tmp_path = g_steal_pointer(&tmp);
  f->stream = fdopen(fd, "w");
  f->buffer = g_malloc(BUFFER_SIZE);
  setvbuf(f->stream, f->buffer, _IOFBF, BUFFER_SIZE);
  /* mkstemp makes the file 0600; outputs are ordinary files. */
  fchmod(fd, 0644);
  return f;
}

FILE *
sim_outfile_stream(SimOutFile *f)
{
  return f->stream;
}

const char *
sim_outfile_path(const SimOutFile *f)
{
  return f->path;
}

static void
outfile_release(SimOutFile *f)
{
  g_free(f->path);
  g_free(f->tmp_path);
  g_free(f->buffer);
  g_free(f);
}

gboolean
sim_outfile_commit(SimOutFile *f, GError **error)
{
  gboolean failed = ferror(f->stream) != 0;
  int err = errno;
  if (fclose(f->stream) != 0 && !failed) {
    failed = TRUE;
    err = errno;
  }
  if (!failed && g_rename(f->tmp_path, f->path) != 0) {
    failed = TRUE;
    err = errno;
  }
  if (failed) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                "%s: cannot write: %s", f->path, g_strerror(err));
    g_unlink(f->tmp_path);
  }
  outfile_release(f);
  return !failed;
}

void
sim_outfile_discard(SimOutFile *f)
{
  if (f == NULL)
    return;
  fclose(f->stream);
  g_unlink(f->tmp_path);
  outfile_release(f);
}
