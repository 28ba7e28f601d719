/* Parsing of ALB target groups. */
#include "models/config/target-group.h"

#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"

static const char *const tg_keys[] = {
  "TargetGroupArn", "TargetGroupName", "Protocol", "Port", "VpcId",
  "HealthCheckProtocol", "HealthCheckPort", "HealthCheckEnabled",
  "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds",
  "HealthyThresholdCount", "UnhealthyThresholdCount", "HealthCheckPath",
  "Matcher", "LoadBalancerArns", "TargetType", "ProtocolVersion",
  "IpAddressType", "Tags", "Attributes", NULL
};

/* The target-group attributes AWS documents (elbv2
 * modify-target-group-attributes): ecsim models two, accepts the rest. */
static const char *const documented[] = {
  "deregistration_delay.timeout_seconds", "load_balancing.algorithm.type",
  "deregistration_delay.connection_termination.enabled",
  "lambda.multi_value_headers.enabled",
  "load_balancing.algorithm.anomaly_mitigation",
  "load_balancing.cross_zone.enabled", "preserve_client_ip.enabled",
  "proxy_protocol_v2.enabled", "slow_start.duration_seconds",
  "stickiness.enabled", "stickiness.type",
  "stickiness.app_cookie.cookie_name",
  "stickiness.app_cookie.duration_seconds",
  "stickiness.lb_cookie.duration_seconds",
  "target_failover.on_deregistration", "target_failover.on_unhealthy",
  "target_group_health.dns_failover.minimum_healthy_targets.count",
  "target_group_health.dns_failover.minimum_healthy_targets.percentage",
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count",
  "target_group_health.unhealthy_state_routing.minimum_healthy_targets."
  "percentage",
  "target_health_state.unhealthy.connection_termination.enabled",
  "target_health_state.unhealthy.draining_interval_seconds", NULL
};

/* Whole seconds in [0, @max] from attribute text @text. */
static gboolean
attribute_seconds(const JNode *value, const char *text, long max,
                  long *out, GError **error)
{
  char *end = NULL;
  long s = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || s < 0 || s > max)
    return jn_error(value, error, "must be whole seconds from 0 to %ld, "
                    "got \"%s\"", max, text), FALSE;
  *out = s;
  return TRUE;
}

/* Reads the attributes ecsim simulates, and notes the two that change
 * routing but are not modelled (a warning says so). */
static gboolean
parse_attributes(const JNode *tg_node, TargetGroupConfig *tg,
                 GError **error)
{
  static const char *const keys[] = { "Key", "Value", NULL };
  JNode arr;
  if (!jn_member(tg_node, "Attributes", &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 100, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item, value;
    const char *key = NULL, *text = NULL;
    jn_index(&arr, i, &item);
    if (!jn_check_object(&item, keys, keys, error) ||
        !jn_string(&item, "Key", &key, error) ||
        !jn_string(&item, "Value", &text, error))
      return FALSE;
    jn_member(&item, "Value", &value);
    long s = 0;
    if (!g_strv_contains(documented, key)) {
      JNode k;
      const char *hint = input_suggest(key, documented);
      jn_member(&item, "Key", &k);
      return jn_error(&k, error, "\"%s\" is not a target-group attribute "
                      "AWS documents%s%s%s", key,
                      hint ? "; did you mean \"" : "", hint ? hint : "",
                      hint ? "\"?" : ""), FALSE;
    }
    if (strcmp(key, "deregistration_delay.timeout_seconds") == 0) {
      if (!attribute_seconds(&value, text, 3600, &s, error))
        return FALSE;
      tg->deregistration_delay = s * SIM_SEC;
    } else if (strcmp(key, "slow_start.duration_seconds") == 0) {
      if (!attribute_seconds(&value, text, 900, &s, error))
        return FALSE;
      tg->slow_start = (int) s;
    } else if (strcmp(key, "stickiness.enabled") == 0) {
      tg->stickiness = strcmp(text, "true") == 0;
    } else if (strcmp(key, "load_balancing.algorithm.type") == 0) {
      if (strcmp(text, "round_robin") == 0)
        tg->algorithm = LB_ROUND_ROBIN;
      else if (strcmp(text, "least_outstanding_requests") == 0)
        tg->algorithm = LB_LEAST_OUTSTANDING;
      else
        return jn_error(&value, error, "must be round_robin or "
                        "least_outstanding_requests, got \"%s\"", text),
               FALSE;
    }
  }
  return TRUE;
}

TargetGroupConfig *
target_group_parse(const JNode *n, GError **error)
{
  static const char *const required[] = { "TargetGroupName", NULL };
  g_autoptr(TargetGroupConfig) tg = g_new0(TargetGroupConfig, 1);
  tg->health_check_enabled = TRUE;
  tg->interval = 30 * SIM_SEC;
  tg->timeout = 5 * SIM_SEC;
  tg->healthy_threshold = 5;
  tg->unhealthy_threshold = 2;
  tg->deregistration_delay = 300 * SIM_SEC;
  int64_t healthy = tg->healthy_threshold,
          unhealthy = tg->unhealthy_threshold;
  if (!jn_check_object(n, tg_keys, required, error) ||
      !jn_string(n, "TargetGroupName", &tg->name, error) ||
      !jn_string(n, "TargetGroupArn", &tg->arn, error) ||
      !jn_bool(n, "HealthCheckEnabled", &tg->health_check_enabled, error) ||
      !jn_seconds(n, "HealthCheckIntervalSeconds", 5, 300, &tg->interval,
                  error) ||
      !jn_seconds(n, "HealthCheckTimeoutSeconds", 2, 120, &tg->timeout,
                  error) ||
      !jn_int(n, "HealthyThresholdCount", 2, 10, &healthy, error) ||
      !jn_int(n, "UnhealthyThresholdCount", 2, 10, &unhealthy, error) ||
      !parse_attributes(n, tg, error))
    return NULL;
  if (tg->timeout >= tg->interval) {
    JNode t;
    jn_member(n, "HealthCheckTimeoutSeconds", &t);
    return jn_error(&t, error, "health check timeout must be smaller than "
                    "the interval (%" G_GINT64_FORMAT " s)",
                    tg->interval / SIM_SEC), NULL;
  }
  tg->healthy_threshold = (int) healthy;
  tg->unhealthy_threshold = (int) unhealthy;
  return g_steal_pointer(&tg);
}

void
target_group_free(TargetGroupConfig *tg)
{
  g_free(tg);
}

gboolean
target_group_matches(const TargetGroupConfig *tg, const char *ref)
{
  if (tg->arn != NULL && strcmp(tg->arn, ref) == 0)
    return TRUE;
  if (strcmp(tg->name, ref) == 0)
    return TRUE;
  /* arn:aws:elasticloadbalancing:REGION:ACCOUNT:targetgroup/NAME/ID */
  const char *p = strstr(ref, ":targetgroup/");
  if (p == NULL)
    return FALSE;
  p += strlen(":targetgroup/");
  gsize len = strlen(tg->name);
  return strncmp(p, tg->name, len) == 0 && (p[len] == '/' || !p[len]);
}
