/* Placing tasks on container instances: requests built from services and
 * task definitions, waiting for capacity, scale-in choices and DAEMON
 * tasks. The instances themselves are in cluster.c. */
#include <gsl/gsl_randist.h>
#include <string.h>

#include "models/capacity/cluster-private.h"
#include "models/core/hooks.h"
#include "models/config/scenario.h"
#include "models/core/task-lifecycle.h"

static void
def_needs_free(gpointer p)
{
  DefNeeds *n = p;
  g_array_unref(n->ports);
  g_free(n);
}

/* What a task of @def needs from an instance. */
static const PlacementNeeds *
needs_of(World *w, const EcsTaskDef *def)
{
  DefNeeds *n = g_hash_table_lookup(cl(w)->def_needs, def);
  if (n != NULL)
    return &n->needs;
  n = g_new0(DefNeeds, 1);
  n->ports = g_array_new(FALSE, FALSE, sizeof(uint16_t));
  for (guint i = 0; i < def->containers->len; i++) {
    const EcsContainerDef *c = def->containers->pdata[i];
    for (guint k = 0; c->port_mappings && k < c->port_mappings->len; k++) {
      const EcsPortMapping *pm =
        &g_array_index(c->port_mappings, EcsPortMapping, k);
      int port = def->network_mode == ECS_NETWORK_HOST
                   ? (pm->host_port ? pm->host_port : pm->container_port)
                   : def->network_mode == ECS_NETWORK_BRIDGE ? pm->host_port
                                                             : 0;
      if (port > 0) {
        uint16_t p16 = (uint16_t) port;
        g_array_append_val(n->ports, p16);
      }
    }
  }
  n->needs.cpu = def->cpu;
  n->needs.memory = def->memory;
  n->needs.awsvpc = def->network_mode == ECS_NETWORK_AWSVPC;
  n->needs.host_ports = (const uint16_t *) n->ports->data;
  n->needs.n_host_ports = n->ports->len;
  g_hash_table_insert(cl(w)->def_needs, (gpointer) def, n);
  return &n->needs;
}

void
cluster_placement_init(World *w)
{
  cl(w)->def_needs = g_hash_table_new_full(NULL, NULL, NULL, def_needs_free);
  guint n = w->cfg->services->len;
  cl(w)->services = g_new0(ServicePlacement, n);
  for (guint i = 0; i < n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    ServicePlacement *sp = &cl(w)->services[i];
    sp->strategies = svc->placement_strategy;
    sp->default_spread = !svc->placement_strategy_set;
    sp->member_of = g_ptr_array_new_with_free_func(
      (GDestroyNotify) placement_expr_free);
    for (guint k = 0; k < svc->placement_constraints->len; k++) {
      const PlacementConstraintItem *pc =
        &g_array_index(svc->placement_constraints, PlacementConstraintItem,
                       k);
      if (pc->type == PLACEMENT_DISTINCT_INSTANCE) {
        sp->distinct = TRUE;
        continue;
      }
      /* Checked when the scenario was loaded, so this cannot fail. */
      PlacementExpr *e = placement_expr_parse(pc->expression, NULL);
      g_assert(e != NULL);
      g_ptr_array_add(sp->member_of, e);
    }
  }
}

static void
fill_request(World *w, guint32 service, const EcsTaskDef *def, int provider,
             PlacementRequest *req, guint64 *mask)
{
  const ServicePlacement *sp = &cl(w)->services[service];
  const CapacityProvider *p = capacity_provider(w, provider);
  *req = (PlacementRequest){
    .service = service,
    .needs = *needs_of(w, def),
    .cpu_architecture = def->cpu_architecture == ECS_ARCH_ARM64 ? "arm64"
                                                                : "x86_64",
    .strategies = (const PlacementStrategyItem *) sp->strategies->data,
    .n_strategies = sp->strategies->len,
    .default_spread = sp->default_spread,
    .distinct_instance = sp->distinct,
    .member_of = (PlacementExpr *const *) sp->member_of->pdata,
    .n_member_of = sp->member_of->len,
  };
  if (p->asg >= 0) {
    *mask = UINT64_C(1) << (p->asg % 64);
    req->group_mask = mask;
  }
}

