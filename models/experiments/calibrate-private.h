/* `ecsim calibrate`: what its parts share. Each part reads the loaded
 * inputs, adds its fit under "fits" and its figures to "workload" (or
 * "failure_model"), prints its lines of the report, or says which input
 * would enable it. */
#pragma once

#include <cjson/cJSON.h>

#include "models/experiments/calibrate-alb.h"
#include "models/experiments/calibrate-fit.h"
#include "models/experiments/calibrate.h"
#include "models/input/cloudwatch.h"
#include "models/input/input.h"

typedef struct {
  const CalibrateOptions *opt;
  FILE *report;
  GPtrArray *cw;        /* CwData of the metrics files */
  CalAlbLog *alb;       /* NULL without logs */
  cJSON *services;      /* describe-services output, or NULL */
  char *services_name;  /* its display name */
  char *service;        /* the service calibrated */
  double task_vcpu;     /* from the task definition; 0: unknown */
  double task_memory;   /* MiB; 0: unknown */
  gint64 from, until;   /* the window, µs since the epoch */
  cJSON *workload;      /* output sections (owned by root) */
  cJSON *fits;
  cJSON *root;
  /* Results the later parts use. */
  gboolean have_time;
  double mean_time;     /* s: the chosen fit's mean */
  double mean_time_rel_se; /* its relative standard error */
  gboolean have_cpu;
  CalLinear cpu;        /* vCPU-seconds per period against requests */
} Cal;

/* One value's JSON object: {"value", "ci95": [lo, hi]} (6 digits). */
cJSON *calibrate_json_estimate(const CalEstimate *e);

/* @x rounded to 6 significant digits, so the output reads well and
 * stays the same across platforms' last bits. */
double calibrate_round(double x);

/* The metric @label's series over all metrics files (for
 * get-metric-statistics, its @stat statistic), or NULL. */
const CwSeries *calibrate_metric(const Cal *cal, const char *label,
                                 const char *stat);

/* The parts, in the order they run; each returns FALSE only on an error
 * of input. */
gboolean calibrate_cpu(Cal *cal, GError **error);
gboolean calibrate_service_time(Cal *cal, GError **error);
gboolean calibrate_concurrency(Cal *cal, GError **error);
gboolean calibrate_memory(Cal *cal, GError **error);
gboolean calibrate_events(Cal *cal, GError **error);
