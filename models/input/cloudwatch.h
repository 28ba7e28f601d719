/* CloudWatch metric data as the AWS CLI prints it.
 *
 * Two shapes are read:
 *   aws cloudwatch get-metric-data:
 *     {"MetricDataResults": [{"Id": "m1", "Label": "RequestCount",
 *       "Timestamps": ["2024-09-15T04:33:00+00:00", ...],
 *       "Values": [12.0, ...], "StatusCode": "Complete"}], "Messages": []}
 *   aws cloudwatch get-metric-statistics:
 *     {"Label": "RequestCount", "Datapoints": [{"Timestamp": "...",
 *       "Sum": 12.0, "Average": 1.0, "Unit": "Count"}, ...]}
 * get-metric-data lists the newest first by default and
 * get-metric-statistics in no order; both become series in time order.
 * get-metric-statistics gives one series per statistic its datapoints
 * hold (Sum, Average, Minimum, Maximum, SampleCount, and each
 * ExtendedStatistics key such as p99).
 *
 * Neither shape states the period: it is taken as the smallest gap
 * between consecutive timestamps (a series of one point has period 0).
 * CloudWatch leaves out periods with no datapoint (an ALB's RequestCount
 * has none in a minute without requests): readers decide what a missing
 * period means. Timestamps are ISO 8601 with a zone (or "Z"); all times
 * here are microseconds since the Unix epoch, UTC. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/input/jnode.h"

typedef struct {
  char *id;        /* get-metric-data's Id; NULL for get-metric-statistics */
  char *label;     /* Label ("" when absent) */
  char *statistic; /* get-metric-statistics' statistic; NULL otherwise */
  gint64 *times;   /* µs since the epoch, strictly increasing */
  double *values;
  guint n;
  gint64 period_us; /* smallest gap between times; 0 when n < 2 */
} CwSeries;

typedef struct {
  char *file;        /* display name, for messages */
  GPtrArray *series; /* CwSeries, in the file's order */
} CwData;

/* TRUE when @root has either shape (a cheap test on its keys). */
gboolean cloudwatch_detect(const cJSON *root);

/* Reads either shape at @root. Errors name the file and the JSON path:
 * a timestamp that is not ISO 8601 with a zone, Timestamps and Values of
 * different lengths, a value that is not a finite number, the same
 * timestamp twice in one series, or no series at all. */
CwData *cloudwatch_parse(const JNode *root, GError **error);

/* Reads and parses the file at @path (display name @name in messages). */
CwData *cloudwatch_load(const char *path, GError **error);

void cloudwatch_free(CwData *data);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CwData, cloudwatch_free)

/* The series that @name names: its Id, its Label, or "Label/Statistic"
 * (get-metric-statistics: "RequestCount/Sum"); a bare Label of
 * get-metric-statistics picks its Sum when it has one. @name NULL: the
 * only series (an error when there are several, listing their names).
 * NULL with an error naming what the file has when none matches. */
const CwSeries *cloudwatch_find(const CwData *data, const char *name,
                                GError **error);

/* The name cloudwatch_find() knows @s by: its Id, else "Label/Statistic".
 * Lent. */
const char *cloudwatch_series_name(const CwSeries *s);

/* "2024-09-15T04:33:00Z" for @us (whole seconds; fractions are written
 * with milliseconds: "…T04:33:00.250Z"). Newly allocated. */
char *cloudwatch_format_time(gint64 us);

/* Parses ISO 8601 @text with a zone ("Z", "+00:00") into µs since the
 * epoch. FALSE when it is not such a time. */
gboolean cloudwatch_parse_time(const char *text, gint64 *us);
