/* Output files that appear whole or not at all.
 *
 * A file is written under a temporary name in its final directory and
 * renamed over the final name on commit, so a failed or interrupted run
 * never leaves a half-written output behind. */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef struct _SimOutFile SimOutFile;

/* Opens a temporary file beside @path. Returns NULL and sets @error
 * (naming @path) when the directory is not writable. */
SimOutFile *sim_outfile_new(const char *path, GError **error);

/* The stream to write to; lent. */
FILE *sim_outfile_stream(SimOutFile *f);

/* Final path, as given to sim_outfile_new(). */
const char *sim_outfile_path(const SimOutFile *f);

/* Flushes, closes and renames the file into place, then frees @f.
 * Returns FALSE and sets @error if any write failed (the temporary file
 * is then removed). */
gboolean sim_outfile_commit(SimOutFile *f, GError **error);

/* Closes and removes the temporary file and frees @f. Accepts NULL. */
void sim_outfile_discard(SimOutFile *f);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimOutFile, sim_outfile_discard)
