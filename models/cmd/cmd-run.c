/* `ecsim run`: simulate a scenario's variants and write their outputs. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/input/jsonfile.h"
#include "models/output/aws-export.h"
#include "models/output/outdir.h"
#include "models/output/report.h"
#include "models/output/run-manifest.h"
#include "models/config/scenario.h"
#include "models/config/warnings.h"
#include "models/world/world.h"

typedef struct {
  CmdSeed seed; /* first: cmd_option_seed() fills it */
  CmdSeed request_seed;  /* --request-seed */
  char *output;
  char *junit;
  char **variants;
  char **sets;
  gboolean quiet;
  gboolean events;
  gboolean lenient;
  char *fidelity;        /* --fidelity: "requests" or "aggregate" */
  gboolean strict;
  gboolean force;
  gboolean report;         /* --report: the HTML page after the run */
  char *export_aws;        /* --export-aws DIR, or NULL */
  char *export_period;     /* the option texts, checked by */
  char *export_epoch;      /* export_options() */
  double export_sample;    /* 0: not given */
  double export_max_gib;   /* 0: not given */
  AwsExportOptions aws;    /* from the four above */
} RunOptions;

/* Configures (and so checks) every chosen variant before anything runs. */
static GPtrArray *
configure_all(Scenario *scn, const RunOptions *o, GError **error)
{
  ScenarioOptions so = {
    .lenient = o->lenient, .has_seed = o->seed.set,
    .seed = (guint64) o->seed.value,
    .has_request_seed = o->request_seed.set,
    .request_seed = (guint64) o->request_seed.value,
  };
  g_autoptr(GPtrArray) cfgs =
    g_ptr_array_new_with_free_func((GDestroyNotify) scenario_config_free);
  if (o->variants != NULL) {
    for (char **v = o->variants; *v; v++) {
      /* Named twice, run once: both would write the same folder. */
      if (cmd_strv_index(o->variants, *v) != v - o->variants)
        continue;
      ScenarioConfig *cfg = scenario_configure(scn, *v, &so, error);
      if (cfg == NULL)
        return NULL;
      g_ptr_array_add(cfgs, cfg);
    }
  } else {
    for (guint i = 0; i < scenario_n_variants(scn); i++) {
      const char *name = scenario_variant_name(scn, i);
      ScenarioConfig *cfg = scenario_configure(scn, name, &so, error);
      if (cfg == NULL) {
        if (scenario_has_variants(scn))
          g_prefix_error(error, "variant %s: ", name);
        return NULL;
      }
      g_ptr_array_add(cfgs, cfg);
    }
  }
  return g_steal_pointer(&cfgs);
}

