/* The world's capacity providers and the dispatch of a task's changes to
 * the provider that holds it. */
#include "models/capacity/capacity-provider.h"

#include <string.h>

#include "models/capacity/cluster.h"
#include "models/capacity/fargate.h"
#include "models/config/scenario.h"

const char *
capacity_unplaced_reason_name(UnplacedReason reason)
{
  static const char *const names[] = {
    [UNPLACED_CPU] = "cpu", [UNPLACED_MEMORY] = "memory",
    [UNPLACED_ENI] = "eni", [UNPLACED_PORTS] = "ports",
    [UNPLACED_CONSTRAINT] = "constraint",
    [UNPLACED_NO_INSTANCES] = "no_instances",
    [UNPLACED_SPOT_CAPACITY] = "spot_capacity",
  };
  G_STATIC_ASSERT(G_N_ELEMENTS(names) == UNPLACED_N_REASONS);
  g_return_val_if_fail(reason < UNPLACED_N_REASONS, "?");
  return names[reason];
}

static void
add(World *w, const char *name, const CapacityProviderOps *ops, int asg,
    gboolean serverless, gboolean spot)
{
  CapacityProvider p = { name, (int) w->providers->len, ops, asg,
                         serverless, spot };
  g_array_append_val(w->providers, p);
}

void
capacity_providers_init(World *w)
{
  const ClusterConfig *c = w->cfg->cluster;
  w->providers = g_array_new(FALSE, TRUE, sizeof(CapacityProvider));
  add(w, "FARGATE", &fargate_provider_ops, -1, TRUE, FALSE);
  add(w, "FARGATE_SPOT", &fargate_provider_ops, -1, TRUE, TRUE);
  for (guint i = 0; i < c->asgs->len; i++) {
    const AsgConfig *asg = c->asgs->pdata[i];
    add(w, asg->name, &cluster_provider_ops, (int) i, FALSE, asg->spot);
  }
  add(w, "EC2", &cluster_provider_ops, -1, FALSE, FALSE);
}

void
capacity_providers_free(World *w)
{
  if (w->providers != NULL)
    g_array_unref(w->providers);
  w->providers = NULL;
}

guint
capacity_provider_count(const World *w)
{
  return w->providers->len;
}

const CapacityProvider *
capacity_provider(const World *w, int index)
{
  g_return_val_if_fail(index >= 0 && (guint) index < w->providers->len,
                       NULL);
  return &g_array_index(w->providers, CapacityProvider, index);
}

int
capacity_provider_index(const World *w, const char *name)
{
  for (guint i = 0; i < w->providers->len; i++)
    if (strcmp(g_array_index(w->providers, CapacityProvider, i).name,
               name) == 0)
      return (int) i;
  return -1;
}

void
capacity_on_task_state(World *w, Task *t, TaskState old, gpointer data)
{
  const CapacityProvider *p = capacity_provider(w, t->provider);
  if (t->state == TASK_RUNNING && p->ops->running != NULL)
    p->ops->running(w, p, t);
  if (t->state == TASK_STOPPED)
    p->ops->release(w, p, t);
}
