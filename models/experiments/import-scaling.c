/* `ecsim import`: the service's Application Auto Scaling (target,
 * policies, scheduled actions, step alarms) and the CloudWatch metric
 * that gives its traffic. */
#include <string.h>

#include "models/experiments/import-private.h"

/* ---- Application Auto Scaling ------------------------------------- */

/* The objects of @shape for @resource; FALSE when the folder has no
 * output of that command at all. */
static gboolean
scaling_objects(const ImportPlan *plan, AwsShape shape, const char *resource,
                GPtrArray *out)
{
  const GPtrArray *all = plan->dir->objs[shape];
  gboolean any_file = FALSE;
  for (guint i = 0; i < plan->dir->files->len; i++)
    any_file |= ((const ImportFile *) plan->dir->files->pdata[i])->shape ==
                shape;
  for (guint i = 0; i < all->len; i++) {
    const ImportObj *o = all->pdata[i];
    if (g_strcmp0(import_str(o->obj, "ResourceId"), resource) == 0 &&
        g_strcmp0(import_str(o->obj, "ScalableDimension"),
                  "ecs:service:DesiredCount") == 0)
      g_ptr_array_add(out, (gpointer) o);
  }
  return any_file;
}

static void
pick_alarms(ImportPlan *plan, const ImportObj *policy)
{
  const char *pname = import_str(policy->obj, "PolicyName");
  const cJSON *alarm;
  cJSON_ArrayForEach(alarm, cJSON_GetObjectItemCaseSensitive(policy->obj,
                                                             "Alarms")) {
    const char *name = import_str(alarm, "AlarmName");
    /* Target tracking's own alarms: modelled from its configuration. */
    if (name == NULL || g_str_has_prefix(name, "TargetTracking-"))
      continue;
    const ImportObj *a = import_find_by(plan, AWS_SHAPE_ALARMS, "AlarmName", name);
    if (a) {
      import_add_once(plan->scaling_files, a->file);
      continue;
    }
    g_autofree char *what = g_strdup_printf(
      "the CloudWatch alarm %s of step scaling policy %s", name, pname);
    g_autofree char *stem = g_strdup_printf("alarm-%s", name);
    import_need(plan, TRUE, what, stem, "aws", "cloudwatch", "describe-alarms",
         "--alarm-names", name, NULL);
  }
}

static void
pick_scaling_list(ImportPlan *plan, AwsShape shape, const char *resource,
                  const char *what, const char *stem, const char *verb,
                  const char *ids_option)
{
  g_autoptr(GPtrArray) objs = g_ptr_array_new();
  const char *svc = import_str(plan->service->obj, "serviceName");
  if (!scaling_objects(plan, shape, resource, objs)) {
    g_autofree char *w = g_strdup_printf("no %s output for %s", what,
                                         resource);
    g_autofree char *s = g_strdup_printf("%s-%s", stem, svc);
    import_need(plan, FALSE, w, s, "aws", "application-autoscaling", verb,
         "--service-namespace", "ecs", ids_option, resource, NULL);
    return;
  }
  for (guint i = 0; i < objs->len; i++) {
    const ImportObj *o = objs->pdata[i];
    import_add_once(plan->scaling_files, o->file);
    if (g_strcmp0(import_str(o->obj, "PolicyType"), "StepScaling") == 0)
      pick_alarms(plan, o);
  }
}

void
import_pick_scaling(ImportPlan *plan)
{
  const char *svc = import_str(plan->service->obj, "serviceName");
  g_autofree char *resource = g_strdup_printf("service/%s/%s",
                                              plan->cluster_name, svc);
  g_autoptr(GPtrArray) targets = g_ptr_array_new();
  if (!scaling_objects(plan, AWS_SHAPE_SCALABLE_TARGETS, resource, targets)) {
    g_autofree char *what = g_strdup_printf(
      "no describe-scalable-targets output: whether %s scales is not "
      "known, so it keeps its desiredCount", resource);
    g_autofree char *stem = g_strdup_printf("aas-targets-%s", svc);
    import_need(plan, FALSE, what, stem, "aws", "application-autoscaling",
         "describe-scalable-targets", "--service-namespace", "ecs",
         "--resource-ids", resource, NULL);
    return;
  }
  if (targets->len == 0) {
    import_note(plan, "no Application Auto Scaling target for %s: the service "
         "keeps desiredCount", resource);
    return;
  }
  import_add_once(plan->scaling_files,
           ((const ImportObj *) targets->pdata[0])->file);
  pick_scaling_list(plan, AWS_SHAPE_SCALING_POLICIES, resource,
                    "describe-scaling-policies", "aas-policies",
                    "describe-scaling-policies", "--resource-id");
  pick_scaling_list(plan, AWS_SHAPE_SCHEDULED_ACTIONS, resource,
                    "describe-scheduled-actions", "aas-scheduled",
                    "describe-scheduled-actions", "--resource-id");
}

