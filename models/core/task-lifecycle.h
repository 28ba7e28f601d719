/* Moving tasks through their lifecycle (task.h has the states).
 *
 * Timed phases (activation, stopping, deprovisioning) are drawn from the
 * cluster's distributions; the image pull (PENDING) lasts the task's
 * pull_time, which capacity/image-pull.c sets on entering it; other models end the open-ended
 * phases: capacity ends PROVISIONING (task_provisioned), the load
 * balancer ends DEACTIVATING (task_drained). Every transition goes through
 * world_task_changed(). */
#pragma once

#include "models/core/world-private.h"

void task_lifecycle_init(World *w);
void task_lifecycle_free(World *w);

/* A new task in PROVISIONING at the current time. */
Task *task_new(World *w, guint32 service, guint32 deployment,
               const EcsTaskDef *def, const FailureModel *failure,
               int provider, gboolean fargate, gboolean spot);

/* Capacity found: the task is on @instance (-1: Fargate) in @az; it
 * enters PENDING after @delay (Fargate's ENI attachment; 0 on EC2). */
void task_provisioned(World *w, Task *t, int instance, int az,
                      SimTime delay);

/* Puts PROVISIONING task @t on @instance (-1: Fargate) in @az straight
 * into RUNNING at the current time, as if it had started before the run
 * (warm start). */
void task_warm_start(World *w, Task *t, int instance, int az);

/* Begins stopping @t for @reason: a live task deregisters (DEACTIVATING)
 * or goes straight to STOPPING; a task still waiting for capacity stops
 * at once; a Spot-interrupted task stays DEACTIVATING until its capacity
 * is reclaimed (task_kill()). No-op for a task already stopping. */
void task_stop(World *w, Task *t, StopReason reason);

/* The load balancer finished draining @t: it moves on to STOPPING. */
void task_drained(World *w, Task *t);

/* The capacity under @t vanished (instance terminated, Spot reclaimed):
 * @t is STOPPED now, whatever its state. */
void task_kill(World *w, Task *t, StopReason reason);
