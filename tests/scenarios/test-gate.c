/* ecsim as a regression gate, through the built binary: expectations in
 * `ecsim run` and `ecsim compare` (exit 3, JUnit), `ecsim diff` of runs
 * (no change, regressions beyond tolerance, noise over seeds, bad input),
 * on the worked example scenarios/ci/gate.json. */
#include <criterion/criterion.h>
#include <string.h>

#include "cli.h"
#include "support.h"

#define GATE "scenarios/ci/gate.json"

static char *tmp;

static void
setup(void)
{
  tmp = test_tmpdir();
}

static void
teardown(void)
{
  test_rmrf(tmp);
  g_free(tmp);
}

TestSuite(gate, .init = setup, .fini = teardown);

static char *
in_tmp(const char *name)
{
  return g_build_filename(tmp, name, NULL);
}

static void
on_start(GMarkupParseContext *ctx, const char *element, const char **names,
         const char **values, gpointer data, GError **error)
{
  if (strcmp(element, "testcase") == 0)
    (*(int *) data)++;
}

/* Checks that @path is well-formed XML and returns its <testcase>s. */
static int
junit_cases(const char *path)
{
  static const GMarkupParser parser = { on_start, NULL, NULL, NULL, NULL };
  g_autofree char *xml = test_read_file(NULL, path);
  cr_assert(g_str_has_prefix(xml, "<?xml version=\"1.0\" "
                                  "encoding=\"UTF-8\"?>\n<testsuites "),
            "%s", xml);
  int cases = 0;
  GMarkupParseContext *ctx =
    g_markup_parse_context_new(&parser, 0, &cases, NULL);
  GError *error = NULL;
  cr_assert(g_markup_parse_context_parse(ctx, xml, -1, &error) &&
              g_markup_parse_context_end_parse(ctx, &error),
            "%s is not well formed: %s", path, error ? error->message : "");
  g_markup_parse_context_free(ctx);
  return cases;
}

static void
assert_contains(const char *text, const char *part)
{
  cr_assert(strstr(text, part) != NULL, "no '%s' in:\n%s", part, text);
}

Test(gate, worked_example_passes_and_reports_junit)
{
  g_autofree char *out_dir = in_tmp("out");
  g_autofree char *junit = in_tmp("reports/gate.xml");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "run", GATE, "-o", out_dir,
                       "--junit", junit, NULL), 0, "%s", err);
  assert_contains(out, "\nPASS latency.p99_ms ");
  assert_contains(out, "\nPASS requests.error_rate 0 <= 0.001\n");
  assert_contains(out, "\nPASS deployments.failed 0 == 0\n");
  cr_assert_null(strstr(out, "FAIL"), "%s", out);
  cr_assert_eq(junit_cases(junit), 5);
  g_autofree char *xml = test_read_file(NULL, junit);
  assert_contains(xml, "<testsuites name=\"ecsim run\" tests=\"5\" "
                       "failures=\"0\"");
  assert_contains(xml, "<testsuite name=\"gate/base\" tests=\"5\"");
  assert_contains(xml, "<testcase classname=\"gate.base\" "
                       "name=\"latency.p99_ms &lt;= 250\">");
  cr_assert_null(strstr(xml, "<failure"));
}

Test(gate, failing_expectation_exits_3_with_a_junit_failure)
{
  g_autofree char *out_dir = in_tmp("out");
  g_autofree char *junit = in_tmp("gate.xml");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", GATE, "-o", out_dir,
                       "--junit", junit, "--set",
                       "/expect/latency.p99_ms/max=1", NULL), 3);
  assert_contains(out, "\nFAIL latency.p99_ms ");
  assert_contains(out, ", expected <= 1\n");
  assert_contains(out, "\nPASS cost.total_usd ");
  assert_contains(out, "\n1 expectation not met\n");
  g_autofree char *summary = g_build_filename(out_dir, "base",
                                              "summary.json", NULL);
  cr_assert(g_file_test(summary, G_FILE_TEST_IS_REGULAR),
            "the outputs are written whatever the expectations say");
  cr_assert_eq(junit_cases(junit), 5);
  g_autofree char *xml = test_read_file(NULL, junit);
  assert_contains(xml, "tests=\"5\" failures=\"1\"");
  assert_contains(xml, "<testcase classname=\"gate.base\" "
                       "name=\"latency.p99_ms &lt;= 1\">\n      <failure "
                       "message=\"latency.p99_ms ");
}

