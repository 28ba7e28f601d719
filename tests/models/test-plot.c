/* Reading runs back for `ecsim plot` and the data files it prepares. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/experiments/plot.h"
#include "support.h"

static const char summary_text[] =
  "{\"schema\": \"ecsim-summary/1\", \"scenario\": {\"name\": \"s\", "
  "\"variant\": \"%s\", \"duration_s\": 3600}, \"slo\": {\"threshold_ms\": "
  "200, \"target\": 0.99, \"attainment\": 0.995}, \"cost\": {\"total_usd\": "
  "3, \"items\": {\"compute\": 2, \"storage\": 0, \"load_balancer\": 1}, "
  "\"unused_ec2_usd\": 0.5}, \"latency\": {\"p50_ms\": 20, \"p90_ms\": null,"
  " \"p99_ms\": 150}, \"services\": [{\"name\": \"web\"}, {\"name\": "
  "\"worker\"}]}";

static const char tasks_header[] =
  "task_id,service,deployment,task_definition,provider,launch_type,spot,az,"
  "instance,last_status,provisioning_s,pending_s,activating_s,running_s,"
  "deactivating_s,stopping_s,deprovisioning_s,stopped_s,stop_reason,"
  "stop_code\n";

/* A variant folder @dir/@variant with a summary, @tasks (rows after the
 * header) and two instances. Returns its path. */
static char *
make_run(const char *dir, const char *variant, const char *tasks)
{
  char *run = g_build_filename(dir, variant, NULL);
  g_mkdir_with_parents(run, 0755);
  g_autofree char *summary = g_strdup_printf(summary_text, variant);
  g_autofree char *tasks_csv = g_strconcat(tasks_header, tasks, NULL);
  const char *files[][2] = {
    { "summary.json", summary },
    { "tasks.csv", tasks_csv },
    { "timeseries.csv", "time_s\n" },
    { "instances.csv", "instance_id,asg,instance_type,az,status,launched_s,"
                       "registered_s,terminated_s,end_reason,tasks_end\n"
                       "i-a,g,m5.large,us-east-1a,ACTIVE,0,60,,,0\n"
                       "i-b,g,m5.large,us-east-1b,TERMINATED,0,60,1800,"
                       "scale-in,0\n" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_build_filename(run, files[i][0], NULL);
    cr_assert(g_file_set_contents(path, files[i][1], -1, NULL));
  }
  return run;
}

/* The data lines of block @index of the file at @path (blocks are
 * separated by two blank lines; comments and the NaN placeholder are
 * left out). */
static GPtrArray *
block(const char *path, int index)
{
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(path, &text, NULL, NULL));
  g_auto(GStrv) blocks = g_strsplit(text, "\n\n\n", -1);
  cr_assert_lt((guint) index, g_strv_length(blocks));
  GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
  g_auto(GStrv) all = g_strsplit(blocks[index], "\n", -1);
  for (char **l = all; *l; l++)
    if (**l != '\0' && **l != '#' && !g_str_has_prefix(*l, "NaN"))
      g_ptr_array_add(lines, g_strdup(*l));
  return lines;
}

static gboolean
has_line(GPtrArray *lines, const char *line)
{
  for (guint i = 0; i < lines->len; i++)
    if (strcmp(lines->pdata[i], line) == 0)
      return TRUE;
  return FALSE;
}

Test(plot, reads_the_figures_of_a_summary)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *dir = make_run(tmp, "ec2", "");
  g_autoptr(GError) error = NULL;
  g_autoptr(PlotRun) run = plot_run_load(dir, &error);
  cr_assert_not_null(run, "%s", error ? error->message : "");
  cr_assert_str_eq(run->scenario, "s");
  cr_assert_str_eq(run->variant, "ec2");
  cr_assert_eq(g_strv_length(run->services), 2);
  cr_assert_str_eq(run->services[1], "worker");
  cr_assert(run->has_slo);
  cr_assert_float_eq(run->slo_attainment, 0.995, 1e-12);
  cr_assert_float_eq(run->cost_unused_ec2, 0.5, 1e-12);
  cr_assert(isnan(run->p90_ms), "null becomes NAN");
  cr_assert(isnan(run->error_rate), "absent becomes NAN");
  test_rmrf(tmp);
}

Test(plot, a_summary_of_another_kind_is_refused_naming_the_file)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *path = g_build_filename(tmp, "summary.json", NULL);
  g_file_set_contents(path, "{\"schema\": \"other/2\"}", -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = plot_find_runs(tmp, &error);
  cr_assert_null(runs);
  cr_assert(g_error_matches(error, ECSIM_INPUT_ERROR,
                            ECSIM_INPUT_ERROR_INVALID));
  g_autofree char *want = g_strdup_printf(
    "%s: not an ecsim summary (/schema is not \"ecsim-summary/1\")", path);
  cr_assert_str_eq(error->message, want);
  test_rmrf(tmp);
}

