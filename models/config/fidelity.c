/* "fidelity": requests as events, or as flows. */
#include "models/config/fidelity.h"

static const char *const names[] = { "requests", "aggregate", NULL };

const char *
fidelity_name(Fidelity fidelity)
{
  return names[fidelity];
}

gboolean
fidelity_parse(ScenarioConfig *cfg, const JNode *root, GError **error)
{
  int value = FIDELITY_REQUESTS;
  if (!jn_enum(root, "fidelity", names, &value, error))
    return FALSE;
  cfg->fidelity = (Fidelity) value;
  if (cfg->fidelity != FIDELITY_AGGREGATE)
    return TRUE;
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    if (svc->workload.calls != NULL && svc->workload.calls->len > 0) {
      JNode fidelity;
      jn_member(root, "fidelity", &fidelity);
      return jn_error(&fidelity, error,
                      "\"aggregate\" does not model calls between "
                      "services, and service %s calls %s: use "
                      "\"requests\" for this scenario",
                      svc->name,
                      g_array_index(svc->workload.calls, WorkloadCall, 0)
                        .service),
             FALSE;
    }
  }
  return TRUE;
}