Test(gate, quiet_prints_failures_only)
{
  g_autofree char *out_dir = in_tmp("out");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", GATE, "-q", "-o", out_dir,
                       "--set", "/expect/cost.total_usd/max=0.001", NULL),
               3);
  cr_assert(g_str_has_prefix(out, "FAIL cost.total_usd "), "%s", out);
  cr_assert_null(strstr(out, "PASS"), "%s", out);
}

Test(gate, a_more_expensive_task_definition_fails_the_cost_gate)
{
  g_autofree char *out_dir = in_tmp("out");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", GATE, "-q", "-o", out_dir,
                       "--set", "/taskDefinitions/0/cpu=\"1024\"", "--set",
                       "/taskDefinitions/0/memory=\"2048\"", NULL), 3);
  assert_contains(out, "FAIL cost.total_usd ");
  assert_contains(out, ", expected <= 0.08\n");
}

Test(gate, unknown_expectation_path_is_an_input_error)
{
  g_autofree char *out_dir = in_tmp("out");
  g_autofree char *junit = in_tmp("gate.xml");
  /* A report from an earlier, passing run must not survive: CI would
   * read it as this run's. */
  cr_assert(g_file_set_contents(junit, "<testsuites tests=\"5\"/>", -1,
                                NULL));
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "run", GATE, "-o", out_dir,
                       "--junit", junit, "--set",
                       "/expect/latency.p99={\"max\": 200}", NULL), 2);
  /* Named after the --set that wrote it, not the file. */
  cr_assert_str_eq(err, "--set /expect/latency.p99: not a field of "
                        "summary.json; did you mean latency.p99_ms, "
                        "latency.p999_ms or services.web.latency.p99_ms?\n");
  cr_assert_str_eq(out, "");
  cr_assert_not(g_file_test(out_dir, G_FILE_TEST_EXISTS));
  g_autofree char *xml = test_read_file(NULL, junit);
  assert_contains(xml, "<error message=\"ecsim run stopped before checking "
                       "the expectations (bad input, a failure or an "
                       "interruption): see its output\"");
}

Test(gate, malformed_limit_in_a_file_names_its_path)
{
  /* A copy of the example, with its files beside it. */
  const char *files[] = { "taskdef.json", "traffic.csv" };
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *from = g_build_filename(test_source_root(), "scenarios",
                                             "ci", files[i], NULL);
    g_autofree char *to = in_tmp(files[i]);
    g_autofree char *text = test_read_file(NULL, from);
    cr_assert(g_file_set_contents(to, text, -1, NULL));
  }
  g_autofree char *path = in_tmp("bad.json");
  g_autofree char *gate = g_build_filename(test_source_root(), GATE, NULL);
  g_autofree char *text = test_read_file(NULL, gate);
  GString *s = g_string_new(text);
  cr_assert_eq(g_string_replace(s, "{\"max\": \"250ms\"}",
                                "{\"max\": \"fast\"}", 1), 1);
  cr_assert(g_file_set_contents(path, s->str, -1, NULL));
  g_string_free(s, TRUE);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(tmp, NULL, &err, "validate", "bad.json", NULL), 2);
  cr_assert_str_eq(err, "bad.json: /expect/latency.p99_ms/max: must be a "
                        "number of milliseconds or a duration such as "
                        "\"200ms\", got \"fast\"\n");
}

/* A small scenario with variants, for per-variant expectations. */
static const char variants_scenario[] =
  "{\"name\": \"v\", \"duration\": \"5m\", \"taskDefinitions\": [{\"file\": "
  "\"%s\"}], \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": "
  "\"web\", \"launchType\": \"FARGATE\", \"desiredCount\": 2, \"workload\": "
  "{\"traffic\": {\"generator\": \"constant\", \"rps\": 20}, "
  "\"service_time\": \"20ms\"}}],"
  " \"expect\": {\"cost.total_usd\": {\"max\": 1}},"
  " \"variants\": {\"loose\": {}, \"tight\": {\"/expect/cost.total_usd/max\":"
  " 0.0001}}}";

static char *
write_variants_scenario(void)
{
  g_autofree char *td = g_build_filename(test_source_root(), "scenarios",
                                         "ci", "taskdef.json", NULL);
  g_autofree char *text = g_strdup_printf(variants_scenario, td);
  char *path = in_tmp("v.json");
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  return path;
}

