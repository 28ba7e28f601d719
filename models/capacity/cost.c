/* Cost accumulation while the world runs. */
#include "models/capacity/cost.h"

#include <math.h>
#include <string.h>

#include "models/capacity/billing.h"
#include "models/capacity/cluster.h"
#include "models/capacity/warm-pool.h"
#include "models/capacity/coverage.h"
#include "models/capacity/cpu-share.h"
#include "models/config/scenario.h"

struct _Cost {
  const PriceCatalog *prices;
  guint n_services, n_asgs, n_providers;
  CostItems *per_service;     /* settled */
  double *per_provider;       /* settled */
  double *asg_cost;           /* settled instance cost per ASG */
  double *asg_capacity_s;     /* CPU-unit-seconds the ASG offered */
  double *reserved_s;         /* [service * n_asgs + asg] CPU-unit-seconds */
  double task_hours, instance_hours;
  double lcu_hours[BILLING_LCU_N]; /* by the dimension that set them */
  GArray *open_tasks;         /* Fargate tasks being billed */
  gboolean finished;
  CostItems total;
  double unused;
  /* Savings Plans and Reserved Instances; NULL without any. */
  Coverage *coverage;
  int *asg_line;              /* coverage line of each ASG, -1: none */
  int *fargate_line;          /* [service * n_providers + provider] */
};

/* Commitments cover On-Demand EC2 and Fargate: not Spot (AWS: Savings
 * Plans and RIs do not apply to Spot) and not an ASG priced at the old
 * flat committed discount, which would count twice. */
static void
coverage_init(World *w, Cost *c)
{
  const Commitments *commitments = c->prices->commitments;
  if (!commitments_any(commitments))
    return;
  c->coverage = coverage_new(commitments, c->prices->region, w->horizon);
  c->asg_line = g_new(int, MAX(c->n_asgs, 1));
  for (guint a = 0; a < c->n_asgs; a++) {
    const AsgConfig *asg = w->cfg->cluster->asgs->pdata[a];
    const InstanceType *type = asg->type;
    double hourly = pricing_ec2_hour(c->prices, type->name);
    gboolean eligible = !asg->spot && asg->spot_prices == NULL &&
                        !asg->committed;
    c->asg_line[a] = eligible
                       ? coverage_line(c->coverage, COVERAGE_EC2, type->name,
                                       hourly >= 0 ? hourly
                                                   : type->price_per_hour)
                       : -1;
  }
  guint n = MAX(c->n_services * c->n_providers, 1);
  c->fargate_line = g_new(int, n);
  for (guint i = 0; i < n; i++)
    c->fargate_line[i] = -1;
}

static void
coverage_add_fargate(Cost *c, const Task *t, SimTime start, SimTime end,
                     double dollars)
{
  if (c->coverage == NULL || t->spot)
    return;
  int *line = &c->fargate_line[t->service * c->n_providers +
                               (guint) t->provider];
  if (*line < 0)
    *line = coverage_line(c->coverage, COVERAGE_FARGATE, NULL, 0);
  coverage_add(c->coverage, *line, start, end, dollars);
}

void
cost_init(World *w)
{
  Cost *c = g_new0(Cost, 1);
  w->cost = c;
  c->prices = w->cfg->pricing;
  c->n_services = w->cfg->services->len;
  c->n_asgs = w->cfg->cluster->asgs->len;
  c->n_providers = w->providers->len;
  c->per_service = g_new0(CostItems, c->n_services);
  c->per_provider = g_new0(double, c->n_providers);
  c->asg_cost = g_new0(double, MAX(c->n_asgs, 1));
  c->asg_capacity_s = g_new0(double, MAX(c->n_asgs, 1));
  c->reserved_s = g_new0(double, c->n_services * MAX(c->n_asgs, 1));
  c->open_tasks = g_array_new(FALSE, FALSE, sizeof(guint32));
  coverage_init(w, c);
}

