/* The cluster section in AWS CLI shapes: includes of describe-* output and
 * the binding of capacity providers to their Auto Scaling groups. */
#include "models/config/cluster-aws.h"

#include <string.h>

#include "models/config/cluster-private.h"
#include "models/config/scenario-include.h"

/* ---- includes ------------------------------------------------------- */

static const IncludeShape cluster_shape = {
  "clusters", "clusterName", "cluster", TRUE, FALSE
};

typedef struct {
  const char *key;
  IncludeShape shape;
} SectionShape;

static const SectionShape sections[] = {
  { "capacityProviders",
    { "capacityProviders", "name", "capacity provider", FALSE, FALSE } },
  { "auto_scaling_groups",
    { "AutoScalingGroups", "AutoScalingGroupName", "Auto Scaling group",
      FALSE, TRUE } },
  { "launch_templates",
    { "LaunchTemplateVersions", NULL, "launch template version", FALSE,
      FALSE } },
};

static gboolean
is_file_entry(const cJSON *entry)
{
  return cJSON_IsObject(entry) &&
         cJSON_GetObjectItemCaseSensitive(entry, "file") != NULL;
}

/* Expands the {"file": ...} entries of array @arr in place: the other
 * entries keep their nodes, and so the origins recorded for them. (Moved
 * out and back, not inserted: cJSON 1.7.15's cJSON_InsertItemInArray
 * loses items.) */
static gboolean
expand_section(Scenario *scn, JDoc *doc, cJSON *arr, const char *key,
               const IncludeShape *shape, GError **error)
{
  cJSON *old = cJSON_CreateArray();
  gboolean ok = TRUE;
  while (arr->child != NULL)
    cJSON_AddItemToArray(old, cJSON_DetachItemViaPointer(arr, arr->child));
  for (int index = 0; ok && old->child != NULL; index++) {
    cJSON *entry = cJSON_DetachItemViaPointer(old, old->child);
    if (!is_file_entry(entry)) {
      cJSON_AddItemToArray(arr, entry);
      continue;
    }
    g_autofree char *path = g_strdup_printf("/cluster/%s/%d", key, index);
    ok = scenario_expand_include(scn, doc, entry, path, shape, arr, error);
    jdoc_forget(doc, entry);
    cJSON_Delete(entry);
  }
  jdoc_forget(doc, old);
  cJSON_Delete(old);
  return ok;
}

gboolean
cluster_aws_resolve_includes(Scenario *scn, cJSON *tree, JDoc *doc,
                             GError **error)
{
  cJSON *cluster = cJSON_GetObjectItemCaseSensitive(tree, "cluster");
  if (is_file_entry(cluster)) {
    cJSON *out = cJSON_CreateArray();
    if (!scenario_expand_include(scn, doc, cluster, "/cluster",
                                 &cluster_shape, out, error)) {
      cJSON_Delete(out);
      return FALSE;
    }
    cJSON *one = cJSON_DetachItemFromArray(out, 0);
    cJSON_Delete(out);
    jdoc_forget(doc, cluster);
    cJSON_ReplaceItemInObjectCaseSensitive(tree, "cluster", one);
    cluster = one;
  }
  if (!cJSON_IsObject(cluster))
    return TRUE; /* the section's parser reports the type */
  for (gsize i = 0; i < G_N_ELEMENTS(sections); i++) {
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(cluster, sections[i].key);
    if (cJSON_IsArray(arr) &&
        !expand_section(scn, doc, arr, sections[i].key, &sections[i].shape,
                        error))
      return FALSE;
  }
  return TRUE;
}

/* ---- capacity providers -------------------------------------------- */

/* The group name in an autoScalingGroupArn
 * (arn:aws:autoscaling:...:autoScalingGroupName/NAME), or the bare name. */
static const char *
group_of_arn(const char *arn)
{
  static const char marker[] = ":autoScalingGroupName/";
  const char *at = strstr(arn, marker);
  return at != NULL ? at + strlen(marker) : arn;
}

static AsgConfig *
find_group(ClusterConfig *cfg, const char *group)
{
  for (guint i = 0; i < cfg->asgs->len; i++) {
    AsgConfig *asg = cfg->asgs->pdata[i];
    if (strcmp(asg->group_name, group) == 0)
      return asg;
  }
  return NULL;
}

static gboolean
same_scaling(const AsgConfig *a, const AsgConfig *b)
{
  return a->managed_scaling == b->managed_scaling &&
         a->target_capacity == b->target_capacity &&
         a->min_step == b->min_step && a->max_step == b->max_step &&
         a->warmup == b->warmup;
}

