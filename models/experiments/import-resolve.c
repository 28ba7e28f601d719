/* `ecsim import`: from the chosen service to everything it references,
 * noting what the folder lacks and the command that fetches it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"
#include "models/experiments/import-private.h"

/* ---- what is missing ---------------------------------------------- */

/* Records the command (words @... up to NULL) that writes DIR/@stem.json;
 * @required: "missing: @what; fetch it with: ..." (the scenario cannot
 * be written without it), else a note "@what; fetch it with: ...". */
static void G_GNUC_NULL_TERMINATED
need(ImportPlan *plan, gboolean required, const char *what,
     const char *stem, ...)
{
  g_autoptr(GString) cmd = g_string_new(NULL);
  va_list ap;
  va_start(ap, stem);
  for (const char *arg = va_arg(ap, const char *); arg;
       arg = va_arg(ap, const char *)) {
    g_autofree char *q = import_shell_quote(arg);
    g_string_append_printf(cmd, "%s%s", cmd->len ? " " : "", q);
  }
  va_end(ap);
  g_autofree char *token = import_file_token(stem);
  g_autofree char *file = g_strdup_printf("%s.json", token);
  g_autofree char *out = g_build_filename(plan->dir->dir, file, NULL);
  g_autofree char *qout = import_shell_quote(out);
  g_string_append_printf(cmd, " > %s", qout);
  for (guint i = 0; i < plan->commands->len; i++)
    if (strcmp(plan->commands->pdata[i], cmd->str) == 0)
      return;
  g_ptr_array_add(plan->commands, g_strdup(cmd->str));
  g_ptr_array_add(required ? plan->missing : plan->notes,
                  g_strdup_printf("%s%s; fetch it with: %s",
                                  required ? "missing: " : "", what,
                                  cmd->str));
}

