/* A one-line progress display for long runs.
 *
 * Shows simulated time, % of the horizon, events/s and wall time on one
 * line of a terminal, redrawn at most four times a second. Disabled
 * reporters do nothing, so callers need no conditionals. */
#pragma once

#include <glib.h>
#include <stdio.h>

#include "sim/engine.h"

typedef struct _SimProgress SimProgress;

/* Returns a reporter writing to @out (lent) for a run of @horizon
 * labelled @label (copied). @enabled FALSE makes every call a no-op; pass
 * sim_progress_wanted(out, quiet). Never fails. */
SimProgress *sim_progress_new(FILE *out, const char *label, SimTime horizon,
                              gboolean enabled);

/* TRUE when @out is a terminal and @quiet is FALSE. */
gboolean sim_progress_wanted(FILE *out, gboolean quiet);

/* Makes @engine call the reporter while it runs. */
void sim_progress_attach(SimProgress *p, SimEngine *engine);

/* Erases the line, leaving the terminal clean. */
void sim_progress_finish(SimProgress *p);

void sim_progress_free(SimProgress *p);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimProgress, sim_progress_free)
