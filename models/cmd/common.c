/* Helpers shared by the `ecsim` subcommands: options, messages, exit
 * statuses and interruption. */
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/experiments/expect.h"
#include "models/input/input.h"
#include "models/experiments/junit.h"

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
                "%s must be an integer from 0 to %" G_GINT64_FORMAT
                ", got '%s'", name, SCENARIO_SEED_MAX, value);
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

/* Characters GLib's help (its own "[OPTION…]" included) may hold, and
 * their ASCII stand-ins. */
static const struct {
  const char *utf8, *ascii;
} ascii_of[] = {
  { "\u2026", "..." }, { "\u00d7", "x" }, { "\u00b1", "+-" },
  { "\u2264", "<=" }, { "\u2265", ">=" }, { "\u2014", "--" },
  { "\u2013", "-" }, { "\u2018", "'" }, { "\u2019", "'" },
  { "\u201c", "\"" }, { "\u201d", "\"" }, { "\u2192", "->" },
};

/* g_print() for --help. GLib's own handler converts UTF-8 to the
 * locale's charset and, ecsim never calling setlocale(), so in every
 * locale, writes '?' for what ASCII lacks ("0.125? to 8?", "[OPTION?]").
 * Help is written in ASCII instead: the same bytes in every locale. */
static void
print_ascii(const char *text)
{
  for (const char *c = text; *c;) {
    if ((guchar) *c < 0x80) {
      fputc(*c++, stdout);
      continue;
    }
    const char *next = g_utf8_find_next_char(c, NULL);
    gsize len = next ? (gsize) (next - c) : strlen(c);
    const char *stand_in = "?";
    for (gsize i = 0; i < G_N_ELEMENTS(ascii_of); i++)
      if (strlen(ascii_of[i].utf8) == len &&
          memcmp(ascii_of[i].utf8, c, len) == 0)
        stand_in = ascii_of[i].ascii;
    fputs(stand_in, stdout);
    c += len;
  }
  fflush(stdout);
}

static const GOptionEntry *
short_entry(const GOptionEntry *entries, char name)
{
  for (const GOptionEntry *e = entries; e->long_name; e++)
    if (e->short_name == name)
      return e;
  return NULL;
}

static gboolean
takes_value(const GOptionEntry *e)
{
  return e != NULL && e->arg != G_OPTION_ARG_NONE &&
         !(e->flags & (G_OPTION_FLAG_NO_ARG | G_OPTION_FLAG_OPTIONAL_ARG));
}

static const GOptionEntry *
long_entry(const GOptionEntry *entries, const char *arg)
{
  gsize len = strcspn(arg + 2, "=");
  for (const GOptionEntry *e = entries; e->long_name; e++)
    if (strlen(e->long_name) == len &&
        strncmp(e->long_name, arg + 2, len) == 0)
      return e;
  return NULL;
}

/* GOption reads "-j1" as the flags j and 1, j taking the next argument
 * as its value ("Cannot parse integer value 'SCENARIO' for -j"), though
 * it reads "--jobs=1". A short option that takes a value and has it
 * attached is rewritten as its long form, "--jobs=1", as getopt reads
 * it. The new strings go to @keep; GOption copies option values, and
 * removes the options from argv, so they can go after parsing. */
static void
attach_short_values(int argc, char **argv, const GOptionEntry *entries,
                    GPtrArray *keep)
{
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0)
      return;
    if (a[0] != '-' || a[1] == '\0')
      continue;
    const GOptionEntry *e = a[1] == '-' ? long_entry(entries, a)
                                        : short_entry(entries, a[1]);
    if (!takes_value(e))
      continue;
    if (a[1] == '-') {
      i += strchr(a, '=') == NULL; /* its value is the next argument */
    } else if (a[2] == '\0') {
      i++;
    } else {
      argv[i] = g_strdup_printf("--%s=%s", e->long_name, a + 2);
      g_ptr_array_add(keep, argv[i]);
    }
  }
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
  g_autoptr(GPtrArray) keep = g_ptr_array_new_with_free_func(g_free);
  attach_short_values(*argc, *argv, entries, keep);
  g_autoptr(GError) error = NULL;
  GPrintFunc before = g_set_print_handler(print_ascii);
  gboolean ok = g_option_context_parse(ctx, argc, argv, &error);
  g_set_print_handler(before);
  if (!ok) {
    cmd_error("%s (see '%s --help')", error->message, (*argv)[0]);
    return FALSE;
  }
  return TRUE;
}

gboolean
cmd_fidelity_ok(const char *fidelity)
{
  if (fidelity == NULL || g_strcmp0(fidelity, "requests") == 0 ||
      g_strcmp0(fidelity, "aggregate") == 0)
    return TRUE;
  cmd_error("--fidelity %s: must be requests or aggregate", fidelity);
  return FALSE;
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
