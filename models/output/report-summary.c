/* summary.json: the run's figures, deterministic. */
#include <math.h>

#include "models/config/fidelity.h"
#include "models/capacity/cluster.h"
#include "models/capacity/cost.h"
#include "models/capacity/warm-pool.h"
#include "models/control/scheduler.h"
#include "models/core/eventlog.h"
#include "models/capacity/managed-scaling.h"
#include "models/control/metrics.h"
#include "models/output/report.h"
#include "models/requests/calls.h"
#include "models/control/run-warnings.h"
#include "models/config/scenario-warnings.h"
#include "models/config/scenario.h"
#include "models/control/service.h"
#include "models/core/world-private.h"
#include "models/world/world.h"

/* Numbers are rounded so the file reads well and stays stable: 1e-6 for
 * money, 1e-3 for the rest. NAN becomes null. */
static void
add_num(cJSON *o, const char *key, double v, double unit)
{
  if (isnan(v) || isinf(v)) {
    cJSON_AddNullToObject(o, key);
    return;
  }
  double r = round(v / unit) * unit;
  cJSON_AddNumberToObject(o, key, r == 0 ? 0.0 : r);
}

static void
add_int(cJSON *o, const char *key, double v)
{
  cJSON_AddNumberToObject(o, key, v);
}

typedef struct {
  guint64 arrivals, outcomes[REQ_N_OUTCOMES], in_flight, waited, started;
  double wait_sum;
  SimHistogram *latency;
} Totals;

static void
totals_add(Totals *t, const ReqStats *rs)
{
  t->arrivals += rs->arrivals.total;
  for (int k = 0; k < REQ_N_OUTCOMES; k++)
    t->outcomes[k] += rs->outcomes[k].total;
  t->in_flight += rs->in_flight_now;
  t->waited += rs->waited.total;
  t->started += rs->started.total;
  t->wait_sum += rs->wait_sum;
  sim_histogram_merge(t->latency, rs->latency_run);
}

static cJSON *
requests_json(const Totals *t, SimTime duration)
{
  cJSON *o = cJSON_CreateObject();
  guint64 errors = 0;
  cJSON *e = cJSON_CreateObject();
  for (int k = REQ_NO_TARGET; k < REQ_N_OUTCOMES; k++) {
    add_int(e, reqstats_outcome_name(k), (double) t->outcomes[k]);
    errors += t->outcomes[k];
  }
  add_int(e, "total", (double) errors);
  add_int(o, "arrivals", (double) t->arrivals);
  add_int(o, "completed", (double) t->outcomes[REQ_OK]);
  add_int(o, "in_flight_end", (double) t->in_flight);
  cJSON_AddItemToObject(o, "errors", e);
  guint64 finished = t->outcomes[REQ_OK] + errors;
  add_num(o, "error_rate", finished ? (double) errors / finished : 0.0,
          1e-9);
  add_num(o, "waited_fraction",
          t->arrivals ? (double) t->waited / t->arrivals : 0.0, 1e-9);
  add_num(o, "mean_wait_ms", t->started ? 1e3 * t->wait_sum / t->started
                                        : 0.0, 1e-6);
  add_num(o, "throughput_rps",
          t->outcomes[REQ_OK] / sim_time_to_seconds(duration), 1e-3);
  return o;
}

static cJSON *
latency_json(const SimHistogram *h)
{
  cJSON *o = cJSON_CreateObject();
  gboolean any = sim_histogram_count(h) > 0;
  add_num(o, "p50_ms", sim_histogram_quantile(h, 0.50) / 1e3, 1e-3);
  add_num(o, "p90_ms", sim_histogram_quantile(h, 0.90) / 1e3, 1e-3);
  add_num(o, "p99_ms", sim_histogram_quantile(h, 0.99) / 1e3, 1e-3);
  add_num(o, "p999_ms", sim_histogram_quantile(h, 0.999) / 1e3, 1e-3);
  add_num(o, "mean_ms", any ? sim_histogram_mean(h) / 1e3 : NAN, 1e-3);
  add_num(o, "max_ms", any ? sim_histogram_max(h) / 1e3 : NAN, 1e-3);
  return o;
}

