/* `ecsim report`: the page is one file, and it draws in a real browser.
 *
 * The browser tests open each report once in headless Chromium
 * (--dump-dom) and read the self-check the page writes after drawing
 * (plots/report/report-selftest.js): JavaScript errors, points drawn per chart,
 * the tasks the timeline drew. They skip, saying why, when Chromium is
 * not installed or cannot start ($ECSIM_CHROMIUM names another binary);
 * .ci/run installs it so that CI runs them. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <string.h>

#include "models/input/jsonfile.h"
#include "scenarios/cli.h"
#include "report/dygraphs.h"
#include "support.h"

static const char *const chart_ids[] = {
  "rps", "latency", "errors", "tasks", "instances", "utilization", "cost",
};

static char *
find_chromium(void)
{
  const char *own = g_getenv("ECSIM_CHROMIUM");
  if (own != NULL && *own != '\0')
    return g_find_program_in_path(own);
  static const char *const names[] = { "chromium", "chromium-browser",
                                       "google-chrome" };
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    char *path = g_find_program_in_path(names[i]);
    if (path != NULL)
      return path;
  }
  return NULL;
}

/* Undoes the escapes of a text node in Chromium's serialised DOM. */
static char *
unescape_text(const char *text)
{
  GString *out = g_string_new(NULL);
  static const char *const from[] = { "&lt;", "&gt;", "&quot;", "&nbsp;",
                                      "&amp;" };
  static const char *const to[] = { "<", ">", "\"", "\xc2\xa0", "&" };
  for (const char *p = text; *p;) {
    gsize i = 0;
    while (i < G_N_ELEMENTS(from) && strncmp(p, from[i], strlen(from[i])))
      i++;
    if (i < G_N_ELEMENTS(from)) {
      g_string_append(out, to[i]);
      p += strlen(from[i]);
    } else {
      g_string_append_c(out, *p++);
    }
  }
  return g_string_free(out, FALSE);
}

/* Opens @html in headless Chromium; returns the page's self-check. Skips
 * the test when there is no Chromium or it cannot start; fails it when
 * the page loaded but wrote no self-check. */
