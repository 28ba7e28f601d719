/* Comparing a scenario's variants: the side-by-side table, compare.csv
 * and compare.json, and the Fargate/EC2 break-even.
 *
 * The break-even is measured, not guessed: for each pair of a Fargate
 * variant and an EC2 variant the scenario is re-run with all traffic
 * scaled (0.5x, 2x, 0.25x, 4x, 0.125x, 8x as needed, then bisection),
 * until the traffic level where the two cost the same is bracketed within
 * a few percent. Autoscaling then sizes each at each level.
 *
 * A cheaper configuration that does not serve the traffic is not cheaper:
 * costs are compared only at levels where both variants meet their
 * scenario's `slo` (if any) and error budget (slo.error_budget, default
 * 0.1% of requests). The answer holds over the run of such levels around
 * the scenario's own; a level where one fails bounds it, and the search
 * goes no further that way. */
#pragma once

#include <cjson/cJSON.h>
#include <stdio.h>

#include "models/experiments/batch.h"

/* Hours in the month a cloud bill is budgeted in (AWS's 730). */
#define COMPARE_MONTH_HOURS 730.0

/* What the aggregate fidelity's screen of a break-even led to. */
typedef enum {
  SCREEN_CONFIRMED,      /* request-level runs at the ends of the screened
                            bracket bracketed the crossing too */
  SCREEN_NOT_CONFIRMED,  /* they did not: the search went on */
  SCREEN_NO_CROSSING,    /* the screen found none: a request-level search */
  SCREEN_TIED,           /* they did not bracket it, but put the costs
                            within the tie at both ends: the screen's
                            crossing is stated */
} ScreenOutcome;

/* How one variant did at one traffic level. */
typedef struct {
  double usd;            /* cost.total_usd of the run */
  double usd_per_month;  /* the same scaled to COMPARE_MONTH_HOURS */
  double error_rate;     /* requests.error_rate */
  double error_budget;   /* its scenario's slo.error_budget */
  double attainment;     /* slo.attainment; NAN without an slo */
  double slo_target;     /* NAN without an slo */
  gboolean met;          /* within the budget and (if any) the SLO */
} BreakEvenVerdict;

typedef struct {
  double scale;          /* traffic multiplier */
  double mean_rps;       /* the Fargate run's arrivals / duration */
  double ec2_cpu_pct;    /* EC2 variant's mean task CPU */
  gboolean aggregate;    /* from runs in the aggregate fidelity */
  BreakEvenVerdict fargate, ec2;
} BreakEvenPoint;

/* The default of BreakEvenOptions.tie: near the flagship's crossing
 * (3-4x) the request-level cost difference swings by about 2% between
 * levels a few percent apart, an instance or a few tasks more for part of
 * the run; differences that small say nothing about which is cheaper. */
#define COMPARE_TIE_DEFAULT 0.02

typedef struct {
  guint threads;          /* simulations at once (0: one per core) */
  gboolean screen;        /* the aggregate fidelity searches first */
  double tie;             /* costs within this fraction of their mean are
                             equal: the band around the crossing where they
                             are is stated, and a screen's crossing whose
                             confirming levels are tied stands; 0: none */
  volatile sig_atomic_t *interrupt; /* raised: stop, keep what was
                                       measured */
  gboolean verbose;       /* a progress line per level */
} BreakEvenOptions;

typedef struct {
  const char *fargate;       /* variant names (lent) */
  const char *ec2;
  gboolean found;            /* the costs cross where the answer holds */
  gboolean ec2_cheaper_above; /* EC2 is the cheaper one above the point */
  double scale;              /* traffic multiplier where they cross */
  double mean_rps;           /* the mean request rate there */
  double ec2_cpu_pct;        /* EC2 variant's mean task CPU there */
  double lo_scale, hi_scale; /* where the answer holds: the run of levels
                                where both met, around the scenario's
                                own; NAN when there is none */
  double tried_lo, tried_hi; /* the range tried */
  double tie;                /* BreakEvenOptions.tie */
  double tie_lo_scale, tie_hi_scale; /* the levels next to the crossing
                                where the costs are within the tie (see
                                BreakEvenOptions); NAN when fewer than two */
  gboolean interrupted;      /* stopped by @interrupt: no conclusion */
  char *statement;           /* one paragraph for humans */
  GArray *points;            /* BreakEvenPoint, by scale: the levels the
                                statement rests on, request by request
                                unless the scenario is aggregate */
  gboolean screened;         /* the aggregate fidelity searched first */
  GArray *screen;            /* BreakEvenPoint, by scale: its levels */
  ScreenOutcome screen_outcome; /* what the screen led to */
  guint aggregate_runs, request_runs; /* simulations run by the search */
  /* The search's own state between compare_break_even_begin() and
   * compare_break_even_finish(): */
  const ScenarioConfig *fargate_cfg, *ec2_cfg; /* lent */
  BreakEvenOptions options;
  double confirm_lo, confirm_hi; /* the screened bracket to confirm, or
                                    NAN */
  GPtrArray *planned;        /* BatchJob*, owned: the request-level runs
                                at confirm_lo and confirm_hi, EC2's then
                                Fargate's, run in the caller's batch */
} BreakEven;

/* TRUE when variant @cfg runs its services on EC2 capacity. */
gboolean compare_uses_ec2(const ScenarioConfig *cfg);

/* Prints the side-by-side table of @summaries (cJSON*, one per variant,
 * in order), fitting 80 columns for up to 3 variants. */
void compare_print_table(GPtrArray *summaries, FILE *out);

/* @summary's cost.total_usd scaled from its run's duration to
 * COMPARE_MONTH_HOURS; NAN when either is missing. */
double compare_per_month(const cJSON *summary);


/* The break-even of @fargate and @ec2 is found in two steps, so that
 * the request-level runs it is sure to need share one batch (and the
 * threads) with the variants' own runs at scale 1:
 *
 *   be = compare_break_even_begin(...);  the screen, when ->screen and
 *                                        both variants can run in the
 *                                        aggregate fidelity (seconds)
 *   be->planned: BatchJob*s to run, in the caller's batch_run()
 *   compare_break_even_finish(be, f1, e1, ...)  the rest of the search
 *
 * begin returns NULL when a run failed (@error set), or the search with
 * ->interrupted set when ->interrupt was raised (finish then only
 * concludes). @options is copied. */
BreakEven *compare_break_even_begin(const ScenarioConfig *fargate,
                                    const ScenarioConfig *ec2,
                                    const BreakEvenOptions *options,
                                    GError **error);

/* Goes on with @be, whose variants' runs at scale 1 gave @f1 and @e1
 * (summaries) and whose planned runs have run (a planned run that failed
 * is run again, to report why), running more simulations as its options
 * say. When ->interrupt is raised, keeps what was measured and sets
 * ->interrupted. FALSE when a run failed (@error set). */
gboolean compare_break_even_finish(BreakEven *be, const cJSON *f1,
                                   const cJSON *e1, GError **error);
void compare_break_even_free(BreakEven *be);

/* Prints @be: a line per traffic level tried (each variant's cost per
 * month and whether it met its SLO and error budget), then the
 * statement. */
void compare_break_even_print(const BreakEven *be, FILE *out);

/* Writes DIR/compare.csv and DIR/compare.json (atomically): a row per
 * summary.json path, each variant's value as the summary has it (a
 * fraction stays a fraction, though the table shows it as percent). */
gboolean compare_write(const char *dir, GPtrArray *summaries,
                       GPtrArray *break_evens, GError **error);