static cJSON *
slo_json(const ScenarioConfig *cfg, const Totals *t)
{
  if (!cfg->slo.set)
    return cJSON_CreateNull();
  cJSON *o = cJSON_CreateObject();
  guint64 errors = 0;
  for (int k = REQ_NO_TARGET; k < REQ_N_OUTCOMES; k++)
    errors += t->outcomes[k];
  guint64 finished = t->outcomes[REQ_OK] + errors;
  double within = t->outcomes[REQ_OK]
                    ? sim_histogram_fraction_below(
                        t->latency, (uint64_t) cfg->slo.threshold) *
                        (double) t->outcomes[REQ_OK]
                    : 0.0;
  /* Failed requests miss the objective. */
  double attainment = finished ? within / (double) finished : NAN;
  add_num(o, "threshold_ms", sim_time_to_seconds(cfg->slo.threshold) * 1e3,
          1e-3);
  add_num(o, "target", cfg->slo.target, 1e-6);
  add_num(o, "attainment", attainment, 1e-6);
  cJSON_AddBoolToObject(o, "met", !isnan(attainment) &&
                                    attainment >= cfg->slo.target);
  /* Against requests.error_rate, as the break-even and --best judge it. */
  double error_rate = finished ? (double) errors / (double) finished : 0.0;
  add_num(o, "error_budget", cfg->slo.error_budget, 1e-9);
  cJSON_AddBoolToObject(o, "error_budget_met",
                        error_rate <= cfg->slo.error_budget);
  return o;
}

static cJSON *
cost_items_json(CostItems c)
{
  cJSON *o = cJSON_CreateObject();
  add_num(o, "compute", c.compute, 1e-6);
  add_num(o, "storage", c.storage, 1e-6);
  add_num(o, "load_balancer", c.load_balancer, 1e-6);
  add_num(o, "total", c.total, 1e-6);
  return o;
}

/* Savings Plans and Reserved Instances, only when the scenario has any:
 * what was committed, what it covered, and what was left over. */
static void
add_commitments(cJSON *o, World *w, CostItems total)
{
  CoverageTotals cv;
  if (!cost_commitments(w, &cv))
    return;
  cJSON *c = cJSON_AddObjectToObject(o, "commitments");
  add_num(c, "commitment_usd", cv.commitment, 1e-6);
  add_num(c, "covered_on_demand_usd", cv.covered_on_demand, 1e-6);
  add_num(c, "covered_usd", cv.covered, 1e-6);
  /* Compute billed outside the commitments: On-Demand and Spot. */
  add_num(c, "uncovered_usd", total.compute - cv.commitment, 1e-6);
  add_num(c, "unused_commitment_usd", cv.unused, 1e-6);
  add_num(c, "savings_usd", cv.covered_on_demand - cv.commitment, 1e-6);
}

