/* Requests as flows: the aggregate fidelity's steps. */
#include "models/requests/aggregate-private.h"

#include <math.h>

#include "models/config/scenario.h"
#include "models/requests/fluid-latency.h"
#include "models/requests/fluid-queue.h"
#include "models/requests/lb.h"
#include "models/requests/task-queue-private.h"
#include "models/traffic/traffic.h"

/* ---- counters ------------------------------------------------------ */

static SimCounter *
counter_of(ReqStats *rs, CountKind k)
{
  switch (k) {
  case C_ARRIVALS: return &rs->arrivals;
  case C_OK: return &rs->outcomes[REQ_OK];
  case C_NO_TARGET: return &rs->outcomes[REQ_NO_TARGET];
  case C_QUEUE_FULL: return &rs->outcomes[REQ_QUEUE_FULL];
  case C_TIMEOUT: return &rs->outcomes[REQ_TIMEOUT];
  case C_RESET: return &rs->outcomes[REQ_RESET];
  case C_STARTED: return &rs->started;
  case C_WAITED: return &rs->waited;
  default: g_assert_not_reached();
  }
}

/* Moves the rounded cumulative counts of @f into its counters. */
static void
commit_counts(World *w, guint32 service, Flow *f)
{
  ReqStats *rs = &w->reqstats[service];
  for (int k = 0; k < C_N; k++) {
    guint64 target = (guint64) floor(f->count[k] + 0.5);
    if (target > f->recorded[k]) {
      sim_counter_add(counter_of(rs, (CountKind) k),
                      target - f->recorded[k]);
      f->recorded[k] = target;
    }
  }
  guint64 ended = 0;
  for (int k = C_OK; k <= C_RESET; k++)
    ended += f->recorded[k];
  rs->in_flight_now = f->recorded[C_ARRIVALS] > ended
                        ? f->recorded[C_ARRIVALS] - ended : 0;
}

/* ---- the pool ------------------------------------------------------ */

/* Requests @s holds: in service and waiting. */
static double
held(const TaskQueue *s)
{
  return s->fluid_busy + s->fluid_backlog;
}

/* @s holds no backlog: nothing is known of its waits. */
static void
forget_backlog(TaskQueue *s)
{
  if (s->fluid_history != NULL)
    s->fluid_history->n = 0;
}

/* What @s held completes now (it drained: no new requests, and those
 * inside finish). */
static void
complete_held(Flow *f, TaskQueue *s)
{
  double n = held(s);
  if (n <= 0)
    return;
  f->count[C_OK] += n;
  f->count[C_STARTED] += s->fluid_backlog;
  fluid_latency_add(f->latency, n, s->speed, NULL);
  s->fluid_busy = s->fluid_backlog = 0;
  forget_backlog(s);
}

/* The relative share of traffic task @t's queue gets. */
static double
weight_of(const World *w, guint32 service, const TaskQueue *s)
{
  const TargetGroupConfig *tg = lb_target_group((World *) w, service);
  if (tg == NULL || tg->algorithm != LB_LEAST_OUTSTANDING)
    return 1.0;
  /* Least outstanding requests keeps every task's count alike, which
   * sends each work in proportion to how fast it clears it; a hung task
   * soon holds the most and gets none. */
  return s->hung ? 0.0 : s->slots / s->speed;
}

/* Reads the rotation of @service from its load balancer. Tasks that left
 * it keep nothing: a hung one's requests stay stuck (they fail when it
 * stops), the others' complete. */
static void
refresh_pool(World *w, guint32 service, Flow *f)
{
  Aggregate *a = w->aggregate;
  guint32 gen = ++a->pool_gen;
  guint n = 0;
  const guint32 *ids = lb_pool(w, service, &n);
  g_autoptr(GArray) old = f->pool;
  f->pool = g_array_sized_new(FALSE, FALSE, sizeof(Member), n);
  f->total_weight = 0;
  for (guint i = 0; i < n; i++) {
    TaskQueue *s = world_task(w, ids[i])->queue;
    Member m = { ids[i], weight_of(w, service, s) };
    s->fluid_gen = gen;
    f->shared_cpu |= s->share != NULL;
    a->any_share |= s->share != NULL;
    f->total_weight += m.weight;
    g_array_append_val(f->pool, m);
  }
  for (guint i = 0; old != NULL && i < old->len; i++) {
    TaskQueue *s =
      world_task(w, g_array_index(old, Member, i).task)->queue;
    if (s != NULL && s->fluid_gen != gen && !s->hung)
      complete_held(f, s);
  }
  f->stale = FALSE;
}

