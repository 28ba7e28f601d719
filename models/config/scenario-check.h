/* The whole-scenario check: parses every section of a scenario's JSON
 * (after includes and overrides) into a ScenarioConfig and checks the
 * references between sections. Used by scenario_configure(). */
#pragma once

#include "models/config/scenario.h"

/* Fills @cfg from @cfg->tree. Returns FALSE and sets @error ("FILE: PATH:
 * reason") at the first problem. */
gboolean scenario_check(ScenarioConfig *cfg, const char *file,
                        const ScenarioOptions *options, GError **error);

/* Checks each service's references: task definition, launch type or
 * capacity providers, target groups and container ports. Fills
 * @cfg->service_taskdefs and @cfg->service_tgs. */
gboolean scenario_check_services(ScenarioConfig *cfg, const JNode *root,
                                 GError **error);