static cJSON *
cost_json(World *w, guint64 arrivals)
{
  cJSON *o = cJSON_CreateObject();
  CostItems total = cost_total(w);
  double hours = 0;
  guint64 queries = 0;
  double discovery = calls_discovery_cost(w, &hours, &queries);
  if (discovery >= 0)
    total.total += discovery;
  add_num(o, "total_usd", total.total, 1e-6);
  cJSON *items = cost_items_json(total);
  if (discovery >= 0) {
    /* Only with Cloud Map DNS, after the others: outputs without it stay
     * as they were. */
    add_num(items, "discovery", discovery, 1e-6);
  }
  cJSON_AddItemToObject(o, "items", items);
  if (discovery >= 0) {
    cJSON *d = cJSON_AddObjectToObject(o, "discovery");
    add_num(d, "registered_instance_hours", hours, 1e-3);
    add_int(d, "dns_queries", (double) queries);
  }
  cJSON *svc = cJSON_CreateObject();
  for (guint i = 0; i < w->cfg->services->len; i++)
    add_num(svc, ((ServiceConfig *) w->cfg->services->pdata[i])->name,
            cost_of_service(w, i).compute + cost_of_service(w, i).storage +
              cost_of_service(w, i).load_balancer,
            1e-6);
  cJSON_AddItemToObject(o, "by_service", svc);
  cJSON *prov = cJSON_CreateObject();
  for (guint i = 0; i < capacity_provider_count(w); i++) {
    double c = cost_of_provider(w, (int) i);
    if (c > 0)
      add_num(prov, capacity_provider(w, (int) i)->name, c, 1e-6);
  }
  cJSON_AddItemToObject(o, "by_provider", prov);
  /* Which of the ALB's four LCU dimensions was billed: says which
   * workload knob (new_connection_ratio, bytes_per_request, …) drives
   * the load balancer line. */
  cJSON_AddStringToObject(o, "load_balancer_dimension",
                          cost_lb_dimension(w));
  add_num(o, "unused_ec2_usd", cost_unused_ec2(w), 1e-6);
  if (warm_pool_any(w))
    add_num(o, "warm_pool_usd", warm_pool_cost(w), 1e-6);
  add_commitments(o, w, total);
  add_num(o, "per_million_requests_usd",
          arrivals ? total.total / ((double) arrivals / 1e6) : NAN, 1e-6);
  cJSON_AddStringToObject(o, "pricing_region", w->cfg->pricing->region);
  return o;
}

/* TRUE when some ASG mixes purchase options or can lose Spot Instances:
 * the summary then counts them (other scenarios' summaries stay as they
 * were). */
static gboolean
uses_spot_instances(const World *w)
{
  for (guint a = 0; a < w->cfg->cluster->asgs->len; a++) {
    const AsgConfig *asg = w->cfg->cluster->asgs->pdata[a];
    if (asg->ec2.mixed != NULL || asg->ec2.spot.per_instance_hour > 0 ||
        asg->ec2.spot.scheduled->len > 0)
      return TRUE;
  }
  return FALSE;
}

static cJSON *
capacity_json(World *w)
{
  cJSON *o = cJSON_CreateObject();
  add_num(o, "task_hours", cost_task_hours(w), 1e-3);
  add_num(o, "instance_hours", cost_instance_hours(w), 1e-3);
  double cpu, mem;
  /* Accumulated as the periods closed: the rows themselves are gone. */
  metrics_utilisation(w, &cpu, &mem);
  add_num(o, "mean_cpu_pct", cpu, 1e-3);
  add_num(o, "mean_memory_pct", mem, 1e-3);
  /* Counted as instances register, not sampled at period ends, where
   * one that lived a few seconds would be missed. */
  add_int(o, "max_instances", (int) cluster_max_instances(w));
  add_int(o, "instances_launched", cluster_n_instances(w));
  if (uses_spot_instances(w)) {
    guint spot = 0;
    for (guint i = 0; i < cluster_n_instances(w); i++)
      spot += cluster_instance(w, i)->spot;
    add_int(o, "spot_instances_launched", spot);
    add_int(o, "spot_interruptions", cluster_spot_interruptions(w));
  }
  if (warm_pool_any(w))
    add_num(o, "warm_pool_instance_hours", warm_pool_instance_hours(w),
            1e-3);
  return o;
}

static cJSON *
tasks_json(World *w)
{
  cJSON *o = cJSON_CreateObject();
  guint64 started = 0, failed = 0, by_reason[STOP_N_REASONS] = { 0 };
  for (guint i = 0; i < w->tasks->len; i++) {
    const Task *t = w->tasks->pdata[i];
    started++;
    if (t->state == TASK_STOPPED)
      by_reason[t->stop_reason]++;
    failed += t->stop_reason == STOP_STARTUP_FAILURE;
  }
  guint64 stopped = 0;
  cJSON *r = cJSON_CreateObject();
  for (int k = STOP_NONE + 1; k < STOP_N_REASONS; k++) {
    add_int(r, task_stop_reason_name(k), (double) by_reason[k]);
    stopped += by_reason[k];
  }
  add_int(o, "started", (double) started);
  add_int(o, "stopped", (double) stopped);
  add_int(o, "failed_to_start", (double) failed);
  cJSON_AddItemToObject(o, "stopped_by_reason", r);
  return o;
}

