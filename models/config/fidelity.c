/* "fidelity": requests as events, or as flows. */
#include "models/config/fidelity.h"

static const char *const names[] = { "requests", "aggregate", NULL };

const char *
fidelity_name(Fidelity fidelity)
{
  return names[fidelity];
}

char *
fidelity_aggregate_obstacle(const ScenarioConfig *cfg)
{
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    if (svc->workload.calls != NULL && svc->workload.calls->len > 0)
      return g_strdup_printf(
        "\"aggregate\" does not model calls between services, and "
        "service %s calls %s: use \"requests\" for this scenario",
        svc->name,
        g_array_index(svc->workload.calls, WorkloadCall, 0).service);
  }
  return NULL;
}

gboolean
fidelity_parse(ScenarioConfig *cfg, const JNode *root, GError **error)
{
  int value = FIDELITY_REQUESTS;
  if (!jn_enum(root, "fidelity", names, &value, error))
    return FALSE;
  cfg->fidelity = (Fidelity) value;
  g_autofree char *obstacle = cfg->fidelity == FIDELITY_AGGREGATE
                                ? fidelity_aggregate_obstacle(cfg) : NULL;
  if (obstacle != NULL) {
    JNode fidelity;
    jn_member(root, "fidelity", &fidelity);
    jn_error(&fidelity, error, "%s", obstacle);
    return FALSE;
  }
  return TRUE;
}
