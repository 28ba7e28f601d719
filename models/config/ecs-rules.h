/* ECS rules the references could not pin down (UNVERIFIED in
 * ECS-REFERENCE.md), as parameters with documented defaults. A scenario
 * may set them under "ecs_rules":
 *
 *   "healthy_after_running": "40s"   a task with neither a load balancer
 *                                    nor a container health check counts
 *                                    as healthy this long after RUNNING
 *   "circuit_breaker_min": 3         threshold = clamp(ceil(0.5 × desired),
 *   "circuit_breaker_max": 200       min, max); the 2023 guide said 10,
 *                                    the current API reference 3
 *   "retry_backoff_base": "10s"      delay before relaunching after a task
 *   "retry_backoff_max": "15m"       failed to start, doubling per failure
 *                                    up to the max (ECS: "up to 15 min")
 *   "steady_state_interval": "6h"    "has reached a steady state" is not
 *                                    repeated more often than this
 *   "scale_in_ratio": 0.9            target tracking scales in below this
 *                                    fraction of the target
 *   "tie_break": "random"            exact placement ties: "random" or
 *                                    "first" (lowest instance id)
 */
#pragma once

#include <glib.h>

#include "models/input/jnode.h"
#include "sim/time.h"

typedef struct {
  SimTime healthy_after_running;
  int circuit_breaker_min;
  int circuit_breaker_max;
  SimTime retry_backoff_base;
  SimTime retry_backoff_max;
  SimTime steady_state_interval;
  double scale_in_ratio;
} EcsRules;

void ecs_rules_init(EcsRules *r);
gboolean ecs_rules_parse(const JNode *n, EcsRules *r, GError **error);

/* The circuit-breaker threshold for @desired tasks. */
int ecs_rules_breaker_threshold(const EcsRules *r, int desired);

/* The rules of the world's scenario. */
#define ecs_rules(w) (&(w)->cfg->rules)
