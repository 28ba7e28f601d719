/* Share-only EC2 tasks in the aggregate fidelity: their speed from the
 * CPU their instance's tasks ask of it (capacity/cpu-share.h). */
#include "models/requests/aggregate-private.h"

#include <math.h>

#include "models/capacity/cluster.h"
#include "models/requests/task-queue-private.h"

/* The CPU instance @instance leaves its share-only tasks: what
 * hard-capped tasks do not take. */
static double
share_cpu(World *w, int instance, const InstanceLoad *l)
{
  return MAX(cluster_instance(w, (guint32) instance)->type->vcpu - l->hard,
             1e-9);
}

/* How much longer than at full speed (@slot_max vCPU) a share-only
 * request takes on @instance: its CPU shared by all its share-only
 * requests is processor sharing over CPU / slot_max "servers", whose mean
 * sojourn is M/M/c's (the same birth-death chain), so 1 + C(c, a) /
 * (c - a); INFINITY when saturated. The requests of tasks whose slots
 * are all busy all the time are no random load: they hold their servers
 * steadily, and the random rest shares what is left (an upper bound on
 * its stretch: when the CPU is short, processor sharing takes from them
 * too). Counting them as random load slowed a surge's saturated web
 * tasks by up to 18% on instances with CPU to spare (platform-on-ec2,
 * ec2-spiky: 5.6% fewer requests served than request by request). */
static double
stretch(World *w, int instance, const InstanceLoad *l, double slot_max)
{
  double free_cpu = share_cpu(w, instance, l) - l->share_busy;
  int servers = (int) floor(free_cpu / slot_max + 1e-9);
  double load = l->share_work / slot_max;
  if (load == 0 && free_cpu >= 0) /* steady tasks only, and they fit */
    return 1.0;
  if (servers < 1 || load >= 0.999 * servers)
    return INFINITY;
  return 1 + fluid_erlang_c(servers, load) / (servers - load);
}

/* The vCPU share-only task @s of @f asks at @lambda: its requests' work,
 * at most what its slots take at full speed. *@steady: its slots are all
 * busy, steadily (it holds a backlog, or is offered more than they
 * serve). A backlog that drains within the step keeps them busy for part
 * of it only: asking all of them then made platform-on-ec2's ec2-spiky
 * fail more requests than request by request (error rate +0.15 pp,
 * against +0.07 pp with its arrivals' work). */
static double
share_ask(const Flow *f, const TaskQueue *s, double lambda,
          gboolean *steady)
{
  double most = s->slots * f->slot_max_vcpu, work = lambda * f->work_s;
  *steady = s->fluid_backlog > 0 || work >= most;
  return MIN(work, most);
}

/* The mean service time of a request in share-only task @s (receiving
 * @lambda). On a saturated instance a task whose shares win it all the
 * CPU it asks runs at full speed; one that wins less serves what its CPU
 * allows: its slots share it. */
static double
share_mean_s(World *w, const Flow *f, const TaskQueue *s, double lambda)
{
  const InstanceLoad *l =
    &g_array_index(w->aggregate->loads, InstanceLoad, s->instance);
  double full = f->work_s / f->slot_max_vcpu;
  if (isfinite(l->stretch))
    return full * l->stretch;
  double asked = lambda * f->work_s;
  if (s->fluid_cpu >= 0.999 * asked)
    return full;
  return MAX(full, s->slots * f->work_s / MAX(s->fluid_cpu, 1e-9));
}

/* The mean service time of a request in @s this step. */
double
aggregate_task_mean_s(World *w, const Flow *f, const TaskQueue *s, double lambda)
{
  if (s->share != NULL)
    return share_mean_s(w, f, s, lambda);
  return f->mean_s * s->speed;
}

/* A share-only task's claim on a saturated instance's CPU. */
typedef struct {
  TaskQueue *s;
  double asked;          /* vCPU its arrivals' work needs */
  double shares;         /* cgroup cpu.shares */
} Claim;

/* The task's cpu.shares: its containers' `cpu`, each at least 2, as
 * task_queue_share_join() gives the share server. */
