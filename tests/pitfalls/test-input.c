/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * Input mistakes that used to load as a silent wrong default, and must
 * now stop with one message naming the file (or the override) and the
 * JSON path: a duration without a unit, a number too large to be finite,
 * a typo inside a variant or a --set, a task too big for every instance
 * it may use, a traffic trace that ends before the run; and a scenario
 * read from standard input. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

#define TASKDEF                                                              \
  "{\"family\": \"web\", \"cpu\": \"512\", \"memory\": \"1024\", "           \
  "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], " \
  "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}"

/* One Fargate service "web" whose workload members are @workload, and
 * @extra top-level members. */
static char *
scenario(const char *workload, const char *extra)
{
  return g_strdup_printf(
    "{\"duration\": \"10m\", \"taskDefinitions\": [" TASKDEF "],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    " \"launchType\": \"FARGATE\", \"desiredCount\": 2, \"workload\": {%s}}]"
    "%s%s}",
    workload, *extra ? ", " : "", extra);
}

#define CONSTANT_20 "\"traffic\": {\"generator\": \"constant\", \"rps\": 20}"

static void
assert_refused(const char *text, const char *message)
{
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg, "accepted: %s", text);
  cr_assert_str_eq(msg, message);
}

/* ---- 1. durations need a unit --------------------------------------- */

Test(pitfalls, duration_string_without_unit_shows_both_readings)
{
  /* Read as 80 s, this failed 99.75% of the requests of a service whose
   * author meant 80 ms. */
  g_autofree char *text = scenario(
    CONSTANT_20 ", \"service_time\": {\"dist\": \"lognormal\", \"mean\": "
    "\"80\", \"cv\": 1}", "");
  assert_refused(text, "t.json: /services/0/workload/service_time/mean: "
                       "\"80\" needs a unit: write \"80ms\" or \"80s\" "
                       "(units: us, ms, s, m, h, d)");
}

Test(pitfalls, bare_duration_string_is_refused_everywhere)
{
  g_autofree char *top = scenario(CONSTANT_20 ", \"service_time\": "
                                  "\"20ms\"", "");
  /* The top level, a fixed distribution and a workload timeout. */
  char *dur = strstr(top, "\"10m\"");
  memcpy(dur, "\"600\"", 5);
  assert_refused(top, "t.json: /duration: \"600\" needs a unit: write "
                      "\"600ms\" or \"600s\" (units: us, ms, s, m, h, d)");
  g_autofree char *fixed = scenario(CONSTANT_20 ", \"service_time\": "
                                    "\"0.5\"", "");
  assert_refused(fixed, "t.json: /services/0/workload/service_time: \"0.5\" "
                        "needs a unit: write \"0.5ms\" or \"0.5s\" (units: "
                        "us, ms, s, m, h, d)");
}

Test(pitfalls, duration_numbers_stay_seconds_as_documented)
{
  /* REFERENCE.md: "Durations are seconds (90, 1.5)". */
  g_autofree char *text = scenario(CONSTANT_20 ", \"service_time\": "
                                   "\"20ms\", \"timeout\": 2", "");
  GError *error = NULL;
  g_autoptr(ScenarioConfig) cfg = test_configure(text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  const ServiceConfig *svc = cfg->services->pdata[0];
  cr_assert_eq(svc->workload.timeout, 2 * SIM_SEC);
}

Test(pitfalls, empirical_duration_file_lines_need_a_unit)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *file = g_build_filename(dir, "lat.txt", NULL);
  cr_assert(g_file_set_contents(file, "12ms\n80\n", -1, NULL));
  g_autofree char *workload = g_strdup_printf(
    CONSTANT_20 ", \"service_time\": {\"dist\": \"empirical\", \"file\": "
    "\"%s\"}", file);
  g_autofree char *text = scenario(workload, "");
  g_autofree char *msg = test_configure_error(text);
  test_rmrf(dir);
  g_autofree char *want = g_strdup_printf(
    "%s:2: \"80\" needs a unit: write \"80ms\" or \"80s\" (units: us, ms, "
    "s, m, h, d)", file);
  cr_assert_str_eq(msg, want);
}

