/* `ecsim sweep`: a scenario over a grid of values x variants x seeds, on
 * threads or MPI ranks, into a SQLite database and CSV files. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/cmd/sweep-mpi.h"
#include "models/cmd/sweep-report.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/experiments/sweep-adaptive.h"
#include "models/experiments/sweep-db.h"
#include "models/experiments/sweep-exec.h"
#include "models/experiments/sweep-stats.h"
#include "sim/progress.h"

typedef struct {
  CmdSeed seed; /* first: cmd_option_seed() fills it */
  char *output;
  char **grid;
  char **variants;
  char **sets;
  char *fidelity; /* --fidelity: one more --set, /fidelity */
  char **best;
  char *minimize;
  gint seeds;
  gint jobs;
  gboolean resume, plot, keep_outputs, quiet;
  gboolean adaptive;
  gint adaptive_initial; /* 0: SWEEP_ADAPTIVE_INITIAL */
  gint budget;           /* 0: the full sweep's runs */
} SweepOptions;

/* What the sweep is doing, for the result sink (rank 0). */
typedef struct {
  const SweepPlan *plan;
  SweepDb *db;
  const char *dir;
  SweepBar *bar;
  guint finished, stored, failed;
  GError *db_error;
  gint64 last_export;
  gboolean *done;  /* --adaptive: per run id, in the database */
} Sweep;

/* Results are exported this often, so that runs.csv and sweep.csv stay
 * close to the database even if the process is killed. */
#define EXPORT_EVERY_US (5 * G_USEC_PER_SEC)

static void
report_failure(Sweep *s, const SweepResult *r)
{
  guint point, variant, k;
  sweep_plan_locate(s->plan, r->run, &point, &variant, &k);
  g_autofree char *label = sweep_plan_point_label(s->plan, point);
  sweep_bar_clear(s->bar);
  cmd_error("run %u (point %u%s%s, variant %s, seed %" G_GUINT64_FORMAT
            ") failed: %s", r->run, point, *label ? " " : "", label,
            s->plan->variants[variant], s->plan->base_seed + k, r->error);
}

static void
on_result(SweepResult *r, gpointer data)
{
  Sweep *s = data;
  if (r != NULL) {
    s->finished++;
    if (r->summary != NULL && s->db_error == NULL) {
      if (sweep_db_add(s->db, s->plan, r, &s->db_error)) {
        s->stored++;
        if (s->done != NULL)
          s->done[r->run] = TRUE;
      } else
        cmd_interrupted = 1; /* stop: nothing more could be recorded */
    } else if (r->summary == NULL && !r->interrupted) {
      s->failed++;
      report_failure(s, r);
    }
    sweep_result_free(r);
  }
  sweep_bar_update(s->bar, s->finished, r != NULL);
  gint64 now = g_get_monotonic_time();
  if (r != NULL && now - s->last_export > EXPORT_EVERY_US) {
    s->last_export = now;
    sweep_db_export(s->db, s->plan, s->dir, NULL, NULL);
  }
}

static char **
concat(char **a, char **b)
{
  g_autoptr(GStrvBuilder) v = g_strv_builder_new();
  if (a)
    g_strv_builder_addv(v, (const char **) a);
  if (b)
    g_strv_builder_addv(v, (const char **) b);
  return g_strv_builder_end(v);
}

/* The plan from a sweep file, or a scenario, and the command line; the
 * file's --best and --minimize unless the command line has its own. */
static SweepPlan *
build_plan(const char *arg, SweepOptions *o, char **default_dir,
           GError **error)
{
  g_auto(SweepFile) f = { 0 };
  gboolean is_file = sweep_file_detect(arg);
  if (is_file && !sweep_file_load(arg, &f, error))
    return NULL;
  g_autoptr(SweepPlan) plan = sweep_plan_new(is_file ? f.scenario : arg);
  if (f.axes != NULL)
    g_ptr_array_extend_and_steal(plan->axes, g_steal_pointer(&f.axes));
  for (char **g = o->grid; g && *g; g++) {
    SweepAxis *axis = sweep_axis_parse(*g, error);
    if (axis == NULL)
      return NULL;
    g_ptr_array_add(plan->axes, axis);
  }
  g_autofree char *fidelity =
    o->fidelity ? g_strdup_printf("/fidelity=%s", o->fidelity) : NULL;
  g_auto(GStrv) sets = concat(f.sets, o->sets);
  plan->sets = concat(sets, (char *[]){ fidelity, NULL });
  plan->variants = o->variants ? g_strdupv(o->variants)
                               : g_strdupv(f.variants);
  plan->n_seeds = o->seeds > 0 ? (guint) o->seeds
                               : f.seeds > 0 ? (guint) f.seeds : 1;
  plan->has_seed = o->seed.set || f.has_seed;
  plan->base_seed = o->seed.set ? (guint64) o->seed.value : f.seed;
  if (o->best == NULL)
    o->best = g_steal_pointer(&f.best);
  if (o->minimize == NULL)
    o->minimize = g_steal_pointer(&f.minimize);
  if (is_file) {
    g_autofree char *base = g_path_get_basename(arg);
    char *dot = strrchr(base, '.');
    if (dot != NULL && dot != base)
      *dot = '\0';
    *default_dir = g_build_filename("out", base, NULL);
  }
  return g_steal_pointer(&plan);
}

