/* `ecsim sweep` end to end on a tiny scenario: results independent of
 * -j (and of MPI ranks), the database, --resume, Ctrl-C, --best, sweep
 * files and the sweep picture. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "support.h"

#define TINY "tests/data/sweep-tiny.json"
#define TARGET "/services/0/scaling/policies/0/" \
               "TargetTrackingScalingPolicyConfiguration/TargetValue"

/* 2 x 2 grid points x 2 variants x 2 seeds = 16 runs of 20 minutes. */
static const char *const grid[] = {
  "--grid", TARGET "=40,80", "--grid", "/taskDefinitions/0/cpu=256,512",
  "--seeds", "2", NULL,
};

/* argv of `ecsim sweep TINY GRID -o DIR EXTRA...` (NULL-terminated
 * @extra); free with g_ptr_array_unref. */
static GPtrArray *
sweep_argv(const char *dir, const char *const *extra)
{
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer) cli_binary());
  g_ptr_array_add(argv, "sweep");
  g_ptr_array_add(argv, TINY);
  for (const char *const *a = grid; *a; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, "-o");
  g_ptr_array_add(argv, (gpointer) dir);
  for (const char *const *a = extra; a && *a; a++)
    g_ptr_array_add(argv, (gpointer) *a);
  g_ptr_array_add(argv, NULL);
  return argv;
}

static int
spawn(GPtrArray *argv, char **envp, char **out, char **err)
{
  int status = -1;
  g_autoptr(GError) error = NULL;
  char *o = NULL, *e = NULL;
  cr_assert(g_spawn_sync(test_source_root(), (char **) argv->pdata, envp,
                         G_SPAWN_SEARCH_PATH, NULL, NULL, &o, &e, &status,
                         &error), "%s", error ? error->message : "");
  if (out)
    *out = o;
  else
    g_free(o);
  if (err)
    *err = e;
  else
    g_free(e);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
run_sweep(const char *dir, char **out, const char *const *extra)
{
  g_autoptr(GPtrArray) argv = sweep_argv(dir, extra);
  g_autofree char *err = NULL;
  int status = spawn(argv, NULL, out, &err);
  if (status != 0)
    cr_log_info("ecsim sweep: %s", err);
  return status;
}

/* runs.csv without its last column, wall_s: the one figure that changes
 * from run to run. */
static char *
runs_without_wall(const char *dir)
{
  g_autofree char *text = test_read_file(dir, "runs.csv");
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  GString *out = g_string_new("");
  for (char **l = lines; *l && **l; l++) {
    char *comma = strrchr(*l, ',');
    cr_assert_not_null(comma);
    g_string_append_len(out, *l, comma - *l);
    g_string_append_c(out, '\n');
  }
  cr_assert(g_str_has_suffix(lines[0], ",wall_s"), "%s", lines[0]);
  return g_string_free(out, FALSE);
}

static int
count_lines(const char *text)
{
  int n = 0;
  for (const char *c = text; *c; c++)
    n += *c == '\n';
  return n;
}

static gint64
query(const char *dir, const char *sql)
{
  g_autofree char *path = g_build_filename(dir, "results.sqlite", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  gint64 n = -1;
  if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW)
    n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

Test(sweep_cli, help_describes_grids_and_the_best_rule)
{
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "sweep", "--help", NULL), 0);
  cr_assert(strstr(out, "--grid /pointer=START:STOP:STEP") != NULL, "%s",
            out);
  cr_assert(strstr(out, "at its 95% confidence bound") != NULL, "%s", out);
  g_autofree char *top = NULL;
  cr_assert_eq(cli_run(NULL, &top, NULL, "--help", NULL), 0);
  cr_assert(strstr(top, "  sweep ") != NULL, "%s", top);
}

