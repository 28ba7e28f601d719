/* Request arrivals: each service's traffic source (models/traffic/), one
 * pending arrival event at a time. An arrival is counted in the service's
 * request statistics and handed to its load balancer (lb_dispatch()),
 * which routes it to a task or fails it.
 *
 * The next arrival is scheduled before the current one is served: it takes
 * the event heap's freed root cheaply, while this request's completion
 * (usually later) sinks. Only a completion and an arrival in the same
 * microsecond would change order. */
#pragma once

#include "models/core/world-private.h"

/* Registers the arrival event kind and schedules each service's first
 * arrival. */
void arrivals_init(World *w);
void arrivals_free(World *w);