static gboolean
parse_goal(SweepOptions *o, GArray *constraints, SweepMetric *minimize,
           GError **error)
{
  for (char **b = o->best; b && *b; b++) {
    SweepConstraint c;
    if (!sweep_constraint_parse(*b, &c, error))
      return FALSE;
    g_array_append_val(constraints, c);
  }
  *minimize = SWEEP_COST;
  if (o->minimize && !sweep_metric_parse(o->minimize, minimize, error)) {
    g_prefix_error(error, "--minimize %s: ", o->minimize);
    return FALSE;
  }
  return TRUE;
}

static void
clear_constraint(gpointer c)
{
  sweep_constraint_clear(c);
}

/* A configuration that fails requests does not serve the traffic, however
 * cheap: --best always holds the error rate to @budget (the scenario's
 * slo.error_budget), unless the user's own error_rate constraint says
 * otherwise ('error_rate<=100%' turns it off). */
static void
add_error_budget(GArray *constraints, double budget)
{
  for (guint i = 0; i < constraints->len; i++)
    if (g_array_index(constraints, SweepConstraint, i).metric ==
        SWEEP_ERROR_RATE)
      return;
  SweepConstraint c = {
    .metric = SWEEP_ERROR_RATE, .below = TRUE, .strict = FALSE,
    .limit = budget, .text = g_strdup_printf("error_rate<=%g%%", 100 * budget),
  };
  g_array_append_val(constraints, c);
}

/* --best judges at a confidence bound, which one seed does not give:
 * said before anything runs rather than after the whole sweep. */
static gboolean
check_seeds_for_best(const SweepOptions *o, const SweepPlan *plan,
                     GError **error)
{
  if ((o->best == NULL && o->minimize == NULL) || plan->n_seeds >= 2)
    return TRUE;
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "%s judges each grid point at its 95%% confidence "
              "bound over seeds, which needs at least 2 seeds per point; "
              "this sweep has %u: add --seeds N (N >= 2; 10 give tight "
              "bounds)", o->best ? "--best" : "--minimize", plan->n_seeds);
  return FALSE;
}

static guint
adaptive_initial(const SweepOptions *o)
{
  return o->adaptive_initial > 0 ? (guint) o->adaptive_initial
                                 : SWEEP_ADAPTIVE_INITIAL;
}

/* --adaptive's options, said before anything runs: it decides what
 * --best names, starts from --adaptive-initial seeds (an interval needs
 * two) and adds seeds up to --seeds. */
static gboolean
check_adaptive(const SweepOptions *o, const SweepPlan *plan, GError **error)
{
  guint initial = adaptive_initial(o);
  if (!o->adaptive && (o->adaptive_initial > 0 || o->budget > 0))
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s only applies to an adaptive sweep: add --adaptive",
                o->budget > 0 ? "--budget" : "--adaptive-initial");
  else if (o->adaptive && o->best == NULL)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "--adaptive spends seeds where the --best decision is "
                "still open, so it needs --best (e.g. --best "
                "'p99<200ms')");
  else if (o->adaptive && initial < 2)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "--adaptive-initial %u: a confidence interval needs at "
                "least 2 seeds per point", initial);
  else if (o->adaptive && plan->n_seeds < initial)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "--adaptive runs every point with %u seeds first "
                "(--adaptive-initial) and adds seeds up to --seeds, but "
                "this sweep has %u: give --seeds N with N > %u (e.g. "
                "--seeds 20)", initial, plan->n_seeds, initial);
  else
    return TRUE;
  return FALSE;
}

