/* Weighted CPU shares per instance, and CPU credits of burstable ones. */
#include "models/capacity/cpu-share.h"

#include <math.h>

#include "models/capacity/cluster.h"
#include "models/config/burstable.h"

typedef struct {
  guint32 task;
  int shares;
  int busy;
  double slot_max;       /* vCPU one busy slot can use */
  double alloc;          /* vCPU it gets now */
  gboolean done;         /* scratch: water-filling saturated it */
} Member;

typedef struct {
  int id;
  double vcpu;           /* the type's vCPUs */
  double hard;           /* vCPU hard-capped tasks use now */
  GArray *members;       /* Member, in the order they joined */
  double asked;          /* hard + each member's busy × slot_max: kept as
                            counts change, summed afresh by recompute() */
  gboolean at_demand;    /* every member gets its whole demand */
  /* Burstable types only (burst != NULL): */
  const BurstableType *burst;
  gboolean standard;     /* standard mode: held at baseline without
                            credits */
  double baseline;       /* vCPU */
  double earn;           /* credits per second */
  double max_credits;    /* 24 hours of earnings */
  double credits;        /* balance at `since` (< 0: surplus) */
  SimTime since;
  double used;           /* vCPU used since `since` */
  gboolean capped;       /* held at baseline now */
  guint32 gen;           /* exhaustion events of older gens are void */
  SimEventId exhaust;    /* the pending exhaustion event, cancelled when
                            replaced */
} InstCpu;

struct _CpuShares {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* a standard instance runs out of credits */
  gboolean has_kind;     /* registered with the first burstable instance,
                            so runs without one list no such kind */
  GPtrArray *inst;       /* InstCpu* or NULL, index = instance id */
  CpuShareRateFunc func;
  gpointer data;
};

typedef struct {
  int instance;
  guint32 gen;
} Exhausted;

static void
inst_free(gpointer p)
{
  InstCpu *c = p;
  if (c == NULL)
    return;
  g_array_unref(c->members);
  g_free(c);
}

static void on_exhausted(SimEngine *engine, gpointer model,
                         gpointer payload);

static void
register_kind(World *w)
{
  static const SimEventKind exhausted = { "cpu.credits-exhausted",
                                          on_exhausted, NULL };
  CpuShares *cs = w->cpu_shares;
  if (!cs->has_kind)
    cs->kind = sim_engine_register(w->engine, &exhausted, cs);
  cs->has_kind = TRUE;
}

/* inst_get()'s first use of @id: a burstable instance has earned credits
 * since it entered "running". */
static G_GNUC_NO_INLINE InstCpu *
inst_new(World *w, int id)
{
  CpuShares *cs = w->cpu_shares;
  if ((guint) id >= cs->inst->len)
    g_ptr_array_set_size(cs->inst, id + 1);
  const Instance *inst = cluster_instance(w, (guint32) id);
  const AsgConfig *asg = w->cfg->cluster->asgs->pdata[inst->asg];
  InstCpu *c = g_new0(InstCpu, 1);
  c->id = id;
  c->vcpu = inst->type->vcpu;
  c->members = g_array_new(FALSE, FALSE, sizeof(Member));
  c->burst = burstable_find(inst->type->name);
  if (c->burst != NULL) {
    c->standard = asg->cpu_credits_standard;
    c->baseline = c->burst->baseline * c->vcpu;
    c->earn = burstable_credits_per_hour(c->burst, inst->type->vcpu) /
              3600.0;
    c->max_credits = 24 * 3600.0 * c->earn;
    c->credits = c->burst->launch_credits;
    c->since = inst->running_at;
    register_kind(w);
  }
  cs->inst->pdata[id] = c;
  return c;
}

/* The state of @id, made on first use. */
static inline InstCpu *
inst_get(World *w, int id)
{
  CpuShares *cs = w->cpu_shares;
  g_assert(id >= 0);
  if (G_LIKELY((guint) id < cs->inst->len && cs->inst->pdata[id] != NULL))
    return cs->inst->pdata[id];
  return inst_new(w, id);
}

/* Balance of @c at @t: earnings less use since `since`, at most 24 hours
 * of earnings, never below 0 in standard mode. Accrual stops when the
 * instance terminates. */
static double
credits_at(World *w, const InstCpu *c, SimTime t)
{
  const Instance *inst = cluster_instance(w, (guint32) c->id);
  if (inst->terminated_at >= 0 && t > inst->terminated_at)
    t = inst->terminated_at;
  if (t <= c->since)
    return c->credits;
  double dt = sim_time_to_seconds(t - c->since);
  double b = c->credits + (c->earn - c->used / 60.0) * dt;
  if (b > c->max_credits)
    b = MAX(c->max_credits, c->credits);
  if (c->standard && b < 0)
    b = 0;
  return b;
}

