/* Helpers shared by plot.c and plot-timeline.c. */
#pragma once

#include <glib.h>

/* A CSV file of ecsim's, read whole (RFC 4180: quoted cells may hold
 * commas, quotes and line breaks, as sweep.csv's swept values do). */
typedef struct {
  char *path;        /* as given, for messages */
  char **header;     /* column names; strv */
  GPtrArray *rows;   /* of strv, each with as many cells as header */
} PlotCsv;

/* Reads @path. Returns NULL and sets @error (ECSIM_INPUT_ERROR, naming
 * @path and the line) when it cannot be read, is empty or a row's cell
 * count differs from the header's. */
PlotCsv *plot_csv_load(const char *path, GError **error);
void plot_csv_free(PlotCsv *csv);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(PlotCsv, plot_csv_free)

/* Index of each of the NULL-terminated @names in @csv's header, into
 * @index. Returns FALSE and sets @error naming the first one missing and
 * @writer, the command that writes such files ("ecsim run"). */
gboolean plot_csv_columns(const PlotCsv *csv, const char *const *names,
                          const char *writer, int *index, GError **error);

/* A cell as a number: NAN when empty or not a number. */
double plot_csv_number(const char *cell);

/* Appends @text as a gnuplot data string: in double quotes, with any
 * double quote or backslash in it replaced by an apostrophe. */
void plot_append_quoted(GString *out, const char *text);

/* Appends " %.6g", or " NaN" for NAN. */
void plot_append_number(GString *out, double v);
