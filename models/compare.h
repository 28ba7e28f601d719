/* Comparing a scenario's variants: the side-by-side table, compare.csv
 * and compare.json, and the Fargate/EC2 break-even.
 *
 * The break-even is measured, not guessed: for each pair of a Fargate
 * variant and an EC2 variant the scenario is re-run with all traffic
 * scaled (0.25×, 0.5×, 2×, 4× and more if needed, then bisection), until
 * the traffic level where the two cost the same is bracketed within a few
 * percent. Autoscaling then sizes each at each level. */
#pragma once

#include <cjson/cJSON.h>
#include <stdio.h>

#include "models/batch.h"

typedef struct {
  const char *fargate;       /* variant names (lent) */
  const char *ec2;
  gboolean found;            /* the costs cross inside the range tried */
  gboolean ec2_cheaper_above; /* EC2 is the cheaper one above the point */
  double scale;              /* traffic multiplier where they cross */
  double mean_rps;           /* the mean request rate there */
  double ec2_cpu_pct;        /* EC2 variant's mean task CPU there */
  double lo_scale, hi_scale; /* the range tried */
  char *statement;           /* one sentence for humans */
  GArray *points;            /* BreakEvenPoint, by scale */
} BreakEven;

typedef struct {
  double scale;
  double fargate_usd, ec2_usd;
  double mean_rps;
  double ec2_cpu_pct;
} BreakEvenPoint;

/* TRUE when variant @cfg runs its services on EC2 capacity. */
gboolean compare_uses_ec2(const ScenarioConfig *cfg);

/* Prints the side-by-side table of @summaries (cJSON*, one per variant,
 * in order), fitting 80 columns for up to 3 variants. */
void compare_print_table(GPtrArray *summaries, FILE *out);

/* Finds the break-even of @fargate and @ec2 whose runs at scale 1 gave
 * @f1 and @e1 (summaries). Runs more simulations on @threads threads.
 * Returns NULL when interrupted or a run failed (@error set). */
BreakEven *compare_break_even(const ScenarioConfig *fargate,
                              const ScenarioConfig *ec2, const cJSON *f1,
                              const cJSON *e1, guint threads,
                              volatile sig_atomic_t *interrupt,
                              gboolean verbose, GError **error);
void compare_break_even_free(BreakEven *be);

/* Writes DIR/compare.csv and DIR/compare.json (atomically): a row per
 * summary.json path, each variant's value as the summary has it (a
 * fraction stays a fraction, though the table shows it as percent). */
gboolean compare_write(const char *dir, GPtrArray *summaries,
                       GPtrArray *break_evens, GError **error);