static UnplacedReason
reason_of(const PlacementMiss *miss)
{
  if (miss->no_instances)
    return UNPLACED_NO_INSTANCES;
  switch (miss->check) {
  case PLACEMENT_CHECK_CPU:
    return UNPLACED_CPU;
  case PLACEMENT_CHECK_MEMORY:
    return UNPLACED_MEMORY;
  case PLACEMENT_CHECK_PORT:
    return UNPLACED_PORTS;
  case PLACEMENT_CHECK_ENI:
    return UNPLACED_ENI;
  case PLACEMENT_CHECK_ARCHITECTURE:
  case PLACEMENT_CHECK_MEMBER_OF:
  case PLACEMENT_CHECK_DISTINCT_INSTANCE:
    break;
  }
  return UNPLACED_CONSTRAINT;
}

/* Finds an instance for a task of service @service with definition @def
 * on provider @provider. Returns TRUE with the instance; FALSE with the
 * reason in @why ("The closest matching (container-instance i-...) has
 * insufficient CPU units available.") and @reason (either may be NULL). */
static gboolean
cluster_find(World *w, guint32 service, const EcsTaskDef *def, int provider,
             int *instance, GString *why, UnplacedReason *reason)
{
  PlacementRequest req;
  guint64 mask;
  fill_request(w, service, def, provider, &req, &mask);
  PlacementMiss miss = { 0 };
  uint32_t id;
  gsl_rng *rng = world_rng(w, "placement",
                           ((ServiceConfig *) w->cfg->services
                              ->pdata[service])->name);
  if (placement_choose(cl(w)->placement, &req, rng, &id, &miss)) {
    *instance = (int) id;
    return TRUE;
  }
  if (reason != NULL)
    *reason = reason_of(&miss);
  if (why != NULL) {
    if (miss.no_instances)
      g_string_assign(why, "No Container Instances were found in your "
                           "cluster.");
    else
      g_string_printf(why, "The closest matching (container-instance %s) "
                      "%s.", cluster_instance(w, miss.closest)->ec2_id,
                      placement_check_reason(miss.check));
  }
  return FALSE;
}

int
cluster_commit(World *w, Task *t, int instance)
{
  Instance *inst = cl(w)->instances->pdata[instance];
  placement_commit(cl(w)->placement, (uint32_t) instance, t->service,
                   needs_of(w, t->def));
  inst->tasks++;
  if (((ServiceConfig *) w->cfg->services->pdata[t->service])->scheduling ==
      SERVICE_DAEMON)
    inst->daemon_tasks++;
  t->instance = instance;
  return inst->az;
}

/* TRUE when tasks on @provider wait in PROVISIONING for capacity (an ASG
 * with managed scaling). */
static gboolean
cluster_provider_waits(const World *w, int provider)
{
  const CapacityProvider *p = capacity_provider(w, provider);
  if (p->asg < 0)
    return FALSE;
  const AsgConfig *asg = w->cfg->cluster->asgs->pdata[p->asg];
  return asg->managed_scaling;
}

/* Queues PROVISIONING task @t until an instance can take it. */
static void
cluster_wait(World *w, Task *t)
{
  g_queue_push_tail(&cl(w)->waiting, GUINT_TO_POINTER(t->id));
}

/* Keeps the longest wait of @t's service, as @t leaves the queue. */
static void
note_wait(World *w, const Task *t)
{
  GArray *longest = cl(w)->longest_wait;
  if (longest->len <= t->service)
    g_array_set_size(longest, t->service + 1);
  SimTime *l = &g_array_index(longest, SimTime, t->service);
  *l = MAX(*l, world_now(w) - t->entered[TASK_PROVISIONING]);
}

SimTime
cluster_longest_wait(const World *w, guint32 service)
{
  GArray *longest = cl(w)->longest_wait;
  SimTime l = service < longest->len
                ? g_array_index(longest, SimTime, service) : 0;
  for (GList *e = cl(w)->waiting.head; e; e = e->next) {
    const Task *t = world_task(w, GPOINTER_TO_UINT(e->data));
    if (t->service == service && t->state == TASK_PROVISIONING)
      l = MAX(l, world_now(w) - t->entered[TASK_PROVISIONING]);
  }
  return l;
}

/* Places waiting tasks that now fit, in the order they arrived. */
static void
place_waiting(World *w)
{
  GQueue *q = &cl(w)->waiting;
  guint n = g_queue_get_length(q);
  for (guint k = 0; k < n; k++) {
    Task *t = world_task(w, GPOINTER_TO_UINT(g_queue_pop_head(q)));
    if (t->state != TASK_PROVISIONING)
      continue; /* stopped while waiting */
    int instance;
    if (cluster_find(w, t->service, t->def, t->provider, &instance, NULL,
                     NULL)) {
      note_wait(w, t);
      int az = cluster_commit(w, t, instance);
      task_provisioned(w, t, instance, az, 0);
    } else {
      g_queue_push_tail(q, GUINT_TO_POINTER(t->id));
    }
  }
}