void
cost_free(World *w)
{
  Cost *c = w->cost;
  if (c == NULL)
    return;
  g_free(c->per_service);
  g_free(c->per_provider);
  g_free(c->asg_cost);
  g_free(c->asg_capacity_s);
  g_free(c->reserved_s);
  g_array_unref(c->open_tasks);
  coverage_free(c->coverage);
  g_free(c->asg_line);
  g_free(c->fargate_line);
  g_free(c);
  w->cost = NULL;
}

/* What task @t cost from its start to @end, when its provider bills per
 * task. */
static TaskCharge
task_charge(World *w, const Task *t, SimTime end)
{
  const CapacityProvider *p = capacity_provider(w, t->provider);
  return p->ops->task_charge(w, p, t, end);
}

/* TRUE when @t's provider bills it per task (Fargate), not per instance. */
static gboolean
billed_per_task(World *w, const Task *t)
{
  return capacity_provider(w, t->provider)->ops->task_charge != NULL;
}

static void
settle_task(World *w, const Task *t, SimTime end)
{
  Cost *c = w->cost;
  SimTime start = t->entered[TASK_PENDING];
  if (start < 0)
    return; /* never got capacity: nothing to bill */
  if (billed_per_task(w, t)) {
    TaskCharge f = task_charge(w, t, end);
    CostItems *s = &c->per_service[t->service];
    s->compute += f.compute;
    s->storage += f.storage;
    c->per_provider[t->provider] += f.compute + f.storage;
    c->task_hours += sim_time_to_seconds(end - start) / 3600.0;
    coverage_add_fargate(c, t, start, end, f.compute);
  } else if (t->instance >= 0) {
    const Instance *inst = cluster_instance(w, (guint32) t->instance);
    c->reserved_s[t->service * c->n_asgs + (guint) inst->asg] +=
      t->def->cpu * sim_time_to_seconds(end - start);
  }
}

static void
remove_open(GArray *ids, guint32 id)
{
  for (guint i = 0; i < ids->len; i++) {
    if (g_array_index(ids, guint32, i) == id) {
      g_array_remove_index(ids, i);
      return;
    }
  }
}

void
cost_on_task_state(World *w, Task *t, TaskState old,
                   gpointer data)
{
  Cost *c = w->cost;
  gboolean per_task = billed_per_task(w, t);
  if (per_task && t->state == TASK_PENDING)
    g_array_append_val(c->open_tasks, t->id);
  if (per_task && t->state == TASK_RUNNING && old == TASK_PROVISIONING)
    g_array_append_val(c->open_tasks, t->id); /* warm start */
  if (t->state == TASK_STOPPED) {
    if (per_task)
      remove_open(c->open_tasks, t->id);
    settle_task(w, t, world_now(w));
  }
}

static double
instance_charge(World *w, const Instance *inst, SimTime end)
{
  const AsgConfig *asg = w->cfg->cluster->asgs->pdata[inst->asg];
  double hourly = pricing_ec2_hour(w->cost->prices, inst->type->name);
  if (hourly < 0)
    hourly = inst->type->price_per_hour;
  /* Burstable instances in unlimited mode: surplus CPU credits. */
  double surplus = cpu_share_surplus_usd(w, (int) inst->id, end);
  if (inst->pool >= 0 && inst->spot) {
    /* A Spot pool of a mixed instances policy: its own price history or
     * discount, else the catalog's discount. */
    const AsgOverride *o = &g_array_index(asg->ec2.mixed->overrides,
                                          AsgOverride, inst->pool);
    if (o->spot_prices != NULL)
      return surplus +
             spot_prices_charge(o->spot_prices, inst->running_at, end);
    if (o->spot_discount >= 0)
      return surplus + billing_ec2_instance(w->cost->prices,
                                  hourly * (1.0 - o->spot_discount), FALSE,
                                  FALSE, inst->running_at, end);
  }
  if (inst->pool >= 0)
    return surplus +
           billing_ec2_instance(w->cost->prices, hourly, inst->spot,
                                asg->committed && !inst->spot,
                                inst->running_at, end);
  if (asg->spot_prices != NULL)
    return surplus +
           spot_prices_charge(asg->spot_prices, inst->running_at, end);
  return surplus + billing_ec2_instance(w->cost->prices, hourly, asg->spot,
                                        asg->committed, inst->running_at,
                                        end);
}

