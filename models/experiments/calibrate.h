/* `ecsim calibrate`: the workload parameters of a real service, fitted
 * from what it records.
 *
 * From ALB access logs: the service-time distribution (lognormal, gamma
 * or empirical, by maximum likelihood, corrected for waiting in the
 * target's queue). From CloudWatch get-metric-data output: the CPU
 * seconds per request (CPUUtilization against RequestCount) and from it
 * concurrency_per_vcpu; the memory at idle and per in-flight request
 * (MemoryUtilization). From describe-services events: failure rates.
 * Each part runs when its inputs are there; scenarios/REFERENCE.md
 * ("ecsim calibrate") gives the methods and formulas. */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef struct {
  char **alb_logs;  /* ALB access-log files; NULL-terminated, may be NULL */
  char **metrics;   /* get-metric-data / get-metric-statistics JSON */
  const char *taskdef;  /* describe-task-definition output; may be NULL */
  const char *services; /* describe-services output; may be NULL */
  const char *dir;      /* every file of a folder, classified by shape */
  const char *service;  /* the service's name; NULL: from the inputs */
  const char *from;     /* window: ISO 8601 time, or a duration after the */
  const char *until;    /* first record; NULL: unbounded */
  guint slots;          /* slots per task for the queueing correction;
                           0: from the CPU fit, else from the data */
  const char *output;   /* calibration.json */
  guint64 seed;         /* the bootstrap's seed */
} CalibrateOptions;

/* Reads the inputs, fits what they allow, writes @opt->output (and an
 * empirical service-time file next to it when no parametric fit
 * passes) and prints a readable report on @report. FALSE with @error
 * naming the file and line or JSON path on bad input, or when no input
 * allows any fit. */
gboolean calibrate_run(const CalibrateOptions *opt, FILE *report,
                       GError **error);
