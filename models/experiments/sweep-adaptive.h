/* Adaptive sweeps (`ecsim sweep --best ... --adaptive`): seeds spent only
 * where the --best decision is still open.
 *
 * The procedure is sequential elimination (Paulson 1964, "A sequential
 * procedure for selecting the population with the largest mean from k
 * normal populations", Ann. Math. Statist. 35(1):174-180), judged with
 * Bonferroni-adjusted Student t intervals instead of Paulson's
 * indifference zone:
 *
 *   Every group (grid point x variant; k of them) first runs the initial
 *   seeds. After each round, each of the k x (c + 1) means the decision
 *   rests on (the minimised metric and the c constraint metrics of every
 *   group) gets a t interval at level 1 - 0.05 / (k (c + 1)), so that all
 *   of them hold together with probability at least 95%. A group is out
 *   when it is *infeasible* (a constraint fails even at its interval's
 *   favourable end) or *costlier* (its minimised metric's lower end is
 *   above the upper end of the current best's: the group with the lowest
 *   mean among those meeting every constraint at the interval's
 *   unfavourable end). Every other group gets one more seed in the next
 *   round, and so does the current best while any of them overlaps it.
 *   The sweep stops when no group is open (the winner, or that none
 *   qualifies, is shown at 95%), or when the run budget or the groups'
 *   --seeds are spent (then the answer is the best so far, not shown).
 *
 * The Bonferroni count covers the groups and metrics of one look, not the
 * repeated looks (Kim & Nelson's KN procedure would); the answer printed
 * is still the full sweep's --best rule applied to the runs made, which
 * agrees with the adaptive winner whenever it was shown.
 *
 * Replicate j of a group is always seed base + j, the full sweep's: the
 * groups share their seeds (common random numbers), and the same sweep
 * makes the same runs in the same rounds whatever -j is. */
#pragma once

#include <glib.h>

#include "models/experiments/sweep-stats.h"
#include "models/experiments/sweep.h"

/* Seeds every group runs first, by default. */
#define SWEEP_ADAPTIVE_INITIAL 3

typedef enum {
  SWEEP_ADAPTIVE_SHOWN,   /* a winner, shown at 95% */
  SWEEP_ADAPTIVE_NONE,    /* every group infeasible, shown at 95% */
  SWEEP_ADAPTIVE_BUDGET,  /* --budget spent with groups still open */
  SWEEP_ADAPTIVE_SEEDS,   /* the open groups have run all their --seeds */
  SWEEP_ADAPTIVE_STOPPED, /* interrupted, or a run failed */
} SweepAdaptiveOutcome;

/* What an adaptive sweep did, for its outputs. */
typedef struct {
  guint initial;       /* seeds every group ran first */
  guint budget;        /* most runs in all (--budget) */
  guint n_groups;      /* grid points x variants */
  guint n_intervals;   /* groups x (constraints + 1): the Bonferroni count */
  double level;        /* sweep_adaptive_level() */
  guint rounds;        /* rounds run (the first included) */
  guint runs;          /* runs in the database at the end */
  guint runs_full;     /* the full sweep's: groups x --seeds */
  guint open;          /* groups still open when it stopped */
  SweepAdaptiveOutcome outcome;
} SweepAdaptiveRun;

/* "shown", "none_qualifies", "budget_spent", "seeds_spent", "stopped":
 * the outcome as sweep.json writes it. */
const char *sweep_adaptive_outcome_name(SweepAdaptiveOutcome outcome);

/* The level of each interval: 1 - 0.05 / (@n_groups x (@n_constraints +
 * 1)). Never fails. */
double sweep_adaptive_level(guint n_groups, guint n_constraints);

/* Judges @groups (SweepGroup, half-widths at sweep_adaptive_level()) on
 * the @n constraints @cs, minimising @minimize. Sets @open[i] (one per
 * group) when group i gets another seed. Returns the current best group's
 * index, or -1 when none meets every constraint at its bound. Never
 * fails. */
int sweep_adaptive_judge(const GArray *groups, const SweepConstraint *cs,
                         guint n, SweepMetric minimize, gboolean *open);

/* The first round: replicates 0..@initial-1 of every group that are not
 * @done (indexed by run id), in run order. A new array of guint. */
GArray *sweep_adaptive_first_round(const SweepPlan *plan, guint initial,
                                   const gboolean *done);

/* The next round: for each @open group of @groups, in order, its lowest
 * replicate below the plan's seeds that is not @done; at most @room runs,
 * in run order. Sets @capped when an open group had no seed left. A new
 * array of guint (empty: nothing can run). */
GArray *sweep_adaptive_next_round(const SweepPlan *plan,
                                  const GArray *groups, const gboolean *open,
                                  const gboolean *done, guint room,
                                  gboolean *capped);
