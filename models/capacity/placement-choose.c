/* Choosing an instance for a task: resources, then constraints, then the
 * strategies in order, each keeping only its best candidates so that a
 * later strategy breaks the ties of an earlier one.
 *
 * Tie-breaking (ECS's exact rule is UNVERIFIED): strategy k keeps every
 * candidate whose key equals the best key among the candidates strategy
 * k-1 left; random picks one of them uniformly and ends the list. After
 * the last strategy, exact ties go to the LOWEST instance id. So the pick
 * is the lexicographic minimum of (key_1, ..., key_n, id) over feasible
 * instances, which is what the brute-force reference in the tests
 * computes; the rng is drawn only by random strategies.
 *
 * Keys: binpack memory/cpu: free memory/CPU now (least wins); spread
 * instanceId/host: this service's tasks on the instance; spread by an
 * attribute: this service's tasks on all registered instances (DRAINING
 * ones included) with the instance's value of it, compared only among
 * values that feasible instances have (an instance without the attribute
 * has the value ""). Spread by ecs.availability-zone uses the AZ index.
 *
 * How each shape is found:
 *   spread AZ first: AZs are taken in order of the service's count, equal
 *     counts together; the rest of the list is solved over those AZs'
 *     partitions, and the first group with any feasible instance wins.
 *   binpack, spread instanceId, or nothing left: the index's first
 *     feasible instance per partition in key order (placement-index.c);
 *     with more strategies after it, the ties at the best key are listed
 *     from the index and the rest applied to that list by scan.
 *   random: rejection sampling over the partitions' active instances
 *     (uniform over the feasible ones); after 32 misses, a scan.
 *   spread by another attribute first: a scan of every instance (the
 *     fallback: O(instances), about 20 ns each).
 * Checks the index cannot see (ports, distinctInstance, memberOf) are made
 * per candidate in key order, so a service whose ports or distinctInstance
 * exclude most of the best-ranked instances walks past them.
 *
 * Costs measured on 10,000 m6i.large-like instances (bench-placement and
 * ad hoc runs): binpack, the default spread, spread AZ + binpack, spread
 * instanceId and memberOf about 0.6-1 us a placement; random 0.15 us. The
 * slow shapes, all correct but linear: spread by a custom attribute
 * (~0.2 ms); binpack followed by another strategy while thousands of
 * instances tie (an empty cluster: ~0.1 ms); binpack with distinctInstance
 * or a fixed host port once thousands of instances hold the service
 * (~0.6 ms at 10,000: each is walked past). With spread, these
 * constraints cost nothing extra: the instances they exclude rank last. */
#include "models/capacity/placement-private.h"

#include <stdlib.h>
#include <string.h>

/* Random draws over the partitions before falling back to a scan. */
#define RANDOM_TRIES 32

typedef struct {
  Placement *p;
  PlacementQuery q;
  gsl_rng *rng;
} Chooser;

static gboolean solve(Chooser *c, const PlacementStrat *st, guint n,
                      uint32_t *out);

static gboolean
field_is(const char *field, const char *name)
{
  return field != NULL && g_ascii_strcasecmp(field, name) == 0;
}

