/* The service scheduler: the reconcile pass of each service (requested
 * through service_request_reconcile()), launching tasks on a capacity
 * provider, the launch back-off, rolling deployments and replacement,
 * the ECS way (ECS-REFERENCE §2).
 *
 * With D desired tasks: maximum = floor(D × maximumPercent / 100) tasks
 * counting every task that has not STOPPED (pending, running and
 * stopping), and minimum healthy = ceil(D × minimumHealthyPercent / 100).
 * Each reconcile: (1) stop tasks marked unhealthy once a replacement is
 * healthy, or one at a time when there is no room to start one first;
 * (2) stop old-deployment tasks that do not count as healthy; (3) start
 * primary tasks up to D within the maximum; (4) stop old healthy tasks
 * while the healthy count stays >= the minimum; (5) scale in extra
 * primary tasks. A deployment completes when only its tasks remain (the
 * old ones STOPPED, not just stopping), D of them healthy. When nothing
 * can move, the stall is reported once.
 *
 * Circuit breaker: threshold = clamp(ceil(0.5 × D), min, max) (ecs-rules);
 * stage 1 counts the deployment's tasks that stop before RUNNING, stage 2
 * (after any of its tasks ran) those stopped for failing health checks.
 * At the threshold the deployment FAILS and launches no more tasks, and
 * with rollback the last COMPLETED deployment becomes PRIMARY again: its
 * tasks keep running and only the failed deployment's are replaced. */
#pragma once

#include "models/control/service.h"

void scheduler_reconcile(World *w, Service *s);

/* Registers the scheduler's events (a service's reconcile, the retry a
 * minute after a launch found no capacity). */
void scheduler_init(World *w);
void scheduler_free(World *w);

/* Asks for a reconcile of service @service (of every service) at the
 * current time, after the event that asks; one per service at a time. */
void scheduler_request_reconcile(World *w, guint32 service);
void scheduler_request_reconcile_all(World *w);
/* Hook: capacity appeared; every service looks again. */
void scheduler_on_capacity_changed(World *w, gpointer data);
/* Hook: @service (-1: every service) should be reconciled. */
void scheduler_on_reconcile_wanted(World *w, int service, gpointer data);
/* Creates the scenario's initial tasks (warm or cold). */
void scheduler_start_all(World *w);
/* Launches one task of @d now on capacity chosen by the strategy; FALSE
 * when no capacity could take it. */
gboolean scheduler_launch(World *w, Service *s, Deployment *d, gboolean warm,
                          GString *started);
/* Hook: @t changed state; a task that stopped before it ran counts
 * toward the launch back-off and the circuit breaker, then its service
 * is reconciled. */
void scheduler_on_task_state(World *w, Task *t, TaskState old,
                             gpointer data);

/* A task of deployment @d stopped; counts it for the circuit breaker. */
void scheduler_count_failure(World *w, Service *s, Deployment *d, Task *t,
                          gboolean never_ran);

/* floor(desired × max_percent / 100) */
int scheduler_max_tasks(int desired, int max_percent);
/* ceil(desired × min_percent / 100) */
int scheduler_min_healthy(int desired, int min_percent);