/* ---- one step ------------------------------------------------------ */

/* A hung task completes nothing: arrivals wait until its queue is full,
 * and the rest are refused (task-queue.h). */
static void
hung_step(TaskQueue *s, double lambda, double dt, FluidStep *out)
{
  *out = (FluidStep) { 0 };
  double room = MAX(0.0, s->queue_limit - s->fluid_backlog);
  double in = MIN(lambda * dt, room);
  out->queue_full = lambda * dt - in;
  out->backlog = s->fluid_backlog + in;
  out->busy_slot_s = s->fluid_busy * dt;
  out->in_flight_s = (s->fluid_busy + (s->fluid_backlog + out->backlog) / 2)
                     * dt;
  out->rho = INFINITY;
  forget_backlog(s);
}

/* Round robin deals a Poisson stream out in turn, so each of @n tasks
 * sees every n-th arrival: Erlang-n gaps, squared coefficient of
 * variation 1/n. */
static void
task_step(const Flow *f, TaskQueue *s, double mean_s, double lambda,
          double dt, guint n, FluidStep *out)
{
  if (s->hung) {
    hung_step(s, lambda, dt, out);
    return;
  }
  FluidServer srv = {
    .slots = s->slots,
    .mean_s = mean_s,
    .scv = f->scv,
    .arrival_scv = 1.0 / n,
    .third = f->third,
    .queue_limit = s->queue_limit,
    .timeout_s = sim_time_to_seconds(s->timeout),
  };
  /* A backlog's waits are FIFO's: it keeps what they will be. */
  if (s->fluid_history == NULL &&
      (s->fluid_backlog > 0 || lambda * mean_s >= s->slots))
    s->fluid_history = g_new0(FluidHistory, 1);
  fluid_queue_step_fifo(&srv, lambda, dt, s->fluid_backlog,
                        s->fluid_history, out);
}

/* @speed on a grid of 128 steps per doubling (0.5% apart): a share-only
 * task's speed moves with its instance's load every step, and each speed
 * is a latency group of its own until the flush (fluid-latency.h). */
static double
latency_speed(double speed)
{
  return exp2(round(log2(speed) * 128) / 128);
}

/* Sums of a step over a service's tasks. */
typedef struct {
  double busy_slot_s, in_flight_s, wait_sum_s;
  gboolean near_saturation, overload;
  gboolean one_slot_busy;       /* a one-slot task at AGGREGATE_ONE_SLOT_RHO
                                   or more (round robin) */
} StepTotals;

/* Adds @share of step @out (all of it for a task's own step; its part of
 * a pooled one) as task @s's, whose requests took @mean_s on average. */
static void
add_step(Flow *f, TaskQueue *s, const FluidStep *out, double dt,
         double share, double mean_s, StepTotals *sum)
{
  f->count[C_QUEUE_FULL] += share * out->queue_full;
  f->count[C_TIMEOUT] += share * out->timed_out;
  f->count[C_STARTED] += share * out->started;
  f->count[C_WAITED] += share * out->waited;
  f->count[C_OK] += share * out->completed;
  /* A share-only task's CPU metric is CPU used over CPU reserved
   * (workload.h): its requests' work over its slots' reservation. */
  double busy = s->share == NULL ? out->busy_slot_s
                                 : out->started * f->work_s /
                                     task_queue_share_slot_vcpu(s);
  sum->busy_slot_s += share * busy;
  sum->in_flight_s += share * out->in_flight_s;
  sum->wait_sum_s += share * out->wait_sum_s;
  sum->near_saturation |= out->rho > 0.95 && out->rho < 1.0;
  sum->overload |= out->backlog > 0;
  if (out->completed > 0)
    fluid_latency_add(f->latency, share * out->completed,
                      latency_speed(f->mean_s > 0 ? mean_s / f->mean_s : 1.0),
                      &out->wait);
  s->fluid_backlog = share * out->backlog;
  s->fluid_busy = share * out->busy_slot_s / dt;
}

/* Memory grows with the requests a task holds (task-queue.h): past its
 * limit it is OOM-killed. The flow's mean stands for the count. */
static void
check_memory(World *w, TaskQueue *s, SimTime now)
{
  if (s->oom_at != G_MAXUINT32 && held(s) >= (double) s->oom_at)
    task_queue_out_of_memory(w, s, now);
}