Test(plot, finds_the_variant_folders_in_name_order)
{
  g_autofree char *tmp = test_tmpdir();
  g_free(make_run(tmp, "spot", ""));
  g_free(make_run(tmp, "ec2", ""));
  g_autofree char *other = g_build_filename(tmp, "plots", NULL);
  g_mkdir(other, 0755);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = plot_find_runs(tmp, &error);
  cr_assert_not_null(runs, "%s", error ? error->message : "");
  cr_assert_eq(runs->len, 2);
  cr_assert_str_eq(((PlotRun *) runs->pdata[0])->variant, "ec2");
  cr_assert_str_eq(((PlotRun *) runs->pdata[1])->variant, "spot");
  test_rmrf(tmp);
}

Test(plot, compare_splits_idle_ec2_out_of_compute)
{
  g_autofree char *tmp = test_tmpdir();
  g_free(make_run(tmp, "ec2", ""));
  g_autoptr(GPtrArray) runs = plot_find_runs(tmp, NULL);
  g_autofree char *path = g_build_filename(tmp, "compare.dat", NULL);
  cr_assert(plot_write_compare(runs, path, NULL));
  g_autoptr(GPtrArray) rows = block(path, 0);
  cr_assert_eq(rows->len, 1);
  cr_assert_str_eq(rows->pdata[0],
                   "\"ec2\" 1.5 0.5 0 1 3 20 NaN 150 0.5 99.5 NaN");
  test_rmrf(tmp);
}

Test(plot, timeline_gives_each_task_a_row_by_service_then_start)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *dir = make_run(
    tmp, "fargate",
    "t2,worker,1,worker:1,FARGATE,FARGATE,false,us-east-1a,,RUNNING,"
    "0,0,0,0,,,,,,\n"
    "t1,web,1,web:1,FARGATE,FARGATE,true,us-east-1b,,STOPPED,"
    "100,110,120,130,1000,1001,1002,1003,scale-in,x\n"
    "t0,web,1,web:1,FARGATE,FARGATE,false,us-east-1a,,STOPPED,"
    "0,0,0,0,,500,,510,deployment,x\n");
  g_autoptr(PlotRun) run = plot_run_load(dir, NULL);
  g_autofree char *path = g_build_filename(tmp, "timeline.dat", NULL);
  PlotTimeline info;
  g_autoptr(GError) error = NULL;
  cr_assert(plot_write_timeline(run, path, &info, &error), "%s",
            error ? error->message : "");
  cr_assert_not(info.by_instance);
  cr_assert_eq(info.n_tasks, 3);
  cr_assert_eq(info.n_rows, 3);
  cr_assert_eq(info.n_spot, 1);
  cr_assert_str_eq(info.reasons, "scale-in deployment");
  /* web first (t0 started before t1), then worker; starting and stopping
   * are widened to 0.2% of the hour (7.2 s). */
  g_autoptr(GPtrArray) bars = block(path, 0);
  cr_assert(has_line(bars, "0 0 500 1"));
  cr_assert(has_line(bars, "0 500 510 2"));
  cr_assert(has_line(bars, "1 100 130 0"));
  cr_assert(has_line(bars, "1 130 1000 3"), "running on Spot");
  cr_assert(has_line(bars, "1 1000 1007.2 2"));
  cr_assert(has_line(bars, "2 0 3600 1"), "runs to the end");
  g_autoptr(GPtrArray) stops = block(path, 1);
  cr_assert(has_line(stops, "0 510 \"deployment\""));
  cr_assert(has_line(stops, "1 1003 \"scale-in\""));
  g_autoptr(GPtrArray) labels = block(path, 4);
  cr_assert(has_line(labels, "1 \"web t1 web:1 us-east-1b spot\""));
  plot_timeline_clear(&info);
  test_rmrf(tmp);
}

Test(plot, many_tasks_are_packed_into_lanes_per_instance)
{
  /* On i-a, tasks one after another (one lane); on i-b, two at a time. */
  g_autoptr(GString) tasks = g_string_new("");
  for (int i = 0; i <= PLOT_TIMELINE_MAX_TASK_ROWS; i++) {
    gboolean a = i % 2 == 0;
    double start = a ? i * 10.0 : (i / 4) * 10.0;
    g_string_append_printf(tasks,
                           "t%d,web,1,web:1,g,EC2,false,%s,%s,STOPPED,"
                           "%g,%g,%g,%g,,%g,,%g,scale-in,x\n",
                           i, a ? "us-east-1a" : "us-east-1b",
                           a ? "i-a" : "i-b", start, start, start, start,
                           start + 5, start + 9);
  }
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *dir = make_run(tmp, "ec2", tasks->str);
  g_autoptr(PlotRun) run = plot_run_load(dir, NULL);
  g_autofree char *path = g_build_filename(tmp, "timeline.dat", NULL);
  PlotTimeline info;
  cr_assert(plot_write_timeline(run, path, &info, NULL));
  cr_assert(info.by_instance);
  cr_assert_eq(info.n_rows, 3, "1 lane on i-a, 2 on i-b: %d", info.n_rows);
  cr_assert_eq(info.n_lives, 2);
  g_autoptr(GPtrArray) lives = block(path, 3);
  cr_assert(has_line(lives, "0 0 0 3600"));
  cr_assert(has_line(lives, "1 2 0 1800"));
  g_autoptr(GPtrArray) labels = block(path, 4);
  cr_assert(has_line(labels, "0.0 \"us-east-1a · i-a\""));
  cr_assert(has_line(labels, "1.5 \"us-east-1b · i-b\""));
  plot_timeline_clear(&info);
  test_rmrf(tmp);
}

