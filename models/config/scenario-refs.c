/* Cross-section checks of services: the rules ECS applies when a service
 * is created (CreateService) that the simulation relies on. Messages use
 * ECS's wording where ECS has one. */
#include <string.h>

#include "models/config/placement-expr.h"
#include "models/config/scenario-check.h"

static char *
taskdef_names(const ScenarioConfig *cfg)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < cfg->taskdefs->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "",
                           ((EcsTaskDef *) cfg->taskdefs->pdata[i])->name);
  return g_string_free(s, FALSE);
}

/* The strategy a service uses: its own, else the cluster's default. */
static const GArray *
effective_strategy(const ScenarioConfig *cfg, const ServiceConfig *svc)
{
  if (svc->cp_strategy->len > 0 || svc->launch_type != LAUNCH_TYPE_NONE)
    return svc->cp_strategy;
  return cfg->cluster->default_strategy;
}

static gboolean
check_strategy(const ScenarioConfig *cfg, const ServiceConfig *svc,
               const JNode *svc_node, gboolean *fargate, GError **error)
{
  const GArray *strategy = effective_strategy(cfg, svc);
  JNode where;
  if (!jn_member(svc_node, "capacityProviderStrategy", &where))
    jn_member(svc_node, "launchType", &where);
  if (svc->launch_type != LAUNCH_TYPE_NONE || strategy->len == 0) {
    /* No strategy anywhere: ECS uses the EC2 launch type. */
    *fargate = svc->launch_type == LAUNCH_TYPE_FARGATE;
    return TRUE;
  }
  gboolean any_fargate = FALSE, any_asg = FALSE, any_weight = FALSE;
  for (guint i = 0; i < strategy->len; i++) {
    const CapacityProviderItem *cp =
      &g_array_index(strategy, CapacityProviderItem, i);
    if (!cluster_config_has_provider(cfg->cluster, cp->provider)) {
      /* In AWS the provider and its group are named apart: a strategy
       * names the provider. */
      const char *p = cluster_config_provider_of_group(cfg->cluster,
                                                       cp->provider);
      g_autofree char *hint = p == NULL ? g_strdup("")
        : g_strdup_printf("; \"%s\" is an Auto Scaling group: did you "
                          "mean the capacity provider %s, which uses this "
                          "group?", cp->provider, p);
      return jn_error(&where, error, "The specified capacity provider "
                      "strategy cannot contain a capacity provider that is "
                      "not associated with the cluster (\"%s\")%s",
                      cp->provider, hint), FALSE;
    }
    if (cluster_config_is_fargate_provider(cp->provider))
      any_fargate = TRUE;
    else
      any_asg = TRUE;
    any_weight |= cp->weight > 0;
  }
  if (any_fargate && any_asg)
    return jn_error(&where, error, "a capacity provider strategy cannot mix "
                    "Fargate and Auto Scaling group capacity providers"),
           FALSE;
  if (!any_weight)
    return jn_error(&where, error, "at least one capacity provider in the "
                    "strategy must have a weight greater than zero"), FALSE;
  *fargate = any_fargate;
  return TRUE;
}

/* An EC2 task needs instances of its CPU architecture. */
static gboolean
check_architecture(const ScenarioConfig *cfg, const ServiceConfig *svc,
                   const EcsTaskDef *td, const JNode *svc_node,
                   GError **error)
{
  const GArray *strategy = effective_strategy(cfg, svc);
  const AsgConfig *mismatch = NULL;
  gboolean any = FALSE;
  for (guint i = 0; i < cfg->cluster->asgs->len; i++) {
    const AsgConfig *asg = cfg->cluster->asgs->pdata[i];
    gboolean used = svc->launch_type == LAUNCH_TYPE_EC2 ||
                    strategy->len == 0;
    for (guint k = 0; k < strategy->len && !used; k++)
      used = strcmp(g_array_index(strategy, CapacityProviderItem, k)
                      .provider, asg->name) == 0;
    if (!used)
      continue;
    if (asg->type->arch == td->cpu_architecture)
      any = TRUE;
    else
      mismatch = asg;
  }
  if (any || mismatch == NULL)
    return TRUE;
  JNode where;
  jn_member(svc_node, "taskDefinition", &where);
  return jn_error(&where, error, "task definition %s runs on %s, but Auto "
                  "Scaling group %s has %s instances (%s)", td->name,
                  taskdef_arch_name(td->cpu_architecture), mismatch->name,
                  mismatch->type->name,
                  taskdef_arch_name(mismatch->type->arch)), FALSE;
}

