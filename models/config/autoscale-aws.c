/* `applicationAutoScaling`: Application Auto Scaling's and CloudWatch's
 * CLI outputs turned into services' `scaling` blocks. */
#include "models/config/autoscale-aws.h"

#include <string.h>

#include "models/input/input.h"

#define ECS_DIMENSION "ecs:service:DesiredCount"
#define SUPPORTED_ALARMS                                                     \
  "AWS/ECS CPUUtilization or MemoryUtilization (Statistic Average, "       \
  "dimensions ClusterName and ServiceName)"

typedef struct {
  char *resource;     /* "service/CLUSTER/NAME" */
  const char *name;   /* serviceName (lent from the tree) */
  cJSON *json;        /* the service's object in the tree */
  JNode node;         /* its position, for messages */
  gboolean inline_scaling; /* it has its own `scaling` */
  cJSON *scaling;     /* the block built here, or NULL */
  JNode target;       /* the ScalableTargets element that gave it */
} AasService;

typedef struct {
  JDoc *doc;
  const char *cluster;
  GArray *services;   /* AasService */
  GPtrArray *entries; /* JNode*: the entries of applicationAutoScaling */
  GPtrArray *skipped; /* char*: ResourceId of each element skipped */
  guint applied;      /* elements applied */
} Aas;

static void
aas_service_clear(gpointer p)
{
  g_free(((AasService *) p)->resource);
}

/* A copy of @n's value that reports its positions where @n is. */
static cJSON *
copy_from(Aas *aas, const JNode *n)
{
  cJSON *copy = cJSON_Duplicate(n->json, TRUE);
  jdoc_set_origin(aas->doc, copy, n->file, n->dir, n->named ? NULL : n->path);
  return copy;
}

static void
collect_services(Aas *aas, const JNode *root)
{
  JNode arr, cluster;
  aas->cluster = "default"; /* ECS's name for a cluster not named */
  if (jn_member(root, "cluster", &cluster))
    jn_string(&cluster, "clusterName", &aas->cluster, NULL);
  jn_member(root, "services", &arr);
  for (int i = 0; i < jn_length(&arr); i++) {
    AasService s = { 0 };
    JNode scaling;
    jn_index(&arr, i, &s.node);
    /* A malformed service is the service parser's to report. */
    if (!cJSON_IsObject(s.node.json) ||
        !jn_string(&s.node, "serviceName", &s.name, NULL) || s.name == NULL)
      continue;
    s.json = (cJSON *) s.node.json;
    s.resource = g_strdup_printf("service/%s/%s", aas->cluster, s.name);
    s.inline_scaling = jn_member(&s.node, "scaling", &scaling);
    g_array_append_val(aas->services, s);
  }
}

/* The entries' shapes: every key one of the CLI outputs' lists. */
static gboolean
collect_entries(Aas *aas, const JNode *arr, GError **error)
{
  static const char *const keys[] = {
    "ScalableTargets", "ScalingPolicies", "ScheduledActions",
    "MetricAlarms", "CompositeAlarms", "NextToken", NULL
  };
  if (!jn_check_array(arr, 0, 1000, error))
    return FALSE;
  for (int i = 0; i < jn_length(arr); i++) {
    JNode *entry = g_new(JNode, 1), list;
    jn_index(arr, i, entry);
    g_ptr_array_add(aas->entries, entry);
    if (!jn_check_object(entry, keys, NULL, error))
      return FALSE;
    gboolean any = FALSE;
    for (int k = 0; k < 5; k++) {
      if (!jn_member(entry, keys[k], &list))
        continue;
      any = TRUE;
      if (!jn_check_array(&list, 0, 100000, error))
        return FALSE;
    }
    if (!any)
      return jn_error(entry, error, "expected the output of aws "
                      "application-autoscaling describe-scalable-targets, "
                      "describe-scaling-policies or "
                      "describe-scheduled-actions, or of aws cloudwatch "
                      "describe-alarms ({\"ScalableTargets\": [...]}, "
                      "{\"ScalingPolicies\": [...]}, {\"ScheduledActions\": "
                      "[...]} or {\"MetricAlarms\": [...]}), or "
                      "{\"file\": \"F.json\"} holding one"), FALSE;
  }
  return TRUE;
}

/* The service element @n is for, in *@out; NULL when it is for another
 * resource (then counted as skipped). FALSE on an element that names no
 * resource. */
