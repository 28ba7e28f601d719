/* The scenario's "fidelity": how requests are simulated.
 *
 *   "fidelity": "requests"    every request is an event (the default)
 *   "fidelity": "aggregate"   requests are flows: each task's load in each
 *                             short step, and its queueing consequences,
 *                             come from a queueing approximation
 *                             (models/requests/aggregate.h); the control
 *                             plane still runs event by event
 *
 * `ecsim run --fidelity` sets it for a run. The aggregate fidelity does not
 * model calls between services (a service's `workload.calls`): a scenario
 * that has both is refused, naming the call. */
#pragma once

#include "models/config/scenario.h"
#include "models/input/jnode.h"

/* Reads "fidelity" from the scenario's @root into @cfg and checks that
 * the services fit it. Returns FALSE with a JSON path in @error. */
gboolean fidelity_parse(ScenarioConfig *cfg, const JNode *root,
                        GError **error);

/* Why @cfg cannot run in the aggregate fidelity (a message naming the
 * service), or NULL when it can. */
char *fidelity_aggregate_obstacle(const ScenarioConfig *cfg);

/* "requests" or "aggregate". */
const char *fidelity_name(Fidelity fidelity);
