/* The sweep database: schema, the sweep's identity, adding runs. */
#include "models/experiments/sweep-db-private.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "models/input/input.h"
#include "models/output/report.h"
#include "models/input/jsonfile.h"

const SweepRunColumn sweep_run_columns[] = {
  { "cost_usd", "/cost/total_usd", FALSE, FALSE },
  { "cost_compute_usd", "/cost/items/compute", FALSE, FALSE },
  { "cost_storage_usd", "/cost/items/storage", FALSE, FALSE },
  { "cost_load_balancer_usd", "/cost/items/load_balancer", FALSE, FALSE },
  { "cost_unused_ec2_usd", "/cost/unused_ec2_usd", FALSE, FALSE },
  { "p50_ms", "/latency/p50_ms", FALSE, FALSE },
  { "p90_ms", "/latency/p90_ms", FALSE, FALSE },
  { "p99_ms", "/latency/p99_ms", FALSE, FALSE },
  { "p999_ms", "/latency/p999_ms", FALSE, FALSE },
  { "slo_attainment", "/slo/attainment", FALSE, FALSE },
  { "error_rate", "/requests/error_rate", FALSE, FALSE },
  { "arrivals", "/requests/arrivals", TRUE, FALSE },
  { "task_hours", "/capacity/task_hours", FALSE, FALSE },
  { "instance_hours", "/capacity/instance_hours", FALSE, FALSE },
  { "mean_cpu_pct", "/capacity/mean_cpu_pct", FALSE, FALSE },
  { "events", "/engine/events", TRUE, FALSE },
  { "wall_s", "/wall_s", FALSE, TRUE },
};
const gsize sweep_n_run_columns = G_N_ELEMENTS(sweep_run_columns);

static const char schema_sql[] =
  "CREATE TABLE IF NOT EXISTS sweep (key TEXT PRIMARY KEY,"
  " value TEXT NOT NULL);"
  "CREATE TABLE IF NOT EXISTS parameters ("
  " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
  " pointer TEXT NOT NULL, value NUMERIC NOT NULL,"
  " PRIMARY KEY (run_id, pointer)) WITHOUT ROWID;"
  "CREATE TABLE IF NOT EXISTS series ("
  " run_id INTEGER NOT NULL REFERENCES runs(run_id),"
  " time_s REAL NOT NULL, service TEXT NOT NULL, rps REAL, p50_ms REAL,"
  " p99_ms REAL, errors INTEGER, running INTEGER, desired INTEGER,"
  " cpu_pct REAL, cost_usd REAL,"
  " PRIMARY KEY (run_id, service, time_s)) WITHOUT ROWID;";


void
sweep_db_error(SweepDb *db, const char *what, GError **error)
{
  g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "%s: %s: %s",
              db->path, what, sqlite3_errmsg(db->db));
}

static gboolean
exec(SweepDb *db, const char *sql, GError **error)
{
  if (sqlite3_exec(db->db, sql, NULL, NULL, NULL) == SQLITE_OK)
    return TRUE;
  sweep_db_error(db, "cannot write the results", error);
  return FALSE;
}

static char *
runs_table_sql(void)
{
  GString *s = g_string_new(
    "CREATE TABLE IF NOT EXISTS runs (run_id INTEGER PRIMARY KEY,"
    " point_id INTEGER NOT NULL, variant TEXT NOT NULL,"
    " seed INTEGER NOT NULL, scenario TEXT NOT NULL, point TEXT NOT NULL");
  for (gsize i = 0; i < sweep_n_run_columns; i++)
    g_string_append_printf(s, ", %s %s", sweep_run_columns[i].column,
                           sweep_run_columns[i].integer ? "INTEGER" : "REAL");
  g_string_append(s, ", summary TEXT NOT NULL,"
                     " UNIQUE (scenario, point, variant, seed));");
  return g_string_free(s, FALSE);
}

/* @o as compact JSON text; frees @o. */
static char *
json_text(cJSON *o)
{
  char *copy = json_compact_text(o);
  cJSON_Delete(o);
  return copy;
}

static cJSON *
strv_json(char **v)
{
  cJSON *a = cJSON_CreateArray();
  for (char **s = v; s && *s; s++)
    cJSON_AddItemToArray(a, cJSON_CreateString(*s));
  return a;
}

static char *
grid_text(const SweepPlan *plan)
{
  cJSON *grid = cJSON_CreateArray();
  for (guint a = 0; a < plan->axes->len; a++) {
    const SweepAxis *axis = plan->axes->pdata[a];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "pointer", axis->pointer);
    cJSON *values = cJSON_AddArrayToObject(o, "values");
    for (guint i = 0; i < axis->values->len; i++)
      cJSON_AddItemToArray(values, json_parse_loose(axis->values->pdata[i]));
    cJSON_AddItemToArray(grid, o);
  }
  return json_text(grid);
}

