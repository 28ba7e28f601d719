/* Fuzz target: a scenario file, as `ecsim validate` reads it: loaded with
 * its includes (relative to the shipped scenarios/ folder, so that
 * "taskdefs/checkout.json" and "ci/traffic.csv" resolve), then every
 * variant configured and checked. */
#include "fuzz.h"

#include "ecsim-config.h"
#include "models/config/scenario.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  g_autofree char *text = fuzz_strndup(data, size);
  g_autoptr(Scenario) scn = scenario_load_data(
    "fuzz.json", text, ECSIM_SOURCE_ROOT "/scenarios", NULL);
  if (scn == NULL)
    return 0;
  ScenarioOptions options = { 0 };
  for (guint i = 0; i < scenario_n_variants(scn); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScenarioConfig) cfg = scenario_configure(
      scn, scenario_variant_name(scn, i), &options, &error);
    g_assert((cfg == NULL) != (error == NULL));
  }
  return 0;
}
