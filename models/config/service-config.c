/* Parsing of services in the AWS CreateService / describe-services shape. */
#include "models/config/service-config.h"

#include <stdlib.h>
#include <string.h>

#include "models/config/taskdef.h"

/* Every key of CreateService's input and of describe-services' Service,
 * plus ecsim's own sections. */
static const char *const service_keys[] = {
  /* CreateService */
  "cluster", "serviceName", "taskDefinition", "availabilityZoneRebalancing",
  "loadBalancers", "serviceRegistries", "desiredCount", "clientToken",
  "launchType", "capacityProviderStrategy", "platformVersion", "role",
  "deploymentConfiguration", "placementConstraints", "placementStrategy",
  "networkConfiguration", "healthCheckGracePeriodSeconds",
  "schedulingStrategy", "deploymentController", "tags",
  "enableECSManagedTags", "propagateTags", "enableExecuteCommand",
  "serviceConnectConfiguration", "volumeConfigurations",
  "vpcLatticeConfigurations",
  /* describe-services output only */
  "serviceArn", "clusterArn", "status", "runningCount", "pendingCount",
  "platformFamily", "taskSets", "deployments", "roleArn", "events",
  "createdAt", "createdBy", "currentServiceDeployment",
  "currentServiceRevisions",
  /* ecsim */
  "workload", "scaling", "failure_model", NULL
};

gboolean
cp_strategy_parse(const JNode *arr, int min_items, GArray *out,
                  GError **error)
{
  static const char *const keys[] = { "capacityProvider", "weight", "base",
                                      NULL };
  static const char *const required[] = { "capacityProvider", NULL };
  if (!jn_check_array(arr, min_items, 20, error))
    return FALSE;
  int with_base = -1;
  for (int i = 0; i < jn_length(arr); i++) {
    JNode item;
    jn_index(arr, i, &item);
    int64_t weight = 0, base = 0;
    CapacityProviderItem cp = { 0 };
    if (!jn_check_object(&item, keys, required, error) ||
        !jn_string(&item, "capacityProvider", &cp.provider, error) ||
        !jn_int(&item, "weight", 0, 1000, &weight, error) ||
        !jn_int(&item, "base", 0, 100000, &base, error))
      return FALSE;
    if (base > 0 && with_base >= 0) {
      JNode b;
      jn_member(&item, "base", &b);
      jn_error(&b, error, "only one capacity provider in a strategy can "
               "have a base defined (item %d has one already)", with_base);
      return FALSE;
    }
    if (base > 0)
      with_base = i;
    cp.weight = (int) weight;
    cp.base = (int) base;
    g_array_append_val(out, cp);
  }
  return TRUE;
}

static gboolean
parse_strategy_item(const JNode *item, PlacementStrategyItem *ps,
                    GError **error)
{
  static const char *const keys[] = { "type", "field", NULL };
  static const char *const required[] = { "type", NULL };
  static const char *const types[] = { "binpack", "spread", "random", NULL };
  int type = 0;
  ps->field = NULL;
  if (!jn_check_object(item, keys, required, error) ||
      !jn_enum(item, "type", types, &type, error) ||
      !jn_string(item, "field", &ps->field, error))
    return FALSE;
  ps->type = (PlacementStrategyType) type;
  JNode field;
  jn_member(item, "field", &field);
  if (ps->type == PLACEMENT_BINPACK) {
    if (ps->field == NULL) {
      jn_error(&field, error, "binpack needs a field: cpu or memory");
      return FALSE;
    }
    /* ECS accepts either case: CPU, MEMORY. */
    if (g_ascii_strcasecmp(ps->field, "cpu") == 0)
      ps->field = "cpu";
    else if (g_ascii_strcasecmp(ps->field, "memory") == 0)
      ps->field = "memory";
    else
      return jn_error(&field, error, "binpack field must be cpu or memory, "
                      "got \"%s\"", ps->field), FALSE;
  } else if (ps->type == PLACEMENT_SPREAD) {
    if (ps->field == NULL) {
      jn_error(&field, error, "spread needs a field: instanceId, host or "
               "attribute:NAME (e.g. attribute:ecs.availability-zone)");
      return FALSE;
    }
    if (strcmp(ps->field, "instanceId") != 0 &&
        strcmp(ps->field, "host") != 0 &&
        !g_str_has_prefix(ps->field, "attribute:"))
      return jn_error(&field, error, "spread field must be instanceId, host "
                      "or attribute:NAME, got \"%s\"", ps->field), FALSE;
  } else if (ps->field != NULL) {
    return jn_error(&field, error, "random takes no field"), FALSE;
  }
  return TRUE;
}

