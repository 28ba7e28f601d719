/* {"file": ...} entries below the top level of a scenario (the cluster
 * section's): scenario.c reads and caches the files; the section that
 * has such entries says how its files are shaped. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/config/scenario.h"
#include "models/input/jnode.h"

typedef struct {
  const char *wrapper_array; /* "AutoScalingGroups": the file's list; a
                                file without it is one bare object */
  const char *select_key;    /* "AutoScalingGroupName": the entry's value
                                of it picks one object; may be NULL */
  const char *what;          /* "Auto Scaling group", for messages */
  gboolean one;              /* the entry stands for exactly one object */
  gboolean overlay_each;     /* the entry's other keys apply to each of
                                several objects (else: an error) */
} IncludeShape;

/* Appends to array @out a copy of each object the file of entry @entry
 * (at @entry_path of the scenario) holds, shaped as @shape says, with the
 * entry's other keys laid over it; records in @doc where each copy and
 * each laid-over key came from. FALSE and @error ("FILE: PATH: reason")
 * when the file cannot be read or parsed or the entry picks no object. */
gboolean scenario_expand_include(Scenario *scn, JDoc *doc,
                                 const cJSON *entry, const char *entry_path,
                                 const IncludeShape *shape, cJSON *out,
                                 GError **error);
