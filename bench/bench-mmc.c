/* End-to-end M/M/c benchmark: requests through the whole simulator.
 *
 * One Fargate service of one task with 50 slots, Poisson arrivals at
 * utilisation 0.8 and exponential service times (mean 10 ms, so 4,000
 * requests/s), built as scenario JSON and run exactly as `ecsim run`
 * would: scenario loading and checking, world_new(), world_run() with the
 * engine, load balancer, servers and per-period metrics. It prints the
 * wall time of world_run(), requests and events per second (and requests
 * per CPU second, steadier on a shared machine), and the simulated
 * probability of waiting next to Erlang C as a sanity check (a fast run
 * that computes the wrong thing is no benchmark).
 *
 * Run: meson test -C build --benchmark mmc --verbose  (with SimPy too)
 *   or build/bench/bench-mmc [REQUESTS]  (default 10^7) */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "models/output/report.h"
#include "models/config/scenario.h"
#include "models/world/world.h"

#define SLOTS 50
#define RHO 0.8
#define MEAN_SERVICE_S 0.010

/* Erlang C: probability that an arrival waits in M/M/c at load @a = λ/μ,
 * through the Erlang B recursion (stable for any c). */
static double
erlang_c(int c, double a)
{
  double b = 1.0;
  for (int k = 1; k <= c; k++)
    b = a * b / (k + a * b);
  double rho = a / c;
  return b / (1.0 - rho + rho * b);
}

static char *
scenario_json(double rps, double seconds)
{
  return g_strdup_printf(
    "{\"duration\": \"%.0fs\", \"period\": \"60s\", \"seed\": 1,"
    " \"taskDefinitions\": [{\"family\": \"mmc\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": [{\"serviceName\": \"mmc\", \"taskDefinition\": \"mmc\","
    "   \"desiredCount\": 1, \"launchType\": \"FARGATE\","
    "   \"workload\": {\"traffic\": {\"generator\": \"constant\","
    "                                \"rps\": %.6f},"
    "     \"service_time\": {\"dist\": \"exponential\", \"mean\": \"%gms\"},"
    "     \"concurrency\": %d, \"queue_limit\": 100000000,"
    "     \"timeout\": \"1d\"}}]}",
    seconds, rps, MEAN_SERVICE_S * 1e3, SLOTS);
}

/* CPU seconds used by this process: on a shared machine a fairer measure
 * of the work than wall time. */
static double
cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static double
summary_number(const cJSON *root, const char *section, const char *key)
{
  const cJSON *s = cJSON_GetObjectItemCaseSensitive(root, section);
  const cJSON *v = cJSON_GetObjectItemCaseSensitive(s, key);
  return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

int
main(int argc, char **argv)
{
  double requests = argc > 1 ? strtod(argv[1], NULL) : 1e7;
  double rps = RHO * SLOTS / MEAN_SERVICE_S;
  double seconds = ceil(requests / rps);
  g_autofree char *json = scenario_json(rps, seconds);
  GError *error = NULL;

  gint64 setup_start = g_get_monotonic_time();
  g_autoptr(Scenario) scn = scenario_load_data("<data>", json, ".", &error);
  g_autoptr(ScenarioConfig) cfg =
    scn ? scenario_configure(scn, NULL, NULL, &error) : NULL;
  g_autoptr(World) w = cfg ? world_new(cfg, NULL, &error) : NULL;
  if (w == NULL) {
    fprintf(stderr, "bench-mmc: %s\n", error->message);
    return 1;
  }
  double setup_s = (double) (g_get_monotonic_time() - setup_start) / 1e6;
  double cpu_start = cpu_seconds();
  if (world_run(w, NULL, NULL) != SIM_RUN_HORIZON) {
    fprintf(stderr, "bench-mmc: the run did not complete\n");
    return 1;
  }
  double cpu = cpu_seconds() - cpu_start;

  double wall = world_wall_seconds(w);
  guint64 events = sim_engine_events(world_engine(w));
  cJSON *summary = report_summary(w);
  double arrivals = summary_number(summary, "requests", "arrivals");
  double waited = summary_number(summary, "requests", "waited_fraction");
  cJSON_Delete(summary);

  printf("ecsim M/M/%d, rho %.2f, exponential service %.0f ms, %.0f rps "
         "for %.0f s simulated\n", SLOTS, RHO, MEAN_SERVICE_S * 1e3, rps,
         seconds);
  printf("  requests      %.0f\n", arrivals);
  printf("  events        %" G_GUINT64_FORMAT "\n", events);
  printf("  setup         %.3f s\n", setup_s);
  printf("  wall          %.3f s\n", wall);
  printf("  requests/s    %.0f\n", arrivals / wall);
  printf("  events/s      %.0f\n", (double) events / wall);
  printf("  cpu           %.3f s (%.0f requests per CPU second)\n", cpu,
         arrivals / cpu);
  printf("  P(wait)       %.4f (Erlang C %.4f)\n", waited,
         erlang_c(SLOTS, RHO * SLOTS));
  return 0;
}