static void
account(World *w, InstCpu *c, SimTime now)
{
  if (c->burst == NULL)
    return;
  c->credits = credits_at(w, c, now);
  c->since = MAX(c->since, now);
}

/* Water-fills @avail vCPU among the busy members of @c, by shares, each
 * capped at its demand. Returns what they use in all. */
static double
water_fill(InstCpu *c, double avail)
{
  Member *m = (Member *) c->members->data;
  guint n = c->members->len;
  double left = MAX(avail, 0.0), used = 0.0;
  for (guint i = 0; i < n; i++) {
    m[i].alloc = 0.0;
    m[i].done = m[i].busy == 0;
  }
  for (;;) {
    double weight = 0.0;
    for (guint i = 0; i < n; i++)
      if (!m[i].done)
        weight += m[i].shares;
    if (weight == 0.0)
      break;
    /* Members whose demand is below their fair part take their demand;
     * the rest is shared again among the others. */
    gboolean saturated = FALSE;
    for (guint i = 0; i < n; i++) {
      double demand = m[i].busy * m[i].slot_max;
      if (!m[i].done && demand <= left * m[i].shares / weight) {
        m[i].alloc = demand;
        m[i].done = TRUE;
        saturated = TRUE;
      }
    }
    if (!saturated) {
      for (guint i = 0; i < n; i++)
        if (!m[i].done)
          m[i].alloc = left * m[i].shares / weight;
      break;
    }
    left = MAX(avail, 0.0);
    for (guint i = 0; i < n; i++)
      if (m[i].alloc > 0.0)
        left -= m[i].alloc;
    left = MAX(left, 0.0);
  }
  for (guint i = 0; i < n; i++)
    used += m[i].alloc;
  return used;
}

/* Schedules the moment standard-mode @c runs out of credits, if it is
 * spending them. */
static void
plan_exhaustion(World *w, InstCpu *c, SimTime now)
{
  c->gen++;
  sim_cancel(w->engine, c->exhaust);
  c->exhaust = SIM_EVENT_ID_NONE;
  double net = c->used / 60.0 - c->earn;
  if (!c->standard || c->capped || net <= 0.0)
    return;
  double secs = c->credits / net;
  /* Round up, so that the balance is spent (not nearly) when it fires. */
  SimTime at = now + (SimTime) ceil(secs * SIM_SEC);
  Exhausted e = { c->id, c->gen };
  c->exhaust = sim_schedule_inline(w->engine, at, w->cpu_shares->kind, &e,
                                   sizeof e);
}

/* Recomputes @c's allocation at @now and tells the listener of every
 * member whose CPU changed; @force names one more member to tell. */
static void
recompute(World *w, InstCpu *c, SimTime now, guint32 force)
{
  CpuShares *cs = w->cpu_shares;
  guint n = c->members->len;
  double old[n > 0 ? n : 1];
  for (guint i = 0; i < n; i++)
    old[i] = g_array_index(c->members, Member, i).alloc;
  c->asked = c->hard;
  for (guint i = 0; i < n; i++) {
    const Member *m = &g_array_index(c->members, Member, i);
    c->asked += m->busy * m->slot_max;
  }
  double used = c->hard + water_fill(c, c->vcpu - c->hard);
  c->capped = FALSE;
  if (c->burst != NULL && c->standard && used > c->baseline &&
      c->credits <= 0.0) {
    c->capped = TRUE;
    used = c->hard + water_fill(c, c->baseline - c->hard);
  }
  c->used = used;
  c->at_demand = TRUE;
  for (guint i = 0; i < n; i++) {
    const Member *m = &g_array_index(c->members, Member, i);
    c->at_demand = c->at_demand && m->alloc == m->busy * m->slot_max;
  }
  if (c->burst != NULL)
    plan_exhaustion(w, c, now);
  for (guint i = 0; i < n; i++) {
    const Member *m = &g_array_index(c->members, Member, i);
    if (cs->func == NULL || (m->alloc == old[i] && m->task != force))
      continue;
    cs->func(w, m->task, m->alloc, m->busy > 0 ? m->alloc / m->busy : 0.0,
             cs->data);
  }
}

