/* Scale-in: which task to stop, by the same strategies run in reverse.
 *
 * Each strategy keeps the candidates with the GREATEST key, where the
 * keys are those of placement (placement-choose.c):
 *   binpack cpu|memory: the instance's free resource, so the task stopped
 *     is on the instance left with the most afterwards (every candidate
 *     frees the same amount);
 *   spread by AZ or attribute: the service's tasks in the candidate's
 *     value, so the fullest AZ loses one and AZs stay balanced;
 *   spread instanceId: the service's tasks on the candidate's instance.
 * Random, and any tie left after the last strategy, pick uniformly among
 * the remaining candidates with @rng (ECS: "random within an AZ"; its
 * exact rule is UNVERIFIED). The rng is drawn only when more than one
 * candidate remains. */
#include <string.h>

#include "models/capacity/placement-private.h"

guint
placement_choose_victim(Placement *p, const PlacementRequest *req,
                        const uint32_t *instances, guint n, gsl_rng *rng)
{
  g_return_val_if_fail(p != NULL && req != NULL && rng != NULL, 0);
  g_return_val_if_fail(instances != NULL && n > 0, 0);
  for (guint i = 0; i < n; i++)
    g_return_val_if_fail(instances[i] < p->cap &&
                         p->inst[instances[i]].registered, 0);
  PlacementStrat st[PLACEMENT_MAX_STRATEGIES];
  guint n_st = placement_strats(p, req, st);
  g_return_val_if_fail(n_st != G_MAXUINT, 0);
  PlacementSvc *s = placement_svc(p, req->service);
  g_return_val_if_fail(s != NULL, 0);

  g_autofree guint *idx = g_new(guint, n);
  for (guint i = 0; i < n; i++)
    idx[i] = i;
  guint m = n;
  for (guint k = 0; k < n_st && m > 1; k++) {
    if (st[k].kind == PLACEMENT_KEY_RANDOM)
      break;
    g_autofree guint *ac = st[k].kind == PLACEMENT_KEY_ATTR
                             ? placement_attr_counts(p, s, st[k].attr)
                             : NULL;
    int64_t best = INT64_MIN;
    guint kept = 0;
    for (guint i = 0; i < m; i++) {
      int64_t key = placement_strat_key(p, s, &st[k], ac, instances[idx[i]]);
      if (key > best) {
        best = key;
        kept = 0;
      }
      if (key == best)
        idx[kept++] = idx[i];
    }
    m = kept;
  }
  return m == 1 ? idx[0] : idx[gsl_rng_uniform_int(rng, m)];
}

/* ---- many at once ------------------------------------------------------
 *
 * Stopping k of n tasks with placement_choose_victim() is O(k * n), and
 * it reads placement's counts and free resources, which change only when
 * a task has STOPPED: within one pass every pick would see the service's
 * tasks where they were before it, and take them all from the AZ or the
 * instance that was fullest then (30 tasks over 3 AZs set to 9 kept 7, 2
 * and 0). Here each pick sees the tasks picked before it as gone:
 *   by strategies: the candidates are grouped by instance (every key is
 *     the instance's), each with its keys, which a pick updates: the
 *     instance's binpack keys gain the task's CPU or memory, its
 *     instanceId count loses one, and every instance of its AZ or
 *     attribute value loses one of that count. A pick scans the instances
 *     (O(instances)) for the greatest keys and draws among the candidates
 *     on those, in index order, as placement_choose_victim() would;
 *   by AZ: a group per AZ, and one for candidates in none; a Fenwick tree
 *     over the ranked positions counts those not taken yet, so that "the
 *     j-th of those left" in an AZ costs O(log n). */

/* The candidates on one instance, and its keys as picks leave them. */
typedef struct {
  uint32_t id;
  GArray *cands;         /* guint candidate indexes left, ascending */
  int64_t key[PLACEMENT_MAX_STRATEGIES];
  uint32_t value[PLACEMENT_MAX_STRATEGIES]; /* AZ or attribute value of
                                               a spread key */
} VictimHost;

