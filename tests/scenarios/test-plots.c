/* `ecsim plot`: every script renders a picture of a real run; without
 * gnuplot, or with a wrong folder, it says what to do and exits 2.
 * Tests that need gnuplot skip when it is not installed. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "support.h"

/* Runs tests/data/plots-small.json (two variants, two services, a
 * deployment; 12 simulated minutes) into @tmp/out. */
static char *
small_run(const char *tmp)
{
  g_autofree char *scenario = g_build_filename(
    test_source_root(), "tests", "data", "plots-small.json", NULL);
  char *out = g_build_filename(tmp, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", scenario, "-o", out, "-q",
                       NULL), 0, "ecsim run: %s", err);
  return out;
}

static void
skip_without_gnuplot(void)
{
  g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
  if (gnuplot == NULL)
    cr_skip_test("gnuplot is not installed");
}

static void
assert_png(const char *path)
{
  static const guchar signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n',
                                       0x1a, '\n' };
  g_autofree char *data = NULL;
  gsize len = 0;
  cr_assert(g_file_get_contents(path, &data, &len, NULL), "%s is missing",
            path);
  cr_assert_gt(len, 1000, "%s has only %zu bytes", path, len);
  cr_assert(memcmp(data, signature, sizeof signature) == 0,
            "%s is not a PNG", path);
}

/* No file of @dir is a temporary one (NAME.tmp-XXXXXX). */
static void
assert_no_temporaries(const char *dir)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  cr_assert_not_null(d, "%s is missing", dir);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL)
    cr_assert(strstr(name, ".tmp-") == NULL, "%s/%s left behind", dir,
              name);
}

Test(plots, every_script_renders_a_png_of_every_variant_and_service)
{
  skip_without_gnuplot();
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = small_run(tmp);
  g_autofree char *stdout_ = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &stdout_, &err, "plot", out, "--format", "png",
                       NULL), 0, "ecsim plot: %s", err);
  const char *variants[] = { "ec2", "fargate" };
  const char *services[] = { "web", "worker" };
  const char *series[] = { "traffic", "latency", "utilization" };
  g_autoptr(GPtrArray) expected = g_ptr_array_new_with_free_func(g_free);
  for (gsize v = 0; v < G_N_ELEMENTS(variants); v++) {
    for (gsize s = 0; s < G_N_ELEMENTS(services); s++)
      for (gsize k = 0; k < G_N_ELEMENTS(series); k++)
        g_ptr_array_add(expected, g_strdup_printf("%s-%s-%s.png",
                                                  variants[v], services[s],
                                                  series[k]));
    g_ptr_array_add(expected, g_strdup_printf("%s-timeline.png",
                                              variants[v]));
  }
  g_ptr_array_add(expected, g_strdup("cost.png"));
  g_ptr_array_add(expected, g_strdup("compare.png"));
  g_autofree char *plots = g_build_filename(out, "plots", NULL);
  for (guint i = 0; i < expected->len; i++) {
    g_autofree char *path = g_build_filename(plots, expected->pdata[i],
                                             NULL);
    assert_png(path);
    cr_assert(strstr(stdout_, path) != NULL, "'%s' not reported:\n%s", path,
              stdout_);
  }
  g_autofree char *svg = g_build_filename(plots, "cost.svg", NULL);
  cr_assert(!g_file_test(svg, G_FILE_TEST_EXISTS), "--format png drew SVG");
  cr_assert_str_eq(err, "", "gnuplot complained");
  assert_no_temporaries(plots);
  test_rmrf(tmp);
}

Test(plots, one_variant_folder_as_svg)
{
  skip_without_gnuplot();
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = small_run(tmp);
  g_autofree char *variant = g_build_filename(out, "fargate", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", variant, "--format", "svg",
                       NULL), 0, "ecsim plot: %s", err);
  g_autofree char *plots = g_build_filename(variant, "plots", NULL);
  const char *names[] = { "fargate-web-traffic.svg", "fargate-timeline.svg",
                          "cost.svg" };
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
    g_autofree char *path = g_build_filename(plots, names[i], NULL);
    g_autofree char *text = NULL;
    cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s missing",
              path);
    cr_assert(strstr(text, "<svg") != NULL, "%s is not SVG", path);
  }
  /* One variant: nothing to compare. */
  g_autofree char *compare = g_build_filename(plots, "compare.svg", NULL);
  cr_assert(!g_file_test(compare, G_FILE_TEST_EXISTS));
  test_rmrf(tmp);
}

Test(plots, without_gnuplot_exits_2_with_the_install_hint)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = small_run(tmp);
  g_autofree char *empty = g_build_filename(tmp, "bin", NULL);
  g_mkdir(empty, 0755);
  g_setenv("PATH", empty, TRUE);
  g_autofree char *stdout_ = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &stdout_, &err, "plot", out, NULL), 2);
  cr_assert(strstr(err, "gnuplot is not installed") != NULL, "%s", err);
  cr_assert(strstr(err, "apt-get install gnuplot-nox") != NULL, "%s", err);
  g_autofree char *plots = g_build_filename(out, "plots", NULL);
  cr_assert(!g_file_test(plots, G_FILE_TEST_EXISTS), "made %s", plots);
  test_rmrf(tmp);
}

