/* Placement: the instance table, partitions, per-service counts,
 * commit/release and the checks every candidate must pass. Choosing is in
 * placement-choose.c, the index in placement-index.c. */
#include "models/capacity/placement-private.h"

#include <string.h>

/* Salts give each forest its own treap shapes (any distinct values). */
#define SALT_MEM 0x6d656d00u
#define SALT_CPU 0x63707500u
#define SALT_ID 0x69640000u
#define SALT_SVC 0x73766300u

/* The string id of @s, made on first sight (NULL: PLACEMENT_NO_STRING).
 * Strings are kept until placement_free(). */
static uint32_t
intern(Placement *p, const char *s)
{
  if (s == NULL)
    return PLACEMENT_NO_STRING;
  gpointer have = g_hash_table_lookup(p->strings, s);
  if (have != NULL)
    return GPOINTER_TO_UINT(have) - 1;
  char *copy = g_strdup(s);
  g_ptr_array_add(p->string_list, copy);
  g_hash_table_insert(p->strings, copy,
                      GUINT_TO_POINTER(p->string_list->len));
  return p->string_list->len - 1;
}

Placement *
placement_new(guint n_azs)
{
  Placement *p = g_new0(Placement, 1);
  p->n_azs = n_azs;
  p->strings = g_hash_table_new(g_str_hash, g_str_equal);
  p->string_list = g_ptr_array_new_with_free_func(g_free);
  p->name_type = intern(p, "ecs.instance-type");
  p->name_az = intern(p, "ecs.availability-zone");
  p->name_arch = intern(p, "ecs.cpu-architecture");
  p->empty = intern(p, "");
  p->archs = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  p->parts = g_array_new(FALSE, TRUE, sizeof(PlacementPart));
  placement_tree_init(&p->by_mem, SALT_MEM);
  placement_tree_init(&p->by_cpu, SALT_CPU);
  placement_tree_init(&p->by_id, SALT_ID);
  p->cands = g_array_new(FALSE, FALSE, sizeof(uint32_t));
  p->az_order = g_new0(uint32_t, MAX(n_azs, 1u));
  p->az_mask = g_new0(gboolean, MAX(n_azs, 1u));
  return p;
}

static void
inst_clear(PlacementInst *in)
{
  g_free(in->instance_id);
  g_free(in->attributes);
  g_free(in->ports);
  memset(in, 0, sizeof *in);
}

void
placement_free(Placement *p)
{
  if (p == NULL)
    return;
  for (guint i = 0; i < p->cap; i++)
    inst_clear(&p->inst[i]);
  g_free(p->inst);
  g_free(p->free);
  for (guint i = 0; i < p->parts->len; i++)
    g_array_unref(g_array_index(p->parts, PlacementPart, i).members);
  g_array_unref(p->parts);
  g_array_unref(p->archs);
  g_hash_table_destroy(p->strings);
  g_ptr_array_unref(p->string_list);
  placement_tree_clear(&p->by_mem);
  placement_tree_clear(&p->by_cpu);
  placement_tree_clear(&p->by_id);
  for (guint s = 0; s < p->n_svcs; s++) {
    PlacementSvc *svc = p->svcs[s];
    if (svc == NULL)
      continue;
    g_free(svc->count);
    g_free(svc->az_count);
    placement_tree_clear(&svc->by_count);
    g_free(svc);
  }
  g_free(p->svcs);
  g_array_unref(p->cands);
  g_free(p->az_order);
  g_free(p->az_mask);
  g_free(p);
}

/* Every per-instance array grows together. */
static void
reserve_instances(Placement *p, uint32_t id)
{
  if (id < p->cap)
    return;
  guint cap = MAX(MAX(16u, p->cap * 2), id + 1);
  p->inst = g_renew(PlacementInst, p->inst, cap);
  memset(p->inst + p->cap, 0, (cap - p->cap) * sizeof *p->inst);
  p->free = g_renew(PlacementRes, p->free, cap);
  memset(p->free + p->cap, 0, (cap - p->cap) * sizeof *p->free);
  for (guint s = 0; s < p->n_svcs; s++) {
    PlacementSvc *svc = p->svcs[s];
    if (svc == NULL)
      continue;
    svc->count = g_renew(guint32, svc->count, cap);
    memset(svc->count + p->cap, 0, (cap - p->cap) * sizeof *svc->count);
  }
  p->cap = cap;
}