/* What an instance of @asg registers for tasks: CPU units, MiB (after
 * ECS_RESERVED_MEMORY) and awsvpc task slots. */
typedef struct {
  int cpu, memory, slots;
} InstanceRoom;

static InstanceRoom
asg_room(const ScenarioConfig *cfg, const AsgConfig *asg)
{
  const InstanceType *type = asg->type;
  return (InstanceRoom){
    .cpu = type->vcpu * 1024,
    .memory = type->registered_memory_mib - asg->reserved_memory_mib,
    .slots = instance_type_awsvpc_limit(type, cfg->cluster->awsvpc_trunking),
  };
}

static gboolean
room_holds(InstanceRoom room, const EcsTaskDef *td)
{
  return td->cpu <= room.cpu && td->memory <= room.memory &&
         (td->network_mode != ECS_NETWORK_AWSVPC || room.slots > 0);
}

/* "m6i.large (m6i-asg) registers 2048 CPU units and 7987 MiB". */
static void
describe_room(GString *s, const ScenarioConfig *cfg, const AsgConfig *asg,
              const EcsTaskDef *td)
{
  InstanceRoom room = asg_room(cfg, asg);
  g_string_append_printf(s, "%s (%s) registers %d CPU units and %d MiB",
                         asg->type->name, asg->name, room.cpu, room.memory);
  if (td->network_mode == ECS_NETWORK_AWSVPC && room.slots <= 0)
    g_string_append(s, " and runs no awsvpc task");
}

static gboolean
fit_error(const ScenarioConfig *cfg, const EcsTaskDef *td,
          const JNode *where, GPtrArray *asgs, GError **error)
{
  g_autoptr(GString) s = g_string_new(NULL);
  for (guint i = 0; i < asgs->len; i++) {
    if (i > 0)
      g_string_append(s, i + 1 < asgs->len ? ", " : " and ");
    describe_room(s, cfg, asgs->pdata[i], td);
  }
  jn_error(where, error, "a task of %s needs %d CPU units and %d MiB, but "
           "%s: it can never be placed (use a larger instance type or a "
           "smaller task)", td->name, td->cpu, td->memory, s->str);
  return FALSE;
}

/* An EC2 task must fit on the instances it may use, or it stays pending
 * for the whole run while managed scaling buys instances it cannot use.
 * With a strategy, every capacity provider that gets tasks (base or
 * weight above 0) must hold one: tasks are shared out before placement
 * and never move to another provider. With the EC2 launch type, any
 * group's instances will do, so one that holds it is enough. */
