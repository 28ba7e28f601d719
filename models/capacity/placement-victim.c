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
 * Stopping k of n tasks with placement_choose_victim() is O(k * n). Here
 * the candidates are ranked once into groups, and each pick is O(log n)
 * (plus O(groups) for the AZ rule):
 *   by strategies: a group is a set of candidates with equal keys, the
 *     groups in descending key order. The keys do not change between
 *     picks (the caller's promise), so placement_choose_victim() over the
 *     candidates left picks among the first group with any left;
 *   by AZ: a group per AZ, and one for candidates in none.
 * Within a group the candidates stay in index order, so "the j-th of
 * those left" is the j-th that placement_choose_victim() or the AZ rule
 * would see; a Fenwick tree over the ranked positions counts those not
 * taken yet. */

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
  guint first;           /* strategies: groups before it have none left */
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

/* A candidate's keys, greatest first in the ranking. */
typedef struct {
  int64_t key[PLACEMENT_MAX_STRATEGIES]; /* unused ones 0 */
  guint index;
} VictimKeys;

static int
victim_keys_cmp(const void *a, const void *b)
{
  const VictimKeys *x = a, *y = b;
  for (guint k = 0; k < PLACEMENT_MAX_STRATEGIES; k++)
    if (x->key[k] != y->key[k])
      return x->key[k] > y->key[k] ? -1 : 1;
  return (x->index > y->index) - (x->index < y->index);
}

/* Each candidate's group: equal keys, numbered in descending key order.
 * Returns how many groups. */
static guint
group_by_keys(Placement *p, const PlacementRequest *req,
              const uint32_t *instances, guint n, guint *group_of)
{
  PlacementStrat st[PLACEMENT_MAX_STRATEGIES];
  guint n_st = placement_strats(p, req, st);
  g_return_val_if_fail(n_st != G_MAXUINT, 0);
  PlacementSvc *s = placement_svc(p, req->service);
  g_return_val_if_fail(s != NULL, 0);
  g_autofree VictimKeys *keys = g_new0(VictimKeys, n);
  for (guint i = 0; i < n; i++)
    keys[i].index = i;
  for (guint k = 0; k < n_st && st[k].kind != PLACEMENT_KEY_RANDOM; k++) {
    g_autofree guint *ac = st[k].kind == PLACEMENT_KEY_ATTR
                             ? placement_attr_counts(p, s, st[k].attr)
                             : NULL;
    for (guint i = 0; i < n; i++)
      keys[i].key[k] = placement_strat_key(p, s, &st[k], ac, instances[i]);
  }
  qsort(keys, n, sizeof *keys, victim_keys_cmp);
  guint g = 0;
  for (guint i = 0; i < n; i++) {
    if (i > 0 && memcmp(keys[i].key, keys[i - 1].key, sizeof keys[i].key))
      g++;
    group_of[keys[i].index] = g;
  }
  return n > 0 ? g + 1 : 0;
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
  g_autofree guint *group_of = g_new(guint, MAX(n, 1));
  guint n_groups = group_by_keys(p, req, instances, n, group_of);
  g_return_val_if_fail(n == 0 || n_groups > 0, NULL);
  return victims_by_group(group_of, n, n_groups);
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
  guint g;
  if (v->by_az) {
    g = fullest_az(v);
  } else {
    while (v->left[v->first] == 0)
      v->first++;
    g = v->first;
  }
  /* The AZ rule draws even for one candidate; the strategies do not. */
  guint m = v->left[g];
  guint j = v->by_az || m > 1 ? (guint) gsl_rng_uniform_int(rng, m) : 0;
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
  g_free(v);
}
