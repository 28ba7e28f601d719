/* Scheduled faults at run time: each FaultConfig (faults-config.h) fires
 * at its time. */
#pragma once

#include "models/faults-config.h"
#include "models/world-private.h"

/* Schedules the scenario's faults (they keep no state). */
void faults_init(World *w);
