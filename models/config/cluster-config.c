/* Parsing of the cluster section. */
#include "models/config/cluster-config.h"

#include <string.h>

#include "models/config/asg-aws.h"
#include "models/config/cluster-aws.h"
#include "models/config/cluster-private.h"
#include "models/config/instance-boot.h"

static gboolean
parse_string_list(const JNode *arr, int min, GPtrArray *out, GError **error)
{
  if (!jn_check_array(arr, min, 100, error))
    return FALSE;
  for (int i = 0; i < jn_length(arr); i++) {
    JNode item;
    const char *s = NULL;
    jn_index(arr, i, &item);
    if (!jn_value_string(&item, &s, error))
      return FALSE;
    for (guint j = 0; j < out->len; j++)
      if (strcmp(out->pdata[j], s) == 0)
        return jn_error(&item, error, "\"%s\" is listed twice", s), FALSE;
    g_ptr_array_add(out, (gpointer) s);
  }
  return TRUE;
}

gboolean
cluster_parse_managed_scaling(const JNode *asg_node, AsgConfig *asg,
                              GError **error)
{
  static const char *const keys[] = {
    "status", "targetCapacity", "minimumScalingStepSize",
    "maximumScalingStepSize", "instanceWarmupPeriod", NULL
  };
  static const char *const status[] = { "DISABLED", "ENABLED", NULL };
  JNode ms;
  int enabled = 1;
  int64_t target = 100, min_step = 1, max_step = 10000, warmup = 300;
  if (!jn_member(asg_node, "managedScaling", &ms))
    return TRUE;
  if (!jn_check_object(&ms, keys, NULL, error) ||
      !jn_enum(&ms, "status", status, &enabled, error) ||
      !jn_int(&ms, "targetCapacity", 1, 100, &target, error) ||
      !jn_int(&ms, "minimumScalingStepSize", 1, 10000, &min_step, error) ||
      !jn_int(&ms, "maximumScalingStepSize", 1, 10000, &max_step, error) ||
      !jn_int(&ms, "instanceWarmupPeriod", 0, 10000, &warmup, error))
    return FALSE;
  if (min_step > max_step) {
    JNode m;
    jn_member(&ms, "minimumScalingStepSize", &m);
    return jn_error(&m, error, "must be <= maximumScalingStepSize (%"
                    G_GINT64_FORMAT ")", max_step), FALSE;
  }
  asg->managed_scaling = enabled;
  asg->target_capacity = (int) target;
  asg->min_step = (int) min_step;
  asg->max_step = (int) max_step;
  asg->warmup = warmup * SIM_SEC;
  return TRUE;
}

static gboolean
parse_spot_prices(const JNode *n, AsgConfig *asg, GError **error)
{
  const char *name = NULL;
  JNode where;
  if (!jn_string(n, "spot_price_trace", &name, error))
    return FALSE;
  if (name == NULL)
    return TRUE;
  jn_member(n, "spot_price_trace", &where);
  if (!asg->spot)
    return jn_error(&where, error, "a Spot price history needs \"spot\": "
                    "true"), FALSE;
  g_autofree char *path = jn_resolve_path(n, name);
  asg->spot_prices = spot_prices_load(path, name, error);
  return asg->spot_prices != NULL;
}

/* Defaults that depend on the instance type: boot_time from the family
 * table (cluster.c: with a launch_time but no boot_time, the boot is the
 * launch less EC2's pending state). */
static void
default_boot(const JNode *n, AsgConfig *asg)
{
  JNode part;
  asg->boot_time_given = jn_member(n, "boot_time", &part);
  if (!asg->boot_time_given)
    dist_copy(&asg->boot_time, instance_boot_default(asg->type->name));
  asg->launch_time_given = jn_member(n, "launch_time", &part);
}

static void
asg_free(gpointer p)
{
  AsgConfig *asg = p;
  spot_prices_free(asg->spot_prices);
  if (asg->azs)
    g_ptr_array_unref(asg->azs);
  dist_clear(&asg->launch_time);
  dist_clear(&asg->boot_time);
  asg_ec2_clear(&asg->ec2);
  g_free(asg);
}

