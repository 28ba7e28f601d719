/* Helpers shared by the model tests. */
#include "support.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>

const char *
test_shared_dir(void)
{
  static char *dir;
  if (dir == NULL) {
    const char *env = g_getenv("ECSIM_SHARED");
    dir = g_strdup(env ? env : "../shared");
  }
  return g_file_test(dir, G_FILE_TEST_IS_DIR) ? dir : NULL;
}

const char *
test_source_root(void)
{
  const char *env = g_getenv("ECSIM_SOURCE_ROOT");
  return env ? env : ".";
}

ScenarioConfig *
test_configure(const char *text, const char *variant, GError **error)
{
  g_autofree char *dir = g_build_filename(test_source_root(), "tests",
                                          "data", NULL);
  g_autoptr(Scenario) scn = scenario_load_data("t.json", text, dir, error);
  if (scn == NULL)
    return NULL;
  return scenario_configure(scn, variant, NULL, error);
}

char *
test_configure_error(const char *text)
{
  GError *error = NULL;
  ScenarioConfig *cfg = test_configure(text, NULL, &error);
  if (cfg != NULL) {
    scenario_config_free(cfg);
    fprintf(stderr, "expected an error, the scenario was accepted\n");
    return NULL;
  }
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

char *
test_tmpdir(void)
{
  return g_dir_make_tmp("ecsim-test-XXXXXX", NULL);
}

void
test_rmrf(const char *path)
{
  GDir *dir = g_dir_open(path, 0, NULL);
  if (dir != NULL) {
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
      g_autofree char *child = g_build_filename(path, name, NULL);
      if (g_file_test(child, G_FILE_TEST_IS_DIR))
        test_rmrf(child);
      else
        g_unlink(child);
    }
    g_dir_close(dir);
  }
  g_rmdir(path);
}