/* The identity stored in the sweep table, as (key, value) pairs. */
static GPtrArray *
identity(const SweepPlan *plan)
{
  GPtrArray *kv = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(kv, g_strdup("schema"));
  g_ptr_array_add(kv, g_strdup(SWEEP_DB_SCHEMA));
  g_ptr_array_add(kv, g_strdup("scenario_sha256"));
  g_ptr_array_add(kv, g_strdup(plan->scenario_sha256));
  g_ptr_array_add(kv, g_strdup("sets"));
  g_ptr_array_add(kv, json_text(strv_json(plan->sets)));
  g_ptr_array_add(kv, g_strdup("grid"));
  g_ptr_array_add(kv, grid_text(plan));
  g_ptr_array_add(kv, g_strdup("variants"));
  g_ptr_array_add(kv, json_text(strv_json(plan->variants)));
  g_ptr_array_add(kv, g_strdup("base_seed"));
  g_ptr_array_add(kv, g_strdup_printf("%" G_GUINT64_FORMAT, plan->base_seed));
  return kv;
}

/* What a user changed, for the refusal of a --resume. */
static const char *
identity_words(const char *key)
{
  if (strcmp(key, "scenario_sha256") == 0)
    return "the scenario file has changed since the sweep began";
  if (strcmp(key, "sets") == 0)
    return "its --set values differ";
  if (strcmp(key, "grid") == 0)
    return "its grid differs";
  if (strcmp(key, "variants") == 0)
    return "its variants differ";
  if (strcmp(key, "base_seed") == 0)
    return "its first seed differs";
  return "it is not an ecsim sweep database";
}

static char *
meta_get(SweepDb *db, const char *key)
{
  sqlite3_stmt *st = NULL;
  char *value = NULL;
  if (sqlite3_prepare_v2(db->db, "SELECT value FROM sweep WHERE key = ?", -1,
                         &st, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step(st) == SQLITE_ROW)
    value = g_strdup((const char *) sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  return value;
}

static gboolean
meta_set(SweepDb *db, const char *key, const char *value, GError **error)
{
  sqlite3_stmt *st = NULL;
  gboolean ok = sqlite3_prepare_v2(db->db, "INSERT OR REPLACE INTO sweep "
                                   "(key, value) VALUES (?, ?)", -1, &st,
                                   NULL) == SQLITE_OK;
  if (ok) {
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
    ok = sqlite3_step(st) == SQLITE_DONE;
  }
  sqlite3_finalize(st);
  if (!ok)
    sweep_db_error(db, "cannot write the results", error);
  return ok;
}

static gboolean
check_identity(SweepDb *db, const SweepPlan *plan, GError **error)
{
  g_autoptr(GPtrArray) kv = identity(plan);
  g_autofree char *schema = meta_get(db, "schema");
  gboolean fresh = schema == NULL;
  for (guint i = 0; i < kv->len; i += 2) {
    if (fresh) {
      if (!meta_set(db, kv->pdata[i], kv->pdata[i + 1], error))
        return FALSE;
      continue;
    }
    g_autofree char *stored = meta_get(db, kv->pdata[i]);
    if (stored == NULL || strcmp(stored, kv->pdata[i + 1]) != 0) {
      input_error(error, db->path, "--resume: this is not the same sweep: "
                  "%s (resume with the same scenario, --set, --grid, "
                  "--variant and --seed, or choose another -o folder)",
                  identity_words(kv->pdata[i]));
      return FALSE;
    }
  }
  g_autofree char *seeds = meta_get(db, "seeds");
  guint64 stored = seeds ? g_ascii_strtoull(seeds, NULL, 10) : 0;
  g_autofree char *n = g_strdup_printf("%u", MAX((guint) stored,
                                                 plan->n_seeds));
  return meta_set(db, "scenario", plan->scenario_path, error) &&
         meta_set(db, "seeds", n, error);
}

static gboolean
create_schema(SweepDb *db, GError **error)
{
  g_autofree char *runs = runs_table_sql();
  return exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
              error) &&
         exec(db, "BEGIN IMMEDIATE", error) && exec(db, runs, error) &&
         exec(db, schema_sql, error);
}

/* Takes PATH.lock (flock, released when the process ends, however it
 * ends) so that a second sweep into the same folder is refused up front
 * with who holds it, not half-way with a database error. Returns the
 * descriptor, or -1 with @error. */
static int
take_lock(const char *path, GError **error)
{
  g_autofree char *lock = g_strdup_printf("%s.lock", path);
  int fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    int err = errno;
    input_error(error, lock, "cannot open: %s", g_strerror(err));
    return -1;
  }
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    char holder[128] = "";
    ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
    holder[n > 0 ? n : 0] = '\0';
    g_strchomp(holder);
    input_error(error, path, "another ecsim sweep is writing here (%s); "
                "wait for it to finish, or choose another -o folder",
                *holder ? holder : "its process holds the lock");
    close(fd);
    return -1;
  }
  g_autoptr(GDateTime) now = g_date_time_new_now_local();
  g_autofree char *when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
  g_autofree char *who = g_strdup_printf("process %d, started %s\n",
                                         (int) getpid(), when);
  if (ftruncate(fd, 0) != 0 || pwrite(fd, who, strlen(who), 0) < 0) {
    /* The lock holds without the note; only the message is poorer. */
  }
  return fd;
}