static gboolean
parse_placement(const JNode *svc, ServiceConfig *cfg, GError **error)
{
  JNode arr;
  if (jn_member(svc, "placementStrategy", &arr)) {
    if (!jn_check_array(&arr, 0, 5, error))
      return FALSE;
    cfg->placement_strategy_set = jn_length(&arr) > 0;
    for (int i = 0; i < jn_length(&arr); i++) {
      JNode item;
      PlacementStrategyItem ps;
      jn_index(&arr, i, &item);
      if (!parse_strategy_item(&item, &ps, error))
        return FALSE;
      g_array_append_val(cfg->placement_strategy, ps);
    }
  }
  if (jn_member(svc, "placementConstraints", &arr)) {
    static const char *const keys[] = { "type", "expression", NULL };
    static const char *const required[] = { "type", NULL };
    static const char *const types[] = { "distinctInstance", "memberOf",
                                         NULL };
    if (!jn_check_array(&arr, 0, 10, error))
      return FALSE;
    for (int i = 0; i < jn_length(&arr); i++) {
      JNode item, expr;
      int type = 0;
      PlacementConstraintItem pc = { 0 };
      jn_index(&arr, i, &item);
      if (!jn_check_object(&item, keys, required, error) ||
          !jn_enum(&item, "type", types, &type, error) ||
          !jn_string(&item, "expression", &pc.expression, error))
        return FALSE;
      pc.type = (PlacementConstraintType) type;
      jn_member(&item, "expression", &expr);
      if (pc.type == PLACEMENT_MEMBER_OF && pc.expression == NULL)
        return jn_error(&expr, error, "memberOf needs an expression"), FALSE;
      if (pc.type == PLACEMENT_DISTINCT_INSTANCE && pc.expression != NULL)
        return jn_error(&expr, error, "distinctInstance takes no "
                        "expression"), FALSE;
      g_array_append_val(cfg->placement_constraints, pc);
    }
  }
  return TRUE;
}

static gboolean
parse_deployment_config(const JNode *svc, ServiceConfig *cfg,
                        GError **error)
{
  static const char *const keys[] = {
    "deploymentCircuitBreaker", "maximumPercent", "minimumHealthyPercent",
    "alarms", "strategy", "bakeTimeInMinutes", "lifecycleHooks", NULL
  };
  static const char *const cb_keys[] = { "enable", "rollback", NULL };
  static const char *const cb_required[] = { "enable", "rollback", NULL };
  JNode dc, cb;
  int64_t max_pct = cfg->max_percent, min_pct = cfg->min_healthy_percent;
  if (!jn_member(svc, "deploymentConfiguration", &dc))
    return TRUE;
  if (!jn_check_object(&dc, keys, NULL, error) ||
      !jn_int(&dc, "maximumPercent", 100, 2000, &max_pct, error) ||
      !jn_int(&dc, "minimumHealthyPercent", 0, 100, &min_pct, error))
    return FALSE;
  if (cfg->scheduling == SERVICE_DAEMON && max_pct != 100) {
    JNode m;
    jn_member(&dc, "maximumPercent", &m);
    return jn_error(&m, error, "the DAEMON scheduling strategy does not "
                    "support a maximumPercent other than 100"), FALSE;
  }
  cfg->max_percent = (int) max_pct;
  cfg->min_healthy_percent = (int) min_pct;
  if (jn_member(&dc, "deploymentCircuitBreaker", &cb) &&
      (!jn_check_object(&cb, cb_keys, cb_required, error) ||
       !jn_bool(&cb, "enable", &cfg->circuit_breaker, error) ||
       !jn_bool(&cb, "rollback", &cfg->rollback, error)))
    return FALSE;
  return TRUE;
}

