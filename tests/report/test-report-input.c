/* `ecsim report` on bad input: one message naming the file (and line),
 * exit status 2; and data that cannot break out of the page. No browser
 * needed. */
#include <criterion/criterion.h>
#include <string.h>

#include "scenarios/cli.h"
#include "report/dygraphs.h"
#include "support.h"

/* A fresh run of tests/data/plots-small.json (variant fargate) in a new
 * temporary folder; returns the folder (owned), the run being DIR/out. */
static char *
small_run(void)
{
  char *dir = test_tmpdir();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", "tests/data/plots-small.json",
                       "-o", out, "-q", "--variant", "fargate", NULL), 0,
               "%s", err);
  return dir;
}

static void
replace_file(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
}

/* `ecsim report DIR/out`: its exit status, and stderr in @err. */
static int
report(const char *dir, char **err)
{
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  return cli_run(NULL, NULL, err, "report", out, NULL);
}

Test(report, without_dygraphs_names_the_package_to_install)
{
  g_autofree char *dir = small_run();
  g_setenv("ECSIM_DYGRAPHS_DIR", "/nonexistent/dygraphs", TRUE);
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 2);
  cr_assert(strstr(err, "/nonexistent/dygraphs/dygraph.min.js: not found")
            != NULL, "%s", err);
  cr_assert(strstr(err, "apt-get install libjs-dygraphs") != NULL, "%s",
            err);
  g_autofree char *page = g_build_filename(dir, "out", "report.html", NULL);
  cr_assert_not(g_file_test(page, G_FILE_TEST_EXISTS));
  test_rmrf(dir);
}

Test(report, a_folder_without_runs_is_refused_by_name)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_mkdir_with_parents(out, 0755);
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 2);
  g_autofree char *want = g_strdup_printf("ecsim: %s: not an `ecsim run` "
                                          "output folder", out);
  cr_assert(g_str_has_prefix(err, want), "%s", err);
  test_rmrf(dir);
}

/* A sweep folder is drawn; its sweep.json, when malformed, is refused
 * naming the file. */
Test(report, a_bad_sweep_json_is_named)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_mkdir_with_parents(out, 0755);
  replace_file(out, "sweep.csv", "point_id,variant\n0,base\n");
  replace_file(out, "sweep.json", "{\"axes\": [\n");
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 2);
  g_autofree char *want = g_strdup_printf("ecsim: %s/sweep.json:", out);
  cr_assert(g_str_has_prefix(err, want), "%s", err);
  test_rmrf(dir);
}

Test(report, a_bad_event_line_is_named_with_its_line)
{
  g_autofree char *dir = small_run();
  g_autofree char *vdir = g_build_filename(dir, "out", "fargate", NULL);
  replace_file(vdir, "events.jsonl",
               "{\"time\": 0, \"kind\": \"steady-state\"}\n\n{\"time\": 1,\n");
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 2);
  g_autofree char *want = g_strdup_printf("ecsim: %s/events.jsonl:3:",
                                          vdir);
  cr_assert(g_str_has_prefix(err, want), "%s", err);
  cr_assert(strstr(err, "syntax error") != NULL, "%s", err);
  test_rmrf(dir);
}

Test(report, an_event_without_a_time_is_refused)
{
  g_autofree char *dir = small_run();
  g_autofree char *vdir = g_build_filename(dir, "out", "fargate", NULL);
  replace_file(vdir, "events.jsonl", "{\"kind\": \"steady-state\"}\n");
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 2);
  g_autofree char *want = g_strdup_printf("ecsim: %s/events.jsonl:1: not an "
                                          "ecsim event", vdir);
  cr_assert(g_str_has_prefix(err, want), "%s", err);
  test_rmrf(dir);
}

Test(report, a_ragged_csv_row_is_named_with_its_line)
{
  g_autofree char *dir = small_run();
  g_autofree char *vdir = g_build_filename(dir, "out", "fargate", NULL);
  replace_file(vdir, "tasks.csv", "task_id,service,last_status\n"
                                  "abc,web,RUNNING\nd,web\n");
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 2);
  g_autofree char *want = g_strdup_printf("ecsim: %s/tasks.csv:3: 2 cells, "
                                          "the header has 3\n", vdir);
  cr_assert_str_eq(err, want);
  test_rmrf(dir);
}

Test(report, a_summary_of_something_else_is_refused)
{
  g_autofree char *dir = small_run();
  g_autofree char *vdir = g_build_filename(dir, "out", "fargate", NULL);
  replace_file(vdir, "summary.json", "{\"schema\": \"other/1\"}");
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 2);
  g_autofree char *want = g_strdup_printf("ecsim: %s/summary.json: /schema: "
                                          "not an ecsim summary", vdir);
  cr_assert(g_str_has_prefix(err, want), "%s", err);
  test_rmrf(dir);
}

/* An event message holding "</script>" (a name is the user's text) must
 * not end the data's <script> element: the page keeps its four scripts. */
Test(report, data_cannot_close_its_script_element)
{
  require_dygraphs();
  g_autofree char *dir = small_run();
  g_autofree char *vdir = g_build_filename(dir, "out", "fargate", NULL);
  replace_file(vdir, "events.jsonl",
               "{\"time\": 60, \"kind\": \"fault\", \"message\": "
               "\"</script><script>alert(1)</script><!--\"}\n");
  g_autofree char *err = NULL;
  cr_assert_eq(report(dir, &err), 0, "%s", err);
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *html = test_read_file(out, "report.html");
  int closes = 0;
  for (const char *p = html; (p = strstr(p, "</script>")) != NULL; p++)
    closes++;
  cr_assert_eq(closes, 4, "%d </script> in the page, want 4", closes);
  cr_assert_null(strstr(html, "<!--"));
  cr_assert_not_null(strstr(html, "\\u003c/script>\\u003cscript>alert(1)"));
  test_rmrf(dir);
}

Test(report, writes_to_the_file_named_by_o)
{
  require_dygraphs();
  g_autofree char *dir = small_run();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *page = g_build_filename(dir, "page.html", NULL);
  g_autofree char *stdout_text = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &stdout_text, &err, "report", out, "-o", page,
                       NULL), 0, "%s", err);
  g_autofree char *want = g_strdup_printf("Report     %s\n", page);
  cr_assert_str_eq(stdout_text, want);
  g_autofree char *html = test_read_file(NULL, page);
  cr_assert(g_str_has_prefix(html, "<!DOCTYPE html>"));
  /* Same outputs, same page: twice the same bytes. */
  g_autofree char *again = g_build_filename(dir, "again.html", NULL);
  cr_assert_eq(cli_run(NULL, NULL, NULL, "report", out, "-o", again, NULL),
               0);
  g_autofree char *html2 = test_read_file(NULL, again);
  cr_assert_str_eq(html, html2);
  test_rmrf(dir);
}

/* A page that cannot be written is named, with exit status 1 (the run's
 * outputs were fine). */
Test(report, an_unwritable_page_is_named)
{
  require_dygraphs();
  g_autofree char *dir = small_run();
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  g_autofree char *page = g_build_filename(dir, "no-such-folder",
                                           "page.html", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "report", out, "-o", page, NULL),
               1);
  g_autofree char *want = g_strdup_printf("ecsim: %s: cannot write the "
                                          "report: ", page);
  cr_assert(g_str_has_prefix(err, want), "%s", err);
  test_rmrf(dir);
}
