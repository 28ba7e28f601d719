/* Every example scenario validates and runs end to end with the `ecsim`
 * binary; runs are deterministic; small ones match their checked-in
 * summaries (regenerate with ECSIM_UPDATE_EXPECTED=1 meson test ...). */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "report/dygraphs.h"
#include "support.h"

/* Longer scenarios run for this long in the test suite. */
#define TEST_DURATION_CAP "3h"

static gint
by_name(gconstpointer a, gconstpointer b)
{
  return g_strcmp0(*(char *const *) a, *(char *const *) b);
}

static GPtrArray *
scenario_files(void)
{
  g_autofree char *dir = g_build_filename(test_source_root(), "scenarios",
                                          NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  cr_assert_not_null(d, "no scenarios/ folder");
  GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL)
    if (g_str_has_suffix(name, ".json"))
      g_ptr_array_add(files, g_build_filename("scenarios", name, NULL));
  g_dir_close(d);
  g_ptr_array_sort(files, by_name);
  return files;
}

static cJSON *
load_json(const char *path)
{
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(path, &text, NULL, NULL), "no %s", path);
  cJSON *json = cJSON_Parse(text);
  cr_assert_not_null(json, "%s is not JSON", path);
  return json;
}

static double
num(const cJSON *o, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, a);
  if (b)
    n = cJSON_GetObjectItemCaseSensitive(n, b);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

static void
check_variant_outputs(const char *dir)
{
  static const char *const files[] = { "summary.json", "timeseries.csv",
                                       "tasks.csv", "instances.csv",
                                       "events.jsonl", "timing.json" };
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_build_filename(dir, files[i], NULL);
    cr_assert(g_file_test(path, G_FILE_TEST_IS_REGULAR), "missing %s", path);
  }
  g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
  cJSON *sum = load_json(path);
  cr_assert_str_eq(cJSON_GetObjectItem(sum, "schema")->valuestring,
                   "ecsim-summary/1");
  const cJSON *req = cJSON_GetObjectItem(sum, "requests");
  double arrivals = num(req, "arrivals", NULL);
  double accounted = num(req, "completed", NULL) +
                     num(req, "errors", "total") +
                     num(req, "in_flight_end", NULL);
  cr_assert_eq(arrivals, accounted, "%s: requests not conserved", dir);
  cJSON_Delete(sum);
  /* No temporary file is left behind. */
  GDir *d = g_dir_open(dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL)
    cr_assert_null(strstr(name, ".tmp-"), "left over: %s/%s", dir, name);
  g_dir_close(d);
}

Test(scenarios, every_example_validates)
{
  g_autoptr(GPtrArray) files = scenario_files();
  cr_assert_geq(files->len, 7, "the seven example scenarios");
  for (guint i = 0; i < files->len; i++) {
    g_autofree char *out = NULL, *err = NULL;
    int status = cli_run(NULL, &out, &err, "validate", files->pdata[i],
                         NULL);
    cr_assert_eq(status, 0, "%s: %s", (char *) files->pdata[i], err);
    cr_assert(strstr(out, ": ok (scenario") != NULL, "%s", out);
  }
}

static void assert_same_run(const char *dir_a, const char *dir_b);
static void assert_same_report(const char *dir, const char *again);
static void assert_same_file(const char *a, const char *b);

/* Every example runs, writes every output, and gives byte-identical
 * outputs when run again with the same seed. */
Test(scenarios, every_example_runs_end_to_end, .timeout = 1500)
{
  g_autoptr(GPtrArray) files = scenario_files();
  g_autofree char *tmp = test_tmpdir();
  for (guint i = 0; i < files->len; i++) {
    const char *file = files->pdata[i];
    g_autofree char *base = g_path_get_basename(file);
    g_autofree char *dir = g_build_filename(tmp, base, NULL);
    /* Cap long scenarios so the suite stays quick; the duration is the
     * only thing changed. */
    g_autofree char *path = g_build_filename(test_source_root(), file, NULL);
    cJSON *scn = load_json(path);
    SimTime duration = 0, cap = 0;
    sim_time_parse(cJSON_GetObjectItem(scn, "duration")->valuestring,
                   &duration, NULL);
    sim_time_parse(TEST_DURATION_CAP, &cap, NULL);
    cJSON_Delete(scn);
    /* Twice, to check that the same seed gives byte-identical outputs. */
    g_autofree char *again = g_strdup_printf("%s.again", dir);
    for (int k = 0; k < 2; k++) {
      g_autofree char *err = NULL;
      const char *out = k ? again : dir;
      int status = duration > cap
                     ? cli_run(NULL, NULL, &err, "run", file, "-o", out,
                               "-q", "--set", "/duration=" TEST_DURATION_CAP,
                               NULL)
                     : cli_run(NULL, NULL, &err, "run", file, "-o", out,
                               "-q", NULL);
      cr_assert_eq(status, 0, "%s: %s", file, err);
    }
    GDir *d = g_dir_open(dir, 0, NULL);
    const char *variant;
    int n = 0;
    while ((variant = g_dir_read_name(d)) != NULL) {
      g_autofree char *vdir = g_build_filename(dir, variant, NULL);
      g_autofree char *vagain = g_build_filename(again, variant, NULL);
      check_variant_outputs(vdir);
      assert_same_run(vdir, vagain);
      n++;
    }
    g_dir_close(d);
    cr_assert_gt(n, 0, "%s wrote no variant", file);
    if (dygraphs_installed())
      assert_same_report(dir, again);
  }
  test_rmrf(tmp);
}

