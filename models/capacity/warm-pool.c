/* Warm pools: members, their refills and their bill. */
#include "models/capacity/warm-pool.h"

#include "models/capacity/billing.h"
#include "models/capacity/cluster-private.h"
#include "models/capacity/cost.h"
#include "models/config/scenario.h"
#include "models/core/eventlog.h"

/* AWS bills EBS per GB-month, prorated; a month here is 730 hours, as in
 * AWS's pricing calculator. */
#define HOURS_PER_MONTH 730.0

typedef struct {
  int asg;
  SimTime launched_at;
  SimTime running_at;    /* billed (at full price) from here */
  SimTime ready_at;      /* initialised, in its PoolState from here */
  gboolean ready;
  gboolean gone;         /* left the pool: settled */
} WarmMember;

struct _WarmPools {
  GArray *members;       /* WarmMember, index = member id */
  double hours;          /* settled instance-hours */
  double cost;           /* settled dollars */
};

static const AsgConfig *
asg_cfg(const World *w, int asg)
{
  return w->cfg->cluster->asgs->pdata[asg];
}

gboolean
warm_pool_any(const World *w)
{
  for (guint a = 0; a < w->cfg->cluster->asgs->len; a++)
    if (asg_cfg(w, (int) a)->ec2.warm_pool != NULL)
      return TRUE;
  return FALSE;
}

/* What member @m has cost from its launch to @end; its hours in *@hours. */
static double
member_charge(World *w, const WarmMember *m, SimTime end, double *hours)
{
  const AsgConfig *asg = asg_cfg(w, m->asg);
  const AsgWarmPool *wp = asg->ec2.warm_pool;
  double hourly = pricing_ec2_hour(w->cfg->pricing, asg->type->name);
  if (hourly < 0)
    hourly = asg->type->price_per_hour;
  *hours = sim_time_to_seconds(MAX(end - m->launched_at, 0)) / 3600.0;
  /* Initialising, or waiting Running: EC2's "running" state, full
   * price. */
  SimTime full_end = wp->state == WARM_POOL_RUNNING ? end
                                                    : MIN(end, m->ready_at);
  double usd = 0;
  if (full_end > m->running_at)
    usd += billing_ec2_instance(w->cfg->pricing, hourly, FALSE,
                                asg->committed, m->running_at, full_end);
  if (wp->state != WARM_POOL_RUNNING && end > m->ready_at) {
    /* Stopped: the EBS volume; Hibernated: also the RAM saved to it. */
    double gib = wp->ebs_gib;
    if (wp->state == WARM_POOL_HIBERNATED)
      gib += asg->type->memory_mib / 1024.0;
    double h = sim_time_to_seconds(end - m->ready_at) / 3600.0;
    usd += gib * wp->ebs_usd_per_gib_month * h / HOURS_PER_MONTH;
  }
  return usd;
}

static void
settle(World *w, WarmMember *m, SimTime end)
{
  double hours;
  double usd = member_charge(w, m, end, &hours);
  m->gone = TRUE;
  cl(w)->warm->hours += hours;
  cl(w)->warm->cost += usd;
  cost_add_asg(w, m->asg, usd);
}

static int
group_size(World *w, int asg)
{
  int n = 0;
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    n += inst->asg == asg && (inst->state == INSTANCE_PENDING ||
                              inst->state == INSTANCE_ACTIVE);
  }
  return n;
}

static void
launch_member(World *w, int asg, gboolean ready_now)
{
  const AsgConfig *cfg = asg_cfg(w, asg);
  WarmPools *p = cl(w)->warm;
  SimTime now = world_now(w);
  WarmMember m = { .asg = asg, .launched_at = now, .running_at = now,
                   .ready_at = now, .ready = ready_now };
  if (!ready_now) {
    gsl_rng *rng = world_rng(w, "warm-pool-launch", cfg->name);
    SimTime launch = dist_sample(&cfg->launch_time, rng);
    gsl_rng *boot_rng = world_rng(w, "warm-pool-boot", cfg->name);
    SimTime boot = MIN(dist_sample(&cfg->boot_time, boot_rng), launch);
    m.running_at = now + launch - boot;
    m.ready_at = now + launch;
    cluster_schedule(w, m.ready_at, CL_WARM_READY, p->members->len);
  }
  g_array_append_val(p->members, m);
}

void
warm_pool_refill(World *w, int asg)
{
  const AsgConfig *cfg = asg_cfg(w, asg);
  WarmPools *p = cl(w)->warm;
  if (p == NULL || cfg->ec2.warm_pool == NULL)
    return;
  int want = asg_ec2_warm_pool_size(cfg->ec2.warm_pool, group_size(w, asg),
                                    cfg->max);
  int have = 0;
  for (guint i = 0; i < p->members->len; i++) {
    const WarmMember *m = &g_array_index(p->members, WarmMember, i);
    have += m->asg == asg && !m->gone;
  }
  gboolean at_start = world_now(w) == 0 && w->cfg->cluster->start_warm;
  for (; have < want; have++)
    launch_member(w, asg, at_start);
}

void
warm_pool_init(World *w)
{
  if (!warm_pool_any(w))
    return;
  cl(w)->warm = g_new0(WarmPools, 1);
  cl(w)->warm->members = g_array_new(FALSE, TRUE, sizeof(WarmMember));
  for (guint a = 0; a < w->cfg->cluster->asgs->len; a++)
    warm_pool_refill(w, (int) a);
}

void
warm_pool_free(World *w)
{
  WarmPools *p = cl(w)->warm;
  if (p == NULL)
    return;
  g_array_unref(p->members);
  g_free(p);
  cl(w)->warm = NULL;
}

gboolean
warm_pool_take(World *w, int asg)
{
  WarmPools *p = cl(w)->warm;
  if (p == NULL)
    return FALSE;
  for (guint i = 0; i < p->members->len; i++) {
    WarmMember *m = &g_array_index(p->members, WarmMember, i);
    if (m->asg == asg && m->ready && !m->gone) {
      settle(w, m, world_now(w));
      return TRUE;
    }
  }
  return FALSE;
}

void
warm_pool_on_ready(World *w, guint32 member)
{
  WarmMember *m = &g_array_index(cl(w)->warm->members, WarmMember, member);
  if (m->gone)
    return;
  m->ready = TRUE;
  const AsgConfig *cfg = asg_cfg(w, m->asg);
  eventlog_add(w, -1, "warm-pool", NULL, NULL,
               "Auto Scaling group %s: an instance entered the warm pool "
               "(Warmed:%s).", cfg->name,
               asg_ec2_pool_state_name(cfg->ec2.warm_pool->state));
}

double
warm_pool_cost_so_far(World *w, SimTime t)
{
  WarmPools *p = cl(w)->warm;
  double sum = 0, hours;
  if (p == NULL)
    return 0;
  for (guint i = 0; i < p->members->len; i++) {
    const WarmMember *m = &g_array_index(p->members, WarmMember, i);
    if (!m->gone)
      sum += member_charge(w, m, t, &hours);
  }
  return sum;
}

void
warm_pool_finish(World *w)
{
  WarmPools *p = cl(w)->warm;
  if (p == NULL)
    return;
  for (guint i = 0; i < p->members->len; i++) {
    WarmMember *m = &g_array_index(p->members, WarmMember, i);
    if (!m->gone)
      settle(w, m, w->horizon);
  }
}

double
warm_pool_instance_hours(const World *w)
{
  return cl(w)->warm != NULL ? cl(w)->warm->hours : 0.0;
}

double
warm_pool_cost(const World *w)
{
  return cl(w)->warm != NULL ? cl(w)->warm->cost : 0.0;
}
