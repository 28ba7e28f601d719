/* What `ecsim sweep` prints: the progress bar over runs, the table of
 * grid points, and the --best statement. */
#pragma once

#include <stdio.h>

#include "models/experiments/sweep-adaptive.h"
#include "models/experiments/sweep-stats.h"
#include "models/experiments/sweep.h"

typedef struct _SweepBar SweepBar;

/* A progress bar over @total runs on stderr; @enabled FALSE (not a
 * terminal, or --quiet) makes every call a no-op. */
SweepBar *sweep_bar_new(guint total, gboolean enabled);
/* Redraws with @done runs finished (at most four times a second unless
 * @force). */
void sweep_bar_update(SweepBar *bar, guint done, gboolean force);
/* Erases the bar (before printing other lines). */
void sweep_bar_clear(SweepBar *bar);
void sweep_bar_free(SweepBar *bar);

/* One line per (grid point, variant): its values, seeds, and cost, p99
 * and SLO attainment as mean ± 95% half-width. */
void sweep_print_table(const SweepPlan *plan, GArray *groups, FILE *out);

/* The --best statement: the group with the lowest mean @minimize among
 * those meeting all @n constraints at their 95% confidence bound, with
 * its interval and bounds; or why none qualifies. */
void sweep_print_best(const SweepPlan *plan, GArray *groups,
                      const SweepConstraint *cs, guint n,
                      SweepMetric minimize, FILE *out);

/* What --adaptive did: its runs against the full sweep's, its rounds,
 * and whether the decision was shown at 95% or the budget ran out. */
void sweep_print_adaptive(const SweepAdaptiveRun *a, FILE *out);

/* "Round N    R runs: ...": the adaptive round about to run, @initial
 * (every group's first seeds) or for the @open groups still open. */
void sweep_print_round(const SweepAdaptiveRun *a, guint runs, guint open,
                       gboolean initial, FILE *out);

/* Writes @dir/sweep.json, what `ecsim report` reads beside sweep.csv:
 * "axes" ({pointer, name}), "constraints" (the texts of the @n of @cs;
 * @cs NULL: no --best), "minimize", "meets" (per row of sweep.csv, @groups
 * in order: whether it meets every constraint at its 95% bound), "best"
 * ({point_id, variant} or null) and "adaptive" (what @adaptive did, or
 * null). Returns FALSE and sets @error when it cannot be written. */
gboolean sweep_write_json(const SweepPlan *plan, const GArray *groups,
                          const SweepConstraint *cs, guint n,
                          SweepMetric minimize,
                          const SweepAdaptiveRun *adaptive, const char *dir,
                          GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepBar, sweep_bar_free)
