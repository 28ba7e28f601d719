/* The aggregate fidelity against request-level runs: what issue 20's
 * validation compares, for one variant's two output folders. */
#pragma once

#include <glib.h>

/* Periods whose request-level p99 rests on fewer completed requests are
 * not held to the per-period bound: below ~5,000 the request-level p99's
 * own sampling error (about sqrt(0.0099 / n) / (x f(x)) relative, 10% at
 * n = 1,000 for a lognormal of cv 1.2) is as large as the bound. */
#define VALIDATION_MIN_COMPLETED 5000

typedef struct {
  double period_s;
  double cost, task_hours, instance_hours; /* relative: aggregate /
                                              requests - 1 */
  double attainment_pp, error_rate_pp;     /* percentage points */
  double p99;                              /* whole run, relative */
  guint n_actions;                         /* request-level scaling actions */
  double action_gap_s;                     /* largest time apart of matched
                                              actions; INFINITY: they differ */
  double period_p99_low;                   /* largest |relative| error of a
                                              period's p99, utilisation <
                                              85% */
  guint n_periods_low;
  double worst_period_s;                   /* where */
  double period_p99_high;                  /* the same at 85% and above */
  guint n_periods_high;
  GString *why;                            /* what differed, for messages */
} ValidationResult;

/* Compares the outputs in @req_dir (requests) and @agg_dir (aggregate). */
void validation_compare(const char *req_dir, const char *agg_dir,
                        ValidationResult *out);

/* The bounds: cost within 1%, task- and instance-hours within 2%,
 * the same scaling actions within one period, SLO attainment within 0.5
 * percentage points, per-period p99 within 10% below 85% utilisation. */
gboolean validation_within_bounds(const ValidationResult *r);

void validation_result_clear(ValidationResult *r);

/* Appends one Markdown table row for @name. */
void validation_row(GString *s, const char *name, const ValidationResult *r);
