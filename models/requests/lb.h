/* The load balancer in front of each service.
 *
 * Each service has a frontend: the tasks its requests (arrivals.h) can go
 * to. With
 * a target group (the service's first loadBalancers entry) that is the
 * ALB's view: RUNNING tasks whose target is healthy, round robin or least
 * outstanding requests; when no target is healthy it fails open to all
 * registered targets; with none at all the request fails with 503.
 * Targets register when their task enters ACTIVATING, drain when it
 * begins stopping (no new requests; in-flight ones finish), both logged
 * as ECS words them ("registered 1 targets in (target-group ARN)"), and the
 * deregistration completes when they are empty or the deregistration
 * delay ends. Without a target group, requests go to the RUNNING tasks
 * directly (service discovery). */
#pragma once

#include "models/core/world-private.h"

void lb_init(World *w);
void lb_free(World *w);

/* Routes a request of service @service that arrived now to a task, or
 * fails it with 503 when no task can take it. */
void lb_dispatch(World *w, guint32 service, SimTime now);

/* The same for request @r of a tracked service (calls.h), which is told
 * of the failure. */
void lb_dispatch_req(World *w, guint32 service, SimTime now, guint32 r);

/* Hook: task @t changed state. */
void lb_on_task_state(World *w, Task *t, TaskState old,
                      gpointer data);

/* Rebuilds service @service's rotation after a target's health changed. */
void lb_refresh(World *w, guint32 service);
/* @t's target changed (health.c): re-places it alone in its service's
 * rotation, before the next request. */
void lb_target_changed(World *w, Task *t);
/* Hook: @t's health changed; it is re-placed in its service's rotation. */
void lb_on_task_health(World *w, Task *t, gpointer data);

/* A draining server has no requests left: deregistration is complete. */
void lb_queue_empty(World *w, Task *t);

/* Tasks in the rotation of @service now. */
guint lb_rotation_size(World *w, guint32 service);

/* The task records read so far to keep @service's rotation up to date:
 * tests hold it to O(1) per task change. */
guint64 lb_tasks_examined(World *w, guint32 service);

/* The tasks new requests of @service go to now: the rotation, or when it
 * is empty the targets it fails open to; *@n of them (lent, valid until
 * the next task change). */
const guint32 *lb_pool(World *w, guint32 service, guint *n);

/* The target group service @service routes through, or NULL. */
const TargetGroupConfig *lb_target_group(World *w, guint32 service);
