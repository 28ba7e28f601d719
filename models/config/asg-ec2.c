/* An Auto Scaling group's mixed instances policy, Spot interruptions,
 * capacity rebalancing and warm pool: parsing and the documented rules
 * that need no world. */
#include "models/config/asg-ec2.h"

#include <math.h>
#include <stdlib.h>

#include "models/config/cluster-config.h"

int
asg_ec2_on_demand_wanted(const AsgMixedPolicy *m, int total)
{
  int base = MIN(m->on_demand_base, total);
  int above = total - base;
  /* Integer ceiling of above × pct / 100. */
  return base + (above * m->on_demand_pct + 99) / 100;
}

int
asg_ec2_warm_pool_size(const AsgWarmPool *wp, int desired, int max)
{
  int prepared = wp->max_prepared >= 0 ? wp->max_prepared : max;
  return MAX(wp->min_size, prepared - desired);
}

const char *
asg_ec2_pool_state_name(WarmPoolState state)
{
  static const char *const names[] = { "Stopped", "Running", "Hibernated" };
  return names[state];
}

/* WeightedCapacity is a string of digits in AWS's output ("2"); a number
 * is taken too. */
static gboolean
parse_weight(const JNode *item, int *out, GError **error)
{
  JNode part;
  int64_t w = 1;
  if (!jn_member(item, "WeightedCapacity", &part))
    return TRUE;
  if (cJSON_IsString(part.json)) {
    const char *s = part.json->valuestring;
    char *end = NULL;
    w = g_ascii_strtoll(s, &end, 10);
    if (end == s || *end != '\0' || w < 1 || w > 999)
      return jn_error(&part, error, "must be a whole number from 1 to 999, "
                      "got \"%s\"", s), FALSE;
  } else if (!jn_int(item, "WeightedCapacity", 1, 999, &w, error)) {
    return FALSE;
  }
  *out = (int) w;
  return TRUE;
}

