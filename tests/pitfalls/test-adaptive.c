/* Pitfalls of `ecsim sweep --adaptive`: the options it needs, the answer
 * it must share with the full sweep, and the warning when its budget runs
 * out before the answer is shown. See tests/pitfalls/meson.build. */
#include <cjson/cJSON.h>
#include <criterion/criterion.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>

#include "models/input/jsonfile.h"

#include "scenarios/cli.h"
#include "support.h"

/* README's example sweep, cheap: 5 target values x 2 variants x 15
 * seeds (150 runs of 20 minutes at a tenth of the traffic). */
#define SWEEP "tests/data/sweep-adaptive.json"
#define TINY "tests/data/sweep-tiny.json"
#define GRID "/services/0/scaling/policies/0/" \
             "TargetTrackingScalingPolicyConfiguration/TargetValue=40:60:20"

static cJSON *
sweep_json(const char *dir)
{
  g_autofree char *text = test_read_file(dir, "sweep.json");
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root, "%s", text);
  return root;
}

static double
number_at(const cJSON *root, const char *member, const char *field)
{
  const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, member);
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, field);
  cr_assert(cJSON_IsNumber(n), "%s.%s", member, field);
  return n->valuedouble;
}

static const char *
string_at(const cJSON *root, const char *member, const char *field)
{
  const cJSON *o = cJSON_GetObjectItemCaseSensitive(root, member);
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, field);
  cr_assert(cJSON_IsString(s), "%s.%s", member, field);
  return s->valuestring;
}

/* ---- the answer ------------------------------------------------------ */

/* The target: the full sweep's --best point, with at least 3x
 * fewer runs, and said to be shown at 95%. */
Test(pitfalls_adaptive, same_best_as_the_full_sweep_with_a_third_of_the_runs)
{
  g_autofree char *full = test_tmpdir(), *fast = test_tmpdir();
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(NULL, &out, &err, "sweep", SWEEP, "-q", "-j2", "-o",
                       full, NULL);
  cr_assert_eq(status, 0, "%s", err);
  status = cli_run(NULL, &out, &err, "sweep", SWEEP, "-q", "-j2",
                   "--adaptive", "-o", fast, NULL);
  cr_assert_eq(status, 0, "%s", err);
  g_autoptr(cJSON) a = sweep_json(full), b = sweep_json(fast);
  cr_assert(cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(a, "adaptive")));
  cr_assert_eq(number_at(a, "best", "point_id"),
               number_at(b, "best", "point_id"));
  cr_assert_str_eq(string_at(a, "best", "variant"),
                   string_at(b, "best", "variant"));
  double runs = number_at(b, "adaptive", "runs");
  cr_assert_eq(number_at(b, "adaptive", "runs_full"), 150);
  cr_assert(runs * 3 <= 150, "%g runs against the full sweep's 150", runs);
  cr_assert_str_eq(string_at(b, "adaptive", "outcome"), "shown");
  cr_assert(strstr(out, "\nAdaptive   ") && strstr(out, "of the full "
                   "sweep's 150") && strstr(out, "the winner is shown at "
                   "95%"), "%s", out);
  cr_assert(strstr(err, "warning") == NULL, "%s", err);
  test_rmrf(full);
  test_rmrf(fast);
}

/* Decisions are made between rounds, so -j changes nothing: the same
 * runs (seeds shared with the full sweep) and byte-identical files. */
Test(pitfalls_adaptive, the_same_runs_whatever_jobs)
{
  g_autofree char *one = test_tmpdir(), *two = test_tmpdir();
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", SWEEP, "-q", "-j1",
                       "--adaptive", "-o", one, NULL), 0, "%s", err);
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", SWEEP, "-q", "-j2",
                       "--adaptive", "-o", two, NULL), 0, "%s", err);
  static const char *const files[] = { "sweep.csv", "sweep.json" };
  for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *x = test_read_file(one, files[i]);
    g_autofree char *y = test_read_file(two, files[i]);
    cr_assert_str_eq(x, y, "%s differs between -j1 and -j2", files[i]);
  }
  test_rmrf(one);
  test_rmrf(two);
}

