/* `ecsim import DIR`: a scenario from a folder of AWS CLI output, or the
 * AWS CLI commands that fetch what the folder still lacks. */
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/experiments/import.h"

typedef struct {
  char *output;
  char *service;
  char *cluster;
  char *workload;
  char *duration;
  char *start_time;
  char *end_time;
  gboolean next_commands;
  gboolean quiet;
} ImportArgs;

static const char import_description[] =
  "DIR holds the JSON the AWS CLI prints, one command per file, in any "
  "names: each\n*.json file (in name order) is told by its shape. Known: "
  "ecs describe-clusters,\ndescribe-services, describe-task-definition (or a "
  "bare task definition),\ndescribe-capacity-providers; autoscaling "
  "describe-auto-scaling-groups; ec2\ndescribe-launch-template-versions "
  "(describe-launch-templates lists names only,\nnot the instance type); "
  "elbv2 describe-target-groups, describe-target-group-\nattributes, "
  "describe-load-balancers, describe-load-balancer-attributes;\n"
  "application-autoscaling describe-scalable-targets, "
  "describe-scaling-policies,\ndescribe-scheduled-actions; cloudwatch "
  "describe-alarms, get-metric-data,\nget-metric-statistics. Other .json "
  "files are skipped with a line saying so.\n\n"
  "The service (--service; needed when DIR holds several) is followed to "
  "its cluster,\ntask definition, target groups, capacity providers, their "
  "Auto Scaling groups\nand launch templates, and its Application Auto "
  "Scaling target, policies,\nscheduled actions and step alarms. When DIR "
  "lacks something the scenario needs,\nthe exit status is 2 with one line "
  "per missing object naming the AWS CLI\ncommand that fetches it. "
  "Scaling, alarms, target-group attributes, load\nbalancers and metrics "
  "are optional: what is absent is said on standard error.\n\n"
  "The scenario references the files with {\"file\": ...} (relative to the "
  "scenario's\nfolder) where the format takes them verbatim, and copies "
  "objects picked out of a\nfile that holds others. name is the service's "
  "name, seed 1, desiredCount the\nservice's, duration --duration (else the "
  "span of the RequestCount metric when it\nis the traffic, else 1d).\n\n"
  "The workload comes from --workload FILE (a workload object, or ecsim "
  "calibrate's\noutput: its workload and failure_model; relative file names "
  "in it start from\nFILE's folder). Without --workload, when DIR holds ALB "
  "access logs (*.log,\n*.log.gz, also under DIR/alb-logs/) or CloudWatch "
  "CPUUtilization or\nMemoryUtilization, import calibrates the workload "
  "itself, as ecsim calibrate does\nwith DIR's logs and metrics, the "
  "service's task definition and describe-services\noutput: it writes "
  "calibrate's output (every fit with its 95% interval) to\n"
  "SERVICE-calibration.json next to the scenario, merges its workload and\n"
  "failure_model, and prints its estimates with their 95% intervals in one\n"
  "paragraph on standard error (--quiet: not). The traffic, when the workload "
  "has\nnone, is a RequestCount series of a get-metric-data or "
  "get-metric-statistics\nfile in DIR (format cloudwatch)."
  "\n\nFields that the simulation does not use but that may look important\n"
  "(networkConfiguration, platformVersion, HealthCheckPath, Matcher, a "
  "network load\nbalancer, ...) are listed on standard error with the "
  "reason.\nA deploymentController other than ECS is an error.\n\n"
  "--next-commands prints instead only the AWS CLI commands that fetch "
  "what is missing\n(required or optional), one per line as `aws ARG... > "
  "DIR/NAME.json` with every\nargument that is not a plain word in single "
  "quotes, and exits 0; nothing when\nnothing is missing. With --service "
  "and --cluster it starts from an empty DIR.\nWith --start-time and "
  "--end-time (ISO 8601) it also asks CloudWatch for the\ntarget group's "
  "RequestCount and the service's CPU, memory and running tasks, per\n"
  "minute. With a load balancer it asks for its attributes\n"
  "(describe-load-balancer-attributes); when they say access_logs.s3.enabled"
  "\n\"true\", it prints for each UTC day of the window that DIR/alb-logs/ "
  "has no log of:\n  aws s3 cp s3://BUCKET/PREFIX/AWSLogs/ACCOUNT/"
  "elasticloadbalancing/REGION/YYYY/MM/DD/ \\\n    DIR/alb-logs/ "
  "--recursive\n(ACCOUNT and REGION from the load balancer's ARN; no "
  "PREFIX segment when it is\nempty). scenarios/import/collect.sh SERVICE "
  "CLUSTER runs that loop.";

static int
print_commands(const ImportPlan *plan)
{
  const GPtrArray *cmds = import_plan_commands(plan);
  for (guint i = 0; i < cmds->len; i++)
    printf("%s\n", (const char *) cmds->pdata[i]);
  return 0;
}

static void
print_lines(const GPtrArray *lines)
{
  for (guint i = 0; i < lines->len; i++)
    fprintf(stderr, "%s\n", (const char *) lines->pdata[i]);
}

/* The workload: --workload's, else the one calibrated from DIR's logs
 * and metrics (written next to the scenario as SERVICE-calibration.json,
 * where an empirical service-time file of the fit lands too), else none.
 * *@from: the folder its relative file names start from (new). */
