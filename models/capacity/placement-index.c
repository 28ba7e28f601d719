/* The free-capacity index: treaps of instances ordered by (key, id), each
 * node holding the maxima of free CPU, memory and awsvpc slots over its
 * subtree (see placement-private.h for which keys).
 *
 * Why a treap: keys (free memory, free CPU, a service's task count)
 * change on every commit, so the order must be dynamic; a treap is the
 * shortest balanced tree to write with subtree aggregates. Priorities are
 * a hash of the instance id, not random draws, so a tree's shape depends
 * on its contents only and no random stream is consumed. Nodes live in
 * one array indexed by instance id (no allocation per insert) and carry
 * their instance's free resources, so keeping the maxima touches no other
 * memory.
 *
 * Recursion depth is the tree height: O(log n) expected (about 40 for
 * 10,000 instances). */
#include "models/capacity/placement-private.h"

#include <string.h>

void
placement_tree_init(PlacementTree *t, uint32_t salt)
{
  memset(t, 0, sizeof *t);
  t->salt = salt;
}

void
placement_tree_clear(PlacementTree *t)
{
  g_free(t->nodes);
  g_free(t->roots);
  t->nodes = NULL;
  t->roots = NULL;
  t->n_nodes = t->n_roots = 0;
}

void
placement_tree_reserve(PlacementTree *t, guint n_nodes, guint n_roots)
{
  if (n_nodes > t->n_nodes) {
    t->nodes = g_renew(PlacementNode, t->nodes, n_nodes);
    t->n_nodes = n_nodes;
  }
  if (n_roots > t->n_roots) {
    t->roots = g_renew(uint32_t, t->roots, n_roots);
    for (guint i = t->n_roots; i < n_roots; i++)
      t->roots[i] = PLACEMENT_NIL;
    t->n_roots = n_roots;
  }
}

/* murmur3's 32-bit finalizer: a well-mixed priority from the id. */
static uint32_t
priority(uint32_t id, uint32_t salt)
{
  uint32_t h = id * 0x9e3779b1u ^ salt;
  h ^= h >> 16;
  h *= 0x85ebca6bu;
  h ^= h >> 13;
  h *= 0xc2b2ae35u;
  h ^= h >> 16;
  return h;
}

/* (ka, ia) < (kb, ib) */
static inline gboolean
key_less(int64_t ka, uint32_t ia, int64_t kb, uint32_t ib)
{
  return ka < kb || (ka == kb && ia < ib);
}

static void
pull(PlacementTree *t, uint32_t x)
{
  PlacementNode *n = &t->nodes[x];
  int32_t cpu = n->own.cpu, mem = n->own.mem, slots = n->own.slots;
  for (int side = 0; side < 2; side++) {
    uint32_t c = side ? n->right : n->left;
    if (c == PLACEMENT_NIL)
      continue;
    cpu = MAX(cpu, t->nodes[c].max_cpu);
    mem = MAX(mem, t->nodes[c].max_mem);
    slots = MAX(slots, t->nodes[c].max_slots);
  }
  n->max_cpu = cpu;
  n->max_mem = mem;
  n->max_slots = slots;
}

/* Splits the tree at @x into nodes before (@key, @id) and the rest. */
static void
split(PlacementTree *t, uint32_t x, int64_t key, uint32_t id, uint32_t *l,
      uint32_t *r)
{
  if (x == PLACEMENT_NIL) {
    *l = *r = PLACEMENT_NIL;
    return;
  }
  PlacementNode *n = &t->nodes[x];
  if (key_less(n->key, x, key, id)) {
    split(t, n->right, key, id, &n->right, r);
    *l = x;
  } else {
    split(t, n->left, key, id, l, &n->left);
    *r = x;
  }
  pull(t, x);
}

/* Joins @a and @b, every key of @a before every key of @b. */
static uint32_t
merge(PlacementTree *t, uint32_t a, uint32_t b)
{
  if (a == PLACEMENT_NIL)
    return b;
  if (b == PLACEMENT_NIL)
    return a;
  if (t->nodes[a].prio > t->nodes[b].prio) {
    t->nodes[a].right = merge(t, t->nodes[a].right, b);
    pull(t, a);
    return a;
  }
  t->nodes[b].left = merge(t, a, t->nodes[b].left);
  pull(t, b);
  return b;
}

