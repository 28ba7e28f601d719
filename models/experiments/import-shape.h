/* Which AWS CLI command printed a JSON file, told by its shape.
 *
 * `ecsim validate` and `ecsim import` read files in any names, so they
 * recognise them by their keys: `{"services": [...]}` is
 * describe-services, `{"TargetGroups": [...]}` describe-target-groups,
 * and so on. Anything else is AWS_SHAPE_NONE (a scenario, or a file
 * ecsim does not know). */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

typedef enum {
  AWS_SHAPE_NONE,
  AWS_SHAPE_TASKDEF,            /* a bare task definition */
  AWS_SHAPE_TASKDEF_WRAPPED,    /* describe-task-definition */
  AWS_SHAPE_SERVICES,           /* describe-services */
  AWS_SHAPE_SERVICE_WRAPPED,    /* create-service, update-service */
  AWS_SHAPE_CLUSTERS,           /* describe-clusters */
  AWS_SHAPE_CAPACITY_PROVIDERS, /* describe-capacity-providers */
  AWS_SHAPE_AUTO_SCALING_GROUPS,      /* describe-auto-scaling-groups */
  AWS_SHAPE_LAUNCH_TEMPLATE_VERSIONS, /* describe-launch-template-versions */
  AWS_SHAPE_LAUNCH_TEMPLATES,   /* describe-launch-templates (names only) */
  AWS_SHAPE_TARGET_GROUPS,      /* describe-target-groups */
  AWS_SHAPE_TARGET_GROUP_ATTRIBUTES, /* describe-target-group-attributes */
  AWS_SHAPE_LOAD_BALANCERS,     /* describe-load-balancers */
  AWS_SHAPE_LOAD_BALANCER_ATTRIBUTES, /* describe-load-balancer-attributes */
  AWS_SHAPE_SCALABLE_TARGETS,   /* describe-scalable-targets */
  AWS_SHAPE_SCALING_POLICIES,   /* describe-scaling-policies */
  AWS_SHAPE_SCHEDULED_ACTIONS,  /* describe-scheduled-actions */
  AWS_SHAPE_ALARMS,             /* cloudwatch describe-alarms */
  AWS_SHAPE_METRIC_DATA,        /* cloudwatch get-metric-data */
  AWS_SHAPE_METRIC_STATISTICS,  /* cloudwatch get-metric-statistics */
  AWS_SHAPE_N
} AwsShape;

/* The shape of @root (any JSON value; not an object: AWS_SHAPE_NONE).
 * Never fails. */
AwsShape aws_shape_detect(const cJSON *root);

/* The command that prints @shape ("aws ecs describe-services"); "" for
 * AWS_SHAPE_NONE. Static. */
const char *aws_shape_command(AwsShape shape);

/* The key of @shape's list of objects ("services", "TargetGroups"), or
 * NULL for shapes that are one object (task definitions, attributes,
 * metrics). Static. */
const char *aws_shape_list_key(AwsShape shape);