static gboolean
check_fits(const ScenarioConfig *cfg, const ServiceConfig *svc,
           const EcsTaskDef *td, const JNode *svc_node, GError **error)
{
  const GArray *strategy = effective_strategy(cfg, svc);
  g_autoptr(GPtrArray) misses = g_ptr_array_new();
  JNode where, arr;
  jn_member(svc_node, "taskDefinition", &where);
  if (svc->launch_type != LAUNCH_TYPE_NONE || strategy->len == 0) {
    for (guint i = 0; i < cfg->cluster->asgs->len; i++) {
      const AsgConfig *asg = cfg->cluster->asgs->pdata[i];
      if (room_holds(asg_room(cfg, asg), td))
        return TRUE;
      g_ptr_array_add(misses, (gpointer) asg);
    }
    return misses->len == 0 || fit_error(cfg, td, &where, misses, error);
  }
  gboolean own = jn_member(svc_node, "capacityProviderStrategy", &arr);
  for (guint k = 0; k < strategy->len; k++) {
    const CapacityProviderItem *cp =
      &g_array_index(strategy, CapacityProviderItem, k);
    const AsgConfig *asg = cluster_config_find_asg(cfg->cluster,
                                                   cp->provider);
    if (asg == NULL || (cp->base == 0 && cp->weight == 0) ||
        room_holds(asg_room(cfg, asg), td))
      continue;
    if (own)
      jn_index(&arr, (int) k, &where);
    g_ptr_array_add(misses, (gpointer) asg);
    return fit_error(cfg, td, &where, misses, error);
  }
  return TRUE;
}

static gboolean
check_launch(const ScenarioConfig *cfg, const ServiceConfig *svc,
             const EcsTaskDef *td, const JNode *svc_node, GError **error)
{
  gboolean fargate = FALSE;
  JNode where;
  if (!check_strategy(cfg, svc, svc_node, &fargate, error))
    return FALSE;
  jn_member(svc_node, "taskDefinition", &where);
  if (fargate && !(td->compatible & ECS_COMPAT_FARGATE))
    return jn_error(&where, error, "Task definition does not support "
                    "launch_type FARGATE (%s)", td->name), FALSE;
  if (!fargate && !(td->compatible & ECS_COMPAT_EC2))
    return jn_error(&where, error, "Task definition does not support "
                    "launch_type EC2 (%s)", td->name), FALSE;
  if (fargate && svc->scheduling == SERVICE_DAEMON) {
    jn_member(svc_node, "schedulingStrategy", &where);
    return jn_error(&where, error, "the DAEMON scheduling strategy is not "
                    "supported on Fargate"), FALSE;
  }
  if (!fargate && (!check_architecture(cfg, svc, td, svc_node, error) ||
                   !check_fits(cfg, svc, td, svc_node, error)))
    return FALSE;
  if (fargate && svc->placement_strategy->len > 0) {
    jn_member(svc_node, "placementStrategy", &where);
    return jn_error(&where, error, "placement strategies are not supported "
                    "with the FARGATE launch type"), FALSE;
  }
  return TRUE;
}

static gboolean
check_load_balancer(const ScenarioConfig *cfg, const ServiceConfig *svc,
                    const EcsTaskDef *td, const JNode *svc_node,
                    const TargetGroupConfig **tg_out, GError **error)
{
  JNode arr;
  *tg_out = NULL;
  if (svc->load_balancers->len == 0)
    return TRUE;
  jn_member(svc_node, "loadBalancers", &arr);
  for (guint i = 0; i < svc->load_balancers->len; i++) {
    const LoadBalancerItem *lb =
      &g_array_index(svc->load_balancers, LoadBalancerItem, i);
    JNode item;
    jn_index(&arr, (int) i, &item);
    const TargetGroupConfig *tg = NULL;
    for (guint j = 0; j < cfg->target_groups->len && !tg; j++)
      if (target_group_matches(cfg->target_groups->pdata[j],
                               lb->target_group))
        tg = cfg->target_groups->pdata[j];
    if (tg == NULL)
      return jn_error(&item, error, "no target group \"%s\" in the "
                      "scenario's targetGroups", lb->target_group), FALSE;
    if (taskdef_find_port(td, lb->container_name, lb->container_port) ==
        NULL)
      return jn_error(&item, error, "The container %s did not have a "
                      "container port %d defined.",
                      lb->container_name ? lb->container_name : "(any)",
                      lb->container_port), FALSE;
    if (i == 0)
      *tg_out = tg;
  }
  return TRUE;
}

/* A per-container image size names a container of the task definition,
 * as loadBalancers' containerName must. */