/* Runs @cfg (of @scn) into @dir; its summary goes to @summary. */
static int
run_one(const Scenario *scn, const ScenarioConfig *cfg, const RunOptions *o,
        const char *dir, cJSON **summary)
{
  WorldOptions wo = { .traffic_scale = 1.0, .print_events = o->events };
  g_autoptr(GError) error = NULL;
  /* Rows and events go to the files as the run makes them (freed after
   * the world, which writes to it). */
  g_autoptr(ReportStream) stream = report_stream_new(dir, &wo, &error);
  if (stream == NULL) {
    cmd_error("%s", error->message);
    return 1;
  }
  g_autoptr(World) w = world_new(cfg, &wo, &error);
  if (w == NULL) {
    fprintf(stderr, "%s\n", error->message);
    return cmd_status_for(error);
  }
  g_autofree char *export_tmp = NULL;
  g_autoptr(AwsExport) export = NULL;
  if (o->export_aws != NULL) {
    export_tmp = outdir_begin(o->export_aws, &error);
    export = export_tmp ? aws_export_new(w, export_tmp, &o->aws, &error)
                        : NULL;
    if (export == NULL) {
      outdir_abandon(export_tmp);
      cmd_error("%s", error->message);
      return cmd_status_for(error);
    }
  }
  g_autofree char *label = g_strdup_printf("[%s]", cfg->variant);
  g_autoptr(SimProgress) progress = sim_progress_new(
    stderr, label, cfg->duration, sim_progress_wanted(stderr, o->quiet));
  SimRunStatus status = world_run(w, progress, &cmd_interrupted);
  if (status == SIM_RUN_INTERRUPTED) {
    char at[SIM_TIME_FORMAT_MAX], of[SIM_TIME_FORMAT_MAX];
    SimTime now = sim_engine_now(world_engine(w));
    cmd_error("interrupted at %s of %s (%.1f%%) in variant %s; no output "
              "written for it", sim_time_format_clock(now, at),
              sim_time_format(cfg->duration, of),
              100.0 * (double) now / (double) cfg->duration, cfg->variant);
    outdir_abandon(export_tmp);
    return 1;
  }
  if (export != NULL && (!aws_export_finish(export, &error) ||
                         !outdir_commit(export_tmp, o->export_aws, &error))) {
    outdir_abandon(export_tmp);
    cmd_error("--export-aws: %s", error->message);
    return 1;
  }
  g_autoptr(RunManifest) manifest = run_manifest_new(scn, cfg);
  g_autoptr(cJSON) manifest_json = run_manifest_to_json(manifest);
  if (!report_stream_commit(stream, w, manifest_json, &error)) {
    cmd_error("%s", error->message);
    return 1;
  }
  *summary = report_summary(w);
  if (!o->quiet) {
    cJSON *timing = report_timing(w);
    report_print(*summary, timing, dir, stdout);
    fputc('\n', stdout);
    cJSON_Delete(timing);
  }
  fflush(stdout);
  warnings_print_json(cJSON_GetObjectItemCaseSensitive(*summary, "warnings"),
                      cfg->variant, stderr);
  return 0;
}

/* Warnings in any of @summaries (cJSON*). */
static guint
count_warnings(const GPtrArray *summaries)
{
  guint n = 0;
  for (guint i = 0; i < summaries->len; i++)
    n += (guint) cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(summaries->pdata[i],
                                       "warning_counts"), "total"));
  return n;
}

/* --export-aws DIR must be new, empty, or given with --force. */
static gboolean
export_dir_free(const char *dir, gboolean force)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  if (d == NULL || g_dir_read_name(d) == NULL || force)
    return TRUE;
  cmd_error("--export-aws: %s is not empty (another export?): give an "
            "empty folder, or --force to replace it", dir);
  return FALSE;
}

/* Checks the --export-* options into o->aws. */
static gboolean
export_options(RunOptions *o)
{
  g_autoptr(GError) error = NULL;
  aws_export_options_init(&o->aws);
  if (o->export_period != NULL &&
      (!sim_time_parse(o->export_period, &o->aws.period, &error) ||
       o->aws.period < SIM_SEC || o->aws.period % SIM_SEC != 0)) {
    cmd_error("--export-period %s: %s", o->export_period,
              error ? error->message : "give whole seconds, e.g. 60s or 5m");
    return FALSE;
  }
  if (o->export_epoch != NULL &&
      !aws_export_parse_epoch(o->export_epoch, &o->aws.epoch_us)) {
    cmd_error("--export-epoch %s: expected an ISO 8601 UTC time such as "
              "2026-01-05T00:00:00Z", o->export_epoch);
    return FALSE;
  }
  if (o->export_sample != 0 &&
      !(o->export_sample > 0 && o->export_sample <= 1)) {
    cmd_error("--export-aws-sample %g: a fraction of the log lines, in "
              "(0, 1]", o->export_sample);
    return FALSE;
  }
  if (o->export_sample != 0)
    o->aws.sample = o->export_sample;
  if (o->export_max_gib < 0) {
    cmd_error("--export-aws-max-gib %g: must be positive", o->export_max_gib);
    return FALSE;
  }
  if (o->export_max_gib > 0)
    o->aws.max_gib = o->export_max_gib;
  return TRUE;
}