static gboolean
match(Aas *aas, const JNode *n, AasService **out, GError **error)
{
  const char *ns = "ecs", *dim = ECS_DIMENSION, *resource = NULL;
  *out = NULL;
  if (!jn_string(n, "ServiceNamespace", &ns, error) ||
      !jn_string(n, "ScalableDimension", &dim, error) ||
      !jn_string(n, "ResourceId", &resource, error))
    return FALSE;
  if (resource == NULL)
    return jn_error(n, error, "missing key \"ResourceId\""), FALSE;
  if (strcmp(ns, "ecs") == 0 && strcmp(dim, ECS_DIMENSION) == 0)
    for (guint i = 0; i < aas->services->len; i++) {
      AasService *s = &g_array_index(aas->services, AasService, i);
      if (strcmp(s->resource, resource) == 0)
        *out = s;
    }
  if (*out == NULL) {
    g_ptr_array_add(aas->skipped, strcmp(ns, "ecs") == 0
                                    ? g_strdup(resource)
                                    : g_strdup_printf("%s %s", ns, resource));
    return TRUE;
  }
  if ((*out)->inline_scaling) {
    JNode inl;
    jn_member(&(*out)->node, "scaling", &inl);
    g_autofree char *where = jn_where(&inl);
    return jn_error(n, error, "%s is also scaled by its inline \"scaling\" "
                    "(%s): remove that block, or the applicationAutoScaling "
                    "elements for %s, not both", resource, where, resource),
           FALSE;
  }
  aas->applied++;
  return TRUE;
}

/* Calls @fn on each element of every entry's list @key. */
typedef gboolean (*ElementFunc)(Aas *aas, const JNode *list,
                                const JNode *element, GError **error);

static gboolean
each_element(Aas *aas, const char *key, ElementFunc fn, GError **error)
{
  for (guint e = 0; e < aas->entries->len; e++) {
    JNode list, element;
    jn_member(aas->entries->pdata[e], key, &list);
    for (int i = 0; i < jn_length(&list); i++) {
      jn_index(&list, i, &element);
      if (!fn(aas, &list, &element, error))
        return FALSE;
    }
  }
  return TRUE;
}

static gboolean
add_target(Aas *aas, const JNode *list, const JNode *t, GError **error)
{
  AasService *s;
  (void) list;
  if (!match(aas, t, &s, error))
    return FALSE;
  if (s == NULL)
    return TRUE;
  if (s->scaling != NULL) {
    g_autofree char *first = jn_where(&s->target);
    return jn_error(t, error, "a second scalable target for %s (the first "
                    "is %s): keep one", s->resource, first), FALSE;
  }
  s->scaling = copy_from(aas, t);
  s->target = *t;
  cJSON_AddItemToObject(s->json, "scaling", s->scaling);
  return TRUE;
}

/* Appends @element to @s's scaling list @key, made on first use. */
static void
append_to(Aas *aas, AasService *s, const char *key, const JNode *list,
          cJSON *element)
{
  cJSON *arr = cJSON_GetObjectItemCaseSensitive(s->scaling, key);
  if (arr == NULL) {
    arr = cJSON_CreateArray();
    cJSON_AddItemToObject(s->scaling, key, arr);
    jdoc_set_origin(aas->doc, arr, list->file, list->dir,
                    list->named ? NULL : list->path);
  }
  cJSON_AddItemToArray(arr, element);
}

/* The service element @n applies to, which must have its scalable
 * target; NULL in *@out when it is for another resource. */
static gboolean
match_targeted(Aas *aas, const JNode *n, AasService **out, GError **error)
{
  if (!match(aas, n, out, error))
    return FALSE;
  if (*out == NULL || (*out)->scaling != NULL)
    return TRUE;
  return jn_error(n, error, "no scalable target for %s (fetch it with: aws "
                  "application-autoscaling describe-scalable-targets "
                  "--service-namespace ecs --resource-ids %s)",
                  (*out)->resource, (*out)->resource), FALSE;
}

static gboolean
add_scheduled(Aas *aas, const JNode *list, const JNode *a, GError **error)
{
  AasService *s;
  if (!match_targeted(aas, a, &s, error))
    return FALSE;
  if (s != NULL)
    append_to(aas, s, "ScheduledActions", list, copy_from(aas, a));
  return TRUE;
}

/* ---- alarms ---------------------------------------------------------- */

/* The element named @name of the alarm lists @key, or FALSE. */
static gboolean
find_alarm(Aas *aas, const char *key, const char *name, JNode *out)
{
  for (guint e = 0; e < aas->entries->len; e++) {
    JNode list;
    jn_member(aas->entries->pdata[e], key, &list);
    for (int i = 0; i < jn_length(&list); i++) {
      const char *alarm = NULL;
      jn_index(&list, i, out);
      if (jn_string(out, "AlarmName", &alarm, NULL) && alarm != NULL &&
          strcmp(alarm, name) == 0)
        return TRUE;
    }
  }
  return FALSE;
}

/* The ecsim metric that alarm @m measures: AWS/ECS's CPUUtilization or
 * MemoryUtilization, averaged, of service @s. */
