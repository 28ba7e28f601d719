/* `ecsim compare`: run variants side by side with common random numbers
 * and find the Fargate/EC2 break-even. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "models/experiments/batch.h"
#include "models/cmd/commands.h"
#include "models/experiments/compare.h"
#include "models/output/run-manifest.h"
#include "models/config/warnings.h"
#include "models/config/scenario.h"

typedef struct {
  CmdSeed seed; /* first: cmd_option_seed() fills it */
  char *output;
  char *junit;
  char **variants;
  char **sets;
  gint jobs;
  gboolean no_break_even;
  gboolean screen;
  char *tie_text;   /* --tie as given */
  double tie;       /* ... as a fraction */
  gboolean quiet;
  gboolean force;
} CompareOptions;

static GPtrArray *
configure(Scenario *scn, const CompareOptions *o, GError **error)
{
  ScenarioOptions so = { .has_seed = o->seed.set, .seed = (guint64) o->seed.value };
  GPtrArray *cfgs =
    g_ptr_array_new_with_free_func((GDestroyNotify) scenario_config_free);
  guint n = o->variants ? g_strv_length(o->variants)
                        : scenario_n_variants(scn);
  for (guint i = 0; i < n; i++) {
    const char *v = o->variants ? o->variants[i]
                                : scenario_variant_name(scn, i);
    /* Named twice, run once: both would write the same folder. */
    if (o->variants && cmd_strv_index(o->variants, v) != (gssize) i)
      continue;
    ScenarioConfig *cfg = scenario_configure(scn, v, &so, error);
    if (cfg == NULL) {
      g_prefix_error(error, "variant %s: ", v);
      g_ptr_array_unref(cfgs);
      return NULL;
    }
    g_ptr_array_add(cfgs, cfg);
  }
  return cfgs;
}

/* Break-evens of every Fargate variant against every EC2 variant, begun
 * (compare_break_even_begin(): their screens run). NULL when a run failed
 * (@error set). */
static GPtrArray *
begin_break_evens(GPtrArray *cfgs, const CompareOptions *o, GError **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func(
    (GDestroyNotify) compare_break_even_free);
  for (guint f = 0; f < cfgs->len; f++) {
    if (compare_uses_ec2(cfgs->pdata[f]))
      continue;
    for (guint e = 0; e < cfgs->len; e++) {
      if (!compare_uses_ec2(cfgs->pdata[e]))
        continue;
      BreakEvenOptions bo = {
        .threads = (guint) o->jobs,
        .screen = o->screen,
        .tie = o->tie,
        .interrupt = &cmd_interrupted,
        .verbose = !o->quiet,
      };
      BreakEven *be =
        compare_break_even_begin(cfgs->pdata[f], cfgs->pdata[e], &bo, error);
      if (be == NULL) {
        g_ptr_array_unref(out);
        return NULL;
      }
      g_ptr_array_add(out, be);
    }
  }
  return out;
}

/* Finishes the break-evens @bes with the variants' runs @jobs (in the
 * order of @cfgs). After Ctrl-C each keeps what it measured, and says it
 * was interrupted. FALSE when a run failed (@error set). */
static gboolean
finish_break_evens(GPtrArray *bes, GPtrArray *cfgs, GPtrArray *jobs,
                   GError **error)
{
  for (guint i = 0; i < bes->len; i++) {
    BreakEven *be = bes->pdata[i];
    guint f = 0, e = 0;
    g_ptr_array_find(cfgs, be->fargate_cfg, &f);
    g_ptr_array_find(cfgs, be->ec2_cfg, &e);
    if (!compare_break_even_finish(be, ((BatchJob *) jobs->pdata[f])->summary,
                                   ((BatchJob *) jobs->pdata[e])->summary,
                                   error))
      return FALSE;
  }
  return TRUE;
}

/* Progress of compare's batch: a line per run as it finishes, the
 * variants' counted ("[1/2] fargate done"), the break-evens' planned runs
 * by their level (they were announced when planned, and the longest
 * finish last). */
typedef struct {
  const CompareOptions *o;
  guint done, total;
} Progress;

