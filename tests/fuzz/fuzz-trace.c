/* Reading one input as a trace, the ways ecsim reads traces. */
#include "fuzz-trace.h"

#include <gsl/gsl_rng.h>

#include "models/traffic/traffic-private.h"
#include "models/traffic/traffic.h"

/* The first arrivals, and the rates a run asks for: enough to walk the
 * table or the log's first records without running a whole day. */
static void
draw(const TrafficConfig *cfg)
{
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, 1);
  TrafficSource *src = traffic_source_new(cfg, rng, NULL, 0, 1.0);
  for (int i = 0; i < 200; i++)
    if (traffic_source_next(src) == SIM_TIME_MAX)
      break;
  traffic_source_free(src);
  gsl_rng_free(rng);
  traffic_config_rate_at(cfg, 90 * SIM_SEC, 0);
  traffic_config_mean_rate(cfg, SIM_HOUR, 0);
}

void
fuzz_trace(const uint8_t *data, size_t size, const char *name,
           TraceFormat format)
{
  fuzz_init();
  const char *path = fuzz_write_file(name, data, size);
  for (int lenient = 0; lenient <= 1; lenient++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(TrafficConfig) cfg =
      traffic_config_new_from_file(path, format, 1.0, lenient, &error);
    g_assert((cfg == NULL) != (error == NULL));
    if (cfg != NULL) {
      draw(cfg);
      break; /* lenient reads what strict read */
    }
  }
  TraceFileSpec spec = { .format = format };
  g_autoptr(GError) error = NULL;
  trace_tools_summary(path, &spec, fuzz_devnull(), &error);
}
