/* A simulated world: one variant of a scenario wired to an engine.
 *
 * world_new() builds every model from a checked ScenarioConfig; world_run()
 * runs it to the scenario's horizon (or until interrupted); the report
 * module then reads the results. A World is single-threaded and owns its
 * engine and random streams, so several can run side by side in threads. */
#pragma once

#include <glib.h>
#include <signal.h>

#include "models/config/scenario.h"
#include "models/core/world-types.h"
#include "models/config/warnings.h"
#include "sim/engine.h"
#include "sim/progress.h"


/* Builds the world of @cfg (lent; must outlive the world). Returns NULL
 * and sets @error when the configuration cannot be simulated. */
World *world_new(const ScenarioConfig *cfg, const WorldOptions *options,
                 GError **error);
void world_free(World *w);

/* Runs to the horizon. @progress may be NULL; @interrupt (may be NULL) is
 * polled. Returns SIM_RUN_HORIZON when the run completed. */
SimRunStatus world_run(World *w, SimProgress *progress,
                       volatile sig_atomic_t *interrupt);

/* Runs only until @until (for tests that look at the world mid-run). */
SimRunStatus world_run_until(World *w, SimTime until);

SimEngine *world_engine(World *w);
/* The fidelity the world simulates requests in: the scenario's, or the
 * aggregate one when WorldOptions.aggregate asked. */
Fidelity world_fidelity(const World *w);
/* Wall-clock seconds spent in world_run(). */
double world_wall_seconds(const World *w);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(World, world_free)
