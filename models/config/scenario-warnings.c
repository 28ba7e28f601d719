/* Warnings a scenario shows before it runs (see scenario-warnings.h). */
#include "models/config/scenario-warnings.h"

#include <string.h>

#include "models/config/burstable.h"
#include "models/config/scenario.h"
#include "models/traffic/traffic.h"

static void
warn_traffic(const ScenarioConfig *cfg, const ServiceConfig *svc,
             Warnings *out)
{
  const TrafficConfig *traffic = svc->workload.traffic;
  if (!traffic_config_is_recorded(traffic))
    return;
  const char *not_a_count = traffic_config_metric_warning(traffic);
  if (not_a_count != NULL)
    warnings_add(out, "traffic_metric_not_a_count", svc->name,
                 "service %s: %s", svc->name, not_a_count);
  double scale = traffic_config_scale(traffic);
  if (scale >= SCENARIO_TRACE_SCALE_WARN)
    warnings_add(out, "trace_scaled_up", svc->name,
                 "service %s: its recorded trace is scaled %gx: every burst "
                 "and lull of the recording grows with it, so latency and "
                 "scaling follow the recording's noise, not a busier "
                 "service's (use a generator fitted with 'ecsim trace fit' "
                 "for a different level)", svc->name, scale);
  if (scale <= 1.0)
    return;
  double mean = traffic_config_mean_rate(traffic, cfg->duration,
                                         cfg->clock_offset) / scale;
  if (mean < 1.0)
    warnings_add(out, "sparse_trace_scaled_up", svc->name,
                 "service %s: its recorded trace averages %.3g requests/s "
                 "before its scale of %g: a recording that sparse is mostly "
                 "noise, and scaling it up multiplies the noise", svc->name,
                 mean, scale);
}

/* Whether some service calls service @name (workload `calls`). */
static gboolean
is_called(const ScenarioConfig *cfg, const char *name)
{
  for (guint i = 0; i < cfg->services->len; i++) {
    const GArray *calls =
      ((ServiceConfig *) cfg->services->pdata[i])->workload.calls;
    for (guint k = 0; calls && k < calls->len; k++)
      if (strcmp(g_array_index(calls, WorkloadCall, k).service, name) == 0)
        return TRUE;
  }
  return FALSE;
}

/* TRUE when every provider service @svc can use is Fargate: its tasks
 * are always hard-capped at their vCPU. */
static gboolean
runs_only_on_fargate(const ScenarioConfig *cfg, const ServiceConfig *svc)
{
  if (svc->launch_type == LAUNCH_TYPE_FARGATE)
    return TRUE;
  if (svc->launch_type != LAUNCH_TYPE_NONE)
    return FALSE;
  const GArray *items = svc->cp_strategy->len ? svc->cp_strategy
                                              : cfg->cluster->default_strategy;
  if (items->len == 0)
    return FALSE; /* the EC2 launch type */
  for (guint k = 0; k < items->len; k++) {
    const char *p = g_array_index(items, CapacityProviderItem, k).provider;
    if (strcmp(p, "FARGATE") != 0 && strcmp(p, "FARGATE_SPOT") != 0)
      return FALSE;
  }
  return TRUE;
}

/* TRUE when ASG @asg may launch a burstable (T) instance. */
static gboolean
has_burstable_type(const AsgConfig *asg)
{
  if (asg->type != NULL && burstable_find(asg->type->name) != NULL)
    return TRUE;
  const AsgMixedPolicy *mixed = asg->ec2.mixed;
  for (guint k = 0; mixed != NULL && k < mixed->overrides->len; k++)
    if (burstable_find(g_array_index(mixed->overrides, AsgOverride, k)
                         .type->name) != NULL)
      return TRUE;
  return FALSE;
}

/* Application Auto Scaling and target-group settings ecsim accepts from
 * AWS's outputs but does not model. */
