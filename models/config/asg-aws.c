/* Auto Scaling groups as describe-auto-scaling-groups prints them, and the
 * launch template versions that give them an instance type. */
#include "models/config/asg-aws.h"

#include <string.h>

#include "models/config/cluster-private.h"

/* ---- launch templates ---------------------------------------------- */

static gboolean
parse_template_data(const JNode *data, LaunchTemplateVersion *v,
                    GError **error)
{
  static const char *const credit_keys[] = { "CpuCredits", NULL };
  static const char *const credits[] = { "unlimited", "standard", NULL };
  JNode part;
  const char *market = NULL;
  int mode = 0;
  /* Other data (AMI, user data, network interfaces...) does not reach the
   * simulation: accepted without a check. */
  if (!cJSON_IsObject(data->json))
    return jn_error(data, error, "must be an object"), FALSE;
  if (!jn_string(data, "InstanceType", &v->instance_type, error))
    return FALSE;
  if (jn_member(data, "CreditSpecification", &part)) {
    if (!jn_check_object(&part, credit_keys, credit_keys, error) ||
        !jn_enum(&part, "CpuCredits", credits, &mode, error))
      return FALSE;
    v->cpu_credits = mode;
  }
  if (jn_member(data, "InstanceMarketOptions", &part)) {
    if (!cJSON_IsObject(part.json))
      return jn_error(&part, error, "must be an object"), FALSE;
    if (!jn_string(&part, "MarketType", &market, error))
      return FALSE;
  }
  v->spot = market != NULL && strcmp(market, "spot") == 0;
  return TRUE;
}

static gboolean
parse_version(const JNode *item, GPtrArray *out, GError **error)
{
  static const char *const keys[] = {
    "LaunchTemplateId", "LaunchTemplateName", "VersionNumber",
    "VersionDescription", "CreateTime", "CreatedBy", "DefaultVersion",
    "LaunchTemplateData", "Operator", NULL
  };
  static const char *const required[] = { "VersionNumber",
                                          "LaunchTemplateData", NULL };
  LaunchTemplateVersion *v = g_new0(LaunchTemplateVersion, 1);
  int64_t number = 0;
  v->cpu_credits = -1;
  g_ptr_array_add(out, v);
  if (!jn_check_object(item, keys, required, error) ||
      !jn_string(item, "LaunchTemplateId", &v->id, error) ||
      !jn_string(item, "LaunchTemplateName", &v->name, error) ||
      !jn_int(item, "VersionNumber", 1, G_MAXINT, &number, error) ||
      !jn_bool(item, "DefaultVersion", &v->is_default, error))
    return FALSE;
  v->version = (int) number;
  if (v->id == NULL && v->name == NULL)
    return jn_error(item, error, "needs a LaunchTemplateId or a "
                    "LaunchTemplateName"), FALSE;
  jn_member(item, "LaunchTemplateData", &v->data);
  return parse_template_data(&v->data, v, error);
}

gboolean
asg_aws_parse_templates(const JNode *arr, GPtrArray *out, GError **error)
{
  static const char *const wrapper_keys[] = { "LaunchTemplateVersions",
                                              NULL };
  if (arr->json == NULL)
    return TRUE;
  if (!jn_check_array(arr, 0, 10000, error))
    return FALSE;
  for (int i = 0; i < jn_length(arr); i++) {
    JNode item, list;
    jn_index(arr, i, &item);
    if (!jn_member(&item, "LaunchTemplateVersions", &list)) {
      if (!parse_version(&item, out, error))
        return FALSE;
      continue;
    }
    /* The command's whole output, pasted inline. */
    if (!jn_check_object(&item, wrapper_keys, NULL, error) ||
        !jn_check_array(&list, 0, 10000, error))
      return FALSE;
    for (int j = 0; j < jn_length(&list); j++) {
      JNode v;
      jn_index(&list, j, &v);
      if (!parse_version(&v, out, error))
        return FALSE;
    }
  }
  return TRUE;
}

/* ---- the group ------------------------------------------------------ */

