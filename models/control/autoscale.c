/* Datapoints, alarms and policies of Service Auto Scaling. */
#include "models/control/autoscale.h"

#include <math.h>

#include "models/core/eventlog.h"
#include "models/requests/aggregate.h"
#include "models/requests/lb.h"
#include "models/control/metrics.h"
#include "models/config/scenario.h"
#include "models/control/service.h"

typedef struct {
  SimTime end;                  /* end of the minute it measures */
  double values[METRIC_N];
  double serving;               /* tasks serving during the minute */
} Datapoint;

typedef struct {
  const ScalingConfig *cfg;
  int min, max;                 /* after scheduled actions */
  int forecast_min;             /* predictive floor for the hour, or 0 */
  GArray *points;               /* Datapoint, one per minute: the last
                                   keep_points or more */
  GArray *arrivals;             /* double per minute (predictive): the
                                   last keep_arrivals or more */
  guint keep_points, keep_arrivals;
  gint64 arrivals_first;        /* the minute of arrivals[0] */
  guint64 last_arrivals, last_errors, last_done;
  ReqWindow minute;      /* the datapoint's minute, which runs now */
  SimTime last_scale_in;        /* -1: never */
  SimTime last_scale_out;
  SimTime *last_step;           /* per policy */
  int minutes_at_max;           /* evaluations with desired >= max */
} ServiceScaling;

struct _Autoscale {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* its event kind */
  ServiceScaling *services;
  guint n;
};

enum { AS_MINUTE, AS_SCHEDULED, AS_FORECAST };

typedef struct {
  guint32 what;
  guint32 service;
  guint32 index;                /* scheduled action */
} AutoscaleEvent;

static ServiceScaling *
scaling(const World *w, guint32 service)
{
  return &w->autoscale->services[service];
}

/* TRUE when a policy of @cfg scales on the service's latency: only then
 * does the minute keep a histogram of its own. */
static gboolean
reads_latency(const ScalingConfig *cfg)
{
  for (guint i = 0; i < cfg->policies->len; i++) {
    const ScalingPolicy *p = cfg->policies->pdata[i];
    if (p->metric == METRIC_LATENCY_P50 || p->metric == METRIC_LATENCY_P99)
      return TRUE;
  }
  return FALSE;
}

/* ---- datapoints --------------------------------------------------- */

static Datapoint
measure(World *w, guint32 s, ServiceScaling *ss)
{
  aggregate_sync(w, FALSE);
  ReqStats *rs = &w->reqstats[s];
  SimTime now = world_now(w);
  Datapoint d = { .end = now };
  ReqWindowTotals t;
  reqstats_window_close(rs, &ss->minute, now, &t);
  guint64 errors = 0;
  for (int k = REQ_NO_TARGET; k < REQ_N_OUTCOMES; k++)
    errors += rs->outcomes[k].total;
  guint64 done = rs->outcomes[REQ_OK].total;
  double arrivals = (double) (rs->arrivals.total - ss->last_arrivals);
  guint64 d_err = errors - ss->last_errors, d_done = done - ss->last_done;
  ServiceCounts c = service_counts(w, s);
  /* Tasks serving: slot-seconds over the minute / slots per task. */
  const Workload *wl =
    &((ServiceConfig *) w->cfg->services->pdata[s])->workload;
  int per_task = workload_slots(wl, workload_task_vcpu(
    wl, ((EcsTaskDef *) w->cfg->service_taskdefs->pdata[s])->cpu));
  d.serving = t.slot_s / 60.0 / MAX(per_task, 1);
  d.values[METRIC_CPU] = reqstats_window_cpu_pct(&t);
  d.values[METRIC_MEMORY] = metrics_memory_pct(w, s, c.running,
                                               t.in_flight_s / 60.0);
  /* Flows give expectations; the datapoints read what requests would. */
  double counted = arrivals;
  if (world_is_aggregate(w))
    aggregate_sample_datapoint(w, s, &counted, &d.values[METRIC_CPU]);
  guint targets = lb_rotation_size(w, s);
  d.values[METRIC_REQUESTS_PER_TARGET] = counted / MAX(targets, 1u);
  /* The minute's latencies are kept only when a policy reads them. */
  d.values[METRIC_LATENCY_P50] = d.values[METRIC_LATENCY_P99] = NAN;
  if (rs->minute_latency != NULL) {
    d.values[METRIC_LATENCY_P50] =
      reqstats_quantile_ms(rs->minute_latency, 0.50);
    d.values[METRIC_LATENCY_P99] =
      reqstats_quantile_ms(rs->minute_latency, 0.99);
    sim_histogram_reset(rs->minute_latency);
  }
  d.values[METRIC_QUEUE_DEPTH] =
    c.running > 0 ? MAX(0.0, (t.in_flight_s - t.busy_s) / 60.0) / c.running
                  : 0.0;
  d.values[METRIC_ERROR_RATE] =
    d_err + d_done > 0 ? 100.0 * d_err / (double) (d_err + d_done) : 0.0;
  ss->last_arrivals = rs->arrivals.total;
  ss->last_errors = errors;
  ss->last_done = done;
  g_array_append_val(ss->arrivals, arrivals);
  /* Older minutes than the forecast looks back to are never read: drop
   * them now and then, so memory does not grow with the run. */
  if (ss->arrivals->len >= 2 * ss->keep_arrivals) {
    guint drop = ss->arrivals->len - ss->keep_arrivals;
    g_array_remove_range(ss->arrivals, 0, drop);
    ss->arrivals_first += drop;
  }
  return d;
}