static uint32_t
insert_at(PlacementTree *t, uint32_t root, uint32_t x)
{
  if (root == PLACEMENT_NIL)
    return x;
  PlacementNode *n = &t->nodes[x];
  if (n->prio > t->nodes[root].prio) {
    split(t, root, n->key, x, &n->left, &n->right);
    pull(t, x);
    return x;
  }
  PlacementNode *r = &t->nodes[root];
  if (key_less(n->key, x, r->key, root))
    r->left = insert_at(t, r->left, x);
  else
    r->right = insert_at(t, r->right, x);
  pull(t, root);
  return root;
}

void
placement_tree_insert(PlacementTree *t, guint part, uint32_t id, int64_t key,
                      const PlacementRes *own)
{
  g_assert(id < t->n_nodes && part < t->n_roots);
  PlacementNode *n = &t->nodes[id];
  n->left = n->right = PLACEMENT_NIL;
  n->prio = priority(id, t->salt);
  n->key = key;
  n->own = *own;
  pull(t, id);
  t->roots[part] = insert_at(t, t->roots[part], id);
}

static uint32_t
remove_at(PlacementTree *t, uint32_t root, uint32_t id)
{
  g_assert(root != PLACEMENT_NIL);
  PlacementNode *r = &t->nodes[root];
  if (root == id)
    return merge(t, r->left, r->right);
  if (key_less(t->nodes[id].key, id, r->key, root))
    r->left = remove_at(t, r->left, id);
  else
    r->right = remove_at(t, r->right, id);
  pull(t, root);
  return root;
}

void
placement_tree_remove(PlacementTree *t, guint part, uint32_t id)
{
  g_assert(id < t->n_nodes && part < t->n_roots);
  t->roots[part] = remove_at(t, t->roots[part], id);
}

static void
refresh_at(PlacementTree *t, uint32_t x, uint32_t id)
{
  g_assert(x != PLACEMENT_NIL);
  if (x != id) {
    PlacementNode *n = &t->nodes[x];
    refresh_at(t, key_less(t->nodes[id].key, id, n->key, x) ? n->left
                                                              : n->right,
               id);
  }
  pull(t, x);
}

void
placement_tree_refresh(PlacementTree *t, guint part, uint32_t id,
                       const PlacementRes *own)
{
  g_assert(id < t->n_nodes && part < t->n_roots);
  t->nodes[id].own = *own;
  refresh_at(t, t->roots[part], id);
}

static inline gboolean
holds(int32_t cpu, int32_t mem, int32_t slots, const PlacementRes *need)
{
  return cpu >= need->cpu && mem >= need->mem && slots >= need->slots;
}

static uint32_t
first_at(const PlacementTree *t, uint32_t x, int64_t after_key,
         uint32_t after_id, int64_t max_key, const PlacementRes *need)
{
  while (x != PLACEMENT_NIL) {
    const PlacementNode *n = &t->nodes[x];
    /* The maxima may come from different instances, so passing here
     * does not promise a fit below; failing rules the subtree out. */
    if (!holds(n->max_cpu, n->max_mem, n->max_slots, need))
      return PLACEMENT_NIL;
    if (!key_less(after_key, after_id, n->key, x)) {
      x = n->right;
      continue;
    }
    if (n->key > max_key) {
      x = n->left;
      continue;
    }
    uint32_t found = first_at(t, n->left, after_key, after_id, max_key, need);
    if (found != PLACEMENT_NIL)
      return found;
    if (holds(n->own.cpu, n->own.mem, n->own.slots, need))
      return x;
    x = n->right;
  }
  return PLACEMENT_NIL;
}

uint32_t
placement_tree_first(const PlacementTree *t, guint part, int64_t after_key,
                     uint32_t after_id, int64_t max_key,
                     const PlacementRes *need)
{
  if (part >= t->n_roots)
    return PLACEMENT_NIL;
  return first_at(t, t->roots[part], after_key, after_id, max_key, need);
}
