/* Scheduled faults at run time: each FaultConfig (faults-config.h) fires
 * at its time. */
#pragma once

#include "models/config/faults-config.h"
#include "models/core/world-private.h"

/* Schedules the scenario's faults (they keep no state). */
void faults_init(World *w);
void faults_free(World *w);
