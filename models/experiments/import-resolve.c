/* `ecsim import`: from the chosen service to its cluster, task definition
 * and target groups (capacity: import-capacity.c; scaling and metrics:
 * import-scaling.c), noting what the folder lacks and the command that
 * fetches it. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"
#include "models/experiments/import-private.h"

/* ---- what is missing ---------------------------------------------- */

/* Records the command (words @... up to NULL) that writes DIR/@stem.json;
 * @required: "missing: @what; fetch it with: ..." (the scenario cannot
 * be written without it), else a note "@what; fetch it with: ...". */
void
import_need(ImportPlan *plan, gboolean required, const char *what,
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

void
import_note(ImportPlan *plan, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_ptr_array_add(plan->notes, g_strdup_vprintf(fmt, ap));
  va_end(ap);
}

void
import_add_once(GPtrArray *array, gconstpointer item)
{
  if (!g_ptr_array_find(array, item, NULL))
    g_ptr_array_add(array, (gpointer) item);
}

/* The first object of @shape whose @key is @value, or NULL. */
const ImportObj *
import_find_by(const ImportPlan *plan, AwsShape shape, const char *key,
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
    import_need(plan, TRUE, what, stem, "aws", "ecs", "describe-services",
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
  plan->cluster = import_find_by(plan, AWS_SHAPE_CLUSTERS, "clusterName",
                          plan->cluster_name);
  if (plan->cluster == NULL) {
    g_autofree char *what = g_strdup_printf("the cluster %s",
                                            plan->cluster_name);
    g_autofree char *stem = g_strdup_printf("cluster-%s",
                                            plan->cluster_name);
    import_need(plan, TRUE, what, stem, "aws", "ecs", "describe-clusters",
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
  import_need(plan, TRUE, what, stem, "aws", "ecs", "describe-task-definition",
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
  if (arn == NULL || import_find_by(plan, AWS_SHAPE_LOAD_BALANCERS,
                             "LoadBalancerArn", arn))
    return;
  g_autofree char *name = arn_name(arn);
  g_autofree char *what = g_strdup_printf(
    "no describe-load-balancers output for %s: its type (application or "
    "network) is not checked", name);
  g_autofree char *stem = g_strdup_printf("lb-%s", name);
  import_need(plan, FALSE, what, stem, "aws", "elbv2", "describe-load-balancers",
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
    const ImportObj *tg = import_find_by(plan, AWS_SHAPE_TARGET_GROUPS,
                                  "TargetGroupArn", arn);
    if (tg == NULL) {
      g_autofree char *what = g_strdup_printf(
        "the target group %s of service %s", name, svc);
      g_autofree char *stem = g_strdup_printf("tg-%s", name);
      import_need(plan, TRUE, what, stem, "aws", "elbv2", "describe-target-groups",
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
      import_need(plan, FALSE, what, stem, "aws", "elbv2",
           "describe-target-group-attributes", "--target-group-arn", arn,
           NULL);
    }
    pick_load_balancer(plan, tg->obj);
  }
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
  if (!import_pick_capacity(plan, error))
    return NULL;
  import_pick_scaling(plan);
  import_pick_metrics(plan, q);
  import_pick_alb_logs(plan, q);
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

const char *
import_plan_service(const ImportPlan *plan)
{
  return import_str(plan->service->obj, "serviceName");
}
