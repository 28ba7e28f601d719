/* Inside `ecsim import`: the folder's objects and the resolved plan. */
#pragma once

#include "models/experiments/import-shape.h"
#include "models/experiments/import.h"

typedef struct {
  char *path;     /* DIR/NAME.json */
  char *name;     /* NAME.json */
  AwsShape shape;
  cJSON *root;    /* owned */
} ImportFile;

/* One object of a file's list (or the file's one object). */
typedef struct {
  const ImportFile *file;
  const cJSON *obj;
  int index; /* in the file's list; -1 for a file of one object */
} ImportObj;

struct _ImportDir {
  char *dir;                   /* as the user named it */
  GPtrArray *files;            /* ImportFile, by name */
  GPtrArray *objs[AWS_SHAPE_N]; /* ImportObj, by shape, in file order */
};

struct _ImportPlan {
  const ImportDir *dir;
  char *cluster_name;
  const ImportObj *service;
  const ImportObj *cluster;
  const ImportObj *taskdef;
  GPtrArray *target_groups;  /* ImportObj */
  GPtrArray *tg_attributes;  /* ImportFile or NULL, one per target group */
  GPtrArray *providers;      /* ImportObj (describe-capacity-providers) */
  GPtrArray *groups;         /* ImportObj (Auto Scaling groups) */
  GPtrArray *template_files; /* ImportFile (launch template versions) */
  GPtrArray *scaling_files;  /* ImportFile: targets, policies, actions,
                              * alarms, as applicationAutoScaling takes */
  const ImportFile *metrics; /* the RequestCount series' file, or NULL */
  char *metric;              /* its name in that file */
  GPtrArray *missing;        /* strings */
  GPtrArray *commands;       /* strings */
  GPtrArray *notes;          /* strings */
};

/* String member @key of @o, or NULL. */
const char *import_str(const cJSON *o, const char *key);

/* The text after the last '/' of @arn (the whole of it when none). */
const char *import_arn_tail(const char *arn);

/* @arg quoted for a POSIX shell when it is not a plain word. New. */
char *import_shell_quote(const char *arg);

/* @text with every character other than letters, digits, '.', '_' and
 * '-' replaced by '-': safe in a file name. New. */
char *import_file_token(const char *text);

/* Notes about fields of the service, its target groups and load
 * balancers that the simulation does not use (import-unmapped.c). */
void import_note_unmapped(ImportPlan *plan);

/* ---- resolving (import-resolve.c, import-capacity.c,
 * import-scaling.c) ---- */

/* Records the command (words ... up to NULL) that writes DIR/@stem.json
 * (once); @required: "missing: @what; fetch it with: ..." in
 * plan->missing (the scenario cannot be written without it), else a
 * note "@what; fetch it with: ...". */
void import_need(ImportPlan *plan, gboolean required, const char *what,
                 const char *stem, ...) G_GNUC_NULL_TERMINATED;

/* Adds a note (printf-style) to plan->notes. */
void import_note(ImportPlan *plan, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* Appends @item to @array unless it is there already. */
void import_add_once(GPtrArray *array, gconstpointer item);

/* The first object of @shape whose string @key is @value, or NULL. */
const ImportObj *import_find_by(const ImportPlan *plan, AwsShape shape,
                                const char *key, const char *value);

/* The capacity providers the service needs (its strategy, or the
 * cluster's with the EC2 launch type, and the cluster's default), their
 * Auto Scaling groups and launch templates; FALSE with an error for a
 * group ecsim cannot read (a launch configuration). Needs plan->cluster
 * (nothing is done without it). */
gboolean import_pick_capacity(ImportPlan *plan, GError **error);

/* The service's Application Auto Scaling target, policies, scheduled
 * actions and step alarms (optional: commands when absent). */
void import_pick_scaling(ImportPlan *plan);

/* The RequestCount series for the traffic; without one, and with both
 * times in @q, the get-metric-data command that fetches the metrics. */
void import_pick_metrics(ImportPlan *plan, const ImportQuery *q);

/* With a load balancer in front of the service: its attributes
 * (describe-load-balancer-attributes, optional), and when they say it
 * writes access logs to S3 and @q has both times, one `aws s3 cp
 * s3://BUCKET/PREFIX/AWSLogs/ACCOUNT/elasticloadbalancing/REGION/Y/M/D/
 * DIR/alb-logs/ --recursive` per UTC day of the window that
 * DIR/alb-logs/ has no log of (import-alb.c). */
void import_pick_alb_logs(ImportPlan *plan, const ImportQuery *q);
