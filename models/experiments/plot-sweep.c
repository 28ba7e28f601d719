/* The data file of plots/sweep.gp, from a sweep's sweep.csv. */
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/experiments/plot-private.h"
#include "models/experiments/plot.h"

enum { COST_MEAN, COST_CI, P99_MEAN, P99_CI, N_FIGURES };

static const char *const figure_columns[] = {
  "cost_usd_mean", "cost_usd_ci95", "p99_ms_mean", "p99_ms_ci95", NULL,
};

typedef struct {
  double x;
  double fig[N_FIGURES];
} SweepRow;

typedef struct {
  char *title;
  GArray *rows; /* SweepRow */
} Series;

static void
series_free(Series *s)
{
  g_free(s->title);
  g_array_unref(s->rows);
  g_free(s);
}

gboolean
plot_is_sweep(const char *outdir)
{
  g_autofree char *path = g_build_filename(outdir, "sweep.csv", NULL);
  return g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

/* The last token of a JSON Pointer, for labels. */
static const char *
short_name(const char *pointer)
{
  const char *slash = strrchr(pointer, '/');
  return slash && slash[1] ? slash + 1 : pointer;
}

static int
compare_x(gconstpointer a, gconstpointer b)
{
  double x = ((const SweepRow *) a)->x, y = ((const SweepRow *) b)->x;
  return x < y ? -1 : x > y;
}

/* Columns of sweep.csv: the parameters lie between "variant" and
 * "seeds". */
typedef struct {
  int variant, seeds, fig[N_FIGURES];
} Layout;

static gboolean
layout(const PlotCsv *csv, Layout *l, GError **error)
{
  static const char *const fixed[] = { "variant", "seeds", NULL };
  int idx[2];
  if (!plot_csv_columns(csv, fixed, "ecsim sweep", idx, error) ||
      !plot_csv_columns(csv, figure_columns, "ecsim sweep", l->fig, error))
    return FALSE;
  l->variant = idx[0];
  l->seeds = idx[1];
  if (l->seeds < l->variant) {
    input_error(error, csv->path, "not a sweep.csv written by 'ecsim sweep'");
    return FALSE;
  }
  return TRUE;
}

/* The series key and title of @cells: the variant and the values of the
 * parameters after the first (x). */
static char *
series_title(const PlotCsv *csv, const Layout *l, char **cells,
             gboolean x_is_variant, gboolean show_variant)
{
  GString *t = g_string_new(x_is_variant || !show_variant
                              ? "" : cells[l->variant]);
  for (int c = l->variant + 2; c < l->seeds; c++)
    g_string_append_printf(t, "%s%s=%s", t->len ? " · " : "",
                           short_name(csv->header[c]), cells[c]);
  if (t->len == 0)
    g_string_append(t, x_is_variant ? "all" : cells[l->variant]);
  return g_string_free(t, FALSE);
}

static gboolean
numeric_column(const PlotCsv *csv, int col)
{
  for (guint r = 0; r < csv->rows->len; r++)
    if (isnan(plot_csv_number(((char **) csv->rows->pdata[r])[col])))
      return FALSE;
  return TRUE;
}

static gboolean
several_variants(const PlotCsv *csv, const Layout *l)
{
  for (guint r = 1; r < csv->rows->len; r++)
    if (strcmp(((char **) csv->rows->pdata[r])[l->variant],
               ((char **) csv->rows->pdata[0])[l->variant]) != 0)
      return TRUE;
  return FALSE;
}

/* The index of @value among @categories (lent strings), added (with
 * its tic in @tics) when new. */
static double
category(GPtrArray *categories, GString *tics, const char *value)
{
  for (guint k = 0; k < categories->len; k++)
    if (strcmp(categories->pdata[k], value) == 0)
      return k;
  /* In double quotes, where gnuplot reads \" and \\: the string is
   * handed over in single quotes, where '' could not start it. */
  g_string_append(tics, tics->len ? ", \"" : "\"");
  for (const char *c = value; *c; c++) {
    if (*c == '"' || *c == '\\')
      g_string_append_c(tics, '\\');
    g_string_append_c(tics, g_ascii_iscntrl(*c) ? ' ' : *c);
  }
  g_string_append_printf(tics, "\" %u", categories->len);
  g_ptr_array_add(categories, (gpointer) value);
  return categories->len - 1;
}

/* Gathers the rows into series; fills @info's x axis. */
static GPtrArray *
gather(const PlotCsv *csv, const Layout *l, PlotSweep *info)
{
  gboolean x_is_variant = l->seeds == l->variant + 1;
  int xcol = x_is_variant ? l->variant : l->variant + 1;
  gboolean numeric = !x_is_variant && numeric_column(csv, xcol);
  gboolean show_variant = several_variants(csv, l);
  info->xlabel = g_strdup(x_is_variant ? "variant"
                                       : short_name(csv->header[xcol]));
  GPtrArray *series = g_ptr_array_new_with_free_func(
    (GDestroyNotify) series_free);
  g_autoptr(GHashTable) by_title = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) categories = g_ptr_array_new();
  GString *tics = g_string_new("");
  for (guint r = 0; r < csv->rows->len; r++) {
    char **cells = csv->rows->pdata[r];
    g_autofree char *title = series_title(csv, l, cells, x_is_variant,
                                          show_variant);
    Series *s = g_hash_table_lookup(by_title, title);
    if (s == NULL) {
      s = g_new0(Series, 1);
      s->title = g_steal_pointer(&title);
      s->rows = g_array_new(FALSE, FALSE, sizeof(SweepRow));
      g_ptr_array_add(series, s);
      g_hash_table_insert(by_title, s->title, s);
    }
    SweepRow row = { .x = numeric ? plot_csv_number(cells[xcol])
                                  : category(categories, tics, cells[xcol]) };
    for (int f = 0; f < N_FIGURES; f++)
      row.fig[f] = plot_csv_number(cells[l->fig[f]]);
    g_array_append_val(s->rows, row);
  }
  info->xtics = g_string_free(tics, FALSE);
  return series;
}

