/* Every example scenario in both fidelities: the aggregate one must stay
 * within issue 20's bounds of the request-level one (validation.h), same
 * scenario, same seed. Prints the README's table (--verbose).
 *
 * The noise yardstick: with ECSIM_VALIDATION_NOISE=K in the environment
 * (1 to 20), each example also runs request-level K more times with
 * --request-seed (the seed + 1 to + K: other arrivals and service times,
 * the same control plane), and the table gets rows "EXAMPLE/VARIANT
 * noise" (the seed + 1), "EXAMPLE/VARIANT noise 2" and so on, comparing
 * each run with the first as the aggregate one is compared. They show how
 * far two request-level runs part by request noise alone, the yardstick
 * for the aggregate rows. Off by default: it adds K request-level runs
 * per example (the README's second table is K = 1; it never fails a
 * test). */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"
#include "validation.h"

static gint
by_name(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Runs @scenario in @fidelity into @dir; returns its variants' folders. */
static GPtrArray *
run_in(const char *scenario, const char *fidelity, const char *dir)
{
  g_autofree char *path = g_build_filename(test_source_root(), "scenarios",
                                           scenario, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(NULL, &out, &err, "run", path, "-q", "--force",
                       "--fidelity", fidelity, "-o", dir, NULL);
  /* 0, or 3 when the scenario's own expectations fail in one fidelity
   * (which the comparison then shows). */
  cr_assert(status == 0 || status == 3, "%s %s: exit %d: %s", scenario,
            fidelity, status, err);
  GPtrArray *variants = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  for (const char *n; (n = g_dir_read_name(d)) != NULL;) {
    g_autofree char *sub = g_build_filename(dir, n, NULL);
    g_autofree char *summary = g_build_filename(sub, "summary.json", NULL);
    if (g_file_test(summary, G_FILE_TEST_EXISTS))
      g_ptr_array_add(variants, g_strdup(n));
  }
  g_ptr_array_sort(variants, by_name);
  return variants;
}

/* Where the aggregate fidelity is known to miss the bounds (the
 * README's table marks them "no"), it is held to these instead, so that
 * it does not drift further: the control plane's figures still close,
 * the rest as measured in December 2026 with room. */
typedef struct {
  double cost, hours, attainment_pp, paired;
  double period_p99_low; /* busiest minute below 85% CPU */
} Guard;

static gboolean
within_guard(const ValidationResult *r, const Guard *g)
{
  guint actions = MAX(r->n_actions, r->n_actions_aggregate);
  return !(fabs(r->cost) > g->cost) && !(fabs(r->task_hours) > g->hours) &&
         !(fabs(r->instance_hours) > g->hours) &&
         !(fabs(r->attainment_pp) > g->attainment_pp) &&
         r->actions_paired >= g->paired * actions &&
         r->period_p99_low <= g->period_p99_low;
}

/* Compares @variant's folders under @dir_a and @dir_b into @r (cleared
 * by the caller) and appends its table row to @table; returns the row's
 * name, "SCENARIO/VARIANT@suffix". */
static char *
compare_row(GString *table, const char *scenario, const char *variant,
            const char *suffix, const char *dir_a, const char *dir_b,
            ValidationResult *r)
{
  g_autofree char *a = g_build_filename(dir_a, variant, NULL);
  g_autofree char *b = g_build_filename(dir_b, variant, NULL);
  validation_compare(a, b, r);
  char *name = g_strdup_printf("%.*s/%s%s", (int) strcspn(scenario, "."),
                               scenario, variant, suffix);
  validation_row(table, name, r);
  return name;
}

static void noise_rows(const char *scenario, const char *tmp,
                       const char *req_dir, const GPtrArray *variants,
                       GString *table);

/* Runs @scenario both ways and checks every variant: against the issue's
 * bounds, or @guard when not NULL. */
static void
validate_with(const char *scenario, const Guard *guard)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *req_dir = g_build_filename(tmp, "requests", NULL);
  g_autofree char *agg_dir = g_build_filename(tmp, "aggregate", NULL);
  g_autoptr(GPtrArray) req = run_in(scenario, "requests", req_dir);
  g_autoptr(GPtrArray) agg = run_in(scenario, "aggregate", agg_dir);
  cr_assert_eq(req->len, agg->len);
  g_autoptr(GString) table = g_string_new(NULL);
  gboolean all = TRUE;
  for (guint i = 0; i < req->len; i++) {
    ValidationResult r;
    g_autofree char *name = compare_row(table, scenario, req->pdata[i], "",
                                        req_dir, agg_dir, &r);
    if (guard ? !within_guard(&r, guard) : !validation_within_bounds(&r)) {
      all = FALSE;
      cr_log_error("%s out of bounds: %s(worst period p99 at %.0f s)", name,
                   r.why->str, r.worst_period_s);
    }
    validation_result_clear(&r);
  }
  noise_rows(scenario, tmp, req_dir, req, table);
  printf("%s", table->str);
  test_rmrf(tmp);
  cr_assert(all, "%s: the aggregate fidelity left the bounds:\n%s",
            scenario, table->str);
}

#define EXAMPLE(test, file)                                                \
  Test(validation, test, .timeout = 600) { validate_with(file, NULL); }

EXAMPLE(flagship, "fargate-vs-ec2.json")
EXAMPLE(az_outage, "az-outage.json")
EXAMPLE(bad_deploy_rollback, "bad-deploy-rollback.json")
EXAMPLE(binpack_vs_spread, "binpack-vs-spread.json")
EXAMPLE(black_friday, "black-friday.json")
EXAMPLE(spot_interruptions, "spot-interruptions.json")
/* Within the bounds since December 2026: its knife edges scale alike
 * once the datapoints carry request noise (26 of 27 actions paired, 23
 * before), and its bursts' periods (a few minutes at 96-100% CPU in a
 * period at 60-70% on average) count as above 85% by their busiest
 * minute (the worst of them is 70% off the request-level run's p99, where
 * a second request-level run is 51% off). */
EXAMPLE(nasa_1995, "nasa-1995.json")

/* Known gap (README, "The aggregate fidelity"): platform-on-ec2. Its
 * diurnal variants pair 28 of 30 actions; EC2's share-only web tasks at
 * 60-80% CPU (2 slots each) have a per-period p99 1.5% below the
 * request-level run's on average, 20.6% at worst, where a second
 * request-level run is 21.2% off (a p99 at 2 slots moves that much from
 * seed to seed). The spiky variants' surges peak on a knife edge
 * (ceil() asks 30 or 31 web tasks by a minute's noise) and scale EC2 in
 * and out by whole instances, so which instances a run keeps after a
 * surge parts runs for hours: ec2-spiky's instance-hours differ by 2.4%
 * and its SLO attainment by 2.1 pp, where request noise alone moves them
 * by up to 2.1% and 1.5 pp (README, the noise yardstick). */
Test(validation, platform_on_ec2_known_gap, .timeout = 900)
{
  static const Guard g = { 0.02, 0.04, 3.5, 0.7, INFINITY };
  validate_with("platform-on-ec2.json", &g);
}

/* The one example the aggregate fidelity cannot run says so, naming the
 * call, rather than running without it. */
Test(validation, microservices_refused)
{
  g_autofree char *path = g_build_filename(test_source_root(), "scenarios",
                                           "microservices.json", NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(NULL, &out, &err, "run", path, "-q", "--fidelity",
                       "aggregate", "-o", "/nonexistent/x", NULL);
  cr_assert_eq(status, 2);
  cr_assert(strstr(err, "/fidelity") && strstr(err, "calls between"),
            "%s", err);
}

/* The noise yardstick (see the header comment): runs @scenario
 * request-level again in @tmp with --request-seed = seed + k for each k
 * from 1 to validation_noise_seeds(), and appends a row per variant of
 * @variants comparing each with @req_dir's run. */
static void
noise_rows(const char *scenario, const char *tmp, const char *req_dir,
           const GPtrArray *variants, GString *table)
{
  guint seeds = validation_noise_seeds();
  if (seeds == 0)
    return;
  g_autofree char *first = g_build_filename(req_dir, variants->pdata[0],
                                            NULL);
  guint64 seed = validation_seed(first);
  g_autofree char *path = g_build_filename(test_source_root(), "scenarios",
                                           scenario, NULL);
  for (guint k = 1; k <= seeds; k++) {
    g_autofree char *request_seed =
      g_strdup_printf("%" G_GUINT64_FORMAT, seed + k);
    g_autofree char *name = g_strdup_printf("noise-%u", k);
    g_autofree char *dir = g_build_filename(tmp, name, NULL);
    g_autofree char *out = NULL, *err = NULL;
    int status = cli_run(NULL, &out, &err, "run", path, "-q", "--force",
                         "--request-seed", request_seed, "-o", dir, NULL);
    cr_assert(status == 0 || status == 3, "%s --request-seed %s: exit %d: %s",
              scenario, request_seed, status, err);
    g_autofree char *suffix = k == 1 ? g_strdup(" noise")
                                     : g_strdup_printf(" noise %u", k);
    for (guint i = 0; i < variants->len; i++) {
      ValidationResult r;
      g_free(compare_row(table, scenario, variants->pdata[i], suffix,
                         req_dir, dir, &r));
      validation_result_clear(&r);
    }
  }
}