static gboolean
parse_override(const JNode *item, const InstanceCatalog *catalog,
               AsgOverride *o, GError **error)
{
  static const char *const keys[] = {
    "InstanceType", "WeightedCapacity", "spot_interruptions_per_hour",
    "spot_discount", "spot_price_trace",
    /* AWS: a per-type template changes the AMI or network, not the type */
    "LaunchTemplateSpecification", "InstanceRequirements", NULL
  };
  static const char *const required[] = { "InstanceType", NULL };
  const char *name = NULL, *trace = NULL;
  JNode part;
  *o = (AsgOverride){ .weight = 1, .interruptions_per_hour = -1,
                      .spot_discount = -1 };
  if (jn_member(item, "InstanceRequirements", &part))
    return jn_error(&part, error, "attribute-based instance type selection "
                    "is not modelled: list the types as InstanceType "
                    "overrides"), FALSE;
  if (!jn_check_object(item, keys, required, error) ||
      !jn_string(item, "InstanceType", &name, error) ||
      !parse_weight(item, &o->weight, error) ||
      !jn_double(item, "spot_interruptions_per_hour", 0.0, 3600.0,
                 &o->interruptions_per_hour, error) ||
      !jn_double(item, "spot_discount", 0.0, 1.0, &o->spot_discount,
                 error) ||
      !jn_string(item, "spot_price_trace", &trace, error))
    return FALSE;
  o->type = instance_catalog_find(catalog, name);
  if (o->type == NULL) {
    JNode where;
    jn_member(item, "InstanceType", &where);
    return jn_error(&where, error, "unknown instance type \"%s\" (add it "
                    "under cluster.instance_types)", name), FALSE;
  }
  if (trace != NULL) {
    g_autofree char *path = jn_resolve_path(item, trace);
    o->spot_prices = spot_prices_load(path, trace, error);
    if (o->spot_prices == NULL) {
      JNode where;
      jn_member(item, "spot_price_trace", &where);
      g_autofree char *at = jn_where(&where);
      g_prefix_error(error, "%s: ", at);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
parse_distribution(const JNode *n, AsgMixedPolicy *m, GError **error)
{
  static const char *const keys[] = {
    "OnDemandBaseCapacity", "OnDemandPercentageAboveBaseCapacity",
    "OnDemandAllocationStrategy", "SpotAllocationStrategy",
    "SpotInstancePools", "SpotMaxPrice", NULL
  };
  static const char *const on_demand[] = { "prioritized", NULL };
  static const char *const spot[] = {
    "price-capacity-optimized", "capacity-optimized",
    "capacity-optimized-prioritized", "lowest-price", NULL
  };
  int64_t base = 0, pct = 100, pools = 2;
  int od = 0, strategy = 0;
  const char *max_price = NULL;
  if (!jn_check_object(n, keys, NULL, error) ||
      !jn_int(n, "OnDemandBaseCapacity", 0, 100000, &base, error) ||
      !jn_int(n, "OnDemandPercentageAboveBaseCapacity", 0, 100, &pct,
              error) ||
      !jn_enum(n, "OnDemandAllocationStrategy", on_demand, &od, error) ||
      !jn_enum(n, "SpotAllocationStrategy", spot, &strategy, error) ||
      !jn_int(n, "SpotInstancePools", 1, 20, &pools, error) ||
      !jn_string(n, "SpotMaxPrice", &max_price, error))
    return FALSE;
  m->on_demand_base = (int) base;
  m->on_demand_pct = (int) pct;
  m->spot_strategy = strategy;
  return TRUE;
}

static void
override_clear(gpointer p)
{
  spot_prices_free(((AsgOverride *) p)->spot_prices);
}

static gboolean
parse_mixed(const JNode *n, const InstanceCatalog *catalog,
            AsgMixedPolicy *m, GError **error)
{
  static const char *const keys[] = { "LaunchTemplate",
                                      "InstancesDistribution", NULL };
  static const char *const lt_keys[] = { "LaunchTemplateSpecification",
                                         "Overrides", NULL };
  static const char *const required[] = { "LaunchTemplate", NULL };
  JNode lt, arr, part;
  m->on_demand_pct = 100;
  if (!jn_check_object(n, keys, required, error) ||
      !jn_member(n, "LaunchTemplate", &lt) ||
      !jn_check_object(&lt, lt_keys, NULL, error))
    return FALSE;
  /* Without Overrides (AWS allows it) the group's type is its launch
   * template's: cluster-config.c adds it as the one override. */
  if (!jn_member(&lt, "Overrides", &arr))
    return !jn_member(n, "InstancesDistribution", &part) ||
           parse_distribution(&part, m, error);
  if (!jn_check_array(&arr, 1, 40, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    AsgOverride o;
    jn_index(&arr, i, &item);
    if (!parse_override(&item, catalog, &o, error))
      return FALSE;
    g_array_append_val(m->overrides, o);
  }
  return !jn_member(n, "InstancesDistribution", &part) ||
         parse_distribution(&part, m, error);
}

static gboolean
parse_interruptions(const JNode *n, AsgSpotInterruptions *s, GError **error)
{
  static const char *const keys[] = { "per_instance_hour", "interruptions",
                                      "notice", "rebalance_recommendation",
                                      NULL };
  static const char *const ev_keys[] = { "at", "count", NULL };
  JNode arr;
  if (!jn_check_object(n, keys, NULL, error) ||
      !jn_double(n, "per_instance_hour", 0.0, 3600.0, &s->per_instance_hour,
                 error) ||
      !jn_duration(n, "notice", 0, SIM_HOUR, &s->notice, error) ||
      !jn_duration(n, "rebalance_recommendation", 0, SIM_DAY,
                   &s->rebalance_lead, error))
    return FALSE;
  if (!jn_member(n, "interruptions", &arr))
    return TRUE;
  /* cluster-spot.c packs the index in 16 bits. */
  if (!jn_check_array(&arr, 0, 65535, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    ScheduledSpotEvent ev = { 0 };
    int64_t count = 1;
    jn_index(&arr, i, &item);
    if (!jn_check_object(&item, ev_keys, ev_keys, error) ||
        !jn_duration(&item, "at", 0, SIM_TIME_MAX / 4, &ev.at, error) ||
        !jn_int(&item, "count", 1, 100000, &count, error))
      return FALSE;
    ev.count = (int) count;
    g_array_append_val(s->scheduled, ev);
  }
  return TRUE;
}

static gboolean
parse_warm_pool(const JNode *n, AsgWarmPool *wp, GError **error)
{
  static const char *const keys[] = { "MinSize", "MaxGroupPreparedCapacity",
                                      "PoolState", "InstanceReusePolicy",
                                      /* describe output: PendingDelete */
                                      "Status", NULL };
  static const char *const reuse_keys[] = { "ReuseOnScaleIn", NULL };
  static const char *const states[] = { "Stopped", "Running", "Hibernated",
                                        NULL };
  int64_t min = 0, max = -1;
  int state = 0;
  gboolean reuse = FALSE;
  JNode part;
  if (!jn_check_object(n, keys, NULL, error) ||
      !jn_int(n, "MinSize", 0, 10000, &min, error) ||
      !jn_int(n, "MaxGroupPreparedCapacity", -1, 10000, &max, error) ||
      !jn_enum(n, "PoolState", states, &state, error))
    return FALSE;
  if (jn_member(n, "InstanceReusePolicy", &part) &&
      (!jn_check_object(&part, reuse_keys, NULL, error) ||
       !jn_bool(&part, "ReuseOnScaleIn", &reuse, error)))
    return FALSE;
  if (reuse) {
    JNode where;
    jn_member(&part, "ReuseOnScaleIn", &where);
    return jn_error(&where, error, "Amazon ECS does not support returning "
                    "instances to the warm pool on scale-in (Developer "
                    "Guide, warm pools); set it to false"), FALSE;
  }
  wp->min_size = (int) min;
  wp->max_prepared = (int) max;
  wp->state = state;
  return TRUE;
}

static gboolean
parse_warm_pool_params(const JNode *n, AsgWarmPool *wp, GError **error)
{
  static const char *const keys[] = { "join_time", "ebs_gib",
                                      "ebs_usd_per_gib_month", NULL };
  return jn_check_object(n, keys, NULL, error) &&
         dist_member(n, "join_time", SIM_HOUR, &wp->join_time, error) &&
         jn_double(n, "ebs_gib", 1.0, 65536.0, &wp->ebs_gib, error) &&
         jn_double(n, "ebs_usd_per_gib_month", 0.0, 100.0,
                   &wp->ebs_usd_per_gib_month, error);
}

/* A warm pool refuses what AWS's PutWarmPool refuses. */
static gboolean
check_warm_pool(const JNode *n, const AsgEc2Options *opt, gboolean spot,
                GError **error)
{
  JNode where;
  if (opt->warm_pool == NULL || (opt->mixed == NULL && !spot))
    return TRUE;
  jn_member(n, "WarmPoolConfiguration", &where);
  return jn_error(&where, error, "a warm pool cannot be added to an Auto "
                  "Scaling group that has a mixed instances policy or "
                  "requests Spot Instances (PutWarmPool)"), FALSE;
}

gboolean
asg_ec2_parse(const JNode *n, const InstanceCatalog *catalog, gboolean spot,
              AsgEc2Options *opt, GError **error)
{
  static const char *const agent_keys[] = {
    "ECS_ENABLE_SPOT_INSTANCE_DRAINING", NULL
  };
  JNode part;
  *opt = (AsgEc2Options){
    .spot = { .notice = 120 * SIM_SEC, .rebalance_lead = 10 * SIM_MIN,
              .scheduled = g_array_new(FALSE, TRUE,
                                       sizeof(ScheduledSpotEvent)) },
  };
  if (jn_member(n, "MixedInstancesPolicy", &part)) {
    opt->mixed = g_new0(AsgMixedPolicy, 1);
    opt->mixed->overrides = g_array_new(FALSE, TRUE, sizeof(AsgOverride));
    g_array_set_clear_func(opt->mixed->overrides, override_clear);
    if (!parse_mixed(&part, catalog, opt->mixed, error))
      return FALSE;
  }
  if (!jn_bool(n, "CapacityRebalance", &opt->capacity_rebalance, error))
    return FALSE;
  if (jn_member(n, "spot_interruptions", &part) &&
      !parse_interruptions(&part, &opt->spot, error))
    return FALSE;
  if (jn_member(n, "ecs_agent", &part) &&
      (!jn_check_object(&part, agent_keys, NULL, error) ||
       !jn_bool(&part, "ECS_ENABLE_SPOT_INSTANCE_DRAINING",
                &opt->spot_draining, error)))
    return FALSE;
  if (jn_member(n, "WarmPoolConfiguration", &part)) {
    opt->warm_pool = g_new0(AsgWarmPool, 1);
    *opt->warm_pool = (AsgWarmPool){
      .max_prepared = -1,
      /* Instance start and agent registration: UNVERIFIED, a parameter. */
      .join_time = { .kind = DIST_UNIFORM, .a = 20, .b = 40, .mean = 30 },
      .ebs_gib = 30.0,
      .ebs_usd_per_gib_month = 0.08,
    };
    if (!parse_warm_pool(&part, opt->warm_pool, error))
      return FALSE;
    if (opt->warm_pool->state == WARM_POOL_RUNNING)
      opt->warm_pool->join_time = (Dist){ .kind = DIST_UNIFORM, .a = 5,
                                          .b = 15, .mean = 10 };
  }
  if (jn_member(n, "warm_pool", &part)) {
    if (opt->warm_pool == NULL)
      return jn_error(&part, error, "needs a WarmPoolConfiguration"), FALSE;
    if (!parse_warm_pool_params(&part, opt->warm_pool, error))
      return FALSE;
  }
  return check_warm_pool(n, opt, spot, error);
}

void
asg_ec2_clear(AsgEc2Options *opt)
{
  if (opt->mixed != NULL) {
    g_array_unref(opt->mixed->overrides);
    g_free(opt->mixed);
  }
  if (opt->spot.scheduled != NULL)
    g_array_unref(opt->spot.scheduled);
  if (opt->warm_pool != NULL) {
    dist_clear(&opt->warm_pool->join_time);
    g_free(opt->warm_pool);
  }
  *opt = (AsgEc2Options){ 0 };
}
