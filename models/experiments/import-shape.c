/* Telling AWS CLI outputs apart by their keys. */
#include <string.h>

#include "models/experiments/import-shape.h"

typedef struct {
  AwsShape shape;
  const char *list_key; /* the array that identifies the shape */
  const char *command;
} ShapeRow;

/* Shapes told by one top-level array. A scenario has none of these keys
 * at its top level, except "services" (checked apart, below). */
static const ShapeRow list_shapes[] = {
  { AWS_SHAPE_TARGET_GROUPS, "TargetGroups", "aws elbv2 describe-target-groups" },
  { AWS_SHAPE_CLUSTERS, "clusters", "aws ecs describe-clusters" },
  { AWS_SHAPE_CAPACITY_PROVIDERS, "capacityProviders",
    "aws ecs describe-capacity-providers" },
  { AWS_SHAPE_AUTO_SCALING_GROUPS, "AutoScalingGroups",
    "aws autoscaling describe-auto-scaling-groups" },
  { AWS_SHAPE_LAUNCH_TEMPLATE_VERSIONS, "LaunchTemplateVersions",
    "aws ec2 describe-launch-template-versions" },
  { AWS_SHAPE_LAUNCH_TEMPLATES, "LaunchTemplates",
    "aws ec2 describe-launch-templates" },
  { AWS_SHAPE_TARGET_GROUP_ATTRIBUTES, "Attributes",
    "aws elbv2 describe-target-group-attributes" },
  { AWS_SHAPE_LOAD_BALANCERS, "LoadBalancers",
    "aws elbv2 describe-load-balancers" },
  { AWS_SHAPE_SCALABLE_TARGETS, "ScalableTargets",
    "aws application-autoscaling describe-scalable-targets" },
  { AWS_SHAPE_SCALING_POLICIES, "ScalingPolicies",
    "aws application-autoscaling describe-scaling-policies" },
  { AWS_SHAPE_SCHEDULED_ACTIONS, "ScheduledActions",
    "aws application-autoscaling describe-scheduled-actions" },
  { AWS_SHAPE_ALARMS, "MetricAlarms", "aws cloudwatch describe-alarms" },
  { AWS_SHAPE_ALARMS, "CompositeAlarms", "aws cloudwatch describe-alarms" },
  { AWS_SHAPE_METRIC_DATA, "MetricDataResults",
    "aws cloudwatch get-metric-data" },
  { AWS_SHAPE_METRIC_STATISTICS, "Datapoints",
    "aws cloudwatch get-metric-statistics" },
  { AWS_SHAPE_SERVICES, "services", "aws ecs describe-services" },
};

static const char *const other_commands[AWS_SHAPE_N] = {
  [AWS_SHAPE_LOAD_BALANCER_ATTRIBUTES] =
    "aws elbv2 describe-load-balancer-attributes",
  [AWS_SHAPE_TASKDEF] = "aws ecs describe-task-definition",
  [AWS_SHAPE_TASKDEF_WRAPPED] = "aws ecs describe-task-definition",
  [AWS_SHAPE_SERVICE_WRAPPED] = "aws ecs create-service",
};

static const cJSON *
member(const cJSON *o, const char *key)
{
  return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* A scenario has "services" too: describe-services output has nothing
 * but services and failures. */
static gboolean
only_services(const cJSON *root)
{
  for (const cJSON *k = root->child; k; k = k->next)
    if (strcmp(k->string, "services") != 0 &&
        strcmp(k->string, "failures") != 0)
      return FALSE;
  return TRUE;
}

/* describe-load-balancer-attributes prints {"Attributes": [...]} as
 * describe-target-group-attributes does: the keys tell them apart (AWS
 * documents these for load balancers only). */
static gboolean
load_balancer_attributes(const cJSON *root)
{
  static const char *const prefixes[] = {
    "access_logs.", "connection_logs.", "deletion_protection.",
    "idle_timeout.", "routing.http", "waf.", "client_keep_alive.",
    "zonal_shift.", "health_check_logs.",
  };
  const cJSON *a;
  cJSON_ArrayForEach(a, member(root, "Attributes")) {
    const char *key = cJSON_GetStringValue(member(a, "Key"));
    for (gsize i = 0; key && i < G_N_ELEMENTS(prefixes); i++)
      if (g_str_has_prefix(key, prefixes[i]))
        return TRUE;
  }
  return FALSE;
}

AwsShape
aws_shape_detect(const cJSON *root)
{
  if (!cJSON_IsObject(root))
    return AWS_SHAPE_NONE;
  if (member(root, "containerDefinitions"))
    return AWS_SHAPE_TASKDEF;
  if (cJSON_IsObject(member(root, "taskDefinition")))
    return AWS_SHAPE_TASKDEF_WRAPPED;
  if (cJSON_IsObject(member(root, "service")))
    return AWS_SHAPE_SERVICE_WRAPPED;
  /* Scenario keys rule out the shapes below ("cluster" holds
   * capacityProviders one level down, never at the top). */
  if (member(root, "taskDefinitions"))
    return AWS_SHAPE_NONE;
  for (gsize i = 0; i < G_N_ELEMENTS(list_shapes); i++) {
    if (!cJSON_IsArray(member(root, list_shapes[i].list_key)))
      continue;
    if (list_shapes[i].shape == AWS_SHAPE_SERVICES && !only_services(root))
      continue;
    if (list_shapes[i].shape == AWS_SHAPE_TARGET_GROUP_ATTRIBUTES &&
        load_balancer_attributes(root))
      return AWS_SHAPE_LOAD_BALANCER_ATTRIBUTES;
    return list_shapes[i].shape;
  }
  return AWS_SHAPE_NONE;
}

const char *
aws_shape_command(AwsShape shape)
{
  for (gsize i = 0; i < G_N_ELEMENTS(list_shapes); i++)
    if (list_shapes[i].shape == shape)
      return list_shapes[i].command;
  return shape < AWS_SHAPE_N && other_commands[shape] ? other_commands[shape]
                                                       : "";
}

const char *
aws_shape_list_key(AwsShape shape)
{
  if (shape == AWS_SHAPE_ALARMS)
    return "MetricAlarms";
  if (shape == AWS_SHAPE_TARGET_GROUP_ATTRIBUTES ||
      shape == AWS_SHAPE_LOAD_BALANCER_ATTRIBUTES ||
      shape == AWS_SHAPE_METRIC_DATA || shape == AWS_SHAPE_METRIC_STATISTICS)
    return NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(list_shapes); i++)
    if (list_shapes[i].shape == shape)
      return list_shapes[i].list_key;
  return NULL;
}