guint
placement_strats(const Placement *p, const PlacementRequest *req,
                 PlacementStrat *out)
{
  if (req->n_strategies == 0) {
    if (!req->default_spread)
      return 0;
    out[0] = (PlacementStrat) { PLACEMENT_KEY_AZ, PLACEMENT_NO_STRING };
    out[1] = (PlacementStrat) { PLACEMENT_KEY_INSTANCE, PLACEMENT_NO_STRING };
    return 2;
  }
  if (req->n_strategies > PLACEMENT_MAX_STRATEGIES)
    return G_MAXUINT;
  guint n = 0;
  for (guint i = 0; i < req->n_strategies; i++) {
    const PlacementStrategyItem *it = &req->strategies[i];
    PlacementStrat st = { PLACEMENT_KEY_RANDOM, PLACEMENT_NO_STRING };
    if (it->type == PLACEMENT_BINPACK && field_is(it->field, "memory"))
      st.kind = PLACEMENT_KEY_MEM;
    else if (it->type == PLACEMENT_BINPACK && field_is(it->field, "cpu"))
      st.kind = PLACEMENT_KEY_CPU;
    else if (it->type == PLACEMENT_SPREAD &&
             (field_is(it->field, "instanceId") || field_is(it->field, "host")))
      st.kind = PLACEMENT_KEY_INSTANCE;
    else if (it->type == PLACEMENT_SPREAD && it->field != NULL &&
             g_str_has_prefix(it->field, "attribute:") && it->field[10]) {
      const char *name = it->field + 10;
      st.kind = strcmp(name, "ecs.availability-zone") == 0
                  ? PLACEMENT_KEY_AZ : PLACEMENT_KEY_ATTR;
      st.attr = placement_interned(p, name);
    } else if (it->type != PLACEMENT_RANDOM) {
      return G_MAXUINT;
    }
    out[n++] = st;
    if (st.kind == PLACEMENT_KEY_RANDOM)
      break;
  }
  return n;
}

guint *
placement_attr_counts(const Placement *p, const PlacementSvc *s,
                      uint32_t attr)
{
  guint *counts = g_new0(guint, p->string_list->len);
  for (uint32_t id = 0; id < p->cap; id++) {
    if (!p->inst[id].registered || s->count[id] == 0)
      continue;
    uint32_t v = placement_attr_value(p, id, attr);
    counts[v == PLACEMENT_NO_STRING ? p->empty : v] += s->count[id];
  }
  return counts;
}

int64_t
placement_strat_key(const Placement *p, const PlacementSvc *s,
                    const PlacementStrat *st, const guint *attr_counts,
                    uint32_t id)
{
  switch (st->kind) {
  case PLACEMENT_KEY_MEM:
    return p->free[id].mem;
  case PLACEMENT_KEY_CPU:
    return p->free[id].cpu;
  case PLACEMENT_KEY_INSTANCE:
    return s->count[id];
  case PLACEMENT_KEY_AZ:
    return s->az_count[p->inst[id].az];
  case PLACEMENT_KEY_ATTR: {
    uint32_t v = placement_attr_value(p, id, st->attr);
    return attr_counts[v == PLACEMENT_NO_STRING ? p->empty : v];
  }
  case PLACEMENT_KEY_RANDOM:
    break;
  }
  return 0;
}

static int
id_cmp(const void *a, const void *b)
{
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  return (x > y) - (x < y);
}

/* Applies @st to @cands (ascending ids): each strategy keeps its least
 * keys; random picks one. Returns the pick. */
static uint32_t
scan_pick(Chooser *c, const PlacementStrat *st, guint n, GArray *cands)
{
  uint32_t *ids = (uint32_t *) (void *) cands->data;
  guint m = cands->len;
  g_assert(m > 0);
  for (guint k = 0; k < n && m > 1; k++) {
    if (st[k].kind == PLACEMENT_KEY_RANDOM)
      return ids[gsl_rng_uniform_int(c->rng, m)];
    g_autofree guint *ac = st[k].kind == PLACEMENT_KEY_ATTR
                             ? placement_attr_counts(c->p, c->q.svc,
                                                     st[k].attr)
                             : NULL;
    int64_t best = INT64_MAX;
    guint kept = 0;
    for (guint i = 0; i < m; i++) {
      int64_t key = placement_strat_key(c->p, c->q.svc, &st[k], ac, ids[i]);
      if (key < best) {
        best = key;
        kept = 0;
      }
      if (key == best)
        ids[kept++] = ids[i];
    }
    m = kept;
  }
  return ids[0];
}

/* Every feasible instance of the request's partitions, ascending: a scan
 * of all ids, which also saves sorting. */
static void
collect_all(Chooser *c)
{
  Placement *p = c->p;
  g_array_set_size(p->cands, p->cap);
  uint32_t *ids = (uint32_t *) (void *) p->cands->data;
  guint n = 0;
  for (uint32_t id = 0; id < p->cap; id++)
    if (placement_query_fits(p, &c->q, id))
      ids[n++] = id;
  g_array_set_size(p->cands, n);
}

