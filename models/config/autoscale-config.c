/* Parsing of a service's scaling section (AWS shapes). */
#include "models/config/autoscale-config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const metric_names[] = {
  "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization",
  "ALBRequestCountPerTarget", "LatencyP50", "LatencyP99", "QueueDepth",
  "ErrorRate", NULL
};

const char *
autoscale_metric_name(MetricKind metric)
{
  return metric_names[metric];
}

int
autoscale_percent_change(int current, double percent, int min_magnitude)
{
  double raw = current * percent / 100.0;
  int change;
  if (raw > 1.0)
    change = (int) floor(raw);
  else if (raw > 0.0)
    change = 1;
  else if (raw >= -1.0 && raw < 0.0)
    change = -1;
  else
    change = (int) ceil(raw); /* below -1: toward zero */
  if (change > 0 && change < min_magnitude)
    change = min_magnitude;
  if (change < 0 && -change < min_magnitude)
    change = -min_magnitude;
  return change;
}

static void
policy_free(gpointer p)
{
  ScalingPolicy *sp = p;
  if (sp->steps)
    g_array_unref(sp->steps);
  g_free(sp);
}

static gboolean
parse_metric_spec(const JNode *cfg, ScalingPolicy *p, GError **error)
{
  static const char *const pre_keys[] = { "PredefinedMetricType",
                                          "ResourceLabel", NULL };
  static const char *const custom_keys[] = {
    "MetricName", "Namespace", "Statistic", "Dimensions", "Unit", "Metrics",
    NULL
  };
  JNode spec;
  int metric = METRIC_CPU;
  if (jn_member(cfg, "PredefinedMetricSpecification", &spec)) {
    static const char *const predefined[] = {
      "ECSServiceAverageCPUUtilization",
      "ECSServiceAverageMemoryUtilization", "ALBRequestCountPerTarget", NULL
    };
    if (!jn_check_object(&spec, pre_keys,
                         (const char *const[]){ "PredefinedMetricType",
                                                NULL }, error) ||
        !jn_enum(&spec, "PredefinedMetricType", predefined, &metric, error))
      return FALSE;
  } else if (jn_member(cfg, "CustomizedMetricSpecification", &spec)) {
    if (!jn_check_object(&spec, custom_keys,
                         (const char *const[]){ "MetricName", NULL },
                         error) ||
        !jn_enum(&spec, "MetricName", metric_names, &metric, error))
      return FALSE;
  } else {
    return jn_error(cfg, error, "needs PredefinedMetricSpecification or "
                    "CustomizedMetricSpecification"), FALSE;
  }
  p->metric = (MetricKind) metric;
  return TRUE;
}

static gboolean
parse_target_tracking(const JNode *n, ScalingPolicy *p, GError **error)
{
  static const char *const keys[] = {
    "TargetValue", "PredefinedMetricSpecification",
    "CustomizedMetricSpecification", "ScaleOutCooldown", "ScaleInCooldown",
    "DisableScaleIn", NULL
  };
  JNode cfg;
  if (!jn_member(n, "TargetTrackingScalingPolicyConfiguration", &cfg))
    return jn_error(&cfg, error, "required for TargetTrackingScaling"),
           FALSE;
  p->scale_out_cooldown = p->scale_in_cooldown = 300 * SIM_SEC;
  if (!jn_check_object(&cfg, keys, (const char *const[]){ "TargetValue",
                                                          NULL }, error) ||
      !jn_double(&cfg, "TargetValue", 1e-9, 1e12, &p->target, error) ||
      !jn_seconds(&cfg, "ScaleOutCooldown", 0, 86400, &p->scale_out_cooldown,
                  error) ||
      !jn_seconds(&cfg, "ScaleInCooldown", 0, 86400, &p->scale_in_cooldown,
                  error) ||
      !jn_bool(&cfg, "DisableScaleIn", &p->disable_scale_in, error))
    return FALSE;
  return parse_metric_spec(&cfg, p, error);
}