/* `ecsim report` makes each example's page, the same bytes for the two
 * runs (written beside the run folders, which hold variants only). */
static void
assert_same_report(const char *dir, const char *again)
{
  g_autofree char *page = g_strdup_printf("%s.html", dir);
  g_autofree char *page2 = g_strdup_printf("%s.html", again);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "report", dir, "-o", page, NULL), 0,
               "ecsim report %s: %s", dir, err);
  cr_assert_eq(cli_run(NULL, NULL, NULL, "report", again, "-o", page2, NULL),
               0);
  assert_same_file(page, page2);
}

static void
assert_same_file(const char *a, const char *b)
{
  g_autofree char *x = NULL, *y = NULL;
  gsize nx = 0, ny = 0;
  cr_assert(g_file_get_contents(a, &x, &nx, NULL), "no %s", a);
  cr_assert(g_file_get_contents(b, &y, &ny, NULL), "no %s", b);
  cr_assert(nx == ny && memcmp(x, y, nx) == 0, "%s and %s differ", a, b);
}

static void
assert_same_run(const char *dir_a, const char *dir_b)
{
  static const char *const files[] = { "summary.json", "timeseries.csv",
                                       "tasks.csv", "instances.csv",
                                       "events.jsonl" };
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *a = g_build_filename(dir_a, files[i], NULL);
    g_autofree char *b = g_build_filename(dir_b, files[i], NULL);
    assert_same_file(a, b);
  }
}

Test(scenarios, same_scenario_and_seed_give_byte_identical_outputs,
     .timeout = 300)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *a = g_build_filename(tmp, "a", NULL);
  g_autofree char *b = g_build_filename(tmp, "b", NULL);
  const char *scn = "scenarios/fargate-vs-ec2.json";
  for (int k = 0; k < 2; k++)
    cr_assert_eq(cli_run(NULL, NULL, NULL, "run", scn, "-q", "-o",
                         k ? b : a, "--set", "/duration=2h", NULL), 0);
  const char *variants[] = { "fargate", "fargate-spot", "ec2" };
  for (gsize i = 0; i < G_N_ELEMENTS(variants); i++) {
    g_autofree char *va = g_build_filename(a, variants[i], NULL);
    g_autofree char *vb = g_build_filename(b, variants[i], NULL);
    assert_same_run(va, vb);
  }
  /* A different seed changes the traffic. */
  g_autofree char *c = g_build_filename(tmp, "c", NULL);
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", scn, "-q", "-o", c,
                       "--seed", "8", "--variant", "fargate", "--set",
                       "/duration=2h", NULL), 0);
  g_autofree char *sa = g_build_filename(a, "fargate", "summary.json", NULL);
  g_autofree char *sc = g_build_filename(c, "fargate", "summary.json", NULL);
  g_autofree char *x = NULL, *y = NULL;
  g_file_get_contents(sa, &x, NULL, NULL);
  g_file_get_contents(sc, &y, NULL, NULL);
  cr_assert_str_neq(x, y, "--seed made no difference");
  test_rmrf(tmp);
}

/* Small scenarios: the summary must match the checked-in one. */
static void
check_expected(const char *name)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *file = g_strdup_printf("scenarios/%s.json", name);
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", file, "-q", "-o", tmp,
                       NULL), 0);
  gboolean update = g_getenv("ECSIM_UPDATE_EXPECTED") != NULL;
  GDir *d = g_dir_open(tmp, 0, NULL);
  const char *variant;
  while ((variant = g_dir_read_name(d)) != NULL) {
    g_autofree char *got = g_build_filename(tmp, variant, "summary.json",
                                            NULL);
    g_autofree char *leaf = g_strdup_printf("%s.json", variant);
    g_autofree char *want = g_build_filename(
      test_source_root(), "tests", "scenarios", "expected", name, leaf,
      NULL);
    if (update) {
      g_autofree char *text = NULL;
      g_file_get_contents(got, &text, NULL, NULL);
      g_autofree char *dir = g_path_get_dirname(want);
      g_mkdir_with_parents(dir, 0755);
      g_file_set_contents(want, text, -1, NULL);
      continue;
    }
    assert_same_file(got, want);
  }
  g_dir_close(d);
  test_rmrf(tmp);
}

Test(scenarios, bad_deploy_rollback_matches_its_expected_summary)
{
  check_expected("bad-deploy-rollback");
}

Test(scenarios, binpack_vs_spread_matches_its_expected_summary)
{
  check_expected("binpack-vs-spread");
}
