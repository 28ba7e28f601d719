/* Parsing of the faults array. */
#include <string.h>

#include "models/config/faults-config.h"
#include "models/config/scenario.h"

static const char *const kinds[] = { "deploy", "kill_tasks", "az_outage",
                                     "spot_shortage", "instance_failure",
                                     "set_desired", NULL };
static const char *const failure_keys[] = {
  "startup_failure_probability", "crash_mttf", "hang_mttf", "slow_start",
  "fails_health_checks", NULL
};

static void
fault_free(gpointer p)
{
  FaultConfig *f = p;
  cJSON_Delete(f->failure);
  g_free(f);
}

static gboolean
resolve_service(const JNode *n, const ScenarioConfig *cfg, FaultConfig *f,
                GError **error)
{
  const char *name = NULL;
  JNode where;
  if (!jn_string(n, "service", &name, error))
    return FALSE;
  f->service = scenario_config_find_service(cfg, name);
  if (f->service < 0) {
    jn_member(n, "service", &where);
    return jn_error(&where, error, "no service \"%s\" in the scenario",
                    name), FALSE;
  }
  return TRUE;
}

/* Keys each kind takes besides "at" and "kind". */
static const char *const *
keys_of(FaultKind kind)
{
  static const char *const deploy[] = {
    "at", "kind", "service", "taskDefinition", "startup_failure_probability",
    "crash_mttf", "hang_mttf", "slow_start", "fails_health_checks", NULL
  };
  static const char *const kill[] = { "at", "kind", "service", "count",
                                      NULL };
  static const char *const az[] = { "at", "kind", "az", "duration", NULL };
  static const char *const spot[] = { "at", "kind", "duration", NULL };
  static const char *const inst[] = { "at", "kind", "asg", "count", NULL };
  static const char *const desired[] = { "at", "kind", "service",
                                         "desiredCount", NULL };
  static const char *const *const table[] = { deploy, kill, az, spot, inst,
                                              desired };
  return table[kind];
}

static gboolean
parse_deploy(const JNode *n, const ScenarioConfig *cfg, FaultConfig *f,
             GError **error)
{
  const char *ref = NULL;
  JNode where;
  if (!resolve_service(n, cfg, f, error) ||
      !jn_string(n, "taskDefinition", &ref, error))
    return FALSE;
  f->taskdef = scenario_config_find_taskdef(cfg, ref);
  if (f->taskdef == NULL) {
    jn_member(n, "taskDefinition", &where);
    return jn_error(&where, error, "no task definition \"%s\" in the "
                    "scenario", ref), FALSE;
  }
  f->failure = cJSON_CreateObject();
  for (const char *const *k = failure_keys; *k; k++) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(n->json, *k);
    if (v != NULL)
      cJSON_AddItemToObject(f->failure, *k, cJSON_Duplicate(v, TRUE));
  }
  /* Check the failure keys now, so the run cannot fail on them. */
  FailureModel probe;
  failure_model_init(&probe);
  JNode fnode = *n;
  fnode.json = f->failure;
  gboolean ok = failure_model_parse(&fnode, &probe, error);
  failure_model_clear(&probe);
  return ok;
}

static gboolean
parse_one(const JNode *n, const ScenarioConfig *cfg, FaultConfig *f,
          GError **error)
{
  static const char *const required[] = { "at", "kind", NULL };
  int kind = 0;
  int64_t count = 1, desired = 0;
  JNode where;
  if (!jn_check_object(n, kinds /* any key for now */, NULL, NULL) &&
      FALSE)
    return FALSE;
  if (!jn_member(n, "kind", &where) || !jn_enum(n, "kind", kinds, &kind,
                                                error)) {
    if (error && *error)
      return FALSE;
    return jn_error(&where, error, "required key is missing"), FALSE;
  }
  f->kind = (FaultKind) kind;
  if (!jn_check_object(n, keys_of(f->kind), required, error) ||
      !jn_duration(n, "at", 0, cfg->duration, &f->at, error))
    return FALSE;
  const char *const *keys = keys_of(f->kind);
  gboolean needs_duration = FALSE;
  for (const char *const *k = keys; *k; k++)
    needs_duration |= strcmp(*k, "duration") == 0;
  if (needs_duration) {
    if (!jn_member(n, "duration", &where))
      return jn_error(&where, error, "required key is missing"), FALSE;
    if (!jn_duration(n, "duration", SIM_SEC, SIM_TIME_MAX / 4, &f->duration,
                     error))
      return FALSE;
  }
  switch (f->kind) {
  case FAULT_DEPLOY:
    return parse_deploy(n, cfg, f, error);
  case FAULT_KILL_TASKS:
    if (!resolve_service(n, cfg, f, error) ||
        !jn_int(n, "count", 1, 100000, &count, error))
      return FALSE;
    f->count = (int) count;
    return TRUE;
  case FAULT_AZ_OUTAGE: {
    const char *az = NULL;
    if (!jn_member(n, "az", &where))
      return jn_error(&where, error, "required key is missing"), FALSE;
    if (!jn_string(n, "az", &az, error))
      return FALSE;
    f->az = cluster_config_az_index(cfg->cluster, az);
    if (f->az < 0)
      return jn_error(&where, error, "\"%s\" is not one of the cluster's "
                      "availability_zones", az), FALSE;
    return TRUE;
  }
  case FAULT_SPOT_SHORTAGE:
    return TRUE;
  case FAULT_INSTANCE_FAILURE: {
    const char *asg = NULL;
    if (!jn_member(n, "asg", &where))
      return jn_error(&where, error, "required key is missing"), FALSE;
    if (!jn_string(n, "asg", &asg, error) ||
        !jn_int(n, "count", 1, 100000, &count, error))
      return FALSE;
    f->count = (int) count;
    f->asg = -1;
    for (guint i = 0; i < cfg->cluster->asgs->len; i++)
      if (strcmp(((AsgConfig *) cfg->cluster->asgs->pdata[i])->name, asg) ==
          0)
        f->asg = (int) i;
    if (f->asg < 0)
      return jn_error(&where, error, "no Auto Scaling group \"%s\"", asg),
             FALSE;
    return TRUE;
  }
  case FAULT_SET_DESIRED:
    if (!jn_member(n, "desiredCount", &where))
      return jn_error(&where, error, "required key is missing"), FALSE;
    if (!resolve_service(n, cfg, f, error) ||
        !jn_int(n, "desiredCount", 0, 100000, &desired, error))
      return FALSE;
    f->desired = (int) desired;
    return TRUE;
  }
  return FALSE;
}

GPtrArray *
faults_parse(const JNode *arr, const ScenarioConfig *cfg, GError **error)
{
  g_autoptr(GPtrArray) faults = g_ptr_array_new_with_free_func(fault_free);
  if (arr->json == NULL)
    return g_steal_pointer(&faults);
  if (!jn_check_array(arr, 0, 100000, error))
    return NULL;
  for (int i = 0; i < jn_length(arr); i++) {
    JNode item;
    jn_index(arr, i, &item);
    FaultConfig *f = g_new0(FaultConfig, 1);
    f->service = -1;
    g_ptr_array_add(faults, f);
    if (!cJSON_IsObject(item.json))
      return jn_error(&item, error, "must be an object"), NULL;
    if (!parse_one(&item, cfg, f, error))
      return NULL;
  }
  return g_steal_pointer(&faults);
}