static cJSON *
deployments_json(World *w)
{
  cJSON *o = cJSON_CreateObject();
  guint64 completed = 0, failed = 0, rollbacks = 0;
  for (guint i = 0; i < w->services->len; i++) {
    const Service *s = w->services->pdata[i];
    completed += s->deployments_completed;
    failed += s->deployments_failed;
    rollbacks += s->rollbacks;
  }
  add_int(o, "completed", (double) completed);
  add_int(o, "failed", (double) failed);
  add_int(o, "rollbacks", (double) rollbacks);
  return o;
}

/* A service's part in the call graph: its requests' calls. */
static cJSON *
service_calls_json(World *w, guint32 i)
{
  const CallService *cs = calls_service(w, i);
  cJSON *o = cJSON_CreateObject();
  guint64 made = 0, sent = 0, failed = 0;
  for (guint k = 0; k < calls_n_edges(w); k++) {
    const CallEdge *e = calls_edge(w, k);
    if (e->caller != i)
      continue;
    made += e->wanted;
    sent += e->sent;
    failed += e->failed;
  }
  add_int(o, "made", (double) made);
  add_int(o, "sent", (double) sent);
  add_num(o, "retry_amplification", made ? (double) sent / made : NAN,
          1e-6);
  add_int(o, "failed", (double) failed);
  add_int(o, "dependency_errors", (double) cs->dependency_errors);
  add_int(o, "answered_5xx", (double) cs->answered_5xx);
  add_num(o, "dependency_mean_ms",
          cs->resumed ? 1e3 * cs->deps_sum_s / cs->resumed : NAN, 1e-3);
  add_num(o, "dependency_fraction",
          cs->latency_sum_s > 0 ? cs->deps_sum_s / cs->latency_sum_s : NAN,
          1e-6);
  return o;
}

/* One edge of the call graph. */
static cJSON *
edge_json(World *w, const CallEdge *e)
{
  const ServiceConfig *caller = w->cfg->services->pdata[e->caller];
  const ServiceConfig *callee = w->cfg->services->pdata[e->callee];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "name", e->name);
  cJSON_AddStringToObject(o, "caller", caller->name);
  cJSON_AddStringToObject(o, "callee", callee->name);
  add_int(o, "calls", (double) e->wanted);
  add_int(o, "sent", (double) e->sent);
  add_int(o, "retries", (double) (e->sent - e->wanted));
  add_num(o, "retry_amplification",
          e->wanted ? (double) e->sent / e->wanted : NAN, 1e-6);
  add_int(o, "ok", (double) e->ok);
  cJSON *errors = cJSON_AddObjectToObject(o, "errors");
  static const char *const kinds[CALL_ERR_N] = { "5xx", "timeout",
                                                 "connection" };
  guint64 total = 0;
  for (int k = 0; k < CALL_ERR_N; k++) {
    add_int(errors, kinds[k], (double) e->errors[k]);
    total += e->errors[k];
  }
  add_int(errors, "total", (double) total);
  add_int(o, "failed", (double) e->failed);
  add_int(o, "in_flight_end", (double) e->in_flight);
  add_num(o, "failure_rate",
          e->wanted ? (double) e->failed / e->wanted : NAN, 1e-9);
  g_autoptr(SimHistogram) h = sim_histogram_new();
  sim_histogram_merge(h, e->latency);
  sim_histogram_merge(h, e->latency_period);
  cJSON_AddItemToObject(o, "latency", latency_json(h));
  return o;
}

