/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * --request-seed and "request_seed" as a user meets them: "how much of
 * this result is request noise?" needs a second run whose requests differ
 * and whose control plane does not. Given the seed itself it changes
 * nothing; another one moves the request figures and leaves a control
 * plane that does not depend on requests where it was; a bad value is
 * named. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <string.h>

#include "models/input/jsonfile.h"
#include "scenarios/cli.h"
#include "support.h"
#include "web-service.h"

/* Three Fargate tasks at a fixed desiredCount (no autoscaling: the
 * control plane does not read the requests), 120 requests/s of lognormal
 * 40 ms, for 10 minutes. Tasks crash now and then (crash_mttf) and their
 * replacements take Fargate's random provisioning time, so the
 * control plane's figures depend on the seed. */
#define SCENARIO_AFTER_SEED                                                 \
  " \"duration\": \"10m\","                                                 \
  WEB_SERVICE_OF(3)                                                         \
  "   \"workload\": {\"traffic\": {\"generator\": \"constant\","             \
  "     \"rps\": 120},"                                                     \
  "     \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"40ms\","    \
  "       \"cv\": 1.0},"                                                    \
  "     \"concurrency_per_vcpu\": 8},"                                      \
  "   \"failure_model\": {\"crash_mttf\": \"5m\"}}],"                         \
  " \"slo\": {\"p99\": \"250ms\"}}"

static const char *scenario = "{\"seed\": 3," SCENARIO_AFTER_SEED;

/* Writes @text to DIR/s.json and runs it into DIR/@out with the extra
 * arguments @a and @b (NULL: none); returns the variant's folder
 * (owned). */
static char *
run_into(const char *dir, const char *text, const char *out, const char *a,
         const char *b)
{
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  g_autofree char *err = NULL;
  int status = cli_run(dir, NULL, &err, "run", "-q", "s.json", "-o", out,
                       a, b, NULL);
  cr_assert_eq(status, 0, "ecsim run %s %s: exit %d: %s", a ? a : "",
               b ? b : "", status, err);
  return g_build_filename(dir, out, "base", NULL);
}

static cJSON *
summary_of(const char *variant_dir)
{
  g_autofree char *text = test_read_file(variant_dir, "summary.json");
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root);
  return root;
}

/* The number at @root.@a.@b (@b NULL: @root.@a). */
static double
at(const cJSON *root, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(root, a);
  return cJSON_GetNumberValue(b ? cJSON_GetObjectItemCaseSensitive(n, b) : n);
}

static gboolean
has(const cJSON *root, const char *a, const char *b)
{
  return cJSON_HasObjectItem(cJSON_GetObjectItemCaseSensitive(root, a), b);
}

/* @root as text without scenario.request_seed (owned). */
static char *
print_without_request_seed(cJSON *root)
{
  cJSON_DeleteItemFromObjectCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(root, "scenario"), "request_seed");
  return cJSON_Print(root);
}

Test(pitfalls_request_seed, the_seed_itself_changes_nothing)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *plain = run_into(dir, scenario, "plain", NULL, NULL);
  g_autofree char *same = run_into(dir, scenario, "same", "--request-seed",
                                   "3");
  g_autoptr(cJSON) s1 = summary_of(plain);
  g_autoptr(cJSON) s2 = summary_of(same);
  /* Recorded only when given. */
  cr_assert_not(has(s1, "scenario", "request_seed"));
  cr_assert_eq(at(s2, "scenario", "request_seed"), 3);
  g_autofree char *t1 = print_without_request_seed(s1);
  g_autofree char *t2 = print_without_request_seed(s2);
  cr_assert_str_eq(t1, t2);
  const char *files[] = { "timeseries.csv", "tasks.csv", "events.jsonl" };
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *a = test_read_file(plain, files[i]);
    g_autofree char *b = test_read_file(same, files[i]);
    cr_assert_str_eq(a, b, "%s differs", files[i]);
  }
  test_rmrf(dir);
}

