/* `ecsim plot`: draw a run's outputs with the gnuplot scripts of plots/.
 *
 * The per-variant pictures read the variant's timeseries.csv directly;
 * the timeline and the comparison read data files written here into a
 * temporary folder (models/experiments/plot.h), removed at the end. Each picture is
 * rendered under a temporary name in OUTDIR/plots and renamed into place
 * when gnuplot succeeded, so it appears whole or not at all. */
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ecsim-config.h"
#include "models/cmd/commands.h"
#include "models/input/input.h"
#include "models/experiments/plot.h"

typedef struct {
  char *gnuplot;       /* its path */
  char *dot;           /* Graphviz's dot, or NULL: call graphs stay .dot */
  gboolean told_no_dot; /* said once that dot is missing */
  char *scripts;       /* the folder of the .gp files */
  char *out;           /* OUTDIR/plots */
  char *data;          /* temporary folder for prepared data */
  gboolean png, svg;
  int written, failed;
  gboolean bad_input;  /* a failure was the input's: exit 2, not 1 */
} Plotter;

/* Reports @error, which stopped a picture. */
static void
picture_failed(Plotter *p, const GError *error)
{
  cmd_error("%s", error->message);
  p->failed++;
  if (cmd_status_for(error) == EXIT_INPUT)
    p->bad_input = TRUE;
}

/* The exit status once every picture was tried. */
static int
plot_status(const Plotter *p)
{
  return p->bad_input ? EXIT_INPUT : p->failed ? 1 : 0;
}

static void
plotter_clear(Plotter *p)
{
  if (p->data != NULL) {
    g_autoptr(GDir) d = g_dir_open(p->data, 0, NULL);
    const char *name;
    while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
      g_autofree char *path = g_build_filename(p->data, name, NULL);
      g_unlink(path);
    }
    g_rmdir(p->data);
  }
  g_free(p->gnuplot);
  g_free(p->dot);
  g_free(p->scripts);
  g_free(p->out);
  g_free(p->data);
}

/* Appends "; NAME='VALUE'" as gnuplot reads it (quotes doubled). */
static void
var_str(GString *vars, const char *name, const char *value)
{
  g_string_append_printf(vars, "%s%s='", vars->len ? "; " : "", name);
  for (const char *c = value; *c; c++) {
    if (*c == '\'')
      g_string_append_c(vars, '\'');
    g_string_append_c(vars, *c);
  }
  g_string_append_c(vars, '\'');
}

/* Appends "; NAME=VALUE"; NAN as 0, which the scripts read as "none". */
static void
var_num(GString *vars, const char *name, double value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_printf(vars, "%s%s=%s", vars->len ? "; " : "", name,
                         isnan(value) ? "0" : g_ascii_formatd(buf, sizeof buf,
                                                              "%.10g", value));
}

static gboolean
has_scripts(const char *dir)
{
  g_autofree char *probe = g_build_filename(dir, "traffic.gp", NULL);
  return g_file_test(probe, G_FILE_TEST_IS_REGULAR);
}

/* The plots/ folder: $ECSIM_PLOTS, the source tree's, or the installed. */
static char *
find_scripts(GError **error)
{
  const char *env = g_getenv("ECSIM_PLOTS");
  if (env != NULL) {
    if (has_scripts(env))
      return g_strdup(env);
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                "ECSIM_PLOTS=%s: no plots/*.gp scripts there", env);
    return NULL;
  }
  const char *candidates[] = { ECSIM_SOURCE_ROOT "/plots",
                               ECSIM_DATADIR "/plots" };
  for (gsize i = 0; i < G_N_ELEMENTS(candidates); i++)
    if (has_scripts(candidates[i]))
      return g_strdup(candidates[i]);
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOENT,
              "cannot find the plot scripts (looked in %s and %s); set "
              "ECSIM_PLOTS to their folder", candidates[0], candidates[1]);
  return NULL;
}

/* A temporary twin of @out_path ("OUT.tmp-XXXXXX": the template mkstemp
 * fills in), created empty and readable; NULL (and an error printed) when
 * it cannot be made. A picture is drawn there, then renamed into place, so
 * a failed or interrupted drawing never leaves a half-written file. */
