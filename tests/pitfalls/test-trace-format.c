/* Pitfalls: see tests/pitfalls/meson.build. This file: `ecsim trace` on
 * files that are not what they seem, and on inputs a fuzzer found. */
#include <criterion/criterion.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/wait.h>

#include "scenarios/cli.h"
#include "support.h"

static char *dir;

static void
setup(void)
{
  dir = test_tmpdir();
}

static void
teardown(void)
{
  test_rmrf(dir);
  g_free(dir);
}

TestSuite(trace_format, .init = setup, .fini = teardown);

/* Writes @len bytes of @data (NUL bytes allowed) to @name in the test's
 * directory; returns its path (owned). */
static char *
write_bytes(const char *name, const char *data, gssize len)
{
  char *p = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(p, data, len, NULL));
  return p;
}

/* Runs `ecsim trace [fit] @path [@option]` and returns its exit status,
 * with its outputs in @out and @err (owned). */
G_GNUC_UNUSED static int
trace(const char *sub, const char *path, const char *option, char **out,
      char **err)
{
  if (sub == NULL)
    return cli_run(dir, out, err, "trace", path, option, NULL);
  return cli_run(dir, out, err, "trace", sub, path, option, NULL);
}

/* The error output is exactly one line, and contains @want. */
static void
assert_one_line(const char *err, const char *want)
{
  cr_assert_not_null(strstr(err, want), "'%s' not in: %s", want, err);
  const char *nl = strchr(err, '\n');
  cr_assert(nl != NULL && nl[1] == '\0', "not one line: %s", err);
}

Test(trace_format, output_to_a_full_disk_fails)
{
  g_autofree char *path = write_bytes("c.txt", "1 2 3 4 5 6 7 8\n", -1);
  for (int fit = 0; fit < 2; fit++) {
    /* the shell points standard output at /dev/full */
    const char *argv[] = { "/bin/sh", "-c",
      fit ? "exec \"$0\" trace fit \"$1\" >/dev/full"
          : "exec \"$0\" trace \"$1\" >/dev/full",
      cli_binary(), path, NULL };
    g_autofree char *err = NULL;
    int status = -1;
    cr_assert(g_spawn_sync(dir, (char **) argv, NULL, 0, NULL, NULL, NULL,
                           &err, &status, NULL));
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
              "exit status %d: %s", status, err);
    /* fit says first (on stderr too) which format it read */
    cr_assert(g_str_has_suffix(err, "\necsim: cannot write the output: No "
                               "space left on device\n") ||
              g_str_has_prefix(err, "ecsim: cannot write the output: No "
                               "space left on device\n"), "%s", err);
  }
}