/* " mean low high", the interval collapsed onto the mean without one. */
static void
append_band(GString *out, double mean, double half)
{
  double h = isnan(half) ? 0 : half;
  plot_append_number(out, mean);
  plot_append_number(out, mean - h);
  plot_append_number(out, mean + h);
}

gboolean
plot_write_sweep(const char *outdir, const char *path, PlotSweep *info,
                 GError **error)
{
  g_return_val_if_fail(outdir != NULL && path != NULL && info != NULL, FALSE);
  g_autofree char *csv_path = g_build_filename(outdir, "sweep.csv", NULL);
  g_autoptr(PlotCsv) csv = plot_csv_load(csv_path, error);
  Layout l;
  if (csv == NULL || !layout(csv, &l, error))
    return FALSE;
  if (csv->rows->len == 0) {
    input_error(error, csv_path, "no grid point has finished yet");
    return FALSE;
  }
  g_autoptr(GPtrArray) series = gather(csv, &l, info);
  g_autoptr(GString) out = g_string_new(
    "# ecsim plot: a sweep, from sweep.csv; one block per line drawn\n"
    "# x cost_mean cost_low cost_high p99_mean p99_low p99_high\n");
  g_autoptr(GString) titles = g_string_new("");
  for (guint i = 0; i < series->len; i++) {
    Series *s = series->pdata[i];
    g_array_sort(s->rows, compare_x);
    for (guint r = 0; r < s->rows->len; r++) {
      const SweepRow *row = &g_array_index(s->rows, SweepRow, r);
      plot_append_number(out, row->x);
      append_band(out, row->fig[COST_MEAN], row->fig[COST_CI]);
      append_band(out, row->fig[P99_MEAN], row->fig[P99_CI]);
      g_string_append_c(out, '\n');
    }
    g_string_append(out, "\n\n");
    if (i > 0)
      g_string_append_c(titles, ' ');
    plot_append_quoted(titles, s->title);
  }
  info->n_series = (int) series->len;
  info->titles = g_string_free(g_steal_pointer(&titles), FALSE);
  return g_file_set_contents(path, out->str, (gssize) out->len, error);
}

void
plot_sweep_clear(PlotSweep *info)
{
  g_clear_pointer(&info->titles, g_free);
  g_clear_pointer(&info->xlabel, g_free);
  g_clear_pointer(&info->xtics, g_free);
}