static gboolean
read_workload(const ImportArgs *a, const ImportPlan *plan,
              const char *service, cJSON **workload, cJSON **failure_model,
              char **from, GError **error)
{
  if (a->workload) {
    *from = g_path_get_dirname(a->workload);
    return import_read_workload(a->workload, workload, failure_model,
                                error);
  }
  *from = a->output ? g_path_get_dirname(a->output) : g_strdup(".");
  g_autofree char *name = g_strdup_printf("%s-calibration.json", service);
  g_autofree char *cal = strcmp(*from, ".") == 0
                           ? g_strdup(name)
                           : g_build_filename(*from, name, NULL);
  gboolean calibrated = FALSE;
  if (!import_calibrate(plan, cal, a->quiet ? NULL : stderr, &calibrated,
                        error))
    return FALSE;
  return !calibrated ||
         import_read_workload(cal, workload, failure_model, error);
}

static gboolean
write_scenario(const ImportArgs *a, const char *dir, const ImportPlan *plan,
               GError **error)
{
  g_autoptr(cJSON) workload = NULL;
  g_autoptr(cJSON) failure_model = NULL;
  g_autofree char *from = NULL;
  if (!read_workload(a, plan, import_plan_service(plan), &workload,
                     &failure_model, &from, error))
    return FALSE;
  ImportWriteOptions options = {
    .out_path = a->output, .duration = a->duration, .dir_label = dir,
    .workload = workload, .failure_model = failure_model,
    .workload_dir = from,
  };
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(cJSON) scn = import_plan_scenario(plan, &options, notes);
  g_autofree char *text = import_json_text(scn);
  print_lines(import_plan_notes(plan));
  print_lines(notes);
  if (a->output == NULL) {
    fputs(text, stdout);
    return TRUE;
  }
  /* g_file_set_contents() writes a temporary twin and renames it: a
   * failed import leaves no half-written scenario. */
  g_autoptr(GError) io = NULL;
  if (!g_file_set_contents(a->output, text, -1, &io)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot write: %s", a->output, io->message);
    return FALSE;
  }
  fprintf(stderr, "wrote %s; check it with: ecsim validate %s\n", a->output,
          a->output);
  return TRUE;
}

static int
run_import(const ImportArgs *a, const char *dir)
{
  g_autoptr(GError) error = NULL;
  SimTime d;
  if (a->duration && !input_parse_duration(a->duration, &d, &error)) {
    cmd_error("--duration: %s", error->message);
    return EXIT_INPUT;
  }
  g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(ImportDir) d_in = import_dir_load(dir, skipped, &error);
  print_lines(skipped);
  if (d_in == NULL) {
    fprintf(stderr, "%s\n", error->message);
    return EXIT_INPUT;
  }
  ImportQuery q = { .service = a->service, .cluster = a->cluster,
                    .start_time = a->start_time, .end_time = a->end_time };
  g_autoptr(ImportPlan) plan = import_plan_new(d_in, &q, &error);
  if (plan == NULL) {
    fprintf(stderr, "%s\n", error->message);
    return EXIT_INPUT;
  }
  if (a->next_commands)
    return print_commands(plan);
  const GPtrArray *missing = import_plan_missing(plan);
  if (missing->len > 0) {
    print_lines(missing);
    fprintf(stderr, "ecsim: %u object%s missing from %s: fetch %s (or run "
            "scenarios/import/collect.sh), then import again\n",
            missing->len, missing->len == 1 ? "" : "s", dir,
            missing->len == 1 ? "it" : "them");
    return EXIT_INPUT;
  }
  if (!write_scenario(a, dir, plan, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return cmd_status_for(error);
  }
  return 0;
}

int
cmd_import(int argc, char **argv)
{
  ImportArgs a = { 0 };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &a.output,
      "Write the scenario to FILE (default: standard output)", "FILE" },
    { "service", 0, 0, G_OPTION_ARG_STRING, &a.service,
      "The service to model (needed when DIR holds several)", "NAME" },
    { "cluster", 0, 0, G_OPTION_ARG_STRING, &a.cluster,
      "Its cluster (default: the service's)", "NAME" },
    { "workload", 0, 0, G_OPTION_ARG_FILENAME, &a.workload,
      "The service's workload: a workload object or ecsim calibrate's "
      "output", "FILE" },
    { "duration", 0, 0, G_OPTION_ARG_STRING, &a.duration,
      "The scenario's duration (default: the traffic metric's span, "
      "else 1d)", "D" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &a.quiet,
      "Do not print the calibration's estimates", NULL },
    { "next-commands", 0, 0, G_OPTION_ARG_NONE, &a.next_commands,
      "Print only the AWS CLI commands that fetch what DIR lacks", NULL },
    { "start-time", 0, 0, G_OPTION_ARG_STRING, &a.start_time,
      "With --next-commands: fetch metrics from T (ISO 8601)", "T" },
    { "end-time", 0, 0, G_OPTION_ARG_STRING, &a.end_time,
      "With --next-commands: fetch metrics up to T (ISO 8601)", "T" },
    G_OPTION_ENTRY_NULL
  };
  int status = EXIT_INPUT;
  if (!cmd_parse_options(&argc, &argv, "DIR",
                         "Write a scenario from a folder of AWS CLI output.",
                         import_description, entries, NULL))
    goto out;
  if (argc != 2) {
    cmd_error("import needs one DIR (see 'ecsim import --help')");
    goto out;
  }
  status = run_import(&a, argv[1]);
out:
  g_free(a.output);
  g_free(a.service);
  g_free(a.cluster);
  g_free(a.workload);
  g_free(a.duration);
  g_free(a.start_time);
  g_free(a.end_time);
  return status;
}