Test(sweep_cli, threads_do_not_change_the_results)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *a = g_build_filename(tmp, "j1", NULL);
  g_autofree char *b = g_build_filename(tmp, "j2", NULL);
  cr_assert_eq(run_sweep(a, NULL, (const char *[]) { "-j", "1", NULL }), 0);
  cr_assert_eq(run_sweep(b, NULL, (const char *[]) { "-j", "2", NULL }), 0);
  g_autofree char *ra = runs_without_wall(a), *rb = runs_without_wall(b);
  cr_assert_str_eq(ra, rb);
  cr_assert_eq(count_lines(ra), 17);
  g_autofree char *sa = test_read_file(a, "sweep.csv");
  g_autofree char *sb = test_read_file(b, "sweep.csv");
  cr_assert_str_eq(sa, sb);
  cr_assert_eq(count_lines(sa), 9);
  test_rmrf(tmp);
}

Test(sweep_cli, database_holds_every_run)
{
  g_autofree char *tmp = test_tmpdir();
  cr_assert_eq(run_sweep(tmp, NULL, NULL), 0);
  cr_assert_eq(query(tmp, "SELECT count(*) FROM runs"), 16);
  cr_assert_eq(query(tmp, "SELECT count(DISTINCT point) FROM runs"), 4);
  cr_assert_eq(query(tmp, "SELECT count(*) FROM parameters"), 32);
  cr_assert_eq(query(tmp, "SELECT count(*) FROM parameters WHERE pointer = "
                          "'/taskDefinitions/0/cpu' AND value = 512"), 8);
  /* 20 minutes in 2-minute periods. */
  cr_assert_eq(query(tmp, "SELECT count(*) FROM series"), 16 * 10);
  cr_assert_eq(query(tmp, "SELECT count(*) FROM runs WHERE cost_usd > 0 "
                          "AND p99_ms > 0 AND summary LIKE '{\"schema\"%'"),
               16);
  cr_assert_eq(query(tmp, "SELECT count(*) FROM runs WHERE seed NOT IN "
                          "(3, 4)"), 0, "seeds are the scenario's 3 + k");
  cr_assert_eq(query(tmp, "SELECT value FROM sweep WHERE key = 'seeds'"), 2);
  test_rmrf(tmp);
}

Test(sweep_cli, resume_runs_nothing_new_and_a_second_sweep_is_refused)
{
  g_autofree char *tmp = test_tmpdir();
  cr_assert_eq(run_sweep(tmp, NULL, NULL), 0);
  g_autofree char *before = test_read_file(tmp, "runs.csv");
  g_autofree char *out = NULL;
  cr_assert_eq(run_sweep(tmp, &out, (const char *[]) { "--resume", NULL }),
               0);
  cr_assert(strstr(out, "= 16 runs, 16 already done") != NULL, "%s", out);
  cr_assert(strstr(out, "Runs       0 finished") != NULL, "%s", out);
  g_autofree char *after = test_read_file(tmp, "runs.csv");
  cr_assert_str_eq(before, after);
  g_autoptr(GPtrArray) argv = sweep_argv(tmp, NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(spawn(argv, NULL, NULL, &err), 2);
  cr_assert(strstr(err, "results.sqlite: a sweep is already stored here: "
                        "add --resume") != NULL, "%s", err);
  /* --resume refuses a different sweep. */
  g_clear_pointer(&err, g_free);
  g_autoptr(GPtrArray) other = sweep_argv(tmp, (const char *[]) {
    "--resume", "--variant", "spot", NULL });
  cr_assert_eq(spawn(other, NULL, NULL, &err), 2);
  cr_assert(strstr(err, "not the same sweep: its variants differ") != NULL,
            "%s", err);
  test_rmrf(tmp);
}

Test(sweep_cli, interrupted_sweep_keeps_its_runs_and_resumes)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *cut = g_build_filename(tmp, "cut", NULL);
  g_autofree char *whole = g_build_filename(tmp, "whole", NULL);
  const char *const longer[] = { "--set", "/duration=1h", "-j", "1", NULL };
  g_autoptr(GPtrArray) argv = sweep_argv(cut, longer);
  GPid pid;
  cr_assert(g_spawn_async(test_source_root(), (char **) argv->pdata, NULL,
                          G_SPAWN_DO_NOT_REAP_CHILD |
                            G_SPAWN_STDOUT_TO_DEV_NULL |
                            G_SPAWN_STDERR_TO_DEV_NULL,
                          NULL, NULL, &pid, NULL));
  for (int i = 0; i < 6000 && query(cut, "SELECT count(*) FROM runs") < 2;
       i++)
    g_usleep(5000);
  kill(pid, SIGINT);
  int status;
  waitpid(pid, &status, 0);
  gint64 kept = query(cut, "SELECT count(*) FROM runs");
  cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
            "status %d after %" G_GINT64_FORMAT " runs", status, kept);
  cr_assert(kept >= 2 && kept < 16, "%" G_GINT64_FORMAT " runs", kept);
  g_autofree char *partial = test_read_file(cut, "runs.csv");
  cr_assert_eq(count_lines(partial), kept + 1, "runs.csv agrees with the "
               "database");
  const char *const resume[] = { "--set", "/duration=1h", "--resume", NULL };
  cr_assert_eq(run_sweep(cut, NULL, resume), 0);
  cr_assert_eq(run_sweep(whole, NULL, longer), 0);
  g_autofree char *rc = runs_without_wall(cut);
  g_autofree char *rw = runs_without_wall(whole);
  cr_assert_str_eq(rc, rw);
  test_rmrf(tmp);
}