SweepDb *
sweep_db_open(const char *path, const SweepPlan *plan, gboolean resume,
              GError **error)
{
  g_return_val_if_fail(path != NULL && plan != NULL, NULL);
  int lock_fd = take_lock(path, error);
  if (lock_fd < 0)
    return NULL;
  if (!resume && g_file_test(path, G_FILE_TEST_EXISTS)) {
    close(lock_fd);
    input_error(error, path, "a sweep is already stored here: add --resume "
                "to continue it, or choose another -o folder");
    return NULL;
  }
  g_autoptr(SweepDb) db = g_new0(SweepDb, 1);
  db->path = g_strdup(path);
  db->lock_fd = lock_fd;
  if (sqlite3_open_v2(path, &db->db, SQLITE_OPEN_READWRITE |
                      SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
    sweep_db_error(db, "cannot open", error);
    return NULL;
  }
  sqlite3_busy_timeout(db->db, 10000);
  if (!create_schema(db, error))
    return NULL;
  if (!check_identity(db, plan, error)) {
    sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
    return NULL;
  }
  return exec(db, "COMMIT", error) ? g_steal_pointer(&db) : NULL;
}

void
sweep_db_close(SweepDb *db)
{
  if (db == NULL)
    return;
  sqlite3_close(db->db);
  if (db->lock_fd > 0)
    close(db->lock_fd);
  g_free(db->path);
  g_free(db);
}

GArray *
sweep_db_pending(SweepDb *db, const SweepPlan *plan)
{
  g_autoptr(GHashTable) done = g_hash_table_new(g_direct_hash,
                                                g_direct_equal);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->db, "SELECT run_id FROM runs", -1, &st,
                         NULL) == SQLITE_OK)
    while (sqlite3_step(st) == SQLITE_ROW)
      g_hash_table_add(done, GSIZE_TO_POINTER(
                               (gsize) sqlite3_column_int64(st, 0) + 1));
  sqlite3_finalize(st);
  GArray *pending = g_array_new(FALSE, FALSE, sizeof(guint));
  for (guint run = 0; run < sweep_plan_n_runs(plan); run++)
    if (!g_hash_table_contains(done, GSIZE_TO_POINTER((gsize) run + 1)))
      g_array_append_val(pending, run);
  return pending;
}