static gboolean
check_asg_type(const JNode *n, ClusterConfig *cfg, AsgConfig *asg,
               GError **error)
{
  JNode where;
  if (asg->instance_type_name == NULL && asg->ec2.mixed != NULL &&
      asg->ec2.mixed->overrides->len > 0)
    asg->instance_type_name =
      g_array_index(asg->ec2.mixed->overrides, AsgOverride, 0).type->name;
  if (asg->instance_type_name == NULL)
    return jn_error(n, error, "missing \"instance_type\" (or a "
                    "MixedInstancesPolicy)"), FALSE;
  asg->type = instance_catalog_find(cfg->catalog, asg->instance_type_name);
  if (asg->type != NULL) {
    /* AWS's MixedInstancesPolicy may leave the types to its launch
     * template: then the template's type is the one pool. */
    if (asg->ec2.mixed != NULL && asg->ec2.mixed->overrides->len == 0) {
      AsgOverride o = { asg->type, 1, -1, -1, NULL };
      g_array_append_val(asg->ec2.mixed->overrides, o);
    }
    return TRUE;
  }
  g_auto(GStrv) names = instance_catalog_names(cfg->catalog);
  g_autofree char *list = g_strjoinv(", ", names);
  jn_member(n, "instance_type", &where);
  jn_error(&where, error, "unknown instance type \"%s\"; known: %s (add "
           "others under cluster.instance_types)", asg->instance_type_name,
           list);
  return FALSE;
}

/* The launch template's creditSpecification (EC2 RunInstances shape):
 * {"cpuCredits": "standard" | "unlimited"}; absent: unlimited, EC2's
 * default for T3 and T4g. Ignored by types that are not burstable. */
static gboolean
parse_credit_specification(const JNode *n, AsgConfig *asg, GError **error)
{
  static const char *const keys[] = { "cpuCredits", NULL };
  static const char *const modes[] = { "unlimited", "standard", NULL };
  JNode spec;
  int mode = 0;
  if (!jn_member(n, "creditSpecification", &spec))
    return TRUE;
  if (!jn_check_object(&spec, keys, keys, error) ||
      !jn_enum(&spec, "cpuCredits", modes, &mode, error))
    return FALSE;
  asg->cpu_credits_standard = mode == 1;
  asg->cpu_credits_given = TRUE;
  return TRUE;
}

gboolean
cluster_parse_asg_azs(const JNode *n, const char *key,
                      const ClusterConfig *cfg, AsgConfig *asg,
                      GError **error)
{
  JNode part;
  if (!jn_member(n, key, &part)) {
    for (guint i = 0; i < cfg->azs->len; i++)
      g_ptr_array_add(asg->azs, cfg->azs->pdata[i]);
    return TRUE;
  }
  if (!parse_string_list(&part, 1, asg->azs, error))
    return FALSE;
  for (guint i = 0; i < asg->azs->len; i++) {
    if (cluster_config_az_index(cfg, asg->azs->pdata[i]) < 0) {
      JNode item;
      jn_index(&part, (int) i, &item);
      return jn_error(&item, error, "\"%s\" is not one of the cluster's "
                      "availability_zones", (char *) asg->azs->pdata[i]),
             FALSE;
    }
  }
  return TRUE;
}

/* Keys of both shapes: ecsim's parameters and the AWS-shaped options of
 * asg-ec2.h. */
static const char *const knob_keys[] = {
  "instance_type", "spot", "spot_price_trace", "committed", "launch_time",
  "boot_time", "reserved_memory_mib", "instance_mttf", "image_pull_behavior",
  "managedScaling", "managedTerminationProtection",
  /* asg-ec2.h */
  "MixedInstancesPolicy", "CapacityRebalance", "WarmPoolConfiguration",
  "spot_interruptions", "ecs_agent", "warm_pool", "creditSpecification", NULL
};

/* Checks @n's keys against @shape_keys and knob_keys. */
static gboolean
check_asg_keys(const JNode *n, const char *const *shape_keys,
               const char *const *required, GError **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new();
  for (const char *const *k = shape_keys; *k; k++)
    g_ptr_array_add(keys, (gpointer) *k);
  for (const char *const *k = knob_keys; *k; k++)
    g_ptr_array_add(keys, (gpointer) *k);
  g_ptr_array_add(keys, NULL);
  return jn_check_object(n, (const char *const *) keys->pdata, required,
                         error);
}

/* ecsim's own shape: name, min, max, desired, availability_zones. */
static gboolean
parse_ecsim_shape(const JNode *n, ClusterConfig *cfg, AsgConfig *asg,
                  int64_t *min, int64_t *max, int64_t *desired,
                  GError **error)
{
  static const char *const keys[] = { "name", "min", "max", "desired",
                                      "availability_zones", NULL };
  static const char *const required[] = { "name", "max", NULL };
  if (!check_asg_keys(n, keys, required, error) ||
      !jn_string(n, "name", &asg->name, error) ||
      !jn_int(n, "min", 0, 10000, min, error) ||
      !jn_int(n, "max", 0, 10000, max, error) ||
      !jn_int(n, "desired", 0, 10000, desired, error) ||
      !cluster_parse_asg_azs(n, "availability_zones", cfg, asg, error))
    return FALSE;
  asg->group_name = asg->name;
  return TRUE;
}