/* The group of sweep.csv the --best rule should pick for p99 < @limit
 * (cheapest mean cost among those whose p99 upper bound is below), or
 * -1; fills the row's point and variant. */
static int
expected_best(const char *csv, double limit, char **point, char **variant)
{
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  g_auto(GStrv) head = g_strsplit(lines[0], ",", -1);
  int cost = -1, p99 = -1, half = -1;
  for (int c = 0; head[c]; c++) {
    cost = strcmp(head[c], "cost_usd_mean") == 0 ? c : cost;
    p99 = strcmp(head[c], "p99_ms_mean") == 0 ? c : p99;
    half = strcmp(head[c], "p99_ms_ci95") == 0 ? c : half;
  }
  int best = -1;
  double best_cost = INFINITY;
  for (int r = 1; lines[r] && *lines[r]; r++) {
    g_auto(GStrv) cells = g_strsplit(lines[r], ",", -1);
    double c = g_ascii_strtod(cells[cost], NULL);
    if (g_ascii_strtod(cells[p99], NULL) + g_ascii_strtod(cells[half], NULL)
          < limit && c < best_cost) {
      best = r;
      best_cost = c;
      g_free(*point);
      g_free(*variant);
      *point = g_strdup(cells[0]);
      *variant = g_strdup(cells[1]);
    }
  }
  return best;
}

/* The cheapest group's p99 mean and upper bound. */
static void
cheapest(const char *csv, double *mean, double *upper)
{
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  double best = INFINITY;
  for (int r = 1; lines[r] && *lines[r]; r++) {
    g_auto(GStrv) cells = g_strsplit(lines[r], ",", -1);
    /* point_id,variant,TargetValue,cpu,seeds,cost_usd_mean,cost_usd_ci95,
     * p50 (2), p90 (2), p99_ms_mean, p99_ms_ci95 */
    double c = g_ascii_strtod(cells[5], NULL);
    if (c < best) {
      best = c;
      *mean = g_ascii_strtod(cells[11], NULL);
      *upper = *mean + g_ascii_strtod(cells[12], NULL);
    }
  }
}