/* The last @n datapoints visible now (newest last), or NULL when fewer
 * are visible. */
static const Datapoint *
visible(World *w, const ServiceScaling *ss, guint n)
{
  SimTime cutoff = world_now(w) - ss->cfg->metric_lag;
  guint last = ss->points->len;
  while (last > 0 &&
         g_array_index(ss->points, Datapoint, last - 1).end > cutoff)
    last--;
  if (last < n || n == 0)
    return NULL;
  return &g_array_index(ss->points, Datapoint, last - n);
}

static gboolean
breaches(double v, Comparison cmp, double threshold)
{
  switch (cmp) {
  case CMP_GT:
    return v > threshold;
  case CMP_GE:
    return v >= threshold;
  case CMP_LT:
    return v < threshold;
  case CMP_LE:
    return v <= threshold;
  }
  return FALSE;
}

/* Every one of @n datapoints from @p of @metric breaches. */
static gboolean
all_breach(const Datapoint *p, guint n, MetricKind metric, Comparison cmp,
           double threshold)
{
  for (guint i = 0; i < n; i++)
    if (isnan(p[i].values[metric]) ||
        !breaches(p[i].values[metric], cmp, threshold))
      return FALSE;
  return TRUE;
}

/* ---- policies ----------------------------------------------------- */

static int
clamp_capacity(const ServiceScaling *ss, int n)
{
  int lo = MAX(ss->min, ss->forecast_min);
  return CLAMP(n, MIN(lo, ss->max), ss->max);
}

static void
apply(World *w, guint32 s, int desired, gboolean out, const char *why)
{
  ServiceScaling *ss = scaling(w, s);
  Service *svc = service_get(w, s);
  if (desired == svc->desired)
    return;
  svc->scaling_actions++;
  if (out)
    ss->last_scale_out = world_now(w);
  else
    ss->last_scale_in = world_now(w);
  service_set_desired(w, s, desired, why);
}

/* Target tracking: a proposal (capacity, direction) or none. */
static gboolean
target_tracking(World *w, ServiceScaling *ss, const ScalingPolicy *p,
                int *capacity, gboolean *out, GString *why)
{
  const Datapoint *high = visible(w, ss, 3);
  double ratio = ecs_rules(w)->scale_in_ratio;
  if (high == NULL)
    return FALSE;
  const Datapoint *latest = &high[2];
  double metric = latest->values[p->metric];
  int proposal = (int) ceil(latest->serving * metric / p->target - 1e-9);
  if (all_breach(high, 3, p->metric, CMP_GT, p->target)) {
    *out = TRUE;
    *capacity = proposal;
    g_string_printf(why, "policy %s: %s %.1f > target %.1f for 3 of 3 "
                    "datapoints", p->name, autoscale_metric_name(p->metric),
                    metric, p->target);
    return TRUE;
  }
  const Datapoint *low = visible(w, ss, 15);
  if (low != NULL && !p->disable_scale_in &&
      all_breach(low, 15, p->metric, CMP_LT, ratio * p->target)) {
    *out = FALSE;
    *capacity = proposal;
    g_string_printf(why, "policy %s: %s %.1f < %.1f for 15 of 15 "
                    "datapoints", p->name, autoscale_metric_name(p->metric),
                    metric, ratio * p->target);
    return TRUE;
  }
  return FALSE;
}

