/* Pitfalls: an output folder reused by another run, and a run that fails
 * part-way. A folder holds one run's outputs, whole, or the run says
 * why not. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

#include "scenarios/cli.h"
#include "support.h"

#define GATE "scenarios/ci/gate.json"
#define ROLLBACK "scenarios/bad-deploy-rollback.json"

static char *
in(const char *dir, const char *name)
{
  return g_build_filename(dir, name, NULL);
}

Test(outputs, rerunning_the_same_run_replaces_its_folder)
{
  g_autofree char *dir = test_tmpdir();
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", dir, "-q", NULL),
               0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", GATE, "-o", dir, "-q", NULL),
               0, "%s", err);
  g_autofree char *base = in(dir, "base");
  g_autofree char *manifest = test_read_file(base, "manifest.json");
  cr_assert(strstr(manifest, "\"scenario\":\t\"gate\""), "%s", manifest);
  cr_assert(strstr(manifest, "\"duration_s\":\t1800"), "%s", manifest);
  test_rmrf(dir);
}

Test(outputs, another_scenario_into_the_same_folder_is_refused)
{
  g_autofree char *dir = test_tmpdir();
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", dir, "-q", NULL),
               0);
  g_autofree char *err = NULL;
  cr_assert_eq(
    cli_run(NULL, NULL, &err, "run", ROLLBACK, "-o", dir, "-q", NULL), 2);
  g_autofree char *want = g_strdup_printf(
    "ecsim: %s/base: holds outputs of scenario gate (30m, seed 1), not of "
    "this run of scenario bad-deploy-rollback (2h, seed 3); use --force to "
    "replace them, or write elsewhere with -o\n", dir);
  cr_assert_str_eq(err, want);
  test_rmrf(dir);
}

Test(outputs, an_edited_scenario_is_another_run)
{
  g_autofree char *dir = test_tmpdir();
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", dir, "-q", NULL),
               0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", GATE, "-o", dir, "-q",
                       "--set", "/services/0/desiredCount=4", NULL), 2);
  cr_assert(strstr(err, "holds outputs of scenario gate (30m, seed 1) as it "
                        "was before an edit or other --set values"), "%s",
            err);
  test_rmrf(dir);
}

Test(outputs, force_replaces_and_removes_the_other_runs_variants)
{
  g_autofree char *dir = test_tmpdir();
  /* A two-variant run, then a one-variant scenario into the same folder. */
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", "scenarios/"
                       "binpack-vs-spread.json", "-o", dir, "-q", NULL), 0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", GATE, "-o", dir, "-q",
                       "--force", NULL), 0, "%s", err);
  g_autofree char *binpack = in(dir, "binpack");
  g_autofree char *spread = in(dir, "spread");
  g_autofree char *base = in(dir, "base");
  cr_assert_not(g_file_test(binpack, G_FILE_TEST_EXISTS));
  cr_assert_not(g_file_test(spread, G_FILE_TEST_EXISTS));
  cr_assert(g_file_test(base, G_FILE_TEST_IS_DIR));
  test_rmrf(dir);
}

Test(outputs, a_failed_rerun_leaves_the_earlier_outputs_whole)
{
  g_autofree char *dir = test_tmpdir();
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", dir, "-q", NULL),
               0);
  g_autofree char *base = in(dir, "base");
  g_autofree char *before = test_read_file(base, "timeseries.csv");
  /* A file-size limit the outputs exceed: EFBIG, not a silent SIGXFSZ. */
  struct rlimit small = { 4096, 4096 };
  cr_assert_eq(setrlimit(RLIMIT_FSIZE, &small), 0);
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "run", GATE, "-o", dir, "-q",
                       NULL);
  cr_assert_eq(status, 1, "%s", err);
  cr_assert(strstr(err, "File too large"), "%s", err);
  g_autofree char *after = test_read_file(base, "timeseries.csv");
  cr_assert_str_eq(after, before);
  /* No temporary folder or file is left behind. */
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name(d)) != NULL)
    cr_assert_str_eq(name, "base");
  test_rmrf(dir);
}

Test(outputs, plot_refuses_a_folder_mixing_two_runs)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *a = in(dir, "a"), *b = in(dir, "b");
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", a, "-q", NULL),
               0);
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", b, "-q", "--set",
                       "/duration=\"20m\"", NULL), 0);
  g_autofree char *from = g_build_filename(b, "base", NULL);
  g_autofree char *to = g_build_filename(a, "short", NULL);
  cr_assert_eq(g_rename(from, to), 0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "plot", a, NULL), 2);
  g_autofree char *want = g_strdup_printf(
    "%s: mixes the outputs of two runs: base/ is scenario gate (30m, seed "
    "1); short/ is scenario gate (20m, seed 1) (run them again into one "
    "folder)",
    a);
  cr_assert(strstr(err, want), "%s", err);
  test_rmrf(dir);
}

