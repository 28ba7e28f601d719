/* What validation.c and validation-seeds.c share: reading a run's
 * outputs, and the comparisons. */
#pragma once

#include <cjson/cJSON.h>

#include "models/input/jsonfile.h" /* g_autoptr(cJSON) */
#include "validation.h"

/* summary.json's number at @a.@b, NAN when absent. */
double validation_number_at(const cJSON *root, const char *a, const char *b);

/* @dir/summary.json, parsed (owned). */
cJSON *validation_load_summary(const char *dir);

/* A scaling action: when, and the line that says what. */
typedef struct {
  double time;
  char *what;
} Action;

/* The service's desired-count changes and managed scaling's actions, in
 * time order (Action). "what" keeps the target (the message after
 * "changed from"), so that two runs' actions can be matched. */
GArray *validation_load_actions(const char *dir);

/* A row of timeseries.csv: a service in a period. */
typedef struct {
  double time, p99_ms, cpu_peak_pct, completed;
  char *service;
  double tasks[3];              /* running, pending, instances: the
                                   control plane's state at its end */
} Row;

/* @dir/timeseries.csv's rows (Row), in file order: period by period,
 * the services in the same order in each. */
GArray *validation_load_rows(const char *dir);

/* aggregate - requests; NAN when neither run has the figure (no SLO, no
 * request), INFINITY when only one has it. */
double validation_diff(double aggregate, double requests);

/* aggregate / requests - 1, with validation_diff()'s NAN and INFINITY. */
double validation_rel(double aggregate, double requests);

/* Pairs each action of @req with an unpaired one of @agg of the same
 * target within @period (both in time order), in time order. Returns how
 * many paired; the largest gap of a pair in *@gap. */
guint validation_pair_actions(GArray *req, GArray *agg, double period,
                              double *gap);

/* The 95% confidence half-width of a mean over @k seeds of standard
 * error @se (Student t, as `ecsim sweep` gives it); 0 for one seed. */
double validation_half_width(double se, guint k);

/* summary.json's figures of @k pairs of runs (one variant, the same seed
 * each) into @out: cost, task- and instance-hours the sums' relative
 * difference, SLO attainment, error rate and p99 the mean difference,
 * with standard errors over the pairs (0 for one); and the period. The
 * rest of @out is left as it is. */
void validation_compare_summaries(const char *const *req_dirs,
                                  const char *const *agg_dirs, guint k,
                                  ValidationResult *out);
