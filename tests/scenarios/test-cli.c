/* The `ecsim` command: usage, exit statuses, messages, interruption. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "cli.h"
#include "support.h"

Test(cli, help_of_every_command)
{
  const char *commands[] = { "run", "validate", "compare", "diff", "plot",
                             "trace", "version" };
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
    g_autofree char *out = NULL;
    cr_assert_eq(cli_run(NULL, &out, NULL, commands[i], "--help", NULL), 0,
                 "%s --help", commands[i]);
    cr_assert(strstr(out, "Usage:") != NULL, "%s", out);
  }
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "--help", NULL), 0);
  cr_assert(strstr(out, "Commands:") != NULL);
}

Test(cli, usage_errors_exit_2)
{
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "frobnicate", NULL), 2);
  cr_assert(strstr(err, "unknown command 'frobnicate'") != NULL, "%s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", "--bogus", "x.json", NULL),
               2);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", NULL), 2);
  cr_assert(strstr(err, "run needs one SCENARIO") != NULL, "%s", err);
}

Test(cli, validate_a_broken_file_prints_one_precise_line_and_exits_2)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *path = g_build_filename(tmp, "web.json", NULL);
  g_file_set_contents(path,
                      "{\"duration\": \"1h\",\n \"taskDefinitions\": [],\n"
                      " \"services\": [{\"serviceName\": \"web\",\n"
                      "   \"desiredCount\": -3,}]}\n", -1, NULL);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(tmp, &out, &err, "validate", "web.json", NULL), 2);
  cr_assert_str_eq(err, "web.json:4:23: syntax error near '}]}'\n");
  cr_assert_str_eq(out, "");
  g_file_set_contents(path,
                      "{\"duration\": \"1h\", \"taskDefinitions\": [{"
                      "\"family\": \"w\", \"containerDefinitions\": [{"
                      "\"name\": \"a\", \"image\": \"x\", \"memory\": 64}]}],"
                      " \"services\": [{\"serviceName\": \"web\", "
                      "\"taskDefinition\": \"w\", \"desiredCount\": -3}]}",
                      -1, NULL);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(tmp, NULL, &err, "validate", "web.json", NULL), 2);
  cr_assert_str_eq(err, "web.json: /services/0/desiredCount: must be >= 0, "
                        "got -3\n");
  test_rmrf(tmp);
}

Test(cli, run_on_bad_input_exits_2_and_writes_nothing)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out_dir = g_build_filename(tmp, "out", NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", "nope.json", "-o", out_dir,
                       NULL), 2);
  cr_assert_str_eq(err, "nope.json: cannot read: no such file\n");
  cr_assert_not(g_file_test(out_dir, G_FILE_TEST_EXISTS));
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "run",
                       "scenarios/bad-deploy-rollback.json", "-o", out_dir,
                       "--set", "/services/0/desiredCount=many", NULL), 2);
  cr_assert(strstr(err, "/services/0/desiredCount: must be an integer") !=
              NULL, "%s", err);
  cr_assert_not(g_file_test(out_dir, G_FILE_TEST_EXISTS));
  test_rmrf(tmp);
}

Test(cli, validate_recognises_aws_shapes)
{
  const char *shared = test_shared_dir();
  if (shared == NULL)
    cr_skip_test("../shared is absent");
  g_autofree char *td = g_build_filename(
    shared, "realworld", "aws-task-definitions", "nginx_nginx_fargate.json",
    NULL);
  g_autofree char *svc = g_build_filename(
    shared, "realworld", "aws-cli-outputs",
    "describe-services-wordpress.json", NULL);
  g_autofree char *tg = g_build_filename(
    shared, "realworld", "aws-cli-outputs",
    "describe-target-groups-wordpress.json", NULL);
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, NULL, "validate", td, svc, tg, NULL), 0);
  cr_assert(strstr(out, "ok (task definition nginx:1") != NULL, "%s", out);
  cr_assert(strstr(out, "ok (service wordpress-service") != NULL, "%s", out);
  cr_assert(strstr(out, "ok (target group wordpress-tg)") != NULL, "%s",
            out);
  g_autofree char *bad = g_build_filename(
    shared, "realworld", "aws-task-definitions", "kibana_kibana_ec2.json",
    NULL);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "validate", bad, NULL), 2);
  cr_assert(strstr(err, "host ports and container ports in port mappings "
                        "must match") != NULL, "%s", err);
}

Test(cli, ctrl_c_stops_the_run_and_writes_no_output, .timeout = 120)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out_dir = g_build_filename(tmp, "out", NULL);
  char *argv[] = { (char *) cli_binary(), "run", "scenarios/nasa-1995.json",
                   "-q", "-o", out_dir, NULL };
  GPid pid;
  gint err_fd;
  cr_assert(g_spawn_async_with_pipes(test_source_root(), argv, NULL,
                                     G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                     &pid, NULL, NULL, &err_fd, NULL));
  g_usleep(G_USEC_PER_SEC);
  kill(pid, SIGINT);
  int status;
  waitpid(pid, &status, 0);
  char buf[512] = "";
  ssize_t n = read(err_fd, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = '\0';
  close(err_fd);
  cr_assert(WIFEXITED(status));
  cr_assert_eq(WEXITSTATUS(status), 1, "%s", buf);
  cr_assert(strstr(buf, "ecsim: interrupted at ") != NULL, "%s", buf);
  cr_assert(strstr(buf, "no output written") != NULL, "%s", buf);
  g_autofree char *summary = g_build_filename(out_dir, "base",
                                              "summary.json", NULL);
  cr_assert_not(g_file_test(summary, G_FILE_TEST_EXISTS));
  test_rmrf(tmp);
}

Test(cli, a_seed_past_what_json_holds_exactly_is_refused)
{
  /* summary.json records the seed as a JSON number: past 2^53 - 1 two
   * seeds would be written alike and `ecsim diff` could not tell them
   * apart. */
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "run", "tests/data/sweep-tiny.json",
                       "--seed", "9007199254740992", NULL), 2);
  cr_assert(strstr(err, "--seed must be an integer from 0 to "
                        "9007199254740991, got '9007199254740992'") != NULL,
            "%s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "sweep", "tests/data/sweep-tiny.json",
                       "--seed", "9007199254740991", "--seeds", "2", "-q",
                       NULL), 2);
  cr_assert(strstr(err, "seeds 9007199254740991 to 9007199254740992 go "
                        "past the largest seed, 9007199254740991") != NULL,
            "%s", err);
}

Test(cli, a_variant_named_twice_runs_once)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "run", "tests/data/sweep-tiny.json",
                       "--variant", "spot", "--variant", "spot", "-o", tmp,
                       NULL), 0, "%s", err);
  const char *first = strstr(out, "(variant spot,");
  cr_assert_not_null(first, "%s", out);
  cr_assert_null(strstr(first + 1, "(variant spot,"), "ran twice: %s", out);
  test_rmrf(tmp);
}