Test(outputs, diff_refuses_runs_of_two_scenarios)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *a = in(dir, "a"), *b = in(dir, "b");
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", a, "-q", NULL),
               0);
  cr_assert_eq(
    cli_run(NULL, NULL, NULL, "run", ROLLBACK, "-o", b, "-q", NULL), 0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "diff", a, b, NULL), 2);
  g_autofree char *want = g_strdup_printf(
    "%s holds runs of scenario gate, %s of scenario bad-deploy-rollback: "
    "diff compares runs of one scenario\n", a, b);
  cr_assert_str_eq(err, want);
  test_rmrf(dir);
}

Test(outputs, a_second_sweep_into_a_busy_folder_is_refused_up_front)
{
  g_autofree char *dir = test_tmpdir();
  /* Hold the folder's lock as a running sweep does. */
  g_autofree char *lock = in(dir, "results.sqlite.lock");
  int fd = open(lock, O_RDWR | O_CREAT, 0644);
  cr_assert_geq(fd, 0);
  cr_assert_eq(flock(fd, LOCK_EX), 0);
  const char *note = "process 4242, started 2026-12-06 12:00:00\n";
  cr_assert_eq(write(fd, note, strlen(note)), (ssize_t) strlen(note));
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", "tests/data/"
                       "sweep-tiny.json", "--grid",
                       "/services/0/desiredCount=1,2", "-o", dir, "-q",
                       NULL), 2);
  g_autofree char *want = g_strdup_printf(
    "%s/results.sqlite: another ecsim sweep is writing here (process 4242, "
    "started 2026-12-06 12:00:00); wait for it to finish, or choose another "
    "-o folder", dir);
  cr_assert(strstr(err, want), "%s", err);
  g_autofree char *db = in(dir, "results.sqlite");
  cr_assert_not(g_file_test(db, G_FILE_TEST_EXISTS));
  close(fd);
  test_rmrf(dir);
}

Test(outputs, instances_csv_shows_when_each_instance_is_billed_from)
{
  g_autofree char *dir = test_tmpdir();
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", "scenarios/"
                       "binpack-vs-spread.json", "--variant", "binpack",
                       "-o", dir, "-q", NULL), 0);
  g_autofree char *sub = in(dir, "binpack");
  g_autofree char *csv = test_read_file(sub, "instances.csv");
  g_auto(GStrv) lines = g_strsplit(csv, "\n", -1);
  cr_assert(g_str_has_prefix(lines[0], "instance_id,asg,instance_type,az,"
                                       "status,launched_s,running_s,"
                                       "registered_s,"), "%s", lines[0]);
  /* Launched at 0, registered after the 60 s launch time, running (and
   * billed) from within it. */
  g_auto(GStrv) cells = g_strsplit(lines[1], ",", -1);
  double launched = g_ascii_strtod(cells[5], NULL);
  double running = g_ascii_strtod(cells[6], NULL);
  double registered = g_ascii_strtod(cells[7], NULL);
  cr_assert_leq(launched, running, "%s", lines[1]);
  cr_assert_lt(running, registered, "%s", lines[1]);
  cr_assert_float_eq(registered - launched, 60.0, 1e-9, "%s", lines[1]);
  test_rmrf(dir);
}

Test(outputs, compare_claims_its_folder_as_run_does)
{
  g_autofree char *dir = test_tmpdir();
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", GATE, "-o", dir, "-q", NULL),
               0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "compare", "--no-break-even", "-q",
                       "scenarios/binpack-vs-spread.json", "-o", dir, NULL),
               2);
  cr_assert(strstr(err, "/base: holds outputs of scenario gate (30m, seed "
                        "1), not of this run of scenario binpack-vs-spread"),
            "%s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "compare", "--no-break-even", "-q",
                       "--force", "scenarios/binpack-vs-spread.json", "-o",
                       dir, NULL), 0, "%s", err);
  g_autofree char *base = in(dir, "base");
  g_autofree char *binpack = in(dir, "binpack");
  cr_assert_not(g_file_test(base, G_FILE_TEST_EXISTS));
  g_autofree char *manifest = test_read_file(binpack, "manifest.json");
  cr_assert(strstr(manifest, "\"variant\":\t\"binpack\""), "%s", manifest);
  test_rmrf(dir);
}