guint
sweep_db_n_runs(SweepDb *db)
{
  sqlite3_stmt *st = NULL;
  guint n = 0;
  if (sqlite3_prepare_v2(db->db, "SELECT count(*) FROM runs", -1, &st,
                         NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    n = (guint) sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

char *
sweep_db_value_text(const char *json)
{
  g_autoptr(cJSON) v = json_parse_loose(json);
  if (cJSON_IsString(v))
    return g_strdup(v->valuestring);
  return g_strdup(json);
}

static void
bind_number(sqlite3_stmt *st, int i, const cJSON *n, gboolean integer)
{
  if (!cJSON_IsNumber(n) || isnan(n->valuedouble))
    sqlite3_bind_null(st, i);
  else if (integer)
    sqlite3_bind_int64(st, i, (sqlite3_int64) n->valuedouble);
  else
    sqlite3_bind_double(st, i, n->valuedouble);
}

static gboolean
insert_run(SweepDb *db, const SweepPlan *plan, const SweepResult *r)
{
  GString *sql = g_string_new("INSERT INTO runs (run_id, point_id, variant,"
                              " seed, scenario, point, summary");
  for (gsize i = 0; i < sweep_n_run_columns; i++)
    g_string_append_printf(sql, ", %s", sweep_run_columns[i].column);
  g_string_append(sql, ") VALUES (?, ?, ?, ?, ?, ?, ?");
  for (gsize i = 0; i < sweep_n_run_columns; i++)
    g_string_append(sql, ", ?");
  g_string_append(sql, ")");
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2(db->db, sql->str, -1, &st, NULL);
  g_string_free(sql, TRUE);
  if (rc != SQLITE_OK)
    return FALSE;
  guint point, variant, k;
  sweep_plan_locate(plan, r->run, &point, &variant, &k);
  g_autofree char *key = sweep_plan_point_key(plan, point);
  char *summary = cJSON_PrintUnformatted(r->summary);
  sqlite3_bind_int64(st, 1, r->run);
  sqlite3_bind_int64(st, 2, point);
  sqlite3_bind_text(st, 3, plan->variants[variant], -1, SQLITE_STATIC);
  sqlite3_bind_int64(st, 4, (sqlite3_int64) (plan->base_seed + k));
  sqlite3_bind_text(st, 5, plan->scenario_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 6, key, -1, SQLITE_STATIC);
  sqlite3_bind_text(st, 7, summary, -1, SQLITE_STATIC);
  for (gsize i = 0; i < sweep_n_run_columns; i++) {
    const SweepRunColumn *c = &sweep_run_columns[i];
    cJSON *from = c->timing ? r->timing : r->summary;
    bind_number(st, 8 + (int) i, json_pointer_get(from, c->pointer),
                c->integer);
  }
  rc = sqlite3_step(st);
  sqlite3_finalize(st);
  cJSON_free(summary);
  return rc == SQLITE_DONE;
}

static gboolean
insert_parameters(SweepDb *db, const SweepPlan *plan, guint run)
{
  guint point, variant, k;
  sweep_plan_locate(plan, run, &point, &variant, &k);
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->db, "INSERT INTO parameters (run_id, pointer, "
                         "value) VALUES (?, ?, ?)", -1, &st, NULL) !=
      SQLITE_OK)
    return FALSE;
  gboolean ok = TRUE;
  for (guint a = 0; ok && a < plan->axes->len; a++) {
    g_autofree char *value = sweep_db_value_text(
      sweep_plan_value(plan, point, a));
    sqlite3_bind_int64(st, 1, run);
    sqlite3_bind_text(st, 2, ((SweepAxis *) plan->axes->pdata[a])->pointer,
                      -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return ok;
}

/* Binds one series row; @index maps report_series_columns to its cells. */
static void
bind_series_row(sqlite3_stmt *st, guint run, const cJSON *row,
                const int *index)
{
  sqlite3_bind_int64(st, 1, run);
  for (gsize c = 0; c < REPORT_SERIES_N_COLUMNS; c++) {
    const cJSON *cell = index[c] >= 0 ? cJSON_GetArrayItem(row, index[c])
                                      : NULL;
    if (cJSON_IsString(cell))
      sqlite3_bind_text(st, 2 + (int) c, cell->valuestring, -1,
                        SQLITE_STATIC);
    else
      bind_number(st, 2 + (int) c, cell,
                  strcmp(report_series_columns[c], "errors") == 0 ||
                    strcmp(report_series_columns[c], "running") == 0 ||
                    strcmp(report_series_columns[c], "desired") == 0);
  }
}

static gboolean
insert_series(SweepDb *db, const SweepResult *r)
{
  const cJSON *cols = cJSON_GetObjectItemCaseSensitive(r->series, "columns");
  const cJSON *rows = cJSON_GetObjectItemCaseSensitive(r->series, "rows");
  if (!cJSON_IsArray(cols) || !cJSON_IsArray(rows))
    return TRUE;
  int index[REPORT_SERIES_N_COLUMNS];
  for (gsize c = 0; c < REPORT_SERIES_N_COLUMNS; c++) {
    index[c] = -1;
    for (int k = 0; k < cJSON_GetArraySize(cols); k++) {
      const cJSON *name = cJSON_GetArrayItem(cols, k);
      if (cJSON_IsString(name) &&
          strcmp(name->valuestring, report_series_columns[c]) == 0)
        index[c] = k;
    }
  }
  sqlite3_stmt *st = NULL;
  if (sqlite3_prepare_v2(db->db, "INSERT INTO series (run_id, time_s, "
                         "service, rps, p50_ms, p99_ms, errors, running, "
                         "desired, cpu_pct, cost_usd) VALUES (?, ?, ?, ?, ?, "
                         "?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
    return FALSE;
  gboolean ok = TRUE;
  const cJSON *row;
  cJSON_ArrayForEach(row, rows) {
    bind_series_row(st, r->run, row, index);
    ok = ok && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  return ok;
}

gboolean
sweep_db_add(SweepDb *db, const SweepPlan *plan, const SweepResult *r,
             GError **error)
{
  g_return_val_if_fail(r != NULL && r->summary != NULL, FALSE);
  if (!exec(db, "BEGIN IMMEDIATE", error))
    return FALSE;
  if (insert_run(db, plan, r) && insert_parameters(db, plan, r->run) &&
      (r->series == NULL || insert_series(db, r)))
    return exec(db, "COMMIT", error);
  g_autofree char *what = g_strdup_printf("cannot add run %u", r->run);
  sweep_db_error(db, what, error);
  sqlite3_exec(db->db, "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}