static gboolean
check_image_sizes(const ServiceConfig *svc, const EcsTaskDef *td,
                  const JNode *svc_node, GError **error)
{
  JNode wl, sizes, where;
  if (svc->workload.image_sizes == NULL ||
      !jn_member(svc_node, "workload", &wl) ||
      !jn_member(&wl, "image_size_mib", &sizes))
    return TRUE;
  for (const cJSON *c = sizes.json->child; c != NULL; c = c->next) {
    gboolean found = FALSE;
    for (guint i = 0; i < td->containers->len && !found; i++)
      found = strcmp(((EcsContainerDef *) td->containers->pdata[i])->name,
                     c->string) == 0;
    if (!found) {
      jn_member(&sizes, c->string, &where);
      return jn_error(&where, error, "task definition %s has no container "
                      "\"%s\"", td->name, c->string), FALSE;
    }
  }
  return TRUE;
}

/* memberOf expressions must parse (the run relies on it). */
static gboolean
check_constraints(const ServiceConfig *svc, const JNode *svc_node,
                  GError **error)
{
  JNode arr;
  jn_member(svc_node, "placementConstraints", &arr);
  for (guint i = 0; i < svc->placement_constraints->len; i++) {
    const PlacementConstraintItem *pc =
      &g_array_index(svc->placement_constraints, PlacementConstraintItem, i);
    if (pc->type != PLACEMENT_MEMBER_OF)
      continue;
    g_autoptr(GError) bad = NULL;
    PlacementExpr *e = placement_expr_parse(pc->expression, &bad);
    if (e == NULL) {
      JNode item, expr;
      jn_index(&arr, (int) i, &item);
      jn_member(&item, "expression", &expr);
      return jn_error(&expr, error, "%s", bad->message), FALSE;
    }
    placement_expr_free(e);
  }
  return TRUE;
}

/* A workload whose idle memory is above its task's hard limit would have
 * every task OOM-killed by its first request: an inconsistent input. */
static gboolean
check_memory(const ServiceConfig *svc, const EcsTaskDef *td,
             const JNode *node, GError **error)
{
  int limit = taskdef_hard_memory_mib(td);
  if (limit <= 0 || svc->workload.memory_base_mib <= limit)
    return TRUE;
  JNode wl, where;
  jn_member(node, "workload", &wl);
  jn_member(&wl, "memory_base_mib", &where);
  return jn_error(&where, error, "%g MiB is above the hard memory limit of "
                  "task definition %s (%d MiB): every task would be "
                  "OOM-killed by its first request",
                  svc->workload.memory_base_mib, td->name, limit),
         FALSE;
}

static int
service_index(const ScenarioConfig *cfg, const char *name)
{
  for (guint i = 0; i < cfg->services->len; i++)
    if (strcmp(((ServiceConfig *) cfg->services->pdata[i])->name, name) == 0)
      return (int) i;
  return -1;
}

/* Resolves the callee of each of @svc's calls; a service in a call graph
 * needs a task-level cpu (share-only EC2 tasks do not track requests). */
static gboolean
check_calls(ScenarioConfig *cfg, ServiceConfig *svc, const EcsTaskDef *td,
            const JNode *svc_node, GError **error)
{
  if (svc->workload.calls == NULL)
    return TRUE;
  JNode wl, arr, call, where;
  jn_member(svc_node, "workload", &wl);
  jn_member(&wl, "calls", &arr);
  for (guint k = 0; k < svc->workload.calls->len; k++) {
    WorkloadCall *c = &g_array_index(svc->workload.calls, WorkloadCall, k);
    jn_index(&arr, (int) k, &call);
    jn_member(&call, "service", &where);
    c->callee = service_index(cfg, c->service);
    if (c->callee < 0)
      return jn_error(&where, error, "no service \"%s\" in the scenario",
                      c->service),
             FALSE;
    if (c->callee < (int) cfg->service_taskdefs->len &&
        ((const EcsTaskDef *)
           cfg->service_taskdefs->pdata[c->callee])->task_cpu <= 0)
      return jn_error(&where, error, "service \"%s\" has no task-level "
                      "cpu: ecsim does not follow calls into share-only "
                      "EC2 tasks", c->service),
             FALSE;
  }
  if (td->task_cpu <= 0) {
    jn_member(&wl, "calls", &where);
    return jn_error(&where, error, "task definition %s has no task-level "
                    "cpu: ecsim does not follow calls from share-only EC2 "
                    "tasks", td->name),
           FALSE;
  }
  return TRUE;
}