/* ---- 5. numbers must be finite ---------------------------------------- */

Test(pitfalls, infinite_rate_is_refused)
{
  /* 1e309 parses as infinity: the run never got past time 0. */
  g_autofree char *text = scenario(
    "\"traffic\": {\"generator\": \"constant\", \"rps\": 1e309}, "
    "\"service_time\": \"20ms\"", "");
  assert_refused(text, "t.json: /services/0/workload/traffic/rps: must be "
                       "a finite number (a double holds at most about "
                       "1.8e308)");
}

Test(pitfalls, infinite_number_anywhere_is_refused)
{
  /* Even where no parser reads it as a double (an integer field, a
   * duration in seconds): the check covers every number. */
  g_autofree char *text = scenario(
    CONSTANT_20 ", \"service_time\": \"20ms\", \"timeout\": -1e400", "");
  assert_refused(text, "t.json: /services/0/workload/timeout: must be a "
                       "finite number (a double holds at most about "
                       "1.8e308)");
  g_autofree char *count = scenario(CONSTANT_20 ", \"service_time\": "
                                    "\"20ms\"", "\"seed\": 1e999");
  assert_refused(count, "t.json: /seed: must be a finite number (a double "
                        "holds at most about 1.8e308)");
}

/* ---- 4. mistakes in overrides name the override --------------------- */

static char *
configure_variant_error(const char *text, const char *variant,
                        const char *set)
{
  GError *error = NULL;
  g_autofree char *dir = g_build_filename(test_source_root(), "tests",
                                          "data", NULL);
  g_autoptr(Scenario) scn = scenario_load_data("scenario.json", text, dir,
                                               &error);
  cr_assert_not_null(scn, "%s", error ? error->message : "");
  if (set != NULL)
    cr_assert(scenario_add_override(scn, set, &error));
  ScenarioConfig *cfg = scenario_configure(scn, variant, NULL, &error);
  cr_assert_null(cfg, "the override was accepted");
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

Test(pitfalls, typo_in_a_variant_names_the_variant)
{
  g_autofree char *text = scenario(
    CONSTANT_20 ", \"service_time\": \"20ms\"",
    "\"variants\": {\"base\": {}, \"ec2\": {\"services/0/desiredCount\": "
    "\"four\"}}");
  g_autofree char *msg = configure_variant_error(text, "ec2", NULL);
  cr_assert_str_eq(msg, "scenario.json: /variants/ec2/services~10~1"
                        "desiredCount: must be an integer, got a string "
                        "\"four\"");
}

Test(pitfalls, typo_deep_in_a_variant_value_names_its_path)
{
  g_autofree char *text = scenario(
    CONSTANT_20 ", \"service_time\": \"20ms\"",
    "\"variants\": {\"slow\": {\"/services/0/workload\": {"
    CONSTANT_20 ", \"service_time\": {\"dist\": \"exponential\", "
    "\"mean\": \"80\"}}}}");
  g_autofree char *msg = configure_variant_error(text, "slow", NULL);
  cr_assert_str_eq(msg, "scenario.json: /variants/slow/~1services~10~1"
                        "workload/service_time/mean: \"80\" needs a unit: "
                        "write \"80ms\" or \"80s\" (units: us, ms, s, m, h, "
                        "d)");
}

Test(pitfalls, unknown_key_added_by_a_variant_names_the_variant)
{
  g_autofree char *text = scenario(
    CONSTANT_20 ", \"service_time\": \"20ms\"",
    "\"variants\": {\"big\": {\"/services/0/desiredCont\": 4}}");
  g_autofree char *msg = configure_variant_error(text, "big", NULL);
  cr_assert_str_eq(msg, "scenario.json: /variants/big/~1services~10~1"
                        "desiredCont: unknown key; did you mean "
                        "'desiredCount'?");
}

Test(pitfalls, typo_in_a_set_names_the_set)
{
  g_autofree char *text = scenario(CONSTANT_20 ", \"service_time\": "
                                   "\"20ms\"", "");
  g_autofree char *msg = configure_variant_error(
    text, NULL, "/services/0/desiredCount=four");
  cr_assert_str_eq(msg, "--set /services/0/desiredCount: must be an "
                        "integer, got a string \"four\"");
  g_autofree char *deep = configure_variant_error(
    text, NULL, "/services/0/workload/traffic={\"generator\": "
    "\"constant\", \"rps\": \"x\"}");
  cr_assert_str_eq(deep, "--set /services/0/workload/traffic: /rps: must "
                         "be a number, got a string \"x\"");
}

Test(pitfalls, set_over_a_variant_is_reported_as_the_set)
{
  /* The --set replaced the variant's value: the mistake is the --set's. */
  g_autofree char *text = scenario(
    CONSTANT_20 ", \"service_time\": \"20ms\"",
    "\"variants\": {\"v\": {\"/services/0/desiredCount\": 3}}");
  g_autofree char *msg = configure_variant_error(
    text, "v", "/services/0/desiredCount=-1");
  cr_assert_str_eq(msg, "--set /services/0/desiredCount: must be >= 0, "
                        "got -1");
}

Test(pitfalls, ecsim_run_names_the_set)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "run", "scenarios/ci/gate.json",
                       "-q", "-o", dir, "--set",
                       "/services/0/desiredCount=four", NULL);
  test_rmrf(dir);
  cr_assert_eq(status, 2);
  cr_assert_str_eq(err, "--set /services/0/desiredCount: must be an "
                        "integer, got a string \"four\"\n");
}