static gboolean
parse_aws_shape(const JNode *n, ClusterConfig *cfg, AsgConfig *asg,
                int64_t *min, int64_t *max, int64_t *desired,
                GError **error)
{
  static const char *const required[] = { "AutoScalingGroupName", "MinSize",
                                          "MaxSize", NULL };
  return asg_aws_check_names(n, error) &&
         check_asg_keys(n, asg_aws_keys(), required, error) &&
         asg_aws_parse(n, cfg, asg, min, max, desired, error);
}

/* The members of knob_keys (the instance type is read, not resolved). */
static gboolean
parse_knobs(const JNode *n, ClusterConfig *cfg, AsgConfig *asg,
            GError **error)
{
  static const char *const pull[] = { "default", "always", "once",
                                       "prefer-cached", NULL };
  static const char *const onoff[] = { "DISABLED", "ENABLED", NULL };
  int64_t reserved = 0;
  int protection = 0, behavior = IMAGE_PULL_DEFAULT;
  JNode part;
  if (!jn_string(n, "instance_type", &asg->instance_type_name, error) ||
      !jn_bool(n, "spot", &asg->spot, error) ||
      !jn_bool(n, "committed", &asg->committed, error) ||
      !parse_spot_prices(n, asg, error) ||
      !dist_member(n, "launch_time", SIM_DAY, &asg->launch_time, error) ||
      !dist_member(n, "boot_time", SIM_DAY, &asg->boot_time, error) ||
      !jn_int(n, "reserved_memory_mib", 0, 1 << 20, &reserved, error) ||
      !jn_duration(n, "instance_mttf", SIM_MIN, SIM_TIME_MAX / 4,
                   &asg->instance_mttf, error) ||
      !cluster_parse_managed_scaling(n, asg, error) ||
      !asg_ec2_parse(n, cfg->catalog, asg->spot, &asg->ec2, error) ||
      !jn_enum(n, "managedTerminationProtection", onoff, &protection,
               error) ||
      !jn_enum(n, "image_pull_behavior", pull, &behavior, error) ||
      !parse_credit_specification(n, asg, error))
    return FALSE;
  asg->pull_behavior = (ImagePullBehavior) behavior;
  asg->reserved_memory_mib = (int) reserved;
  asg->termination_protection = protection;
  asg->managed_scaling_given = jn_member(n, "managedScaling", &part);
  asg->termination_protection_given =
    jn_member(n, "managedTerminationProtection", &part);
  return TRUE;
}

static AsgConfig *
asg_new(void)
{
  AsgConfig *asg = g_new0(AsgConfig, 1);
  asg->launch_time = (Dist){ .kind = DIST_UNIFORM, .a = 60, .b = 180,
                             .mean = 120 };
  asg->boot_time = (Dist){ .kind = DIST_UNIFORM, .a = 30, .b = 90,
                           .mean = 60 };
  asg->target_capacity = 100;
  asg->min_step = 1;
  asg->max_step = 10000;
  asg->warmup = 300 * SIM_SEC;
  asg->azs = g_ptr_array_new();
  return asg;
}

/* A group in ecsim's shape or in describe-auto-scaling-groups' (it has
 * AutoScalingGroupName); the knobs apply to both. */
static AsgConfig *
parse_asg(const JNode *n, ClusterConfig *cfg, GError **error)
{
  AsgConfig *asg = asg_new();
  int64_t min = 0, max = 0, desired = -1;
  JNode part;
  gboolean aws = jn_member(n, "AutoScalingGroupName", &part);
  if (!(aws ? parse_aws_shape(n, cfg, asg, &min, &max, &desired, error)
            : parse_ecsim_shape(n, cfg, asg, &min, &max, &desired, error)) ||
      !parse_knobs(n, cfg, asg, error) ||
      !check_asg_type(n, cfg, asg, error))
    goto fail;
  default_boot(n, asg);
  if (max < min || (desired >= 0 && (desired < min || desired > max))) {
    const char *key = max < min ? (aws ? "MaxSize" : "max")
                                : (aws ? "DesiredCapacity" : "desired");
    jn_member(n, key, &part);
    jn_error(&part, error, "must satisfy min <= desired <= max (min %"
             G_GINT64_FORMAT ", max %" G_GINT64_FORMAT ")", min, max);
    goto fail;
  }
  asg->min = (int) min;
  asg->max = (int) max;
  asg->desired = desired >= 0 ? (int) desired : (int) min;
  return asg;
fail:
  asg_free(asg);
  return NULL;
}