/* The run budget (prepared plan): at least the first round. */
static gboolean
check_budget(const SweepOptions *o, const SweepPlan *plan, GError **error)
{
  guint groups = sweep_plan_n_points(plan) * sweep_plan_n_variants(plan);
  guint first = groups * adaptive_initial(o);
  if (!o->adaptive || o->budget == 0 || (guint) o->budget >= first)
    return TRUE;
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "--budget %d is less than the first round of --adaptive: "
              "%u grid point%s x %u variant%s x %u seeds "
              "(--adaptive-initial) = %u runs", o->budget,
              sweep_plan_n_points(plan),
              sweep_plan_n_points(plan) == 1 ? "" : "s",
              sweep_plan_n_variants(plan),
              sweep_plan_n_variants(plan) == 1 ? "" : "s",
              adaptive_initial(o), first);
  return FALSE;
}

typedef struct {
  SweepPlan *plan;
  GArray *constraints;   /* SweepConstraint */
  SweepMetric minimize;
  char *dir;
  SweepDb *db;
  GArray *pending;       /* guint run ids */
} Setup;

static void
setup_clear(Setup *st)
{
  sweep_plan_free(st->plan);
  if (st->constraints)
    g_array_unref(st->constraints);
  g_free(st->dir);
  sweep_db_close(st->db);
  if (st->pending)
    g_array_unref(st->pending);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(Setup, setup_clear)

/* Builds and checks the plan (every rank); rank 0 also opens the
 * database. Returns an exit status, 0 to go on. */
static int
setup(const char *arg, SweepOptions *o, int rank, Setup *st)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *default_dir = NULL;
  st->constraints = g_array_new(FALSE, FALSE, sizeof(SweepConstraint));
  g_array_set_clear_func(st->constraints, clear_constraint);
  st->plan = build_plan(arg, o, &default_dir, &error);
  gboolean ok = st->plan != NULL &&
                parse_goal(o, st->constraints, &st->minimize, &error) &&
                check_adaptive(o, st->plan, &error) &&
                check_seeds_for_best(o, st->plan, &error) &&
                sweep_plan_prepare(st->plan, &error) &&
                check_budget(o, st->plan, &error);
  if (ok)
    add_error_budget(st->constraints, st->plan->error_budget);
  if (ok) {
    g_autofree char *name = g_strdup_printf("%s-sweep",
                                            st->plan->scenario_name);
    st->dir = o->output ? g_strdup(o->output)
                        : default_dir ? g_steal_pointer(&default_dir)
                                      : g_build_filename("out", name, NULL);
    if (o->keep_outputs)
      st->plan->outputs_dir = g_build_filename(st->dir, "runs", NULL);
  }
  if (ok && rank == 0) {
    g_autofree char *db_path = g_build_filename(st->dir, "results.sqlite",
                                                NULL);
    if (g_mkdir_with_parents(st->dir, 0755) != 0)
      g_set_error(&error, G_FILE_ERROR, g_file_error_from_errno(errno),
                  "%s: cannot create the folder: %s", st->dir,
                  g_strerror(errno));
    else
      st->db = sweep_db_open(db_path, st->plan, o->resume, &error);
    ok = st->db != NULL;
    if (ok)
      st->pending = sweep_db_pending(st->db, st->plan);
  }
  if (!ok && rank == 0)
    fprintf(stderr, "%s\n", error->message);
  return ok ? 0 : cmd_status_for(error);
}

static void
print_plan(const Setup *st, guint threads, int ranks)
{
  const SweepPlan *plan = st->plan;
  guint n = sweep_plan_n_runs(plan);
  printf("Sweep      %s: %u grid point%s x %u variant%s x %u seed%s (from "
         "%" G_GUINT64_FORMAT ") = %u run%s", plan->scenario_name,
         sweep_plan_n_points(plan), sweep_plan_n_points(plan) == 1 ? "" : "s",
         sweep_plan_n_variants(plan),
         sweep_plan_n_variants(plan) == 1 ? "" : "s", plan->n_seeds,
         plan->n_seeds == 1 ? "" : "s", plan->base_seed, n, n == 1 ? "" : "s");
  if (st->pending->len < n)
    printf(", %u already done", n - st->pending->len);
  if (ranks > 1)
    printf("; %d MPI ranks\n", ranks);
  else
    printf("; %u thread%s\n", threads, threads == 1 ? "" : "s");
  fflush(stdout);
}

