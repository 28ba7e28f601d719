/* The M/M/c benchmark (bench-mmc.c) as a three-level call graph: users'
 * requests reach web, each calls api once (sequentially, halfway through
 * its work), and each api request calls db. Each service has exponential
 * service times of mean 10 ms; api and db have 50 slots at utilisation
 * 0.8 (4,000 requests/s), web enough slots for the time its requests
 * wait on their calls. Every request is a tracked record (calls.h) and
 * every call an event, so this measures the cost of calls against
 * bench-mmc's single service.
 *
 * It prints users' requests per second (web's) and requests per second
 * over all three services, per wall and per CPU second.
 *
 * Run: build/bench/bench-mmc-graph [USER_REQUESTS]  (default 10^7/3) */
#include <glib.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "models/output/report.h"
#include "models/config/scenario.h"
#include "models/world/world.h"

#define RPS 4000.0

static const char *const service_fmt =
  "{\"serviceName\": \"%s\", \"taskDefinition\": \"mmc\","
  " \"desiredCount\": 1, \"launchType\": \"FARGATE\","
  " \"workload\": {%s \"service_time\": {\"dist\": \"exponential\","
  "   \"mean\": \"10ms\"}, \"concurrency\": %d, \"queue_limit\": 100000000,"
  "   \"timeout\": \"1d\"%s}}";

static char *
scenario_json(double seconds)
{
  g_autofree char *traffic = g_strdup_printf(
    "\"traffic\": {\"generator\": \"constant\", \"rps\": %.6f},", RPS);
  g_autofree char *web = g_strdup_printf(
    service_fmt, "web", traffic, 400,
    ", \"calls\": [{\"service\": \"api\"}]");
  g_autofree char *api = g_strdup_printf(
    service_fmt, "api", "", 200, ", \"calls\": [{\"service\": \"db\"}]");
  g_autofree char *db = g_strdup_printf(service_fmt, "db", "", 50, "");
  return g_strdup_printf(
    "{\"duration\": \"%.0fs\", \"period\": \"60s\", \"seed\": 1,"
    " \"taskDefinitions\": [{\"family\": \"mmc\", \"cpu\": \"1024\","
    "   \"memory\": \"2048\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"],"
    "   \"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}],"
    " \"services\": [%s, %s, %s]}", seconds, web, api, db);
}

static double
cpu_seconds(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* The sum of services[].requests.@key. */
static double
services_sum(const cJSON *root, const char *key)
{
  double sum = 0;
  const cJSON *svc;
  cJSON_ArrayForEach(svc, cJSON_GetObjectItem(root, "services"))
    sum += cJSON_GetObjectItem(cJSON_GetObjectItem(svc, "requests"), key)
             ->valuedouble;
  return sum;
}

int
main(int argc, char **argv)
{
  double requests = argc > 1 ? strtod(argv[1], NULL) : 1e7 / 3;
  double seconds = ceil(requests / RPS);
  g_autofree char *json = scenario_json(seconds);
  GError *error = NULL;
  g_autoptr(Scenario) scn = scenario_load_data("<data>", json, ".", &error);
  g_autoptr(ScenarioConfig) cfg =
    scn ? scenario_configure(scn, NULL, NULL, &error) : NULL;
  g_autoptr(World) w = cfg ? world_new(cfg, NULL, &error) : NULL;
  if (w == NULL) {
    fprintf(stderr, "bench-mmc-graph: %s\n", error->message);
    return 1;
  }
  double cpu_start = cpu_seconds();
  if (world_run(w, NULL, NULL) != SIM_RUN_HORIZON) {
    fprintf(stderr, "bench-mmc-graph: the run did not complete\n");
    return 1;
  }
  double cpu = cpu_seconds() - cpu_start;
  double wall = world_wall_seconds(w);
  guint64 events = sim_engine_events(world_engine(w));
  cJSON *summary = report_summary(w);
  const cJSON *top = cJSON_GetObjectItem(summary, "requests");
  double users = cJSON_GetObjectItem(top, "arrivals")->valuedouble;
  double all = services_sum(summary, "arrivals");
  double p99 = cJSON_GetObjectItem(cJSON_GetObjectItem(summary, "latency"),
                                   "p99_ms")->valuedouble;
  cJSON_Delete(summary);
  printf("ecsim web -> api -> db, exponential service 10 ms each, %.0f rps "
         "for %.0f s simulated\n", RPS, seconds);
  printf("  user requests %.0f (%.0f in all services)\n", users, all);
  printf("  events        %" G_GUINT64_FORMAT "\n", events);
  printf("  wall          %.3f s\n", wall);
  printf("  requests/s    %.0f users', %.0f all services'\n", users / wall,
         all / wall);
  printf("  cpu           %.3f s (%.0f user requests, %.0f requests per CPU "
         "second)\n", cpu, users / cpu, all / cpu);
  printf("  web p99       %.1f ms\n", p99);
  return 0;
}