static ClusterConfig *
cluster_config_new(void)
{
  ClusterConfig *cfg = g_new0(ClusterConfig, 1);
  cfg->name = "default";
  cfg->azs = g_ptr_array_new();
  cfg->providers = g_ptr_array_new();
  cfg->default_strategy =
    g_array_new(FALSE, TRUE, sizeof(CapacityProviderItem));
  cfg->asgs = g_ptr_array_new_with_free_func(asg_free);
  cfg->launch_templates = g_ptr_array_new_with_free_func(g_free);
  cfg->catalog = instance_catalog_new();
  cluster_timing_init(cfg);
  cfg->start_warm = TRUE;
  return cfg;
}

/* A provider named by a string: FARGATE, FARGATE_SPOT or a group's
 * provider name. */
static gboolean
check_named_provider(const JNode *item, const ClusterConfig *cfg,
                     const char *p, GError **error)
{
  if (cluster_config_is_fargate_provider(p) ||
      cluster_config_find_asg(cfg, p) != NULL)
    return TRUE;
  const char *provider = cluster_config_provider_of_group(cfg, p);
  if (provider != NULL)
    return jn_error(item, error, "\"%s\" is an Auto Scaling group; its "
                    "capacity provider is \"%s\": list that name",
                    p, provider), FALSE;
  return jn_error(item, error, "no capacity provider \"%s\": it is "
                  "neither FARGATE, FARGATE_SPOT nor the name of an "
                  "auto_scaling_groups entry", p), FALSE;
}

static gboolean
parse_providers(const JNode *n, ClusterConfig *cfg, GError **error)
{
  JNode arr;
  if (!jn_member(n, "capacityProviders", &arr)) {
    g_ptr_array_add(cfg->providers, "FARGATE");
    g_ptr_array_add(cfg->providers, "FARGATE_SPOT");
    for (guint i = 0; i < cfg->asgs->len; i++)
      g_ptr_array_add(cfg->providers,
                      (gpointer) ((AsgConfig *) cfg->asgs->pdata[i])->name);
    return TRUE;
  }
  if (!jn_check_array(&arr, 0, 100, error))
    return FALSE;
  /* describe-capacity-providers elements first: they give their groups
   * the provider names that plain names then refer to. */
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    jn_index(&arr, i, &item);
    if (cJSON_IsObject(item.json) &&
        !cluster_aws_bind_provider(&item, cfg, error))
      return FALSE;
  }
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item, name;
    const char *p = NULL;
    jn_index(&arr, i, &item);
    if (cJSON_IsObject(item.json)) {
      jn_member(&item, "name", &name);
      p = name.json->valuestring;
    } else if (!jn_value_string(&item, &p, error) ||
               !check_named_provider(&item, cfg, p, error)) {
      return FALSE;
    }
    if (cluster_config_has_provider(cfg, p))
      return jn_error(&item, error, "\"%s\" is listed twice", p), FALSE;
    g_ptr_array_add(cfg->providers, (gpointer) p);
  }
  return TRUE;
}

static gboolean
parse_sections(const JNode *n, ClusterConfig *cfg, GError **error)
{
  static const char *const keys[] = {
    "clusterName", "availability_zones", "capacityProviders",
    "defaultCapacityProviderStrategy", "auto_scaling_groups",
    "instance_types", "account_settings", "fargate", "ec2", "task_stop",
    "start_warm", "launch_templates",
    /* describe-clusters output: accepted, not modelled */
    "clusterArn", "status", "registeredContainerInstancesCount",
    "runningTasksCount", "pendingTasksCount", "activeServicesCount",
    "statistics", "tags", "settings", "configuration", "attachments",
    "attachmentsStatus", "serviceConnectDefaults", NULL
  };
  static const char *const acct_keys[] = { "awsvpcTrunking", NULL };
  static const char *const onoff[] = { "disabled", "enabled", NULL };
  JNode part;
  int trunking = 0;
  if (!jn_check_object(n, keys, NULL, error) ||
      !jn_string(n, "clusterName", &cfg->name, error) ||
      !jn_bool(n, "start_warm", &cfg->start_warm, error))
    return FALSE;
  if (jn_member(n, "availability_zones", &part) &&
      !parse_string_list(&part, 1, cfg->azs, error))
    return FALSE;
  if (jn_member(n, "instance_types", &part) &&
      !instance_catalog_parse(cfg->catalog, &part, error))
    return FALSE;
  if (jn_member(n, "account_settings", &part) &&
      (!jn_check_object(&part, acct_keys, NULL, error) ||
       !jn_enum(&part, "awsvpcTrunking", onoff, &trunking, error)))
    return FALSE;
  cfg->awsvpc_trunking = trunking;
  return cluster_timing_parse(n, cfg, error);
}

