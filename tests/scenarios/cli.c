/* Running the built `ecsim` binary from tests. */
#include "cli.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <sys/wait.h>

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

/* TRUE when every one of @files exists. */
static gboolean
all_exist(const char *const *files)
{
  for (const char *const *f = files; *f != NULL; f++)
    if (!g_file_test(*f, G_FILE_TEST_EXISTS))
      return FALSE;
  return TRUE;
}

int
cli_interrupt_after(const char *const *args, const char *const *files,
                    gulong delay_us, char **err)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *err_path = g_build_filename(dir, "stderr", NULL);
  g_autoptr(GString) cmd = g_string_new("exec ");
  g_autofree char *bin = g_shell_quote(cli_binary());
  g_string_append(cmd, bin);
  for (const char *const *a = args; *a != NULL; a++) {
    g_autofree char *q = g_shell_quote(*a);
    g_string_append_printf(cmd, " %s", q);
  }
  g_autofree char *quoted_err = g_shell_quote(err_path);
  g_string_append_printf(cmd, " 2>%s >/dev/null", quoted_err);
  char *argv[] = { "/bin/sh", "-c", cmd->str, NULL };
  GPid pid;
  cr_assert(g_spawn_async(test_source_root(), argv, NULL,
                          G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &pid,
                          NULL));
  for (int i = 0; i < 60000 && !all_exist(files); i++)
    g_usleep(5000);
  g_usleep(delay_us);
  kill(pid, SIGINT);
  int status;
  waitpid(pid, &status, 0);
  *err = test_read_file(NULL, err_path);
  test_rmrf(dir);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