static PlacementTree *
global_tree(Placement *p, guint k)
{
  PlacementTree *trees[] = { &p->by_mem, &p->by_cpu, &p->by_id };
  return trees[k];
}

#define N_GLOBAL_TREES 3

static int64_t
tree_key(const Placement *p, const PlacementTree *t, const PlacementSvc *s,
         uint32_t id)
{
  if (t == &p->by_mem)
    return p->free[id].mem;
  if (t == &p->by_cpu)
    return p->free[id].cpu;
  if (t == &p->by_id)
    return 0;
  return s->count[id];
}

static void
reserve_trees(Placement *p)
{
  for (guint k = 0; k < N_GLOBAL_TREES; k++)
    if (global_tree(p, k)->built)
      placement_tree_reserve(global_tree(p, k), p->cap, p->parts->len);
  for (guint s = 0; s < p->n_svcs; s++)
    if (p->svcs[s] != NULL && p->svcs[s]->by_count.built)
      placement_tree_reserve(&p->svcs[s]->by_count, p->cap, p->parts->len);
}

void
placement_index_build(Placement *p, PlacementTree *t, const PlacementSvc *s)
{
  if (t->built)
    return;
  t->built = TRUE;
  placement_tree_reserve(t, p->cap, p->parts->len);
  for (uint32_t id = 0; id < p->cap; id++)
    if (p->inst[id].registered && p->inst[id].active)
      placement_tree_insert(t, p->inst[id].part, id, tree_key(p, t, s, id),
                            &p->free[id]);
}

static guint
intern_arch(Placement *p, const char *name)
{
  uint32_t sid = intern(p, name);
  for (guint i = 0; i < p->archs->len; i++)
    if (g_array_index(p->archs, uint32_t, i) == sid)
      return i;
  g_array_append_val(p->archs, sid);
  return p->archs->len - 1;
}

static guint
find_part(Placement *p, guint arch, uint32_t group, uint32_t az)
{
  for (guint i = 0; i < p->parts->len; i++) {
    PlacementPart *pt = &g_array_index(p->parts, PlacementPart, i);
    if (pt->arch == arch && pt->group == group && pt->az == az)
      return i;
  }
  PlacementPart pt = { arch, group, az, g_array_new(FALSE, FALSE, 4) };
  g_array_append_val(p->parts, pt);
  return p->parts->len - 1;
}

/* Puts active instance @id into its partition's members and every
 * built tree. */
static void
index_add(Placement *p, uint32_t id)
{
  PlacementInst *in = &p->inst[id];
  PlacementPart *pt = &g_array_index(p->parts, PlacementPart, in->part);
  in->member_pos = pt->members->len;
  g_array_append_val(pt->members, id);
  for (guint k = 0; k < N_GLOBAL_TREES; k++) {
    PlacementTree *t = global_tree(p, k);
    if (t->built)
      placement_tree_insert(t, in->part, id, tree_key(p, t, NULL, id),
                            &p->free[id]);
  }
  for (guint s = 0; s < p->n_svcs; s++) {
    PlacementSvc *svc = p->svcs[s];
    if (svc != NULL && svc->by_count.built)
      placement_tree_insert(&svc->by_count, in->part, id, svc->count[id],
                            &p->free[id]);
  }
}

static void
index_remove(Placement *p, uint32_t id)
{
  PlacementInst *in = &p->inst[id];
  PlacementPart *pt = &g_array_index(p->parts, PlacementPart, in->part);
  uint32_t last = g_array_index(pt->members, uint32_t, pt->members->len - 1);
  g_array_index(pt->members, uint32_t, in->member_pos) = last;
  p->inst[last].member_pos = in->member_pos;
  g_array_set_size(pt->members, pt->members->len - 1);
  for (guint k = 0; k < N_GLOBAL_TREES; k++)
    if (global_tree(p, k)->built)
      placement_tree_remove(global_tree(p, k), in->part, id);
  for (guint s = 0; s < p->n_svcs; s++) {
    PlacementSvc *svc = p->svcs[s];
    if (svc != NULL && svc->by_count.built)
      placement_tree_remove(&svc->by_count, in->part, id);
  }
}

/* @id's free resources (and @service's count on it) just changed: trees
 * whose key changed re-place it, the others refresh their maxima. */
