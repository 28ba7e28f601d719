/* A sweep's results: DIR/results.sqlite, and runs.csv and sweep.csv
 * written from it.
 *
 * The database is the record: each finished run is added in one
 * transaction (WAL journal), so an interrupted sweep keeps every run that
 * finished and --resume skips them. Tables:
 *
 *   sweep(key, value)       the sweep's identity: schema, scenario (path),
 *                           scenario_sha256, sets, grid, variants (JSON),
 *                           base_seed, seeds
 *   runs(run_id, point_id, variant, seed, scenario, point, <metrics>,
 *        wall_s, summary)   one row per run: the metrics of runs.csv, the
 *                           whole summary.json text; a run's identity is
 *                           UNIQUE(scenario, point, variant, seed), with
 *                           scenario the file's SHA-256 and point the grid
 *                           point as JSON ({"/ptr": value, ...})
 *   parameters(run_id, pointer, value)  each grid value of each run
 *   series(run_id, time_s, service, rps, p50_ms, p99_ms, errors, running,
 *          desired, cpu_pct, cost_usd)  the run's per-period rows
 *
 * runs.csv and sweep.csv are written whole (atomically) from the
 * database, so they always agree with it. */
#pragma once

#include <glib.h>

#include "models/experiments/sweep-stats.h"
#include "models/experiments/sweep.h"

#define SWEEP_DB_SCHEMA "ecsim-sweep/1"

typedef struct _SweepDb SweepDb;

/* Opens (or creates) the database at @path for @plan (prepared). A new
 * database records the plan's identity. An existing one is refused unless
 * @resume, and then must hold the same sweep (scenario file contents,
 * --set values, grid, variants and base seed; the number of seeds may
 * differ). Returns NULL and sets @error (ECSIM_INPUT_ERROR for a refused
 * database, G_FILE_ERROR when SQLite fails). */
SweepDb *sweep_db_open(const char *path, const SweepPlan *plan,
                       gboolean resume, GError **error);
void sweep_db_close(SweepDb *db);

/* The runs of @plan not yet in the database, in run order: a new array
 * of guint. */
GArray *sweep_db_pending(SweepDb *db, const SweepPlan *plan);

/* Adds finished run @r (with a summary) in one transaction. */
gboolean sweep_db_add(SweepDb *db, const SweepPlan *plan,
                      const SweepResult *r, GError **error);

/* Runs stored. */
guint sweep_db_n_runs(SweepDb *db);

/* The stored runs grouped by (grid point, variant): a new array of
 * SweepGroup (sweep-stats.h), or NULL and @error. */
GArray *sweep_db_groups(SweepDb *db, const SweepPlan *plan, GError **error);
/* The same with half-widths at confidence @level (sweep_groups_at()). */
GArray *sweep_db_groups_at(SweepDb *db, const SweepPlan *plan, double level,
                           GError **error);

/* Writes @dir/runs.csv and @dir/sweep.csv from the database. When
 * @groups_out is not NULL, it gets the groups sweep.csv was written from
 * (as sweep_db_groups() returns them). */
gboolean sweep_db_export(SweepDb *db, const SweepPlan *plan,
                         const char *dir, GArray **groups_out,
                         GError **error);


G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepDb, sweep_db_close)