static gboolean
solve_scan(Chooser *c, const PlacementStrat *st, guint n, uint32_t *out)
{
  collect_all(c);
  if (c->p->cands->len == 0)
    return FALSE;
  *out = scan_pick(c, st, n, c->p->cands);
  return TRUE;
}

static gboolean
solve_random(Chooser *c, uint32_t *out)
{
  Placement *p = c->p;
  guint total = 0;
  for (guint part = 0; part < p->parts->len; part++)
    if (placement_part_ok(p, &c->q, part))
      total += g_array_index(p->parts, PlacementPart, part).members->len;
  if (total == 0)
    return FALSE;
  /* Each draw is uniform over a superset; keeping the first feasible one
   * is uniform over the feasible set. */
  for (guint t = 0; t < RANDOM_TRIES; t++) {
    guint r = gsl_rng_uniform_int(c->rng, total);
    for (guint part = 0;; part++) {
      if (!placement_part_ok(p, &c->q, part))
        continue;
      GArray *members = g_array_index(p->parts, PlacementPart, part).members;
      if (r < members->len) {
        uint32_t id = g_array_index(members, uint32_t, r);
        if (!placement_query_fits(p, &c->q, id))
          break;
        *out = id;
        return TRUE;
      }
      r -= members->len;
    }
  }
  collect_all(c);
  if (p->cands->len == 0)
    return FALSE;
  *out = g_array_index(p->cands, uint32_t,
                       gsl_rng_uniform_int(c->rng, p->cands->len));
  return TRUE;
}

/* The first instance of @part's tree after (@key, @id), key <= @max_key,
 * that passes every check. */
static uint32_t
first_feasible(Chooser *c, const PlacementTree *t, guint part, int64_t key,
               uint32_t id, int64_t max_key)
{
  for (;;) {
    id = placement_tree_first(t, part, key, id, max_key, &c->q.need);
    if (id == PLACEMENT_NIL || placement_query_fits(c->p, &c->q, id))
      return id;
    key = t->nodes[id].key;
  }
}

/* The least (key, id) of @t over the request's partitions with key in
 * [@lo, @hi]; with strategies after it, the rest are applied to all the
 * instances tied at that key. */
static gboolean
solve_indexed(Chooser *c, const PlacementTree *t, int64_t lo, int64_t hi,
              const PlacementStrat *rest, guint n_rest, uint32_t *out)
{
  Placement *p = c->p;
  int64_t best_key = INT64_MAX;
  uint32_t best = PLACEMENT_NIL;
  for (guint part = 0; part < p->parts->len; part++) {
    if (!placement_part_ok(p, &c->q, part))
      continue;
    uint32_t id = first_feasible(c, t, part, lo - 1, PLACEMENT_NIL, hi);
    if (id == PLACEMENT_NIL)
      continue;
    int64_t key = t->nodes[id].key;
    if (key < best_key || (key == best_key && id < best)) {
      best_key = key;
      best = id;
    }
  }
  if (best == PLACEMENT_NIL)
    return FALSE;
  if (n_rest == 0) {
    *out = best;
    return TRUE;
  }
  g_array_set_size(p->cands, 0);
  for (guint part = 0; part < p->parts->len; part++) {
    if (!placement_part_ok(p, &c->q, part))
      continue;
    uint32_t id = PLACEMENT_NIL;
    while ((id = first_feasible(c, t, part, id == PLACEMENT_NIL ? best_key - 1
                                                                : best_key,
                                id, best_key)) != PLACEMENT_NIL)
      g_array_append_val(p->cands, id);
  }
  g_array_sort(p->cands, id_cmp);
  *out = scan_pick(c, rest, n_rest, p->cands);
  return TRUE;
}

static int
az_cmp(const void *a, const void *b, void *data)
{
  const guint *count = data;
  uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
  if (count[x] != count[y])
    return count[x] < count[y] ? -1 : 1;
  return (x > y) - (x < y);
}