static void
reindex(Placement *p, uint32_t id, uint32_t service)
{
  PlacementInst *in = &p->inst[id];
  if (!in->active)
    return;
  for (guint k = 0; k < N_GLOBAL_TREES; k++) {
    PlacementTree *t = global_tree(p, k);
    if (!t->built)
      continue;
    if (t == &p->by_id) {
      placement_tree_refresh(t, in->part, id, &p->free[id]);
    } else {
      placement_tree_remove(t, in->part, id);
      placement_tree_insert(t, in->part, id, tree_key(p, t, NULL, id),
                            &p->free[id]);
    }
  }
  for (guint s = 0; s < p->n_svcs; s++) {
    PlacementSvc *svc = p->svcs[s];
    if (svc == NULL || !svc->by_count.built)
      continue;
    if (s == service) {
      placement_tree_remove(&svc->by_count, in->part, id);
      placement_tree_insert(&svc->by_count, in->part, id, svc->count[id],
                            &p->free[id]);
    } else {
      placement_tree_refresh(&svc->by_count, in->part, id, &p->free[id]);
    }
  }
}

void
placement_add_instance(Placement *p, uint32_t id,
                       const PlacementInstanceInfo *info)
{
  g_return_if_fail(p != NULL && info != NULL);
  g_return_if_fail(id < PLACEMENT_NIL);
  g_return_if_fail(id >= p->cap || !p->inst[id].registered);
  g_return_if_fail(info->az < p->n_azs);
  g_return_if_fail(info->cpu >= 0 && info->memory >= 0 &&
                   info->awsvpc_slots >= 0);
  reserve_instances(p, id);
  PlacementInst *in = &p->inst[id];
  in->registered = TRUE;
  in->active = TRUE;
  in->az = info->az;
  in->group = info->group;
  in->arch = intern_arch(p, info->cpu_architecture ? info->cpu_architecture
                                                   : "x86_64");
  in->part = find_part(p, in->arch, in->group, in->az);
  in->instance_id = g_strdup(info->instance_id);
  in->instance_type = intern(p, info->instance_type);
  in->az_name = intern(p, info->az_name);
  guint n = info->attributes ? g_strv_length((char **) info->attributes) : 0;
  in->n_attributes = n / 2;
  in->attributes = g_new(uint32_t, n);
  for (guint k = 0; k < n / 2 * 2; k++)
    in->attributes[k] = intern(p, info->attributes[k]);
  in->cpu = info->cpu;
  in->memory = info->memory;
  in->slots = info->awsvpc_slots;
  p->free[id] = (PlacementRes) { info->cpu, info->memory, info->awsvpc_slots };
  reserve_trees(p);
  index_add(p, id);
}

void
placement_remove_instance(Placement *p, uint32_t id)
{
  g_return_if_fail(p != NULL && id < p->cap && p->inst[id].registered);
  g_return_if_fail(p->inst[id].tasks == 0);
  if (p->inst[id].active)
    index_remove(p, id);
  inst_clear(&p->inst[id]);
  p->free[id] = (PlacementRes) { 0, 0, 0 };
}

void
placement_set_active(Placement *p, uint32_t id, gboolean active)
{
  g_return_if_fail(p != NULL && id < p->cap && p->inst[id].registered);
  PlacementInst *in = &p->inst[id];
  if (!in->active == !active)
    return;
  if (active) {
    in->active = TRUE;
    index_add(p, id);
  } else {
    index_remove(p, id);
    in->active = FALSE;
  }
}

PlacementSvc *
placement_svc(Placement *p, uint32_t service)
{
  g_return_val_if_fail(service < (1u << 24), NULL);
  if (service >= p->n_svcs) {
    guint n = MAX(service + 1, p->n_svcs * 2);
    p->svcs = g_renew(PlacementSvc *, p->svcs, n);
    memset(p->svcs + p->n_svcs, 0, (n - p->n_svcs) * sizeof *p->svcs);
    p->n_svcs = n;
  }
  if (p->svcs[service] == NULL) {
    PlacementSvc *s = g_new0(PlacementSvc, 1);
    s->count = g_new0(guint32, MAX(p->cap, 1u));
    s->az_count = g_new0(guint, MAX(p->n_azs, 1u));
    placement_tree_init(&s->by_count, SALT_SVC ^ service);
    p->svcs[service] = s;
  }
  return p->svcs[service];
}