/* Rank 0 after the runs: files, table, --best (and what --adaptive did,
 * when @adaptive is not NULL). Returns the status. */
static int
finish(Setup *st, Sweep *s, const SweepOptions *o, SweepAdaptiveRun *adaptive,
       double wall)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) groups = NULL;
  if (!sweep_db_export(st->db, st->plan, st->dir, &groups, &error) ||
      s->db_error != NULL) {
    cmd_error("%s", s->db_error ? s->db_error->message : error->message);
    return 1;
  }
  gboolean judged = o->best != NULL || o->minimize != NULL;
  if (adaptive != NULL)
    adaptive->runs = sweep_db_n_runs(st->db);
  if (!sweep_write_json(st->plan, groups, judged ? (const SweepConstraint *)
                                  (gpointer) st->constraints->data : NULL,
                        judged ? st->constraints->len : 0, st->minimize,
                        adaptive, st->dir, &error)) {
    cmd_error("%s/sweep.json: %s", st->dir, error->message);
    return 1;
  }
  printf("Runs       %u finished in %.1f s, %u failed; %u in the database\n",
         s->stored, wall, s->failed, sweep_db_n_runs(st->db));
  if (groups->len > 0)
    sweep_print_table(st->plan, groups, stdout);
  if (adaptive != NULL)
    sweep_print_adaptive(adaptive, stdout);
  printf("Outputs    %s/{runs.csv,sweep.csv,sweep.json,results.sqlite}\n",
         st->dir);
  if (cmd_interrupted) {
    cmd_error("interrupted; the %u finished runs are kept: continue with "
              "--resume", sweep_db_n_runs(st->db));
    return 1;
  }
  if (adaptive != NULL && (adaptive->outcome == SWEEP_ADAPTIVE_BUDGET ||
                           adaptive->outcome == SWEEP_ADAPTIVE_SEEDS)) {
    fflush(stdout);
    cmd_error("warning: --adaptive: %s before the winner was shown at "
              "95%% (%u point%s x variant still open); the Best below is "
              "the best so far, not a confident answer: raise %s",
              adaptive->outcome == SWEEP_ADAPTIVE_BUDGET
                ? "the run budget ran out" : "the --seeds ran out",
              adaptive->open, adaptive->open == 1 ? "" : "s",
              adaptive->outcome == SWEEP_ADAPTIVE_BUDGET ? "--budget"
                                                         : "--seeds");
  }
  if ((o->best != NULL || o->minimize != NULL) && groups->len > 0)
    sweep_print_best(st->plan, groups,
                     (const SweepConstraint *) (gpointer)
                       st->constraints->data,
                     st->constraints->len, st->minimize, stdout);
  fflush(stdout);
  return s->failed ? 1 : 0;
}

/* The groups at the adaptive level (into @groups_out), judged: sets
 * @best and @a->open, and returns a flag per group, TRUE for those that
 * get another seed (new), or NULL when the database fails. */
static gboolean *
judge_round(Setup *st, Sweep *s, SweepAdaptiveRun *a, GArray **groups_out,
            int *best)
{
  *groups_out = sweep_db_groups_at(st->db, st->plan, a->level,
                                   &s->db_error);
  if (*groups_out == NULL)
    return NULL;
  gboolean *open = g_new0(gboolean, (*groups_out)->len + 1);
  *best = sweep_adaptive_judge(*groups_out,
                               (const SweepConstraint *) (gpointer)
                                 st->constraints->data,
                               st->constraints->len, st->minimize, open);
  a->open = 0;
  for (guint i = 0; i < (*groups_out)->len; i++)
    a->open += open[i];
  return open;
}

/* --adaptive: rounds of runs (each on @threads threads; decisions only
 * between rounds, so that -j changes nothing) until the decision is shown
 * or the budget or the seeds are spent. Fills in @a. */