static void
note(ImportPlan *plan, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static void
note(ImportPlan *plan, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_ptr_array_add(plan->notes, g_strdup_vprintf(fmt, ap));
  va_end(ap);
}

static void
add_once(GPtrArray *array, gconstpointer item)
{
  if (!g_ptr_array_find(array, item, NULL))
    g_ptr_array_add(array, (gpointer) item);
}

/* The first object of @shape whose @key is @value, or NULL. */
static const ImportObj *
find_by(const ImportPlan *plan, AwsShape shape, const char *key,
        const char *value)
{
  const GPtrArray *objs = plan->dir->objs[shape];
  for (guint i = 0; i < objs->len; i++) {
    const ImportObj *o = objs->pdata[i];
    const char *v = import_str(o->obj, key);
    if (v && value && strcmp(v, value) == 0)
      return o;
  }
  return NULL;
}

/* ---- the service and its cluster ---------------------------------- */

static const char *
service_cluster(const cJSON *svc)
{
  const char *arn = import_str(svc, "clusterArn");
  return arn ? import_arn_tail(arn) : NULL;
}

static void
add_services(const ImportDir *dir, AwsShape shape, GPtrArray *out)
{
  for (guint i = 0; i < dir->objs[shape]->len; i++)
    g_ptr_array_add(out, dir->objs[shape]->pdata[i]);
}

static char *
service_names(const GPtrArray *services)
{
  g_autoptr(GString) s = g_string_new(NULL);
  for (guint i = 0; i < services->len; i++) {
    const ImportObj *o = services->pdata[i];
    const char *c = service_cluster(o->obj);
    g_string_append_printf(s, "%s%s%s%s", i ? ", " : "", c ? c : "",
                           c ? "/" : "", import_str(o->obj, "serviceName"));
  }
  return g_string_free(g_steal_pointer(&s), FALSE);
}

/* Sets plan->service, or records the command that fetches it; FALSE
 * when the user must say which service. */
static gboolean
pick_service(ImportPlan *plan, const ImportQuery *q, GError **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new();
  add_services(plan->dir, AWS_SHAPE_SERVICES, all);
  add_services(plan->dir, AWS_SHAPE_SERVICE_WRAPPED, all);
  g_autoptr(GPtrArray) hits = g_ptr_array_new();
  for (guint i = 0; i < all->len; i++) {
    const ImportObj *o = all->pdata[i];
    const char *name = import_str(o->obj, "serviceName");
    const char *c = service_cluster(o->obj);
    if ((q->service == NULL || g_strcmp0(name, q->service) == 0) &&
        (q->cluster == NULL || c == NULL || strcmp(c, q->cluster) == 0))
      g_ptr_array_add(hits, (gpointer) o);
  }
  g_autofree char *names = service_names(all);
  const char *dir = plan->dir->dir;
  if (hits->len == 1) {
    plan->service = hits->pdata[0];
    return TRUE;
  }
  if (hits->len > 1) {
    g_autofree char *listed = service_names(hits);
    input_error(error, dir, "several services (%s): choose one with "
                "--service NAME%s", listed,
                q->service ? " and its cluster with --cluster NAME" : "");
    return FALSE;
  }
  if (q->service && q->cluster) {
    g_autofree char *what = g_strdup_printf(
      "the service %s of cluster %s (aws ecs describe-services output)",
      q->service, q->cluster);
    g_autofree char *stem = g_strdup_printf("services-%s", q->service);
    need(plan, TRUE, what, stem, "aws", "ecs", "describe-services",
         "--cluster", q->cluster, "--services", q->service, NULL);
    return TRUE;
  }
  if (all->len == 0)
    input_error(error, dir, "no describe-services output here: name the "
                "service with --service NAME --cluster NAME to see the "
                "command that fetches it");
  else
    input_error(error, dir, "no service %s here (it holds: %s)%s",
                q->service ? q->service : "", names,
                q->service ? "; give --cluster too to see the command "
                             "that fetches it" : "");
  return FALSE;
}

static void
pick_cluster(ImportPlan *plan, const ImportQuery *q)
{
  const char *c = q->cluster;
  if (c == NULL && plan->service)
    c = service_cluster(plan->service->obj);
  plan->cluster_name = g_strdup(c ? c : "default");
  plan->cluster = find_by(plan, AWS_SHAPE_CLUSTERS, "clusterName",
                          plan->cluster_name);
  if (plan->cluster == NULL) {
    g_autofree char *what = g_strdup_printf("the cluster %s",
                                            plan->cluster_name);
    g_autofree char *stem = g_strdup_printf("cluster-%s",
                                            plan->cluster_name);
    need(plan, TRUE, what, stem, "aws", "ecs", "describe-clusters",
         "--clusters", plan->cluster_name, "--include", "SETTINGS",
         "CONFIGURATIONS", NULL);
  }
}

/* ---- the task definition ------------------------------------------ */

static void
pick_taskdef(ImportPlan *plan)
{
  const char *svc = import_str(plan->service->obj, "serviceName");
  const char *ref = import_str(plan->service->obj, "taskDefinition");
  if (ref == NULL)
    return; /* the service's own check reports it */
  g_autofree char *family = g_strdup(import_arn_tail(ref));
  char *colon = strrchr(family, ':');
  long revision = 0;
  if (colon) {
    *colon = '\0';
    revision = strtol(colon + 1, NULL, 10);
  }
  const ImportObj *best = NULL;
  for (AwsShape s = AWS_SHAPE_TASKDEF; s <= AWS_SHAPE_TASKDEF_WRAPPED; s++)
    for (guint i = 0; i < plan->dir->objs[s]->len; i++) {
      const ImportObj *o = plan->dir->objs[s]->pdata[i];
      const cJSON *rev = cJSON_GetObjectItemCaseSensitive(o->obj,
                                                          "revision");
      long r = cJSON_IsNumber(rev) ? (long) rev->valuedouble : 1;
      if (g_strcmp0(import_str(o->obj, "family"), family) != 0 ||
          (revision && r != revision))
        continue;
      if (best == NULL || r > (long) cJSON_GetNumberValue(
            cJSON_GetObjectItemCaseSensitive(best->obj, "revision")))
        best = o;
    }
  plan->taskdef = best;
  if (best)
    return;
  const char *spec = import_arn_tail(ref);
  g_autofree char *what = g_strdup_printf(
    "the task definition %s that service %s uses", spec, svc);
  g_autofree char *stem = g_strdup_printf("taskdef-%s", spec);
  need(plan, TRUE, what, stem, "aws", "ecs", "describe-task-definition",
       "--task-definition", spec, NULL);
}

/* ---- target groups ------------------------------------------------ */

/* NAME of ".../targetgroup/NAME/ID" (or of "loadbalancer/app/NAME/ID"). */
static char *
arn_name(const char *arn)
{
  g_auto(GStrv) parts = g_strsplit(arn, "/", -1);
  guint n = g_strv_length(parts);
  return g_strdup(n >= 3 ? parts[n - 2] : import_arn_tail(arn));
}

/* The attributes file of target group @name: the one whose file name
 * holds the name, else the only one when the service has one group. */
static const ImportFile *
attributes_for(const ImportPlan *plan, const char *name, guint n_groups)
{
  const GPtrArray *all = plan->dir->objs[AWS_SHAPE_TARGET_GROUP_ATTRIBUTES];
  for (guint i = 0; i < all->len; i++) {
    const ImportObj *o = all->pdata[i];
    if (strstr(o->file->name, name))
      return o->file;
  }
  if (all->len == 1 && n_groups == 1)
    return ((const ImportObj *) all->pdata[0])->file;
  return NULL;
}

static void
pick_load_balancer(ImportPlan *plan, const cJSON *tg)
{
  const cJSON *lbs = cJSON_GetObjectItemCaseSensitive(tg, "LoadBalancerArns");
  const char *arn = cJSON_GetStringValue(cJSON_GetArrayItem(lbs, 0));
  if (arn == NULL || find_by(plan, AWS_SHAPE_LOAD_BALANCERS,
                             "LoadBalancerArn", arn))
    return;
  g_autofree char *name = arn_name(arn);
  g_autofree char *what = g_strdup_printf(
    "no describe-load-balancers output for %s: its type (application or "
    "network) is not checked", name);
  g_autofree char *stem = g_strdup_printf("lb-%s", name);
  need(plan, FALSE, what, stem, "aws", "elbv2", "describe-load-balancers",
       "--load-balancer-arns", arn, NULL);
}

static void
pick_target_groups(ImportPlan *plan)
{
  const cJSON *lbs = cJSON_GetObjectItemCaseSensitive(plan->service->obj,
                                                      "loadBalancers");
  const char *svc = import_str(plan->service->obj, "serviceName");
  guint n = (guint) cJSON_GetArraySize(lbs);
  const cJSON *lb;
  cJSON_ArrayForEach(lb, lbs) {
    const char *arn = import_str(lb, "targetGroupArn");
    if (arn == NULL)
      continue; /* a Classic Load Balancer: import-unmapped.c says so */
    g_autofree char *name = arn_name(arn);
    const ImportObj *tg = find_by(plan, AWS_SHAPE_TARGET_GROUPS,
                                  "TargetGroupArn", arn);
    if (tg == NULL) {
      g_autofree char *what = g_strdup_printf(
        "the target group %s of service %s", name, svc);
      g_autofree char *stem = g_strdup_printf("tg-%s", name);
      need(plan, TRUE, what, stem, "aws", "elbv2", "describe-target-groups",
           "--target-group-arns", arn, NULL);
      continue;
    }
    g_ptr_array_add(plan->target_groups, (gpointer) tg);
    const ImportFile *attrs = attributes_for(plan, name, n);
    g_ptr_array_add(plan->tg_attributes, (gpointer) attrs);
    if (attrs == NULL) {
      g_autofree char *what = g_strdup_printf(
        "no describe-target-group-attributes output for %s: AWS's "
        "defaults are used (deregistration delay 300 s, round_robin)",
        name);
      g_autofree char *stem = g_strdup_printf("tgattrs-%s", name);
      need(plan, FALSE, what, stem, "aws", "elbv2",
           "describe-target-group-attributes", "--target-group-arn", arn,
           NULL);
    }
    pick_load_balancer(plan, tg->obj);
  }
}

/* ---- capacity ----------------------------------------------------- */

static gboolean
is_fargate(const char *provider)
{
  return strcmp(provider, "FARGATE") == 0 ||
         strcmp(provider, "FARGATE_SPOT") == 0;
}

static void
add_strategy(GPtrArray *names, const cJSON *strategy)
{
  const cJSON *item;
  cJSON_ArrayForEach(item, strategy) {
    const char *p = import_str(item, "capacityProvider");
    if (p && !is_fargate(p) &&
        !g_ptr_array_find_with_equal_func(names, p, g_str_equal, NULL))
      g_ptr_array_add(names, (gpointer) p);
  }
}

/* The EC2 capacity providers the scenario needs: the service's strategy
 * (or, with the EC2 launch type, every provider of the cluster) and the
 * cluster's default strategy, which the cluster file carries. */
static GPtrArray *
needed_providers(const ImportPlan *plan)
{
  GPtrArray *names = g_ptr_array_new();
  const cJSON *svc = plan->service->obj;
  const cJSON *cl = plan->cluster ? plan->cluster->obj : NULL;
  add_strategy(names, cJSON_GetObjectItemCaseSensitive(
                        svc, "capacityProviderStrategy"));
  if (g_strcmp0(import_str(svc, "launchType"), "EC2") == 0) {
    const cJSON *p;
    cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
                            cl, "capacityProviders"))
      if (cJSON_IsString(p) && !is_fargate(p->valuestring))
        add_once(names, p->valuestring);
  }
  add_strategy(names, cJSON_GetObjectItemCaseSensitive(
                        cl, "defaultCapacityProviderStrategy"));
  return names;
}