static char *
temp_twin(const char *out_path)
{
  char *tmp = g_strdup_printf("%s.tmp-XXXXXX", out_path);
  int fd = g_mkstemp(tmp);
  if (fd < 0) {
    cmd_error("%s: cannot create: %s", out_path, g_strerror(errno));
    g_free(tmp);
    return NULL;
  }
  fchmod(fd, 0644);
  close(fd);
  return tmp;
}

/* Runs @argv (a drawing @tool on @input that writes @tmp); renames @tmp to
 * @out_path when it drew something, else removes it. Passes the tool's
 * messages on. */
static gboolean
draw_then_rename(char **argv, const char *tool, const char *input,
                 const char *tmp, const char *out_path)
{
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr(GError) error = NULL;
  GStatBuf st;
  gboolean drawn = g_spawn_sync(NULL, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, NULL, &err, &status, &error) &&
                   g_spawn_check_wait_status(status, &error) &&
                   g_stat(tmp, &st) == 0 && st.st_size > 0;
  if (!drawn && !cmd_interrupted)
    cmd_error("%s: %s failed on %s: %s", out_path, tool, input,
              error ? error->message : "it drew nothing");
  if (err != NULL && *err != '\0' && !cmd_interrupted)
    fputs(err, stderr);
  if (drawn && g_rename(tmp, out_path) != 0) {
    cmd_error("%s: cannot write: %s", out_path, g_strerror(errno));
    drawn = FALSE;
  }
  if (!drawn)
    g_unlink(tmp);
  return drawn;
}

/* Runs gnuplot on @script with @vars, into @out_path's temporary twin;
 * renames it into place on success. Passes gnuplot's messages on. */
static gboolean
render_one(Plotter *p, const char *script, const char *vars,
           const char *out_path, const char *term)
{
  g_autofree char *tmp = temp_twin(out_path);
  if (tmp == NULL)
    return FALSE;
  g_autoptr(GString) all = g_string_new(vars);
  var_str(all, "term", term);
  var_str(all, "outfile", tmp);
  g_autofree char *path = g_strdup_printf("%s/%s.gp", p->scripts, script);
  char *argv[] = { p->gnuplot, "-e", all->str, path, NULL };
  return draw_then_rename(argv, "gnuplot", path, tmp, out_path);
}

/* Renders @script as OUTDIR/plots/@name.png and/or .svg. */
static void
render(Plotter *p, const char *script, const char *name, const char *vars)
{
  const char *terms[] = { p->png ? "png" : NULL, p->svg ? "svg" : NULL };
  for (gsize i = 0; i < G_N_ELEMENTS(terms) && !cmd_interrupted; i++) {
    if (terms[i] == NULL)
      continue;
    g_autofree char *file = g_strdup_printf("%s.%s", name, terms[i]);
    g_autofree char *out = g_build_filename(p->out, file, NULL);
    if (render_one(p, script, vars, out, terms[i])) {
      printf("wrote %s\n", out);
      p->written++;
    } else {
      p->failed++;
    }
  }
}

static void
add_names(GString *vars, const PlotRun *run)
{
  var_str(vars, "scenario", run->scenario);
  var_str(vars, "variant", run->variant);
}

static void
render_series(Plotter *p, const PlotRun *run, const char *prefix)
{
  static const char *const scripts[] = { "traffic", "latency",
                                         "utilization" };
  g_autofree char *datafile = g_build_filename(run->dir, "timeseries.csv",
                                               NULL);
  if (run->period_s * 2 > run->duration_s) {
    /* One point per line: the pictures would be empty axes. */
    printf("no traffic, latency or utilization pictures for %s: one period "
           "only (a shorter \"period\" gives more)\n", prefix);
    return;
  }
  gboolean several = run->services[1] != NULL;
  for (int s = 0; run->services[s] != NULL; s++) {
    for (gsize k = 0; k < G_N_ELEMENTS(scripts); k++) {
      g_autoptr(GString) vars = g_string_new("");
      var_str(vars, "datafile", datafile);
      add_names(vars, run);
      if (several)
        var_str(vars, "service", run->services[s]);
      if (run->has_slo) {
        var_num(vars, "slo_ms", run->slo_threshold_ms);
        var_num(vars, "slo_target", run->slo_target);
      }
      g_autofree char *name =
        several ? g_strdup_printf("%s-%s-%s", prefix, run->services[s],
                                  scripts[k])
                : g_strdup_printf("%s-%s", prefix, scripts[k]);
      render(p, scripts[k], name, vars->str);
    }
  }
}