struct _PlacementVictims {
  guint n;
  guint *rank;           /* candidate indexes, group by group, each group
                            in index order */
  guint n_groups;
  guint *start;          /* group g is rank[start[g] .. start[g + 1]) */
  guint *left;           /* candidates not taken, per group */
  int *tree;             /* Fenwick tree over rank positions 1..n: 1 for a
                            candidate not taken */
  guint top;             /* highest power of two <= n */
  guint n_left;          /* candidates not taken */
  gboolean by_az;        /* the AZ rule; else the strategies' */
  /* The strategies (by_az FALSE): */
  PlacementStrat st[PLACEMENT_MAX_STRATEGIES];
  guint n_st;            /* those before the first random one */
  int task_cpu, task_mem; /* what a task stopped frees */
  GArray *hosts;         /* VictimHost, by first candidate */
  guint *host_of;        /* each candidate's host index */
  GArray *tied;          /* scratch: guint host indexes */
  GArray *pool;          /* scratch: guint candidate indexes */
};

static PlacementVictims *
victims_alloc(guint n, guint n_groups)
{
  PlacementVictims *v = g_new0(PlacementVictims, 1);
  v->n = n;
  v->n_groups = n_groups;
  v->rank = g_new(guint, n);
  v->start = g_new0(guint, n_groups + 1);
  v->left = g_new0(guint, n_groups);
  return v;
}

/* Every candidate is left: each node of the tree sums its range. */
static void
victims_fill_tree(PlacementVictims *v)
{
  v->tree = g_new0(int, v->n + 1);
  for (guint i = 1; i <= v->n; i++) {
    v->tree[i]++;
    guint parent = i + (i & -i);
    if (parent <= v->n)
      v->tree[parent] += v->tree[i];
  }
  for (v->top = 1; v->top * 2 <= v->n; v->top *= 2)
    ;
  v->n_left = v->n;
  for (guint g = 0; g < v->n_groups; g++)
    v->left[g] = v->start[g + 1] - v->start[g];
}

/* Candidates left at rank positions 1..@pos. */
static guint
victims_prefix(const PlacementVictims *v, guint pos)
{
  int sum = 0;
  for (; pos > 0; pos -= pos & -pos)
    sum += v->tree[pos];
  return (guint) sum;
}

/* The rank position (1-based) of the @nth (1-based) candidate left. */
static guint
victims_find(const PlacementVictims *v, guint nth)
{
  guint pos = 0;
  for (guint step = v->top; step > 0; step /= 2)
    if (pos + step <= v->n && (guint) v->tree[pos + step] < nth) {
      pos += step;
      nth -= (guint) v->tree[pos];
    }
  return pos + 1;
}

/* Ranks @n candidates by group number @group_of (< @n_groups), each group
 * in index order: a counting sort. */
static PlacementVictims *
victims_by_group(const guint *group_of, guint n, guint n_groups)
{
  PlacementVictims *v = victims_alloc(n, n_groups);
  for (guint i = 0; i < n; i++)
    v->start[group_of[i] + 1]++;
  for (guint g = 0; g < n_groups; g++)
    v->start[g + 1] += v->start[g];
  g_autofree guint *next = g_memdup2(v->start, n_groups * sizeof(guint));
  for (guint i = 0; i < n; i++)
    v->rank[next[group_of[i]]++] = i;
  victims_fill_tree(v);
  return v;
}

PlacementVictims *
placement_victims_new_by_az(const int *azs, guint n, guint n_azs)
{
  g_return_val_if_fail(azs != NULL || n == 0, NULL);
  g_autofree guint *group_of = g_new(guint, MAX(n, 1));
  for (guint i = 0; i < n; i++) {
    g_return_val_if_fail(azs[i] < (int) n_azs, NULL);
    group_of[i] = azs[i] < 0 ? n_azs : (guint) azs[i];
  }
  PlacementVictims *v = victims_by_group(group_of, n, n_azs + 1);
  v->by_az = TRUE;
  return v;
}

/* The value of @st's spread key that @id shares with other instances:
 * its AZ, or its attribute's value. */
static uint32_t
spread_value(const Placement *p, const PlacementStrat *st, uint32_t id)
{
  if (st->kind == PLACEMENT_KEY_AZ)
    return (uint32_t) p->inst[id].az;
  if (st->kind != PLACEMENT_KEY_ATTR)
    return 0;
  uint32_t v = placement_attr_value(p, id, st->attr);
  return v == PLACEMENT_NO_STRING ? p->empty : v;
}