static int
run_scenario(const char *path, const RunOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) scn = scenario_load(path, &error);
  for (char **s = o->sets; scn && s && *s; s++)
    if (!scenario_add_override(scn, *s, &error))
      g_clear_pointer(&scn, scenario_free);
  if (scn && o->fidelity) {
    g_autofree char *set = g_strdup_printf("/fidelity=%s", o->fidelity);
    if (!scenario_add_override(scn, set, &error))
      g_clear_pointer(&scn, scenario_free);
  }
  g_autoptr(GPtrArray) cfgs = scn ? configure_all(scn, o, &error) : NULL;
  if (cfgs == NULL) {
    fprintf(stderr, "%s\n", error->message);
    return cmd_status_for(error);
  }
  if (o->export_aws != NULL && cfgs->len > 1) {
    cmd_error("--export-aws writes one run: choose a variant with "
              "--variant NAME (the scenario has %u)", cfgs->len);
    return EXIT_INPUT;
  }
  if (o->export_aws != NULL &&
      ((const ScenarioConfig *) cfgs->pdata[0])->fidelity != FIDELITY_REQUESTS) {
    cmd_error("--export-aws writes each request's ALB log line: it needs "
              "the requests fidelity (--fidelity requests)");
    return EXIT_INPUT;
  }
  if (o->export_aws != NULL && !export_dir_free(o->export_aws, o->force))
    return EXIT_INPUT;
  const ScenarioConfig *first = cfgs->pdata[0];
  g_autofree char *base = o->output
                            ? g_strdup(o->output)
                            : g_build_filename("out", first->name, NULL);
  /* Another run's outputs: refused, or with --force those this run does
   * not rewrite go now, and the others as each variant replaces them. */
  g_autoptr(RunManifest) manifest = run_manifest_new(scn, first);
  g_autoptr(GPtrArray) stale = NULL;
  g_autofree const char **written = g_new0(const char *, cfgs->len + 1);
  for (guint i = 0; i < cfgs->len; i++)
    written[i] = ((ScenarioConfig *) cfgs->pdata[i])->variant;
  if (!run_manifest_claim(base, manifest, o->force, &stale, &error) ||
      !run_manifest_remove_stale(stale, written, &error)) {
    cmd_error("%s", error->message);
    return cmd_status_for(error);
  }
  cmd_catch_interrupts(TRUE);
  int status = 0;
  g_autoptr(GPtrArray) summaries =
    g_ptr_array_new_with_free_func((GDestroyNotify) cJSON_Delete);
  guint done = 0;
  for (; done < cfgs->len && status == 0; done++) {
    const ScenarioConfig *cfg = cfgs->pdata[done];
    g_autofree char *dir = g_build_filename(base, cfg->variant, NULL);
    cJSON *summary = NULL;
    status = run_one(scn, cfg, o, dir, &summary);
    g_ptr_array_add(summaries, summary);
  }
  cmd_catch_interrupts(FALSE);
  if (status != 0) {
    /* The other run's folders not yet replaced (the failed variant's
     * among them) would now sit beside this run's: the folder must hold
     * one run. Variants 0 .. done-2 were written. */
    written[done - 1] = NULL;
    run_manifest_remove_stale(stale, written, NULL);
    return status;
  }
  status = cmd_check_expectations("ecsim run", scn, cfgs, summaries,
                                  o->quiet, o->junit);
  /* The page also when expectations failed: it is where to see why. */
  if (o->report) {
    int report_status = cmd_report_write(base, NULL, o->quiet);
    if (status == 0)
      status = report_status;
  }
  guint warned = count_warnings(summaries);
  if (status == 0 && o->strict && warned > 0) {
    cmd_error("--strict: %u warning%s (above): exit status 3", warned,
              warned == 1 ? "" : "s");
    status = EXIT_EXPECTATION;
  }
  return status;
}

/* GOptionArgFunc for --request-seed: checked as --seed is. */
static gboolean
option_request_seed(const char *name, const char *value, gpointer data,
                    GError **error)
{
  RunOptions *o = data;
  return cmd_option_seed(name, value, &o->request_seed, error);
}

