/* A service as the scenario describes it: the AWS CreateService /
 * describe-services shape plus the simulator-only sections `workload`,
 * `scaling` and `failure_model`.
 *
 * Output-only fields of describe-services (serviceArn, status,
 * runningCount, deployments, events, ...) are accepted and ignored: the
 * simulation starts the service afresh. Strings are lent from the
 * scenario's JSON tree, which outlives the config. */
#pragma once

#include <glib.h>

#include "models/config/autoscale-config.h"
#include "models/config/failure.h"
#include "models/input/jnode.h"
#include "models/config/workload.h"
#include "sim/time.h"

typedef enum {
  SERVICE_REPLICA,
  SERVICE_DAEMON,
} ServiceScheduling;

typedef enum {
  LAUNCH_TYPE_NONE,     /* use the capacity provider strategy */
  LAUNCH_TYPE_EC2,
  LAUNCH_TYPE_FARGATE,
} LaunchType;

typedef struct {
  const char *provider; /* capacityProvider */
  int base;             /* 0..100000; only one item may set it */
  int weight;           /* 0..1000 */
} CapacityProviderItem;

typedef enum {
  PLACEMENT_BINPACK,
  PLACEMENT_SPREAD,
  PLACEMENT_RANDOM,
} PlacementStrategyType;

typedef struct {
  PlacementStrategyType type;
  const char *field; /* binpack: "cpu"|"memory"; spread: "instanceId",
                        "host" or "attribute:NAME"; NULL for random */
} PlacementStrategyItem;

typedef enum {
  PLACEMENT_DISTINCT_INSTANCE,
  PLACEMENT_MEMBER_OF,
} PlacementConstraintType;

typedef struct {
  PlacementConstraintType type;
  const char *expression; /* memberOf only */
} PlacementConstraintItem;

typedef struct {
  const char *target_group;   /* targetGroupArn or targetGroupName */
  const char *container_name;
  int container_port;
} LoadBalancerItem;

typedef struct {
  const char *name;                /* serviceName */
  const char *taskdef_ref;         /* taskDefinition as written: "family",
                                      "family:rev" or an ARN */
  int desired_count;
  ServiceScheduling scheduling;
  LaunchType launch_type;
  GArray *cp_strategy;             /* CapacityProviderItem; empty: the
                                      cluster default */
  int min_healthy_percent;         /* default 100 (REPLICA), 0 (DAEMON) */
  int max_percent;                 /* default 200 (REPLICA), 100 (DAEMON) */
  gboolean circuit_breaker;        /* deploymentCircuitBreaker.enable */
  gboolean rollback;               /* deploymentCircuitBreaker.rollback */
  GArray *placement_strategy;      /* PlacementStrategyItem, <= 5 */
  gboolean placement_strategy_set; /* FALSE: ECS's default (spread by AZ) */
  GArray *placement_constraints;   /* PlacementConstraintItem, <= 10 */
  SimTime health_check_grace;      /* healthCheckGracePeriodSeconds */
  GArray *load_balancers;          /* LoadBalancerItem */
  Workload workload;               /* requests; see workload.h */
  gboolean has_workload;
  FailureModel failure;            /* failure_model (simulator only) */
  ScalingConfig *scaling;          /* `scaling`, or NULL */
} ServiceConfig;

/* Parses the service at @n. Cross-references (task definition, target
 * group, capacity providers) are checked by the scenario loader. */
ServiceConfig *service_config_parse(const JNode *n,
                                    const WorkloadParseOptions *options,
                                    GError **error);
void service_config_free(ServiceConfig *cfg);

/* The family and revision a taskDefinition reference names: "web:3",
 * "web" (revision 0 = latest) or an ARN ending in
 * ":task-definition/web:3". Returns FALSE when it is none of these. */
gboolean service_config_split_taskdef_ref(const char *ref, char **family,
                                          int *revision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ServiceConfig, service_config_free)

/* Parses a capacityProviderStrategy array (a service's, or a cluster's
 * defaultCapacityProviderStrategy) of @min_items to 20 items into @out
 * (CapacityProviderItem): `capacityProvider` required, `weight` 0-1000 and
 * `base` 0-100000 default 0, at most one item with a base, as ECS's API
 * takes it. */
gboolean cp_strategy_parse(const JNode *arr, int min_items, GArray *out,
                           GError **error);