void
cluster_on_capacity_changed(World *w, gpointer data)
{
  place_waiting(w);
}

guint
cluster_choose_victim(World *w, guint32 service, const guint32 *tasks,
                      guint n)
{
  g_return_val_if_fail(n > 0, 0);
  const Task *first = world_task(w, tasks[0]);
  gsl_rng *rng = world_rng(w, "scale-in",
                           ((ServiceConfig *) w->cfg->services
                              ->pdata[service])->name);
  if (first->fargate || first->instance < 0) {
    /* Fargate: keep AZs balanced, random within the fullest AZ. */
    guint n_az = w->cfg->cluster->azs->len;
    g_autofree int *per_az = g_new0(int, n_az);
    for (guint i = 0; i < n; i++) {
      int az = world_task(w, tasks[i])->az;
      if (az >= 0)
        per_az[az]++;
    }
    int fullest = -1;
    for (guint az = 0; az < n_az; az++)
      if (fullest < 0 || per_az[az] > per_az[fullest])
        fullest = (int) az;
    g_autoptr(GArray) pool = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < n; i++)
      if (world_task(w, tasks[i])->az == fullest || fullest < 0 ||
          per_az[fullest] == 0)
        g_array_append_val(pool, i);
    if (pool->len == 0)
      return 0;
    return g_array_index(pool, guint,
                         gsl_rng_uniform_int(rng, pool->len));
  }
  PlacementRequest req;
  guint64 mask;
  fill_request(w, service, first->def, first->provider, &req, &mask);
  g_autofree uint32_t *instances = g_new(uint32_t, n);
  for (guint i = 0; i < n; i++)
    instances[i] = (uint32_t) MAX(0, world_task(w, tasks[i])->instance);
  return placement_choose_victim(cl(w)->placement, &req, instances, n, rng);
}

/* ---- scale-in of many tasks at once ---------------------------------- */

struct _ClusterVictims {
  World *w;
  guint32 service;
  GArray *ids;               /* the candidates, in the caller's order */
  PlacementVictims *ranked;  /* NULL: the slow way, over @left */
  GArray *left;              /* without @ranked: the ids not taken */
};

/* cluster_choose_victim() keeps AZs balanced when its first task is of
 * this kind, else asks placement. */
static gboolean
balances_azs(const Task *t)
{
  return t->fargate || t->instance < 0;
}

ClusterVictims *
cluster_victims_new(World *w, guint32 service, const guint32 *tasks,
                    guint n)
{
  g_return_val_if_fail(w != NULL && (tasks != NULL || n == 0), NULL);
  ClusterVictims *v = g_new0(ClusterVictims, 1);
  v->w = w;
  v->service = service;
  v->ids = g_array_sized_new(FALSE, FALSE, sizeof(guint32), n);
  g_array_append_vals(v->ids, tasks, n);
  gboolean mixed = FALSE;
  for (guint i = 1; i < n; i++)
    mixed |= balances_azs(world_task(w, tasks[i])) !=
             balances_azs(world_task(w, tasks[0]));
  if (n == 0 || mixed) {
    /* Which rule applies would depend on which task is first left: ask
     * cluster_choose_victim() each time (no service mixes them). */
    v->left = g_array_copy(v->ids);
    return v;
  }
  const Task *first = world_task(w, tasks[0]);
  if (balances_azs(first)) {
    g_autofree int *azs = g_new(int, n);
    for (guint i = 0; i < n; i++)
      azs[i] = world_task(w, tasks[i])->az;
    v->ranked = placement_victims_new_by_az(azs, n,
                                            w->cfg->cluster->azs->len);
    return v;
  }
  PlacementRequest req;
  guint64 mask;
  fill_request(w, service, first->def, first->provider, &req, &mask);
  g_autofree uint32_t *instances = g_new(uint32_t, n);
  for (guint i = 0; i < n; i++)
    instances[i] = (uint32_t) world_task(w, tasks[i])->instance;
  /* Stopping a task only starts it stopping: placement's counts and free
   * resources change when it reaches STOPPED, after the pass, so the
   * victims keep their own, as each take leaves them. */
  v->ranked = placement_victims_new(cl(w)->placement, &req, instances, n);
  return v;
}

