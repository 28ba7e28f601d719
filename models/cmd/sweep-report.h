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

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepBar, sweep_bar_free)