static void
render_timeline(Plotter *p, const PlotRun *run, const char *prefix)
{
  g_autofree char *file = g_strdup_printf("%s-timeline.dat", prefix);
  g_autofree char *data = g_build_filename(p->data, file, NULL);
  g_auto(PlotTimeline) info = { 0 };
  g_autoptr(GError) error = NULL;
  if (!plot_write_timeline(run, data, &info, &error)) {
    picture_failed(p, error);
    return;
  }
  if (info.n_tasks == 0) {
    printf("no timeline for %s: it started no task\n", run->variant);
  } else {
    g_autoptr(GString) vars = g_string_new("");
    var_str(vars, "datafile", data);
    add_names(vars, run);
    var_num(vars, "horizon_s", run->duration_s);
    var_str(vars, "reasons", info.reasons);
    var_num(vars, "by_instance", info.by_instance);
    var_num(vars, "nrows", info.n_rows);
    var_num(vars, "ntasks", info.n_tasks);
    var_num(vars, "nlives", info.n_lives);
    var_num(vars, "nspot", info.n_spot);
    g_autofree char *name = g_strdup_printf("%s-timeline", prefix);
    render(p, "timeline", name, vars->str);
  }
}

/* Runs dot on @dot_path into @out_path's temporary twin, renamed into
 * place on success, as render_one() does for gnuplot. */
static gboolean
render_dot(Plotter *p, const char *dot_path, const char *out_path,
           const char *format)
{
  g_autofree char *tmp = temp_twin(out_path);
  if (tmp == NULL)
    return FALSE;
  g_autofree char *term = g_strdup_printf("-T%s", format);
  char *argv[] = { p->dot, term, "-o", tmp, (char *) dot_path, NULL };
  return draw_then_rename(argv, "dot", dot_path, tmp, out_path);
}

/* OUTDIR/plots/PREFIX-callgraph.dot when the run has edges, always (it
 * needs no tool); its .png and .svg when Graphviz's dot is installed.
 * Without dot, one line says where to get it: the picture is optional. */
static void
render_callgraph(Plotter *p, const PlotRun *run, const char *prefix)
{
  g_autofree char *file = g_strdup_printf("%s-callgraph.dot", prefix);
  g_autofree char *dot_path = g_build_filename(p->out, file, NULL);
  g_autoptr(GError) error = NULL;
  int n_edges = 0;
  if (!plot_write_callgraph(run, dot_path, &n_edges, &error)) {
    picture_failed(p, error);
    return;
  }
  if (n_edges == 0)
    return;
  printf("wrote %s\n", dot_path);
  if (p->dot == NULL) {
    if (!p->told_no_dot)
      printf("no call-graph pictures: Graphviz's dot is not installed "
             "(apt-get install graphviz); the .dot files are written\n");
    p->told_no_dot = TRUE;
    return;
  }
  const char *formats[] = { p->png ? "png" : NULL, p->svg ? "svg" : NULL };
  for (gsize i = 0; i < G_N_ELEMENTS(formats) && !cmd_interrupted; i++) {
    if (formats[i] == NULL)
      continue;
    g_autofree char *name = g_strdup_printf("%s-callgraph.%s", prefix,
                                            formats[i]);
    g_autofree char *out = g_build_filename(p->out, name, NULL);
    if (render_dot(p, dot_path, out, formats[i])) {
      printf("wrote %s\n", out);
      p->written++;
    } else {
      p->failed++;
    }
  }
}

/* The name of @run's folder, even when given as "." or "x/..". */
static char *
folder_name(const PlotRun *run)
{
  g_autofree char *abs = g_canonicalize_filename(run->dir, NULL);
  return g_path_get_basename(abs);
}

