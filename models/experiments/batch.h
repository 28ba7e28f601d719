/* Running many simulations on several threads.
 *
 * Each job is one variant configuration at one traffic scale; jobs run in
 * their own worlds (own engine, own random streams), so results do not
 * depend on how many threads run them or in which order. Used by
 * `ecsim compare` and `ecsim sweep`. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>
#include <signal.h>

#include "models/config/scenario.h"

typedef struct {
  const ScenarioConfig *cfg; /* lent */
  double traffic_scale;      /* 1.0: as configured */
  char *output_dir;          /* write outputs here, or NULL */
  cJSON *manifest;           /* owned; written with the outputs as
                                manifest.json (run-manifest.h), or NULL */
  gboolean want_series;      /* also fill in @series */
  gboolean aggregate;        /* run in the aggregate fidelity */
  /* Filled in by batch_run(): */
  cJSON *summary;            /* owned; NULL if the job failed */
  cJSON *timing;             /* owned */
  cJSON *series;             /* owned: report_series(), if wanted */
  char *error;               /* owned message when failed */
  gboolean interrupted;
} BatchJob;

/* Called (from the calling thread, in completion order) as jobs finish. */
typedef void (*BatchProgress)(const BatchJob *job, guint done, guint total,
                              gpointer data);

/* Runs @jobs (BatchJob*) on @threads threads (0: one per core). Returns
 * FALSE when any job failed or @interrupt was raised. */
gboolean batch_run(GPtrArray *jobs, guint threads,
                   volatile sig_atomic_t *interrupt, BatchProgress progress,
                   gpointer data);

/* Runs @job in the calling thread, filling in its results (what
 * batch_run() does on each of its threads). @interrupt may be NULL. */
void batch_job_run(BatchJob *job, volatile sig_atomic_t *interrupt);

BatchJob *batch_job_new(const ScenarioConfig *cfg, double traffic_scale,
                        const char *output_dir);
void batch_job_free(BatchJob *job);