static cJSON *
browser_selfcheck(const char *html, const char *fragment)
{
  g_autofree char *chromium = find_chromium();
  if (chromium == NULL)
    cr_skip_test("Chromium is not installed (apt-get install chromium, or "
                 "ECSIM_BROWSER=1 .ci/setup): the browser tests skip");
  g_autofree char *profile = test_tmpdir();
  g_autofree char *profile_arg = g_strdup_printf("--user-data-dir=%s",
                                                 profile);
  g_autofree char *abs = g_canonicalize_filename(html, NULL);
  g_autofree char *file_uri = g_filename_to_uri(abs, NULL, NULL);
  g_autofree char *uri = g_strconcat(file_uri, fragment, NULL);
  char *argv[] = { chromium, "--headless=new", "--no-sandbox",
                   "--disable-gpu", "--disable-dev-shm-usage",
                   profile_arg, "--virtual-time-budget=5000", "--dump-dom",
                   uri, NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status = -1;
  gboolean ran = g_spawn_sync(NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                              &out, &err, &status, NULL);
  test_rmrf(profile);
  if (!ran || out == NULL || strstr(out, "<html") == NULL)
    cr_skip_test("Chromium (%s) cannot start: %.300s", chromium,
                 err ? err : "");
  const char *pre = strstr(out, "<pre id=\"selftest\"");
  cr_assert_not_null(pre, "the page wrote no self-check (it stopped before "
                     "drawing): %.500s", err ? err : "");
  pre = strchr(pre, '>') + 1;
  const char *end = strstr(pre, "</pre>");
  cr_assert_not_null(end);
  g_autofree char *raw = g_strndup(pre, end - pre);
  g_autofree char *json = unescape_text(raw);
  cJSON *check = cJSON_Parse(json);
  cr_assert_not_null(check, "the self-check is not JSON: %s", json);
  return check;
}

/* Runs `ecsim run @scenario -o DIR --report` with the extra arguments;
 * returns DIR (owned). */
static char *
run_with_report(const char *scenario, const char *set)
{
  require_dygraphs();
  char *dir = test_tmpdir();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *err = NULL;
  int status = set ? cli_run(NULL, NULL, &err, "run", scenario, "-o", out,
                             "-q", "--report", "--variant", "fargate",
                             "--set", set, NULL)
                   : cli_run(NULL, NULL, &err, "run", scenario, "-o", out,
                             "-q", "--report", NULL);
  cr_assert_eq(status, 0, "ecsim run --report: %s", err);
  return dir;
}

static void
assert_no_errors(const cJSON *check)
{
  const cJSON *errors = cJSON_GetObjectItem(check, "errors");
  g_autofree char *text = cJSON_PrintUnformatted(errors);
  cr_assert(cJSON_IsArray(errors) && cJSON_GetArraySize(errors) == 0,
            "the page logged JavaScript errors: %s", text);
}

static void
assert_every_chart_drawn(const cJSON *check)
{
  const cJSON *charts = cJSON_GetObjectItem(check, "charts");
  for (gsize i = 0; i < G_N_ELEMENTS(chart_ids); i++) {
    const cJSON *n = cJSON_GetObjectItem(charts, chart_ids[i]);
    cr_assert(cJSON_IsNumber(n) && n->valuedouble > 0,
              "chart %s drew no data", chart_ids[i]);
  }
}

/* Every task id of VARIANT/tasks.csv (the variant the page shows first)
 * is among the timeline's; returns how many tasks there are. */
static int
assert_timeline_has_every_task(const cJSON *check, const char *outdir)
{
  const char *variant = cJSON_GetStringValue(
    cJSON_GetObjectItem(check, "variant"));
  cr_assert_not_null(variant);
  g_autofree char *dir = g_build_filename(outdir, variant, NULL);
  g_autofree char *csv = test_read_file(dir, "tasks.csv");
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  const cJSON *drawn = cJSON_GetObjectItem(check, "timeline_tasks");
  int n = 0;
  for (guint i = 1; lines[i] != NULL; i++) {
    if (lines[i][0] == '\0')
      continue;
    g_autofree char *id = g_strndup(lines[i], strcspn(lines[i], ","));
    gboolean found = FALSE;
    const cJSON *t;
    cJSON_ArrayForEach(t, drawn)
      found = found || g_strcmp0(cJSON_GetStringValue(t), id) == 0;
    cr_assert(found, "the timeline lacks task %s of %s/tasks.csv", id, dir);
    n++;
  }
  return n;
}

Test(report, one_file_that_draws_every_chart_task_and_event)
{
  g_autofree char *dir = run_with_report("tests/data/plots-small.json", NULL);
  g_autofree char *outdir = g_build_filename(dir, "out", NULL);
  g_autofree char *html = test_read_file(outdir, "report.html");
  /* Alone and offline: nothing fetched from anywhere. */
  cr_assert_null(strstr(html, "<script src"), "the page loads a script");
  cr_assert_null(strstr(html, "<link"), "the page loads a stylesheet");
  cr_assert_null(strstr(html, "src=\"http"), "the page fetches a file");
  g_autofree char *path = g_build_filename(outdir, "report.html", NULL);
  g_autoptr(cJSON) check = browser_selfcheck(path, "#selftest");
  assert_no_errors(check);
  assert_every_chart_drawn(check);
  cr_assert_gt(assert_timeline_has_every_task(check, outdir), 0);
  /* The page's own try of its links (report-selftest.js, interactionCheck). */
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(check, "zoom_linked")),
            "zooming one chart did not zoom the others and the timeline");
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(check, "log_click_moves")),
            "clicking an event-log line did not move the charts to it");
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(check, "log_axis")),
            "the latency chart's log axis draws nothing");
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(check, "log_filter")),
            "the event log's kind filter shows other kinds");
  /* The deployment of web at 00:05 is marked on the charts, and every
   * line of events.jsonl is in the log. */
  cr_assert_gt(cJSON_GetNumberValue(cJSON_GetObjectItem(check, "markers")),
               0, "no deployment mark on the charts");
  g_autofree char *vdir = g_build_filename(outdir, cJSON_GetStringValue(
    cJSON_GetObjectItem(check, "variant")), NULL);
  g_autofree char *events = test_read_file(vdir, "events.jsonl");
  int lines = 0;
  for (const char *p = events; *p; p++)
    lines += *p == '\n';
  cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(check, "events")),
               lines, "the event log does not show every event");
  test_rmrf(dir);
}

Test(report, timeline_draws_five_hundred_tasks)
{
  g_autofree char *dir = run_with_report("tests/data/plots-small.json",
                                         "/services/1/desiredCount=500");
  g_autofree char *outdir = g_build_filename(dir, "out", NULL);
  g_autofree char *path = g_build_filename(outdir, "report.html", NULL);
  g_autoptr(cJSON) check = browser_selfcheck(path, "");
  assert_no_errors(check);
  assert_every_chart_drawn(check);
  cr_assert_geq(assert_timeline_has_every_task(check, outdir), 500);
  test_rmrf(dir);
}

/* An `ecsim compare` folder: the answer states each pair's break-even as
 * compare.json has it. */