void
cost_instance_ended(World *w, guint32 id)
{
  Cost *c = w->cost;
  const Instance *inst = cluster_instance(w, id);
  SimTime end = inst->terminated_at >= 0 ? inst->terminated_at
                                         : world_now(w);
  /* EC2 bills from "running", before the OS boots and the agent
   * registers; time in "pending" is free. */
  if (end <= inst->running_at)
    return;
  double charge = instance_charge(w, inst, end);
  double seconds = sim_time_to_seconds(end - inst->running_at);
  c->asg_cost[inst->asg] += charge;
  c->asg_capacity_s[inst->asg] += inst->type->vcpu * 1024.0 * seconds;
  c->instance_hours += seconds / 3600.0;
  int provider = capacity_provider_index(
    w, ((AsgConfig *) w->cfg->cluster->asgs->pdata[inst->asg])->name);
  c->per_provider[provider] += charge;
  if (c->coverage != NULL && c->asg_line[inst->asg] >= 0)
    coverage_add(c->coverage, c->asg_line[inst->asg], inst->running_at, end,
                 charge);
}

void
cost_on_instance_ended(World *w, guint32 instance, gpointer data)
{
  cost_instance_ended(w, instance);
}

void
cost_add_asg(World *w, int asg, double usd)
{
  Cost *c = w->cost;
  c->asg_cost[asg] += usd;
  int provider = capacity_provider_index(
    w, ((AsgConfig *) w->cfg->cluster->asgs->pdata[asg])->name);
  c->per_provider[provider] += usd;
}

void
cost_on_period(World *w, guint32 service, SimTime start, SimTime end,
               guint64 arrivals, double in_flight)
{
  const TargetGroupConfig *tg = w->cfg->service_tgs->pdata[service];
  if (tg == NULL)
    return;
  const ServiceConfig *svc = w->cfg->services->pdata[service];
  double secs = sim_time_to_seconds(end - start);
  if (secs <= 0)
    return;
  double rps = (double) arrivals / secs;
  BillingLcuDimension dim;
  double lcus = billing_alb_lcus_by(
    rps * svc->workload.new_connection_ratio, in_flight * 60.0,
    rps * svc->workload.bytes_per_request * 3600.0 / 1e9,
    /* one listener rule per request: within the 10 free evaluations */
    0.0, &dim);
  double lcu_hours = lcus * secs / 3600.0;
  w->cost->lcu_hours[dim] += lcu_hours;
  CostItems *s = &w->cost->per_service[service];
  s->load_balancer += billing_alb(w->cost->prices, secs / 3600.0, lcu_hours);
}

double
cost_so_far(World *w, SimTime t)
{
  Cost *c = w->cost;
  double sum = 0;
  for (guint s = 0; s < c->n_services; s++)
    sum += c->per_service[s].compute + c->per_service[s].storage +
           c->per_service[s].load_balancer;
  for (guint a = 0; a < c->n_asgs; a++)
    sum += c->asg_cost[a];
  for (guint i = 0; i < c->open_tasks->len; i++) {
    const Task *task = world_task(w, g_array_index(c->open_tasks, guint32,
                                                   i));
    TaskCharge f = task_charge(w, task, t);
    sum += f.compute + f.storage;
  }
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    if (inst->terminated_at < 0 && inst->running_at < t)
      sum += instance_charge(w, inst, t);
  }
  return sum + warm_pool_cost_so_far(w, t);
}

/* Applies the commitments and takes each line's saving off the ASG,
 * service and provider that used it. */