/* managedScaling and managedTerminationProtection of provider @asgp apply
 * to @asg, unless the group set them otherwise itself. */
static gboolean
apply_provider_settings(const JNode *asgp, AsgConfig *asg, GError **error)
{
  static const char *const onoff[] = { "DISABLED", "ENABLED", NULL };
  AsgConfig ms = { .target_capacity = 100, .min_step = 1, .max_step = 10000,
                   .warmup = 300 * SIM_SEC };
  int protection = 0, draining = 1;
  JNode part;
  if (!cluster_parse_managed_scaling(asgp, &ms, error) ||
      !jn_enum(asgp, "managedTerminationProtection", onoff, &protection,
               error) ||
      !jn_enum(asgp, "managedDraining", onoff, &draining, error))
    return FALSE;
  if (jn_member(asgp, "managedScaling", &part)) {
    if (asg->managed_scaling_given && !same_scaling(asg, &ms))
      return jn_error(&part, error, "differs from the managedScaling of "
                      "Auto Scaling group \"%s\" in auto_scaling_groups: "
                      "set it in one place", asg->group_name), FALSE;
    asg->managed_scaling = ms.managed_scaling;
    asg->target_capacity = ms.target_capacity;
    asg->min_step = ms.min_step;
    asg->max_step = ms.max_step;
    asg->warmup = ms.warmup;
  }
  if (jn_member(asgp, "managedTerminationProtection", &part)) {
    if (asg->termination_protection_given &&
        asg->termination_protection != protection)
      return jn_error(&part, error, "differs from the "
                      "managedTerminationProtection of Auto Scaling group "
                      "\"%s\" in auto_scaling_groups: set it in one place",
                      asg->group_name), FALSE;
    asg->termination_protection = protection;
  }
  return TRUE;
}

/* The group @name's provider element @item names, bound to it. */
static gboolean
bind(const JNode *item, const JNode *asgp, ClusterConfig *cfg,
     const char *name, GError **error)
{
  const char *arn = NULL;
  if (!jn_string(asgp, "autoScalingGroupArn", &arn, error))
    return FALSE;
  const char *group = group_of_arn(arn);
  AsgConfig *asg = find_group(cfg, group);
  if (asg == NULL)
    return jn_error(item, error, "capacity provider \"%s\" uses Auto "
                    "Scaling group \"%s\", which is not in "
                    "cluster.auto_scaling_groups (fetch it with: aws "
                    "autoscaling describe-auto-scaling-groups "
                    "--auto-scaling-group-names %s)", name, group, group),
           FALSE;
  if (strcmp(asg->name, asg->group_name) != 0)
    return jn_error(item, error, "Auto Scaling group \"%s\" is used by "
                    "capacity provider \"%s\" already (a group serves one "
                    "capacity provider)", group, asg->name), FALSE;
  const AsgConfig *other = cluster_config_find_asg(cfg, name);
  if (other != NULL && other != asg)
    return jn_error(item, error, "the name \"%s\" is taken by another "
                    "Auto Scaling group's capacity provider", name), FALSE;
  if (!apply_provider_settings(asgp, asg, error))
    return FALSE;
  asg->name = name;
  return TRUE;
}

gboolean
cluster_aws_bind_provider(const JNode *item, ClusterConfig *cfg,
                          GError **error)
{
  static const char *const keys[] = {
    "name", "autoScalingGroupProvider",
    /* output only: accepted, not modelled */
    "capacityProviderArn", "status", "updateStatus", "updateStatusReason",
    "tags", "cluster", "type", NULL
  };
  static const char *const required[] = { "name", NULL };
  static const char *const asgp_keys[] = {
    "autoScalingGroupArn", "managedScaling", "managedTerminationProtection",
    "managedDraining", NULL
  };
  static const char *const asgp_required[] = { "autoScalingGroupArn", NULL };
  const char *name = NULL;
  JNode asgp;
  if (!jn_check_object(item, keys, required, error) ||
      !jn_string(item, "name", &name, error))
    return FALSE;
  gboolean fargate = cluster_config_is_fargate_provider(name);
  if (!jn_member(item, "autoScalingGroupProvider", &asgp))
    return fargate || (jn_error(item, error, "capacity provider \"%s\" has "
                                "no autoScalingGroupProvider (only FARGATE "
                                "and FARGATE_SPOT come without one; "
                                "Managed Instances providers are not "
                                "modelled)", name), FALSE);
  if (fargate)
    return jn_error(&asgp, error, "%s is AWS's own capacity provider: it "
                    "has no Auto Scaling group", name), FALSE;
  return jn_check_object(&asgp, asgp_keys, asgp_required, error) &&
         bind(item, &asgp, cfg, name, error);
}
