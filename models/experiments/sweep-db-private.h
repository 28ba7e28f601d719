/* Shared by sweep-db.c and sweep-export.c. */
#pragma once

#include <sqlite3.h>

#include "models/experiments/sweep-db.h"

struct _SweepDb {
  sqlite3 *db;
  char *path;
  int lock_fd;  /* PATH.lock, held (flock) while the sweep writes */
};

/* One column of the runs table (and of runs.csv) taken from a run's
 * summary.json, or from its timing for wall_s. */
typedef struct {
  const char *column;
  const char *pointer;  /* in summary.json (timing.json for wall_s) */
  gboolean integer;
  gboolean timing;
} SweepRunColumn;

extern const SweepRunColumn sweep_run_columns[];
extern const gsize sweep_n_run_columns;

/* A grid value as runs.csv shows it: a JSON string without its quotes,
 * anything else as compact JSON. Returns a new string. */
char *sweep_db_value_text(const char *json);

/* Sets @error to "PATH: what: SQLite's message" (G_FILE_ERROR). */
void sweep_db_error(SweepDb *db, const char *what, GError **error);