static guint
svc_index(const ScenarioConfig *cfg, const ServiceConfig *svc)
{
  guint i = 0;
  while (cfg->services->pdata[i] != svc)
    i++;
  return i;
}

/* Whether @svc_node's serviceConnectConfiguration enables Service
 * Connect, and whether it offers endpoints (a client-server service). */
static gboolean
service_connect(const JNode *svc_node, gboolean *server, GError **error)
{
  JNode sc, services;
  gboolean enabled = FALSE;
  *server = FALSE;
  if (!jn_member(svc_node, "serviceConnectConfiguration", &sc))
    return FALSE;
  if (!cJSON_IsObject(sc.json) || !jn_bool(&sc, "enabled", &enabled, error))
    return FALSE;
  *server = enabled && jn_member(&sc, "services", &services) &&
            jn_length(&services) > 0;
  return enabled;
}

/* How callers reach @svc, from its AWS fields: Service Connect (it offers
 * endpoints), else Cloud Map DNS (serviceRegistries), else its load
 * balancer, else its RUNNING tasks directly. */
static gboolean
check_discovery(ScenarioConfig *cfg, ServiceConfig *svc,
                const JNode *svc_node, GError **error)
{
  WorkloadDiscovery *d = &svc->workload.discovery;
  gboolean server = FALSE;
  GError *local = NULL;
  d->service_connect = service_connect(svc_node, &server, &local);
  if (local != NULL) {
    g_propagate_error(error, local);
    return FALSE;
  }
  const EcsTaskDef *td = cfg->service_taskdefs->pdata[svc_index(cfg, svc)];
  if (d->service_connect && td->task_cpu > 0 &&
      td->task_cpu <= d->proxy_cpu_units) {
    JNode where;
    jn_member(svc_node, "serviceConnectConfiguration", &where);
    jn_error(&where, error, "task definition %s has %d CPU units, no more "
             "than the Service Connect proxy's %d: the application would "
             "have none", td->name, td->task_cpu, d->proxy_cpu_units);
    return FALSE;
  }
  JNode regs;
  if (server)
    d->mode = DISCOVERY_SERVICE_CONNECT;
  else if (jn_member(svc_node, "serviceRegistries", &regs) &&
           jn_length(&regs) > 0)
    d->mode = DISCOVERY_DNS;
  else if (svc->load_balancers->len > 0)
    d->mode = DISCOVERY_LOAD_BALANCER;
  else
    d->mode = DISCOVERY_DIRECT;
  return TRUE;
}

/* A caller of a Service Connect endpoint must run the proxy itself: ECS
 * gives only tasks with Service Connect in the namespace its address. */
static gboolean
check_proxy_callers(const ScenarioConfig *cfg, const JNode *services,
                    GError **error)
{
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    for (guint k = 0; svc->workload.calls && k < svc->workload.calls->len;
         k++) {
      const WorkloadCall *c =
        &g_array_index(svc->workload.calls, WorkloadCall, k);
      const ServiceConfig *callee = cfg->services->pdata[c->callee];
      if (callee->workload.discovery.mode != DISCOVERY_SERVICE_CONNECT ||
          svc->workload.discovery.service_connect)
        continue;
      JNode node, wl, arr, call, where;
      jn_index(services, (int) i, &node);
      jn_member(&node, "workload", &wl);
      jn_member(&wl, "calls", &arr);
      jn_index(&arr, (int) k, &call);
      jn_member(&call, "service", &where);
      jn_error(&where, error, "service \"%s\" is reached through Service "
               "Connect, but \"%s\" has no serviceConnectConfiguration "
               "with \"enabled\": true (only tasks with the proxy can "
               "resolve its endpoint)", callee->name, svc->name);
      return FALSE;
    }
  }
  return TRUE;
}