guint32
cluster_victims_take(ClusterVictims *v)
{
  g_return_val_if_fail(v != NULL && cluster_victims_left(v) > 0, 0);
  if (v->ranked == NULL) {
    guint k = cluster_choose_victim(v->w, v->service,
                                    (const guint32 *) v->left->data,
                                    v->left->len);
    guint32 id = g_array_index(v->left, guint32, k);
    g_array_remove_index(v->left, k);
    return id;
  }
  gsl_rng *rng = world_rng(v->w, "scale-in",
                           ((ServiceConfig *) v->w->cfg->services
                              ->pdata[v->service])->name);
  return g_array_index(v->ids, guint32,
                       placement_victims_take(v->ranked, rng));
}

guint
cluster_victims_left(const ClusterVictims *v)
{
  g_return_val_if_fail(v != NULL, 0);
  return v->ranked != NULL ? placement_victims_left(v->ranked)
                           : v->left->len;
}

void
cluster_victims_free(ClusterVictims *v)
{
  if (v == NULL)
    return;
  g_array_unref(v->ids);
  if (v->left != NULL)
    g_array_unref(v->left);
  placement_victims_free(v->ranked);
  g_free(v);
}

/* Tasks waiting for capacity on @provider. */
GArray *
cluster_waiting_for(World *w, int provider)
{
  GArray *ids = g_array_new(FALSE, FALSE, sizeof(guint32));
  for (GList *l = cl(w)->waiting.head; l; l = l->next) {
    guint32 id = GPOINTER_TO_UINT(l->data);
    const Task *t = world_task(w, id);
    if (t->state == TASK_PROVISIONING && t->provider == provider)
      g_array_append_val(ids, id);
  }
  return ids;
}

const PlacementNeeds *
cluster_needs(World *w, const EcsTaskDef *def)
{
  return needs_of(w, def);
}

/* Whether a DAEMON task of @def of @service fits on @instance; @miss
 * (may be NULL) says what it lacks when not. */
static gboolean
daemon_fits(World *w, guint32 service, const EcsTaskDef *def,
            guint32 instance, PlacementMiss *miss)
{
  PlacementRequest req;
  guint64 mask;
  int provider = capacity_provider_index(w, "EC2");
  fill_request(w, service, def, provider, &req, &mask);
  return placement_fits(cl(w)->placement, instance, &req, miss);
}

gboolean
cluster_daemon_eligible(World *w, guint32 service, const EcsTaskDef *def,
                        guint32 instance)
{
  /* Eligibility ignores room: a full instance is still one the daemon
   * belongs on (its task waits until room appears). */
  PlacementMiss miss;
  if (daemon_fits(w, service, def, instance, &miss))
    return TRUE;
  return miss.check >= PLACEMENT_CHECK_CPU;
}

gboolean
cluster_fits_on(World *w, guint32 service, const EcsTaskDef *def,
                guint32 instance)
{
  return daemon_fits(w, service, def, instance, NULL);
}

void
cluster_placement_free(World *w)
{
  Cluster *c = cl(w);
  for (guint i = 0; i < w->cfg->services->len; i++)
    g_ptr_array_unref(c->services[i].member_of);
  g_free(c->services);
  g_hash_table_destroy(c->def_needs);
}

/* ---- the capacity-provider interface --------------------------------- */

static CapacityAnswer
cluster_can_place(World *w, const CapacityProvider *p, guint32 service,
                  const EcsTaskDef *def, int *instance,
                  UnplacedReason *reason, GString *why)
{
  *instance = -1;
  if (cluster_find(w, service, def, p->index, instance, why, reason))
    return CAPACITY_NOW;
  return cluster_provider_waits(w, p->index) ? CAPACITY_LATER
                                             : CAPACITY_NONE;
}

static void
cluster_start(World *w, const CapacityProvider *p, Task *t, int instance,
              CapacityAnswer answer, gboolean warm)
{
  if (answer == CAPACITY_LATER) {
    /* Managed scaling will bring an instance: the task waits, and the
     * cluster measures how long (cluster_longest_wait()). */
    cluster_wait(w, t);
    return;
  }
  int az = cluster_commit(w, t, instance);
  if (warm)
    task_warm_start(w, t, instance, az);
  else
    task_provisioned(w, t, instance, az, 0);
}

static void
cluster_stopped(World *w, const CapacityProvider *p, Task *t)
{
  cluster_release(w, t);
}

const CapacityProviderOps cluster_provider_ops = {
  .can_place = cluster_can_place,
  .launch = cluster_start,
  .release = cluster_stopped,
};