static gboolean
version_matches(const cJSON *v, const char *want)
{
  const cJSON *num = cJSON_GetObjectItemCaseSensitive(v, "VersionNumber");
  if (strcmp(want, "$Default") == 0)
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "DefaultVersion"));
  if (strcmp(want, "$Latest") == 0)
    return TRUE; /* the highest present: checked by the caller's order */
  return cJSON_IsNumber(num) && num->valuedouble == strtod(want, NULL);
}

static void
pick_template(ImportPlan *plan, const char *group, const cJSON *spec)
{
  const char *id = import_str(spec, "LaunchTemplateId");
  const char *name = import_str(spec, "LaunchTemplateName");
  const char *version = import_str(spec, "Version");
  version = version ? version : "$Default";
  const GPtrArray *all = plan->dir->objs[AWS_SHAPE_LAUNCH_TEMPLATE_VERSIONS];
  for (guint i = 0; i < all->len; i++) {
    const ImportObj *o = all->pdata[i];
    if ((id && g_strcmp0(import_str(o->obj, "LaunchTemplateId"), id) == 0) ||
        (!id && g_strcmp0(import_str(o->obj, "LaunchTemplateName"),
                          name) == 0)) {
      if (version_matches(o->obj, version)) {
        add_once(plan->template_files, o->file);
        return;
      }
    }
  }
  const char *key = id ? "LaunchTemplateId" : "LaunchTemplateName";
  gboolean named = find_by(plan, AWS_SHAPE_LAUNCH_TEMPLATES, key,
                           id ? id : name) != NULL;
  g_autofree char *what = g_strdup_printf(
    "version %s of launch template %s that Auto Scaling group %s uses%s",
    version, id ? id : name, group,
    named ? " (describe-launch-templates lists its name, not its instance "
            "type)" : "");
  g_autofree char *stem = g_strdup_printf(
    "lt-%s-%s", id ? id : name, version[0] == '$' ? version + 1 : version);
  need(plan, TRUE, what, stem, "aws", "ec2",
       "describe-launch-template-versions",
       id ? "--launch-template-id" : "--launch-template-name",
       id ? id : name, "--versions", version, NULL);
}