static void
on_done(const BatchJob *job, guint done, guint total, gpointer data)
{
  Progress *p = data;
  if (p->o->quiet)
    return;
  if (job->output_dir == NULL) {
    fprintf(stderr, "break-even: %s at %.3gx traffic %s\n", job->cfg->variant,
            job->traffic_scale, job->summary ? "done" : job->error);
    return;
  }
  p->done++;
  fprintf(stderr, "[%u/%u] %s %s\n", p->done, p->total, job->cfg->variant,
          job->summary ? "done" : job->error);
}

/* The batch to run: the variants' @jobs, then the break-evens' planned
 * runs. Threads take jobs in order: the variants' runs finish first
 * (what Ctrl-C keeps), and the planned runs, at scaled traffic, fill the
 * threads after them about as well as the longest-first order would. */
static GPtrArray *
batch_of(GPtrArray *jobs, GPtrArray *bes)
{
  GPtrArray *all = g_ptr_array_new();
  for (guint i = 0; i < jobs->len; i++)
    g_ptr_array_add(all, jobs->pdata[i]);
  for (guint i = 0; bes != NULL && i < bes->len; i++) {
    const GPtrArray *planned = ((const BreakEven *) bes->pdata[i])->planned;
    for (guint k = 0; k < planned->len; k++)
      g_ptr_array_add(all, planned->pdata[k]);
  }
  return all;
}

/* After Ctrl-C during the variants' runs: compare.csv and compare.json
 * of those that finished. */
static void
write_finished(const char *dir, GPtrArray *jobs)
{
  g_autoptr(GPtrArray) done = g_ptr_array_new();
  for (guint i = 0; i < jobs->len; i++)
    if (((BatchJob *) jobs->pdata[i])->summary)
      g_ptr_array_add(done, ((BatchJob *) jobs->pdata[i])->summary);
  g_autoptr(GError) error = NULL;
  if (done->len > 0 && !compare_write(dir, done, NULL, &error))
    cmd_error("%s", error->message);
}

static const char compare_description[] =
  "Runs the variants of SCENARIO (all, or those named with --variant) with "
  "the same\nseed, so they see the same traffic (common random numbers), "
  "on -j threads; writes\neach variant's outputs to DIR/VARIANT/ and "
  "DIR/compare.csv and DIR/compare.json,\nand prints the table (with each "
  "variant's cost per month: the run's cost x 730 h /\nits duration). For "
  "each pair of a Fargate and an EC2 variant it then states the\n"
  "break-even: the traffic level (and the EC2 tasks' utilisation) at which "
  "EC2\nbecomes cheaper, found by re-running both at scaled traffic (0.125x "
  "to 8x, then\nbisection); --no-break-even skips that.\n\n"
  "The aggregate fidelity (see 'ecsim run --help', --fidelity) screens "
  "the search:\nit tries the levels and bisects in seconds, before the "
  "variants run; then\nrequest-level runs of both variants (same seed) "
  "confirm the final bracket, as\nwide as a request-level search's, in one "
  "batch with the variants' own runs.\nWhen they bracket the "
  "crossing too, or put the costs within the tie\nat both ends (then the "
  "crossing's level is the aggregate fidelity's), the search\nstops; "
  "otherwise, or when the screen finds no crossing, it goes on request "
  "by\nrequest. The statement says which fidelity each figure comes "
  "from. --no-screen\nsearches request by request only; so does a "
  "scenario the aggregate fidelity\ncannot run (calls between services).\n\n"
  "A cheaper variant that does not serve the traffic is not cheaper: costs "
  "are\ncompared only at levels where both meet the scenario's \"slo\" "
  "and error budget\n(\"slo\": {\"error_budget\": 0.001}, the default: "
  "0.1% of requests may fail). Each\nlevel tried is printed with whether "
  "each variant met them; a level where one\nfails bounds the range in "
  "which the answer holds, and the statement says so.\nCtrl-C during the "
  "break-even keeps compare.csv and compare.json (with the\nlevels "
  "measured) and exits with status 1.\n\n"
  "Each variant's warnings (see 'ecsim run --help') are printed on "
  "stderr after\nthe table. A folder holding another run's outputs is "
  "refused unless --force.\n\n"
  "Example:\n  ecsim compare scenarios/fargate-vs-ec2.json -o "
  "out/compare\n\nThe scenario's \"expect\" section is checked on each "
  "variant (PASS/FAIL lines;\n--junit writes them as JUnit XML).\n\n"
  "Exit status: 0 success, 1 failure or interrupted, 2 bad input, 3 "
  "expectations\nnot met.";