/* A budget that runs out before the winner is shown gives the best so
 * far with a warning, never a confident answer. */
Test(pitfalls_adaptive, a_spent_budget_is_a_warning_not_an_answer)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(NULL, &out, &err, "sweep", SWEEP, "-q", "-j2",
                       "--adaptive", "--budget", "31", "-o", dir, NULL);
  cr_assert_eq(status, 0, "%s", err);
  g_autoptr(cJSON) j = sweep_json(dir);
  cr_assert_str_eq(string_at(j, "adaptive", "outcome"), "budget_spent");
  cr_assert_eq(number_at(j, "adaptive", "runs"), 31);
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(j, "adaptive");
  cr_assert(cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(a,
                                                           "winner_shown")));
  cr_assert(strstr(err, "ecsim: warning: --adaptive: the run budget ran out "
                   "before the winner was shown at 95%"), "%s", err);
  cr_assert(strstr(out, "NOT shown at 95%: the budget of 31 runs ran out"),
            "%s", out);
  test_rmrf(dir);
}

/* ---- mistakes: one message, exit 2, before anything runs ------------- */

static void
assert_refused(const char *want, ...)
{
  g_autofree char *dir = test_tmpdir();
  g_autoptr(GStrvBuilder) b = g_strv_builder_new();
  g_strv_builder_add_many(b, cli_binary(), "sweep", TINY, "--variant",
                          "fargate", "--grid", GRID, "-q", "-o", dir, NULL);
  va_list ap;
  va_start(ap, want);
  for (const char *a; (a = va_arg(ap, const char *)) != NULL;)
    g_strv_builder_add(b, a);
  va_end(ap);
  g_auto(GStrv) argv = g_strv_builder_end(b);
  g_autofree char *out = NULL, *err = NULL;
  int wait = 0;
  g_autoptr(GError) error = NULL;
  cr_assert(g_spawn_sync(test_source_root(), argv, NULL, G_SPAWN_DEFAULT,
                         NULL, NULL, &out, &err, &wait, &error), "%s",
            error ? error->message : "");
  cr_assert(WIFEXITED(wait) && WEXITSTATUS(wait) == 2, "status %d: %s",
            wait, err);
  cr_assert(g_str_has_prefix(err, want), "%s", err);
  cr_assert_eq(strchr(err, '\n'), err + strlen(err) - 1, "one line: %s",
               err);
  g_autofree char *db = g_build_filename(dir, "results.sqlite", NULL);
  cr_assert(!g_file_test(db, G_FILE_TEST_EXISTS), "refused before it ran");
  test_rmrf(dir);
}

Test(pitfalls_adaptive, adaptive_without_best_is_refused)
{
  assert_refused("--adaptive spends seeds where the --best decision is "
                 "still open, so it needs --best", "--seeds", "10",
                 "--adaptive", NULL);
}

Test(pitfalls_adaptive, budget_below_the_first_round_is_refused)
{
  assert_refused("--budget 5 is less than the first round of --adaptive: "
                 "2 grid points x 1 variant x 3 seeds (--adaptive-initial) "
                 "= 6 runs", "--seeds", "10", "--best", "p99<1s",
                 "--adaptive", "--budget", "5", NULL);
}

Test(pitfalls_adaptive, fewer_seeds_than_the_first_round_are_refused)
{
  assert_refused("--adaptive runs every point with 3 seeds first "
                 "(--adaptive-initial) and adds seeds up to --seeds, but "
                 "this sweep has 2", "--seeds", "2", "--best", "p99<1s",
                 "--adaptive", NULL);
}

Test(pitfalls_adaptive, one_initial_seed_is_refused)
{
  assert_refused("--adaptive-initial 1: a confidence interval needs at "
                 "least 2 seeds per point", "--seeds", "10", "--best",
                 "p99<1s", "--adaptive", "--adaptive-initial", "1", NULL);
}

Test(pitfalls_adaptive, budget_without_adaptive_is_refused)
{
  assert_refused("--budget only applies to an adaptive sweep: add "
                 "--adaptive", "--seeds", "10", "--best", "p99<1s",
                 "--budget", "50", NULL);
}