static gboolean
parse_steps(const JNode *cfg, ScalingPolicy *p, GError **error)
{
  static const char *const keys[] = { "MetricIntervalLowerBound",
                                      "MetricIntervalUpperBound",
                                      "ScalingAdjustment", NULL };
  JNode arr;
  jn_member(cfg, "StepAdjustments", &arr);
  if (!jn_check_array(&arr, 1, 20, error))
    return FALSE;
  p->steps = g_array_new(FALSE, TRUE, sizeof(StepAdjustment));
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item, v;
    StepAdjustment s = { 0 };
    int64_t adj = 0;
    jn_index(&arr, i, &item);
    if (!jn_check_object(&item, keys,
                         (const char *const[]){ "ScalingAdjustment", NULL },
                         error) ||
        !jn_int(&item, "ScalingAdjustment", -100000, 100000, &adj, error) ||
        !jn_double(&item, "MetricIntervalLowerBound", -1e12, 1e12, &s.lower,
                   error) ||
        !jn_double(&item, "MetricIntervalUpperBound", -1e12, 1e12, &s.upper,
                   error))
      return FALSE;
    s.has_lower = jn_member(&item, "MetricIntervalLowerBound", &v);
    s.has_upper = jn_member(&item, "MetricIntervalUpperBound", &v);
    if (s.has_lower && s.has_upper && s.upper <= s.lower)
      return jn_error(&v, error, "must be greater than "
                      "MetricIntervalLowerBound"), FALSE;
    s.adjustment = (int) adj;
    g_array_append_val(p->steps, s);
  }
  return TRUE;
}

static gboolean
parse_alarm(const JNode *n, ScalingPolicy *p, GError **error)
{
  static const char *const keys[] = {
    "AlarmName", "MetricName", "Namespace", "Statistic", "Dimensions",
    "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
    "ComparisonOperator", "TreatMissingData", "Unit", NULL
  };
  static const char *const required[] = { "MetricName", "Threshold",
                                          "ComparisonOperator", NULL };
  static const char *const ops[] = {
    "GreaterThanThreshold", "GreaterThanOrEqualToThreshold",
    "LessThanThreshold", "LessThanOrEqualToThreshold", NULL
  };
  JNode alarm;
  int metric = 0, op = 0;
  int64_t eval = 1, dta = 0, period = 60;
  if (!jn_member(n, "Alarm", &alarm))
    return jn_error(&alarm, error, "a StepScaling policy needs the "
                    "CloudWatch alarm that triggers it (put-metric-alarm "
                    "shape)"), FALSE;
  if (!jn_check_object(&alarm, keys, required, error) ||
      !jn_enum(&alarm, "MetricName", metric_names, &metric, error) ||
      !jn_enum(&alarm, "ComparisonOperator", ops, &op, error) ||
      !jn_double(&alarm, "Threshold", -1e12, 1e12, &p->threshold, error) ||
      !jn_int(&alarm, "EvaluationPeriods", 1, 1440, &eval, error) ||
      !jn_int(&alarm, "DatapointsToAlarm", 1, 1440, &dta, error) ||
      !jn_int(&alarm, "Period", 60, 60, &period, error))
    return FALSE;
  p->metric = (MetricKind) metric;
  p->comparison = (Comparison) op;
  p->evaluation_periods = (int) eval;
  p->datapoints_to_alarm = dta > 0 ? (int) dta : (int) eval;
  if (p->datapoints_to_alarm > p->evaluation_periods) {
    JNode d;
    jn_member(&alarm, "DatapointsToAlarm", &d);
    return jn_error(&d, error, "must be <= EvaluationPeriods"), FALSE;
  }
  return TRUE;
}

static gboolean
parse_step(const JNode *n, ScalingPolicy *p, GError **error)
{
  static const char *const keys[] = {
    "AdjustmentType", "StepAdjustments", "MinAdjustmentMagnitude",
    "Cooldown", "MetricAggregationType", NULL
  };
  static const char *const types[] = { "ChangeInCapacity", "ExactCapacity",
                                       "PercentChangeInCapacity", NULL };
  JNode cfg;
  int type = 0;
  int64_t mag = 0;
  if (!jn_member(n, "StepScalingPolicyConfiguration", &cfg))
    return jn_error(&cfg, error, "required for StepScaling"), FALSE;
  p->cooldown = 300 * SIM_SEC;
  if (!jn_check_object(&cfg, keys,
                       (const char *const[]){ "AdjustmentType",
                                              "StepAdjustments", NULL },
                       error) ||
      !jn_enum(&cfg, "AdjustmentType", types, &type, error) ||
      !jn_int(&cfg, "MinAdjustmentMagnitude", 0, 100000, &mag, error) ||
      !jn_seconds(&cfg, "Cooldown", 0, 86400, &p->cooldown, error) ||
      !parse_steps(&cfg, p, error))
    return FALSE;
  p->adjustment = (AdjustmentType) type;
  p->min_magnitude = (int) mag;
  return parse_alarm(n, p, error);
}