static void
run_adaptive(Setup *st, const SweepOptions *o, Sweep *s, guint threads,
             SweepAdaptiveRun *a)
{
  guint n_runs = sweep_plan_n_runs(st->plan);
  g_autofree gboolean *done = g_new(gboolean, n_runs);
  for (guint r = 0; r < n_runs; r++)
    done[r] = TRUE;
  for (guint i = 0; i < st->pending->len; i++)
    done[g_array_index(st->pending, guint, i)] = FALSE;
  s->done = done;
  g_autoptr(GArray) round = sweep_adaptive_first_round(st->plan, a->initial,
                                                       done);
  guint open = a->n_groups;
  for (gboolean initial = TRUE;; initial = FALSE) {
    if (round->len > 0) {
      a->rounds++;
      sweep_bar_clear(s->bar);
      if (!o->quiet)
        sweep_print_round(a, round->len, open, initial, stdout);
      sweep_exec_threads(st->plan, (const guint *) (gpointer) round->data,
                         round->len, threads, &cmd_interrupted, on_result, s);
    }
    a->outcome = SWEEP_ADAPTIVE_STOPPED;
    if (cmd_interrupted || s->failed > 0 || s->db_error != NULL)
      break;
    g_autoptr(GArray) groups = NULL;
    int best;
    g_autofree gboolean *flags = judge_round(st, s, a, &groups, &best);
    if (flags == NULL)
      break;
    open = a->open;
    if (open == 0) {
      a->outcome = best >= 0 ? SWEEP_ADAPTIVE_SHOWN : SWEEP_ADAPTIVE_NONE;
      break;
    }
    guint spent = sweep_db_n_runs(st->db);
    guint room = a->budget > spent ? a->budget - spent : 0;
    gboolean capped;
    g_array_unref(round);
    round = sweep_adaptive_next_round(st->plan, groups, flags, done, room,
                                      &capped);
    if (round->len == 0) {
      a->outcome = room == 0 ? SWEEP_ADAPTIVE_BUDGET : SWEEP_ADAPTIVE_SEEDS;
      break;
    }
  }
  s->done = NULL;
}

static SweepAdaptiveRun
adaptive_start(const Setup *st, const SweepOptions *o)
{
  guint groups = sweep_plan_n_points(st->plan) *
                 sweep_plan_n_variants(st->plan);
  SweepAdaptiveRun a = {
    .initial = adaptive_initial(o), .n_groups = groups,
    .n_intervals = groups * (st->constraints->len + 1),
    .level = sweep_adaptive_level(groups, st->constraints->len),
    .runs_full = sweep_plan_n_runs(st->plan),
  };
  a.budget = o->budget > 0 ? MIN((guint) o->budget, a.runs_full)
                           : a.runs_full;
  return a;
}

static int
run_sweep(Setup *st, const SweepOptions *o, int rank, int ranks)
{
  if (rank != 0) {
    sweep_mpi_work(st->plan, &cmd_interrupted);
    return 0;
  }
  guint threads = o->jobs > 0 ? (guint) o->jobs
                              : ranks > 1 ? 1 : g_get_num_processors();
  if (!o->quiet)
    print_plan(st, threads, ranks);
  SweepAdaptiveRun adaptive = { 0 };
  guint to_run = st->pending->len;
  if (o->adaptive) {
    adaptive = adaptive_start(st, o);
    guint done = sweep_plan_n_runs(st->plan) - st->pending->len;
    to_run = adaptive.budget > done ? adaptive.budget - done : 0;
  }
  g_autoptr(SweepBar) bar = sweep_bar_new(
    to_run, sim_progress_wanted(stderr, o->quiet));
  Sweep s = { .plan = st->plan, .db = st->db, .dir = st->dir, .bar = bar,
              .last_export = g_get_monotonic_time() };
  gint64 start = g_get_monotonic_time();
  const guint *runs = (const guint *) (gpointer) st->pending->data;
  if (o->adaptive)
    run_adaptive(st, o, &s, threads, &adaptive);
  else if (ranks > 1)
    sweep_mpi_coordinate(st->plan, runs, st->pending->len, threads,
                         &cmd_interrupted, on_result, &s);
  else
    sweep_exec_threads(st->plan, runs, st->pending->len, threads,
                       &cmd_interrupted, on_result, &s);
  sweep_bar_clear(bar);
  int status = finish(st, &s, o, o->adaptive ? &adaptive : NULL,
                      (double) (g_get_monotonic_time() - start) / 1e6);
  g_clear_error(&s.db_error);
  return status;
}