static void
run_target_tracking(World *w, guint32 s, ServiceScaling *ss)
{
  Service *svc = service_get(w, s);
  int best_out = -1, best_in = -1, policies = 0, ins = 0;
  g_autoptr(GString) out_why = g_string_new(NULL);
  g_autoptr(GString) in_why = g_string_new(NULL);
  g_autoptr(GString) why = g_string_new(NULL);
  SimTime in_cooldown = 0;
  for (guint i = 0; i < ss->cfg->policies->len; i++) {
    const ScalingPolicy *p = ss->cfg->policies->pdata[i];
    if (p->step)
      continue;
    policies++;
    in_cooldown = MAX(in_cooldown, p->scale_in_cooldown);
    int capacity;
    gboolean out;
    if (!target_tracking(w, ss, p, &capacity, &out, why))
      continue;
    if (out && capacity > best_out) {
      best_out = capacity;
      g_string_assign(out_why, why->str);
    } else if (!out) {
      ins++;
      if (capacity > best_in) {
        best_in = capacity;
        g_string_assign(in_why, why->str);
      }
    }
  }
  if (policies == 0)
    return;
  if (best_out >= 0) {
    if (ss->cfg->suspend_out)
      return; /* SuspendedState: DynamicScalingOutSuspended */
    int desired = clamp_capacity(ss, best_out);
    if (desired > svc->desired)
      apply(w, s, desired, TRUE, out_why->str);
    return;
  }
  /* Scale in only when every policy agrees, outside deployments and the
   * scale-in cooldown (which a later scale-out cancels). */
  gboolean cooling = ss->last_scale_in >= 0 &&
                     ss->last_scale_in > ss->last_scale_out &&
                     world_now(w) < ss->last_scale_in + in_cooldown;
  if (ins == policies && !cooling && !service_deploying(w, s) &&
      !ss->cfg->suspend_in) {
    int desired = clamp_capacity(ss, best_in);
    if (desired < svc->desired)
      apply(w, s, desired, FALSE, in_why->str);
  }
}

static const StepAdjustment *
find_step(const ScalingPolicy *p, double diff)
{
  for (guint i = 0; i < p->steps->len; i++) {
    const StepAdjustment *a = &g_array_index(p->steps, StepAdjustment, i);
    if ((!a->has_lower || diff >= a->lower) &&
        (!a->has_upper || diff < a->upper))
      return a;
  }
  return NULL;
}

static void
run_step(World *w, guint32 s, ServiceScaling *ss, guint index)
{
  const ScalingPolicy *p = ss->cfg->policies->pdata[index];
  const Datapoint *pts = visible(w, ss, (guint) p->evaluation_periods);
  if (pts == NULL || world_now(w) < ss->last_step[index] + p->cooldown)
    return;
  int breaching = 0;
  for (int i = 0; i < p->evaluation_periods; i++)
    breaching += breaches(pts[i].values[p->metric], p->comparison,
                          p->threshold);
  if (breaching < p->datapoints_to_alarm)
    return;
  double metric = pts[p->evaluation_periods - 1].values[p->metric];
  const StepAdjustment *step = find_step(p, metric - p->threshold);
  if (step == NULL)
    return;
  int current = service_get(w, s)->desired, target;
  switch (p->adjustment) {
  case ADJUST_EXACT:
    target = step->adjustment;
    break;
  case ADJUST_PERCENT:
    target = current + autoscale_percent_change(current, step->adjustment,
                                                p->min_magnitude);
    break;
  default:
    target = current + step->adjustment;
  }
  target = clamp_capacity(ss, target);
  if (target == current || (target < current && service_deploying(w, s)))
    return;
  if (target > current ? ss->cfg->suspend_out : ss->cfg->suspend_in)
    return; /* SuspendedState: the alarm fires, the policy does not act */
  ss->last_step[index] = world_now(w);
  g_autofree char *why = g_strdup_printf(
    "policy %s: alarm %s %.1f breached %.1f in %d of %d datapoints",
    p->name, autoscale_metric_name(p->metric), metric, p->threshold,
    breaching, p->evaluation_periods);
  apply(w, s, target, target > current, why);
}

/* ---- events ------------------------------------------------------- */

