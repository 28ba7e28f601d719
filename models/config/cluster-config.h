/* The scenario's `cluster` section: availability zones, capacity providers,
 * Auto Scaling groups with managed scaling, the instance catalog, and the
 * timing of Fargate and EC2 task phases.
 *
 *   "file": "clusters.json",           describe-clusters output, the other
 *                                      keys laid over (cluster-aws.h)
 *   "clusterName": "demo",
 *   "availability_zones": ["us-east-1a", "us-east-1b", "us-east-1c"],
 *   "capacityProviders": ["FARGATE", "FARGATE_SPOT", "m6i-asg"],
 *                                      or describe-capacity-providers
 *                                      elements, or {"file": ...}
 *   "launch_templates": [...],         asg-aws.h
 *   "defaultCapacityProviderStrategy": [{"capacityProvider": ..., ...}],
 *   "auto_scaling_groups": [{         or describe-auto-scaling-groups
 *                                      elements (asg-aws.h), or {"file"}
 *       "name": "m6i-asg",             also its capacity provider's name
 *       "instance_type": "m6i.large", "min": 0, "max": 40, "desired": 2,
 *       "availability_zones": [...],   default: the cluster's
 *       "spot": false,                 Spot instances (On-Demand less the
 *                                      catalog's Spot discount)
 *       "spot_price_trace": "p.csv",   with spot: bill a price history
 *                                      instead (spot-prices.h)
 *       "committed": false,            covered by a Savings Plan or
 *                                      Reserved Instances (the catalog's
 *                                      flat committed discount; pricing's
 *                                      savings_plans and
 *                                      reserved_instances apply them
 *                                      per hour as AWS does)
 *       "launch_time": Dist,           launch to agent registered
 *                                      (default: EC2 pending, uniform
 *                                      5-20 s, plus boot_time)
 *       "boot_time": Dist,             the end of launch_time spent in
 *                                      EC2's "running" state (OS boot and
 *                                      agent start), billed; at most the
 *                                      launch time (default: the
 *                                      instance family's row of
 *                                      instance-boot.h; with a
 *                                      launch_time, the launch less EC2
 *                                      pending, 5-20 s)
 *       "image_pull_behavior": "default", ECS_IMAGE_PULL_BEHAVIOR: default,
 *                                      always, once or prefer-cached
 *                                      (image-pull.h)
 *       "reserved_memory_mib": 0,      ECS_RESERVED_MEMORY
 *       "instance_mttf": "30d",        mean time to an instance failure
 *       "managedScaling": {"status": "ENABLED", "targetCapacity": 100,
 *         "minimumScalingStepSize": 1, "maximumScalingStepSize": 10000,
 *         "instanceWarmupPeriod": 300},
 *       "managedTerminationProtection": "ENABLED",
 *       "creditSpecification": {"cpuCredits": "standard"}}],
 *                                      burstable (t3, t4g) types only:
 *                                      "standard" or "unlimited" (the
 *                                      default, as EC2's for T3/T4g)
 *   "instance_types": [...],           see instance-types.h
 *   "account_settings": {"awsvpcTrunking": "enabled"},
 *   "fargate": {"provisioning": Dist, "activating": Dist,
 *       "image_pull": {"latency": Dist, "bandwidth_mib_per_s": 180,
 *                      "lazy_loading_factor": 0.4},
 *       "pending": Dist,               replaces the image pull model
 *       "launch_rate": {"burst": 100, "per_second": 20},
 *       "spot": {"interruptions_per_task_hour": 0.0,
 *                "interruptions": [{"at": "3h", "count": 2}],
 *                "notice": "120s",
 *                "shortages": [{"at": "5h", "duration": "30m"}]}},
 *   "ec2": {"activating": Dist, "pending": Dist (replaces the pull model),
 *       "image_pull": {"latency": Dist, "bandwidth_mib_per_s": 100,
 *                      "manifest_check": Dist}},
 *   "task_stop": {"stopping": Dist, "deprovisioning": Dist},
 *   "start_warm": true                 tasks and instances of t=0 are
 *                                      already running (false: cold start)
 *
 * Defaults follow ECS-REFERENCE §6 and §10: Fargate ENI attach 11-44 s,
 * image pull latency + size / bandwidth (fitted so that the real log's
 * 38.9 s from "started" to "registered targets" is the median; see
 * REFERENCE.md) and activation 1-5 s; stopping 1-5 s; Fargate
 * deprovisioning 5-15 s. */
#pragma once

#include <glib.h>

#include "models/input/dist.h"
#include "models/config/instance-types.h"
#include "models/input/jnode.h"
#include "models/config/service-config.h"
#include "models/config/spot-prices.h"
#include "models/config/asg-ec2.h"

/* ECS_IMAGE_PULL_BEHAVIOR (ECS-REFERENCE §10). */
typedef enum {
  IMAGE_PULL_DEFAULT,        /* pull; on failure use the cache */
  IMAGE_PULL_ALWAYS,         /* pull; on failure the task fails */
  IMAGE_PULL_ONCE,           /* pull unless pulled before on the instance
                                and not cleaned up since */
  IMAGE_PULL_PREFER_CACHED,  /* pull unless cached; never cleaned up */
} ImagePullBehavior;