Test(report, compare_folder_states_the_break_even)
{
  require_dygraphs();
  g_autofree char *dir = test_tmpdir();
  g_autofree char *outdir = g_build_filename(dir, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "compare",
                       "tests/data/plots-small.json", "-o", outdir, "-q",
                       NULL), 0, "%s", err);
  g_autofree char *report_err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &report_err, "report", outdir, NULL), 0,
               "%s", report_err);
  g_autofree char *path = g_build_filename(outdir, "report.html", NULL);
  g_autoptr(cJSON) check = browser_selfcheck(path, "");
  assert_no_errors(check);
  assert_every_chart_drawn(check);
  g_autofree char *text = test_read_file(outdir, "compare.json");
  g_autoptr(cJSON) compare = cJSON_Parse(text);
  const char *statement = cJSON_GetStringValue(cJSON_GetObjectItem(
    cJSON_GetArrayItem(cJSON_GetObjectItem(compare, "break_even"), 0),
    "statement"));
  cr_assert_not_null(statement);
  const cJSON *shown = cJSON_GetObjectItem(check, "break_even");
  cr_assert_eq(cJSON_GetArraySize(shown), 1);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(shown, 0)),
                   statement);
  test_rmrf(dir);
}

/* The "why" section shows the breach of a scenario built to breach, with
 * the deployment that caused it first. */
Test(report, why_section_lists_the_breach_and_its_deployment)
{
  require_dygraphs();
  g_autofree char *dir = test_tmpdir();
  g_autofree char *outdir = g_build_filename(dir, "out", NULL);
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "run",
                       "tests/data/report-deploy-overload.json", "-o", outdir,
                       "-q", "--report", NULL);
  cr_assert(status == 0 || status == 3, "%s", err);
  g_autofree char *path = g_build_filename(outdir, "report.html", NULL);
  g_autoptr(cJSON) check = browser_selfcheck(path, "");
  assert_no_errors(check);
  const cJSON *shown = cJSON_GetArrayItem(cJSON_GetObjectItem(check, "why"),
                                          0);
  cr_assert_not_null(shown, "the why section lists no breach");
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetArrayItem(
    cJSON_GetObjectItem(shown, "causes"), 0)), "deployment");
  test_rmrf(dir);
}

/* bad-deploy-rollback keeps its SLO: the why section lists no breach but
 * shows the failed deployment and its rollback, not silence. */
Test(report, why_section_shows_the_rollback_of_a_run_without_a_breach)
{
  require_dygraphs();
  g_autofree char *dir = test_tmpdir();
  g_autofree char *outdir = g_build_filename(dir, "out", NULL);
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "run",
                       "scenarios/bad-deploy-rollback.json", "-o", outdir,
                       "-q", "--report", NULL);
  cr_assert(status == 0 || status == 3, "%s", err);
  g_autofree char *path = g_build_filename(outdir, "report.html", NULL);
  g_autoptr(cJSON) check = browser_selfcheck(path, "");
  assert_no_errors(check);
  cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(check, "why")), 0);
  gboolean failed = FALSE, rollback = FALSE;
  const cJSON *i;
  cJSON_ArrayForEach(i, cJSON_GetObjectItem(check, "incidents")) {
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(i, "kind"));
    failed |= g_strcmp0(kind, "deployment-failed") == 0;
    rollback |= g_strcmp0(kind, "rollback") == 0;
  }
  cr_assert(failed && rollback, "the why section is silent about the "
            "failed deployment and its rollback");
  test_rmrf(dir);
}

/* A sweep folder draws cost against the swept value with its band, and
 * marks the point --best chose (sweep.json). */
Test(report, sweep_folder_draws_cost_against_the_swept_value)
{
  require_dygraphs();
  g_autofree char *dir = test_tmpdir();
  g_autofree char *outdir = g_build_filename(dir, "sweep", NULL);
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "sweep",
                       "tests/data/sweep-tiny.json", "-q", "--variant",
                       "fargate", "--grid",
                       "/services/0/workload/traffic/rps=20,60", "--seeds",
                       "2", "--best", "p99<800ms", "-o", outdir, NULL);
  cr_assert_eq(status, 0, "ecsim sweep: %s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "report", outdir, NULL), 0, "%s",
               err);
  g_autofree char *path = g_build_filename(outdir, "report.html", NULL);
  g_autoptr(cJSON) check = browser_selfcheck(path, "");
  assert_no_errors(check);
  const cJSON *chart = cJSON_GetArrayItem(cJSON_GetObjectItem(check,
                                                              "sweep"), 0);
  cr_assert_not_null(chart, "the page has no sweep chart");
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(chart, "axis")),
                   "/services/0/workload/traffic/rps");
  cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(chart, "points")),
               2, "one point per swept value");
  cr_assert(cJSON_IsTrue(cJSON_GetObjectItem(chart, "best")),
            "the best point is not marked");
  cr_assert_geq(cJSON_GetNumberValue(cJSON_GetObjectItem(chart, "shaded")),
                1, "the best point meets the constraints: shaded");
  test_rmrf(dir);
}