/* ---- 6. a scenario on standard input -------------------------------- */

/* Runs `ecsim ARGS` (a shell word list) in @cwd with @input on its
 * standard input; returns the exit status and the outputs. */
static int
run_with_stdin(const char *cwd, const char *input, const char *args,
               char **out, char **err)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *in = g_build_filename(tmp, "in.json", NULL);
  cr_assert(g_file_set_contents(in, input, -1, NULL));
  g_autofree char *bin = g_canonicalize_filename(cli_binary(),
                                                  test_source_root());
  g_autofree char *cmd = g_strdup_printf("exec '%s' %s < '%s'", bin, args,
                                         in);
  const char *argv[] = { "/bin/sh", "-c", cmd, NULL };
  int status = -1;
  cr_assert(g_spawn_sync(cwd, (char **) argv, NULL, 0, NULL, NULL, out, err,
                         &status, NULL));
  test_rmrf(tmp);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

Test(pitfalls, validate_reads_a_scenario_from_stdin)
{
  /* Relative file names resolve from the current directory. */
  g_autofree char *gate = test_read_file(test_source_root(),
                                         "scenarios/ci/gate.json");
  g_autofree char *ci = g_build_filename(test_source_root(), "scenarios",
                                         "ci", NULL);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(run_with_stdin(ci, gate, "validate -", &out, &err), 0, "%s",
               err);
  cr_assert_str_eq(out, "<stdin>: ok (scenario)\n");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(run_with_stdin(test_source_root(), gate, "validate -", &out,
                              &err), 2);
  cr_assert_str_eq(err, "<stdin>: /taskDefinitions/0/file: cannot read "
                        "'taskdef.json': no such file\n");
}

Test(pitfalls, stdin_errors_are_named_stdin)
{
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(run_with_stdin(NULL, "{\"duration\": \"1h\",\n", "validate -",
                              &out, &err), 2);
  cr_assert_str_eq(err, "<stdin>:2:1: syntax error: unexpected end of "
                        "input\n");
}

