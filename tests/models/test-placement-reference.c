/* Placement's indexed choice against a brute-force reference, over
 * random clusters and operations. */
#include <criterion/criterion.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <string.h>

#include "models/input/input.h"
#include "models/capacity/placement.h"
#include "placement-support.h"

/* ---- the index against a brute-force reference -------------------------- */

/* The reference keeps its own books and picks, by scanning every
 * instance, the lexicographic least (key_1, ..., key_n, id) over the
 * instances that pass every check: the rule placement-choose.c
 * documents. */

#define REF_SERVICES 3
#define REF_PORTS 3

static const uint16_t ref_ports[REF_PORTS] = { 8000, 8001, 8002 };

typedef struct {
  gboolean registered, active;
  uint32_t az, group;
  gboolean arm;
  const char *stack;          /* "blue", "green" or NULL */
  int cpu, mem, slots;        /* free */
  gboolean port_used[REF_PORTS];
  guint count[REF_SERVICES];
  guint tasks;
} RefInst;

typedef struct {
  uint32_t inst, service;
  PlacementNeeds needs;
} RefTask;

typedef struct {
  guint n;
  RefInst *inst;
  GArray *tasks;              /* RefTask */
  Placement *p;
  gsl_rng *rng;
  PlacementExpr *blue;        /* attribute:stack == blue */
} Ref;

typedef enum { K_MEM, K_CPU, K_INSTANCE, K_AZ, K_STACK } RefKey;

typedef struct {
  const PlacementStrategyItem *items;
  guint n;
  gboolean default_spread;
  RefKey keys[2];
  guint n_keys;
  gboolean random;
} RefStrategies;

static const PlacementStrategyItem binpack_cpu_spread_host[] = {
  { PLACEMENT_BINPACK, "cpu" }, { PLACEMENT_SPREAD, "host" },
};
static const PlacementStrategyItem spread_stack_binpack[] = {
  { PLACEMENT_SPREAD, "attribute:stack" }, { PLACEMENT_BINPACK, "memory" },
};
static const PlacementStrategyItem binpack_memory_spread_az[] = {
  { PLACEMENT_BINPACK, "memory" },
  { PLACEMENT_SPREAD, "attribute:ecs.availability-zone" },
};

static const RefStrategies ref_sets[] = {
  { binpack_memory, 1, FALSE, { K_MEM }, 1, FALSE },
  { binpack_cpu, 1, FALSE, { K_CPU }, 1, FALSE },
  { NULL, 0, TRUE, { K_AZ, K_INSTANCE }, 2, FALSE },
  { spread_instance, 1, FALSE, { K_INSTANCE }, 1, FALSE },
  { spread_az_binpack, 2, FALSE, { K_AZ, K_MEM }, 2, FALSE },
  { binpack_cpu_spread_host, 2, FALSE, { K_CPU, K_INSTANCE }, 2, FALSE },
  { spread_stack_binpack, 2, FALSE, { K_STACK, K_MEM }, 2, FALSE },
  { binpack_memory_spread_az, 2, FALSE, { K_MEM, K_AZ }, 2, FALSE },
  { NULL, 0, FALSE, { 0 }, 0, FALSE },
  { random_only, 1, FALSE, { 0 }, 0, TRUE },
};

static void
ref_add(Ref *r, uint32_t id)
{
  static const int cpus[] = { 1024, 2048, 4096 };
  static const int mems[] = { 2048, 4096, 8192 };
  static const int slots[] = { 2, 3, 10 };
  static const char *stacks[] = { "blue", "green", NULL };
  RefInst *in = &r->inst[id];
  memset(in, 0, sizeof *in);
  in->registered = in->active = TRUE;
  in->az = gsl_rng_uniform_int(r->rng, 3);
  in->group = gsl_rng_uniform_int(r->rng, 2);
  in->arm = gsl_rng_uniform(r->rng) < 0.2;
  in->stack = stacks[gsl_rng_uniform_int(r->rng, 3)];
  in->cpu = cpus[gsl_rng_uniform_int(r->rng, 3)];
  in->mem = mems[gsl_rng_uniform_int(r->rng, 3)];
  in->slots = slots[gsl_rng_uniform_int(r->rng, 3)];
  const char *attrs[] = { "stack", in->stack, NULL };
  PlacementInstanceInfo info = info_of(in->az, in->cpu, in->mem);
  info.group = in->group;
  info.cpu_architecture = in->arm ? "arm64" : "x86_64";
  info.attributes = in->stack ? attrs : NULL;
  info.awsvpc_slots = in->slots;
  placement_add_instance(r->p, id, &info);
}