static ScalingPolicy *
parse_policy(const JNode *n, GError **error)
{
  static const char *const keys[] = {
    "PolicyName", "PolicyType", "ServiceNamespace", "ResourceId",
    "ScalableDimension", "TargetTrackingScalingPolicyConfiguration",
    "StepScalingPolicyConfiguration", "PolicyARN", "Alarms", "CreationTime",
    "Alarm", NULL
  };
  static const char *const types[] = { "TargetTrackingScaling",
                                       "StepScaling", NULL };
  int type = 0;
  ScalingPolicy *p = g_new0(ScalingPolicy, 1);
  p->name = "policy";
  if (!jn_check_object(n, keys, (const char *const[]){ "PolicyType", NULL },
                       error) ||
      !jn_string(n, "PolicyName", &p->name, error) ||
      !jn_enum(n, "PolicyType", types, &type, error)) {
    policy_free(p);
    return NULL;
  }
  p->step = type == 1;
  if (!(p->step ? parse_step(n, p, error)
                : parse_target_tracking(n, p, error))) {
    policy_free(p);
    return NULL;
  }
  return p;
}

/* cron(M H D Mon DoW Y): ecsim runs daily and weekly patterns. */
static gboolean
parse_cron(const JNode *where, const char *expr, ScheduledAction *a,
           GError **error)
{
  static const char *const days[] = { "SUN", "MON", "TUE", "WED", "THU",
                                      "FRI", "SAT", NULL };
  g_auto(GStrv) f = g_strsplit_set(expr, " ", -1);
  if (g_strv_length(f) != 6)
    return jn_error(where, error, "cron() needs 6 fields (minutes hours "
                    "day-of-month month day-of-week year), got \"%s\"",
                    expr), FALSE;
  a->cron_minute = strcmp(f[0], "*") == 0 ? -1 : atoi(f[0]);
  a->cron_hour = strcmp(f[1], "*") == 0 ? -1 : atoi(f[1]);
  a->cron_dow = -1;
  for (int i = 0; days[i]; i++)
    if (g_ascii_strcasecmp(f[4], days[i]) == 0)
      a->cron_dow = i + 1;
  if (a->cron_dow < 0 && g_ascii_isdigit(f[4][0]))
    a->cron_dow = atoi(f[4]);
  gboolean ok = a->cron_minute >= -1 && a->cron_minute < 60 &&
                a->cron_hour >= -1 && a->cron_hour < 24 &&
                (strcmp(f[2], "*") == 0 || strcmp(f[2], "?") == 0) &&
                strcmp(f[3], "*") == 0 &&
                (a->cron_dow >= 0 || strcmp(f[4], "*") == 0 ||
                 strcmp(f[4], "?") == 0) &&
                a->cron_dow <= 7;
  if (!ok)
    return jn_error(where, error, "ecsim runs daily or weekly cron() "
                    "schedules such as cron(0 8 * * ? *) or "
                    "cron(30 7 ? * MON *), got \"%s\"", expr), FALSE;
  return TRUE;
}

