/* Inside the AWS-shaped export: shared by aws-export.c (metrics,
 * CloudWatch files) and aws-export-log.c (ALB access-log lines). */
#pragma once

#include <gsl/gsl_rng.h>
#include <stdio.h>

#include "models/core/hooks.h"
#include "models/output/aws-export.h"

/* One export period of one service. */
typedef struct {
  guint64 requests;      /* arrived in the period (RequestCount) */
  guint64 target_5xx;    /* the task answered 503: its queue was full */
  guint64 elb_5xx;       /* the ALB answered 502, 503 or 504 */
  guint64 responses;     /* answered by a task (TargetResponseTime) */
  double response_s;     /* their target processing times, summed */
  double healthy_sum;    /* samples of the targets in rotation */
  double running_sum;    /* samples of the RUNNING tasks */
  guint samples;
  double cpu_pct;        /* set when the period closes */
  double memory_pct;
} AwsBucket;

typedef struct {
  guint32 service;
  const char *name;      /* serviceName (lent) */
  GArray *buckets;       /* AwsBucket, one per export period */
  FILE *log;             /* SERVICE-alb.log */
  guint64 lines;         /* requests seen (written or sampled out) */
  ReqWindow window;      /* the export period that runs now */
} AwsService;

struct _AwsExport {
  World *w;
  char *dir;
  AwsExportOptions o;
  GPtrArray *services;   /* AwsService*, in the scenario's order */
  AwsService **by_index; /* per service index; NULL: not exported */
  gsl_rng *sample_rng;   /* "export/alb-sample" */
  SimKindId sample_kind;
  SimTime step;          /* between samples of counts */
  SimTime sampled;       /* the last sample's time */
  gint64 t0_us;          /* wall clock of time 0, µs since the epoch */
};

/* aws-export-log.c: writes the ALB log line of @r (in @s) to s->log. */
void aws_export_log_line(AwsExport *e, AwsService *s, const WorldRequest *r);
