/* Spot Instances in Auto Scaling groups (ECS-REFERENCE §11): which
 * purchase option and instance type a new instance gets under a mixed
 * instances policy, the two-minute interruption notice, ECS Spot instance
 * draining, and Capacity Rebalancing. */
#include "models/capacity/cluster-private.h"

#include <gsl/gsl_randist.h>

#include "models/capacity/managed-scaling.h"
#include "models/config/scenario.h"
#include "models/core/eventlog.h"
#include "models/core/hooks.h"

static const AsgConfig *
asg_cfg(const World *w, int asg)
{
  return w->cfg->cluster->asgs->pdata[asg];
}

static const AsgOverride *
override_of(const AsgConfig *cfg, int pool)
{
  return &g_array_index(cfg->ec2.mixed->overrides, AsgOverride, pool);
}

/* Interruptions per instance-hour of Spot pool @pool (-1: the group's
 * single type). */
static double
pool_rate(const AsgConfig *cfg, int pool)
{
  if (pool >= 0 && override_of(cfg, pool)->interruptions_per_hour >= 0)
    return override_of(cfg, pool)->interruptions_per_hour;
  return cfg->ec2.spot.per_instance_hour;
}

/* The Spot price of pool @pool now, per unit of capacity. */
static double
pool_price(World *w, const AsgConfig *cfg, int pool)
{
  const AsgOverride *o = override_of(cfg, pool);
  if (o->spot_prices != NULL)
    return spot_prices_at(o->spot_prices, world_now(w)) / o->weight;
  double hourly = pricing_ec2_hour(w->cfg->pricing, o->type->name);
  if (hourly < 0)
    hourly = o->type->price_per_hour;
  double off = o->spot_discount >= 0 ? o->spot_discount
                                     : w->cfg->pricing->ec2_spot_discount;
  return hourly * (1.0 - off) / o->weight;
}

/* The Spot pool an allocation strategy picks. price-capacity-optimized is
 * approximated as the lowest interruption rate, then the lowest price per
 * unit among those; the capacity-optimized ones take the lowest rate, ties
 * in Overrides order; lowest-price the lowest price per unit (one pool,
 * not SpotInstancePools of them). */
static int
choose_spot_pool(World *w, const AsgConfig *cfg)
{
  const AsgMixedPolicy *m = cfg->ec2.mixed;
  int best = 0;
  for (guint i = 1; i < m->overrides->len; i++) {
    double r = pool_rate(cfg, (int) i), rb = pool_rate(cfg, best);
    double p = pool_price(w, cfg, (int) i), pb = pool_price(w, cfg, best);
    gboolean better;
    switch (m->spot_strategy) {
    case SPOT_LOWEST_PRICE:
      better = p < pb;
      break;
    case SPOT_PRICE_CAPACITY_OPTIMIZED:
      better = r < rb || (r == rb && p < pb);
      break;
    default:
      better = r < rb;
      break;
    }
    if (better)
      best = (int) i;
  }
  return best;
}

void
cluster_spot_choose(World *w, Instance *inst, gboolean force_spot)
{
  const AsgConfig *cfg = asg_cfg(w, inst->asg);
  const AsgMixedPolicy *m = cfg->ec2.mixed;
  inst->weight = 1;
  inst->pool = -1;
  inst->type = cfg->type;
  inst->spot = cfg->spot;
  if (m == NULL)
    return;
  /* The group's capacity now, in units, as the base/percentage rule
   * counts it: instances in service or on their way, not those leaving. */
  int on_demand = 0, total = 0;
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *k = cluster_instance(w, i);
    if (k->asg != inst->asg || k->state == INSTANCE_TERMINATED ||
        k->state == INSTANCE_DRAINING)
      continue;
    total += k->weight;
    on_demand += k->spot ? 0 : k->weight;
  }
  /* On-Demand instances follow the "prioritized" order: the first
   * override. */
  int next = override_of(cfg, 0)->weight;
  gboolean od = !force_spot &&
                on_demand < asg_ec2_on_demand_wanted(m, total + next);
  inst->pool = od ? 0 : choose_spot_pool(w, cfg);
  inst->spot = !od;
  inst->type = override_of(cfg, inst->pool)->type;
  inst->weight = override_of(cfg, inst->pool)->weight;
}

/* Notice at @notice for @inst, and the rebalance recommendation before it
 * when the group rebalances; nothing beyond the horizon. */
static void
schedule_interruption(World *w, Instance *inst, SimTime notice)
{
  const AsgConfig *cfg = asg_cfg(w, inst->asg);
  if (notice > w->horizon)
    return;
  if (cfg->ec2.capacity_rebalance)
    cluster_schedule(w, MAX(world_now(w), notice - cfg->ec2.spot
                                                     .rebalance_lead),
                     CL_REBALANCE, inst->id);
  cluster_schedule(w, notice, CL_SPOT_NOTICE, inst->id);
}