static int
compare_main(Scenario *scn, CompareOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) cfgs = configure(scn, o, &error);
  if (cfgs == NULL) {
    fprintf(stderr, "%s\n", error->message);
    return cmd_status_for(error);
  }
  const ScenarioConfig *first = cfgs->pdata[0];
  g_autofree char *dir = o->output
                           ? g_strdup(o->output)
                           : g_build_filename("out", first->name, NULL);
  /* One run per folder: another run's outputs are refused, or with
   * --force removed before this one writes. */
  g_autoptr(RunManifest) manifest = run_manifest_new(scn, first);
  g_autoptr(GPtrArray) stale = NULL;
  if (!run_manifest_claim(dir, manifest, o->force, &stale, &error) ||
      !run_manifest_remove_stale(stale, NULL, &error)) {
    cmd_error("%s", error->message);
    return cmd_status_for(error);
  }
  g_autoptr(GPtrArray) jobs =
    g_ptr_array_new_with_free_func((GDestroyNotify) batch_job_free);
  for (guint i = 0; i < cfgs->len; i++) {
    const ScenarioConfig *cfg = cfgs->pdata[i];
    g_autofree char *vdir = g_build_filename(dir, cfg->variant, NULL);
    BatchJob *job = batch_job_new(cfg, 1.0, vdir);
    g_autoptr(RunManifest) m = run_manifest_new(scn, cfg);
    job->manifest = run_manifest_to_json(m);
    g_ptr_array_add(jobs, job);
  }
  /* The break-evens' screens first (seconds): the request-level runs they
   * are sure to need then share one batch with the variants' own. */
  g_autoptr(GPtrArray) bes = NULL;
  if (!o->no_break_even) {
    bes = begin_break_evens(cfgs, o, &error);
    if (bes == NULL) {
      cmd_error("%s", error->message);
      return 1;
    }
  }
  g_autoptr(GPtrArray) batch = batch_of(jobs, bes);
  Progress progress = { o, 0, jobs->len };
  batch_run(batch, (guint) o->jobs, &cmd_interrupted, on_done, &progress);
  /* A planned run of a break-even that failed is run again, and its
   * error reported, when the break-even goes on. */
  gboolean variants_ok = TRUE;
  for (guint i = 0; i < jobs->len; i++)
    variants_ok &= ((BatchJob *) jobs->pdata[i])->summary != NULL;
  if (!variants_ok) {
    write_finished(dir, jobs);
    cmd_error(cmd_interrupted ? "interrupted; the variants that finished are "
                            "in %s (and its compare.csv, compare.json)"
                              : "a variant failed (see above); "
                                "outputs are in %s", dir);
    return 1;
  }
  g_autoptr(GPtrArray) summaries = g_ptr_array_new();
  for (guint i = 0; i < jobs->len; i++)
    g_ptr_array_add(summaries, ((BatchJob *) jobs->pdata[i])->summary);
  compare_print_table(summaries, stdout);
  fflush(stdout);
  for (guint i = 0; i < summaries->len; i++)
    warnings_print_json(
      cJSON_GetObjectItemCaseSensitive(summaries->pdata[i], "warnings"),
      ((const ScenarioConfig *) cfgs->pdata[i])->variant, stderr);
  gboolean interrupted = FALSE;
  if (!o->no_break_even) {
    if (!finish_break_evens(bes, cfgs, jobs, &error)) {
      cmd_error("%s", error->message);
      return 1;
    }
    for (guint i = 0; i < bes->len; i++) {
      const BreakEven *be = bes->pdata[i];
      compare_break_even_print(be, stdout);
      interrupted |= be->interrupted;
    }
  }
  if (!compare_write(dir, summaries, bes, &error)) {
    cmd_error("%s", error->message);
    return 1;
  }
  printf("\nOutputs    %s/{compare.csv,compare.json,VARIANT/}\n", dir);
  if (interrupted) {
    fflush(stdout);
    cmd_error("break-even interrupted; the variants' runs and the traffic "
              "levels measured are in %s/compare.csv and compare.json", dir);
    return 1;
  }
  if (((const ScenarioConfig *) cfgs->pdata[0])->expect->len > 0)
    fputc('\n', stdout);
  return cmd_check_expectations("ecsim compare", scn, cfgs, summaries, FALSE,
                                o->junit);
}