static void
warn_not_modelled(const ScenarioConfig *cfg, Warnings *out)
{
  if (cfg->aas_unapplied != NULL)
    warnings_add(out, "setting_without_effect", NULL, "%s",
                 cfg->aas_unapplied);
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    const GArray *actions = svc->scaling ? svc->scaling->scheduled : NULL;
    for (guint k = 0; actions != NULL && k < actions->len; k++) {
      const ScheduledAction *a = &g_array_index(actions, ScheduledAction, k);
      if (a->has_window)
        warnings_add(out, "setting_without_effect", svc->name,
                     "service %s: scheduled action %s: StartTime and "
                     "EndTime are not modelled (a run has no calendar "
                     "date): it fires throughout the run", svc->name,
                     a->name ? a->name : "(unnamed)");
    }
  }
  for (guint i = 0; i < cfg->target_groups->len; i++) {
    const TargetGroupConfig *tg = cfg->target_groups->pdata[i];
    if (tg->slow_start > 0)
      warnings_add(out, "setting_without_effect", NULL,
                   "target group %s: slow_start.duration_seconds %d is not "
                   "modelled: a new target gets its full share of requests "
                   "at once", tg->name, tg->slow_start);
    if (tg->stickiness)
      warnings_add(out, "setting_without_effect", NULL,
                   "target group %s: stickiness.enabled is not modelled: "
                   "each request is routed on its own", tg->name);
  }
}

/* Settings a user wrote that can change nothing in this scenario. */
static void
warn_without_effect(const ScenarioConfig *cfg, Warnings *out)
{
  warn_not_modelled(cfg, out);
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    const EcsTaskDef *td = cfg->service_taskdefs->pdata[i];
    if (svc->workload.slot_max_vcpu <= 0)
      continue;
    if (td->task_cpu > 0)
      warnings_add(out, "setting_without_effect", svc->name,
                   "service %s: workload.slot_max_vcpu has no effect: its "
                   "task definition sets a task-level cpu, a hard limit, so "
                   "its requests never borrow idle CPU", svc->name);
    else if (runs_only_on_fargate(cfg, svc))
      warnings_add(out, "setting_without_effect", svc->name,
                   "service %s: workload.slot_max_vcpu has no effect: it "
                   "runs on Fargate, where a task's vCPU is a hard limit",
                   svc->name);
  }
  for (guint a = 0; a < cfg->cluster->asgs->len; a++) {
    const AsgConfig *asg = cfg->cluster->asgs->pdata[a];
    if (asg->cpu_credits_given && !has_burstable_type(asg))
      warnings_add(out, "setting_without_effect", NULL,
                   "Auto Scaling group %s: creditSpecification has no "
                   "effect: none of its instance types is a burstable (T) "
                   "type", asg->name);
  }
}

void
scenario_add_warnings(const ScenarioConfig *cfg, Warnings *out)
{
  warn_without_effect(cfg, out);
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    if (svc->workload.traffic == NULL) {
      /* A DAEMON (a log router, an agent) serves no requests by design. */
      if (svc->scheduling == SERVICE_REPLICA && !is_called(cfg, svc->name))
        warnings_add(out, "no_traffic", svc->name,
                     "service %s has no \"workload\": it receives no "
                     "requests, so it adds cost but no latency or error "
                     "figures", svc->name);
      continue;
    }
    if (svc->load_balancers->len == 0)
      warnings_add(out, "no_target_group", svc->name,
                   "service %s has traffic but no \"loadBalancers\" target "
                   "group: requests go straight to its RUNNING tasks, with "
                   "no target-group health checks and no load-balancer "
                   "cost", svc->name);
    warn_traffic(cfg, svc, out);
  }
}

gboolean
scenario_parse_ignored_warnings(ScenarioConfig *cfg, const JNode *root,
                                GError **error)
{
  cfg->ignored_warnings = g_ptr_array_new();
  JNode arr;
  if (!jn_member(root, "ignore_warnings", &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 100, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    const char *code;
    jn_index(&arr, i, &item);
    if (!jn_value_string(&item, &code, error))
      return FALSE;
    if (!warnings_code_known(code)) {
      g_autofree char *known = warnings_known_codes_text();
      return jn_error(&item, error, "unknown warning code \"%s\" (known: "
                      "%s)", code, known), FALSE;
    }
    g_ptr_array_add(cfg->ignored_warnings, (gpointer) code);
  }
  return TRUE;
}

gboolean
scenario_ignores_warning(const ScenarioConfig *cfg, const char *code)
{
  for (guint i = 0; cfg->ignored_warnings && i < cfg->ignored_warnings->len;
       i++)
    if (strcmp(cfg->ignored_warnings->pdata[i], code) == 0)
      return TRUE;
  return FALSE;
}
