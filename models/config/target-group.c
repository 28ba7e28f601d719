/* Parsing of ALB target groups. */
#include "models/config/target-group.h"

#include <stdlib.h>
#include <string.h>

static const char *const tg_keys[] = {
  "TargetGroupArn", "TargetGroupName", "Protocol", "Port", "VpcId",
  "HealthCheckProtocol", "HealthCheckPort", "HealthCheckEnabled",
  "HealthCheckIntervalSeconds", "HealthCheckTimeoutSeconds",
  "HealthyThresholdCount", "UnhealthyThresholdCount", "HealthCheckPath",
  "Matcher", "LoadBalancerArns", "TargetType", "ProtocolVersion",
  "IpAddressType", "Tags", "Attributes", NULL
};

/* Reads the attributes ecsim simulates; AWS has many more, all accepted. */
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
    if (strcmp(key, "deregistration_delay.timeout_seconds") == 0) {
      char *end = NULL;
      long s = strtol(text, &end, 10);
      if (*text == '\0' || *end != '\0' || s < 0 || s > 3600)
        return jn_error(&value, error, "must be whole seconds from 0 to "
                        "3600, got \"%s\"", text), FALSE;
      tg->deregistration_delay = s * SIM_SEC;
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