Test(pitfalls_request_seed, another_moves_the_requests_not_the_control_plane)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *plain = run_into(dir, scenario, "plain", NULL, NULL);
  g_autofree char *other = run_into(dir, scenario, "other", "--request-seed",
                                    "4");
  g_autofree char *seed4 = run_into(dir, scenario, "seed4", "--seed", "4");
  g_autoptr(cJSON) s1 = summary_of(plain);
  g_autoptr(cJSON) s2 = summary_of(other);
  g_autoptr(cJSON) s3 = summary_of(seed4);
  cr_assert_eq(at(s2, "scenario", "seed"), 3);
  cr_assert_eq(at(s2, "scenario", "request_seed"), 4);
  /* Other requests: another arrival count, another p99. */
  cr_assert_neq(at(s2, "requests", "arrivals"), at(s1, "requests",
                                                      "arrivals"));
  cr_assert_neq(at(s2, "latency", "p99_ms"), at(s1, "latency", "p99_ms"));
  /* The same control plane: every task's life and the bill, to the byte,
   * where another --seed moves them (Fargate's provisioning times). */
  g_autofree char *tasks1 = test_read_file(plain, "tasks.csv");
  g_autofree char *tasks2 = test_read_file(other, "tasks.csv");
  g_autofree char *tasks3 = test_read_file(seed4, "tasks.csv");
  cr_assert_str_eq(tasks1, tasks2);
  cr_assert_str_neq(tasks1, tasks3);
  cr_assert_eq(at(s2, "capacity", "task_hours"),
               at(s1, "capacity", "task_hours"));
  cr_assert_neq(at(s3, "capacity", "task_hours"),
                at(s1, "capacity", "task_hours"));
  /* The compute bill (the load balancer's counts requests). */
  const cJSON *items1 = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(s1, "cost"), "items");
  const cJSON *items2 = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(s2, "cost"), "items");
  cr_assert_gt(at(items1, "compute", NULL), 0);
  cr_assert_eq(at(items2, "compute", NULL), at(items1, "compute", NULL));
  test_rmrf(dir);
}

/* A bursty generator's bursts are the scenario's load shape, not request
 * noise: the aggregate fidelity, whose requests are flows drawn from no
 * request stream, gives the same bytes with another request seed (and
 * other ones with another seed: other bursts, other crashes). */
Test(pitfalls_request_seed, bursts_are_the_load_shape)
{
  static const char *bursty =
    "/services/0/workload/traffic={\"generator\": \"bursty\", "
    "\"on_rps\": 200, \"off_rps\": 60, \"mean_on\": \"1m\", "
    "\"mean_off\": \"2m\"}";
  g_autofree char *dir = test_tmpdir();
  g_autofree char *s = g_strdup_printf("{\"fidelity\": \"aggregate\", %s",
                                       scenario + 1);
  g_autofree char *plain = run_into(dir, s, "plain", "--set", bursty);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "run", "-q", "s.json", "-o", "other",
                       "--set", bursty, "--request-seed", "4", NULL), 0,
               "%s", err);
  cr_assert_eq(cli_run(dir, NULL, &err, "run", "-q", "s.json", "-o", "seed4",
                       "--set", bursty, "--seed", "4", NULL), 0, "%s", err);
  g_autofree char *other = g_build_filename(dir, "other", "base", NULL);
  g_autofree char *seed4 = g_build_filename(dir, "seed4", "base", NULL);
  g_autofree char *a = test_read_file(plain, "timeseries.csv");
  g_autofree char *b = test_read_file(other, "timeseries.csv");
  g_autofree char *c = test_read_file(seed4, "timeseries.csv");
  cr_assert_str_eq(a, b);
  cr_assert_str_neq(a, c);
  test_rmrf(dir);
}

/* The scenario field does what the option does, and the option wins. */
Test(pitfalls_request_seed, the_field_is_the_option)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *option = run_into(dir, scenario, "option",
                                     "--request-seed", "4");
  g_autofree char *override = run_into(dir, scenario, "override",
                                       "--set", "/request_seed=4");
  g_autofree char *with_field = g_strdup_printf(
    "{\"seed\": 3, \"request_seed\": 4,%s", SCENARIO_AFTER_SEED);
  g_autofree char *field = run_into(dir, with_field, "field", NULL, NULL);
  g_autofree char *wins = run_into(dir, with_field, "wins", "--request-seed",
                                   "5");
  g_autofree char *a = test_read_file(option, "summary.json");
  g_autofree char *b = test_read_file(override, "summary.json");
  g_autofree char *c = test_read_file(field, "summary.json");
  cr_assert_str_eq(a, b);
  cr_assert_str_eq(a, c);
  g_autoptr(cJSON) s = summary_of(wins);
  cr_assert_eq(at(s, "scenario", "request_seed"), 5);
  test_rmrf(dir);
}

