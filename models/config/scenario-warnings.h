/* Warnings a scenario shows before it runs (see warnings.h): services
 * that receive no traffic or bypass the load balancer, recorded traces
 * scaled so far up that their noise is scaled with them. */
#pragma once

#include "models/config/scenario.h"
#include "models/config/warnings.h"

/* A recorded trace scaled by this factor or more draws a warning. */
#define SCENARIO_TRACE_SCALE_WARN 10.0

/* Appends @cfg's warnings (lent) to @out. Never fails. */
void scenario_add_warnings(const ScenarioConfig *cfg, Warnings *out);

/* Parses "ignore_warnings" of @root (a list of warning codes the scenario
 * expects, e.g. ["no_traffic"] in a placement demo) into @cfg. Returns
 * FALSE and sets @error on an unknown code. */
gboolean scenario_parse_ignored_warnings(ScenarioConfig *cfg,
                                         const JNode *root, GError **error);

/* TRUE when @cfg ignores warnings of @code. */
gboolean scenario_ignores_warning(const ScenarioConfig *cfg,
                                  const char *code);