guint
placement_port_conflicts(const Placement *p, uint32_t id,
                         const PlacementNeeds *needs)
{
  const PlacementInst *in = &p->inst[id];
  guint conflicts = 0;
  for (guint i = 0; i < needs->n_host_ports; i++)
    for (guint j = 0; j < in->n_ports; j++)
      if (in->ports[j] == needs->host_ports[i]) {
        conflicts++;
        break;
      }
  return conflicts;
}

/* Port lists are short (a few per task), so arrays beat hash sets. */
static void
ports_add(PlacementInst *in, const PlacementNeeds *needs)
{
  for (guint i = 0; i < needs->n_host_ports; i++) {
    if (in->n_ports == in->ports_cap) {
      in->ports_cap = MAX(4u, in->ports_cap * 2);
      in->ports = g_renew(uint16_t, in->ports, in->ports_cap);
    }
    in->ports[in->n_ports++] = needs->host_ports[i];
  }
}

static void
ports_remove(PlacementInst *in, const PlacementNeeds *needs)
{
  for (guint i = 0; i < needs->n_host_ports; i++)
    for (guint j = 0; j < in->n_ports; j++)
      if (in->ports[j] == needs->host_ports[i]) {
        in->ports[j] = in->ports[--in->n_ports];
        break;
      }
}

void
placement_commit(Placement *p, uint32_t instance, uint32_t service,
                 const PlacementNeeds *needs)
{
  g_return_if_fail(p != NULL && needs != NULL);
  g_return_if_fail(instance < p->cap && p->inst[instance].registered);
  g_return_if_fail(needs->cpu >= 0 && needs->memory >= 0);
  PlacementRes *f = &p->free[instance];
  /* Never overcommit: a commit that does not fit is the caller's bug. */
  g_return_if_fail(f->cpu >= needs->cpu && f->mem >= needs->memory);
  g_return_if_fail(!needs->awsvpc || f->slots > 0);
  g_return_if_fail(placement_port_conflicts(p, instance, needs) == 0);
  PlacementSvc *s = placement_svc(p, service);
  g_return_if_fail(s != NULL);
  PlacementInst *in = &p->inst[instance];
  f->cpu -= needs->cpu;
  f->mem -= needs->memory;
  f->slots -= needs->awsvpc ? 1 : 0;
  ports_add(in, needs);
  in->tasks++;
  s->count[instance]++;
  s->az_count[in->az]++;
  reindex(p, instance, service);
}

void
placement_release(Placement *p, uint32_t instance, uint32_t service,
                  const PlacementNeeds *needs)
{
  g_return_if_fail(p != NULL && needs != NULL);
  g_return_if_fail(instance < p->cap && p->inst[instance].registered);
  g_return_if_fail(service < p->n_svcs && p->svcs[service] != NULL);
  PlacementSvc *s = p->svcs[service];
  PlacementInst *in = &p->inst[instance];
  PlacementRes *f = &p->free[instance];
  g_return_if_fail(s->count[instance] > 0);
  g_return_if_fail(needs->cpu >= 0 && needs->memory >= 0);
  g_return_if_fail(f->cpu + needs->cpu <= in->cpu &&
                   f->mem + needs->memory <= in->memory);
  g_return_if_fail(!needs->awsvpc || f->slots < in->slots);
  g_return_if_fail(placement_port_conflicts(p, instance, needs) ==
                   needs->n_host_ports);
  f->cpu += needs->cpu;
  f->mem += needs->memory;
  f->slots += needs->awsvpc ? 1 : 0;
  ports_remove(in, needs);
  in->tasks--;
  s->count[instance]--;
  s->az_count[in->az]--;
  reindex(p, instance, service);
}

void
placement_free_resources(const Placement *p, uint32_t instance, int *cpu,
                         int *memory, int *awsvpc_slots)
{
  g_return_if_fail(p != NULL && instance < p->cap);
  if (cpu)
    *cpu = p->free[instance].cpu;
  if (memory)
    *memory = p->free[instance].mem;
  if (awsvpc_slots)
    *awsvpc_slots = p->free[instance].slots;
}

guint
placement_service_tasks(const Placement *p, uint32_t instance,
                        uint32_t service)
{
  g_return_val_if_fail(p != NULL, 0);
  if (instance >= p->cap || service >= p->n_svcs || p->svcs[service] == NULL)
    return 0;
  return p->svcs[service]->count[instance];
}

uint32_t
placement_interned(const Placement *p, const char *s)
{
  gpointer have = s ? g_hash_table_lookup(p->strings, s) : NULL;
  return have ? GPOINTER_TO_UINT(have) - 1 : PLACEMENT_NO_STRING;
}

