/* The `ecsim` command: dispatch to subcommands. This directory is the one
 * place that wires scenario -> models -> engine -> outputs (through
 * models/world/world.h and models/output/report.h). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "ecsim-config.h"
#include "models/cmd/commands.h"
#include "models/input/input.h"

typedef struct {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} Command;

static const Command commands[] = {
  { "run", cmd_run, "simulate a scenario and write its outputs" },
  { "compare", cmd_compare,
    "run variants side by side; the Fargate/EC2 break-even" },
  { "diff", cmd_diff,
    "compare two runs' outputs field by field; fail on a regression" },
  { "import", cmd_import,
    "a scenario from a folder of AWS CLI output (or the commands to fetch "
    "it)" },
  { "plot", cmd_plot, "draw a run's outputs with gnuplot (PNG, SVG)" },
  { "report", cmd_report,
    "a run's outputs as one self-contained HTML page (charts, timeline)" },
  { "sweep", cmd_sweep,
    "a scenario over a grid of values x variants x seeds (threads or MPI)" },
  { "validate", cmd_validate,
    "check scenarios and AWS-shaped files (task definitions, "
    "describe-services, describe-target-groups)" },
  { "trace", cmd_trace,
    "summarise a traffic trace, or fit a generator to it (trace fit)" },
  { "calibrate", cmd_calibrate,
    "fit a service's workload from its ALB logs and CloudWatch metrics" },
  { "version", cmd_version, "print the version" },
};

static void
usage(FILE *out)
{
  fprintf(out, "Usage: ecsim COMMAND [OPTIONS...]\n\n"
               "A discrete-event simulator of Amazon ECS clusters: Fargate "
               "and EC2 capacity,\nplacement, deployments, autoscaling and "
               "request-level latency and cost.\n\nCommands:\n");
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nRun 'ecsim COMMAND --help' for a command's options.\n"
               "Exit status: 0 success, 1 failure, 2 bad input or usage, "
               "3 expectations not met or a regression.\n");
}

int
cmd_version(int argc, char **argv)
{
  const GOptionEntry entries[] = { G_OPTION_ENTRY_NULL };
  if (!cmd_parse_options(&argc, &argv, "", "Print ecsim's version.", NULL,
                         entries, NULL))
    return EXIT_INPUT;
  printf("ecsim %s\n", ECSIM_VERSION);
  return 0;
}

/* Results that never reached standard output (a full disk, a closed
 * file) are a failure: exit 1 with the reason rather than 0 with a
 * truncated or empty result. */
static int
check_stdout(int status)
{
  errno = 0;
  if (fflush(stdout) == 0 && !ferror(stdout))
    return status;
  cmd_error("cannot write the output: %s",
            errno ? g_strerror(errno) : "write error");
  return status == 0 ? 1 : status;
}

static int
dispatch(int argc, char **argv)
{
  if (argc < 2) {
    usage(stderr);
    return EXIT_INPUT;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0)
    return cmd_version(1, argv);
  for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
    if (strcmp(argv[1], commands[i].name) != 0)
      continue;
    g_autofree char *name = g_strdup_printf("ecsim %s", argv[1]);
    argv[1] = name;
    return commands[i].run(argc - 1, argv + 1);
  }
  cmd_error("unknown command '%s'", argv[1]);
  usage(stderr);
  return EXIT_INPUT;
}

int
main(int argc, char **argv)
{
  /* Past a file-size limit (ulimit -f) a write fails with EFBIG, which
   * the outputs report like any other write error, instead of the
   * signal killing the process with no word and temporary files left. */
  signal(SIGXFSZ, SIG_IGN);
  return check_stdout(dispatch(argc, argv));
}