Test(sweep_cli, best_holds_the_limit_at_the_upper_confidence_bound)
{
  g_autofree char *tmp = test_tmpdir();
  const char *const three[] = { "--seeds", "3", "-q", NULL };
  cr_assert_eq(run_sweep(tmp, NULL, three), 0);
  g_autofree char *csv = test_read_file(tmp, "sweep.csv");
  cr_assert(strstr(csv, ",p99_ms_mean,p99_ms_ci95,") != NULL);
  /* A limit the cheapest group meets on its mean but not at its bound. */
  double mean, upper;
  cheapest(csv, &mean, &upper);
  cr_assert(upper > mean);
  double limit = (mean + upper) / 2;
  g_autofree char *point = NULL, *variant = NULL;
  int want = expected_best(csv, limit, &point, &variant);
  g_autofree char *best = g_strdup_printf("p99<%.3fms", limit);
  const char *const args[] = { "--seeds", "3", "--resume", "--best", best,
                               NULL };
  g_autofree char *out = NULL;
  cr_assert_eq(run_sweep(tmp, &out, args), 0);
  if (want < 0) {
    cr_assert(strstr(out, "Best       none: no grid point and variant "
                          "meets") != NULL, "%s", out);
  } else {
    g_autofree char *line = g_strdup_printf("Best       point %s (", point);
    g_autofree char *var = g_strdup_printf("), variant %s\n", variant);
    const char *at = strstr(out, line);
    cr_assert(at != NULL, "want point %s: %s", point, out);
    cr_assert(strstr(at, var) == strchr(at, ')'), "want %s: %s", variant,
              out);
    cr_assert(strstr(out, "at their 95% confidence bound") != NULL);
  }
  test_rmrf(tmp);
}

Test(sweep_cli, sweep_file_runs_the_same_sweep)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *a = g_build_filename(tmp, "cli", NULL);
  g_autofree char *b = g_build_filename(tmp, "file", NULL);
  g_autofree char *file = g_build_filename(tmp, "s.json", NULL);
  g_autofree char *scenario = g_build_filename(test_source_root(), TINY,
                                               NULL);
  g_autofree char *text = g_strdup_printf(
    "{\"scenario\": \"%s\", \"grid\": {\"%s\": [40, 80], "
    "\"/taskDefinitions/0/cpu\": \"256,512\"}, \"seeds\": 2}", scenario,
    TARGET);
  cr_assert(g_file_set_contents(file, text, -1, NULL));
  cr_assert_eq(run_sweep(a, NULL, NULL), 0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", file, "-o", b, "-q", NULL),
               0, "%s", err);
  g_autofree char *sa = test_read_file(a, "sweep.csv");
  g_autofree char *sb = test_read_file(b, "sweep.csv");
  cr_assert_str_eq(sa, sb);
  test_rmrf(tmp);
}

Test(sweep_cli, bad_grid_point_exits_2_and_writes_nothing)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *dir = g_build_filename(tmp, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", TINY, "--grid",
                       "/taskDefinitions/0/cpu=256,4096", "-o", dir, NULL),
               2);
  cr_assert(g_str_has_prefix(err, "grid point 1 (cpu=4096), variant "
                                  "fargate: " TINY ": /taskDefinitions/0/"),
            "%s", err);
  cr_assert_not(g_file_test(dir, G_FILE_TEST_EXISTS));
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", TINY, "--grid",
                       "/desiredCount=3:1:1", "-o", dir, NULL), 2);
  cr_assert_str_eq(err, "--grid /desiredCount=3:1:1: the step 1 never "
                        "reaches 1 from 3 (use a negative step)\n");
  test_rmrf(tmp);
}