static cJSON *
service_json(World *w, guint32 i)
{
  const Service *s = w->services->pdata[i];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "name", s->cfg->name);
  Totals t = { .latency = sim_histogram_new() };
  totals_add(&t, &w->reqstats[i]);
  cJSON_AddItemToObject(o, "requests", requests_json(&t, w->horizon));
  cJSON_AddItemToObject(o, "latency", latency_json(t.latency));
  cJSON_AddItemToObject(o, "cost", cost_items_json(cost_of_service(w, i)));
  ServiceCounts c = service_counts(w, i);
  add_int(o, "desired_end", s->desired);
  add_int(o, "running_end", c.running);
  add_int(o, "tasks_started", (double) s->tasks_started);
  add_int(o, "scaling_actions", (double) s->scaling_actions);
  add_int(o, "unable_to_place", (double) s->unplaced);
  cJSON *why = cJSON_AddObjectToObject(o, "unplaced_by_reason");
  for (int r = 0; r < UNPLACED_N_REASONS; r++)
    add_int(why, capacity_unplaced_reason_name(r),
            (double) s->unplaced_by_reason[r]);
  add_num(o, "unplaced_longest_s",
          sim_time_to_seconds(run_longest_unplaced(w, i)), 1e-3);
  if (calls_tracked(w, i))
    cJSON_AddItemToObject(o, "calls", service_calls_json(w, i));
  sim_histogram_free(t.latency);
  return o;
}

/* {"total": N, CODE: N, ...}: the figures of the warnings list, for
 * `expect` and `diff` (codes in the order they first appear), without
 * those the scenario ignores. */
static cJSON *
warning_counts_json(const ScenarioConfig *cfg, const Warnings *ws)
{
  cJSON *o = cJSON_CreateObject();
  cJSON *total = cJSON_AddNumberToObject(o, "total", 0);
  for (guint i = 0; i < warnings_len(ws); i++) {
    const char *code = warnings_code(ws, i);
    if (scenario_ignores_warning(cfg, code))
      continue;
    cJSON_SetNumberValue(total, total->valuedouble + 1);
    cJSON *n = cJSON_GetObjectItemCaseSensitive(o, code);
    if (n != NULL)
      cJSON_SetNumberValue(n, n->valuedouble + 1);
    else
      add_int(o, code, 1);
  }
  return o;
}

/* Warnings the summary's own figures show: the SLO missed, errors over
 * budget. */
static void
add_figure_warnings(const ScenarioConfig *cfg, const cJSON *root,
                    Warnings *out)
{
  const cJSON *slo = cJSON_GetObjectItemCaseSensitive(root, "slo");
  const cJSON *requests = cJSON_GetObjectItemCaseSensitive(root, "requests");
  double attainment = cJSON_GetNumberValue(
    cJSON_GetObjectItemCaseSensitive(slo, "attainment"));
  if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(slo, "met")))
    warnings_add(out, "slo_missed", NULL,
                 "the SLO was missed: %.2f%% of requests within %.0f ms, "
                 "target %.2f%%", 100.0 * attainment,
                 sim_time_to_seconds(cfg->slo.threshold) * 1e3,
                 100.0 * cfg->slo.target);
  double error_rate = cJSON_GetNumberValue(
    cJSON_GetObjectItemCaseSensitive(requests, "error_rate"));
  /* The budget is slo.error_budget, or 0.1% without an "slo". */
  if (error_rate > cfg->slo.error_budget)
    warnings_add(out, "errors_over_budget", NULL,
                 "%.3g%% of requests failed, over the error budget of "
                 "%.3g%%", 100.0 * error_rate, 100.0 * cfg->slo.error_budget);
}