static void
on_exhausted(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((CpuShares *) model)->w;
  const Exhausted *e = payload;
  InstCpu *c = w->cpu_shares->inst->pdata[e->instance];
  if (c->gen != e->gen)
    return;
  c->exhaust = SIM_EVENT_ID_NONE;
  SimTime now = world_now(w);
  account(w, c, now);
  c->credits = MIN(c->credits, 0.0);
  recompute(w, c, now, G_MAXUINT32);
}

void
cpu_share_init(World *w)
{
  CpuShares *cs = g_new0(CpuShares, 1);
  cs->w = w;
  cs->inst = g_ptr_array_new_with_free_func(inst_free);
  w->cpu_shares = cs;
}

void
cpu_share_free(World *w)
{
  if (w->cpu_shares == NULL)
    return;
  g_ptr_array_unref(w->cpu_shares->inst);
  g_clear_pointer(&w->cpu_shares, g_free);
}

void
cpu_share_set_rate_func(World *w, CpuShareRateFunc func, gpointer data)
{
  w->cpu_shares->func = func;
  w->cpu_shares->data = data;
}

static Member *
member(InstCpu *c, guint32 task, guint *index)
{
  for (guint i = 0; i < c->members->len; i++) {
    Member *m = &g_array_index(c->members, Member, i);
    if (m->task == task) {
      if (index != NULL)
        *index = i;
      return m;
    }
  }
  g_assert_not_reached();
}

void
cpu_share_join(World *w, int instance, guint32 task, int shares,
               double slot_max_vcpu)
{
  g_return_if_fail(shares >= 2 && slot_max_vcpu > 0);
  InstCpu *c = inst_get(w, instance);
  Member m = { .task = task, .shares = shares, .slot_max = slot_max_vcpu };
  g_array_append_val(c->members, m);
}

void
cpu_share_leave(World *w, int instance, guint32 task)
{
  if (w->cpu_shares == NULL)
    return; /* the world is being freed */
  InstCpu *c = inst_get(w, instance);
  guint i;
  g_assert(member(c, task, &i)->busy == 0);
  g_array_remove_index(c->members, i);
}

void
cpu_share_set_busy(World *w, int instance, guint32 task, int busy)
{
  InstCpu *c = inst_get(w, instance);
  Member *m = member(c, task, NULL);
  c->asked += (busy - m->busy) * m->slot_max;
  /* The common case, below saturation: every member at its demand stays
   * so, because what they ask for fits the CPU with room, and water_fill()
   * would give each its demand again: @task alone changes, and the
   * water-filling (and `used`, which only burstable instances read) is
   * skipped. The room keeps the running sum's rounding from mattering:
   * where it would decide, the water-filling gives the same. */
  if (c->at_demand && c->burst == NULL && c->asked <= c->vcpu * (1 - 1e-9)) {
    CpuShares *cs = w->cpu_shares;
    m->busy = busy;
    m->alloc = busy * m->slot_max;
    if (cs->func != NULL)
      cs->func(w, task, m->alloc, busy > 0 ? m->alloc / busy : 0.0,
               cs->data);
    return;
  }
  SimTime now = world_now(w);
  account(w, c, now);
  m->busy = busy;
  recompute(w, c, now, task);
}

void
cpu_share_add_hard(World *w, int instance, double delta_vcpu)
{
  InstCpu *c = inst_get(w, instance);
  SimTime now = world_now(w);
  account(w, c, now);
  c->hard = MAX(c->hard + delta_vcpu, 0.0);
  if (c->hard < 1e-9)
    c->hard = 0.0; /* no drift from many small sums */
  if (c->members->len > 0 || c->burst != NULL)
    recompute(w, c, now, G_MAXUINT32);
  else
    c->asked = c->hard;
}

static InstCpu *
inst_lookup(World *w, int instance)
{
  CpuShares *cs = w->cpu_shares;
  if (instance < 0 || (guint) instance >= cs->inst->len)
    return NULL;
  return cs->inst->pdata[instance];
}

double
cpu_share_credits(World *w, int instance, SimTime t)
{
  InstCpu *c = inst_lookup(w, instance);
  if (c == NULL || c->burst == NULL)
    return 0.0;
  return credits_at(w, c, t);
}

double
cpu_share_surplus_usd(World *w, int instance, SimTime t)
{
  InstCpu *c = inst_lookup(w, instance);
  if (c == NULL || c->burst == NULL || c->standard)
    return 0.0;
  double surplus = -credits_at(w, c, t);
  return surplus > 0 ? surplus / 60.0 * c->burst->surplus_usd_per_vcpu_hour
                     : 0.0;
}

gboolean
cpu_share_capped(World *w, int instance)
{
  InstCpu *c = inst_lookup(w, instance);
  return c != NULL && c->capped;
}