static int
sweep_main(const char *arg, SweepOptions *o)
{
  int rank = 0, ranks = 1;
  gboolean mpi = sweep_mpi_init(&rank, &ranks);
  cmd_catch_interrupts(TRUE);
  int status;
  g_autofree char *dir = NULL;
  {
    g_auto(Setup) st = { 0 };
    status = setup(arg, o, rank, &st);
    if (status == 0 && o->adaptive && ranks > 1) {
      /* Rounds would need the other ranks to wait between them. */
      if (rank == 0)
        cmd_error("--adaptive runs on threads (-j) only: start it without "
                  "mpirun/srun, or run the full sweep under MPI");
      status = EXIT_INPUT;
    }
    if (mpi)
      status = sweep_mpi_agree(status);
    if (status == 0)
      status = run_sweep(&st, o, rank, ranks);
    dir = g_strdup(st.dir);
  }
  cmd_catch_interrupts(FALSE);
  if (mpi)
    sweep_mpi_finalize();
  /* gnuplot is started after MPI is done with the process. */
  if (o->plot && status == 0 && rank == 0) {
    char *argv[] = { "ecsim plot", dir, NULL };
    status = cmd_plot(2, argv);
  }
  return status;
}

static const char sweep_description[] =
  "Runs SCENARIO at every point of a grid of values (--grid, repeatable: "
  "the\nCartesian product), for each variant (all, or --variant) and "
  "--seeds seeds:\nseed = the first seed + k, k = 0..N-1 (the first is "
  "--seed, else the\nscenario's \"seed\"). Each run is its own world, so "
  "results do not depend on -j.\n\n"
  "  --grid /pointer=START:STOP:STEP   numbers, STOP included\n"
  "  --grid /pointer=A,B,C             JSON values or bare strings, as "
  "--set\n\n"
  "Instead of SCENARIO, a sweep file (JSON) can describe the sweep:\n"
  "  {\"scenario\": \"web.json\", \"grid\": {\"/services/0/desiredCount\": "
  "\"2:6:2\",\n   \"/taskDefinitions/0/cpu\": [512, 1024]}, \"seeds\": 20, "
  "\"variants\": [\"fargate\"],\n   \"seed\": 1, \"set\": {\"/duration\": "
  "\"6h\"}, \"best\": \"p99<200ms\", \"minimize\": \"cost\"}\n"
  "(the scenario's path is relative to the sweep file; options add to or "
  "override it).\n\n"
  "--fidelity aggregate runs them all in the aggregate fidelity ('ecsim "
  "run\n--help'): many seeds for little CPU, where a figure moves from "
  "seed to seed.\n\n"
  "Writes DIR/results.sqlite (a transaction per finished run; tables "
  "sweep, runs,\nparameters, series), DIR/runs.csv (one row per run) and "
  "DIR/sweep.csv (per grid\npoint and variant: mean and 95% confidence "
  "half-width over the seeds). Ctrl-C\nkeeps the finished runs; --resume "
  "runs only those not in DIR/results.sqlite.\n\n"
  "--best 'p99<200ms' (repeatable; also p50, p90, p999, cost, slo, "
  "error_rate,\ntask_hours, instance_hours, cpu; <, <=, >, >=) names the "
  "grid point and variant\nwith the lowest mean --minimize metric (default "
  "cost) among those meeting every\nconstraint at its 95% confidence bound: "
  "the upper bound for '<', the lower for\n'>' (so it needs --seeds 2 or "
  "more, checked before anything runs). None\nqualifying is reported, with "
  "exit 0. A point that fails requests does not serve\nthe traffic: "
  "'error_rate<=B' is always one of the constraints, B the scenario's\n"
  "slo.error_budget (default 0.1%), unless an error_rate constraint is "
  "given\n(--best 'error_rate<=100%' turns it off). A percentile's "
  "half-width is never\nless than the latency histogram's bucket width at "
  "its mean (0.5 ms at 200 ms).\n\n"
  "--adaptive (with --best) spends seeds only where the decision is open. "
  "Every\npoint and variant runs --adaptive-initial seeds (default 3); then, "
  "round by\nround, only those whose interval still overlaps the decision "
  "(a constraint's\nlimit, or the current best's cost) get one more seed, "
  "up to --seeds. The\nprocedure is sequential elimination (Paulson 1964, "
  "Ann. Math. Statist.\n35:174-180) judged with Bonferroni-adjusted t "
  "intervals: each of the k x (c+1)\nmeans (k points x variants, c "
  "constraints) at level 1 - 0.05/(k(c+1)). It\nstops when the winner is "
  "shown at 95% (every other point infeasible or\ncostlier), or when "
  "--budget RUNS (default: the full sweep's) or --seeds is\nspent: then a "
  "warning, and Best is the best so far. Seed k of a point is the\nfull "
  "sweep's (common random numbers) and decisions fall between rounds, so "
  "-j\nchanges nothing. Threads only (not under MPI).\n\n"
  "Under MPI (built with -Dmpi=true), 'mpirun -n K ecsim sweep ...' "
  "spreads the\nruns over K ranks: rank 0 hands them out one at a time and "
  "writes the files.\n\n"
  "Example:\n  ecsim sweep scenarios/fargate-vs-ec2.json --variant fargate "
  "\\\n    --grid '/services/0/scaling/policies/0/"
  "TargetTrackingScalingPolicyConfiguration/TargetValue=40:80:10' \\\n"
  "    --seeds 10 --best 'p99<250ms' -o out/target-sweep\n\n"
  "Exit status: 0 success, 1 a run failed or interrupted, 2 bad input.";