cJSON *
report_summary(World *w)
{
  const ScenarioConfig *cfg = w->cfg;
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "schema", REPORT_SCHEMA);
  cJSON *scn = cJSON_AddObjectToObject(root, "scenario");
  cJSON_AddStringToObject(scn, "name", cfg->name);
  cJSON_AddStringToObject(scn, "variant", cfg->variant);
  add_int(scn, "seed", (double) cfg->seed);
  /* Only when given: a run without it writes the bytes it always did. */
  if (cfg->has_request_seed)
    add_int(scn, "request_seed", (double) cfg->request_seed);
  add_num(scn, "duration_s", sim_time_to_seconds(cfg->duration), 1e-6);
  add_num(scn, "period_s", sim_time_to_seconds(cfg->period), 1e-6);
  cJSON_AddStringToObject(scn, "fidelity", fidelity_name(world_fidelity(w)));
  Totals t = { .latency = sim_histogram_new() };
  /* A call is not a user's request: with calls, the top counts the
   * services nobody calls. */
  for (guint i = 0; i < cfg->services->len; i++)
    if (!calls_is_called(w, i))
      totals_add(&t, &w->reqstats[i]);
  cJSON_AddItemToObject(root, "requests", requests_json(&t, w->horizon));
  cJSON_AddItemToObject(root, "latency", latency_json(t.latency));
  cJSON_AddItemToObject(root, "slo", slo_json(cfg, &t));
  g_autoptr(Warnings) warnings = warnings_new();
  warnings_extend(warnings, w->warnings);
  add_figure_warnings(cfg, root, warnings);
  cJSON_AddItemToObject(root, "warnings",
                        warnings_to_json(warnings, cfg->ignored_warnings));
  cJSON_AddItemToObject(root, "warning_counts",
                        warning_counts_json(cfg, warnings));
  cJSON_AddItemToObject(root, "cost", cost_json(w, t.arrivals));
  cJSON_AddItemToObject(root, "capacity", capacity_json(w));
  cJSON_AddItemToObject(root, "tasks", tasks_json(w));
  cJSON_AddItemToObject(root, "deployments", deployments_json(w));
  cJSON *scaling = cJSON_AddObjectToObject(root, "scaling");
  guint64 actions = 0;
  for (guint i = 0; i < w->services->len; i++)
    actions += ((Service *) w->services->pdata[i])->scaling_actions;
  add_int(scaling, "service_actions", (double) actions);
  add_int(scaling, "capacity_actions", managed_scaling_actions(w));
  cJSON *services = cJSON_AddArrayToObject(root, "services");
  for (guint i = 0; i < cfg->services->len; i++)
    cJSON_AddItemToArray(services, service_json(w, i));
  if (calls_n_edges(w) > 0) {
    cJSON *edges = cJSON_AddArrayToObject(root, "edges");
    for (guint k = 0; k < calls_n_edges(w); k++)
      cJSON_AddItemToArray(edges, edge_json(w, calls_edge(w, k)));
  }
  cJSON *engine = cJSON_AddObjectToObject(root, "engine");
  add_int(engine, "events", (double) sim_engine_events(w->engine));
  cJSON *kinds = cJSON_AddObjectToObject(engine, "by_kind");
  for (guint k = 0; k < sim_engine_n_kinds(w->engine); k++)
    add_int(kinds, sim_engine_kind_name(w->engine, k),
            (double) sim_engine_kind_count(w->engine, k));
  add_int(engine, "events_logged", eventlog_size(w));
  sim_histogram_free(t.latency);
  return root;
}

cJSON *
report_timing(World *w)
{
  cJSON *o = cJSON_CreateObject();
  double wall = world_wall_seconds(w);
  guint64 events = sim_engine_events(w->engine);
  add_int(o, "events", (double) events);
  add_num(o, "wall_s", wall, 1e-6);
  add_num(o, "events_per_s", wall > 0 ? events / wall : NAN, 1.0);
  guint64 arrivals = 0;
  for (guint i = 0; i < w->cfg->services->len; i++)
    arrivals += w->reqstats[i].arrivals.total;
  add_num(o, "requests_per_s", wall > 0 ? arrivals / wall : NAN, 1.0);
  add_num(o, "simulated_s_per_wall_s",
          wall > 0 ? sim_time_to_seconds(w->horizon) / wall : NAN, 1e-3);
  return o;
}