static gboolean
parse_schedule(const JNode *where, const char *s, ScheduledAction *a,
               GError **error)
{
  gsize n = strlen(s);
  if (g_str_has_prefix(s, "cron(") && s[n - 1] == ')') {
    g_autofree char *inner = g_strndup(s + 5, n - 6);
    return parse_cron(where, inner, a, error);
  }
  if (g_str_has_prefix(s, "rate(") && s[n - 1] == ')') {
    char unit[16] = "";
    int value = 0;
    if (sscanf(s + 5, "%d %15[a-z]", &value, unit) == 2 && value > 0) {
      SimTime scale = g_str_has_prefix(unit, "minute") ? SIM_MIN
                      : g_str_has_prefix(unit, "hour") ? SIM_HOUR
                      : g_str_has_prefix(unit, "day")  ? SIM_DAY
                                                       : 0;
      if (scale > 0) {
        a->every = value * scale;
        return TRUE;
      }
    }
  }
  if (g_str_has_prefix(s, "at(") && s[n - 1] == ')')
    return jn_error(where, error, "\"%s\" fires once at a date and time, "
                    "and a run has no calendar date: use ecsim's \"At\" "
                    "with a time in the run instead (\"At\": \"8h\" is 8 "
                    "hours after it starts)", s), FALSE;
  return jn_error(where, error, "expected cron(...) or rate(N "
                  "minutes|hours|days), or use ecsim's \"At\" with a "
                  "simulated time; got \"%s\"", s), FALSE;
}

/* Timezone: cron hours are read in the clock of the scenario's start_at,
 * which has no zone and no daylight saving time, so only UTC (the AWS
 * default) means what it says. */
static gboolean
check_timezone(const JNode *item, GError **error)
{
  const char *zone = NULL;
  JNode where;
  if (!jn_string(item, "Timezone", &zone, error))
    return FALSE;
  if (zone == NULL || strcmp(zone, "UTC") == 0 ||
      strcmp(zone, "Etc/UTC") == 0)
    return TRUE;
  jn_member(item, "Timezone", &where);
  return jn_error(&where, error, "ecsim reads a Schedule's hours in the "
                  "clock of the scenario's start_at (no time zone, no "
                  "daylight saving time), so only UTC is taken; got \"%s\": "
                  "write the cron hours in that clock and remove Timezone",
                  zone), FALSE;
}

