/* A service's `scaling` section: Application Auto Scaling in the AWS
 * shapes of register-scalable-target, put-scaling-policy and
 * put-scheduled-action (ECS-REFERENCE §5):
 *
 *   "scaling": {
 *     "MinCapacity": 2, "MaxCapacity": 60,
 *     "policies": [
 *       {"PolicyName": "cpu50", "PolicyType": "TargetTrackingScaling",
 *        "TargetTrackingScalingPolicyConfiguration": {
 *          "TargetValue": 50,
 *          "PredefinedMetricSpecification": {"PredefinedMetricType":
 *            "ECSServiceAverageCPUUtilization"},
 *          "ScaleOutCooldown": 300, "ScaleInCooldown": 300,
 *          "DisableScaleIn": false}},
 *       {"PolicyName": "steps", "PolicyType": "StepScaling",
 *        "StepScalingPolicyConfiguration": {
 *          "AdjustmentType": "PercentChangeInCapacity",
 *          "StepAdjustments": [{"MetricIntervalLowerBound": 0,
 *                               "ScalingAdjustment": 50}],
 *          "MinAdjustmentMagnitude": 1, "Cooldown": 60},
 *        "Alarm": {"MetricName": "ECSServiceAverageCPUUtilization",
 *                  "ComparisonOperator": "GreaterThanThreshold",
 *                  "Threshold": 70, "EvaluationPeriods": 3,
 *                  "DatapointsToAlarm": 3}}],
 *     "ScheduledActions": [
 *       {"ScheduledActionName": "morning", "Schedule": "cron(0 8 * * ? *)",
 *        "ScalableTargetAction": {"MinCapacity": 10}}],
 *     "metric_lag": "60s",            ecsim: CloudWatch datapoints become
 *                                      visible this late (default 60 s)
 *     "predictive": {...}              ecsim extension, beyond AWS: see
 *                                      autoscale.h
 *   }
 * Metrics: the predefined ECSServiceAverageCPUUtilization,
 * ECSServiceAverageMemoryUtilization and ALBRequestCountPerTarget, and as
 * customized metrics (CustomizedMetricSpecification.MetricName or an
 * Alarm's MetricName) ecsim's LatencyP50, LatencyP99 (ms), QueueDepth
 * (requests waiting per task) and ErrorRate (%). A Schedule is
 * cron(M H D Mon DoW Y) with * and ?, or rate(N minutes|hours|days);
 * ecsim also accepts "At": "8h" (simulated time). AWS's at(date) is
 * refused (a run has no calendar date: use "At"), and so is a Timezone
 * other than UTC (cron hours are read in the clock of start_at).
 * StartTime/EndTime are accepted and not modelled (a warning says so).
 * SuspendedState's three flags are honoured. */
#pragma once

#include <glib.h>

#include "models/input/jnode.h"
#include "sim/time.h"

typedef enum {
  METRIC_CPU,
  METRIC_MEMORY,
  METRIC_REQUESTS_PER_TARGET,
  METRIC_LATENCY_P50,
  METRIC_LATENCY_P99,
  METRIC_QUEUE_DEPTH,
  METRIC_ERROR_RATE,
  METRIC_N,
} MetricKind;

typedef enum {
  ADJUST_CHANGE,    /* ChangeInCapacity */
  ADJUST_EXACT,     /* ExactCapacity */
  ADJUST_PERCENT,   /* PercentChangeInCapacity */
} AdjustmentType;

typedef enum {
  CMP_GT, CMP_GE, CMP_LT, CMP_LE,
} Comparison;

typedef struct {
  gboolean has_lower, has_upper;
  double lower, upper;       /* relative to the alarm threshold */
  int adjustment;
} StepAdjustment;

typedef struct {
  const char *name;
  gboolean step;             /* StepScaling; else TargetTrackingScaling */
  MetricKind metric;
  /* target tracking */
  double target;
  SimTime scale_out_cooldown, scale_in_cooldown;
  gboolean disable_scale_in;
  /* step scaling */
  AdjustmentType adjustment;
  GArray *steps;             /* StepAdjustment */
  int min_magnitude;
  SimTime cooldown;
  Comparison comparison;
  double threshold;
  int evaluation_periods, datapoints_to_alarm;
} ScalingPolicy;

typedef struct {
  const char *name;
  SimTime at;                /* one-off ("At"), or -1 */
  SimTime every;             /* rate(): repeats; 0: not a rate */
  int cron_minute, cron_hour;/* cron(): daily at H:M (-1 = every) */
  int cron_dow;              /* 1-7 (SUN=1) or -1 */
  int min_capacity, max_capacity; /* -1: unchanged */
  gboolean has_window;       /* StartTime or EndTime given: not modelled
                                (a run has no calendar date), warned */
} ScheduledAction;

typedef struct {
  gboolean enabled;
  double target_rps_per_task; /* capacity = ceil(forecast / this) */
  SimTime lookback;          /* "same hour yesterday": 24 h */
  SimTime interval;          /* re-forecast every (1 h) */
} PredictiveConfig;

typedef struct {
  gboolean set;              /* a scaling section exists */
  int min_capacity, max_capacity;
  GPtrArray *policies;       /* ScalingPolicy* */
  GArray *scheduled;         /* ScheduledAction */
  SimTime metric_lag;
  PredictiveConfig predictive;
  /* SuspendedState: policies do not scale in / out; scheduled actions do
   * not run. The bounds still hold (RegisterScalableTarget at time 0). */
  gboolean suspend_in, suspend_out, suspend_scheduled;
} ScalingConfig;

/* Parses @n (a service's `scaling`). */
ScalingConfig *autoscale_config_parse(const JNode *n, GError **error);
void autoscale_config_free(ScalingConfig *cfg);

const char *autoscale_metric_name(MetricKind metric);

/* The documented rounding of PercentChangeInCapacity: @percent of
 * @current, rounded as AWS does (above 1 down; between 0 and 1 up to 1;
 * between -1 and 0 down to -1; below -1 toward zero), then at least
 * @min_magnitude in size. */
int autoscale_percent_change(int current, double percent, int min_magnitude);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScalingConfig, autoscale_config_free)

/* The first time after @after (-1: from the start) that scheduled action
 * @a fires, in simulated time; -1 when never again. @clock_offset is the
 * wall clock of time 0 from Monday 00:00. */
SimTime autoscale_next_occurrence(const ScheduledAction *a, SimTime after,
                                  SimTime clock_offset);