/* cost.gp reads RUNDIR/VARIANT/timeseries.csv for each variant folder,
 * the folders given as a list of double-quoted words. */
static void
render_cost(Plotter *p, GPtrArray *runs)
{
  const PlotRun *first = runs->pdata[0];
  g_autofree char *first_abs = g_canonicalize_filename(first->dir, NULL);
  g_autofree char *rundir = g_path_get_dirname(first_abs);
  g_autoptr(GString) folders = g_string_new("");
  for (guint i = 0; i < runs->len; i++) {
    g_autofree char *base = folder_name(runs->pdata[i]);
    if (strchr(base, '"') != NULL) {
      g_autoptr(GError) error = g_error_new(
        ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
        "%s: no cost picture: gnuplot cannot take a folder name with a "
        "double quote; rename the folder", ((PlotRun *) runs->pdata[i])->dir);
      picture_failed(p, error);
      return;
    }
    g_string_append_printf(folders, "%s\"%s\"", i ? " " : "", base);
  }
  g_autoptr(GString) vars = g_string_new("");
  var_str(vars, "rundir", rundir);
  var_str(vars, "variants", folders->str);
  var_str(vars, "scenario", first->scenario);
  render(p, "cost", "cost", vars->str);
}

static void
render_compare(Plotter *p, GPtrArray *runs)
{
  g_autofree char *data = g_build_filename(p->data, "compare.dat", NULL);
  g_autoptr(GError) error = NULL;
  if (!plot_write_compare(runs, data, &error)) {
    picture_failed(p, error);
    return;
  }
  const PlotRun *first = runs->pdata[0];
  g_autoptr(GString) vars = g_string_new("");
  var_str(vars, "datafile", data);
  var_str(vars, "scenario", first->scenario);
  var_num(vars, "nvariants", runs->len);
  for (guint i = 0; i < runs->len; i++) {
    const PlotRun *r = runs->pdata[i];
    if (r->has_slo) {
      var_num(vars, "slo_ms", r->slo_threshold_ms);
      var_num(vars, "slo_target", r->slo_target);
      break;
    }
  }
  render(p, "compare", "compare", vars->str);
}

static gboolean
run_is(const PlotRun *run, const char *name)
{
  g_autofree char *base = g_path_get_basename(run->dir);
  return strcmp(run->variant, name) == 0 || strcmp(base, name) == 0;
}

/* The runs named by @names (variant or folder names), moved out of @runs
 * in that order. Returns NULL (after a message) when a name is unknown. */
static GPtrArray *
select_runs(GPtrArray *runs, char **names, const char *outdir)
{
  g_autoptr(GString) have = g_string_new("");
  for (guint i = 0; i < runs->len; i++)
    g_string_append_printf(have, "%s%s", i ? ", " : "",
                           ((PlotRun *) runs->pdata[i])->variant);
  g_autoptr(GPtrArray) chosen =
    g_ptr_array_new_with_free_func((GDestroyNotify) plot_run_free);
  for (char **n = names; *n; n++) {
    guint i = 0;
    while (i < runs->len && !run_is(runs->pdata[i], *n))
      i++;
    if (i < runs->len) {
      g_ptr_array_add(chosen, g_ptr_array_steal_index(runs, i));
      continue;
    }
    gboolean again = FALSE;
    for (guint k = 0; k < chosen->len; k++)
      again = again || run_is(chosen->pdata[k], *n);
    if (!again) {
      cmd_error("%s: no variant '%s' (it has: %s)", outdir, *n, have->str);
      return NULL;
    }
  }
  return g_steal_pointer(&chosen);
}