Test(plots, a_folder_without_runs_exits_2_naming_it)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", tmp, NULL), 2);
  cr_assert(strstr(err, tmp) != NULL && strstr(err, "no run outputs"),
            "%s", err);
  g_autofree char *missing = g_build_filename(tmp, "nope", NULL);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", missing, NULL), 2);
  g_autofree char *want = g_strdup_printf("ecsim: %s: no such folder\n",
                                          missing);
  cr_assert_str_eq(err, want);
  test_rmrf(tmp);
}

Test(plots, usage_errors_exit_2)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = small_run(tmp);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", out, "--variant", "spot",
                       NULL), 2);
  cr_assert(strstr(err, "no variant 'spot' (it has: ec2, fargate)"), "%s",
            err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", out, "--format", "pdf",
                       NULL), 2);
  cr_assert(strstr(err, "--format must be png, svg or both"), "%s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", NULL), 2);
  cr_assert(strstr(err, "plot needs one OUTDIR"), "%s", err);
  test_rmrf(tmp);
}

Test(plots, a_variant_folder_given_as_dot_names_pictures_after_it)
{
  /* `cd out/fargate && ecsim plot .` must not write plots/.-traffic.svg. */
  skip_without_gnuplot();
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = small_run(tmp);
  g_autofree char *variant = g_build_filename(out, "fargate", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(variant, NULL, &err, "plot", ".", "--format", "svg",
                       NULL), 0, "ecsim plot: %s", err);
  g_autofree char *timeline =
    g_build_filename(variant, "plots", "fargate-timeline.svg", NULL);
  cr_assert(g_file_test(timeline, G_FILE_TEST_IS_REGULAR),
            "no %s", timeline);
  test_rmrf(tmp);
}

Test(plots, a_broken_tasks_csv_exits_2_naming_it)
{
  /* Bad input, not a failed picture: status 2, as for any input. */
  skip_without_gnuplot();
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = small_run(tmp);
  g_autofree char *tasks = g_build_filename(out, "fargate", "tasks.csv",
                                            NULL);
  cr_assert(g_file_set_contents(tasks, "", 0, NULL));
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", out, "--format", "svg",
                       NULL), 2, "%s", err);
  g_autofree char *want =
    g_strdup_printf("ecsim: %s: empty file: no header line\n", tasks);
  cr_assert(strstr(err, want) != NULL, "%s", err);
  test_rmrf(tmp);
}

Test(plots, a_run_of_one_period_says_why_it_has_no_time_series)
{
  skip_without_gnuplot();
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *scenario = g_build_filename(
    test_source_root(), "tests", "data", "plots-small.json", NULL);
  g_autofree char *out = g_build_filename(tmp, "out", NULL);
  g_autofree char *text = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", scenario, "-o", out, "-q",
                       "--set", "/period=\"12m\"", "--variant", "fargate",
                       NULL), 0, "ecsim run: %s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, &text, &err, "plot", out, "--format", "svg",
                       NULL), 0, "ecsim plot: %s", err);
  cr_assert(strstr(text, "no traffic, latency or utilization pictures for "
                         "fargate: one period only") != NULL, "%s", text);
  g_autofree char *traffic =
    g_build_filename(out, "plots", "fargate-web-traffic.svg", NULL);
  cr_assert_not(g_file_test(traffic, G_FILE_TEST_EXISTS));
  test_rmrf(tmp);
}

/* web (200 requests/s) calling db (3 attempts) by Cloud Map DNS with a
 * 30 s TTL; one db task killed at 65 s, so web's cached answers send
 * calls to it (connection errors) until they expire. Runs it into @tmp/calls. */
static char *
calls_run(const char *tmp)
{
  static const char scenario_json[] =
    "{\"name\": \"graph\", \"duration\": \"120s\", \"period\": \"10s\","
    " \"seed\": 3,"
    " \"taskDefinitions\": [{\"family\": \"app\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": ["
    "  {\"serviceName\": \"web\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\","
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "     \"rps\": 200}, \"concurrency\": 100,"
    "     \"calls\": [{\"service\": \"db\","
    "                \"retry\": {\"attempts\": 3, \"backoff\": \"25ms\"}}]}},"
    "  {\"serviceName\": \"db\", \"taskDefinition\": \"app\","
    "   \"desiredCount\": 2, \"launchType\": \"FARGATE\","
    "   \"serviceRegistries\": [{\"registryArn\": \"arn:aws:"
    "servicediscovery:us-east-1:123456789012:service/srv-db\"}],"
    "   \"workload\": {\"concurrency\": 100,"
    "     \"discovery\": {\"dns_ttl\": \"30s\"}}}],"
    " \"faults\": [{\"at\": \"65s\", \"kind\": \"kill_tasks\","
    "   \"service\": \"db\", \"count\": 1}]}";
  g_autofree char *scenario = g_build_filename(tmp, "graph.json", NULL);
  cr_assert(g_file_set_contents(scenario, scenario_json, -1, NULL));
  char *out = g_build_filename(tmp, "calls", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", scenario, "-o", out, "-q",
                       NULL), 0, "ecsim run: %s", err);
  return out;
}