static const char run_description[] =
  "Runs each variant of SCENARIO (all of them, or those named with "
  "--variant)\nand writes DIR/VARIANT/{summary.json, timeseries.csv, "
  "tasks.csv,\ninstances.csv, events.jsonl, timing.json}. A scenario "
  "without variants has one,\ncalled \"base\". The whole scenario is "
  "checked before anything runs. SCENARIO - reads it from the standard\n"
  "input (named <stdin>; its relative file names start from the current\n"
  "directory; outputs default to out/stdin unless it has a \"name\").\n"
  "instances.csv shows each instance's lifecycle (on-demand or spot) and\n"
  "whether it joined from a warm pool; Spot notices, rebalance\n"
  "recommendations and warm pool entries are in events.jsonl.\n"
  "Services that call services (workload.calls): summary.json has an "
  "\"edges\"\nlist and each service's \"calls\"; timeseries.csv a row per "
  "period and edge\n(service \"caller->callee\"); the top-level requests "
  "count the entry services;\nevents.jsonl Cloud Map DNS registrations "
  "and deregistrations of callee tasks.\n\n"
  "Examples:\n"
  "  ecsim run scenarios/fargate-vs-ec2.json -o out/flagship\n"
  "  ecsim run web.json --variant ec2 --set /services/0/desiredCount=8\n"
  "  ecsim run web.json --seed 42 --events\n"
  "  generate-scenario | ecsim run - -o out/generated\n"
  "  ecsim run gate.json --junit report.xml\n\n"
  "When the scenario has an \"expect\" section, each variant's expectations "
  "are\nchecked after all variants ran, one line each (\"PASS latency.p99_ms "
  "181.2 <= 200\";\n--quiet prints failures only); --junit writes them as "
  "JUnit XML.\n\n"
  "Each variant's folder is written aside and moved into place whole, "
  "with a\nmanifest.json saying which run it holds; timeseries.csv and "
  "events.jsonl are\nwritten there as the run goes, so memory does not "
  "grow with the duration\n(a year at a 10 s period needs no more than a "
  "day). A folder\nholding another run's outputs (another scenario, an "
  "edited one, another\nseed) is refused unless --force, which removes "
  "them.\n\n"
  "A result that rests on a setup that cannot work (a service with no "
  "traffic,\ntasks that could not be placed, the SLO missed, errors over "
  "budget, ...) gets\na warning: one line each on stderr, and the "
  "\"warnings\" list of summary.json.\n--strict turns warnings into exit "
  "status 3.\n\n"
  "--request-seed N re-seeds only the requests' own randomness: "
  "arrival times,\nservice times, calls and their errors (with "
  "--fidelity aggregate, the noise\nof autoscaling's datapoints). The "
  "control plane (placement, health,\nFargate and Spot timing, failures, "
  "faults) and a modulated generator's bursts\n(the scenario's load "
  "shape) keep the seed's numbers. Two runs that differ\nonly in --request-seed show "
  "how much of a result is request noise; with\nN equal to the seed the "
  "outputs are those without it. summary.json's\nscenario.request_seed "
  "records it when given.\n\n"
  "--report also writes DIR/report.html after the run: one self-contained "
  "page\nof all the variants' outputs (see 'ecsim report --help').\n\n"
  "Costs use the built-in us-east-1 price catalog, or the AWS Price List "
  "offer\nfiles named by the scenario's pricing.price_list (CSV read line "
  "by line)\nfor its pricing.region. Savings Plans and Reserved Instances "
  "(pricing.\nsavings_plans, reserved_instances) apply per clock hour; "
  "summary.json's\ncost.commitments shows covered and uncovered spend and "
  "the unused commitment.\n\n"
  "--export-aws DIR also writes, per service with traffic or a target "
  "group,\nSERVICE-cloudwatch.json (what `aws cloudwatch get-metric-data` "
  "prints: RequestCount,\nTargetResponseTime, HTTPCode_Target_5XX_Count, "
  "HTTPCode_ELB_5XX_Count,\nHealthyHostCount, CPUUtilization, "
  "MemoryUtilization, RunningTaskCount; one\ndatapoint per "
  "--export-period, newest first; no RequestCount datapoint in a\nperiod "
  "without requests, as the ALB) and SERVICE-alb.log (one ALB access-log "
  "line\nper request, in the order ecsim answered them; `format: alb` "
  "replays it).\nTimes count from --export-epoch plus the scenario's "
  "start_at. DIR is written\nwhole at the end; a non-empty DIR needs "
  "--force. Logs estimated over\n--export-aws-max-gib are refused; "
  "--export-aws-sample F keeps a fraction F of\nthe lines (chosen by the "
  "seed), the metrics stay complete. One variant only.\nSee "
  "scenarios/REFERENCE.md, \"AWS-shaped exports\".\n\n"
  "Exit status: 0 success, 1 failure or interrupted, 2 bad input, 3 "
  "expectations\nnot met (or warnings, with --strict).";