static void
apply_coverage(World *w)
{
  Cost *c = w->cost;
  if (c->coverage == NULL)
    return;
  coverage_apply(c->coverage);
  for (guint a = 0; a < c->n_asgs; a++) {
    if (c->asg_line[a] < 0)
      continue;
    double saving = coverage_line_saving(c->coverage, c->asg_line[a]);
    const AsgConfig *asg = w->cfg->cluster->asgs->pdata[a];
    c->asg_cost[a] -= saving;
    c->per_provider[capacity_provider_index(w, asg->name)] -= saving;
  }
  for (guint s = 0; s < c->n_services; s++) {
    for (guint p = 0; p < c->n_providers; p++) {
      int line = c->fargate_line[s * c->n_providers + p];
      if (line < 0)
        continue;
      double saving = coverage_line_saving(c->coverage, line);
      c->per_service[s].compute -= saving;
      c->per_provider[p] -= saving;
    }
  }
}

static void
split_ec2(World *w)
{
  Cost *c = w->cost;
  for (guint a = 0; a < c->n_asgs; a++) {
    double allocated = 0;
    for (guint s = 0; s < c->n_services; s++) {
      double share = c->asg_capacity_s[a] > 0
                       ? c->reserved_s[s * c->n_asgs + a] /
                           c->asg_capacity_s[a]
                       : 0.0;
      double part = c->asg_cost[a] * MIN(share, 1.0);
      c->per_service[s].compute += part;
      allocated += part;
    }
    c->unused += c->asg_cost[a] - allocated;
  }
}

void
cost_finish(World *w)
{
  Cost *c = w->cost;
  g_return_if_fail(!c->finished);
  SimTime end = w->horizon;
  for (guint i = 0; i < w->tasks->len; i++) {
    const Task *t = w->tasks->pdata[i];
    if (t->state != TASK_STOPPED)
      settle_task(w, t, end);
  }
  g_array_set_size(c->open_tasks, 0);
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    if (inst->terminated_at < 0)
      cost_instance_ended(w, i);
  }
  warm_pool_finish(w);
  apply_coverage(w);
  split_ec2(w);
  for (guint s = 0; s < c->n_services; s++) {
    CostItems *it = &c->per_service[s];
    it->total = it->compute + it->storage + it->load_balancer;
    c->total.compute += it->compute;
    c->total.storage += it->storage;
    c->total.load_balancer += it->load_balancer;
  }
  c->total.compute += c->unused;
  /* A commitment nobody's usage took is still paid. */
  if (c->coverage != NULL)
    c->total.compute += coverage_totals(c->coverage).unused;
  c->total.total = c->total.compute + c->total.storage +
                   c->total.load_balancer;
  c->finished = TRUE;
}

CostItems
cost_total(const World *w)
{
  return w->cost->total;
}

CostItems
cost_of_service(const World *w, guint32 service)
{
  return w->cost->per_service[service];
}

double
cost_of_provider(const World *w, int provider)
{
  return w->cost->per_provider[provider];
}

double
cost_unused_ec2(const World *w)
{
  return w->cost->unused;
}

double
cost_task_hours(const World *w)
{
  return w->cost->task_hours;
}

const char *
cost_lb_dimension(const World *w)
{
  const Cost *c = w->cost;
  int best = -1;
  for (int d = 0; d < BILLING_LCU_N; d++)
    if (c->lcu_hours[d] > 0 && (best < 0 || c->lcu_hours[d] >
                                              c->lcu_hours[best]))
      best = d;
  return best < 0 ? "none" : billing_lcu_dimension_name(best);
}

double
cost_instance_hours(const World *w)
{
  return w->cost->instance_hours;
}

gboolean
cost_commitments(const World *w, CoverageTotals *out)
{
  const Cost *c = w->cost;
  if (c->coverage == NULL)
    return FALSE;
  *out = coverage_totals(c->coverage);
  return TRUE;
}

double
cost_commitment_delta(const World *w, SimTime t)
{
  const Cost *c = w->cost;
  return c->coverage != NULL && c->finished
           ? coverage_delta_until(c->coverage, t) : 0.0;
}