Test(pitfalls, run_reads_a_scenario_from_stdin)
{
  g_autofree char *text = scenario(CONSTANT_20 ", \"service_time\": "
                                   "\"20ms\"", "");
  g_autofree char *dir = test_tmpdir();
  g_autofree char *args = g_strdup_printf("run - -q -o '%s'", dir);
  g_autofree char *out = NULL, *err = NULL;
  int status = run_with_stdin(NULL, text, args, &out, &err);
  g_autofree char *summary = g_build_filename(dir, "base", "summary.json",
                                              NULL);
  gboolean written = g_file_test(summary, G_FILE_TEST_EXISTS);
  g_autofree char *body = NULL;
  g_file_get_contents(summary, &body, NULL, NULL);
  test_rmrf(dir);
  cr_assert_eq(status, 0, "%s", err);
  cr_assert(written);
  /* Without a "name", the outputs are called after the input: stdin. */
  cr_assert_not_null(strstr(body, "\"name\":\t\"stdin\""), "%s", body);
}

/* ---- 2. a task must fit the instances it may use --------------------- */

/* A scenario of one EC2 service "big" (task @cpu units, @memory MiB) with
 * the cluster's ASGs @asgs and the service's placement @launch. */
static char *
ec2_scenario(int cpu, int memory, const char *asgs, const char *launch)
{
  return g_strdup_printf(
    "{\"duration\": \"1h\", \"cluster\": {\"auto_scaling_groups\": [%s]},"
    " \"taskDefinitions\": [{\"family\": \"big\", \"cpu\": \"%d\","
    " \"memory\": \"%d\", \"networkMode\": \"awsvpc\","
    " \"requiresCompatibilities\": [\"EC2\"], \"containerDefinitions\":"
    " [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": [{\"serviceName\": \"big\", \"taskDefinition\": \"big\","
    " \"desiredCount\": 2, %s, \"workload\": {" CONSTANT_20 ","
    " \"service_time\": \"50ms\"}}]}", asgs, cpu, memory, launch);
}

#define ASG(name, type)                                                     \
  "{\"name\": \"" name "\", \"instance_type\": \"" type "\", \"min\": 0, "  \
  "\"max\": 10, \"managedScaling\": {\"status\": \"ENABLED\"}}"

Test(pitfalls, task_larger_than_its_instance_type_is_refused)
{
  /* It validated "ok", then failed every request while managed scaling
   * bought ten idle instances. */
  g_autofree char *text = ec2_scenario(
    4096, 16384, ASG("m6i-asg", "m6i.large"),
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"m6i-asg\", "
    "\"weight\": 1}]");
  assert_refused(text, "t.json: /services/0/capacityProviderStrategy/0: a "
                       "task of big:1 needs 4096 CPU units and 16384 MiB, "
                       "but m6i.large (m6i-asg) registers 2048 CPU units "
                       "and 7987 MiB: it can never be placed (use a larger "
                       "instance type or a smaller task)");
}

Test(pitfalls, task_over_registered_memory_is_refused)
{
  /* 8192 MiB is the m6i.large's advertised memory; ECS registers less. */
  g_autofree char *text = ec2_scenario(
    1024, 8192, ASG("m6i-asg", "m6i.large"),
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"m6i-asg\", "
    "\"weight\": 1}]");
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg);
  cr_assert_not_null(strstr(msg, "needs 1024 CPU units and 8192 MiB, but "
                                 "m6i.large (m6i-asg) registers 2048 CPU "
                                 "units and 7987 MiB"), "%s", msg);
}

Test(pitfalls, every_provider_that_gets_tasks_must_hold_one)
{
  /* Tasks are shared out by weight before placement: half of them would
   * wait forever on the small group. */
  g_autofree char *text = ec2_scenario(
    4096, 12000, ASG("small", "m6i.large") ", " ASG("large", "m6i.xlarge"),
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"large\", "
    "\"weight\": 1}, {\"capacityProvider\": \"small\", \"weight\": 1}]");
  assert_refused(text, "t.json: /services/0/capacityProviderStrategy/1: a "
                       "task of big:1 needs 4096 CPU units and 12000 MiB, "
                       "but m6i.large (small) registers 2048 CPU units and "
                       "7987 MiB: it can never be placed (use a larger "
                       "instance type or a smaller task)");
  /* A provider of weight 0 and no base gets no task. */
  g_autofree char *ok = ec2_scenario(
    4096, 12000, ASG("small", "m6i.large") ", " ASG("large", "m6i.xlarge"),
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"large\", "
    "\"weight\": 1}, {\"capacityProvider\": \"small\", \"weight\": 0}]");
  GError *error = NULL;
  g_autoptr(ScenarioConfig) cfg = test_configure(ok, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
}

Test(pitfalls, ec2_launch_type_needs_one_group_that_holds_the_task)
{
  g_autofree char *none = ec2_scenario(
    4096, 16384, ASG("a", "m6i.large") ", " ASG("b", "c5.large"),
    "\"launchType\": \"EC2\"");
  assert_refused(none, "t.json: /services/0/taskDefinition: a task of "
                       "big:1 needs 4096 CPU units and 16384 MiB, but "
                       "m6i.large (a) registers 2048 CPU units and 7987 MiB "
                       "and c5.large (b) registers 2048 CPU units and 3993 "
                       "MiB: it can never be placed (use a larger instance "
                       "type or a smaller task)");
  /* Any group's instances will do for the EC2 launch type. */
  g_autofree char *one = ec2_scenario(
    4096, 12000, ASG("a", "m6i.large") ", " ASG("b", "m6i.xlarge"),
    "\"launchType\": \"EC2\"");
  GError *error = NULL;
  g_autoptr(ScenarioConfig) cfg = test_configure(one, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
}

Test(pitfalls, validate_reports_a_task_that_fits_nowhere)
{
  g_autofree char *text = ec2_scenario(
    4096, 16384, ASG("m6i-asg", "m6i.large"),
    "\"capacityProviderStrategy\": [{\"capacityProvider\": \"m6i-asg\", "
    "\"weight\": 1}]");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(run_with_stdin(NULL, text, "validate -", &out, &err), 2);
  cr_assert_str_eq(out, "");
  cr_assert(g_str_has_prefix(err, "<stdin>: /services/0/"
                                  "capacityProviderStrategy/0: a task of "
                                  "big:1 needs 4096 CPU units"), "%s", err);
}

/* ---- 3. a trace that ends before the run ----------------------------- */

/* Writes @body to @name in a new temporary directory *@dir; returns the
 * file's path. */
static char *
trace_file(char **dir, const char *name, const char *body)
{
  *dir = test_tmpdir();
  char *path = g_build_filename(*dir, name, NULL);
  cr_assert(g_file_set_contents(path, body, -1, NULL));
  return path;
}

/* The scenario of one service whose traffic is @traffic, for @duration. */
static char *
traffic_scenario(const char *duration, const char *traffic)
{
  g_autofree char *workload = g_strdup_printf(
    "\"traffic\": %s, \"service_time\": \"20ms\"", traffic);
  g_autofree char *text = scenario(workload, "");
  char *dur = strstr(text, "\"10m\"");
  return g_strdup_printf("%.*s\"%s\"%s", (int) (dur - text), text, duration,
                         dur + 5);
}

/* 10 minutes of rows: 5 rps from 0, 8 rps from 5m; lasts 10m. */
#define TEN_MINUTES "time,rps\n0,5\n300,8\n"

Test(pitfalls, csv_trace_shorter_than_the_run_is_refused)
{
  /* Traffic silently became zero after the trace ended. */
  g_autofree char *dir = NULL;
  g_autofree char *path = trace_file(&dir, "t.csv", TEN_MINUTES);
  g_autofree char *traffic = g_strdup_printf("{\"trace\": \"%s\"}", path);
  g_autofree char *text = traffic_scenario("1h", traffic);
  g_autofree char *msg = test_configure_error(text);
  test_rmrf(dir);
  g_autofree char *want = g_strdup_printf(
    "t.json: /services/0/workload/traffic/trace: %s lasts 10m but the run "
    "lasts 1h: say what follows with \"after_end\": \"repeat\" (from its "
    "start), \"hold\" (its last rate) or \"zero\"", path);
  cr_assert_str_eq(msg, want);
}

Test(pitfalls, a_shift_that_ends_a_trace_early_is_named)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = trace_file(&dir, "t.csv", TEN_MINUTES);
  g_autofree char *traffic = g_strdup_printf(
    "{\"trace\": \"%s\", \"shift\": \"-2m\"}", path);
  g_autofree char *text = traffic_scenario("10m", traffic);
  g_autofree char *msg = test_configure_error(text);
  test_rmrf(dir);
  cr_assert_not_null(strstr(msg, "lasts 10m (ending at 8m with its shift) "
                                 "but the run lasts 10m"), "%s", msg);
}

/* The rate the configured scenario @text asks for at @t. */
static double
rate_at(const char *text, SimTime t)
{
  GError *error = NULL;
  g_autoptr(ScenarioConfig) cfg = test_configure(text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  const ServiceConfig *svc = cfg->services->pdata[0];
  return traffic_config_rate_at(svc->workload.traffic, t, 0);
}

Test(pitfalls, after_end_repeat_hold_and_zero)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = trace_file(&dir, "t.csv", TEN_MINUTES);
  const char *kinds[] = { "repeat", "hold", "zero" };
  /* At 12m: repeat is 2m into the trace (5), hold keeps 8, zero is 0. */
  const double want[] = { 5, 8, 0 };
  for (int i = 0; i < 3; i++) {
    g_autofree char *traffic = g_strdup_printf(
      "{\"trace\": \"%s\", \"after_end\": \"%s\"}", path, kinds[i]);
    g_autofree char *text = traffic_scenario("1h", traffic);
    cr_assert_float_eq(rate_at(text, 12 * SIM_MIN), want[i], 1e-9, "%s",
                       kinds[i]);
    cr_assert_float_eq(rate_at(text, 4 * SIM_MIN), 5, 1e-9, "%s", kinds[i]);
  }
  /* "loop": true is the older spelling of "repeat"; not both. */
  g_autofree char *both = g_strdup_printf(
    "{\"trace\": \"%s\", \"loop\": true, \"after_end\": \"hold\"}", path);
  g_autofree char *text = traffic_scenario("1h", both);
  g_autofree char *msg = test_configure_error(text);
  test_rmrf(dir);
  cr_assert_str_eq(msg, "t.json: /services/0/workload/traffic/loop: give "
                        "\"after_end\" alone (\"loop\": true is "
                        "\"after_end\": \"repeat\")");
}

Test(pitfalls, counts_file_shorter_than_the_run_is_refused)
{
  g_autofree char *dir = NULL;
  g_autofree char *path = trace_file(&dir, "c.txt", "5 5 5 5 5 5\n");
  g_autofree char *traffic = g_strdup_printf(
    "{\"trace\": \"%s\", \"format\": \"counts\", \"interval\": \"1m\"}",
    path);
  g_autofree char *text = traffic_scenario("10m", traffic);
  g_autofree char *msg = test_configure_error(text);
  test_rmrf(dir);
  cr_assert_not_null(strstr(msg, "c.txt lasts 6m but the run lasts 10m: "
                                 "say what follows"), "%s", msg);
}

Test(pitfalls, request_log_shorter_than_the_run)
{
  g_autofree char *dir = NULL;
  /* One request a second, 0..9 s: the log covers 10 s. */
  g_autofree char *path = trace_file(&dir, "r.log",
                                     "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
  g_autofree char *short_log = g_strdup_printf("{\"log\": \"%s\"}", path);
  g_autofree char *text = traffic_scenario("1m", short_log);
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(strstr(msg, "r.log lasts 10s but the run lasts 1m: "
                                 "say what follows"), "%s", msg);

  g_autofree char *hold = g_strdup_printf(
    "{\"log\": \"%s\", \"after_end\": \"hold\"}", path);
  g_autofree char *hold_text = traffic_scenario("1m", hold);
  g_autofree char *hold_msg = test_configure_error(hold_text);
  cr_assert_str_eq(hold_msg, "t.json: /services/0/workload/traffic/"
                             "after_end: \"hold\" is for rate traces: a "
                             "request log has no rate to hold; use "
                             "\"repeat\" or \"zero\"");

  /* Repeated, the log gives its 10 requests every 10 s: 60 in a minute. */
  g_autofree char *repeat = g_strdup_printf(
    "{\"log\": \"%s\", \"after_end\": \"repeat\"}", path);
  g_autofree char *rep_text = traffic_scenario("1m", repeat);
  GError *error = NULL;
  g_autoptr(ScenarioConfig) cfg = test_configure(rep_text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  const TrafficConfig *tc =
    ((const ServiceConfig *) cfg->services->pdata[0])->workload.traffic;
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  TrafficSource *src = traffic_source_new(tc, rng, NULL, 0, 1.0);
  int n = 0;
  SimTime last = 0;
  for (SimTime t = traffic_source_next(src); t < SIM_MIN;
       t = traffic_source_next(src), n++)
    last = t;
  traffic_source_free(src);
  gsl_rng_free(rng);
  test_rmrf(dir);
  cr_assert_eq(n, 60);
  cr_assert_eq(last, 59 * SIM_SEC);
  cr_assert_float_eq(traffic_config_mean_rate(tc, SIM_MIN, 0), 1.0, 1e-9);
}

Test(pitfalls, a_log_start_too_far_from_zero_is_refused)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *log = g_build_filename(dir, "r.log", NULL);
  cr_assert(g_file_set_contents(log, "1.5\n2.5\n3.5\n", -1, NULL));
  g_autofree char *json = g_strdup_printf(
    "{\"duration\": \"10m\", \"taskDefinitions\": [{\"family\": \"web\", "
    "\"cpu\": \"512\", \"memory\": \"1024\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
    "[{\"name\": \"app\", \"image\": \"x\"}]}], \"services\": [{"
    "\"serviceName\": \"web\", \"taskDefinition\": \"web\", \"launchType\": "
    "\"FARGATE\", \"desiredCount\": 1, \"workload\": {\"traffic\": {\"log\": "
    "\"%s\", \"format\": \"timestamps\", \"start\": -9e15, \"after_end\": "
    "\"zero\"}, \"service_time\": \"20ms\"}}]}", log);
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_assert_str_eq(msg, "t.json: /services/0/workload/traffic/start: must "
                        "be within 4e12 seconds of 0, got -9e+15");
  test_rmrf(dir);
}

/* ---- a cluster's default strategy takes ECS's shape ------------------ */

/* An EC2 service placed by the cluster's defaultCapacityProviderStrategy
 * @strategy (JSON array). */
static char *
default_strategy_scenario(const char *strategy)
{
  return g_strdup_printf(
    "{\"duration\": \"10m\", \"cluster\": {\"auto_scaling_groups\": ["
    ASG("a", "m6i.large") ", " ASG("b", "m6i.large") "],"
    " \"defaultCapacityProviderStrategy\": %s},"
    " \"taskDefinitions\": [{\"family\": \"web\", \"cpu\": \"512\","
    " \"memory\": \"1024\", \"requiresCompatibilities\": [\"EC2\"],"
    " \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    " \"desiredCount\": 2, \"workload\": {" CONSTANT_20 ","
    " \"service_time\": \"50ms\"}}]}", strategy);
}

Test(pitfalls, default_strategy_items_need_only_a_provider)
{
  /* ECS's API makes weight and base optional (default 0); ecsim required
   * both in the cluster's default strategy, but not in a service's. */
  g_autofree char *text = default_strategy_scenario(
    "[{\"capacityProvider\": \"a\", \"weight\": 1}]");
  g_autoptr(GError) error = NULL;
  ScenarioConfig *cfg = test_configure(text, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  scenario_config_free(cfg);
}

Test(pitfalls, default_strategy_with_two_bases_is_refused)
{
  g_autofree char *text = default_strategy_scenario(
    "[{\"capacityProvider\": \"a\", \"base\": 1, \"weight\": 1},"
    " {\"capacityProvider\": \"b\", \"base\": 2, \"weight\": 1}]");
  assert_refused(text, "t.json: /cluster/defaultCapacityProviderStrategy/1/"
                       "base: only one capacity provider in a strategy can "
                       "have a base defined (item 0 has one already)");
}
