/* Health checks: container health checks from the task definition and
 * target-group health checks from the ALB, as periodic events per task,
 * and the rule by which a task "counts as healthy" for deployments and
 * minimum-healthy arithmetic (ECS-REFERENCE §2):
 *   load balancer attached   its target is healthy (and the container
 *                            health check HEALTHY when one is defined)
 *   container check only     HEALTHY
 *   neither                  `healthy_after_running` (40 s) after RUNNING
 * A check passes when the task is RUNNING, not hung, past its slow start,
 * and its revision does not fail health checks; optionally (workload
 * "health_check_overload") it also fails when the task's queue is so long
 * that the check's request would time out. A target needs one passing
 * check to leave `initial`; a healthy target turns unhealthy after
 * UnhealthyThresholdCount failures, back after HealthyThresholdCount
 * passes. In a service with a load balancer, failures during
 * healthCheckGracePeriodSeconds after RUNNING do not make the service
 * replace the task (without one the grace period is unused [DG23]). */
#pragma once

#include "models/core/world-private.h"

void health_init(World *w);
void health_free(World *w);

/* Hook: task @t changed state (starts and cancels checks). */
void health_on_task_state(World *w, Task *t, TaskState old,
                          gpointer data);

/* Hook: @t hung or otherwise changed condition. */
void health_on_condition(World *w, Task *t, gpointer data);
