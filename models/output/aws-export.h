/* `ecsim run --export-aws DIR`: a run's outputs in AWS's own shapes
 * (scenarios/REFERENCE.md, "AWS-shaped exports").
 *
 * For each service with traffic or a target group it writes
 *   SERVICE-cloudwatch.json  what `aws cloudwatch get-metric-data` prints
 *                            for the service's ALB, ECS and Container
 *                            Insights metrics, one datapoint per export
 *                            period (newest first, as the CLI prints)
 *   SERVICE-alb.log          one ALB access-log line per request that
 *                            reached the load balancer, in the order ecsim
 *                            answered them (so the `time` field never goes
 *                            down and the `alb` log format reads it back)
 * The metrics come from the run's own state at the export period, not
 * from timeseries.csv, whose period is the scenario's. Requests are
 * followed through the "request finished" hook (core/hooks.h); the log
 * is written as the run goes, so memory does not grow with requests. */
#pragma once

#include "models/world/world.h"

/* What the command line says about the export. */
typedef struct {
  SimTime period;     /* --export-period: one datapoint per period */
  gint64 epoch_us;    /* --export-epoch: wall clock of the scenario's
                         Monday 00:00, µs since the Unix epoch (UTC);
                         time 0 is this plus start_at */
  double sample;      /* --export-aws-sample: fraction of the log lines
                         written (0 < sample <= 1) */
  double max_gib;     /* --export-aws-max-gib: refuse a larger estimate */
} AwsExportOptions;

/* The defaults: 60 s, 2026-01-05T00:00:00Z (a Monday), every line, 2 GiB. */
void aws_export_options_init(AwsExportOptions *o);

typedef struct _AwsExport AwsExport;

/* Bytes an ALB log line takes, on average, for the size estimate. */
#define AWS_EXPORT_LINE_BYTES 400

/* Follows @w (not yet run; lent, must outlive the export) and writes
 * into the existing, empty folder @dir. Returns NULL and sets @error when
 * the log would pass o->max_gib by the traffic's expected request count
 * (the message names the estimate and --export-aws-sample), or a file
 * cannot be created. */
AwsExport *aws_export_new(World *w, const char *dir,
                          const AwsExportOptions *o, GError **error);

/* After the run: closes the logs and writes the CloudWatch files.
 * Returns FALSE and sets @error when a file cannot be written. */
gboolean aws_export_finish(AwsExport *e, GError **error);

void aws_export_free(AwsExport *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(AwsExport, aws_export_free)

/* Parses --export-epoch: ISO 8601 (no zone is UTC; a date alone is its
 * midnight). FALSE when it is not such a time. */
gboolean aws_export_parse_epoch(const char *text, gint64 *us);
