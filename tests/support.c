/* Helpers shared by the model tests. */
#include "support.h"

#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/output/report.h"
#include "models/config/summary-schema.h"

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
test_read_file(const char *dir, const char *name)
{
  g_autofree char *path = dir ? g_build_filename(dir, name, NULL)
                              : g_strdup(name);
  char *text = NULL;
  cr_assert(g_file_get_contents(path, &text, NULL, NULL), "no %s", path);
  return text;
}

char *
test_line_of(const char *text, const char *start)
{
  g_autofree char *needle = g_strdup_printf("\n%s", start);
  const char *p = strstr(text, needle);
  cr_assert_not_null(p, "no line '%s' in:\n%s", start, text);
  p++;
  return g_strndup(p, strcspn(p, "\n"));
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

TestRun *
test_run_new(const char *json)
{
  GError *error = NULL;
  TestRun *run = g_new0(TestRun, 1);
  run->cfg = test_configure(json, NULL, &error);
  if (run->cfg == NULL)
    cr_assert_fail("scenario refused: %s", error->message);
  run->w = world_new(run->cfg, NULL, &error);
  if (run->w == NULL)
    cr_assert_fail("world refused: %s", error->message);
  return run;
}

void
test_run_finish(TestRun *run)
{
  world_run(run->w, NULL, NULL);
}

void
test_run_free(TestRun *run)
{
  if (run == NULL)
    return;
  world_free(run->w);
  scenario_config_free(run->cfg);
  g_free(run);
}

double
test_summary_number(TestRun *run, const char *path)
{
  cJSON *summary = report_summary(run->w);
  double v;
  if (!summary_schema_value(summary, path, &v))
    v = NAN;
  cJSON_Delete(summary);
  return v;
}

int
test_cmp_double(const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}
