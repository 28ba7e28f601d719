/* Pitfalls of the decision layer: `ecsim compare` and its break-even,
 * `ecsim sweep --best`, and the options and help of both. See
 * tests/pitfalls/meson.build. */
#include <criterion/criterion.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

#define TINY "tests/data/sweep-tiny.json"

/* ---- options and help ------------------------------------------------ */

/* GOption reads "-j1" as the flags j and 1 and took the next argument,
 * the scenario, as the number: "Cannot parse integer value ... for -j". */
Test(pitfalls_decision, compare_accepts_jobs_attached_to_j)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "compare", "-j1", "-q",
                       "--no-break-even", TINY, "-o", dir, NULL);
  cr_assert_eq(status, 0, "%s", err);
  g_autofree char *csv = test_read_file(dir, "compare.csv");
  cr_assert(strstr(csv, "metric,path,fargate,spot\n"), "%s", csv);
  test_rmrf(dir);
}

Test(pitfalls_decision, sweep_accepts_jobs_attached_to_j)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *err = NULL, *out = NULL;
  int status = cli_run(NULL, &out, &err, "sweep", "-j1", TINY, "--variant",
                       "fargate", "-o", dir, NULL);
  cr_assert_eq(status, 0, "%s", err);
  cr_assert(strstr(out, "= 1 run; 1 thread\n"), "%s", out);
  test_rmrf(dir);
}

Test(pitfalls_decision, attached_value_still_checked)
{
  g_autofree char *err = NULL;
  int status = cli_run(NULL, NULL, &err, "compare", "-jx", TINY, NULL);
  cr_assert_eq(status, 2);
  cr_assert(strstr(err, "--jobs") && strstr(err, "x"), "%s", err);
}

/* In the C locale GLib wrote '?' for what ASCII lacks: "0.125? to 8?",
 * "[OPTION?]". Help is ASCII in every locale. */
Test(pitfalls_decision, help_is_ascii_in_the_c_locale)
{
  static const char *const commands[] = { "run", "compare", "diff", "plot",
                                          "sweep", "validate", "trace",
                                          "version" };
  g_setenv("LANG", "C", TRUE);
  g_setenv("LC_ALL", "C", TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
    g_autofree char *out = NULL;
    cr_assert_eq(cli_run(NULL, &out, NULL, commands[i], "--help", NULL), 0);
    for (const char *c = out; *c; c++)
      cr_assert((guchar) *c < 0x80, "ecsim %s --help: byte 0x%02x at %s",
                commands[i], (guchar) *c, c);
    /* No help text asks a question: a '?' stands in for a character. */
    cr_assert_null(strchr(out, '?'), "ecsim %s --help: %s", commands[i],
                   strchr(out, '?'));
    cr_assert(strstr(out, "[OPTION...]"), "%s", out);
  }
  g_autofree char *out = NULL;
  cli_run(NULL, &out, NULL, "compare", "--help", NULL);
  cr_assert(strstr(out, "(0.125x to 8x, then bisection)"), "%s", out);
}
