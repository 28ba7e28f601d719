/* `ecsim import`: the capacity chain, from the capacity providers a
 * service (or its cluster's default strategy) uses to their Auto Scaling
 * groups and the launch template versions that give the instance type. */
#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"
#include "models/experiments/import-private.h"

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
        import_add_once(names, p->valuestring);
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
        import_add_once(plan->template_files, o->file);
        return;
      }
    }
  }
  const char *key = id ? "LaunchTemplateId" : "LaunchTemplateName";
  gboolean named = import_find_by(plan, AWS_SHAPE_LAUNCH_TEMPLATES, key,
                           id ? id : name) != NULL;
  g_autofree char *what = g_strdup_printf(
    "version %s of launch template %s that Auto Scaling group %s uses%s",
    version, id ? id : name, group,
    named ? " (describe-launch-templates lists its name, not its instance "
            "type)" : "");
  g_autofree char *stem = g_strdup_printf(
    "lt-%s-%s", id ? id : name, version[0] == '$' ? version + 1 : version);
  import_need(plan, TRUE, what, stem, "aws", "ec2",
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
  const ImportObj *cp = import_find_by(plan, AWS_SHAPE_CAPACITY_PROVIDERS, "name",
                                name);
  if (cp == NULL) {
    g_autofree char *what = g_strdup_printf(
      "the capacity provider %s that service %s (or its cluster's default "
      "strategy) uses", name, svc);
    g_autofree char *stem = g_strdup_printf("cp-%s", name);
    import_need(plan, TRUE, what, stem, "aws", "ecs", "describe-capacity-providers",
         "--capacity-providers", name, NULL);
    return TRUE;
  }
  import_add_once(plan->providers, cp);
  const cJSON *asgp = cJSON_GetObjectItemCaseSensitive(
    cp->obj, "autoScalingGroupProvider");
  const char *arn = import_str(asgp, "autoScalingGroupArn");
  if (arn == NULL)
    return TRUE; /* the scenario's own check names what is wrong */
  const char *mark = strstr(arn, "autoScalingGroupName/");
  const char *group = mark ? mark + strlen("autoScalingGroupName/") : arn;
  const ImportObj *asg = import_find_by(plan, AWS_SHAPE_AUTO_SCALING_GROUPS,
                                 "AutoScalingGroupName", group);
  if (asg == NULL) {
    g_autofree char *what = g_strdup_printf(
      "the Auto Scaling group %s behind capacity provider %s", group, name);
    g_autofree char *stem = g_strdup_printf("asg-%s", group);
    import_need(plan, TRUE, what, stem, "aws", "autoscaling",
         "describe-auto-scaling-groups", "--auto-scaling-group-names", group,
         NULL);
    return TRUE;
  }
  import_add_once(plan->groups, asg);
  return pick_group_template(plan, asg, error);
}


gboolean
import_pick_capacity(ImportPlan *plan, GError **error)
{
  if (plan->cluster == NULL)
    return TRUE; /* its command is asked for: providers come after */
  g_autoptr(GPtrArray) providers = needed_providers(plan);
  for (guint i = 0; i < providers->len; i++)
    if (!pick_provider(plan, providers->pdata[i], error))
      return FALSE;
  return TRUE;
}