/* The image pull: latency + size / bandwidth (image-pull.h). */
typedef struct {
  Dist latency;                /* registry auth, manifest, layer setup and
                                  unpack overhead of a pull */
  double bandwidth_mib_per_s;  /* compressed MiB per second */
  Dist manifest_check;         /* EC2: a pull that finds every layer
                                  cached (default, always) */
  double lazy_loading_factor;  /* Fargate: the download part of an image
                                  with a SOCI index is multiplied by it */
} ImagePullConfig;

typedef struct {
  const char *name;            /* its capacity provider's name: what
                                  strategies, events and summary.json
                                  call it */
  const char *group_name;      /* the Auto Scaling group's own name; the
                                  same as @name unless a
                                  describe-capacity-providers element binds
                                  a provider of another name to it */
  const char *instance_type_name;
  const InstanceType *type;    /* resolved from the catalog */
  int min, max, desired;
  GPtrArray *azs;              /* const char*, lent */
  gboolean spot;
  SpotPrices *spot_prices;     /* owned, or NULL */
  gboolean committed;
  Dist launch_time;            /* launch to agent registered */
  gboolean launch_time_given;  /* FALSE: EC2 pending + boot_time */
  Dist boot_time;              /* running to registered (billed) */
  gboolean boot_time_given;    /* FALSE: the family's row, or with a
                                  launch_time, launch less EC2 pending */
  ImagePullBehavior pull_behavior;
  int reserved_memory_mib;
  SimTime instance_mttf;       /* 0: instances do not fail */
  gboolean managed_scaling;
  int target_capacity;         /* 1..100, default 100 */
  int min_step, max_step;      /* default 1, 10000 */
  SimTime warmup;              /* instanceWarmupPeriod, default 300 s */
  gboolean termination_protection;
  AsgEc2Options ec2;           /* mixed instances, Spot interruptions,
                                  warm pool (asg-ec2.h) */
  gboolean cpu_credits_given;   /* creditSpecification was written */
  gboolean cpu_credits_standard; /* creditSpecification.cpuCredits
                                    "standard" (burstable types; default
                                    unlimited) */
  gboolean managed_scaling_given; /* managedScaling was written on the
                                     group (a capacity provider element
                                     must then agree with it) */
  gboolean termination_protection_given; /* the same, for
                                            managedTerminationProtection */
} AsgConfig;

typedef struct {
  SimTime at;
  int count;                   /* interruption: tasks hit */
  SimTime duration;            /* shortage: how long */
} ScheduledSpotEvent;

typedef struct {
  Dist provisioning;
  Dist pending;
  gboolean pending_given;      /* pending replaces image_pull */
  ImagePullConfig image_pull;
  Dist activating;
  int launch_burst;
  double launch_per_second;
  double spot_interruptions_per_task_hour;
  GArray *spot_interruptions;  /* ScheduledSpotEvent */
  SimTime spot_notice;
  GArray *spot_shortages;      /* ScheduledSpotEvent */
} FargateConfig;

typedef struct {
  const char *name;
  GPtrArray *azs;              /* const char*, lent */
  GPtrArray *providers;        /* const char*: FARGATE, FARGATE_SPOT and
                                  ASG names associated with the cluster */
  GArray *default_strategy;    /* CapacityProviderItem */
  GPtrArray *asgs;             /* AsgConfig* */
  GPtrArray *launch_templates; /* LaunchTemplateVersion* (asg-aws.h):
                                  where AWS-shaped groups find their
                                  instance type */
  InstanceCatalog *catalog;
  gboolean awsvpc_trunking;
  FargateConfig fargate;
  Dist ec2_pending;
  gboolean ec2_pending_given;  /* ec2_pending replaces ec2_image_pull */
  ImagePullConfig ec2_image_pull;
  Dist ec2_activating;
  Dist stopping;
  Dist deprovisioning;
  gboolean start_warm;
} ClusterConfig;

/* Parses @n (may be an absent node: all defaults). */
ClusterConfig *cluster_config_parse(const JNode *n, GError **error);
void cluster_config_free(ClusterConfig *cfg);

/* The ASG whose capacity provider is named @name, or NULL. */
const AsgConfig *cluster_config_find_asg(const ClusterConfig *cfg,
                                         const char *name);
/* The capacity provider name of the ASG whose group name is @group when
 * that provider is named otherwise (a user who wrote the group's name
 * where the provider's belongs), else NULL. */
const char *cluster_config_provider_of_group(const ClusterConfig *cfg,
                                             const char *group);
/* Index of AZ @name, or -1. */
int cluster_config_az_index(const ClusterConfig *cfg, const char *name);
/* TRUE when @name is FARGATE or FARGATE_SPOT. */
gboolean cluster_config_is_fargate_provider(const char *name);
/* TRUE when capacity provider @name is associated with the cluster. */
gboolean cluster_config_has_provider(const ClusterConfig *cfg,
                                     const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ClusterConfig, cluster_config_free)
