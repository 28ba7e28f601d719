/* Reading a finished run's outputs back for `ecsim plot`, and writing the
 * data files that gnuplot cannot make from them itself: the variants
 * compared (from each summary.json) and task timelines (from tasks.csv and
 * instances.csv). plots/compare.gp and plots/timeline.gp document the
 * files' columns.
 *
 * Errors about the run's files are ECSIM_INPUT_ERROR and name the file. */
#pragma once

#include <glib.h>

/* One variant's outputs, read from DIR/summary.json. Filled in by
 * plot_run_load(); read-only for callers. Figures absent from the summary
 * (null) are NAN. */
typedef struct {
  char *dir;                /* the variant's folder, as given */
  char *scenario;           /* scenario.name */
  char *variant;            /* scenario.variant */
  double duration_s;        /* scenario.duration_s */
  guint64 seed;             /* scenario.seed */
  char *run_id;             /* manifest.json's "run", or NULL (older
                               outputs have no manifest) */
  double period_s;          /* scenario.period_s (NAN when absent) */
  char **services;          /* services[].name in scenario order; strv */
  gboolean has_slo;         /* slo is an object (not null) */
  double slo_threshold_ms;  /* slo.threshold_ms */
  double slo_target;        /* slo.target, a share (0.99) */
  double slo_attainment;    /* slo.attainment, a share */
  double cost_total;        /* cost.total_usd */
  double cost_compute;      /* cost.items.compute (includes idle EC2) */
  double cost_storage;      /* cost.items.storage */
  double cost_lb;           /* cost.items.load_balancer */
  double cost_unused_ec2;   /* cost.unused_ec2_usd: idle instance capacity */
  double p50_ms, p90_ms, p99_ms; /* latency over the whole run */
  double error_rate;        /* requests.error_rate, a share */
} PlotRun;

/* Reads @dir/summary.json. Returns NULL and sets @error when it is
 * missing, not JSON or not an ecsim summary (schema ecsim-summary/1), or
 * when @dir lacks timeseries.csv, tasks.csv or instances.csv. */
PlotRun *plot_run_load(const char *dir, GError **error);
void plot_run_free(PlotRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlotRun, plot_run_free)

/* The runs in @outdir: @outdir itself when it holds summary.json, else
 * each sub-folder that does, ordered by variant name. Returns a new array
 * of PlotRun (owning them), or NULL with @error when @outdir is not a
 * folder, holds no run, a summary cannot be read, or the folders hold
 * outputs of different runs (scenarios, durations, seeds, or manifests
 * that differ): their pictures side by side would mislead. */
GPtrArray *plot_find_runs(const char *outdir, GError **error);

/* Writes one row per run of @runs (PlotRun) to @path: the bars of
 * compare.gp. Returns FALSE and sets @error when @path cannot be
 * written. */
gboolean plot_write_compare(GPtrArray *runs, const char *path,
                            GError **error);

/* What a timeline data file holds, for the script's variables. */
typedef struct {
  gboolean by_instance; /* rows are lanes within instances, not tasks */
  int n_rows;           /* rows drawn */
  int n_tasks;          /* tasks in tasks.csv */
  int n_lives;          /* instances drawn behind their lanes */
  int n_spot;           /* tasks on Spot capacity */
  char *reasons;        /* the stop reasons that occur, space-separated,
                         * in a fixed order ("" when none); owned */
} PlotTimeline;

/* Tasks at most this many get a row each; more are packed into lanes
 * grouped by instance (or, on Fargate, by service and AZ). */
#define PLOT_TIMELINE_MAX_TASK_ROWS 300

/* Reads @run's tasks.csv and instances.csv and writes @path for
 * timeline.gp; fills @info (its reasons to free with
 * plot_timeline_clear()). Returns FALSE and sets @error when a file
 * cannot be read or is not ecsim's. */
gboolean plot_write_timeline(const PlotRun *run, const char *path,
                             PlotTimeline *info, GError **error);
void plot_timeline_clear(PlotTimeline *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(PlotTimeline, plot_timeline_clear)

/* Writes @run's call graph (summary.json's services[] and edges[]) to
 * @path as a Graphviz dot file: a box per service (requests, p99), an
 * arrow per edge labelled with its calls, p99, error rate and retry
 * amplification, red and dashed when its attempts had errors. Sets
 * @n_edges; writes nothing when the run has no edges (@n_edges 0).
 * Returns FALSE and sets @error when summary.json cannot be read or its
 * edges are not ecsim's, or @path cannot be written. */
gboolean plot_write_callgraph(const PlotRun *run, const char *path,
                              int *n_edges, GError **error);

/* A sweep folder (`ecsim sweep -o DIR`): what plot_write_sweep() found
 * in DIR/sweep.csv, for plots/sweep.gp's variables. */
typedef struct {
  int n_series;     /* lines drawn: one per variant and value of the
                     * other swept parameters */
  char *titles;     /* their titles, each in double quotes, space-
                     * separated (gnuplot's word()); owned */
  char *xlabel;     /* the first swept parameter ("variant" when none);
                     * owned */
  char *xtics;      /* gnuplot tics for non-numeric x values ("\"EC2\" 0,
                     * \"FARGATE\" 1"), or "" when x is numeric; owned */
} PlotSweep;

/* TRUE when @outdir holds sweep.csv. */
gboolean plot_is_sweep(const char *outdir);

/* Reads @outdir/sweep.csv and writes @path for sweep.gp: one block per
 * line, rows sorted by x: x, cost mean, low, high, p99 mean, low, high
 * (the 95% interval; the mean itself with one seed). Returns FALSE and
 * sets @error when sweep.csv cannot be read or lacks its columns. */
gboolean plot_write_sweep(const char *outdir, const char *path,
                          PlotSweep *info, GError **error);
void plot_sweep_clear(PlotSweep *info);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(PlotSweep, plot_sweep_clear)