/* Spread by AZ first: AZ groups of equal count, least first. Within a
 * group every AZ has the same count, so later AZ spreads tie: drop them. */
static gboolean
solve_az(Chooser *c, const PlacementStrat *st, guint n, uint32_t *out)
{
  Placement *p = c->p;
  PlacementStrat rest[PLACEMENT_MAX_STRATEGIES];
  guint n_rest = 0;
  for (guint k = 1; k < n; k++)
    if (st[k].kind != PLACEMENT_KEY_AZ)
      rest[n_rest++] = st[k];
  const guint *count = c->q.svc->az_count;
  for (uint32_t az = 0; az < p->n_azs; az++)
    p->az_order[az] = az;
  g_qsort_with_data(p->az_order, (gint) p->n_azs, sizeof(uint32_t), az_cmp,
                    (gpointer) count);
  gboolean found = FALSE;
  for (guint i = 0; i < p->n_azs && !found;) {
    guint j = i;
    memset(p->az_mask, 0, p->n_azs * sizeof(gboolean));
    while (j < p->n_azs && count[p->az_order[j]] == count[p->az_order[i]])
      p->az_mask[p->az_order[j++]] = TRUE;
    c->q.az_ok = p->az_mask;
    found = solve(c, rest, n_rest, out);
    c->q.az_ok = NULL;
    i = j;
  }
  return found;
}

static gboolean
solve(Chooser *c, const PlacementStrat *st, guint n, uint32_t *out)
{
  Placement *p = c->p;
  if (n == 0) {
    placement_index_build(p, &p->by_id, NULL);
    return solve_indexed(c, &p->by_id, 0, 0, NULL, 0, out);
  }
  switch (st[0].kind) {
  case PLACEMENT_KEY_MEM:
    placement_index_build(p, &p->by_mem, NULL);
    return solve_indexed(c, &p->by_mem, c->q.need.mem, INT64_MAX, st + 1,
                         n - 1, out);
  case PLACEMENT_KEY_CPU:
    placement_index_build(p, &p->by_cpu, NULL);
    return solve_indexed(c, &p->by_cpu, c->q.need.cpu, INT64_MAX, st + 1,
                         n - 1, out);
  case PLACEMENT_KEY_INSTANCE:
    placement_index_build(p, &c->q.svc->by_count, c->q.svc);
    /* distinctInstance: only instances without a task of the service. */
    return solve_indexed(c, &c->q.svc->by_count, 0,
                         c->q.req->distinct_instance ? 0 : INT64_MAX,
                         st + 1, n - 1, out);
  case PLACEMENT_KEY_AZ:
    return solve_az(c, st, n, out);
  case PLACEMENT_KEY_RANDOM:
    return solve_random(c, out);
  case PLACEMENT_KEY_ATTR:
    break;
  }
  return solve_scan(c, st, n, out);
}

gboolean
placement_choose(Placement *p, const PlacementRequest *req, gsl_rng *rng,
                 uint32_t *instance, PlacementMiss *miss)
{
  g_return_val_if_fail(p != NULL && req != NULL && instance != NULL, FALSE);
  g_return_val_if_fail(req->needs.cpu >= 0 && req->needs.memory >= 0, FALSE);
  PlacementStrat st[PLACEMENT_MAX_STRATEGIES];
  guint n = placement_strats(p, req, st);
  g_return_val_if_fail(n != G_MAXUINT, FALSE);
  g_return_val_if_fail(rng != NULL || n == 0 ||
                       st[n - 1].kind != PLACEMENT_KEY_RANDOM, FALSE);
  Chooser c = { p, { 0 }, rng };
  placement_query_init(p, req, &c.q);
  g_return_val_if_fail(c.q.svc != NULL, FALSE);
  if (solve(&c, st, n, instance))
    return TRUE;
  if (miss != NULL)
    placement_explain_miss(p, &c.q, miss);
  return FALSE;
}