typedef struct {
  PlacementRequest req;
  uint64_t mask;
  PlacementExpr *member_of[1];
  const RefStrategies *set;
} RefRequest;

static void
ref_request(Ref *r, RefRequest *rr)
{
  memset(rr, 0, sizeof *rr);
  PlacementRequest *q = &rr->req;
  q->service = gsl_rng_uniform_int(r->rng, REF_SERVICES);
  q->needs.cpu = 128 * (int) gsl_rng_uniform_int(r->rng, 9);
  q->needs.memory = 256 * (1 + (int) gsl_rng_uniform_int(r->rng, 12));
  q->needs.awsvpc = gsl_rng_uniform(r->rng) < 0.2;
  if (gsl_rng_uniform(r->rng) < 0.15) {
    q->needs.host_ports = &ref_ports[gsl_rng_uniform_int(r->rng, REF_PORTS)];
    q->needs.n_host_ports = 1;
  }
  q->distinct_instance = gsl_rng_uniform(r->rng) < 0.1;
  double u = gsl_rng_uniform(r->rng);
  q->cpu_architecture = u < 0.7 ? NULL : u < 0.9 ? "x86_64" : "arm64";
  if (gsl_rng_uniform(r->rng) < 0.2) {
    rr->mask = UINT64_C(1) << gsl_rng_uniform_int(r->rng, 2);
    q->group_mask = &rr->mask;
  }
  if (gsl_rng_uniform(r->rng) < 0.1) {
    rr->member_of[0] = r->blue;
    q->member_of = rr->member_of;
    q->n_member_of = 1;
  }
  rr->set = &ref_sets[gsl_rng_uniform_int(r->rng, G_N_ELEMENTS(ref_sets))];
  q->strategies = rr->set->items;
  q->n_strategies = rr->set->n;
  q->default_spread = rr->set->default_spread;
}

static gboolean
ref_fits(const Ref *r, uint32_t id, const RefRequest *rr)
{
  const RefInst *in = &r->inst[id];
  const PlacementRequest *q = &rr->req;
  if (!in->registered || !in->active)
    return FALSE;
  if (in->cpu < q->needs.cpu || in->mem < q->needs.memory ||
      (q->needs.awsvpc && in->slots < 1))
    return FALSE;
  if (q->cpu_architecture &&
      strcmp(q->cpu_architecture, in->arm ? "arm64" : "x86_64") != 0)
    return FALSE;
  if (q->group_mask && !(rr->mask >> in->group & 1))
    return FALSE;
  if (q->distinct_instance && in->count[q->service] > 0)
    return FALSE;
  for (guint k = 0; k < q->needs.n_host_ports; k++)
    if (in->port_used[q->needs.host_ports[k] - ref_ports[0]])
      return FALSE;
  if (q->n_member_of > 0 && !(in->stack && strcmp(in->stack, "blue") == 0))
    return FALSE;
  return TRUE;
}

static int64_t
ref_key(const Ref *r, RefKey key, uint32_t service, uint32_t id)
{
  const RefInst *in = &r->inst[id];
  int64_t sum = 0;
  switch (key) {
  case K_MEM:
    return in->mem;
  case K_CPU:
    return in->cpu;
  case K_INSTANCE:
    return in->count[service];
  case K_AZ:
  case K_STACK:
    for (uint32_t j = 0; j < r->n; j++) {
      const RefInst *o = &r->inst[j];
      if (!o->registered)
        continue;
      if (key == K_AZ ? o->az == in->az
                      : g_strcmp0(o->stack, in->stack) == 0)
        sum += o->count[service];
    }
    return sum;
  }
  return 0;
}

/* The reference choice; -1 when nothing fits. */
static int64_t
ref_choose(const Ref *r, const RefRequest *rr)
{
  int64_t best = -1, best_keys[2] = { 0 };
  for (uint32_t id = 0; id < r->n; id++) {
    if (!ref_fits(r, id, rr))
      continue;
    int64_t keys[2] = { 0 };
    gboolean better = best < 0;
    for (guint k = 0; k < rr->set->n_keys; k++)
      keys[k] = ref_key(r, rr->set->keys[k], rr->req.service, id);
    for (guint k = 0; k < rr->set->n_keys && !better; k++) {
      if (keys[k] != best_keys[k]) {
        better = keys[k] < best_keys[k];
        break;
      }
    }
    if (better) {
      best = id;
      memcpy(best_keys, keys, sizeof keys);
    }
  }
  return best;
}

