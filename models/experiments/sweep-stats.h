/* Sweep statistics: the metrics a sweep keeps, their means and 95%
 * confidence intervals over seeds, and the --best rule.
 *
 * Each (grid point, variant) is a group; its seeds are independent
 * replications, so a metric's mean over them has a Student-t interval
 * (sim_mean_ci). --best picks, among the groups meeting every constraint
 * *at its confidence bound* (an upper bound below a "<" limit, a lower
 * bound above a ">" limit), the one whose minimised metric has the lowest
 * mean. A group with fewer than two seeds has no interval and never
 * qualifies. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

typedef enum {
  SWEEP_COST,           /* cost.total_usd */
  SWEEP_P50,            /* latency.p50_ms */
  SWEEP_P90,
  SWEEP_P99,
  SWEEP_P999,
  SWEEP_SLO,            /* slo.attainment, a share */
  SWEEP_ERROR_RATE,     /* requests.error_rate, a share */
  SWEEP_TASK_HOURS,
  SWEEP_INSTANCE_HOURS,
  SWEEP_MEAN_CPU,       /* capacity.mean_cpu_pct */
  SWEEP_N_METRICS
} SweepMetric;

/* "cost", "p99", "slo", ...: the name --best and --minimize take. */
const char *sweep_metric_name(SweepMetric m);
/* "cost_usd", "p99_ms", "slo_attainment", ...: the column in runs.csv,
 * sweep.csv and the runs table. */
const char *sweep_metric_column(SweepMetric m);
/* Its value in @summary (summary.json), NAN when absent or null. */
double sweep_metric_of(SweepMetric m, const cJSON *summary);

/* Parses a metric name (also "p99.9", "errors", "error-rate",
 * "attainment", "cpu"). Returns FALSE and sets @error listing the names
 * when unknown. */
gboolean sweep_metric_parse(const char *name, SweepMetric *out,
                            GError **error);

/* Mean and 95% half-width of the values of @v that are not NAN; @n_used
 * gets their number. With none the mean is NAN, with one the half-width
 * is NAN. */
void sweep_ci95(const double *v, gsize n, double *mean, double *half,
                guint *n_used);
/* The same at confidence @level (0 < @level < 1). */
void sweep_ci(const double *v, gsize n, double level, double *mean,
              double *half, guint *n_used);

/* One (grid point, variant) over its seeds. */
typedef struct {
  guint point;
  guint variant;                  /* index in the plan's variants */
  guint n;                        /* runs (seeds) aggregated */
  double mean[SWEEP_N_METRICS];
  double half[SWEEP_N_METRICS];   /* 95% half-width; NAN below 2 values;
                                     for latencies never less than the
                                     histogram's bucket width at the mean
                                     (sim_histogram_resolution()) */
} SweepGroup;

/* Groups of @n runs whose metrics are @values[run * SWEEP_N_METRICS + m],
 * grouped by @points[run] and @variants[run]: a new array of SweepGroup
 * ordered by point, then variant. */
GArray *sweep_groups(const guint *points, const guint *variants,
                     const double *values, gsize n);
/* The same with half-widths at confidence @level instead of 95% (the
 * --adaptive procedure's Bonferroni-adjusted intervals). */
GArray *sweep_groups_at(const guint *points, const guint *variants,
                        const double *values, gsize n, double level);

/* A constraint "METRIC OP LIMIT": OP is <, <=, > or >=. */
typedef struct {
  SweepMetric metric;
  gboolean below;   /* < or <=: the upper bound must be under the limit */
  gboolean strict;  /* < or > */
  double limit;     /* in the metric's unit (ms, $, a share) */
  char *text;       /* as given; owned */
} SweepConstraint;

/* Parses "p99<200ms", "p50 <= 0.1s", "slo>0.99", "slo>=99.5%",
 * "cost<12.5", "error_rate<0.1%". Latencies take durations (a bare number
 * is ms); shares take a fraction or a percentage; cost takes dollars (an
 * optional '$'). Returns FALSE and sets @error on anything else. */
gboolean sweep_constraint_parse(const char *text, SweepConstraint *out,
                                GError **error);
void sweep_constraint_clear(SweepConstraint *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SweepConstraint, sweep_constraint_clear)

/* The bound of @g's metric that the constraint is checked at (mean +
 * half for "<", mean - half for ">"), NAN when there is none. */
double sweep_constraint_bound(const SweepConstraint *c, const SweepGroup *g);
/* TRUE when @g meets @c at its bound. */
gboolean sweep_constraint_holds(const SweepConstraint *c,
                                const SweepGroup *g);
/* TRUE when @g's mean meets @c (whatever its interval). */
gboolean sweep_constraint_holds_on_mean(const SweepConstraint *c,
                                        const SweepGroup *g);

typedef struct {
  int best;          /* index into the groups, or -1 */
  int runner_up;     /* the next by mean, or -1 */
  guint qualified;   /* groups meeting every constraint at the bound */
  guint on_mean;     /* meeting them on their means only */
  int nearest;       /* with none qualified: the group closest to
                        qualifying (the smallest worst violation relative
                        to the limit), or -1 */
} SweepBest;

/* Applies the --best rule to @groups (SweepGroup) with @n constraints,
 * minimising @minimize by its mean (ties: the lower index). A group whose
 * minimised metric is NAN never qualifies. Never fails. */
SweepBest sweep_best(const GArray *groups, const SweepConstraint *cs,
                     guint n, SweepMetric minimize);