Test(plot, a_variant_folder_missing_an_output_is_refused)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *dir = make_run(tmp, "ec2", "");
  g_autofree char *csv = g_build_filename(dir, "timeseries.csv", NULL);
  g_unlink(csv);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) runs = plot_find_runs(tmp, &error);
  cr_assert_null(runs);
  g_autofree char *want = g_strdup_printf(
    "%s: no timeseries.csv: not a whole output of 'ecsim run'", dir);
  cr_assert_str_eq(error->message, want);
  test_rmrf(tmp);
}

Test(plot, a_tasks_csv_without_a_column_is_refused_naming_it)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *dir = make_run(tmp, "ec2", "");
  g_autofree char *csv = g_build_filename(dir, "tasks.csv", NULL);
  g_file_set_contents(csv, "task_id,service\nt0,web\n", -1, NULL);
  g_autoptr(PlotRun) run = plot_run_load(dir, NULL);
  g_autofree char *path = g_build_filename(tmp, "timeline.dat", NULL);
  PlotTimeline info;
  g_autoptr(GError) error = NULL;
  cr_assert_not(plot_write_timeline(run, path, &info, &error));
  g_autofree char *want = g_strdup_printf(
    "%s: no column 'task_definition': not a file written by 'ecsim run'",
    csv);
  cr_assert_str_eq(error->message, want);
  test_rmrf(tmp);
}

/* sweep.csv with a swept value per row in @cells (already CSV-quoted). */
static char *
make_sweep(const char *dir, const char *const *cells)
{
  g_autoptr(GString) csv = g_string_new(
    "point_id,variant,/services/0/capacityProviderStrategy,seeds,"
    "cost_usd_mean,cost_usd_ci95,p99_ms_mean,p99_ms_ci95\n");
  for (int i = 0; cells[i] != NULL; i++)
    g_string_append_printf(csv, "%d,fargate,%s,2,%d.5,0.1,%d0,5\n", i,
                           cells[i], i + 1, i + 1);
  char *path = g_build_filename(dir, "sweep.csv", NULL);
  cr_assert(g_file_set_contents(path, csv->str, -1, NULL));
  return path;
}

Test(plot, sweep_values_with_commas_and_quotes_become_tics)
{
  /* ecsim sweep quotes a cell holding a comma or a quote (RFC 4180), as
   * JSON values swept from a sweep file do. */
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *csv = make_sweep(tmp, (const char *[]) {
    "\"[{\"\"capacityProvider\"\":\"\"FARGATE\"\"}]\"", "\"a,b\"", NULL });
  g_autofree char *dat = g_build_filename(tmp, "sweep.dat", NULL);
  g_auto(PlotSweep) info = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert(plot_write_sweep(tmp, dat, &info, &error), "%s",
            error ? error->message : "");
  /* Double-quoted for gnuplot, which reads \" inside. */
  cr_assert_str_eq(info.xtics,
                   "\"[{\\\"capacityProvider\\\":\\\"FARGATE\\\"}]\" 0, "
                   "\"a,b\" 1");
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(dat, &text, NULL, NULL));
  cr_assert(strstr(text, "\n 0 1.5 1.4 1.6 10 5 15\n") != NULL, "%s", text);
  cr_assert(strstr(text, "\n 1 2.5 2.4 2.6 20 15 25\n") != NULL, "%s", text);
  test_rmrf(tmp);
}

Test(plot, a_sweep_csv_with_an_open_quote_is_refused_naming_the_line)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *csv = make_sweep(tmp, (const char *[]) {
    "m6i.large", "\"c6i.large", NULL });
  g_autofree char *dat = g_build_filename(tmp, "sweep.dat", NULL);
  g_auto(PlotSweep) info = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert_not(plot_write_sweep(tmp, dat, &info, &error));
  g_autofree char *want =
    g_strdup_printf("%s:3: a quoted cell is never closed", csv);
  cr_assert_str_eq(error->message, want);
  test_rmrf(tmp);
}

Test(plot, a_sweep_csv_without_a_column_names_ecsim_sweep)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *csv = g_build_filename(tmp, "sweep.csv", NULL);
  cr_assert(g_file_set_contents(csv, "point_id,variant,seeds\n0,a,2\n", -1,
                                NULL));
  g_autofree char *dat = g_build_filename(tmp, "sweep.dat", NULL);
  g_auto(PlotSweep) info = { 0 };
  g_autoptr(GError) error = NULL;
  cr_assert_not(plot_write_sweep(tmp, dat, &info, &error));
  g_autofree char *want = g_strdup_printf(
    "%s: no column 'cost_usd_mean': not a file written by 'ecsim sweep'",
    csv);
  cr_assert_str_eq(error->message, want);
  test_rmrf(tmp);
}