static void
ref_commit(Ref *r, uint32_t id, const PlacementRequest *q)
{
  RefInst *in = &r->inst[id];
  in->cpu -= q->needs.cpu;
  in->mem -= q->needs.memory;
  in->slots -= q->needs.awsvpc ? 1 : 0;
  for (guint k = 0; k < q->needs.n_host_ports; k++)
    in->port_used[q->needs.host_ports[k] - ref_ports[0]] = TRUE;
  in->count[q->service]++;
  in->tasks++;
  RefTask t = { id, q->service, q->needs };
  g_array_append_val(r->tasks, t);
  placement_commit(r->p, id, q->service, &q->needs);
}

static void
ref_release(Ref *r, guint index)
{
  RefTask t = g_array_index(r->tasks, RefTask, index);
  g_array_remove_index_fast(r->tasks, index);
  RefInst *in = &r->inst[t.inst];
  in->cpu += t.needs.cpu;
  in->mem += t.needs.memory;
  in->slots += t.needs.awsvpc ? 1 : 0;
  for (guint k = 0; k < t.needs.n_host_ports; k++)
    in->port_used[t.needs.host_ports[k] - ref_ports[0]] = FALSE;
  in->count[t.service]--;
  in->tasks--;
  placement_release(r->p, t.inst, t.service, &t.needs);
}

static void
ref_check_books(const Ref *r)
{
  for (uint32_t id = 0; id < r->n; id++) {
    const RefInst *in = &r->inst[id];
    if (!in->registered)
      continue;
    int cpu, mem, slots;
    placement_free_resources(r->p, id, &cpu, &mem, &slots);
    cr_assert(cpu == in->cpu && mem == in->mem && slots == in->slots,
              "instance %u", id);
    for (uint32_t s = 0; s < REF_SERVICES; s++)
      cr_assert_eq(placement_service_tasks(r->p, id, s), in->count[s]);
  }
}

/* One placement, checked against the reference. */
static void
ref_place(Ref *r, guint op)
{
  RefRequest rr;
  ref_request(r, &rr);
  uint32_t got;
  PlacementMiss miss;
  gboolean ok = placement_choose(r->p, &rr.req, r->rng, &got, &miss);
  int64_t want = ref_choose(r, &rr);
  cr_assert_eq(ok, want >= 0, "op %u: strategies %d: placed %d, reference "
               "%d", op, (int) (rr.set - ref_sets), ok, (int) want);
  if (!ok)
    return;
  if (rr.set->random)
    cr_assert(ref_fits(r, got, &rr), "op %u: random chose a misfit", op);
  else
    cr_assert_eq(got, want, "op %u: strategies %d: chose %u, reference %d",
                 op, (int) (rr.set - ref_sets), got, (int) want);
  ref_commit(r, got, &rr.req);
}

static void
ref_step(Ref *r, guint op)
{
  double u = gsl_rng_uniform(r->rng);
  uint32_t id = gsl_rng_uniform_int(r->rng, r->n);
  RefInst *in = &r->inst[id];
  if (u < 0.04) {
    if (!in->registered)
      ref_add(r, id);
  } else if (u < 0.06) {
    if (in->registered && in->tasks == 0) {
      placement_remove_instance(r->p, id);
      in->registered = FALSE;
    }
  } else if (u < 0.09) {
    if (in->registered) {
      in->active = !in->active;
      placement_set_active(r->p, id, in->active);
    }
  } else if (u < 0.42) {
    if (r->tasks->len > 0)
      ref_release(r, gsl_rng_uniform_int(r->rng, r->tasks->len));
  } else {
    ref_place(r, op);
  }
}

static void
ref_run(unsigned long seed, guint n_instances, guint n_ops)
{
  Ref r = { .n = n_instances };
  r.inst = g_new0(RefInst, n_instances);
  r.tasks = g_array_new(FALSE, FALSE, sizeof(RefTask));
  r.p = placement_new(3);
  r.rng = rng_new(seed);
  r.blue = placement_expr_parse("attribute:stack == blue", NULL);
  for (uint32_t id = 0; id < n_instances; id += 2)
    ref_add(&r, id);
  for (guint op = 0; op < n_ops; op++) {
    ref_step(&r, op);
    if (op % 97 == 0)
      ref_check_books(&r);
  }
  ref_check_books(&r);
  placement_expr_free(r.blue);
  gsl_rng_free(r.rng);
  placement_free(r.p);
  g_array_unref(r.tasks);
  g_free(r.inst);
}

Test(placement, indexed_choice_matches_brute_force_small_cluster)
{
  for (unsigned long seed = 1; seed <= 4; seed++)
    ref_run(seed, 24, 6000);
}

Test(placement, indexed_choice_matches_brute_force_large_cluster)
{
  ref_run(99, 600, 12000);
}
