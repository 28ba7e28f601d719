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
cli_run(const char *cwd, char **out, char **err, ...)
{
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) cli_binary());
  va_list ap;
  va_start(ap, err);
  for (const char *a = va_arg(ap, const char *); a;
       a = va_arg(ap, const char *))
    g_ptr_array_add(argv, (gpointer) a);
  va_end(ap);
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