static const char *
alarm_metric(const Aas *aas, const AasService *s, const JNode *m,
             const char *name, GError **error)
{
  const char *ns = "", *metric = "", *stat = "Average";
  JNode where, dims;
  if (!jn_string(m, "Namespace", &ns, error) ||
      !jn_string(m, "MetricName", &metric, error) ||
      !jn_string(m, "Statistic", &stat, error))
    return NULL;
  if (jn_member(m, "Metrics", &where))
    return jn_error(&where, error, "alarm %s measures a metric math "
                    "expression; ecsim models a step policy's alarm on "
                    SUPPORTED_ALARMS, name), NULL;
  jn_member(m, "MetricName", &where);
  if (strcmp(ns, "AWS/ECS") != 0 || (strcmp(metric, "CPUUtilization") != 0 &&
                                     strcmp(metric, "MemoryUtilization") != 0))
    return jn_error(&where, error, "alarm %s measures %s %s; ecsim models "
                    "a step policy's alarm on " SUPPORTED_ALARMS, name, ns,
                    metric), NULL;
  if (strcmp(stat, "Average") != 0 || jn_member(m, "ExtendedStatistic",
                                                 &where)) {
    jn_member(m, "Statistic", &where);
    return jn_error(&where, error, "ecsim's service metrics are averages "
                    "over the service's tasks: use Statistic Average"), NULL;
  }
  const char *cluster = NULL, *service = NULL;
  jn_member(m, "Dimensions", &dims);
  for (int i = 0; i < jn_length(&dims); i++) {
    JNode d;
    const char *key = NULL, *value = NULL;
    jn_index(&dims, i, &d);
    if (!jn_string(&d, "Name", &key, error) ||
        !jn_string(&d, "Value", &value, error))
      return NULL;
    if (g_strcmp0(key, "ClusterName") == 0)
      cluster = value;
    else if (g_strcmp0(key, "ServiceName") == 0)
      service = value;
  }
  if (g_strcmp0(cluster, aas->cluster) != 0 ||
      g_strcmp0(service, s->name) != 0)
    return jn_error(&dims, error, "alarm %s measures ClusterName %s, "
                    "ServiceName %s, but the policy it triggers scales %s",
                    name, cluster ? cluster : "(none)",
                    service ? service : "(none)", s->resource), NULL;
  return strcmp(metric, "CPUUtilization") == 0
           ? "ECSServiceAverageCPUUtilization"
           : "ECSServiceAverageMemoryUtilization";
}

/* The inline `Alarm` (put-metric-alarm shape) made of MetricAlarms
 * element @m: the keys ecsim reads, each reported where @m has it. */
static cJSON *
alarm_object(Aas *aas, const JNode *m, const char *metric)
{
  static const char *const keys[] = {
    "AlarmName", "Namespace", "Statistic", "Dimensions", "Period",
    "EvaluationPeriods", "DatapointsToAlarm", "Threshold",
    "ComparisonOperator", "TreatMissingData", "Unit", NULL
  };
  cJSON *alarm = cJSON_CreateObject();
  JNode child;
  jdoc_set_origin(aas->doc, alarm, m->file, m->dir,
                  m->named ? NULL : m->path);
  for (int k = 0; keys[k]; k++)
    if (jn_member(m, keys[k], &child))
      cJSON_AddItemToObject(alarm, keys[k], copy_from(aas, &child));
  jn_member(m, "MetricName", &child);
  cJSON *name = cJSON_CreateString(metric);
  jdoc_set_origin(aas->doc, name, child.file, child.dir,
                  child.named ? NULL : child.path);
  cJSON_AddItemToObject(alarm, "MetricName", name);
  return alarm;
}

/* Adds to @copy, a StepScaling policy of @s, the `Alarm` its `Alarms`
 * names. */
static gboolean
add_step_alarm(Aas *aas, const AasService *s, const JNode *p, cJSON *copy,
               GError **error)
{
  JNode alarms, first, m;
  const char *name = NULL;
  jn_member(p, "Alarms", &alarms);
  if (jn_length(&alarms) != 1)
    return jn_error(&alarms, error, "ecsim needs the one CloudWatch alarm "
                    "that triggers a StepScaling policy; its Alarms lists "
                    "%d", jn_length(&alarms)), FALSE;
  jn_index(&alarms, 0, &first);
  if (!jn_string(&first, "AlarmName", &name, error))
    return FALSE;
  if (name == NULL)
    return jn_error(&first, error, "missing key \"AlarmName\""), FALSE;
  if (find_alarm(aas, "CompositeAlarms", name, &m))
    return jn_error(&first, error, "alarm %s is a composite alarm; ecsim "
                    "models metric alarms only", name), FALSE;
  if (!find_alarm(aas, "MetricAlarms", name, &m))
    return jn_error(&first, error, "alarm %s is in no MetricAlarms of "
                    "applicationAutoScaling (fetch it with: aws cloudwatch "
                    "describe-alarms --alarm-names %s)", name, name), FALSE;
  const char *metric = alarm_metric(aas, s, &m, name, error);
  if (metric == NULL)
    return FALSE;
  cJSON_AddItemToObject(copy, "Alarm", alarm_object(aas, &m, metric));
  return TRUE;
}