void
cluster_spot_registered(World *w, Instance *inst)
{
  const AsgConfig *cfg = asg_cfg(w, inst->asg);
  if (inst->replaces >= 0) {
    Instance *old = cl(w)->instances->pdata[inst->replaces];
    if (old->state == INSTANCE_ACTIVE) {
      /* Capacity Rebalancing: the replacement is in service, so the
       * group terminates the at-risk instance; ECS managed instance
       * draining moves its tasks off first. */
      eventlog_add(w, -1, "capacity-rebalance", NULL, NULL,
                   "Auto Scaling group %s: replacement %s is InService; "
                   "terminating at-risk Spot Instance %s (Capacity "
                   "Rebalancing).", cfg->name, inst->ec2_id, old->ec2_id);
      cluster_drain(w, old);
    }
  }
  double rate = pool_rate(cfg, inst->pool);
  if (!inst->spot || rate <= 0)
    return;
  gsl_rng *rng = world_rng(w, "spot-instance-interruption", cfg->name);
  double seconds = gsl_ran_exponential(rng, 3600.0 / rate);
  double until = sim_time_to_seconds(w->horizon - world_now(w));
  if (seconds < until)
    schedule_interruption(w, inst,
                          world_now(w) + sim_time_from_seconds(seconds));
}

void
cluster_spot_init(World *w)
{
  for (guint a = 0; a < w->cfg->cluster->asgs->len; a++) {
    const AsgConfig *cfg = asg_cfg(w, (int) a);
    GArray *ev = cfg->ec2.spot.scheduled;
    for (guint i = 0; ev != NULL && i < ev->len; i++) {
      const ScheduledSpotEvent *e = &g_array_index(ev, ScheduledSpotEvent,
                                                   i);
      /* The victims are chosen when the first signal comes: the
       * recommendation, if the group rebalances. */
      SimTime first = e->at;
      if (cfg->ec2.capacity_rebalance)
        first = MAX(0, e->at - cfg->ec2.spot.rebalance_lead);
      if (first <= w->horizon)
        cluster_schedule(w, first, CL_SPOT_SCHEDULED, a << 16 | i);
    }
  }
}

/* A scheduled interruption hits the oldest registered Spot Instances of
 * the group not already warned. */
static void
on_scheduled(World *w, guint32 arg)
{
  int asg = (int) (arg >> 16);
  const ScheduledSpotEvent *e = &g_array_index(
    asg_cfg(w, asg)->ec2.spot.scheduled, ScheduledSpotEvent, arg & 0xffff);
  int left = e->count;
  for (guint i = 0; i < cluster_n_instances(w) && left > 0; i++) {
    Instance *inst = cl(w)->instances->pdata[i];
    if (inst->asg == asg && inst->spot && inst->state == INSTANCE_ACTIVE &&
        inst->notice_at < 0 && !inst->rebalancing) {
      schedule_interruption(w, inst, MAX(e->at, world_now(w)));
      left--;
    }
  }
}

static void
on_notice(World *w, Instance *inst)
{
  const AsgConfig *cfg = asg_cfg(w, inst->asg);
  if (inst->state == INSTANCE_TERMINATED || inst->notice_at >= 0)
    return;
  inst->notice_at = world_now(w);
  eventlog_add(w, -1, "spot-interruption-warning", NULL, NULL,
               "EC2 Spot Instance Interruption Warning: instance %s (%s, "
               "%s) will be terminated in %.0f seconds.", inst->ec2_id,
               inst->type->name,
               (char *) w->cfg->cluster->azs->pdata[inst->az],
               sim_time_to_seconds(cfg->ec2.spot.notice));
  /* ECS_ENABLE_SPOT_INSTANCE_DRAINING: the agent sets the instance
   * DRAINING at the notice; it stays until EC2 takes it back. */
  if (cfg->ec2.spot_draining)
    cluster_drain_instance(w, inst, FALSE);
  cluster_schedule(w, world_now(w) + cfg->ec2.spot.notice, CL_SPOT_RECLAIM,
                   inst->id);
}

static void
on_reclaim(World *w, Instance *inst)
{
  if (inst->state == INSTANCE_TERMINATED)
    return;
  cl(w)->spot_interruptions++;
  eventlog_add(w, -1, "spot-interruption", NULL, NULL,
               "EC2 terminated Spot Instance %s (instance-action: "
               "terminate)%s.", inst->ec2_id,
               inst->tasks > 0 ? "; its tasks stopped with it" : "");
  cluster_terminate(w, inst, "Spot interruption");
  /* The group launches a replacement to keep its desired capacity. */
  managed_scaling_replace(w, inst->asg);
  world_reconcile_wanted(w, -1);
}

static void
on_rebalance(World *w, Instance *inst)
{
  if (inst->state != INSTANCE_ACTIVE || inst->rebalancing ||
      inst->notice_at >= 0)
    return;
  inst->rebalancing = TRUE;
  eventlog_add(w, -1, "rebalance-recommendation", NULL, NULL,
               "EC2 Instance Rebalance Recommendation for %s: Capacity "
               "Rebalancing launches a replacement Spot Instance first.",
               inst->ec2_id);
  Instance *fresh = cluster_launch_as(w, inst->asg, FALSE, TRUE);
  if (fresh != NULL)
    fresh->replaces = (int) inst->id;
}

void
cluster_spot_on_event(World *w, guint32 what, guint32 arg)
{
  if (what == CL_SPOT_SCHEDULED) {
    on_scheduled(w, arg);
    return;
  }
  Instance *inst = cl(w)->instances->pdata[arg];
  if (what == CL_SPOT_NOTICE)
    on_notice(w, inst);
  else if (what == CL_SPOT_RECLAIM)
    on_reclaim(w, inst);
  else if (what == CL_REBALANCE)
    on_rebalance(w, inst);
}

guint
cluster_spot_interruptions(const World *w)
{
  return cl(w)->spot_interruptions;
}
