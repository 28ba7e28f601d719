/* `ecsim report`: one self-contained HTML page of a run folder.
 *
 * The page holds everything it needs: the run's data as JSON, the
 * charting library (Debian's libjs-dygraphs, read at report time) and
 * the page's own script and style (plots/report/, built in). It opens
 * offline and alone; see README.md, "The report". */
#pragma once

#include <glib.h>

/* The Debian package that holds the charting library, for messages. */
#define HTML_REPORT_PACKAGE "libjs-dygraphs"

/* The default page of @outdir: OUTDIR/report.html (a new string). */
char *html_report_default_path(const char *outdir);

/* Writes the report of the `ecsim run` output folder @outdir (its
 * VARIANT/ folders, or one variant's folder) to @path, atomically (a
 * temporary file renamed into place). The same folder gives the same
 * bytes. Returns FALSE and sets @error (ECSIM_INPUT_ERROR: the folder
 * is not a run's, one of its files is malformed, or the charting library
 * is not installed, naming HTML_REPORT_PACKAGE; G_FILE_ERROR: @path
 * cannot be written). */
gboolean html_report_write(const char *outdir, const char *path,
                           GError **error);