/* ---- traffic ------------------------------------------------------ */

static gboolean
pick_metric_in(ImportPlan *plan, const ImportObj *o)
{
  if (o->file->shape == AWS_SHAPE_METRIC_STATISTICS) {
    if (g_strcmp0(import_str(o->obj, "Label"), "RequestCount") != 0)
      return FALSE;
    plan->metric = g_strdup("RequestCount/Sum");
  } else {
    const cJSON *r;
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(
                            o->obj, "MetricDataResults")) {
      const char *label = import_str(r, "Label");
      const char *id = import_str(r, "Id");
      if (id && (g_strcmp0(id, "requests") == 0 ||
                 (label && strstr(label, "RequestCount")))) {
        plan->metric = g_strdup(id);
        break;
      }
    }
    if (plan->metric == NULL)
      return FALSE;
  }
  plan->metrics = o->file;
  return TRUE;
}

/* The get-metric-data queries collect.sh asks for: the target group's
 * RequestCount (per minute, Sum), the service's CPU and memory
 * utilisation (Average) and Container Insights' RunningTaskCount. */
static char *
metric_queries(const ImportPlan *plan)
{
  const char *svc = import_str(plan->service->obj, "serviceName");
  g_autoptr(GString) q = g_string_new("[");
  const ImportObj *tg = plan->target_groups->len
                          ? plan->target_groups->pdata[0] : NULL;
  const char *tg_arn = tg ? import_str(tg->obj, "TargetGroupArn") : NULL;
  const char *lb_arn = tg ? cJSON_GetStringValue(cJSON_GetArrayItem(
    cJSON_GetObjectItemCaseSensitive(tg->obj, "LoadBalancerArns"), 0))
                          : NULL;
  const char *tg_suffix = tg_arn ? strstr(tg_arn, "targetgroup/") : NULL;
  const char *lb_suffix = lb_arn ? strstr(lb_arn, "loadbalancer/") : NULL;
  if (tg_suffix && lb_suffix)
    g_string_append_printf(q,
      "{\"Id\":\"requests\",\"Label\":\"RequestCount\",\"MetricStat\":"
      "{\"Metric\":{\"Namespace\":\"AWS/ApplicationELB\",\"MetricName\":"
      "\"RequestCount\",\"Dimensions\":[{\"Name\":\"TargetGroup\","
      "\"Value\":\"%s\"},{\"Name\":\"LoadBalancer\",\"Value\":\"%s\"}]},"
      "\"Period\":60,\"Stat\":\"Sum\"}},", tg_suffix,
      lb_suffix + strlen("loadbalancer/"));
  static const char *const ecs[][4] = {
    { "cpu", "CPUUtilization", "AWS/ECS", "Average" },
    { "memory", "MemoryUtilization", "AWS/ECS", "Average" },
    { "tasks", "RunningTaskCount", "ECS/ContainerInsights", "Average" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(ecs); i++)
    g_string_append_printf(q,
      "%s{\"Id\":\"%s\",\"Label\":\"%s\",\"MetricStat\":{\"Metric\":"
      "{\"Namespace\":\"%s\",\"MetricName\":\"%s\",\"Dimensions\":"
      "[{\"Name\":\"ClusterName\",\"Value\":\"%s\"},{\"Name\":"
      "\"ServiceName\",\"Value\":\"%s\"}]},\"Period\":60,\"Stat\":\"%s\"}}",
      i ? "," : "", ecs[i][0], ecs[i][1], ecs[i][2], ecs[i][1],
      plan->cluster_name, svc, ecs[i][3]);
  g_string_append_c(q, ']');
  return g_string_free(g_steal_pointer(&q), FALSE);
}

void
import_pick_metrics(ImportPlan *plan, const ImportQuery *q)
{
  for (AwsShape s = AWS_SHAPE_METRIC_DATA; s <= AWS_SHAPE_METRIC_STATISTICS;
       s++)
    for (guint i = 0; i < plan->dir->objs[s]->len; i++)
      if (pick_metric_in(plan, plan->dir->objs[s]->pdata[i]))
        return;
  /* Asked for once the configuration is complete: the queries name the
   * target group and load balancer. */
  if (q->start_time == NULL || q->end_time == NULL || plan->missing->len)
    return;
  const char *svc = import_str(plan->service->obj, "serviceName");
  g_autofree char *queries = metric_queries(plan);
  g_autofree char *stem = g_strdup_printf("metrics-%s", svc);
  import_need(plan, FALSE, "no RequestCount metric (get-metric-data output)",
       stem, "aws", "cloudwatch", "get-metric-data", "--metric-data-queries",
       queries, "--start-time", q->start_time, "--end-time", q->end_time,
       NULL);
}