int
cmd_run(int argc, char **argv)
{
  RunOptions o = { 0 };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      "Output folder (default: out/SCENARIO-NAME)", "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_CALLBACK, cmd_option_seed,
      "Random seed (default: the scenario's)", "N" },
    { "request-seed", 0, 0, G_OPTION_ARG_CALLBACK, option_request_seed,
      "Seed of the requests' own randomness only (default: the "
      "scenario's request_seed, else the seed; see below)", "N" },
    { "variant", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.variants,
      "Run only this variant (repeatable)", "NAME" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sets,
      "Override a value by JSON Pointer, e.g. --set "
      "/services/0/desiredCount=4 (repeatable)", "/PTR=VALUE" },
    { "events", 0, 0, G_OPTION_ARG_NONE, &o.events,
      "Print the ECS event log as the run goes", NULL },
    { "fidelity", 0, 0, G_OPTION_ARG_STRING, &o.fidelity,
      "Simulate each request (requests, the default) or requests as "
      "flows (aggregate: fast at any horizon)", "F" },
    { "lenient", 0, 0, G_OPTION_ARG_NONE, &o.lenient,
      "Skip (and count) bad lines in traces instead of failing", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
      "No progress line and no summary", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force,
      "Replace another run's outputs in the output folder", NULL },
    { "report", 0, 0, G_OPTION_ARG_NONE, &o.report,
      "Also write DIR/report.html, as 'ecsim report DIR' does", NULL },
    { "strict", 0, 0, G_OPTION_ARG_NONE, &o.strict,
      "Exit with status 3 when a run has warnings", NULL },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &o.junit,
      "Write the expectations as a JUnit XML report", "FILE" },
    { "export-aws", 0, 0, G_OPTION_ARG_FILENAME, &o.export_aws,
      "Also write CloudWatch get-metric-data JSON and ALB access logs "
      "(see below)", "DIR" },
    { "export-period", 0, 0, G_OPTION_ARG_STRING, &o.export_period,
      "Period of the exported datapoints (default 60s)", "DURATION" },
    { "export-epoch", 0, 0, G_OPTION_ARG_STRING, &o.export_epoch,
      "Wall clock of the scenario's Monday 00:00 in the exports (default "
      "2026-01-05T00:00:00Z)", "ISO8601" },
    { "export-aws-sample", 0, 0, G_OPTION_ARG_DOUBLE, &o.export_sample,
      "Write this fraction of the ALB log lines (default 1)", "F" },
    { "export-aws-max-gib", 0, 0, G_OPTION_ARG_DOUBLE, &o.export_max_gib,
      "Refuse ALB logs estimated larger than this (default 2)", "GIB" },
    G_OPTION_ENTRY_NULL
  };
  int status;
  if (!cmd_parse_options(&argc, &argv, "SCENARIO",
                         "Simulate a scenario and write its outputs.",
                         run_description, entries, &o)) {
    status = EXIT_INPUT;
  } else if (argc != 2) {
    cmd_error("run needs one SCENARIO file (see 'ecsim run --help')");
    status = EXIT_INPUT;
  } else if (o.junit && !cmd_junit_not_finished("ecsim run", o.junit)) {
    status = EXIT_INPUT;
  } else if (!export_options(&o)) {
    status = EXIT_INPUT;
  } else if (!cmd_fidelity_ok(o.fidelity)) {
    status = EXIT_INPUT;
  } else {
    status = run_scenario(argv[1], &o);
  }
  g_free(o.output);
  g_free(o.junit);
  g_free(o.export_aws);
  g_free(o.fidelity);
  g_free(o.export_period);
  g_free(o.export_epoch);
  g_strfreev(o.variants);
  g_strfreev(o.sets);
  return status;
}
