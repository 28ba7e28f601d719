/* The replay driver: runs a fuzz target's LLVMFuzzerTestOneInput() over
 * every file of the folders (or files) given, in name order, as a normal
 * test in builds without libFuzzer. Each input gets FUZZ_REPLAY_TIMEOUT
 * seconds (default 10): one that takes longer is named and the test fails,
 * rather than the whole suite waiting for meson's timeout. A folder's
 * README.md may mark inputs "pending: NAME" (see is_pending()). Exit
 * status 0 when every input returned. */
#include "fuzz.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *current; /* the input being run, for the alarm */

static void
on_alarm(int sig)
{
  static const char msg[] = "replay: input took too long (a hang?): ";
  (void) sig;
  /* Only async-signal-safe calls here. */
  if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0 ||
      write(STDERR_FILENO, current, strlen(current)) < 0 ||
      write(STDERR_FILENO, "\n", 1) < 0)
    _exit(3);
  _exit(3);
}

static void
run_file(const char *path, unsigned timeout)
{
  gchar *data = NULL;
  gsize len = 0;
  GError *error = NULL;
  if (!g_file_get_contents(path, &data, &len, &error))
    g_error("replay: %s", error->message);
  current = path;
  alarm(timeout);
  LLVMFuzzerTestOneInput((const uint8_t *) data, len);
  alarm(0);
  g_free(data);
}

static int
compare_paths(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* TRUE when @dir's README has a line "pending: @name": an input whose
 * fix is on another branch, skipped until that branch is merged (then the
 * line goes). */
static gboolean
is_pending(const char *dir, const char *name)
{
  g_autofree char *readme = g_build_filename(dir, "README.md", NULL);
  g_autofree char *text = NULL;
  if (!g_file_get_contents(readme, &text, NULL, NULL))
    return FALSE;
  g_autofree char *line = g_strdup_printf("\npending: %s\n", name);
  return strstr(text, line) != NULL;
}

/* The regular files in @dir, sorted (README files are notes, not inputs). */
static GPtrArray *
inputs_in(const char *dir)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d && (name = g_dir_read_name(d)) != NULL) {
    char *path = g_build_filename(dir, name, NULL);
    if (!g_file_test(path, G_FILE_TEST_IS_REGULAR) ||
        g_str_has_prefix(name, "README")) {
      g_free(path);
    } else if (is_pending(dir, name)) {
      printf("replay: %s skipped: pending (see README.md there)\n", path);
      g_free(path);
    } else {
      g_ptr_array_add(paths, path);
    }
  }
  if (d)
    g_dir_close(d);
  g_ptr_array_sort(paths, compare_paths);
  return paths;
}

int
main(int argc, char **argv)
{
  const char *t = g_getenv("FUZZ_REPLAY_TIMEOUT");
  unsigned timeout = t ? (unsigned) atoi(t) : 10;
  signal(SIGALRM, on_alarm);
  fuzz_init();
  guint n = 0;
  for (int i = 1; i < argc; i++) {
    if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
      run_file(argv[i], timeout);
      n++;
      continue;
    }
    GPtrArray *paths = inputs_in(argv[i]);
    for (guint j = 0; j < paths->len; j++)
      run_file(paths->pdata[j], timeout);
    n += paths->len;
    g_ptr_array_unref(paths);
  }
  printf("replay: %u inputs ran\n", n);
  return 0;
}