const char *const *
asg_aws_keys(void)
{
  static const char *const keys[] = {
    /* mapped */
    "AutoScalingGroupName", "MinSize", "MaxSize", "DesiredCapacity",
    "AvailabilityZones", "LaunchTemplate", "LaunchConfigurationName",
    "DesiredCapacityType",
    /* accepted, not modelled (AutoScalingGroup type of the Auto Scaling
     * API reference: identities, health checks, networking, timestamps,
     * counts and policies the simulation does not represent) */
    "AutoScalingGroupARN", "PredictedCapacity", "DefaultCooldown",
    "LoadBalancerNames", "TargetGroupARNs", "HealthCheckType",
    "HealthCheckGracePeriod", "Instances", "CreatedTime",
    "SuspendedProcesses", "PlacementGroup", "VPCZoneIdentifier",
    "EnabledMetrics", "Status", "Tags", "TerminationPolicies",
    "NewInstancesProtectedFromScaleIn", "ServiceLinkedRoleARN",
    "MaxInstanceLifetime", "WarmPoolSize", "Context",
    "DefaultInstanceWarmup", "TrafficSources", "InstanceMaintenancePolicy",
    "AvailabilityZoneDistribution", "AvailabilityZoneImpairmentPolicy",
    "CapacityReservationSpecification", "InstanceLifecyclePolicy",
    "DeletionProtection", NULL
  };
  return keys;
}

