/* Helpers shared by the `ecsim` subcommands: options, messages, exit
 * statuses and interruption. */
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/expect.h"
#include "models/input.h"
#include "models/junit.h"

volatile sig_atomic_t cmd_interrupted;

static void
on_signal(int sig)
{
  (void) sig;
  cmd_interrupted = 1;
}

void
cmd_catch_interrupts(gboolean catch_them)
{
  struct sigaction sa = { .sa_handler = catch_them ? on_signal : SIG_DFL };
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
}

gssize
cmd_strv_index(char *const *strv, const char *s)
{
  for (gssize i = 0; strv != NULL && strv[i] != NULL; i++)
    if (strcmp(strv[i], s) == 0)
      return i;
  return -1;
}

gboolean
cmd_option_seed(const char *name, const char *value, gpointer data,
                GError **error)
{
  CmdSeed *seed = data; /* the first member of the command's options */
  char *end = NULL;
  gint64 v = g_ascii_strtoll(value, &end, 10);
  if (*value == '\0' || *end != '\0' || v < 0 || v > SCENARIO_SEED_MAX) {
    g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                "--seed must be an integer from 0 to %" G_GINT64_FORMAT
                ", got '%s'", SCENARIO_SEED_MAX, value);
    return FALSE;
  }
  seed->value = v;
  seed->set = TRUE;
  return TRUE;
}

void
cmd_error(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fputs("ecsim: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

int
cmd_status_for(const GError *error)
{
  if (error != NULL && (error->domain == ECSIM_INPUT_ERROR ||
                        error->domain == G_OPTION_ERROR))
    return EXIT_INPUT;
  return 1;
}

gboolean
cmd_parse_options(int *argc, char ***argv, const char *parameter,
                  const char *summary, const char *description,
                  const GOptionEntry *entries, gpointer data)
{
  g_autoptr(GOptionContext) ctx = g_option_context_new(parameter);
  g_option_context_set_summary(ctx, summary);
  if (description)
    g_option_context_set_description(ctx, description);
  /* Callbacks (cmd_option_seed) receive @data as their group's. */
  GOptionGroup *group = g_option_group_new("main", "", "", data, NULL);
  g_option_group_add_entries(group, entries);
  g_option_context_set_main_group(ctx, group);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse(ctx, argc, argv, &error)) {
    cmd_error("%s (see '%s --help')", error->message, (*argv)[0]);
    return FALSE;
  }
  return TRUE;
}

gboolean
cmd_junit_not_finished(const char *tool, const char *junit_path)
{
  g_autoptr(JunitReport) junit = junit_report_new(tool);
  g_autofree char *message = g_strdup_printf(
    "%s stopped before checking the expectations (bad input, a failure "
    "or an interruption): see its output", tool);
  junit_report_add_case(junit, tool, "expectations", JUNIT_ERROR, message,
                        NULL);
  g_autoptr(GError) error = NULL;
  if (!junit_report_write(junit, junit_path, &error)) {
    cmd_error("%s", error->message);
    return FALSE;
  }
  return TRUE;
}

int
cmd_check_expectations(const char *tool, const Scenario *scn,
                       const GPtrArray *cfgs, const GPtrArray *summaries,
                       gboolean failures_only, const char *junit_path)
{
  g_autoptr(JunitReport) junit = junit_report_new(tool);
  guint failed = 0;
  for (guint i = 0; i < cfgs->len; i++) {
    const ScenarioConfig *cfg = cfgs->pdata[i];
    failed += expect_report(cfg, summaries->pdata[i],
                            scenario_has_variants(scn) ? cfg->variant : NULL,
                            failures_only, stdout, junit);
  }
  g_autoptr(GError) error = NULL;
  if (junit_path && !junit_report_write(junit, junit_path, &error)) {
    cmd_error("%s", error->message);
    return 1;
  }
  if (failed > 0) {
    printf("%u expectation%s not met\n", failed, failed == 1 ? "" : "s");
    return EXIT_EXPECTATION;
  }
  return 0;
}