static void
schedule(World *w, SimTime at, guint32 what, guint32 service, guint32 index)
{
  if (at > w->horizon)
    return;
  AutoscaleEvent e = { what, service, index };
  sim_schedule_inline(w->engine, at, w->autoscale->kind, &e, sizeof e);
}

static void
on_minute(World *w, guint32 s)
{
  ServiceScaling *ss = scaling(w, s);
  Datapoint d = measure(w, s, ss);
  g_array_append_val(ss->points, d);
  /* Alarms read the last few visible datapoints (visible()): the older
   * ones go, now and then. */
  if (ss->points->len >= 2 * ss->keep_points)
    g_array_remove_range(ss->points, 0,
                         ss->points->len - ss->keep_points);
  if (service_get(w, s)->desired >= ss->max)
    ss->minutes_at_max++;
  run_target_tracking(w, s, ss);
  for (guint i = 0; i < ss->cfg->policies->len; i++)
    if (((ScalingPolicy *) ss->cfg->policies->pdata[i])->step)
      run_step(w, s, ss, i);
  schedule(w, world_now(w) + SIM_MIN, AS_MINUTE, s, 0);
}

/* Moves the desired count into the current [MinCapacity, MaxCapacity], as
 * Application Auto Scaling does whenever the bounds are set: at
 * RegisterScalableTarget (time 0) and at a scheduled action. The scaling
 * activity is logged in AWS's words (Description "Setting desired count
 * to N.", Cause "minimum capacity was set to N"). @why, when not NULL,
 * says what set the bounds. */
static void
enforce_bounds(World *w, guint32 s, ServiceScaling *ss, const char *why)
{
  int desired = service_get(w, s)->desired;
  int clamped = clamp_capacity(ss, desired);
  if (clamped == desired)
    return;
  const char *bound = clamped > desired ? "minimum" : "maximum";
  eventlog_add(w, (int) s, "scaling-activity", NULL, NULL,
               "Setting desired count to %d. Cause: %s capacity was set "
               "to %d.", clamped, bound, clamped);
  g_autofree char *cause = why != NULL
    ? g_strdup(why)
    : g_strdup_printf("%s capacity was set to %d", bound, clamped);
  apply(w, s, clamped, clamped > desired, cause);
}

static void
on_scheduled(World *w, guint32 s, guint32 index)
{
  ServiceScaling *ss = scaling(w, s);
  const ScheduledAction *a =
    &g_array_index(ss->cfg->scheduled, ScheduledAction, index);
  if (a->min_capacity >= 0)
    ss->min = a->min_capacity;
  if (a->max_capacity >= 0)
    ss->max = a->max_capacity;
  g_autofree char *why = g_strdup_printf(
    "scheduled action %s set MinCapacity %d, MaxCapacity %d",
    a->name ? a->name : "(unnamed)", ss->min, ss->max);
  eventlog_add(w, (int) s, "scheduled-action", NULL, NULL, "%s.", why);
  enforce_bounds(w, s, ss, why);
  SimTime next = autoscale_next_occurrence(a, world_now(w),
                                           w->cfg->clock_offset);
  if (next >= 0)
    schedule(w, next, AS_SCHEDULED, s, index);
}

static void
on_forecast(World *w, guint32 s)
{
  ServiceScaling *ss = scaling(w, s);
  const PredictiveConfig *p = &ss->cfg->predictive;
  SimTime now = world_now(w);
  schedule(w, now + p->interval, AS_FORECAST, s, 0);
  gint64 from = (now - p->lookback) / SIM_MIN;
  gint64 to = from + p->interval / SIM_MIN;
  if (from < 0 || to > ss->arrivals_first + (gint64) ss->arrivals->len)
    return; /* not enough history yet */
  g_assert(from >= ss->arrivals_first);
  double sum = 0;
  for (gint64 m = from; m < to; m++)
    sum += g_array_index(ss->arrivals, double, m - ss->arrivals_first);
  double rps = sum / sim_time_to_seconds(p->interval);
  ss->forecast_min = (int) ceil(rps / p->target_rps_per_task);
  int desired = service_get(w, s)->desired;
  int clamped = clamp_capacity(ss, desired);
  g_autofree char *why = g_strdup_printf(
    "predictive scaling (ecsim extension): forecast %.1f requests/s for "
    "the next %.0f minutes from %.0f hours ago, minimum %d",
    rps, sim_time_to_seconds(p->interval) / 60,
    sim_time_to_seconds(p->lookback) / 3600, ss->forecast_min);
  if (clamped > desired)
    apply(w, s, clamped, TRUE, why);
}