static int
compare_file(const char *path, CompareOptions *o)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Scenario) scn = scenario_load(path, &error);
  for (char **s = o->sets; scn && s && *s; s++)
    if (!scenario_add_override(scn, *s, &error))
      g_clear_pointer(&scn, scenario_free);
  if (scn == NULL) {
    fprintf(stderr, "%s\n", error->message);
    return cmd_status_for(error);
  }
  cmd_catch_interrupts(TRUE);
  int status = compare_main(scn, o);
  cmd_catch_interrupts(FALSE);
  return status;
}

/* --tie: a percentage from 0 to 25, the % sign optional; absent, the
 * default. */
static gboolean
parse_tie(const char *text, double *tie)
{
  *tie = COMPARE_TIE_DEFAULT;
  if (text == NULL)
    return TRUE;
  char *end = NULL;
  double pct = g_ascii_strtod(text, &end);
  if (end != NULL && *end == '%')
    end++;
  if (end == text || *end != '\0' || !(pct >= 0 && pct <= 25)) {
    cmd_error("--tie %s: must be a percentage from 0 to 25, such as 2%%",
              text);
    return FALSE;
  }
  *tie = pct / 100;
  return TRUE;
}

int
cmd_compare(int argc, char **argv)
{
  CompareOptions o = { .jobs = 0, .screen = TRUE };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      "Output folder (default: out/SCENARIO-NAME)", "DIR" },
    { "variant", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.variants,
      "Compare only these variants (repeatable)", "NAME" },
    { "seed", 0, 0, G_OPTION_ARG_CALLBACK, cmd_option_seed,
      "Random seed (default: the scenario's)", "N" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sets,
      "Override a value by JSON Pointer in every variant (repeatable)",
      "/PTR=VALUE" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs,
      "Simulations run at once (default: one per core)", "N" },
    { "no-break-even", 0, 0, G_OPTION_ARG_NONE, &o.no_break_even,
      "Do not search for the Fargate/EC2 break-even", NULL },
    { "no-screen", 0, G_OPTION_FLAG_REVERSE, G_OPTION_ARG_NONE, &o.screen,
      "Search the break-even request by request only, without the "
      "aggregate fidelity's screen (see below)", NULL },
    /* The default since December 2026; kept for the scripts that ask. */
    { "screen", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o.screen,
      NULL, NULL },
    { "tie", 0, 0, G_OPTION_ARG_STRING, &o.tie_text,
      "Costs within PCT of each other are a tie (default 2%; 0: none)",
      "PCT" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
      "No progress lines", NULL },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force,
      "Replace another run's outputs in the output folder", NULL },
    { "junit", 0, 0, G_OPTION_ARG_FILENAME, &o.junit,
      "Write the expectations as a JUnit XML report", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  int status;
  if (!cmd_parse_options(&argc, &argv, "SCENARIO",
                         "Compare a scenario's variants side by side, with "
                         "the Fargate/EC2 break-even.",
                         compare_description, entries, &o)) {
    status = EXIT_INPUT;
  } else if (!parse_tie(o.tie_text, &o.tie)) {
    status = EXIT_INPUT;
  } else if (argc != 2 || o.jobs < 0) {
    cmd_error("compare needs one SCENARIO (see 'ecsim compare --help')");
    status = EXIT_INPUT;
  } else if (o.junit && !cmd_junit_not_finished("ecsim compare", o.junit)) {
    status = EXIT_INPUT;
  } else {
    status = compare_file(argv[1], &o);
  }
  g_free(o.output);
  g_free(o.junit);
  g_free(o.tie_text);
  g_strfreev(o.variants);
  g_strfreev(o.sets);
  return status;
}
