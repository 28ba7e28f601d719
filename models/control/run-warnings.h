/* Warnings a finished run shows (see warnings.h): tasks that could not be
 * placed for long, a service pinned at its MaxCapacity, an Auto Scaling
 * group at its MaxSize while tasks waited for it. */
#pragma once

#include "models/config/warnings.h"
#include "models/core/world-private.h"

/* Tasks unplaced (no capacity, or waiting for an instance) this long or
 * longer draw a warning. */
#define RUN_WARN_UNPLACED (5 * SIM_MIN)
/* A service at MaxCapacity for more than this fraction of the run draws a
 * warning. */
#define RUN_WARN_AT_MAX_FRACTION 0.10

/* The longest a task of service @service went unplaced: a spell of failed
 * launches, or a wait for an instance. */
SimTime run_longest_unplaced(const World *w, guint32 service);

/* Appends the finished run @w's warnings to @out. Never fails. */
void run_warnings_collect(const World *w, Warnings *out);