static char *
read_text(const char *path)
{
  char *text = NULL;
  cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s is missing",
            path);
  return text;
}

/* The .dot file names each service with its requests and each edge with
 * its calls, p99 and error rate; the failing edge is red and dashed, the
 * entry service's p99 is end to end; plotting again gives the same
 * bytes. Needs gnuplot (the command does), not dot. */
Test(plots, a_call_graph_is_written_as_a_dot_file)
{
  skip_without_gnuplot();
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = calls_run(tmp);
  g_autofree char *err = NULL, *text = NULL;
  cr_assert_eq(cli_run(NULL, &text, &err, "plot", out, "--format", "svg",
                       NULL), 0, "%s", err);
  g_autofree char *dot = g_build_filename(out, "plots",
                                          "base-callgraph.dot", NULL);
  cr_assert(strstr(text, dot) != NULL, "%s", text);
  g_autofree char *graph = read_text(dot);
  cr_assert(g_str_has_prefix(graph, "// ecsim plot: the call graph"), "%s",
            graph);
  cr_assert(strstr(graph, "\"web\" [label=\"web\\n2")
              != NULL, "%s", graph);
  cr_assert(strstr(graph, " requests\\np99 ") != NULL, "%s", graph);
  cr_assert(strstr(graph, " ms end to end\", penwidth=2];") != NULL, "%s",
            graph);
  cr_assert(strstr(graph, "\"db\" [label=\"db\\n2") != NULL, "%s", graph);
  const char *edge = strstr(graph, "\"web\" -> \"db\" [label=\"2");
  cr_assert_not_null(edge, "%s", graph);
  cr_assert(strstr(edge, " calls\\np99 ") != NULL, "%s", edge);
  cr_assert(strstr(edge, "\\nerrors ") != NULL, "%s", edge);
  cr_assert(strstr(edge, "\\nretries x1.") != NULL, "%s", edge);
  cr_assert(strstr(edge, "color=red, fontcolor=red, style=dashed") != NULL,
            "%s", edge);
  g_autofree char *again = NULL, *err_again = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err_again, "plot", out, "--format",
                       "svg", NULL), 0, "%s", err_again);
  again = read_text(dot);
  cr_assert_str_eq(again, graph, "a second plot wrote other bytes");
  test_rmrf(tmp);
}

/* Without Graphviz the other pictures still come out, with one line
 * saying where to get dot, and the status is 0. */
Test(plots, without_dot_the_call_graph_stays_a_dot_file)
{
  g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
  if (gnuplot == NULL)
    cr_skip_test("gnuplot is not installed");
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = calls_run(tmp);
  g_autofree char *bin = g_build_filename(tmp, "bin", NULL);
  g_autofree char *link = g_build_filename(bin, "gnuplot", NULL);
  g_mkdir(bin, 0755);
  cr_assert_eq(symlink(gnuplot, link), 0);
  g_setenv("PATH", bin, TRUE);
  g_autofree char *text = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &text, &err, "plot", out, "--format", "png",
                       NULL), 0, "%s", err);
  cr_assert(strstr(text, "Graphviz's dot is not installed (apt-get install "
                         "graphviz)") != NULL, "%s", text);
  g_autofree char *plots = g_build_filename(out, "plots", NULL);
  g_autofree char *dot = g_build_filename(plots, "base-callgraph.dot", NULL);
  g_autofree char *png = g_build_filename(plots, "base-callgraph.png", NULL);
  g_autofree char *traffic = g_build_filename(plots, "base-web-traffic.png",
                                              NULL);
  cr_assert(g_file_test(dot, G_FILE_TEST_IS_REGULAR), "no %s", dot);
  cr_assert(!g_file_test(png, G_FILE_TEST_EXISTS), "made %s", png);
  assert_png(traffic);
  test_rmrf(tmp);
}

/* With Graphviz installed, dot draws the call graph as PNG and SVG. */
Test(plots, with_dot_the_call_graph_is_drawn)
{
  skip_without_gnuplot();
  g_autofree char *dot_tool = g_find_program_in_path("dot");
  if (dot_tool == NULL)
    cr_skip_test("Graphviz's dot is not installed");
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = calls_run(tmp);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", out, NULL), 0, "%s", err);
  g_autofree char *plots = g_build_filename(out, "plots", NULL);
  g_autofree char *png = g_build_filename(plots, "base-callgraph.png", NULL);
  g_autofree char *svg = g_build_filename(plots, "base-callgraph.svg", NULL);
  assert_png(png);
  g_autofree char *picture = read_text(svg);
  cr_assert(strstr(picture, "<svg") != NULL, "%s is not an SVG", svg);
  cr_assert(strstr(picture, " requests") != NULL, "%s", svg);
  assert_no_temporaries(plots);
  test_rmrf(tmp);
}