static const char plot_description[] =
  "Draws the outputs of 'ecsim run' in OUTDIR: OUTDIR/VARIANT/ folders (or\n"
  "OUTDIR itself when it is one variant's folder). Writes into OUTDIR/plots/,\n"
  "VARIANT being the variant folder's name:\n"
  "  VARIANT-traffic      requests/s against desired and running tasks and\n"
  "                       registered instances\n"
  "  VARIANT-latency      p50/p90/p99/p99.9 per period and the SLO threshold\n"
  "  VARIANT-utilization  CPU and memory utilization\n"
  "  VARIANT-timeline     each task's states over time, with stop reasons\n"
  "  cost                 cumulative cost, one line per variant\n"
  "  compare              the variants' cost by item, latency and SLO\n"
  "                       attainment (with two variants or more)\n"
  "  VARIANT-callgraph    a run whose services call services: a box per\n"
  "                       service (requests, p99) and an arrow per edge\n"
  "                       (calls, p99, error rate, retries; red dashed when\n"
  "                       attempts failed). The Graphviz file .dot is always\n"
  "                       written; .png and .svg only when Graphviz's dot is\n"
  "                       installed (apt-get install graphviz), else a line\n"
  "                       says so and the other pictures still come out\n"
  "A sweep folder (written by 'ecsim sweep', holding sweep.csv) gets one\n"
  "picture, sweep: cost against the swept value with 95% confidence bands\n"
  "and p99 on the right axis, a line per variant.\n"
  "With several services the first three are per service\n"
  "(VARIANT-SERVICE-traffic...). Needs gnuplot (apt-get install gnuplot-nox);\n"
  "the scripts are in plots/ (ECSIM_PLOTS overrides where they are found)\n"
  "and each documents how to run it by hand.\n\n"
  "Examples:\n"
  "  ecsim run scenarios/fargate-vs-ec2.json -o out/flagship\n"
  "  ecsim plot out/flagship\n"
  "  ecsim plot out/flagship --variant ec2 --format svg\n\n"
  "Exit status: 0 success, 1 a picture failed, 2 bad input or no gnuplot.";

typedef struct {
  char *format;
  char **variants;
} PlotOptions;

static gboolean
set_format(Plotter *p, const char *format)
{
  const char *f = format ? format : "both";
  p->png = strcmp(f, "png") == 0 || strcmp(f, "both") == 0;
  p->svg = strcmp(f, "svg") == 0 || strcmp(f, "both") == 0;
  if (!p->png && !p->svg)
    cmd_error("--format must be png, svg or both, got '%s' (see 'ecsim "
              "plot --help')", f);
  return p->png || p->svg;
}

static int prepare_tools(Plotter *p, const char *outdir);

/* Finds gnuplot, the scripts and OUTDIR's runs; returns the exit status
 * to stop with, or -1 to go on. */
static int
prepare(Plotter *p, const char *outdir, char **names, GPtrArray **runs)
{
  g_autoptr(GError) error = NULL;
  *runs = plot_find_runs(outdir, &error);
  if (*runs == NULL) {
    cmd_error("%s", error->message);
    return cmd_status_for(error);
  }
  if (names != NULL) {
    GPtrArray *chosen = select_runs(*runs, names, outdir);
    g_ptr_array_unref(*runs);
    *runs = chosen;
    if (chosen == NULL)
      return EXIT_INPUT;
  }
  return prepare_tools(p, outdir);
}

/* Finds gnuplot and the scripts, and makes OUTDIR/plots and the temporary
 * data folder; returns the exit status to stop with, or -1 to go on. */
static int
prepare_tools(Plotter *p, const char *outdir)
{
  g_autoptr(GError) error = NULL;
  p->gnuplot = g_find_program_in_path("gnuplot");
  if (p->gnuplot == NULL) {
    cmd_error("gnuplot is not installed (not found on PATH). Install it, "
              "e.g. on Debian or Ubuntu:\n  apt-get install gnuplot-nox\n"
              "and run 'ecsim plot' again.");
    return EXIT_INPUT;
  }
  p->dot = g_find_program_in_path("dot");
  p->scripts = find_scripts(&error);
  if (p->scripts == NULL) {
    cmd_error("%s", error->message);
    return 1;
  }
  p->out = g_build_filename(outdir, "plots", NULL);
  if (g_mkdir_with_parents(p->out, 0755) != 0) {
    cmd_error("%s: cannot create the folder: %s", p->out, g_strerror(errno));
    return 1;
  }
  p->data = g_dir_make_tmp("ecsim-plot-XXXXXX", &error);
  if (p->data == NULL) {
    cmd_error("%s", error->message);
    return 1;
  }
  return -1;
}

