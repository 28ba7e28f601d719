/* runs.csv and sweep.csv, written from the sweep database. */
#include <math.h>
#include <string.h>

#include "models/input/csv.h"
#include "models/experiments/sweep-db-private.h"
#include "sim/outfile.h"

static void
csv_number(GString *out, double v, const char *format)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append_c(out, ',');
  if (!isnan(v))
    g_string_append(out, g_ascii_formatd(buf, sizeof buf, format,
                                         v == 0 ? 0.0 : v));
}

static void
csv_parameters(GString *out, const SweepPlan *plan, guint point)
{
  for (guint a = 0; a < plan->axes->len; a++) {
    g_autofree char *v = sweep_db_value_text(sweep_plan_value(plan, point,
                                                              a));
    g_string_append_c(out, ',');
    csv_append_cell(out, v);
  }
}

static void
csv_header_parameters(GString *out, const SweepPlan *plan)
{
  for (guint a = 0; a < plan->axes->len; a++) {
    g_string_append_c(out, ',');
    csv_append_cell(out, ((SweepAxis *) plan->axes->pdata[a])->pointer);
  }
}

static gint
variant_index(const SweepPlan *plan, const char *name)
{
  for (gint v = 0; plan->variants[v] != NULL; v++)
    if (strcmp(plan->variants[v], name) == 0)
      return v;
  return -1;
}

static gboolean
write_file(const char *dir, const char *name, const GString *text,
           GError **error)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  SimOutFile *f = sim_outfile_new(path, error);
  if (f == NULL)
    return FALSE;
  fwrite(text->str, 1, text->len, sim_outfile_stream(f));
  return sim_outfile_commit(f, error);
}

static gboolean
write_runs(SweepDb *db, const SweepPlan *plan, const char *dir,
           GError **error)
{
  g_autoptr(GString) out = g_string_new("run_id,point_id,variant,seed");
  GString *sql = g_string_new("SELECT run_id, point_id, variant, seed");
  csv_header_parameters(out, plan);
  for (gsize i = 0; i < sweep_n_run_columns; i++) {
    g_string_append_printf(out, ",%s", sweep_run_columns[i].column);
    g_string_append_printf(sql, ", %s", sweep_run_columns[i].column);
  }
  g_string_append(out, "\n");
  g_string_append(sql, " FROM runs ORDER BY run_id");
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db->db, sql->str, -1, &st, NULL);
  g_string_free(sql, TRUE);
  while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    rc = SQLITE_OK;
    guint point = (guint) sqlite3_column_int64(st, 1);
    g_string_append_printf(out, "%lld,%u,", sqlite3_column_int64(st, 0),
                           point);
    csv_append_cell(out, (const char *) sqlite3_column_text(st, 2));
    g_string_append_printf(out, ",%lld", sqlite3_column_int64(st, 3));
    csv_parameters(out, plan, point);
    for (gsize i = 0; i < sweep_n_run_columns; i++) {
      int col = 4 + (int) i;
      if (sqlite3_column_type(st, col) == SQLITE_NULL)
        g_string_append_c(out, ',');
      else if (sweep_run_columns[i].integer)
        g_string_append_printf(out, ",%lld", sqlite3_column_int64(st, col));
      else
        csv_number(out, sqlite3_column_double(st, col), "%.12g");
    }
    g_string_append_c(out, '\n');
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    sweep_db_error(db, "cannot read the runs", error);
    return FALSE;
  }
  return write_file(dir, "runs.csv", out, error);
}

GArray *
sweep_db_groups(SweepDb *db, const SweepPlan *plan, GError **error)
{
  return sweep_db_groups_at(db, plan, 0.95, error);
}

GArray *
sweep_db_groups_at(SweepDb *db, const SweepPlan *plan, double level,
                   GError **error)
{
  GString *sql = g_string_new("SELECT point_id, variant");
  for (int m = 0; m < SWEEP_N_METRICS; m++)
    g_string_append_printf(sql, ", %s", sweep_metric_column(m));
  g_string_append(sql, " FROM runs ORDER BY run_id");
  g_autoptr(GArray) points = g_array_new(FALSE, FALSE, sizeof(guint));
  g_autoptr(GArray) variants = g_array_new(FALSE, FALSE, sizeof(guint));
  g_autoptr(GArray) values = g_array_new(FALSE, FALSE, sizeof(double));
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db->db, sql->str, -1, &st, NULL);
  g_string_free(sql, TRUE);
  while (rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    rc = SQLITE_OK;
    gint v = variant_index(plan, (const char *) sqlite3_column_text(st, 1));
    if (v < 0)
      continue;
    guint p = (guint) sqlite3_column_int64(st, 0), vi = (guint) v;
    g_array_append_val(points, p);
    g_array_append_val(variants, vi);
    for (int m = 0; m < SWEEP_N_METRICS; m++) {
      double x = sqlite3_column_type(st, 2 + m) == SQLITE_NULL
                   ? NAN : sqlite3_column_double(st, 2 + m);
      g_array_append_val(values, x);
    }
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) {
    sweep_db_error(db, "cannot read the runs", error);
    return NULL;
  }
  return sweep_groups_at((guint *) (gpointer) points->data,
                         (guint *) (gpointer) variants->data,
                         (double *) (gpointer) values->data, points->len,
                         level);
}

static gboolean
write_sweep(SweepDb *db, const SweepPlan *plan, const char *dir,
            GArray **groups_out, GError **error)
{
  g_autoptr(GArray) groups = sweep_db_groups(db, plan, error);
  if (groups == NULL)
    return FALSE;
  if (groups_out != NULL)
    *groups_out = g_array_ref(groups);
  g_autoptr(GString) out = g_string_new("point_id,variant");
  csv_header_parameters(out, plan);
  g_string_append(out, ",seeds");
  for (int m = 0; m < SWEEP_N_METRICS; m++)
    g_string_append_printf(out, ",%s_mean,%s_ci95", sweep_metric_column(m),
                           sweep_metric_column(m));
  g_string_append_c(out, '\n');
  for (guint i = 0; i < groups->len; i++) {
    const SweepGroup *g = &g_array_index(groups, SweepGroup, i);
    g_string_append_printf(out, "%u,", g->point);
    csv_append_cell(out, plan->variants[g->variant]);
    csv_parameters(out, plan, g->point);
    g_string_append_printf(out, ",%u", g->n);
    for (int m = 0; m < SWEEP_N_METRICS; m++) {
      csv_number(out, g->mean[m], "%.10g");
      csv_number(out, g->half[m], "%.10g");
    }
    g_string_append_c(out, '\n');
  }
  return write_file(dir, "sweep.csv", out, error);
}

gboolean
sweep_db_export(SweepDb *db, const SweepPlan *plan, const char *dir,
                GArray **groups_out, GError **error)
{
  g_return_val_if_fail(db != NULL && plan != NULL && dir != NULL, FALSE);
  return write_runs(db, plan, dir, error) &&
         write_sweep(db, plan, dir, groups_out, error);
}
