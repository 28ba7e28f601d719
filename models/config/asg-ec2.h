/* An Auto Scaling group's EC2 purchase options, in the shapes of
 * `aws autoscaling describe-auto-scaling-groups` and `describe-warm-pool`
 * (scenarios/REFERENCE.md, "auto_scaling_groups[]"; ECS-REFERENCE §11):
 *
 *   "MixedInstancesPolicy": {
 *     "LaunchTemplate": {"Overrides": [
 *       {"InstanceType": "m6i.large", "WeightedCapacity": "1",
 *        "spot_interruptions_per_hour": 0.001,   ecsim: this pool's rate
 *        "spot_discount": 0.6,                   ecsim: or the catalog's
 *        "spot_price_trace": "m6i.csv"}]},       ecsim: or a price history
 *     "InstancesDistribution": {"OnDemandBaseCapacity": 0,
 *       "OnDemandPercentageAboveBaseCapacity": 100,
 *       "OnDemandAllocationStrategy": "prioritized",
 *       "SpotAllocationStrategy": "price-capacity-optimized"}},
 *   "CapacityRebalance": false,
 *   "WarmPoolConfiguration": {"MinSize": 0, "MaxGroupPreparedCapacity": 4,
 *     "PoolState": "Stopped", "InstanceReusePolicy":
 *     {"ReuseOnScaleIn": false}},
 *   "spot_interruptions": {"per_instance_hour": 0,
 *     "interruptions": [{"at": "1h", "count": 1}], "notice": "120s",
 *     "rebalance_recommendation": "10m"},
 *   "ecs_agent": {"ECS_ENABLE_SPOT_INSTANCE_DRAINING": false},
 *   "warm_pool": {"join_time": Dist, "ebs_gib": 30,
 *     "ebs_usd_per_gib_month": 0.08}
 *
 * Every field is optional; without them an ASG is what it was before. */
#pragma once

#include <glib.h>

#include "models/config/instance-types.h"
#include "models/config/spot-prices.h"
#include "models/input/dist.h"
#include "models/input/jnode.h"

typedef enum {
  SPOT_PRICE_CAPACITY_OPTIMIZED, /* lowest interruption rate, then price */
  SPOT_CAPACITY_OPTIMIZED,       /* lowest rate, then Overrides order */
  SPOT_CAPACITY_OPTIMIZED_PRIORITIZED, /* the same here */
  SPOT_LOWEST_PRICE,             /* lowest Spot price now */
} SpotAllocationStrategy;

typedef struct {
  const InstanceType *type;
  int weight;                    /* WeightedCapacity, default 1 */
  double interruptions_per_hour; /* < 0: the group's per_instance_hour */
  double spot_discount;          /* < 0: the catalog's Spot discount */
  SpotPrices *spot_prices;       /* owned, or NULL */
} AsgOverride;

typedef struct {
  GArray *overrides;             /* AsgOverride, at least one */
  int on_demand_base;            /* OnDemandBaseCapacity, default 0 */
  int on_demand_pct;             /* ...PercentageAboveBaseCapacity, 100 */
  SpotAllocationStrategy spot_strategy;
} AsgMixedPolicy;

typedef struct {
  double per_instance_hour;      /* Poisson rate per Spot instance-hour,
                                    default 0 (UNVERIFIED: a parameter) */
  GArray *scheduled;             /* ScheduledSpotEvent (cluster-config.h
                                    shape: at, count) */
  SimTime notice;                /* default 120 s [DG23] */
  SimTime rebalance_lead;        /* recommendation before the notice,
                                    default 10 min (UNVERIFIED) */
} AsgSpotInterruptions;

typedef enum {
  WARM_POOL_STOPPED,             /* AWS's default */
  WARM_POOL_RUNNING,
  WARM_POOL_HIBERNATED,
} WarmPoolState;

typedef struct {
  int min_size;                  /* MinSize, default 0 */
  int max_prepared;              /* MaxGroupPreparedCapacity; -1: the
                                    group's max */
  WarmPoolState state;
  Dist join_time;                /* leaving the pool to agent registered */
  double ebs_gib;                /* root volume, default 30 GiB */
  double ebs_usd_per_gib_month;  /* default gp3 us-east-1, $0.08 */
} AsgWarmPool;

typedef struct {
  AsgMixedPolicy *mixed;         /* owned, or NULL */
  AsgSpotInterruptions spot;
  gboolean capacity_rebalance;   /* CapacityRebalance */
  gboolean spot_draining;        /* ECS_ENABLE_SPOT_INSTANCE_DRAINING */
  AsgWarmPool *warm_pool;        /* owned, or NULL */
} AsgEc2Options;

/* Reads the members above from ASG object @n into @opt (zeroed first),
 * resolving instance types in @catalog. @spot: the group's legacy
 * all-Spot flag (a warm pool refuses it). FALSE and @error ("FILE: PATH:
 * reason") on bad input. */
gboolean asg_ec2_parse(const JNode *n, const InstanceCatalog *catalog,
                       gboolean spot, AsgEc2Options *opt, GError **error);
/* Frees what asg_ec2_parse() allocated (not @opt itself). */
void asg_ec2_clear(AsgEc2Options *opt);

/* The On-Demand capacity a group of @total units keeps by
 * OnDemandBaseCapacity and OnDemandPercentageAboveBaseCapacity, fractions
 * rounded up to On-Demand ([ASG23]). */
int asg_ec2_on_demand_wanted(const AsgMixedPolicy *m, int total);

/* The warm pool's wanted size when the group's desired capacity is
 * @desired and its maximum @max ([ASG23] MaxGroupPreparedCapacity). */
int asg_ec2_warm_pool_size(const AsgWarmPool *wp, int desired, int max);

/* Pool-state name ("Stopped", ...). */
const char *asg_ec2_pool_state_name(WarmPoolState state);