uint32_t
placement_attr_value(const Placement *p, uint32_t id, uint32_t name)
{
  const PlacementInst *in = &p->inst[id];
  if (name == PLACEMENT_NO_STRING)
    return PLACEMENT_NO_STRING;
  if (name == p->name_type)
    return in->instance_type;
  if (name == p->name_az)
    return in->az_name;
  if (name == p->name_arch)
    return g_array_index(p->archs, uint32_t, in->arch);
  for (guint k = 0; k < in->n_attributes; k++)
    if (in->attributes[2 * k] == name)
      return in->attributes[2 * k + 1];
  return PLACEMENT_NO_STRING;
}

const char *
placement_instance_attribute(const Placement *p, uint32_t instance,
                             const char *name)
{
  g_return_val_if_fail(p != NULL && name != NULL, NULL);
  g_return_val_if_fail(instance < p->cap && p->inst[instance].registered,
                       NULL);
  uint32_t v = placement_attr_value(p, instance, placement_interned(p, name));
  return v == PLACEMENT_NO_STRING ? NULL : g_ptr_array_index(p->string_list, v);
}

void
placement_query_init(Placement *p, const PlacementRequest *req,
                     PlacementQuery *q)
{
  memset(q, 0, sizeof *q);
  q->req = req;
  q->need = (PlacementRes) { req->needs.cpu, req->needs.memory,
                             req->needs.awsvpc ? 1 : 0 };
  q->arch = -1;
  if (req->cpu_architecture != NULL) {
    q->arch = -2;
    uint32_t sid = placement_interned(p, req->cpu_architecture);
    for (guint i = 0; i < p->archs->len; i++)
      if (g_array_index(p->archs, uint32_t, i) == sid)
        q->arch = (int) i;
  }
  q->svc = placement_svc(p, req->service);
}

gboolean
placement_group_ok(const PlacementRequest *req, uint32_t group)
{
  return req->group_mask == NULL ||
         (req->group_mask[group / 64] >> (group % 64) & 1) != 0;
}

gboolean
placement_part_ok(const Placement *p, const PlacementQuery *q, guint part)
{
  const PlacementPart *pt = &g_array_index(p->parts, PlacementPart, part);
  if (q->arch == -2 || (q->arch >= 0 && pt->arch != (guint) q->arch))
    return FALSE;
  if (q->az_ok != NULL && !q->az_ok[pt->az])
    return FALSE;
  return placement_group_ok(q->req, pt->group);
}

/* One instance of a placement index, as memberOf expressions see it. */
typedef struct {
  const Placement *p;
  uint32_t id;
} InstanceRef;

static const char *
instance_attribute(const char *name, gconstpointer instance)
{
  const InstanceRef *ref = instance;
  return name != NULL ? placement_instance_attribute(ref->p, ref->id, name)
                      : ref->p->inst[ref->id].instance_id;
}

gboolean
placement_expr_matches(const Placement *p, const PlacementExpr *e, uint32_t id)
{
  g_return_val_if_fail(p != NULL && e != NULL, FALSE);
  g_return_val_if_fail(id < p->cap && p->inst[id].registered, FALSE);
  InstanceRef ref = { p, id };
  return placement_expr_eval(e, instance_attribute, &ref);
}

gboolean
placement_member_of_ok(const Placement *p, const PlacementRequest *req,
                       uint32_t id)
{
  for (guint i = 0; i < req->n_member_of; i++)
    if (!placement_expr_matches(p, req->member_of[i], id))
      return FALSE;
  return TRUE;
}

gboolean
placement_query_fits(const Placement *p, const PlacementQuery *q, uint32_t id)
{
  const PlacementInst *in = &p->inst[id];
  const PlacementRes *f = &p->free[id];
  if (!in->registered || !in->active)
    return FALSE;
  if (f->cpu < q->need.cpu || f->mem < q->need.mem || f->slots < q->need.slots)
    return FALSE;
  if (!placement_part_ok(p, q, in->part))
    return FALSE;
  if (q->req->distinct_instance && q->svc->count[id] > 0)
    return FALSE;
  if (q->req->needs.n_host_ports > 0 &&
      placement_port_conflicts(p, id, &q->req->needs) > 0)
    return FALSE;
  return placement_member_of_ok(p, q->req, id);
}
