/* Running the built `ecsim` binary from tests. */
#include "cli.h"

#include <criterion/criterion.h>

#include "support.h"

const char *
cli_binary(void)
{
  const char *bin = g_getenv("ECSIM_BIN");
  return bin ? bin : "build/ecsim";
}

int
cli_runv(const char *cwd, char **out, char **err, const char *const *args)
{
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) cli_binary());
  for (const char *const *a = args; *a != NULL; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, NULL);
  int status = -1;
  GError *error = NULL;
  char *o = NULL, *e = NULL;
  gboolean ok = g_spawn_sync(cwd ? cwd : test_source_root(),
                             (char **) argv->pdata, NULL, 0, NULL, NULL, &o,
                             &e, &status, &error);
  g_ptr_array_free(argv, TRUE);
  cr_assert(ok, "cannot run %s: %s", cli_binary(),
            error ? error->message : "");
  if (out) {
    g_free(*out);
    *out = o;
  } else {
    g_free(o);
  }
  if (err) {
    g_free(*err);
    *err = e;
  } else {
    g_free(e);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int
cli_run(const char *cwd, char **out, char **err, ...)
{
  GPtrArray *args = g_ptr_array_new();
  va_list ap;
  va_start(ap, err);
  for (const char *a = va_arg(ap, const char *); a;
       a = va_arg(ap, const char *))
    g_ptr_array_add(args, (gpointer) a);
  va_end(ap);
  g_ptr_array_add(args, NULL);
  int status = cli_runv(cwd, out, err, (const char *const *) args->pdata);
  g_ptr_array_free(args, TRUE);
  return status;
}
