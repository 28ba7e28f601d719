/* `ecsim calibrate`: fit a service's workload from its logs and
 * metrics. */
#include <stdio.h>

#include "models/cmd/commands.h"
#include "models/experiments/calibrate.h"

static const char calibrate_description[] =
  "Fits the workload parameters of a real service from what it records, "
  "and writes\nthem as a scenario's `workload` block (with each fit's method, "
  "sample size, 95%\nintervals and goodness of fit under \"fits\"):\n"
  "  service_time          from ALB access logs' target_processing_time, "
  "corrected\n                        for waiting in the target's queue "
  "(FCFS, --slots);\n                        lognormal or gamma by maximum "
  "likelihood, the lower AIC,\n                        or an empirical file "
  "when neither passes Kolmogorov-Smirnov\n"
  "  concurrency_per_vcpu  mean service time / CPU seconds per request "
  "(CPUUtilization\n                        x tasks x task vCPU against "
  "RequestCount, least squares)\n"
  "  memory_base_mib, memory_per_request_mib   MemoryUtilization against "
  "requests in\n                        flight (Little's law)\n"
  "  failure_model         crash_mttf, hang_mttf from describe-services "
  "events\n"
  "A part whose inputs are missing is skipped with a line naming them. "
  "Metrics are\n`aws cloudwatch get-metric-data` (or get-metric-statistics) "
  "JSON, as `ecsim run\n--export-aws` writes them; --taskdef gives the task's "
  "cpu and memory.\nALB logs may be gzipped (*.log.gz, as AWS delivers them)."
  " --dir skips calibrate's\nown output (-o, and earlier calibration JSON) "
  "and scenarios.\nscenarios/REFERENCE.md (\"ecsim calibrate\") gives the "
  "formulas.\n\nExamples:\n"
  "  ecsim calibrate --dir exports -o calibration.json\n"
  "  ecsim calibrate --alb-log web-alb.log --metrics web-cloudwatch.json "
  "\\\n      --taskdef web-td.json --until 1d -o calibration.json\n\n"
  "Exit status: 0 written, 1 failure, 2 bad input (the file and line or "
  "JSON path).";

int
cmd_calibrate(int argc, char **argv)
{
  CalibrateOptions o = { .seed = 1 };
  char *taskdef = NULL, *services = NULL, *dir = NULL, *service = NULL;
  char *from = NULL, *until = NULL, *output = NULL;
  int slots = 0;
  const GOptionEntry entries[] = {
    { "alb-log", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.alb_logs,
      "An ALB access log, plain or gzipped (repeatable)", "FILE" },
    { "metrics", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &o.metrics,
      "CloudWatch get-metric-data JSON (repeatable)", "FILE.json" },
    { "taskdef", 0, 0, G_OPTION_ARG_FILENAME, &taskdef,
      "describe-task-definition output: the task's cpu and memory",
      "FILE.json" },
    { "services", 0, 0, G_OPTION_ARG_FILENAME, &services,
      "describe-services output: events, for failure rates", "FILE.json" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir,
      "Every *.log, *.log.gz (ALB) and *.json (by shape) file of DIR",
      "DIR" },
    { "service", 0, 0, G_OPTION_ARG_STRING, &service,
      "The service's name (default: from the files)", "NAME" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      "Start of the window: ISO 8601, or a duration after the first record",
      "T" },
    { "until", 0, 0, G_OPTION_ARG_STRING, &until,
      "End of the window (excluded), as --from", "T" },
    { "slots", 0, 0, G_OPTION_ARG_INT, &slots,
      "Requests a task serves at once, for the queueing correction "
      "(default: from the CPU fit)", "N" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Write the calibration here (required)", "FILE.json" },
    G_OPTION_ENTRY_NULL
  };
  int status = 0;
  if (!cmd_parse_options(&argc, &argv, "", "Fit a service's workload from "
                         "its ALB logs, CloudWatch metrics and events.",
                         calibrate_description, entries, NULL)) {
    status = EXIT_INPUT;
  } else if (argc != 1 || !output || slots < 0) {
    cmd_error(argc != 1 ? "calibrate takes no positional arguments (see "
              "'ecsim calibrate --help')" : !output ? "calibrate needs -o "
              "FILE.json" : "--slots must be >= 1");
    status = EXIT_INPUT;
  } else {
    g_autoptr(GError) error = NULL;
    o.taskdef = taskdef, o.services = services, o.dir = dir;
    o.service = service, o.from = from, o.until = until;
    o.slots = (guint) slots, o.output = output;
    if (!calibrate_run(&o, stdout, &error)) {
      fprintf(stderr, "%s\n", error->message);
      status = cmd_status_for(error);
    }
  }
  g_strfreev(o.alb_logs);
  g_strfreev(o.metrics);
  g_free(taskdef), g_free(services), g_free(dir), g_free(service);
  g_free(from), g_free(until), g_free(output);
  return status;
}
