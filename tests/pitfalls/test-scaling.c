/* Pitfalls of size (issue 20, "cost that grows faster than the work"): a
 * platform team's cluster of thousands of tasks, or an account of
 * thousands of task definition revisions, must cost time in proportion
 * to it. Each test counts the work done (records read), not seconds, so
 * that it fails when a quadratic step comes back whatever the machine. */
#include <criterion/criterion.h>
#include <glib.h>

#include "models/control/service.h"
#include "models/input/jnode.h"
#include "models/requests/lb.h"
#include "support.h"

/* @n tasks of one EC2 service started cold on enough m5.4xlarge
 * instances (16 tasks of 1 vCPU each), behind a load balancer. */
static char *
ec2_cold_start(int n)
{
  int instances = (n + 15) / 16;
  return g_strdup_printf(
    "{\"name\": \"cold\", \"seed\": 1, \"duration\": \"10m\","
    " \"period\": \"1m\", \"ignore_warnings\": [\"no_traffic\"],"
    " \"cluster\": {\"start_warm\": false, \"auto_scaling_groups\": [{"
    "   \"name\": \"m5\", \"instance_type\": \"m5.4xlarge\", \"min\": %d,"
    "   \"max\": %d, \"desired\": %d, \"launch_time\": \"60s\"}]},"
    " \"taskDefinitions\": [{\"family\": \"web\", \"networkMode\": \"bridge\","
    "   \"requiresCompatibilities\": [\"EC2\"], \"containerDefinitions\": [{"
    "     \"name\": \"web\", \"image\": \"x/web:1\", \"cpu\": 1024,"
    "     \"memory\": 2048, \"portMappings\": [{\"containerPort\": 80,"
    "     \"hostPort\": 0}]}]}],"
    " \"targetGroups\": [{\"TargetGroupName\": \"tg\","
    "   \"HealthCheckIntervalSeconds\": 15, \"HealthyThresholdCount\": 2}],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    "   \"desiredCount\": %d, \"launchType\": \"EC2\","
    "   \"loadBalancers\": [{\"targetGroupName\": \"tg\","
    "     \"containerName\": \"web\", \"containerPort\": 80}]}]}",
    instances, instances, instances, n);
}

/* @n tasks of one Fargate service split over FARGATE and FARGATE_SPOT
 * by a capacity provider strategy (each launch picks a provider). */
static char *
fargate_cold_start(int n)
{
  return g_strdup_printf(
    "{\"name\": \"cold\", \"seed\": 1, \"duration\": \"10m\","
    " \"period\": \"1m\", \"ignore_warnings\": [\"no_traffic\"],"
    " \"taskDefinitions\": [{\"family\": \"web\", \"networkMode\": \"awsvpc\","
    "   \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\","
    "   \"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"web\","
    "     \"image\": \"x/web:1\"}]}],"
    " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
    "   \"desiredCount\": %d, \"capacityProviderStrategy\": ["
    "     {\"capacityProvider\": \"FARGATE\", \"base\": 2, \"weight\": 1},"
    "     {\"capacityProvider\": \"FARGATE_SPOT\", \"weight\": 3}]}]}",
    n);
}

/* Runs @json and returns the task records the scheduler read for its
 * first service, after checking that all @n tasks run. */
static guint64
examined_to_start(const char *json, int n)
{
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(test_summary_number(run, "services.web.running_end"), n);
  cr_assert_eq(test_summary_number(run, "services.web.tasks_started"), n);
  guint64 examined = service_get(run->w, 0)->tasks_examined;
  test_run_free(run);
  return examined;
}

/* Every task's state and health changes ask for a reconcile pass: a pass
 * that reads every task makes a cold start of n tasks O(n^2) (10,000
 * tasks took 9 s, 2,500 0.5 s). Reading a bounded number of records per
 * task start keeps it linear. */
Test(scaling, an_ec2_cold_start_reads_each_task_a_bounded_number_of_times)
{
  const int n = 2000;
  g_autofree char *json = ec2_cold_start(n);
  guint64 examined = examined_to_start(json, n);
  cr_assert_lt(examined, (guint64) 8 * n,
               "the scheduler read %" G_GUINT64_FORMAT " task records to "
               "start %d tasks", examined, n);
}

/* Picking FARGATE or FARGATE_SPOT for each launch counted the live tasks
 * per provider by walking them all: O(n) per launch. */