/* Depth-first search from @i: FALSE with the path of the call that closes
 * a cycle. @state: 0 unseen, 1 on the stack, 2 done. */
static gboolean
acyclic_from(const ScenarioConfig *cfg, const JNode *services, guint i,
             guint8 *state, GError **error)
{
  const ServiceConfig *svc = cfg->services->pdata[i];
  state[i] = 1;
  for (guint k = 0; svc->workload.calls && k < svc->workload.calls->len;
       k++) {
    const WorkloadCall *c =
      &g_array_index(svc->workload.calls, WorkloadCall, k);
    if (state[c->callee] == 1) {
      JNode node, wl, arr, call, where;
      jn_index(services, (int) i, &node);
      jn_member(&node, "workload", &wl);
      jn_member(&wl, "calls", &arr);
      jn_index(&arr, (int) k, &call);
      jn_member(&call, "service", &where);
      jn_error(&where, error, "service \"%s\" calling \"%s\" closes a "
               "cycle of calls (a request would never end)", svc->name,
               c->service);
      return FALSE;
    }
    if (state[c->callee] == 0 &&
        !acyclic_from(cfg, services, (guint) c->callee, state, error))
      return FALSE;
  }
  state[i] = 2;
  return TRUE;
}

static gboolean
check_call_graph(const ScenarioConfig *cfg, const JNode *services,
                 GError **error)
{
  g_autofree guint8 *state = g_new0(guint8, cfg->services->len);
  for (guint i = 0; i < cfg->services->len; i++)
    if (state[i] == 0 && !acyclic_from(cfg, services, i, state, error))
      return FALSE;
  return TRUE;
}

gboolean
scenario_check_services(ScenarioConfig *cfg, const JNode *root,
                        GError **error)
{
  JNode arr;
  jn_member(root, "services", &arr);
  cfg->service_taskdefs = g_ptr_array_new();
  cfg->service_tgs = g_ptr_array_new();
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    JNode node, where;
    jn_index(&arr, (int) i, &node);
    const EcsTaskDef *td = scenario_config_find_taskdef(cfg,
                                                        svc->taskdef_ref);
    if (td == NULL) {
      g_autofree char *names = taskdef_names(cfg);
      jn_member(&node, "taskDefinition", &where);
      return jn_error(&where, error, "no task definition \"%s\" in the "
                      "scenario (it has: %s)", svc->taskdef_ref, names),
             FALSE;
    }
    const TargetGroupConfig *tg = NULL;
    if (!check_launch(cfg, svc, td, &node, error) ||
        !check_constraints(svc, &node, error) ||
        !check_image_sizes(svc, td, &node, error) ||
        !check_load_balancer(cfg, svc, td, &node, &tg, error) ||
        !check_memory(svc, td, &node, error))
      return FALSE;
    g_ptr_array_add(cfg->service_taskdefs, (gpointer) td);
    g_ptr_array_add(cfg->service_tgs, (gpointer) tg);
  }
  for (guint i = 0; i < cfg->services->len; i++) {
    JNode node;
    jn_index(&arr, (int) i, &node);
    if (!check_calls(cfg, cfg->services->pdata[i],
                     cfg->service_taskdefs->pdata[i], &node, error) ||
        !check_discovery(cfg, cfg->services->pdata[i], &node, error))
      return FALSE;
  }
  return check_call_graph(cfg, &arr, error) &&
         check_proxy_callers(cfg, &arr, error);
}
