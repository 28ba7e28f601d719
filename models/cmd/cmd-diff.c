/* `ecsim diff`: compare two runs' outputs and fail on a regression. */
#include <stdio.h>

#include "models/cmd/commands.h"
#include "models/experiments/junit.h"
#include "models/experiments/rundiff.h"

typedef struct {
  char **tolerances;
  char *default_tolerance;
  char *junit;
  gboolean all;
} DiffOptions;

static const char diff_description[] =
  "Compares the summary.json figures of two runs, A (before) and B (after), "
  "field by\nfield, and prints what moved, by how much and whether it is "
  "worse. A run is an\n`ecsim run` output folder (one sub-folder per "
  "variant), one variant's folder, a\nsummary.json, or a folder of runs "
  "with different seeds (DIR/seed-N/VARIANT/ or\nDIR/VARIANT/seed-N/): "
  "each summary names its variant and seed. Variants are\npaired by name "
  "and their fields averaged over the seeds.\n\n"
  "Higher latency, cost, errors and failed tasks or deployments are worse, "
  "lower\nSLO attainment is worse; other fields are reported, never judged. "
  "A field that\nis worse by more than its tolerance (percent of A's value; "
  "any worsening of a\nfield that was 0), or that lost its value (now null: no "
  "latency, no SLO\nattainment), is a regression, unless several "
  "seeds show it inside the\nnoise band (the 95% confidence half-width of "
  "the change; paired by seed when\nboth sides ran the same seeds). SLO "
  "attainment is judged by its shortfall\n(99.5% -> 99% is twice the "
  "misses). With one service, services.NAME.* repeats\nthe totals and is "
  "left out unless a --tolerance names it\n(services.web.latency.p99_ms=10, "
  "'services.*=10'); engine.by_kind is not\ncompared.\n\n"
  "Examples:\n"
  "  ecsim diff out/main out/branch\n"
  "  ecsim diff out/main out/branch --tolerance latency.p99_ms=10 "
  "--tolerance 'cost.*=2'\n"
  "  ecsim diff out/main/base out/branch/base --default-tolerance 0 "
  "--junit diff.xml\n\n"
  "Exit status: 0 no regression, 1 the JUnit report could not be written, "
  "2 bad\ninput (missing folders, not ecsim outputs), 3 a regression beyond "
  "tolerance.";

static RunDiffOptions *
make_options(const DiffOptions *o, GError **error)
{
  g_autoptr(RunDiffOptions) ro = rundiff_options_new();
  if (o->default_tolerance &&
      !rundiff_options_set_default(ro, o->default_tolerance, error))
    return NULL;
  for (char **t = o->tolerances; t && *t; t++)
    if (!rundiff_options_add_tolerance(ro, *t, error))
      return NULL;
  return g_steal_pointer(&ro);
}

static int
input_failure(const GError *error)
{
  fprintf(stderr, "%s\n", error->message);
  return cmd_status_for(error);
}

static int
diff_main(const char *path_a, const char *path_b, const DiffOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RunDiffOptions) ro = make_options(o, &error);
  if (ro == NULL)
    return input_failure(error);
  g_autoptr(RunDiffSide) a = rundiff_side_load(path_a, &error);
  if (a == NULL)
    return input_failure(error);
  g_autoptr(RunDiffSide) b = rundiff_side_load(path_b, &error);
  if (b == NULL)
    return input_failure(error);
  g_autoptr(RunDiff) d = rundiff_compare(a, b, ro, &error);
  if (d == NULL)
    return input_failure(error);
  rundiff_print(d, o->all, stdout);
  if (o->junit) {
    g_autoptr(JunitReport) junit = junit_report_new("ecsim diff");
    rundiff_add_junit(d, junit);
    if (!junit_report_write(junit, o->junit, &error)) {
      cmd_error("%s", error->message);
      return 1;
    }
  }
  return rundiff_n_regressions(d) > 0 ? EXIT_EXPECTATION : 0;
}

int
cmd_diff(int argc, char **argv)
{
  DiffOptions o = { 0 };
  const GOptionEntry entries[] = {
    { "tolerance", 't', 0, G_OPTION_ARG_STRING_ARRAY, &o.tolerances,
      "Percent FIELD may worsen, e.g. latency.p99_ms=10, 'cost.*=2', "
      "tasks.started=ignore (repeatable)", "FIELD=PCT" },
    { "default-tolerance", 0, 0, G_OPTION_ARG_STRING, &o.default_tolerance,
      "Percent any other field may worsen (default 5)", "PCT" },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &o.junit,
      "Also write a JUnit XML report: a test per field", "FILE" },
    { "all", 'a', 0, G_OPTION_ARG_NONE, &o.all,
      "List the fields that did not change too", NULL },
    G_OPTION_ENTRY_NULL
  };
  int status;
  if (!cmd_parse_options(&argc, &argv, "RUN_A RUN_B",
                         "Compare two runs' outputs; fail on a "
                         "regression.", diff_description, entries,
                         NULL)) {
    status = EXIT_INPUT;
  } else if (argc != 3) {
    cmd_error("diff needs two output folders, RUN_A and RUN_B (see 'ecsim "
              "diff --help')");
    status = EXIT_INPUT;
  } else {
    status = diff_main(argv[1], argv[2], &o);
  }
  g_strfreev(o.tolerances);
  g_free(o.default_tolerance);
  g_free(o.junit);
  return status;
}