/* The launch template of @asg, unless its MixedInstancesPolicy's
 * overrides name the instance type. */
static gboolean
pick_group_template(ImportPlan *plan, const ImportObj *asg, GError **error)
{
  const char *group = import_str(asg->obj, "AutoScalingGroupName");
  const cJSON *mixed = cJSON_GetObjectItemCaseSensitive(
    asg->obj, "MixedInstancesPolicy");
  const cJSON *mlt = cJSON_GetObjectItemCaseSensitive(mixed,
                                                      "LaunchTemplate");
  const cJSON *ov = cJSON_GetArrayItem(
    cJSON_GetObjectItemCaseSensitive(mlt, "Overrides"), 0);
  if (import_str(ov, "InstanceType"))
    return TRUE;
  const cJSON *spec = mlt ? cJSON_GetObjectItemCaseSensitive(
                              mlt, "LaunchTemplateSpecification")
                          : cJSON_GetObjectItemCaseSensitive(
                              asg->obj, "LaunchTemplate");
  if (spec) {
    pick_template(plan, group, spec);
    return TRUE;
  }
  input_error(error, asg->file->path, "/AutoScalingGroups/%d: group %s "
              "has no launch template%s: ecsim import cannot tell its "
              "instance type; write the scenario by hand with "
              "\"instance_type\" laid over the group", asg->index, group,
              import_str(asg->obj, "LaunchConfigurationName")
                ? " (a launch configuration, which ecsim does not read)"
                : "");
  return FALSE;
}