static gboolean
parse_load_balancers(const JNode *svc, ServiceConfig *cfg, GError **error)
{
  static const char *const keys[] = { "targetGroupArn", "targetGroupName",
                                      "loadBalancerName", "containerName",
                                      "containerPort", NULL };
  JNode arr;
  if (!jn_member(svc, "loadBalancers", &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 5, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item, where;
    int64_t port = 0;
    LoadBalancerItem lb = { 0 };
    const char *by_name = NULL;
    jn_index(&arr, i, &item);
    if (!jn_check_object(&item, keys, NULL, error) ||
        !jn_string(&item, "targetGroupArn", &lb.target_group, error) ||
        !jn_string(&item, "targetGroupName", &by_name, error) ||
        !jn_string(&item, "containerName", &lb.container_name, error) ||
        !jn_int(&item, "containerPort", 0, 65535, &port, error))
      return FALSE;
    if (lb.target_group == NULL)
      lb.target_group = by_name;
    if (lb.target_group == NULL) {
      jn_member(&item, "targetGroupArn", &where);
      return jn_error(&where, error, "an Application Load Balancer needs "
                      "targetGroupArn (or ecsim's targetGroupName); "
                      "Classic Load Balancers are not simulated"), FALSE;
    }
    lb.container_port = (int) port;
    g_array_append_val(cfg->load_balancers, lb);
  }
  return TRUE;
}

static gboolean
parse_basics(const JNode *n, ServiceConfig *cfg, GError **error)
{
  static const char *const required[] = { "serviceName", "taskDefinition",
                                          NULL };
  static const char *const sched[] = { "REPLICA", "DAEMON", NULL };
  static const char *const launch[] = { "", "EC2", "FARGATE", NULL };
  int scheduling = SERVICE_REPLICA, launch_type = LAUNCH_TYPE_NONE;
  int64_t desired = 1;
  if (!jn_check_object(n, service_keys, required, error) ||
      !jn_string(n, "serviceName", &cfg->name, error) ||
      !jn_string(n, "taskDefinition", &cfg->taskdef_ref, error) ||
      !jn_enum(n, "schedulingStrategy", sched, &scheduling, error) ||
      !jn_enum(n, "launchType", launch, &launch_type, error) ||
      !jn_int(n, "desiredCount", 0, G_MAXINT32, &desired, error) ||
      !jn_seconds(n, "healthCheckGracePeriodSeconds", 0, 2147483647,
                  &cfg->health_check_grace, error))
    return FALSE;
  if (!ecs_name_ok(cfg->name)) {
    /* It also names files and folders: tasks.csv, plots/SERVICE-*.png. */
    JNode v;
    jn_member(n, "serviceName", &v);
    jn_error(&v, error, "must be 1 to 255 letters (uppercase and "
             "lowercase), numbers, underscores and hyphens, as ECS allows");
    return FALSE;
  }
  cfg->desired_count = (int) desired;
  cfg->scheduling = (ServiceScheduling) scheduling;
  cfg->launch_type = (LaunchType) launch_type;
  if (cfg->scheduling == SERVICE_DAEMON) {
    cfg->min_healthy_percent = 0;
    cfg->max_percent = 100;
  }
  return TRUE;
}

ServiceConfig *
service_config_parse(const JNode *n, const WorkloadParseOptions *options,
                     GError **error)
{
  g_autoptr(ServiceConfig) cfg = g_new0(ServiceConfig, 1);
  cfg->min_healthy_percent = 100;
  cfg->max_percent = 200;
  cfg->cp_strategy = g_array_new(FALSE, TRUE, sizeof(CapacityProviderItem));
  cfg->placement_strategy =
    g_array_new(FALSE, TRUE, sizeof(PlacementStrategyItem));
  cfg->placement_constraints =
    g_array_new(FALSE, TRUE, sizeof(PlacementConstraintItem));
  cfg->load_balancers = g_array_new(FALSE, TRUE, sizeof(LoadBalancerItem));
  workload_init(&cfg->workload);
  failure_model_init(&cfg->failure);

  JNode part;
  if (!parse_basics(n, cfg, error) ||
      !parse_deployment_config(n, cfg, error) ||
      !parse_placement(n, cfg, error) ||
      !parse_load_balancers(n, cfg, error))
    return NULL;
  if (jn_member(n, "capacityProviderStrategy", &part)) {
    if (cfg->launch_type != LAUNCH_TYPE_NONE)
      return jn_error(&part, error, "specify launchType or "
                      "capacityProviderStrategy, not both"), NULL;
    if (!cp_strategy_parse(&part, 1, cfg->cp_strategy, error))
      return NULL;
  }
  if (jn_member(n, "workload", &part)) {
    cfg->has_workload = TRUE;
    if (!workload_parse(&part, options, &cfg->workload, error))
      return NULL;
  }
  if (jn_member(n, "failure_model", &part) &&
      !failure_model_parse(&part, &cfg->failure, error))
    return NULL;
  if (jn_member(n, "scaling", &part)) {
    cfg->scaling = autoscale_config_parse(&part, error);
    if (cfg->scaling == NULL)
      return NULL;
  }
  return g_steal_pointer(&cfg);
}

void
service_config_free(ServiceConfig *cfg)
{
  if (cfg == NULL)
    return;
  g_array_unref(cfg->cp_strategy);
  g_array_unref(cfg->placement_strategy);
  g_array_unref(cfg->placement_constraints);
  g_array_unref(cfg->load_balancers);
  workload_clear(&cfg->workload);
  failure_model_clear(&cfg->failure);
  autoscale_config_free(cfg->scaling);
  g_free(cfg);
}

gboolean
service_config_split_taskdef_ref(const char *ref, char **family,
                                 int *revision)
{
  const char *name = ref;
  const char *slash = strstr(ref, ":task-definition/");
  if (g_str_has_prefix(ref, "arn:")) {
    if (slash == NULL)
      return FALSE;
    name = slash + strlen(":task-definition/");
  }
  const char *colon = strchr(name, ':');
  *revision = 0;
  if (colon != NULL) {
    char *end = NULL;
    long rev = strtol(colon + 1, &end, 10);
    if (end == colon + 1 || *end != '\0' || rev < 1)
      return FALSE;
    *revision = (int) rev;
  }
  gsize len = colon ? (gsize) (colon - name) : strlen(name);
  if (len == 0)
    return FALSE;
  *family = g_strndup(name, len);
  return TRUE;
}