/* Round robin: each task a queue of its own. Tasks alike (same slots and
 * mean, idle queue) step alike: the last result is reused while they come
 * in a row. */
static void
round_robin_step(World *w, Flow *f, double dt, SimTime to, StepTotals *sum)
{
  FluidStep out;
  const TaskQueue *like = NULL;
  double like_lambda = -1, like_mean = -1, like_backlog = -1;
  for (guint i = 0; i < f->pool->len; i++) {
    const Member *m = &g_array_index(f->pool, Member, i);
    TaskQueue *s = world_task(w, m->task)->queue;
    double li = f->lambda * m->weight / f->total_weight;
    double mean = aggregate_task_mean_s(w, f, s, li);
    sum->one_slot_busy |= s->slots == 1 && li * mean >= AGGREGATE_ONE_SLOT_RHO;
    /* (like's backlog as it was before its step) */
    gboolean same = like != NULL && li == like_lambda && mean == like_mean &&
                    s->fluid_backlog == 0 && like_backlog == 0 &&
                    !s->hung && !like->hung && s->slots == like->slots;
    like_backlog = s->fluid_backlog;
    if (!same)
      task_step(f, s, mean, li, dt, f->pool->len, &out);
    add_step(f, s, &out, dt, 1.0, mean, sum);
    check_memory(w, s, to);
    like = s;
    like_lambda = li;
    like_mean = mean;
  }
}

/* Least outstanding requests sends each request to the task holding the
 * fewest, which is close to one queue in front of all their slots (join
 * the shortest queue; Whitt 2002, "Stochastic-Process Limits", §8): the
 * tasks step as one server group of all their slots, whose service rate
 * is the sum of theirs, and share the results by weight (their rates). */
static void
pooled_step(World *w, Flow *f, double dt, SimTime to, StepTotals *sum)
{
  FluidServer srv = { .scv = f->scv, .arrival_scv = 1.0, .third = f->third,
                      .queue_limit = 0, .timeout_s = INFINITY };
  double rate = 0, backlog = 0;
  for (guint i = 0; i < f->pool->len; i++) {
    const Member *m = &g_array_index(f->pool, Member, i);
    const TaskQueue *s = world_task(w, m->task)->queue;
    if (m->weight <= 0)
      continue;
    double li = f->lambda * m->weight / f->total_weight;
    srv.slots += s->slots;
    rate += s->slots / aggregate_task_mean_s(w, f, s, li);
    srv.queue_limit += s->queue_limit;
    srv.timeout_s = sim_time_to_seconds(s->timeout);
    backlog += s->fluid_backlog;
  }
  srv.mean_s = srv.slots / rate;
  FluidStep out;
  fluid_queue_step(&srv, f->lambda, dt, backlog, &out);
  for (guint i = 0; i < f->pool->len; i++) {
    const Member *m = &g_array_index(f->pool, Member, i);
    TaskQueue *s = world_task(w, m->task)->queue;
    if (m->weight <= 0) {
      FluidStep idle;
      hung_step(s, 0, dt, &idle);
      add_step(f, s, &idle, dt, 1.0, f->mean_s, sum);
      continue;
    }
    double li = f->lambda * m->weight / f->total_weight;
    add_step(f, s, &out, dt, m->weight / f->total_weight,
             aggregate_task_mean_s(w, f, s, li), sum);
    check_memory(w, s, to);
  }
}

/* Reads service @service's arrivals over [@from, @to) and its pool. */
static void
start_flow(World *w, guint32 service, SimTime from, SimTime to)
{
  Flow *f = &w->aggregate->flows[service];
  double dt = sim_time_to_seconds(to - from);
  f->lambda = f->traffic != NULL
                ? traffic_rate_arrivals(f->traffic, from, to) / dt : 0;
  if (f->stale)
    refresh_pool(w, service, f);
}