static gboolean
parse_scheduled(const JNode *n, ScalingConfig *cfg, GError **error)
{
  static const char *const keys[] = {
    "ScheduledActionName", "ScheduledActionARN", "ServiceNamespace",
    "Schedule", "Timezone", "ResourceId", "ScalableDimension", "StartTime",
    "EndTime", "ScalableTargetAction", "CreationTime", "At", NULL
  };
  static const char *const target_keys[] = { "MinCapacity", "MaxCapacity",
                                             NULL };
  JNode arr;
  if (!jn_member(n, "ScheduledActions", &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 200, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item, target, where;
    ScheduledAction a = { .at = -1, .cron_minute = -2, .cron_hour = -2,
                          .cron_dow = -1 };
    int64_t min = -1, max = -1;
    const char *schedule = NULL;
    jn_index(&arr, i, &item);
    if (!jn_check_object(&item, keys,
                         (const char *const[]){ "ScalableTargetAction",
                                                NULL }, error) ||
        !jn_string(&item, "ScheduledActionName", &a.name, error) ||
        !jn_string(&item, "Schedule", &schedule, error) ||
        !jn_duration(&item, "At", 0, SIM_TIME_MAX / 4, &a.at, error) ||
        !check_timezone(&item, error))
      return FALSE;
    a.has_window = jn_member(&item, "StartTime", &where) ||
                   jn_member(&item, "EndTime", &where);
    jn_member(&item, "ScalableTargetAction", &target);
    if (!jn_check_object(&target, target_keys, NULL, error) ||
        !jn_int(&target, "MinCapacity", 0, 100000, &min, error) ||
        !jn_int(&target, "MaxCapacity", 0, 100000, &max, error))
      return FALSE;
    a.min_capacity = (int) min;
    a.max_capacity = (int) max;
    jn_member(&item, "Schedule", &where);
    if (schedule != NULL && !parse_schedule(&where, schedule, &a, error))
      return FALSE;
    if (schedule == NULL && a.at < 0)
      return jn_error(&where, error, "give a Schedule (cron or rate) or "
                      "ecsim's At"), FALSE;
    g_array_append_val(cfg->scheduled, a);
  }
  return TRUE;
}

/* SuspendedState {DynamicScalingInSuspended, DynamicScalingOutSuspended,
 * ScheduledScalingSuspended}. */
static gboolean
parse_suspended(const JNode *n, ScalingConfig *cfg, GError **error)
{
  static const char *const keys[] = { "DynamicScalingInSuspended",
                                      "DynamicScalingOutSuspended",
                                      "ScheduledScalingSuspended", NULL };
  JNode st;
  if (!jn_member(n, "SuspendedState", &st))
    return TRUE;
  return jn_check_object(&st, keys, NULL, error) &&
         jn_bool(&st, "DynamicScalingInSuspended", &cfg->suspend_in,
                 error) &&
         jn_bool(&st, "DynamicScalingOutSuspended", &cfg->suspend_out,
                 error) &&
         jn_bool(&st, "ScheduledScalingSuspended", &cfg->suspend_scheduled,
                 error);
}

static gboolean
parse_predictive(const JNode *n, ScalingConfig *cfg, GError **error)
{
  static const char *const keys[] = { "enabled", "target_rps_per_task",
                                      "lookback", "interval", NULL };
  JNode pred;
  PredictiveConfig *p = &cfg->predictive;
  p->lookback = SIM_DAY;
  p->interval = SIM_HOUR;
  p->enabled = TRUE;
  if (!jn_member(n, "predictive", &pred)) {
    p->enabled = FALSE;
    return TRUE;
  }
  return jn_check_object(&pred, keys,
                         (const char *const[]){ "target_rps_per_task",
                                                NULL }, error) &&
         jn_bool(&pred, "enabled", &p->enabled, error) &&
         jn_double(&pred, "target_rps_per_task", 1e-6, 1e9,
                   &p->target_rps_per_task, error) &&
         jn_duration(&pred, "lookback", SIM_MIN, 30 * SIM_DAY, &p->lookback,
                     error) &&
         jn_duration(&pred, "interval", SIM_MIN, SIM_DAY, &p->interval,
                     error);
}

ScalingConfig *
autoscale_config_parse(const JNode *n, GError **error)
{
  static const char *const keys[] = {
    "MinCapacity", "MaxCapacity", "ServiceNamespace", "ResourceId",
    "ScalableDimension", "RoleARN", "SuspendedState", "CreationTime",
    "ScalableTargetARN", "policies", "ScheduledActions", "metric_lag", "predictive", NULL
  };
  g_autoptr(ScalingConfig) cfg = g_new0(ScalingConfig, 1);
  cfg->policies = g_ptr_array_new_with_free_func(policy_free);
  cfg->scheduled = g_array_new(FALSE, TRUE, sizeof(ScheduledAction));
  cfg->metric_lag = 60 * SIM_SEC;
  int64_t min = 0, max = 0;
  if (!jn_check_object(n, keys, (const char *const[]){ "MinCapacity",
                                                       "MaxCapacity", NULL },
                       error) ||
      !jn_int(n, "MinCapacity", 0, 100000, &min, error) ||
      !jn_int(n, "MaxCapacity", 0, 100000, &max, error) ||
      !jn_duration(n, "metric_lag", 0, SIM_HOUR, &cfg->metric_lag, error) ||
      !parse_scheduled(n, cfg, error) || !parse_predictive(n, cfg, error) ||
      !parse_suspended(n, cfg, error))
    return NULL;
  if (max < min) {
    JNode m;
    jn_member(n, "MaxCapacity", &m);
    return jn_error(&m, error, "must be >= MinCapacity (%" G_GINT64_FORMAT
                    ")", min), NULL;
  }
  cfg->set = TRUE;
  cfg->min_capacity = (int) min;
  cfg->max_capacity = (int) max;
  JNode arr;
  if (jn_member(n, "policies", &arr)) {
    if (!jn_check_array(&arr, 0, 50, error))
      return NULL;
    for (int i = 0; i < jn_length(&arr); i++) {
      JNode item;
      jn_index(&arr, i, &item);
      ScalingPolicy *p = parse_policy(&item, error);
      if (p == NULL)
        return NULL;
      g_ptr_array_add(cfg->policies, p);
    }
  }
  return g_steal_pointer(&cfg);
}

void
autoscale_config_free(ScalingConfig *cfg)
{
  if (cfg == NULL)
    return;
  g_ptr_array_unref(cfg->policies);
  g_array_unref(cfg->scheduled);
  g_free(cfg);
}
