/* Failure models: simulator-only knobs that make tasks of a revision or a
 * service misbehave, in the scenario's `failure_model` objects (on a task
 * definition entry, on a service, or on a deploy fault):
 *
 *   "startup_failure_probability": 0.2  a task exits before RUNNING
 *   "crash_mttf": "6h"                   mean time from RUNNING to an
 *                                        essential container exiting
 *                                        (exponential); absent: never
 *   "hang_mttf": "12h"                   mean time from RUNNING until the
 *                                        task hangs: it stays RUNNING but
 *                                        fails health checks and completes
 *                                        no requests
 *   "slow_start": "45s" or a Dist        extra time after RUNNING before
 *                                        health checks can pass
 *   "fails_health_checks": true          health checks never pass (a bad
 *                                        revision)
 *
 * A later object overlays an earlier one key by key: the service's model
 * over the revision's, a deploy fault's over both. */
#pragma once

#include <glib.h>

#include "models/input/dist.h"
#include "models/input/jnode.h"

typedef struct {
  double startup_failure_probability;
  SimTime crash_mttf;       /* 0: never */
  SimTime hang_mttf;        /* 0: never */
  Dist slow_start;          /* fixed 0 by default */
  gboolean fails_health_checks;
} FailureModel;

/* A model with no failures. */
void failure_model_init(FailureModel *m);

/* Overlays the keys present in the object at @n onto @m. */
gboolean failure_model_parse(const JNode *n, FailureModel *m,
                             GError **error);

/* Deep copy. */
void failure_model_copy(FailureModel *dst, const FailureModel *src);

void failure_model_clear(FailureModel *m);

