/* DAEMON services: one task on every active container instance that meets
 * the service's constraints and has room (ECS-REFERENCE §3). The desired
 * count follows the eligible instances. A new deployment replaces the task
 * on each instance, stopping old tasks first (maximumPercent is 100) while
 * at least minimumHealthyPercent of the instances keep a healthy task. */
#pragma once

#include "models/control/service.h"

void daemon_reconcile(World *w, Service *s);

/* Hook: capacity appeared; every DAEMON service is reconciled at once,
 * before replica tasks are placed. */
void daemon_on_capacity_changed(World *w, gpointer data);
