/* Per-service capacity provider strategies. */
#include "models/control/strategy.h"

#include <string.h>

#include "models/capacity/capacity-provider.h"
#include "models/config/scenario.h"
#include "models/control/service.h"

struct _Strategies {
  GPtrArray *per_service; /* GArray of StrategyItem */
};

static GArray *
resolve(World *w, const ServiceConfig *svc)
{
  GArray *items = g_array_new(FALSE, TRUE, sizeof(StrategyItem));
  const GArray *src = svc->cp_strategy;
  if (svc->launch_type == LAUNCH_TYPE_NONE && src->len == 0)
    src = w->cfg->cluster->default_strategy;
  if (svc->launch_type != LAUNCH_TYPE_NONE || src->len == 0) {
    const char *name = svc->launch_type == LAUNCH_TYPE_FARGATE ? "FARGATE"
                                                                : "EC2";
    StrategyItem it = { capacity_provider_index(w, name), 0, 1 };
    g_array_append_val(items, it);
    return items;
  }
  for (guint i = 0; i < src->len; i++) {
    const CapacityProviderItem *cp =
      &g_array_index(src, CapacityProviderItem, i);
    StrategyItem it = { capacity_provider_index(w, cp->provider), cp->base,
                        cp->weight };
    g_assert(it.provider >= 0);
    g_array_append_val(items, it);
  }
  return items;
}

void
strategy_init(World *w)
{
  w->strategies = g_new0(Strategies, 1);
  w->strategies->per_service =
    g_ptr_array_new_with_free_func((GDestroyNotify) g_array_unref);
  for (guint i = 0; i < w->cfg->services->len; i++)
    g_ptr_array_add(w->strategies->per_service,
                    resolve(w, w->cfg->services->pdata[i]));
}

void
strategy_free(World *w)
{
  if (w->strategies == NULL)
    return;
  g_ptr_array_unref(w->strategies->per_service);
  g_free(w->strategies);
  w->strategies = NULL;
}

const GArray *
strategy_of(World *w, guint32 service)
{
  return w->strategies->per_service->pdata[service];
}

/* The item the next task goes to, given @counts per item. */
static guint
next_item(const StrategyItem *items, guint n_items, const int *counts)
{
  for (guint i = 0; i < n_items; i++)
    if (items[i].base > 0 && counts[i] < items[i].base)
      return i;
  guint best = 0;
  double best_score = G_MAXDOUBLE;
  for (guint i = 0; i < n_items; i++) {
    if (items[i].weight <= 0)
      continue;
    int above = MAX(0, counts[i] - items[i].base);
    double score = (above + 1.0) / items[i].weight;
    if (score < best_score) {
      best_score = score;
      best = i;
    }
  }
  return best;
}

void
strategy_distribute(const StrategyItem *items, guint n_items, int n,
                    int *out)
{
  memset(out, 0, n_items * sizeof *out);
  for (int k = 0; k < n; k++)
    out[next_item(items, n_items, out)]++;
}

/* Live primary tasks per strategy item: from the service's counts, not a
 * walk of its tasks, since every launch asks (service-tally.h). */
static void
count_live(World *w, Service *s, const GArray *items, int *counts)
{
  const ServiceTally *tally = service_tally(w, s);
  guint32 primary = service_primary(s)->number;
  for (guint k = 0; k < items->len; k++)
    counts[k] = service_tally_live_on(
      tally, primary, g_array_index(items, StrategyItem, k).provider);
}

int
strategy_pick_provider(World *w, Service *s)
{
  const GArray *items = strategy_of(w, s->index);
  int counts[32] = { 0 };
  g_assert(items->len <= G_N_ELEMENTS(counts));
  count_live(w, s, items, counts);
  guint k = next_item((const StrategyItem *) items->data, items->len,
                      counts);
  return g_array_index(items, StrategyItem, k).provider;
}

int
strategy_victim_provider(const StrategyItem *items, guint n_items,
                         const int *have, const int *want)
{
  int best = -1, best_excess = 0;
  for (guint k = 0; k < n_items; k++) {
    int excess = have[k] - want[k];
    if (have[k] > 0 && (best < 0 || excess > best_excess)) {
      best = (int) k;
      best_excess = excess;
    }
  }
  return best < 0 ? -1 : items[best].provider;
}

void
strategy_order(const StrategyItem *items, guint n_items, int n, guint *out)
{
  g_autofree int *counts = g_new0(int, MAX(n_items, 1));
  for (int k = 0; k < n; k++) {
    out[k] = next_item(items, n_items, counts);
    counts[out[k]]++;
  }
}