static gboolean
pick_provider(ImportPlan *plan, const char *name, GError **error)
{
  const char *svc = import_str(plan->service->obj, "serviceName");
  const ImportObj *cp = find_by(plan, AWS_SHAPE_CAPACITY_PROVIDERS, "name",
                                name);
  if (cp == NULL) {
    g_autofree char *what = g_strdup_printf(
      "the capacity provider %s that service %s (or its cluster's default "
      "strategy) uses", name, svc);
    g_autofree char *stem = g_strdup_printf("cp-%s", name);
    need(plan, TRUE, what, stem, "aws", "ecs", "describe-capacity-providers",
         "--capacity-providers", name, NULL);
    return TRUE;
  }
  add_once(plan->providers, cp);
  const cJSON *asgp = cJSON_GetObjectItemCaseSensitive(
    cp->obj, "autoScalingGroupProvider");
  const char *arn = import_str(asgp, "autoScalingGroupArn");
  if (arn == NULL)
    return TRUE; /* the scenario's own check names what is wrong */
  const char *mark = strstr(arn, "autoScalingGroupName/");
  const char *group = mark ? mark + strlen("autoScalingGroupName/") : arn;
  const ImportObj *asg = find_by(plan, AWS_SHAPE_AUTO_SCALING_GROUPS,
                                 "AutoScalingGroupName", group);
  if (asg == NULL) {
    g_autofree char *what = g_strdup_printf(
      "the Auto Scaling group %s behind capacity provider %s", group, name);
    g_autofree char *stem = g_strdup_printf("asg-%s", group);
    need(plan, TRUE, what, stem, "aws", "autoscaling",
         "describe-auto-scaling-groups", "--auto-scaling-group-names", group,
         NULL);
    return TRUE;
  }
  add_once(plan->groups, asg);
  return pick_group_template(plan, asg, error);
}

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
    const ImportObj *a = find_by(plan, AWS_SHAPE_ALARMS, "AlarmName", name);
    if (a) {
      add_once(plan->scaling_files, a->file);
      continue;
    }
    g_autofree char *what = g_strdup_printf(
      "the CloudWatch alarm %s of step scaling policy %s", name, pname);
    g_autofree char *stem = g_strdup_printf("alarm-%s", name);
    need(plan, TRUE, what, stem, "aws", "cloudwatch", "describe-alarms",
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
    need(plan, FALSE, w, s, "aws", "application-autoscaling", verb,
         "--service-namespace", "ecs", ids_option, resource, NULL);
    return;
  }
  for (guint i = 0; i < objs->len; i++) {
    const ImportObj *o = objs->pdata[i];
    add_once(plan->scaling_files, o->file);
    if (g_strcmp0(import_str(o->obj, "PolicyType"), "StepScaling") == 0)
      pick_alarms(plan, o);
  }
}