/* The hosts of @instances, in order of their first candidate, with their
 * keys as placement has them now. */
static void
victims_hosts(PlacementVictims *v, Placement *p, PlacementSvc *s,
              const uint32_t *instances, guint n)
{
  g_autoptr(GHashTable) host_of = g_hash_table_new(NULL, NULL);
  for (guint i = 0; i < n; i++) {
    gpointer slot;
    guint h;
    if (g_hash_table_lookup_extended(host_of, GUINT_TO_POINTER(instances[i]),
                                     NULL, &slot)) {
      h = GPOINTER_TO_UINT(slot);
    } else {
      h = v->hosts->len;
      VictimHost host = { .id = instances[i],
                          .cands = g_array_new(FALSE, FALSE, sizeof(guint)) };
      g_array_append_val(v->hosts, host);
      g_hash_table_insert(host_of, GUINT_TO_POINTER(instances[i]),
                          GUINT_TO_POINTER(h));
    }
    g_array_append_val(g_array_index(v->hosts, VictimHost, h).cands, i);
    v->host_of[i] = h;
  }
  for (guint k = 0; k < v->n_st; k++) {
    g_autofree guint *ac = v->st[k].kind == PLACEMENT_KEY_ATTR
                             ? placement_attr_counts(p, s, v->st[k].attr)
                             : NULL;
    for (guint h = 0; h < v->hosts->len; h++) {
      VictimHost *host = &g_array_index(v->hosts, VictimHost, h);
      host->key[k] = placement_strat_key(p, s, &v->st[k], ac, host->id);
      host->value[k] = spread_value(p, &v->st[k], host->id);
    }
  }
}

PlacementVictims *
placement_victims_new(Placement *p, const PlacementRequest *req,
                      const uint32_t *instances, guint n)
{
  g_return_val_if_fail(p != NULL && req != NULL, NULL);
  g_return_val_if_fail(instances != NULL || n == 0, NULL);
  for (guint i = 0; i < n; i++)
    g_return_val_if_fail(instances[i] < p->cap &&
                         p->inst[instances[i]].registered, NULL);
  PlacementStrat st[PLACEMENT_MAX_STRATEGIES];
  guint n_st = placement_strats(p, req, st);
  g_return_val_if_fail(n_st != G_MAXUINT, NULL);
  PlacementSvc *s = placement_svc(p, req->service);
  g_return_val_if_fail(s != NULL, NULL);
  PlacementVictims *v = g_new0(PlacementVictims, 1);
  v->n = v->n_left = n;
  while (v->n_st < n_st && st[v->n_st].kind != PLACEMENT_KEY_RANDOM) {
    v->st[v->n_st] = st[v->n_st];
    v->n_st++;
  }
  v->task_cpu = req->needs.cpu;
  v->task_mem = req->needs.memory;
  v->hosts = g_array_new(FALSE, FALSE, sizeof(VictimHost));
  v->tied = g_array_new(FALSE, FALSE, sizeof(guint));
  v->pool = g_array_new(FALSE, FALSE, sizeof(guint));
  v->host_of = g_new(guint, MAX(n, 1));
  victims_hosts(v, p, s, instances, n);
  return v;
}

/* -1, 0 or 1 as @a's keys are less than, equal to or greater than @b's,
 * in order. */
static int
keys_cmp(const PlacementVictims *v, const VictimHost *a, const VictimHost *b)
{
  for (guint k = 0; k < v->n_st; k++)
    if (a->key[k] != b->key[k])
      return a->key[k] > b->key[k] ? 1 : -1;
  return 0;
}

static int
index_cmp(const void *a, const void *b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return (x > y) - (x < y);
}

/* The instance @host lost a task: its keys and those it shares. */
static void
host_lost_one(PlacementVictims *v, VictimHost *host)
{
  for (guint k = 0; k < v->n_st; k++) {
    switch (v->st[k].kind) {
    case PLACEMENT_KEY_MEM:
      host->key[k] += v->task_mem;
      break;
    case PLACEMENT_KEY_CPU:
      host->key[k] += v->task_cpu;
      break;
    case PLACEMENT_KEY_INSTANCE:
      host->key[k]--;
      break;
    case PLACEMENT_KEY_AZ:
    case PLACEMENT_KEY_ATTR:
      for (guint h = 0; h < v->hosts->len; h++) {
        VictimHost *other = &g_array_index(v->hosts, VictimHost, h);
        if (other->value[k] == host->value[k])
          other->key[k]--;
      }
      break;
    case PLACEMENT_KEY_RANDOM:
      break;
    }
  }
}