static void
advance_flow(World *w, guint32 service, SimTime from, SimTime to)
{
  Flow *f = &w->aggregate->flows[service];
  double dt = sim_time_to_seconds(to - from);
  f->count[C_ARRIVALS] += f->lambda * dt;
  StepTotals sum = { 0 };
  if (f->pool->len == 0 || f->total_weight <= 0)
    f->count[C_NO_TARGET] += f->lambda * dt;
  else if (f->pooled)
    pooled_step(w, f, dt, to, &sum);
  else
    round_robin_step(w, f, dt, to, &sum);
  if (sum.near_saturation)
    f->near_saturation_s += dt;
  if (sum.one_slot_busy)
    f->one_slot_busy_s += dt;
  if (sum.overload)
    f->overload_s += dt;
  double moved = fabs(f->lambda - f->lambda_before);
  if (sum.overload || moved > AGGREGATE_CALM * MAX(f->lambda, 1e-9))
    w->aggregate->moving = TRUE;
  f->lambda_before = f->lambda;
  ReqStats *rs = &w->reqstats[service];
  sim_time_avg_set(&rs->busy, from, sum.busy_slot_s / dt);
  sim_time_avg_set(&rs->in_flight, from, sum.in_flight_s / dt);
  rs->wait_sum += sum.wait_sum_s;
  rs->wait_sum_window += sum.wait_sum_s;
  commit_counts(w, service, f);
}

/* Advances every flow from the last step to now: every service's
 * arrivals and pool first, as share-only tasks' speeds depend on what
 * every task on their instance is asked. */
static void
advance(World *w)
{
  Aggregate *a = w->aggregate;
  SimTime now = world_now(w);
  if (now <= a->last)
    return;
  for (guint i = 0; i < a->n; i++)
    start_flow(w, i, a->last, now);
  if (a->any_share)
    aggregate_measure_instances(w);
  for (guint i = 0; i < a->n; i++)
    advance_flow(w, i, a->last, now);
  a->last = now;
}

static void
on_step(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Aggregate *) model)->w;
  advance(w);
  Aggregate *a = w->aggregate;
  a->step = a->moving ? AGGREGATE_STEP_MAX
                      : MIN(2 * a->step, AGGREGATE_CALM_MAX);
  a->moving = FALSE;
  SimTime next = world_now(w) + a->step;
  if (next < w->horizon)
    sim_schedule_inline(engine, next, w->aggregate->kind, NULL, 0);
}

/* ---- the interface ------------------------------------------------- */

void
aggregate_collect_warnings(World *w)
{
  Aggregate *a = w->aggregate;
  for (guint i = 0; a != NULL && i < a->n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    const Flow *f = &a->flows[i];
    if (f->scv > 4)
      warnings_add(w->warnings, "aggregate_approximation", svc->name,
                   "service %s: service time cv %.2g: the aggregate "
                   "fidelity's waits "
                   "(Allen-Cunneen) lose accuracy above cv 2; check with "
                   "\"fidelity\": \"requests\"", svc->name, sqrt(f->scv));
    /* Within about a service time and a half the timeout cuts into the
     * waits' body, where Allen-Cunneen's exponential tail is least like
     * the real one: at 0.7 of the mean service time it counted ten times
     * the timeouts a request-level run has, at 1.4 five times. */
    double timeout_s = sim_time_to_seconds(svc->workload.timeout);
    if (timeout_s < 2.0 * f->mean_s)
      warnings_add(w->warnings, "aggregate_approximation", svc->name,
                   "service %s: its timeout (%.3g s) is within two mean "
                   "service times (%.3g s): the aggregate fidelity counts "
                   "timed-out requests from an exponential wait tail, "
                   "several times too many here; check with \"fidelity\": "
                   "\"requests\"", svc->name, timeout_s, f->mean_s);
    if (f->near_saturation_s > 0)
      warnings_add(w->warnings, "aggregate_approximation", svc->name,
                   "service %s: tasks ran at 95-100%% of capacity for "
                   "%.0f s: the "
                   "aggregate fidelity's waits are least accurate near "
                   "saturation; check with \"fidelity\": \"requests\"",
                   svc->name, f->near_saturation_s);
    if (f->one_slot_busy_s > 0)
      warnings_add(w->warnings, "aggregate_approximation", svc->name,
                   "service %s: its tasks take one request at a time and "
                   "were %.0f%% busy or more for %.0f s: there the "
                   "aggregate fidelity's p99 can be up to 15%% off a "
                   "request-level run's (long for regular service times, "
                   "short for variable ones); check with \"fidelity\": "
                   "\"requests\"", svc->name, 100 * AGGREGATE_ONE_SLOT_RHO,
                   f->one_slot_busy_s);
    if (f->shared_cpu)
      warnings_add(w->warnings, "aggregate_approximation", svc->name,
                   "service %s: its share-only EC2 tasks' speed comes from "
                   "the mean CPU their instance's tasks ask (processor "
                   "sharing), not from each moment's neighbours",
                   svc->name);
    if (svc->workload.memory_per_request_mib > 0)
      warnings_add(w->warnings, "aggregate_approximation", svc->name,
                   "service %s: memory per request: the aggregate fidelity "
                   "OOM-kills on the mean requests held, not on their "
                   "peaks", svc->name);
  }
}

