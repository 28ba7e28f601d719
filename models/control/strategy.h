/* Capacity provider strategies: which provider gets each task.
 *
 * `base` tasks go to the provider that sets it first; the rest are shared
 * in proportion to `weight` (weight 0 gets none beyond its base). Each new
 * task goes to the provider furthest below its share: the provider p that
 * minimises (tasks above base + 1) / weight, ties to the provider listed
 * first. So base 2 on A with weight 1, and weight 3 on B, places 10 tasks
 * as A 4, B 6, and 9 tasks as A 4, B 5 (a remainder goes to the provider
 * whose next task brings it closest to its share). Scale-in takes from the
 * provider furthest above the share of the smaller count. */
#pragma once

#include "models/config/service-config.h"
#include "models/core/world-private.h"

typedef struct {
  int provider; /* index in w->providers */
  int base;
  int weight;
} StrategyItem;

/* Builds every service's strategy (after capacity_providers_init()). */
void strategy_init(World *w);
void strategy_free(World *w);

/* The provider the next task of service @service goes to. */
int strategy_pick_provider(World *w, Service *s);

/* How @n tasks split over @items (counts per item, in @out). */
void strategy_distribute(const StrategyItem *items, guint n_items, int n,
                         int *out);

/* Among the live tasks of a service, the provider that should lose one
 * on scale-in, or -1 when no item's provider has any: @have[k] of them
 * are on item k's provider and @want is strategy_distribute() of one
 * task fewer than there are. */
int strategy_victim_provider(const StrategyItem *items, guint n_items,
                             const int *have, const int *want);
/* The item each of the first @n tasks goes to, in order (@out, @n long).
 * strategy_distribute() counts them, so the split of n - 1 tasks is that
 * of n less @out[n - 1]. */
void strategy_order(const StrategyItem *items, guint n_items, int n,
                    guint *out);

/* The strategy of service @service. */
const GArray *strategy_of(World *w, guint32 service);