int
cmd_sweep(int argc, char **argv)
{
  SweepOptions o = { 0 };
  const GOptionEntry entries[] = {
    { "grid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.grid,
      "Sweep a value by JSON Pointer (repeatable)", "/PTR=VALUES" },
    { "seeds", 0, 0, G_OPTION_ARG_INT, &o.seeds,
      "Seeds per grid point and variant (default 1)", "N" },
    { "seed", 0, 0, G_OPTION_ARG_CALLBACK, cmd_option_seed,
      "First seed (default: the scenario's)", "N" },
    { "variant", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.variants,
      "Run only these variants (repeatable)", "NAME" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.sets,
      "Override a value by JSON Pointer in every run (repeatable)",
      "/PTR=VALUE" },
    { "fidelity", 0, 0, G_OPTION_ARG_STRING, &o.fidelity,
      "requests or aggregate, in every run (default: the scenario's)",
      "F" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &o.output,
      "Output folder (default: out/SCENARIO-NAME-sweep)", "DIR" },
    { "jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs,
      "Simulations at once (default: one per core; 1 per rank under MPI)",
      "N" },
    { "resume", 0, 0, G_OPTION_ARG_NONE, &o.resume,
      "Continue the sweep in DIR: skip the runs it holds", NULL },
    { "best", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.best,
      "A constraint the best point must meet (repeatable)", "'p99<200ms'" },
    { "minimize", 0, 0, G_OPTION_ARG_STRING, &o.minimize,
      "The metric --best minimises (default: cost)", "METRIC" },
    { "adaptive", 0, 0, G_OPTION_ARG_NONE, &o.adaptive,
      "With --best: spend seeds only where the decision is open (see "
      "below)", NULL },
    { "adaptive-initial", 0, 0, G_OPTION_ARG_INT, &o.adaptive_initial,
      "Seeds every point runs first under --adaptive (default 3)", "N" },
    { "budget", 0, 0, G_OPTION_ARG_INT, &o.budget,
      "Most runs --adaptive makes (default: the full sweep's)", "RUNS" },
    { "plot", 0, 0, G_OPTION_ARG_NONE, &o.plot,
      "Draw DIR/plots/sweep.png and .svg at the end", NULL },
    { "outputs", 0, 0, G_OPTION_ARG_NONE, &o.keep_outputs,
      "Also write each run's outputs into DIR/runs/RUN/", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet,
      "No plan line or progress bar", NULL },
    G_OPTION_ENTRY_NULL
  };
  int status;
  if (!cmd_parse_options(&argc, &argv, "SCENARIO|SWEEP.json",
                         "Run a scenario over a grid of values, variants "
                         "and seeds.", sweep_description, entries, &o)) {
    status = EXIT_INPUT;
  } else if (argc != 2 || o.jobs < 0 || o.seeds < 0 ||
             o.adaptive_initial < 0 || o.budget < 0) {
    cmd_error("%s (see 'ecsim sweep --help')",
              argc != 2 ? "sweep needs one SCENARIO or SWEEP.json"
                        : "-j, --seeds, --adaptive-initial and --budget "
                          "must be positive");
    status = EXIT_INPUT;
  } else if (!cmd_fidelity_ok(o.fidelity)) {
    status = EXIT_INPUT;
  } else {
    status = sweep_main(argv[1], &o);
  }
  g_free(o.output);
  g_strfreev(o.grid);
  g_strfreev(o.variants);
  g_strfreev(o.sets);
  g_free(o.fidelity);
  g_strfreev(o.best);
  g_free(o.minimize);
  return status;
}