static void
render_runs(Plotter *p, GPtrArray *runs)
{
  for (guint i = 0; i < runs->len && !cmd_interrupted; i++) {
    const PlotRun *run = runs->pdata[i];
    g_autofree char *prefix = folder_name(run);
    render_series(p, run, prefix);
    if (!cmd_interrupted)
      render_timeline(p, run, prefix);
    if (!cmd_interrupted)
      render_callgraph(p, run, prefix);
  }
  if (!cmd_interrupted)
    render_cost(p, runs);
  if (!cmd_interrupted && runs->len > 1)
    render_compare(p, runs);
}

/* Renders everything, Ctrl-C stopping between pictures; returns the exit
 * status. */
static int
render_all(Plotter *p, GPtrArray *runs)
{
  cmd_catch_interrupts(TRUE);
  render_runs(p, runs);
  cmd_catch_interrupts(FALSE);
  if (cmd_interrupted) {
    cmd_error("interrupted; pictures not yet drawn were not written");
    return 1;
  }
  printf("%d picture%s in %s\n", p->written, p->written == 1 ? "" : "s",
         p->out);
  if (p->failed)
    cmd_error("%d picture%s failed (see above)", p->failed,
              p->failed == 1 ? "" : "s");
  return plot_status(p);
}

/* A sweep folder (sweep.csv): plots/sweep.gp draws it as
 * OUTDIR/plots/sweep.png and .svg. Returns the exit status. */
static int
render_sweep(Plotter *p, const char *outdir, char **names)
{
  if (names != NULL) {
    cmd_error("%s: a sweep folder: --variant does not apply (sweep.gp draws "
              "every variant)", outdir);
    return EXIT_INPUT;
  }
  int status = prepare_tools(p, outdir);
  if (status >= 0)
    return status;
  g_autofree char *data = g_build_filename(p->data, "sweep.dat", NULL);
  g_auto(PlotSweep) info = { 0 };
  g_autoptr(GError) error = NULL;
  if (!plot_write_sweep(outdir, data, &info, &error)) {
    cmd_error("%s", error->message);
    return cmd_status_for(error);
  }
  g_autoptr(GString) vars = g_string_new("");
  var_str(vars, "datafile", data);
  var_num(vars, "nseries", info.n_series);
  var_str(vars, "titles", info.titles);
  var_str(vars, "xlabel", info.xlabel);
  var_str(vars, "xtics", info.xtics);
  render(p, "sweep", "sweep", vars->str);
  printf("%d picture%s in %s\n", p->written, p->written == 1 ? "" : "s",
         p->out);
  return plot_status(p);
}

int
cmd_plot(int argc, char **argv)
{
  PlotOptions o = { 0 };
  const GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &o.format,
      "png, svg or both (default: both)", "FORMAT" },
    { "variant", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.variants,
      "Draw only this variant (repeatable)", "NAME" },
    G_OPTION_ENTRY_NULL
  };
  Plotter p = { 0 };
  int status = -1;
  if (!cmd_parse_options(&argc, &argv, "OUTDIR",
                         "Draw a run's outputs as PNG and SVG pictures "
                         "with gnuplot.", plot_description, entries, NULL)) {
    status = EXIT_INPUT;
  } else if (argc != 2) {
    cmd_error("plot needs one OUTDIR, written by 'ecsim run' (see 'ecsim "
              "plot --help')");
    status = EXIT_INPUT;
  } else if (!set_format(&p, o.format)) {
    status = EXIT_INPUT;
  }
  g_autoptr(GPtrArray) runs = NULL;
  g_autofree char *outdir = status < 0 ? g_strdup(argv[1]) : NULL;
  /* "out/x/" would make "out/x" its own parent for cost.gp. */
  for (gsize n = outdir ? strlen(outdir) : 0; n > 1 && outdir[n - 1] == '/';)
    outdir[--n] = '\0';
  if (status < 0 && plot_is_sweep(outdir))
    status = render_sweep(&p, outdir, o.variants);
  if (status < 0)
    status = prepare(&p, outdir, o.variants, &runs);
  if (status < 0)
    status = render_all(&p, runs);
  plotter_clear(&p);
  g_free(o.format);
  g_strfreev(o.variants);
  return status;
}
