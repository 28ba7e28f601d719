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