Test(gate, each_variant_checks_its_own_expectations_after_all_ran)
{
  g_autofree char *scn = write_variants_scenario();
  g_autofree char *out_dir = in_tmp("out");
  g_autofree char *junit = in_tmp("v.xml");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", scn, "-o", out_dir,
                       "--junit", junit, NULL), 3);
  const char *pass = strstr(out, "PASS [loose] cost.total_usd ");
  const char *fail = strstr(out, "FAIL [tight] cost.total_usd ");
  const char *tight = strstr(out, "variant tight");
  cr_assert(pass && fail && tight, "%s", out);
  cr_assert(tight < pass && pass < fail, "checked after all ran: %s", out);
  cr_assert_eq(junit_cases(junit), 2);
  g_autofree char *xml = test_read_file(NULL, junit);
  assert_contains(xml, "<testsuite name=\"v/loose\" tests=\"1\" "
                       "failures=\"0\"");
  assert_contains(xml, "<testsuite name=\"v/tight\" tests=\"1\" "
                       "failures=\"1\"");
}

Test(gate, compare_checks_expectations_too)
{
  g_autofree char *scn = write_variants_scenario();
  g_autofree char *out_dir = in_tmp("out");
  g_autofree char *junit = in_tmp("c.xml");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "compare", scn, "-q", "-j", "1",
                       "--no-break-even", "-o", out_dir, "--junit", junit,
                       NULL), 3);
  assert_contains(out, "\nPASS [loose] cost.total_usd ");
  assert_contains(out, "\nFAIL [tight] cost.total_usd ");
  cr_assert_eq(junit_cases(junit), 2);
  g_autofree char *xml = test_read_file(NULL, junit);
  assert_contains(xml, "<testsuites name=\"ecsim compare\" tests=\"2\" "
                       "failures=\"1\"");
}

/* ---- ecsim diff ----------------------------------------------------- */

/* Runs the gate with @seed into tmp/@name, with --set @set and @set2
 * (may be NULL). */
static char *
run_gate(const char *name, const char *seed, const char *set,
         const char *set2)
{
  char *dir = in_tmp(name);
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "run", GATE, "-q", "-o", dir,
                       "--seed", seed, set ? "--set" : NULL, set,
                       set2 ? "--set" : NULL, set2, NULL);
  cr_assert(status == 0 || status == 3, "%s", err);
  return dir;
}

#define SLOWER "/services/0/workload/service_time/mean=\"58ms\""

Test(gate, diff_of_a_run_with_itself_is_no_change)
{
  g_autofree char *a = run_gate("a", "1", NULL, NULL);
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, a, NULL), 0);
  assert_contains(out, "variant base: no change (");
  cr_assert(g_str_has_suffix(out, "\nno change\n"), "%s", out);
  g_autofree char *variant = g_build_filename(a, "base", NULL);
  g_autofree char *file = g_build_filename(a, "base", "summary.json", NULL);
  g_clear_pointer(&out, g_free);
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", variant, file, NULL), 0);
  cr_assert(g_str_has_suffix(out, "\nno change\n"), "%s", out);
}

Test(gate, diff_finds_a_slower_p99_and_a_higher_cost)
{
  g_autofree char *a = run_gate("a", "1", NULL, NULL);
  g_autofree char *b = run_gate("b", "1", SLOWER, NULL);
  g_autofree char *junit = in_tmp("diff.xml");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, b, "--junit", junit,
                       NULL), 3);
  g_autofree char *p99 = test_line_of(out, "  latency.p99_ms ");
  g_autofree char *cost = test_line_of(out, "  cost.total_usd ");
  cr_assert(g_str_has_suffix(p99, "%  REGRESSION (tolerance 5%)"), "%s",
            p99);
  cr_assert(g_str_has_suffix(cost, "%  REGRESSION (tolerance 5%)"), "%s",
            cost);
  assert_contains(out, " regressions\n");
  int cases = junit_cases(junit);
  cr_assert_gt(cases, 40);
  g_autofree char *xml = test_read_file(NULL, junit);
  assert_contains(xml, "<testcase classname=\"diff.base\" "
                       "name=\"latency.p99_ms\">\n      <failure "
                       "message=\"latency.p99_ms: A ");
  assert_contains(xml, "<testcase classname=\"diff.base\" "
                       "name=\"requests.arrivals\">");
}

/* Slower, but still within the SLO: no warning appears. */
#define A_LITTLE_SLOWER "/services/0/workload/service_time/mean=\"46ms\""