/* Another request seed is another run: its folder is not silently mixed
 * with the first's, and the message says which request seed each had. */
Test(pitfalls_request_seed, another_request_seed_is_another_run)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *plain = run_into(dir, scenario, "out", NULL, NULL);
  g_autofree char *err = NULL;
  int status = cli_run(dir, NULL, &err, "run", "-q", "s.json", "-o", "out",
                       "--request-seed", "4", NULL);
  cr_assert_eq(status, 2, "%s", err);
  cr_assert(strstr(err, "holds outputs of scenario s (10m, seed 3), not of "
                        "this run of scenario s (10m, seed 3, request seed "
                        "4)"), "%s", err);
  test_rmrf(dir);
}

/* A sweep over seeds with the field set would give every seed the same
 * requests and confidence intervals that leave their noise out: refused
 * before it runs. One seed is one run, as `ecsim run`. */
Test(pitfalls_request_seed, a_sweep_over_seeds_refuses_it)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  g_autofree char *text = g_strdup_printf(
    "{\"seed\": 3, \"request_seed\": 4,%s", SCENARIO_AFTER_SEED);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(dir, &out, &err, "sweep", "s.json", "-q", "--seeds",
                       "3", "-o", "sw", NULL);
  cr_assert_eq(status, 2, "%s", err);
  cr_assert(strstr(err, "s.json: /request_seed: the sweep's 3 seeds would "
                        "all draw the same requests"), "%s", err);
  status = cli_run(dir, &out, &err, "sweep", "s.json", "-q", "--seeds", "1",
                   "-o", "one", NULL);
  cr_assert_eq(status, 0, "%s", err);
  test_rmrf(dir);
}

static void
assert_refused(const char *value, const char *message)
{
  g_autofree char *text = g_strdup_printf(
    "{\"seed\": 3, \"request_seed\": %s,%s", value, SCENARIO_AFTER_SEED);
  g_autofree char *msg = test_configure_error(text);
  cr_assert_not_null(msg, "accepted: %s", value);
  cr_assert(strstr(msg, message), "%s", msg);
}

Test(pitfalls_request_seed, a_bad_field_is_named)
{
  assert_refused("-1", ": /request_seed: must be >= 0, got -1");
  assert_refused("1.5", ": /request_seed: must be an integer");
  assert_refused("\"7\"", ": /request_seed: ");
  /* From the command line, with exit status 2 and the file named. */
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "s.json", NULL);
  g_autofree char *text = g_strdup_printf(
    "{\"seed\": 3, \"request_seed\": -1,%s", SCENARIO_AFTER_SEED);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  g_autofree char *err = NULL;
  int status = cli_run(dir, NULL, &err, "run", "-q", "s.json", "-o", "out",
                       NULL);
  cr_assert_eq(status, 2, "%s", err);
  cr_assert(strstr(err, "s.json: /request_seed: must be >= 0, got -1"), "%s",
            err);
  test_rmrf(dir);
}

Test(pitfalls_request_seed, a_bad_option_is_named)
{
  const char *bad[] = { "-1", "x", "1.5", "", "9007199254740992" };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autofree char *out = NULL, *err = NULL;
    int status = cli_run(NULL, &out, &err, "run",
                         "scenarios/bad-deploy-rollback.json",
                         "--request-seed", bad[i], "-o", "/nonexistent/x",
                         NULL);
    cr_assert_eq(status, 2, "--request-seed '%s': exit %d", bad[i], status);
    g_autofree char *want = g_strdup_printf(
      "--request-seed must be an integer from 0 to 9007199254740991, got "
      "'%s'", bad[i]);
    cr_assert(strstr(err, want), "%s", err);
  }
}
