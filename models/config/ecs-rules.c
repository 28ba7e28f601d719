/* Defaults and parsing of the UNVERIFIED ECS rules. */
#include "models/config/ecs-rules.h"

#include <math.h>

void
ecs_rules_init(EcsRules *r)
{
  *r = (EcsRules){
    .healthy_after_running = 40 * SIM_SEC,
    .circuit_breaker_min = 3,
    .circuit_breaker_max = 200,
    .retry_backoff_base = 10 * SIM_SEC,
    .retry_backoff_max = 15 * SIM_MIN,
    .steady_state_interval = 6 * SIM_HOUR,
    .scale_in_ratio = 0.9,
  };
}

gboolean
ecs_rules_parse(const JNode *n, EcsRules *r, GError **error)
{
  static const char *const keys[] = {
    "healthy_after_running", "circuit_breaker_min", "circuit_breaker_max",
    "retry_backoff_base", "retry_backoff_max", "steady_state_interval",
    "scale_in_ratio", NULL
  };
  int64_t min = r->circuit_breaker_min, max = r->circuit_breaker_max;
  if (!jn_check_object(n, keys, NULL, error) ||
      !jn_duration(n, "healthy_after_running", 0, SIM_HOUR,
                   &r->healthy_after_running, error) ||
      !jn_int(n, "circuit_breaker_min", 1, 1000, &min, error) ||
      !jn_int(n, "circuit_breaker_max", 1, 10000, &max, error) ||
      !jn_duration(n, "retry_backoff_base", SIM_SEC, SIM_HOUR,
                   &r->retry_backoff_base, error) ||
      !jn_duration(n, "retry_backoff_max", SIM_SEC, SIM_DAY,
                   &r->retry_backoff_max, error) ||
      !jn_duration(n, "steady_state_interval", SIM_MIN, 30 * SIM_DAY,
                   &r->steady_state_interval, error) ||
      !jn_double(n, "scale_in_ratio", 0.01, 1.0, &r->scale_in_ratio, error))
    return FALSE;
  if (min > max) {
    JNode m;
    jn_member(n, "circuit_breaker_min", &m);
    return jn_error(&m, error, "must be <= circuit_breaker_max"), FALSE;
  }
  r->circuit_breaker_min = (int) min;
  r->circuit_breaker_max = (int) max;
  return TRUE;
}

int
ecs_rules_breaker_threshold(const EcsRules *r, int desired)
{
  int half = (int) ceil(0.5 * desired);
  return CLAMP(half, r->circuit_breaker_min, r->circuit_breaker_max);
}