Test(scaling, a_capacity_provider_strategy_picks_without_walking_the_tasks)
{
  const int n = 2000;
  g_autofree char *json = fargate_cold_start(n);
  guint64 examined = examined_to_start(json, n);
  cr_assert_lt(examined, (guint64) 8 * n,
               "the scheduler read %" G_GUINT64_FORMAT " task records to "
               "start %d tasks", examined, n);
}

/* The load balancer rebuilt its whole rotation before the first request
 * after any target's change: with steady traffic that is every change,
 * O(n) each. Each change now re-places its task alone. */
Test(scaling, the_load_balancer_keeps_its_rotation_without_rebuilding_it)
{
  const int n = 2000;
  g_autofree char *base = ec2_cold_start(n);
  /* The same service with 200 requests/s: a request follows nearly every
   * change. */
  const char *tail = "\"containerPort\": 80}]}]}";
  char *at = g_strrstr(base, tail);
  cr_assert_not_null(at);
  *at = '\0';
  g_autofree char *json = g_strconcat(
    base, "\"containerPort\": 80}], \"workload\": {\"traffic\": "
    "{\"generator\": \"constant\", \"rps\": 200}, \"service_time\": "
    "{\"dist\": \"exponential\", \"mean\": \"10ms\"}}}]}", NULL);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  cr_assert_eq(test_summary_number(run, "services.web.running_end"), n);
  cr_assert_gt(test_summary_number(run, "requests.completed"), 100000);
  guint64 examined = lb_tasks_examined(run->w, 0);
  cr_assert_lt(examined, (guint64) 16 * n,
               "the load balancer read %" G_GUINT64_FORMAT " task records "
               "for %d tasks", examined, n);
  test_run_free(run);
}

/* @n task definitions in @n / 10 families of 10 revisions, none giving
 * its revision (each gets 1 + the entries of its family before it). */
static char *
many_taskdefs(int n)
{
  GString *s = g_string_new("{\"duration\": \"10m\", \"taskDefinitions\": [");
  for (int i = 0; i < n; i++)
    g_string_append_printf(
      s, "%s{\"family\": \"app%d\", \"networkMode\": \"awsvpc\","
      " \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\","
      " \"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"app\","
      " \"image\": \"x/app:%d\"}]}", i ? ", " : "", i % (n / 10), i);
  g_string_append(s, "], \"services\": [{\"serviceName\": \"web\","
                  " \"taskDefinition\": \"app3:7\", \"desiredCount\": 1,"
                  " \"launchType\": \"FARGATE\"}]}");
  return g_string_free(s, FALSE);
}

/* A platform team's account holds thousands of revisions. Checking them
 * found each entry's revision by fetching every earlier entry by index
 * (O(i) each in cJSON): O(n^3), 61 s for 4,000. */
Test(scaling, thousands_of_task_definitions_are_read_in_one_pass)
{
  const int n = 2000;
  g_autofree char *json = many_taskdefs(n);
  gsize before = jn_index_steps();
  g_autoptr(GError) error = NULL;
  ScenarioConfig *cfg = test_configure(json, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  gsize steps = jn_index_steps() - before;
  cr_assert_eq(cfg->taskdefs->len, (guint) n);
  /* app3's revisions are entries 3, 203, ...: the 7th is entry 1203. */
  const EcsTaskDef *td = cfg->service_taskdefs->pdata[0];
  cr_assert_str_eq(td->name, "app3:7");
  cr_assert_str_eq(
    ((EcsContainerDef *) td->containers->pdata[0])->image, "x/app:1203");
  cr_assert_lt(steps, (gsize) 16 * n,
               "reading %d task definitions stepped over %" G_GSIZE_FORMAT
               " array elements", n, steps);
  scenario_config_free(cfg);
}

/* The one-pass check still names the later of two entries that give the
 * same family:revision, by its JSON path. */
Test(scaling, a_revision_defined_twice_among_many_is_named_at_its_entry)
{
  g_autofree char *many = many_taskdefs(1000);
  /* Entry 1000: app3 with revision 2 given, which entry 103 has. */
  char *end = g_strrstr(many, "], \"services\"");
  cr_assert_not_null(end);
  g_autofree char *services = g_strdup(end);
  *end = '\0';
  g_autofree char *json = g_strconcat(
    many, ", {\"family\": \"app3\", \"revision\": 2, \"networkMode\": "
    "\"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": "
    "\"256\", \"memory\": \"512\", \"containerDefinitions\": [{\"name\": "
    "\"app\", \"image\": \"x/app:2\"}]}", services, NULL);
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_assert(g_str_has_suffix(msg, ": /taskDefinitions/1000: task definition "
                                  "app3:2 is defined twice"), "%s", msg);
}