/* placement_choose_victim() over the candidates left, with the keys the
 * picks before left. */
static guint
strategies_take(PlacementVictims *v, gsl_rng *rng)
{
  const VictimHost *best = NULL;
  for (guint h = 0; h < v->hosts->len; h++) {
    const VictimHost *host = &g_array_index(v->hosts, VictimHost, h);
    if (host->cands->len > 0 && (best == NULL || keys_cmp(v, host, best) > 0))
      best = host;
  }
  g_array_set_size(v->tied, 0);
  guint m = 0;
  for (guint h = 0; h < v->hosts->len; h++) {
    const VictimHost *host = &g_array_index(v->hosts, VictimHost, h);
    if (host->cands->len > 0 && keys_cmp(v, host, best) == 0) {
      g_array_append_val(v->tied, h);
      m += host->cands->len;
    }
  }
  guint j = m > 1 ? (guint) gsl_rng_uniform_int(rng, m) : 0;
  /* The j-th of the tied hosts' candidates in index order. */
  guint picked;
  if (v->tied->len == 1) {
    const VictimHost *only = &g_array_index(v->hosts, VictimHost,
                                            g_array_index(v->tied, guint, 0));
    picked = g_array_index(only->cands, guint, j);
  } else {
    g_array_set_size(v->pool, 0);
    for (guint t = 0; t < v->tied->len; t++) {
      const VictimHost *th = &g_array_index(v->hosts, VictimHost,
                                            g_array_index(v->tied, guint, t));
      g_array_append_vals(v->pool, th->cands->data, th->cands->len);
    }
    g_array_sort(v->pool, index_cmp);
    picked = g_array_index(v->pool, guint, j);
  }
  VictimHost *host = &g_array_index(v->hosts, VictimHost, v->host_of[picked]);
  for (guint c = 0; c < host->cands->len; c++)
    if (g_array_index(host->cands, guint, c) == picked) {
      g_array_remove_index(host->cands, c);
      break;
    }
  host_lost_one(v, host);
  return picked;
}

/* The AZ rule (cluster_choose_victim()): the AZ with the most candidates
 * left, the first of equals; none left in any AZ: those in none. */
static guint
fullest_az(const PlacementVictims *v)
{
  guint n_azs = v->n_groups - 1, fullest = n_azs;
  for (guint az = 0; az < n_azs; az++)
    if (fullest == n_azs || v->left[az] > v->left[fullest])
      fullest = az;
  return fullest == n_azs || v->left[fullest] == 0 ? n_azs : fullest;
}

guint
placement_victims_take(PlacementVictims *v, gsl_rng *rng)
{
  g_return_val_if_fail(v != NULL && rng != NULL, 0);
  g_return_val_if_fail(placement_victims_left(v) > 0, 0);
  if (!v->by_az) {
    v->n_left--;
    return strategies_take(v, rng);
  }
  /* The AZ rule draws even for one candidate. */
  guint g = fullest_az(v);
  guint m = v->left[g];
  guint j = (guint) gsl_rng_uniform_int(rng, m);
  guint pos = victims_find(v, victims_prefix(v, v->start[g]) + j + 1);
  for (guint i = pos; i <= v->n; i += i & -i)
    v->tree[i]--;
  v->left[g]--;
  v->n_left--;
  return v->rank[pos - 1];
}

guint
placement_victims_left(const PlacementVictims *v)
{
  g_return_val_if_fail(v != NULL, 0);
  return v->n_left;
}

void
placement_victims_free(PlacementVictims *v)
{
  if (v == NULL)
    return;
  g_free(v->rank);
  g_free(v->start);
  g_free(v->left);
  g_free(v->tree);
  if (v->hosts != NULL) {
    for (guint h = 0; h < v->hosts->len; h++)
      g_array_unref(g_array_index(v->hosts, VictimHost, h).cands);
    g_array_unref(v->hosts);
    g_array_unref(v->tied);
    g_array_unref(v->pool);
    g_free(v->host_of);
  }
  g_free(v);
}