Test(gate, diff_within_tolerance_exits_0)
{
  g_autofree char *a = run_gate("a", "1", NULL, NULL);
  g_autofree char *b = run_gate("b", "1", A_LITTLE_SLOWER, NULL);
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, b,
                       "--default-tolerance", "1000", NULL), 0);
  g_autofree char *p99 = test_line_of(out, "  latency.p99_ms ");
  cr_assert(g_str_has_suffix(p99, "worse, within tolerance 1000%"), "%s",
            p99);
  cr_assert(g_str_has_suffix(out, "\nchanged, no regression\n"), "%s", out);
}

Test(gate, diff_judges_cost_alone_with_its_own_tolerance)
{
  g_autofree char *a = run_gate("a", "1", NULL, NULL);
  g_autofree char *b = run_gate("b", "1", "/taskDefinitions/0/cpu=\"1024\"",
                               "/taskDefinitions/0/memory=\"2048\"");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, b, "--tolerance",
                       "cost.*=10", NULL), 3);
  assert_contains(out, "cost.total_usd ");
  /* Bigger tasks move p99 by a hair (now that quantiles are read within
   * their bucket), never into a regression. */
  const char *p99 = strstr(out, "latency.p99_ms");
  g_autofree char *p99_line = p99 ? g_strndup(p99, strcspn(p99, "\n"))
                                  : NULL;
  cr_assert(p99_line == NULL || !strstr(p99_line, "REGRESSION"), "%s", out);
  g_clear_pointer(&out, g_free);
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, b, "--tolerance",
                       "cost.*=150", NULL), 0);
}

Test(gate, diff_over_seeds_shows_the_noise_band)
{
  g_autofree char *a = in_tmp("a"), *b = in_tmp("b");
  const char *seeds[] = { "1", "2", "3" };
  for (gsize i = 0; i < G_N_ELEMENTS(seeds); i++) {
    g_autofree char *na = g_strdup_printf("a/seed-%s", seeds[i]);
    g_autofree char *nb = g_strdup_printf("b/seed-%s", seeds[i]);
    g_free(run_gate(na, seeds[i], NULL, NULL));
    g_free(run_gate(nb, seeds[i], SLOWER, NULL));
  }
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, b, NULL), 3);
  assert_contains(out, "(seeds 1, 2, 3)");
  assert_contains(out, "noise: 95% band of the per-seed differences");
  assert_contains(out, " noise  verdict\n");
  g_autofree char *p99 = test_line_of(out, "  latency.p99_ms ");
  assert_contains(p99, " +-");
  g_clear_pointer(&out, g_free);
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, a, NULL), 0);
  cr_assert(g_str_has_suffix(out, "\nno change\n"), "%s", out);
}

Test(gate, diff_bad_input_exits_2)
{
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "diff", "/nonexistent/a",
                       "/nonexistent/b", NULL), 2);
  cr_assert_str_eq(err, "/nonexistent/a: cannot read: no such folder\n");
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "diff", "scenarios", "scenarios",
                       NULL), 2);
  assert_contains(err, "scenarios: not an ecsim output folder (no "
                       "summary.json in it or its sub-folders)");
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "diff", "scenarios", NULL), 2);
  assert_contains(err, "diff needs two output folders");
  g_autofree char *a = run_gate("a", "1", NULL, NULL);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "diff", a, a, "--tolerance",
                       "latency.p99=10", NULL), 2);
  cr_assert_str_eq(err, "--tolerance latency.p99: no such field in the "
                        "summaries; did you mean latency.p99_ms or "
                        "latency.p999_ms?\n");
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "diff", a, a,
                       "--default-tolerance", "lots", NULL), 2);
}

Test(gate, help_documents_exit_status_3)
{
  const char *commands[] = { "run", "compare", "diff" };
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
    g_autofree char *out = NULL;
    cr_assert_eq(cli_run(NULL, &out, NULL, commands[i], "--help", NULL), 0);
    assert_contains(out, "--junit");
    assert_contains(out, "3 ");
  }
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "--help", NULL), 0);
  assert_contains(out, "  diff ");
}

Test(gate, a_new_warning_is_a_regression_whatever_the_tolerance)
{
  g_autofree char *a = run_gate("a", "1", NULL, NULL);
  g_autofree char *b = run_gate("b", "1", SLOWER, NULL);
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "diff", a, b,
                       "--default-tolerance", "1000", NULL), 3);
  g_autofree char *slo = test_line_of(out, "  warning_counts.slo_missed ");
  cr_assert(g_str_has_suffix(slo, "REGRESSION (tolerance 1000%)"), "%s",
            slo);
}