static gboolean
add_policy(Aas *aas, const JNode *list, const JNode *p, GError **error)
{
  AasService *s;
  const char *type = NULL;
  JNode own;
  if (!match_targeted(aas, p, &s, error))
    return FALSE;
  if (s == NULL)
    return TRUE;
  cJSON *copy = copy_from(aas, p);
  /* Target tracking's own alarms (TargetTracking-...-AlarmHigh-...) are
   * not read: ecsim models target tracking from its configuration. */
  if (jn_string(p, "PolicyType", &type, NULL) &&
      g_strcmp0(type, "StepScaling") == 0 && !jn_member(p, "Alarm", &own) &&
      !add_step_alarm(aas, s, p, copy, error)) {
    cJSON_Delete(copy);
    return FALSE;
  }
  append_to(aas, s, "policies", list, copy);
  return TRUE;
}

/* ---- the account of what was skipped --------------------------------- */

/* The service resources of the scenario, NULL-terminated (lent). */
static GPtrArray *
resources(const Aas *aas)
{
  GPtrArray *names = g_ptr_array_new();
  for (guint i = 0; i < aas->services->len; i++)
    g_ptr_array_add(names,
                    g_array_index(aas->services, AasService, i).resource);
  g_ptr_array_add(names, NULL);
  return names;
}

/* "service/prod/wbe (2; did you mean service/prod/web?), table/x". */
static char *
skipped_text(const Aas *aas)
{
  g_autoptr(GPtrArray) names = resources(aas);
  g_autoptr(GString) out = g_string_new(NULL);
  for (guint i = 0; i < aas->skipped->len; i++) {
    const char *r = aas->skipped->pdata[i];
    guint n = 0, first = i;
    for (guint k = 0; k < aas->skipped->len; k++)
      if (strcmp(aas->skipped->pdata[k], r) == 0) {
        n++;
        first = MIN(first, k);
      }
    if (first < i)
      continue; /* listed already */
    const char *hint = input_suggest(r, (const char *const *) names->pdata);
    g_string_append_printf(out, "%s%s", out->len ? ", " : "", r);
    if (n > 1 && hint != NULL)
      g_string_append_printf(out, " (%u; did you mean %s?)", n, hint);
    else if (n > 1)
      g_string_append_printf(out, " (%u)", n);
    else if (hint != NULL)
      g_string_append_printf(out, " (did you mean %s?)", hint);
  }
  return g_string_free(g_steal_pointer(&out), FALSE);
}

static void
report(const Aas *aas, char **skipped, char **unapplied)
{
  if (aas->skipped->len == 0)
    return;
  g_autofree char *list = skipped_text(aas);
  *skipped = g_strdup_printf("applicationAutoScaling: %u element%s skipped, "
                             "not for a service of cluster %s in this "
                             "scenario: %s", aas->skipped->len,
                             aas->skipped->len == 1 ? "" : "s",
                             aas->cluster, list);
  if (aas->applied == 0)
    *unapplied = g_strdup_printf("applicationAutoScaling scales no service: "
                                 "none of its elements is for a service of "
                                 "cluster %s in this scenario (%s)",
                                 aas->cluster, list);
}

gboolean
autoscale_aws_apply(cJSON *tree, JDoc *doc, char **skipped,
                    char **unapplied, GError **error)
{
  JNode root, arr;
  *skipped = *unapplied = NULL;
  jn_root(&root, doc, tree);
  if (!jn_member(&root, "applicationAutoScaling", &arr))
    return TRUE;
  Aas aas = { .doc = doc };
  aas.services = g_array_new(FALSE, TRUE, sizeof(AasService));
  g_array_set_clear_func(aas.services, aas_service_clear);
  aas.entries = g_ptr_array_new_with_free_func(g_free);
  aas.skipped = g_ptr_array_new_with_free_func(g_free);
  collect_services(&aas, &root);
  gboolean ok = collect_entries(&aas, &arr, error) &&
                each_element(&aas, "ScalableTargets", add_target, error) &&
                each_element(&aas, "ScalingPolicies", add_policy, error) &&
                each_element(&aas, "ScheduledActions", add_scheduled, error);
  if (ok)
    report(&aas, skipped, unapplied);
  g_array_unref(aas.services);
  g_ptr_array_unref(aas.entries);
  g_ptr_array_unref(aas.skipped);
  return ok;
}