static void
on_event(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Autoscale *) model)->w;
  const AutoscaleEvent *e = payload;
  switch (e->what) {
  case AS_MINUTE:
    on_minute(w, e->service);
    break;
  case AS_SCHEDULED:
    on_scheduled(w, e->service, e->index);
    break;
  case AS_FORECAST:
    on_forecast(w, e->service);
    break;
  }
}

/* How many minutes of history @ss must hold: the most datapoints an alarm
 * reads (15 for target tracking's scale-in) plus those not yet visible;
 * the predictive forecast's lookback and interval. A margin of 2 each. */
static void
set_history(ServiceScaling *ss)
{
  guint n = 15;
  for (guint i = 0; i < ss->cfg->policies->len; i++)
    n = MAX(n, (guint) ((ScalingPolicy *) ss->cfg->policies->pdata[i])
                 ->evaluation_periods);
  ss->keep_points = n + (guint) (ss->cfg->metric_lag / SIM_MIN) + 2;
  const PredictiveConfig *p = &ss->cfg->predictive;
  ss->keep_arrivals = p->enabled ? (guint) ((p->lookback + p->interval) /
                                            SIM_MIN) + 2
                                 : 1;
}

void
autoscale_init(World *w)
{
  static const SimEventKind kind = { "autoscale", on_event, NULL };
  Autoscale *as = g_new0(Autoscale, 1);
  w->autoscale = as;
  as->w = w;
  as->kind = sim_engine_register(w->engine, &kind, as);
  as->n = w->cfg->services->len;
  as->services = g_new0(ServiceScaling, as->n);
  for (guint s = 0; s < as->n; s++) {
    const ServiceConfig *svc = w->cfg->services->pdata[s];
    ServiceScaling *ss = &as->services[s];
    if (svc->scaling == NULL)
      continue;
    ss->cfg = svc->scaling;
    ss->min = ss->cfg->min_capacity;
    ss->max = ss->cfg->max_capacity;
    ss->points = g_array_new(FALSE, TRUE, sizeof(Datapoint));
    ss->arrivals = g_array_new(FALSE, TRUE, sizeof(double));
    set_history(ss);
    ss->last_scale_in = ss->last_scale_out = -1;
    ss->last_step = g_new(SimTime, MAX(ss->cfg->policies->len, 1));
    for (guint i = 0; i < ss->cfg->policies->len; i++)
      ss->last_step[i] = -SIM_DAY;
    /* RegisterScalableTarget moves the current capacity into the range at
     * once: the tasks of a new minimum run from time 0, not from the first
     * alarm. */
    enforce_bounds(w, s, ss, NULL);
    if (reads_latency(ss->cfg))
      w->reqstats[s].minute_latency = sim_histogram_new();
    schedule(w, SIM_MIN, AS_MINUTE, s, 0);
    for (guint i = 0;
         !ss->cfg->suspend_scheduled && i < ss->cfg->scheduled->len; i++) {
      const ScheduledAction *a =
        &g_array_index(ss->cfg->scheduled, ScheduledAction, i);
      SimTime at = autoscale_next_occurrence(a, -1, w->cfg->clock_offset);
      if (at >= 0)
        schedule(w, at, AS_SCHEDULED, s, i);
    }
    if (ss->cfg->predictive.enabled)
      schedule(w, ss->cfg->predictive.interval, AS_FORECAST, s, 0);
  }
}

int
autoscale_history_held(const World *w, guint32 service)
{
  const ServiceScaling *ss = &w->autoscale->services[service];
  return ss->cfg ? (int) (ss->points->len + ss->arrivals->len) : -1;
}

void
autoscale_free(World *w)
{
  Autoscale *as = w->autoscale;
  if (as == NULL)
    return;
  for (guint s = 0; s < as->n; s++) {
    ServiceScaling *ss = &as->services[s];
    if (ss->cfg == NULL)
      continue;
    g_array_unref(ss->points);
    g_array_unref(ss->arrivals);
    g_free(ss->last_step);
  }
  g_free(as->services);
  g_free(as);
  w->autoscale = NULL;
}

int
autoscale_minutes_at_max(const World *w, guint32 service)
{
  const ServiceScaling *ss = scaling(w, service);
  return ss->cfg != NULL ? ss->minutes_at_max : -1;
}