gboolean
asg_aws_check_names(const JNode *n, GError **error)
{
  static const char *const pairs[][2] = {
    { "name", "AutoScalingGroupName" }, { "min", "MinSize" },
    { "max", "MaxSize" }, { "desired", "DesiredCapacity" },
    { "availability_zones", "AvailabilityZones" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(pairs); i++) {
    JNode part;
    if (jn_member(n, pairs[i][0], &part))
      return jn_error(&part, error, "this group has AWS's shape (it has "
                      "AutoScalingGroupName): write \"%s\" instead",
                      pairs[i][1]), FALSE;
  }
  return TRUE;
}

/* The launch template specification the group launches from: its own, or
 * its mixed instances policy's. FALSE when it has none. */
static gboolean
template_spec(const JNode *n, JNode *spec)
{
  JNode mixed, lt;
  if (jn_member(n, "LaunchTemplate", spec))
    return TRUE;
  return jn_member(n, "MixedInstancesPolicy", &mixed) &&
         jn_member(&mixed, "LaunchTemplate", &lt) &&
         jn_member(&lt, "LaunchTemplateSpecification", spec);
}

/* TRUE when the instance type must come from the launch template: no
 * laid-over instance_type, no MixedInstancesPolicy overrides. */
static gboolean
type_from_template(const JNode *n)
{
  JNode part, mixed, lt;
  if (jn_member(n, "instance_type", &part))
    return FALSE;
  return !(jn_member(n, "MixedInstancesPolicy", &mixed) &&
           jn_member(&mixed, "LaunchTemplate", &lt) &&
           jn_member(&lt, "Overrides", &part) &&
           jn_length(&part) > 0);
}

/* The version number @version ("$Default", "$Latest" or digits) picks
 * among @cfg's versions of template @id / @name; NULL when absent. */
static const LaunchTemplateVersion *
find_version(const ClusterConfig *cfg, const char *id, const char *name,
             const char *version, GString *have)
{
  const LaunchTemplateVersion *best = NULL;
  char *end = NULL;
  gint64 number = g_ascii_strtoll(version, &end, 10);
  gboolean digits = end != version && *end == '\0';
  for (guint i = 0; i < cfg->launch_templates->len; i++) {
    const LaunchTemplateVersion *v = cfg->launch_templates->pdata[i];
    if (id != NULL ? g_strcmp0(v->id, id) != 0 : g_strcmp0(v->name, name) != 0)
      continue;
    g_string_append_printf(have, "%s%d", have->len ? ", " : "", v->version);
    if ((digits && v->version == number) ||
        (strcmp(version, "$Default") == 0 && v->is_default))
      best = v;
    else if (strcmp(version, "$Latest") == 0 &&
             (best == NULL || v->version > best->version))
      best = v;
  }
  return best;
}

/* The version group @n launches from; NULL when it names none, or (and
 * then @error when @needed) when it is not in cluster.launch_templates. */
static const LaunchTemplateVersion *
lookup_template(const JNode *n, const ClusterConfig *cfg, gboolean needed,
                GError **error)
{
  static const char *const keys[] = { "LaunchTemplateId",
                                      "LaunchTemplateName", "Version", NULL };
  JNode spec, where;
  const char *id = NULL, *name = NULL, *version = "$Default";
  if (!template_spec(n, &spec))
    return NULL;
  if (!jn_check_object(&spec, keys, NULL, error) ||
      !jn_string(&spec, "LaunchTemplateId", &id, error) ||
      !jn_string(&spec, "LaunchTemplateName", &name, error) ||
      !jn_string(&spec, "Version", &version, error))
    return NULL;
  if (id == NULL && name == NULL)
    return jn_error(&spec, error, "needs a LaunchTemplateId or a "
                    "LaunchTemplateName"), NULL;
  g_autoptr(GString) have = g_string_new(NULL);
  const LaunchTemplateVersion *v = find_version(cfg, id, name, version, have);
  if (v != NULL || !needed)
    return v;
  if (!jn_member(&spec, "Version", &where))
    where = spec;
  jn_error(&where, error, "launch template %s version %s is not in "
           "cluster.launch_templates (%s%s%sfetch it with: aws ec2 "
           "describe-launch-template-versions --launch-template-%s %s "
           "--versions '%s')", id ? id : name, version,
           have->len ? "the file has versions " : "", have->str,
           have->len ? "; " : "", id ? "id" : "name", id ? id : name,
           version);
  return NULL;
}

/* The instance type when no template, override or instance_type gives
 * it: a legacy launch configuration, or nothing. */
static gboolean
no_template_type(const JNode *n, GError **error)
{
  JNode lc;
  const char *name = NULL;
  if (!jn_string(n, "LaunchConfigurationName", &name, error))
    return FALSE;
  if (name == NULL)
    return jn_error(n, error, "no instance type: the group has no "
                    "LaunchTemplate or MixedInstancesPolicy; lay "
                    "\"instance_type\" over it"), FALSE;
  jn_member(n, "LaunchConfigurationName", &lc);
  return jn_error(&lc, error, "a launch configuration's instance type is "
                  "not in describe-auto-scaling-groups output: lay "
                  "\"instance_type\" over this group, e.g. {\"file\": ..., "
                  "\"instance_type\": \"m5.large\"} (see it with: aws "
                  "autoscaling describe-launch-configurations "
                  "--launch-configuration-names %s)", name), FALSE;
}

/* Spot, CPU credits and (when @needed) the instance type of the group's
 * launch template. */
static gboolean
apply_template(const JNode *n, ClusterConfig *cfg, AsgConfig *asg,
               GError **error)
{
  gboolean needed = type_from_template(n);
  GError *local = NULL;
  const LaunchTemplateVersion *v = lookup_template(n, cfg, needed, &local);
  if (local != NULL)
    return g_propagate_error(error, local), FALSE;
  if (v == NULL)
    return !needed || no_template_type(n, error);
  asg->spot = v->spot;
  if (v->cpu_credits >= 0) {
    asg->cpu_credits_given = TRUE;
    asg->cpu_credits_standard = v->cpu_credits == 1;
  }
  if (!needed)
    return TRUE;
  JNode where;
  if (v->instance_type == NULL)
    return jn_error(&v->data, error, "no InstanceType (attribute-based "
                    "instance selection is not modelled): lay "
                    "\"instance_type\" over the group"), FALSE;
  if (instance_catalog_find(cfg->catalog, v->instance_type) == NULL) {
    jn_member(&v->data, "InstanceType", &where);
    return jn_error(&where, error, "unknown instance type \"%s\" (add it "
                    "under cluster.instance_types)", v->instance_type),
           FALSE;
  }
  asg->instance_type_name = v->instance_type;
  return TRUE;
}

gboolean
asg_aws_parse(const JNode *n, ClusterConfig *cfg, AsgConfig *asg,
              int64_t *min, int64_t *max, int64_t *desired, GError **error)
{
  static const char *const capacity_types[] = { "units", NULL };
  int units = 0;
  if (!jn_string(n, "AutoScalingGroupName", &asg->name, error) ||
      !jn_int(n, "MinSize", 0, 10000, min, error) ||
      !jn_int(n, "MaxSize", 0, 10000, max, error) ||
      !jn_int(n, "DesiredCapacity", 0, 10000, desired, error) ||
      !jn_enum(n, "DesiredCapacityType", capacity_types, &units, error) ||
      !cluster_parse_asg_azs(n, "AvailabilityZones", cfg, asg, error))
    return FALSE;
  asg->group_name = asg->name;
  return apply_template(n, cfg, asg, error);
}