static void
pick_scaling(ImportPlan *plan)
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
    need(plan, FALSE, what, stem, "aws", "application-autoscaling",
         "describe-scalable-targets", "--service-namespace", "ecs",
         "--resource-ids", resource, NULL);
    return;
  }
  if (targets->len == 0) {
    note(plan, "no Application Auto Scaling target for %s: the service "
         "keeps desiredCount", resource);
    return;
  }
  add_once(plan->scaling_files,
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

static void
pick_metrics(ImportPlan *plan, const ImportQuery *q)
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
  need(plan, FALSE, "no RequestCount metric (get-metric-data output)",
       stem, "aws", "cloudwatch", "get-metric-data", "--metric-data-queries",
       queries, "--start-time", q->start_time, "--end-time", q->end_time,
       NULL);
}

/* ---- the plan ----------------------------------------------------- */

static gboolean
check_controller(const ImportPlan *plan, GError **error)
{
  const char *type = import_str(cJSON_GetObjectItemCaseSensitive(
    plan->service->obj, "deploymentController"), "type");
  if (type == NULL || strcmp(type, "ECS") == 0)
    return TRUE;
  const ImportObj *s = plan->service;
  g_autofree char *path = s->index >= 0
                            ? g_strdup_printf("/services/%d", s->index)
                            : g_strdup("/service");
  input_error(error, s->file->path, "%s/deploymentController/type: %s "
              "deployments are not modelled: ecsim simulates ECS's rolling "
              "update (deploymentController ECS) only", path, type);
  return FALSE;
}

ImportPlan *
import_plan_new(const ImportDir *dir, const ImportQuery *q, GError **error)
{
  g_return_val_if_fail(dir != NULL && q != NULL, NULL);
  g_autoptr(ImportPlan) plan = g_new0(ImportPlan, 1);
  plan->dir = dir;
  plan->target_groups = g_ptr_array_new();
  plan->tg_attributes = g_ptr_array_new();
  plan->providers = g_ptr_array_new();
  plan->groups = g_ptr_array_new();
  plan->template_files = g_ptr_array_new();
  plan->scaling_files = g_ptr_array_new();
  plan->missing = g_ptr_array_new_with_free_func(g_free);
  plan->commands = g_ptr_array_new_with_free_func(g_free);
  plan->notes = g_ptr_array_new_with_free_func(g_free);
  if (!pick_service(plan, q, error))
    return NULL;
  pick_cluster(plan, q);
  if (plan->service == NULL)
    return g_steal_pointer(&plan);
  if (!check_controller(plan, error))
    return NULL;
  pick_taskdef(plan);
  pick_target_groups(plan);
  if (plan->cluster) {
    g_autoptr(GPtrArray) providers = needed_providers(plan);
    for (guint i = 0; i < providers->len; i++)
      if (!pick_provider(plan, providers->pdata[i], error))
        return NULL;
  }
  pick_scaling(plan);
  pick_metrics(plan, q);
  import_note_unmapped(plan);
  return g_steal_pointer(&plan);
}

void
import_plan_free(ImportPlan *plan)
{
  if (plan == NULL)
    return;
  g_free(plan->cluster_name);
  g_free(plan->metric);
  g_ptr_array_unref(plan->target_groups);
  g_ptr_array_unref(plan->tg_attributes);
  g_ptr_array_unref(plan->providers);
  g_ptr_array_unref(plan->groups);
  g_ptr_array_unref(plan->template_files);
  g_ptr_array_unref(plan->scaling_files);
  g_ptr_array_unref(plan->missing);
  g_ptr_array_unref(plan->commands);
  g_ptr_array_unref(plan->notes);
  g_free(plan);
}

const GPtrArray *
import_plan_missing(const ImportPlan *plan)
{
  return plan->missing;
}

const GPtrArray *
import_plan_commands(const ImportPlan *plan)
{
  return plan->commands;
}

const GPtrArray *
import_plan_notes(const ImportPlan *plan)
{
  return plan->notes;
}