static double
share_weight(World *w, const TaskQueue *s)
{
  const Task *t = world_task(w, s->task);
  double shares = 0;
  for (guint i = 0; i < t->def->containers->len; i++)
    shares += MAX(((const EcsContainerDef *) t->def->containers->pdata[i])
                    ->cpu, 2);
  return shares;
}

/* Instance first, then the least asked per share. */
static gint
by_instance_and_ask(gconstpointer pa, gconstpointer pb)
{
  const Claim *a = pa, *b = pb;
  if (a->s->instance != b->s->instance)
    return a->s->instance < b->s->instance ? -1 : 1;
  double x = a->asked / a->shares, y = b->asked / b->shares;
  return (x > y) - (x < y);
}

/* Splits each saturated instance's CPU among its share-only tasks as the
 * share server does (cpu-share.h): in proportion to their shares, each
 * capped at what it asks, what one cannot use going to the others; into
 * each task's fluid_cpu. */
static void
water_fill(World *w, GArray *claims)
{
  Aggregate *a = w->aggregate;
  g_array_sort(claims, by_instance_and_ask);
  for (guint i = 0; i < claims->len;) {
    int instance = g_array_index(claims, Claim, i).s->instance;
    guint end = i;
    double shares = 0;
    while (end < claims->len &&
           g_array_index(claims, Claim, end).s->instance == instance)
      shares += g_array_index(claims, Claim, end++).shares;
    double cpu = share_cpu(w, instance,
                           &g_array_index(a->loads, InstanceLoad, instance));
    for (; i < end; i++) {
      Claim *c = &g_array_index(claims, Claim, i);
      double fair = cpu * c->shares / shares;
      c->s->fluid_cpu = MIN(c->asked, fair);
      cpu -= c->s->fluid_cpu;
      shares -= c->shares;
    }
  }
}

/* What the tasks on each instance ask of its CPU this step: share-only
 * tasks their requests' work, hard-capped ones what their busy slots took
 * in the last step. */
void
aggregate_measure_instances(World *w)
{
  Aggregate *a = w->aggregate;
  g_array_set_size(a->loads, 0);
  g_array_set_size(a->loads, cluster_n_instances(w));
  for (guint i = 0; i < a->n; i++) {
    Flow *f = &a->flows[i];
    for (guint k = 0; k < f->pool->len; k++) {
      const Member *m = &g_array_index(f->pool, Member, k);
      const TaskQueue *s = world_task(w, m->task)->queue;
      if (s->instance < 0)
        continue;
      InstanceLoad *l = &g_array_index(a->loads, InstanceLoad, s->instance);
      if (s->share != NULL) {
        gboolean steady;
        double ask = share_ask(f, s, f->lambda * m->weight / f->total_weight,
                               &steady);
        *(steady ? &l->share_busy : &l->share_work) += ask;
      } else {
        l->hard += s->fluid_busy * s->hard_slot_vcpu;
      }
    }
  }
  /* Every share-only task of a service has the same most CPU a request
   * uses: the instance's stretch is computed once, with the first's. */
  g_autoptr(GArray) claims = g_array_new(FALSE, FALSE, sizeof(Claim));
  for (guint i = 0; i < a->n; i++) {
    Flow *f = &a->flows[i];
    for (guint k = 0; f->shared_cpu && k < f->pool->len; k++) {
      const Member *m = &g_array_index(f->pool, Member, k);
      TaskQueue *s = world_task(w, m->task)->queue;
      if (s->share == NULL)
        continue;
      InstanceLoad *l = &g_array_index(a->loads, InstanceLoad, s->instance);
      if (l->stretch == 0)
        l->stretch = stretch(w, s->instance, l, f->slot_max_vcpu);
      s->fluid_cpu = 0;
      if (isinf(l->stretch)) {
        gboolean steady;
        Claim c = { s,
                    share_ask(f, s, f->lambda * m->weight / f->total_weight,
                              &steady),
                    share_weight(w, s) };
        g_array_append_val(claims, c);
      }
    }
  }
  if (claims->len > 0)
    water_fill(w, claims);
}

