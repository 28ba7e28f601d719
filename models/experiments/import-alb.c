/* `ecsim import`: the load balancer's access logs. The service's load
 * balancer attributes say whether it writes access logs and where (an S3
 * bucket and prefix); for the metrics' window, one `aws s3 cp` per day
 * fetches them into DIR/alb-logs/, where the calibration reads them
 * (import-calibrate.c). */
#include <string.h>

#include "models/experiments/import-private.h"

/* The first load balancer of the service's target groups, or NULL. */
static const char *
load_balancer_arn(const ImportPlan *plan)
{
  for (guint i = 0; i < plan->target_groups->len; i++) {
    const ImportObj *tg = plan->target_groups->pdata[i];
    const char *arn = cJSON_GetStringValue(cJSON_GetArrayItem(
      cJSON_GetObjectItemCaseSensitive(tg->obj, "LoadBalancerArns"), 0));
    if (arn)
      return arn;
  }
  return NULL;
}

/* The value of attribute @key in @file's Attributes, or NULL. */
static const char *
attribute(const ImportFile *file, const char *key)
{
  const cJSON *a;
  cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(file->root,
                                                         "Attributes"))
    if (g_strcmp0(import_str(a, "Key"), key) == 0)
      return import_str(a, "Value");
  return NULL;
}

/* The attributes file of the load balancer @name: the one whose file name
 * holds the name, else the only one. */
static const ImportFile *
attributes_for(const ImportPlan *plan, const char *name)
{
  const GPtrArray *all = plan->dir->objs[AWS_SHAPE_LOAD_BALANCER_ATTRIBUTES];
  for (guint i = 0; i < all->len; i++) {
    const ImportObj *o = all->pdata[i];
    if (strstr(o->file->name, name))
      return o->file;
  }
  return all->len == 1 ? ((const ImportObj *) all->pdata[0])->file : NULL;
}

/* @text (ISO 8601) as a UTC date-time, or NULL. */
static GDateTime *
parse_utc(const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc();
  GDateTime *t = g_date_time_new_from_iso8601(text, utc);
  if (t == NULL)
    return NULL;
  GDateTime *u = g_date_time_to_utc(t);
  g_date_time_unref(t);
  return u;
}

/* Whether DIR/alb-logs/ holds a log of @day ("YYYYMMDD"): ALB names its
 * files ACCOUNT_elasticloadbalancing_REGION_LB_YYYYMMDDTHHMMZ_IP_X.log.gz,
 * so a day already fetched is not fetched again. */
static gboolean
day_fetched(const char *logs, const char *day)
{
  g_autoptr(GDir) d = g_dir_open(logs, 0, NULL);
  if (d == NULL)
    return FALSE;
  g_autofree char *mark = g_strdup_printf("_%sT", day);
  for (const char *n; (n = g_dir_read_name(d)) != NULL;)
    if (strstr(n, mark))
      return TRUE;
  return FALSE;
}

/* One `aws s3 cp ... --recursive` per UTC day of [@start, @end) whose
 * logs DIR lacks. */
static void
ask_for_days(ImportPlan *plan, const char *source, GDateTime *start,
             GDateTime *end)
{
  g_autofree char *logs = g_build_filename(plan->dir->dir, "alb-logs", NULL);
  g_autofree char *dest = g_strconcat(logs, "/", NULL);
  g_autofree char *qdest = import_shell_quote(dest);
  /* The window's last instant: an end at midnight takes nothing of the
   * day it starts. */
  g_autoptr(GDateTime) last = g_date_time_add(end, -1);
  g_autoptr(GDateTime) day = g_date_time_new_utc(
    g_date_time_get_year(start), g_date_time_get_month(start),
    g_date_time_get_day_of_month(start), 0, 0, 0);
  for (int n = 0; n < 400 && g_date_time_compare(day, last) <= 0; n++) {
    g_autofree char *ymd = g_date_time_format(day, "%Y%m%d");
    g_autofree char *path = g_date_time_format(day, "%Y/%m/%d/");
    if (!day_fetched(logs, ymd)) {
      g_autofree char *src = g_strconcat(source, path, NULL);
      g_autofree char *qsrc = import_shell_quote(src);
      g_autofree char *cmd = g_strdup_printf("aws s3 cp %s %s --recursive",
                                             qsrc, qdest);
      g_ptr_array_add(plan->notes, g_strdup_printf(
        "the load balancer's access logs of %s (for the calibration); "
        "fetch them with: %s", ymd, cmd));
      g_ptr_array_add(plan->commands, g_steal_pointer(&cmd));
    }
    GDateTime *next = g_date_time_add_days(day, 1);
    g_date_time_unref(day);
    day = next;
  }
}

void
import_pick_alb_logs(ImportPlan *plan, const ImportQuery *q)
{
  const char *arn = load_balancer_arn(plan);
  if (arn == NULL)
    return;
  /* arn:aws:elasticloadbalancing:REGION:ACCOUNT:loadbalancer/app/NAME/ID */
  g_auto(GStrv) f = g_strsplit(arn, ":", 6);
  g_auto(GStrv) parts = g_strsplit(arn, "/", -1);
  guint n = g_strv_length(parts);
  const char *name = n >= 3 ? parts[n - 2] : import_arn_tail(arn);
  const ImportFile *attrs = attributes_for(plan, name);
  if (attrs == NULL) {
    g_autofree char *what = g_strdup_printf(
      "no describe-load-balancer-attributes output for %s: whether it "
      "writes access logs (which calibrate the service time) is not known",
      name);
    g_autofree char *stem = g_strdup_printf("lbattrs-%s", name);
    import_need(plan, FALSE, what, stem, "aws", "elbv2",
                "describe-load-balancer-attributes", "--load-balancer-arn",
                arn, NULL);
    return;
  }
  if (g_strcmp0(attribute(attrs, "access_logs.s3.enabled"), "true") != 0 ||
      g_strv_length(f) < 6 || q->start_time == NULL || q->end_time == NULL)
    return;
  const char *bucket = attribute(attrs, "access_logs.s3.bucket");
  const char *prefix = attribute(attrs, "access_logs.s3.prefix");
  g_autoptr(GDateTime) start = parse_utc(q->start_time);
  g_autoptr(GDateTime) end = parse_utc(q->end_time);
  if (bucket == NULL || *bucket == '\0' || start == NULL || end == NULL) {
    import_note(plan, "%s: access logs are enabled but %s: not fetched",
                attrs->path, bucket == NULL || *bucket == '\0'
                  ? "access_logs.s3.bucket is empty"
                  : "--start-time or --end-time is not ISO 8601");
    return;
  }
  /* s3://BUCKET/PREFIX/AWSLogs/ACCOUNT/elasticloadbalancing/REGION/ */
  g_autofree char *source = g_strdup_printf(
    "s3://%s/%s%sAWSLogs/%s/elasticloadbalancing/%s/", bucket,
    prefix ? prefix : "", prefix && *prefix ? "/" : "", f[4], f[3]);
  ask_for_days(plan, source, start, end);
}