void
aggregate_sync(World *w, gboolean period_end)
{
  if (!world_is_aggregate(w))
    return;
  advance(w);
  /* Latencies wait for the period's end unless autoscaling reads each
   * minute's: a flush costs a few hundred histogram records. */
  for (guint i = 0; i < w->aggregate->n; i++)
    if (period_end || w->reqstats[i].minute_latency != NULL)
      fluid_latency_flush(w->aggregate->flows[i].latency,
                          w->reqstats[i].latency,
                          w->reqstats[i].minute_latency);
}

void
aggregate_abort(World *w, TaskQueue *s)
{
  advance(w);
  Flow *f = &w->aggregate->flows[s->service];
  double n = held(s);
  if (n > 0) {
    f->count[C_RESET] += n;
    s->fluid_busy = s->fluid_backlog = 0;
    forget_backlog(s);
    commit_counts(w, s->service, f);
  }
}

void
aggregate_on_task_state(World *w, Task *t, TaskState old, gpointer data)
{
  advance(w);
  Flow *f = &w->aggregate->flows[t->service];
  f->stale = TRUE;
  /* Draining: no new requests; those inside finish. A crashed container
   * loses them instead (lb.c aborts its queue). */
  gboolean crashed = t->stop_reason == STOP_ESSENTIAL_EXIT ||
                     t->stop_reason == STOP_OUT_OF_MEMORY;
  if (t->queue != NULL && !t->queue->hung && !crashed &&
      (t->state == TASK_DEACTIVATING || t->state == TASK_STOPPING)) {
    complete_held(f, t->queue);
    commit_counts(w, t->service, f);
  }
}

void
aggregate_on_task_health(World *w, Task *t, gpointer data)
{
  advance(w);
  w->aggregate->flows[t->service].stale = TRUE;
}

void
aggregate_init(World *w)
{
  static const SimEventKind step = { "aggregate.step", on_step, NULL };
  Aggregate *a = g_new0(Aggregate, 1);
  w->aggregate = a;
  a->w = w;
  a->kind = sim_engine_register(w->engine, &step, a);
  a->n = w->cfg->services->len;
  a->flows = g_new0(Flow, a->n);
  a->loads = g_array_new(FALSE, TRUE, sizeof(InstanceLoad));
  for (guint i = 0; i < a->n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    Flow *f = &a->flows[i];
    if (svc->workload.traffic != NULL)
      f->traffic = traffic_rate_new(
        svc->workload.traffic, world_rng(w, "traffic-modulation", svc->name),
        w->cfg->clock_offset, w->options.traffic_scale);
    f->metric_noise = world_rng(w, "metric-noise", svc->name);
    f->latency = fluid_latency_new(&svc->workload.service_time);
    f->mean_s = dist_mean_seconds(&svc->workload.service_time);
    f->work_s = f->mean_s * workload_work_per_second(&svc->workload);
    f->slot_max_vcpu = workload_slot_max_vcpu(&svc->workload);
    f->scv = dist_scv(&svc->workload.service_time);
    f->third = dist_third_moment_ratio(&svc->workload.service_time);
    f->pool = g_array_new(FALSE, FALSE, sizeof(Member));
    const TargetGroupConfig *tg = w->cfg->service_tgs->pdata[i];
    f->pooled = tg != NULL && tg->algorithm == LB_LEAST_OUTSTANDING;
    f->stale = TRUE;
  }
  a->step = AGGREGATE_STEP_MAX;
  if (AGGREGATE_STEP_MAX < w->horizon)
    sim_schedule_inline(w->engine, AGGREGATE_STEP_MAX, a->kind, NULL, 0);
}

void
aggregate_free(World *w)
{
  Aggregate *a = w->aggregate;
  if (a == NULL)
    return;
  for (guint i = 0; i < a->n; i++) {
    fluid_latency_free(a->flows[i].latency);
    traffic_rate_free(a->flows[i].traffic);
    g_array_unref(a->flows[i].pool);
  }
  g_free(a->flows);
  g_array_unref(a->loads);
  g_free(a);
  w->aggregate = NULL;
}
