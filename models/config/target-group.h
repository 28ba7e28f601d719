/* Target groups in the shape of `aws elbv2 describe-target-groups` (one
 * element of "TargetGroups") or create-target-group's input, with the
 * target-group attributes of describe-target-group-attributes under
 * "Attributes" ([{"Key": "deregistration_delay.timeout_seconds",
 * "Value": "30"}, ...]), or {"file": "attrs.json"} naming that command's
 * output (scenario.h). Attribute keys AWS does not document are refused;
 * those it documents and ecsim does not model are accepted.
 *
 * Defaults and ranges follow the ALB guide (ECS-REFERENCE §2): interval
 * 30 s (5-300), timeout 5 s (2-120, less than the interval), healthy
 * threshold 5 (2-10), unhealthy threshold 2 (2-10), deregistration delay
 * 300 s (0-3600), round-robin routing. */
#pragma once

#include <glib.h>

#include "models/input/jnode.h"
#include "sim/time.h"

typedef enum {
  LB_ROUND_ROBIN,
  LB_LEAST_OUTSTANDING,
} LbAlgorithm;

typedef struct {
  const char *name;             /* TargetGroupName */
  const char *arn;              /* TargetGroupArn, or NULL */
  gboolean health_check_enabled;
  SimTime interval;             /* HealthCheckIntervalSeconds */
  SimTime timeout;              /* HealthCheckTimeoutSeconds */
  int healthy_threshold;        /* HealthyThresholdCount */
  int unhealthy_threshold;      /* UnhealthyThresholdCount */
  SimTime deregistration_delay; /* deregistration_delay.timeout_seconds */
  LbAlgorithm algorithm;        /* load_balancing.algorithm.type */
  int slow_start;               /* slow_start.duration_seconds: not
                                   modelled, warned when > 0 */
  gboolean stickiness;          /* stickiness.enabled: not modelled,
                                   warned when "true" */
} TargetGroupConfig;

TargetGroupConfig *target_group_parse(const JNode *n, GError **error);
void target_group_free(TargetGroupConfig *tg);

/* TRUE when @ref (an ARN or a name) names @tg. */
gboolean target_group_matches(const TargetGroupConfig *tg, const char *ref);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TargetGroupConfig, target_group_free)