Test(sweep_cli, mpi_ranks_give_the_same_results)
{
  const char *mpirun = g_getenv("ECSIM_MPIRUN");
  if (g_strcmp0(g_getenv("ECSIM_MPI"), "1") != 0 || mpirun == NULL ||
      *mpirun == '\0')
    cr_skip_test("ecsim is built without MPI (meson -Dmpi=true)");
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *a = g_build_filename(tmp, "threads", NULL);
  g_autofree char *b = g_build_filename(tmp, "mpi", NULL);
  cr_assert_eq(run_sweep(a, NULL, NULL), 0);
  g_autoptr(GPtrArray) inner = sweep_argv(b, NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new();
  const char *pre[] = { mpirun, "-n", "2", "--oversubscribe" };
  for (gsize i = 0; i < G_N_ELEMENTS(pre); i++)
    g_ptr_array_add(argv, (gpointer) pre[i]);
  for (guint i = 0; i < inner->len; i++)
    g_ptr_array_add(argv, inner->pdata[i]);
  g_auto(GStrv) env = g_get_environ();
  env = g_environ_setenv(env, "OMPI_ALLOW_RUN_AS_ROOT", "1", TRUE);
  env = g_environ_setenv(env, "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", TRUE);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(spawn(argv, env, &out, &err), 0, "%s", err);
  cr_assert(strstr(out, "; 2 MPI ranks") != NULL, "%s", out);
  g_autofree char *ra = runs_without_wall(a), *rb = runs_without_wall(b);
  cr_assert_str_eq(ra, rb);
  g_autofree char *sa = test_read_file(a, "sweep.csv");
  g_autofree char *sb = test_read_file(b, "sweep.csv");
  cr_assert_str_eq(sa, sb);
  test_rmrf(tmp);
}

Test(sweep_cli, plot_draws_a_sweep_folder)
{
  g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
  if (gnuplot == NULL)
    cr_skip_test("gnuplot is not installed");
  g_autofree char *tmp = test_tmpdir();
  cr_assert_eq(run_sweep(tmp, NULL, (const char *[]) { "-q", NULL }), 0);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "plot", tmp, "--format", "svg",
                       NULL), 0, "%s", err);
  g_autofree char *svg = g_build_filename(tmp, "plots", "sweep.svg", NULL);
  cr_assert(g_file_test(svg, G_FILE_TEST_IS_REGULAR), "%s", out);
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(svg, &text, NULL, NULL));
  cr_assert(strstr(text, "spot · cpu=512: cost") != NULL);
  test_rmrf(tmp);
}

Test(sweep_cli, plot_labels_swept_words_on_the_x_axis)
{
  /* Instance types, not numbers: each gets a tic of its own. */
  g_autofree char *gnuplot = g_find_program_in_path("gnuplot");
  if (gnuplot == NULL)
    cr_skip_test("gnuplot is not installed");
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *csv = g_build_filename(tmp, "sweep.csv", NULL);
  cr_assert(g_file_set_contents(csv,
    "point_id,variant,/cluster/auto_scaling_groups/0/instance_type,seeds,"
    "cost_usd_mean,cost_usd_ci95,p99_ms_mean,p99_ms_ci95\n"
    "0,ec2,m6i.large,2,1.5,0.1,10,5\n"
    "1,ec2,c6i.large,2,2.5,0.1,20,5\n", -1, NULL));
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "plot", tmp, "--format", "svg",
                       NULL), 0, "%s", err);
  g_autofree char *svg = g_build_filename(tmp, "plots", "sweep.svg", NULL);
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(svg, &text, NULL, NULL), "%s", out);
  cr_assert(strstr(text, ">m6i.large<") != NULL);
  cr_assert(strstr(text, ">c6i.large<") != NULL);
  test_rmrf(tmp);
}

/* --fidelity is every run's, as `ecsim run --fidelity` gives it; a value
 * that is no fidelity is refused before anything runs. */
Test(sweep_cli, fidelity_is_every_runs)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *dir = g_build_filename(tmp, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", TINY, "--variant",
                       "fargate", "--seeds", "2", "--fidelity", "aggregate",
                       "--outputs", "-q", "-o", dir, NULL),
               0, "%s", err);
  for (int run = 0; run < 2; run++) {
    g_autofree char *name = g_strdup_printf("runs/%d", run);
    g_autofree char *run_dir = g_build_filename(dir, name, NULL);
    g_autofree char *text = test_read_file(run_dir, "summary.json");
    cJSON *summary = cJSON_Parse(text);
    const char *fidelity = cJSON_GetStringValue(cJSON_GetObjectItem(
      cJSON_GetObjectItem(summary, "scenario"), "fidelity"));
    cr_assert_str_eq(fidelity ? fidelity : "(none)", "aggregate");
    cJSON_Delete(summary);
  }
  g_autofree char *bad = g_build_filename(tmp, "bad", NULL);
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", TINY, "--fidelity",
                       "fluid", "-o", bad, NULL), 2);
  cr_assert_str_eq(err, "ecsim: --fidelity fluid: must be requests or "
                        "aggregate\n");
  cr_assert_not(g_file_test(bad, G_FILE_TEST_EXISTS));
  test_rmrf(tmp);
}
