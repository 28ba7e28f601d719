/* The aggregate fidelity against request-level runs: what issue 20's
 * validation compares, for one variant's two output folders. */
#pragma once

#include <glib.h>

/* Periods whose request-level p99 rests on fewer completed requests are
 * not held to the per-period bound: the request-level p99's own sampling
 * error is sqrt(0.0099 / n) / (x f(x)) relative (x f(x) at the 99th
 * percentile: 0.028 for a lognormal of cv 1.2), 11% at n = 1,000 and 2.5%
 * (a quarter of the bound) at 20,000. */
#define VALIDATION_MIN_COMPLETED 20000

/* The share of scaling actions that must pair up (the same target within
 * one period). Not all: request-level CPU and request-count metrics carry
 * sampling noise of a percent or so, and a target-tracking policy's
 * ceil(current x metric / target) sits on a knife edge now and then (2 x
 * 89.3 / 60 gives 3 tasks, 2 x 91.0 / 60 gives 4), after which the two
 * runs take different paths for a while; two request-level seeds part in
 * the same places. */
#define VALIDATION_ACTIONS_PAIRED 0.9

typedef struct {
  double period_s;
  double cost, task_hours, instance_hours; /* relative: aggregate /
                                              requests - 1 */
  double attainment_pp, error_rate_pp;     /* percentage points */
  double p99;                              /* whole run, relative */
  guint n_actions;                         /* request-level scaling actions */
  guint n_actions_aggregate;
  guint actions_paired;                    /* paired: same target within a
                                              period */
  double action_gap_s;                     /* largest time apart of a pair */
  double period_p99_low;                   /* largest |relative| error of a
                                              period's p99, utilisation <
                                              85% (its busiest minute's,
                                              request-level) */
  guint n_periods_low;
  double worst_period_s;                   /* where */
  double period_p99_high;                  /* the same at 85% and above */
  guint n_periods_high;
  GString *why;                            /* what differed, for messages */
  /* Over several control seeds (validation_compare_seeds()): */
  guint n_seeds;                           /* 1 for one pair of runs */
  double cost_se, task_hours_se,           /* standard errors of the
                                              figures above, from the */
         instance_hours_se, attainment_se_pp; /* seeds' paired
                                                 differences; 0 for one */
} ValidationResult;

/* Compares the outputs in @req_dir (requests) and @agg_dir (aggregate). */
void validation_compare(const char *req_dir, const char *agg_dir,
                        ValidationResult *out);

/* The bounds: cost within 1%, task- and instance-hours within 2%,
 * the same scaling actions within one period, SLO attainment within 0.5
 * percentage points, per-period p99 within 10% below 85% utilisation
 * (periods of VALIDATION_MIN_COMPLETED requests or more); scaling actions
 * paired as VALIDATION_ACTIONS_PAIRED says.
 *
 * A period's utilisation is its busiest minute's (timeseries.csv's
 * cpu_peak_pct, of the request-level run), not its mean: a p99 is made in
 * the period's worst minutes, and a 10-minute period at 65% on average
 * that holds 4 minutes at 99.6% (nasa-1995 at 1d12h) has the p99 of a
 * queue near capacity, which request noise alone moves by 50% from seed
 * to seed. */
gboolean validation_within_bounds(const ValidationResult *r);

void validation_result_clear(ValidationResult *r);

/* The same comparison over @k control seeds: @req_dirs[s] and
 * @agg_dirs[s] are one variant's outputs in the two fidelities with the
 * same seed (every random number, the control plane's too).
 *
 * Where a scenario's control plane is chaotic, one seed cannot be held
 * to the bounds: a knife-edge scaling decision (ceil() asks 30 or 31
 * tasks by a minute's noise) and the random choice of which tasks a
 * scale-in stops decide which instances stay for hours, and two
 * request-level runs with different seeds part by more than the bounds.
 * What the aggregate fidelity must then match is the request-level
 * fidelity's distribution, over seeds:
 *   cost, task- and instance-hours: the sums' relative difference;
 *   SLO attainment, error rate, p99: the mean difference;
 *   scaling actions: every run's actions pooled (in time order), paired
 *     as for one seed: a knife edge pairs when both fidelities take each
 *     side of it as often;
 *   a period's p99: the mean over the seeds in which both runs hold the
 *     same running and pending tasks and instances at the period's start
 *     and end (the same control plane), counted when at least 3 in 4
 *     seeds do and the request-level run's busiest minute is below 85%
 *     in each of them (and the period has VALIDATION_MIN_COMPLETED
 *     requests); the 85%-and-above figure likewise.
 * The standard errors (the *_se fields) are the paired per-seed
 * differences' standard deviation over sqrt(@k). */
void validation_compare_seeds(const char *const *req_dirs,
                              const char *const *agg_dirs, guint k,
                              ValidationResult *out);

/* The bounds of validation_within_bounds() on validation_compare_seeds()'
 * figures, where those with a standard error need only not be shown
 * beyond their bound: their 95% confidence interval (Student t over the
 * seeds) reaches within it. */
gboolean validation_seeds_within_bounds(const ValidationResult *r);

/* Appends one Markdown table row for @name. */
void validation_row(GString *s, const char *name, const ValidationResult *r);

/* The yardstick (ECSIM_VALIDATION_NOISE=K, test-validation.c): the
 * request-level run against itself with K other --request-seed values. */

/* K, the request seeds the environment asks the yardstick for
 * (ECSIM_VALIDATION_NOISE=K, 1 to 20); 0 without it. A value that is not
 * such a count is a test failure, not silently none. */
guint validation_noise_seeds(void);

/* The seed of the run whose summary.json is in @dir. */
guint64 validation_seed(const char *dir);