static gboolean
parse_asgs(const JNode *n, ClusterConfig *cfg, GError **error)
{
  JNode arr;
  if (!jn_member(n, "auto_scaling_groups", &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 100, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    jn_index(&arr, i, &item);
    AsgConfig *asg = parse_asg(&item, cfg, error);
    if (asg == NULL)
      return FALSE;
    if (cluster_config_find_asg(cfg, asg->name) != NULL ||
        cluster_config_is_fargate_provider(asg->name)) {
      JNode name;
      if (!jn_member(&item, "name", &name))
        jn_member(&item, "AutoScalingGroupName", &name);
      jn_error(&name, error, "the name \"%s\" is already taken", asg->name);
      asg_free(asg);
      return FALSE;
    }
    g_ptr_array_add(cfg->asgs, asg);
  }
  return TRUE;
}

ClusterConfig *
cluster_config_parse(const JNode *n, GError **error)
{
  g_autoptr(ClusterConfig) cfg = cluster_config_new();
  JNode part;
  if (n->json != NULL && !parse_sections(n, cfg, error))
    return NULL;
  if (cfg->azs->len == 0) {
    g_ptr_array_add(cfg->azs, "us-east-1a");
    g_ptr_array_add(cfg->azs, "us-east-1b");
    g_ptr_array_add(cfg->azs, "us-east-1c");
  }
  if (n->json != NULL) {
    jn_member(n, "launch_templates", &part);
    if (!asg_aws_parse_templates(&part, cfg->launch_templates, error) ||
        !parse_asgs(n, cfg, error) || !parse_providers(n, cfg, error))
      return NULL;
  }
  if (n->json == NULL)
    parse_providers(n, cfg, NULL);
  if (n->json != NULL && jn_member(n, "defaultCapacityProviderStrategy",
                                   &part)) {
    /* Same shape and rules as a service's strategy. */
    if (!cp_strategy_parse(&part, 0, cfg->default_strategy, error))
      return NULL;
  }
  return g_steal_pointer(&cfg);
}

void
cluster_config_free(ClusterConfig *cfg)
{
  if (cfg == NULL)
    return;
  g_ptr_array_unref(cfg->azs);
  g_ptr_array_unref(cfg->providers);
  g_array_unref(cfg->default_strategy);
  g_ptr_array_unref(cfg->asgs);
  g_ptr_array_unref(cfg->launch_templates);
  instance_catalog_free(cfg->catalog);
  cluster_timing_clear(cfg);
  g_free(cfg);
}

const AsgConfig *
cluster_config_find_asg(const ClusterConfig *cfg, const char *name)
{
  for (guint i = 0; i < cfg->asgs->len; i++) {
    const AsgConfig *asg = cfg->asgs->pdata[i];
    if (strcmp(asg->name, name) == 0)
      return asg;
  }
  return NULL;
}

const char *
cluster_config_provider_of_group(const ClusterConfig *cfg, const char *group)
{
  for (guint i = 0; i < cfg->asgs->len; i++) {
    const AsgConfig *asg = cfg->asgs->pdata[i];
    if (strcmp(asg->group_name, group) == 0 &&
        strcmp(asg->name, group) != 0)
      return asg->name;
  }
  return NULL;
}

int
cluster_config_az_index(const ClusterConfig *cfg, const char *name)
{
  for (guint i = 0; i < cfg->azs->len; i++)
    if (strcmp(cfg->azs->pdata[i], name) == 0)
      return (int) i;
  return -1;
}

gboolean
cluster_config_is_fargate_provider(const char *name)
{
  return strcmp(name, "FARGATE") == 0 || strcmp(name, "FARGATE_SPOT") == 0;
}

gboolean
cluster_config_has_provider(const ClusterConfig *cfg, const char *name)
{
  for (guint i = 0; i < cfg->providers->len; i++)
    if (strcmp(cfg->providers->pdata[i], name) == 0)
      return TRUE;
  return FALSE;
}
