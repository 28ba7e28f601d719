/* Images and start times (issue 16): pull time = latency + size /
 * bandwidth, the EC2 instance's image cache by ECS_IMAGE_PULL_BEHAVIOR,
 * Fargate without a cache (and with lazy loading), the default Fargate
 * start against the real describe-services log, and boot to registration
 * by instance family. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "models/capacity/cluster.h"
#include "scenarios/cli.h"
#include "support.h"

/* @text with ' for " (JSON inline, readable). */
static char *
json(const char *text)
{
  char *s = g_strdup(text);
  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  return s;
}

static TestRun *
run_json(const char *text)
{
  g_autofree char *s = json(text);
  return test_run_new(s);
}

static double
pull_seconds(const Task *t)
{
  cr_assert_geq(t->entered[TASK_ACTIVATING], 0, "task %u never pulled",
                t->id);
  return sim_time_to_seconds(t->entered[TASK_ACTIVATING] -
                             t->entered[TASK_PENDING]);
}

#define EC2_TD(rev, image)                                                  \
  "{'family': 'web', 'revision': " rev ", 'cpu': '256', 'memory': '512', "  \
  "'containerDefinitions': [{'name': 'app', 'image': '" image "'}]}"

/* One m5.large, launched cold; service web (a 1,000 MiB image: 10 s of
 * download at the EC2 default 100 MiB/s) starts when it registers, and
 * its one task is killed at 20 min: the replacement starts on the same
 * instance. */
static TestRun *
ec2_kill_run(const char *behavior)
{
  g_autofree char *text = g_strdup_printf(
    "{'duration': '30m', 'cluster': {'start_warm': false,"
    " 'auto_scaling_groups': [{'name': 'asg', 'instance_type': 'm5.large',"
    "  'min': 1, 'max': 1, 'image_pull_behavior': '%s'}]},"
    " 'taskDefinitions': [" EC2_TD("1", "repo/web:1") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'EC2', 'desiredCount': 1,"
    "  'workload': {'image_size_mib': 1000}}],"
    " 'faults': [{'at': '20m', 'kind': 'kill_tasks', 'service': 'web',"
    "  'count': 1}]}", behavior);
  TestRun *run = run_json(text);
  test_run_finish(run);
  cr_assert_eq(run->w->tasks->len, 2, "%u tasks", run->w->tasks->len);
  return run;
}

Test(ec2, second_task_of_an_image_on_an_instance_starts_faster)
{
  TestRun *run = ec2_kill_run("default");
  double first = pull_seconds(world_task(run->w, 0));
  double second = pull_seconds(world_task(run->w, 1));
  /* latency 3-9 s + 1,000 MiB / 100 MiB/s; then the manifest check. */
  cr_assert(first >= 13.0 && first <= 19.0, "first pull %.2f s", first);
  cr_assert(second >= 0.2 && second <= 1.0, "cached start %.2f s", second);
  test_run_free(run);
}

/* `always` pulls on every start as `default` does (ECS-REFERENCE §10:
 * they differ only when the pull fails): the registry is contacted, but
 * Docker downloads only missing layers, so a cached image costs the
 * manifest check, never the download again. */
Test(ec2, always_contacts_the_registry_but_downloads_nothing_cached)
{
  TestRun *run = ec2_kill_run("always");
  double first = pull_seconds(world_task(run->w, 0));
  double second = pull_seconds(world_task(run->w, 1));
  cr_assert_geq(first, 13.0);
  cr_assert(second > 0.0 && second <= 1.0, "second pull %.2f s", second);
  test_run_free(run);
}

Test(ec2, once_and_prefer_cached_use_the_cache_without_a_pull)
{
  const char *behaviors[] = { "once", "prefer-cached" };
  for (int i = 0; i < 2; i++) {
    TestRun *run = ec2_kill_run(behaviors[i]);
    cr_assert_geq(pull_seconds(world_task(run->w, 0)), 13.0);
    cr_assert_eq(pull_seconds(world_task(run->w, 1)), 0.0,
                 "%s: the cached image is pulled again", behaviors[i]);
    test_run_free(run);
  }
}

/* Two tasks placed on a new instance together: Docker pulls the image
 * once, and the second task waits for that pull rather than starting
 * from a cache that is not there yet. */
Test(ec2, a_task_waits_for_the_pull_in_progress_of_its_image)
{
  TestRun *run = run_json(
    "{'duration': '10m', 'cluster': {'start_warm': false,"
    " 'auto_scaling_groups': [{'name': 'asg', 'instance_type': 'm5.large',"
    "  'min': 1, 'max': 1, 'image_pull_behavior': 'once'}]},"
    " 'taskDefinitions': [" EC2_TD("1", "repo/web:1") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'EC2', 'desiredCount': 2,"
    "  'workload': {'image_size_mib': 1000}}]}");
  test_run_finish(run);
  cr_assert_eq(run->w->tasks->len, 2);
  const Task *a = world_task(run->w, 0), *b = world_task(run->w, 1);
  cr_assert_eq(a->entered[TASK_PENDING], b->entered[TASK_PENDING]);
  cr_assert_geq(pull_seconds(a), 13.0);
  cr_assert_eq(b->entered[TASK_ACTIVATING], a->entered[TASK_ACTIVATING],
               "the second task did not wait for the first one's pull");
  test_run_free(run);
}

/* web:1 (image a) is replaced by web:2 (image b) at 10 min and comes back
 * as web:3 (image a) at 4 h 30: image a has had no task for over 3 h, so
 * the agent's cleanup removed it under `once` (pulled again), not under
 * `prefer-cached` (cleanup is off). */
static double
comeback_pull(const char *behavior)
{
  g_autofree char *text = g_strdup_printf(
    "{'duration': '5h', 'cluster': {'start_warm': false,"
    " 'auto_scaling_groups': [{'name': 'asg', 'instance_type': 'm5.large',"
    "  'min': 1, 'max': 1, 'image_pull_behavior': '%s'}]},"
    " 'taskDefinitions': [" EC2_TD("1", "repo/a") ", " EC2_TD("2", "repo/b")
    ", " EC2_TD("3", "repo/a") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web:1',"
    "  'launchType': 'EC2', 'desiredCount': 1,"
    "  'workload': {'image_size_mib': 1000}}],"
    " 'faults': [{'at': '10m', 'kind': 'deploy', 'service': 'web',"
    "  'taskDefinition': 'web:2'}, {'at': '270m', 'kind': 'deploy',"
    "  'service': 'web', 'taskDefinition': 'web:3'}]}", behavior);
  TestRun *run = run_json(text);
  test_run_finish(run);
  const Task *last = world_task(run->w, run->w->tasks->len - 1);
  cr_assert_eq(last->def->revision, 3);
  double s = pull_seconds(last);
  test_run_free(run);
  return s;
}

Test(ec2, the_agent_cleanup_removes_idle_images_except_under_prefer_cached)
{
  cr_assert_geq(comeback_pull("once"), 13.0, "not pulled again");
  cr_assert_eq(comeback_pull("prefer-cached"), 0.0);
}

/* A Fargate service whose pull latency is fixed at 5 s, 900 MiB at the
 * default 180 MiB/s (5 s): each task pulls 10 s, its replacement too. */
static TestRun *
fargate_kill_run(gboolean soci)
{
  g_autofree char *text = g_strdup_printf(
    "{'duration': '30m', 'cluster': {'start_warm': false,"
    " 'fargate': {'image_pull': {'latency': '5s'}}},"
    " 'taskDefinitions': [{'family': 'web', 'cpu': '256', 'memory': '512',"
    "  'networkMode': 'awsvpc', 'requiresCompatibilities': ['FARGATE'],"
    "  'containerDefinitions': [{'name': 'app', 'image': 'repo/web'}]}],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'FARGATE', 'desiredCount': 1,"
    "  'workload': {'image_size_mib': 900, 'soci_index': %s}}],"
    " 'faults': [{'at': '20m', 'kind': 'kill_tasks', 'service': 'web',"
    "  'count': 1}]}", soci ? "true" : "false");
  TestRun *run = run_json(text);
  test_run_finish(run);
  cr_assert_eq(run->w->tasks->len, 2);
  return run;
}

Test(ec2, fargate_never_caches_an_image)
{
  TestRun *run = fargate_kill_run(FALSE);
  for (guint i = 0; i < 2; i++)
    cr_assert_float_eq(pull_seconds(world_task(run->w, i)), 10.0, 1e-5,
                       "task %u pulled %.3f s", i,
                       pull_seconds(world_task(run->w, i)));
  test_run_free(run);
}

/* SOCI: the download part shrinks by lazy_loading_factor (0.4: AWS's "up
 * to 60% faster"), the latency stays. */
Test(ec2, fargate_lazy_loading_shortens_the_download_by_its_factor)
{
  TestRun *run = fargate_kill_run(TRUE);
  cr_assert_float_eq(pull_seconds(world_task(run->w, 0)), 5.0 + 0.4 * 5.0,
                     1e-5);
  test_run_free(run);
}

/* A timestamp of the AWS CLI ("2024-09-15T04:33:05.935000+00:00"). */
static double
iso_seconds(const char *text)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_iso8601(text, NULL);
  cr_assert_not_null(t, "bad timestamp %s", text);
  return (double) g_date_time_to_unix(t) +
         g_date_time_get_microsecond(t) / 1e6;
}

/* Seconds from the service's last "has started" event to the
 * "registered ... targets" event after it, in describe-services JSON. */
static double
real_started_to_registered(const char *path)
{
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(path, &text, NULL, NULL), "%s", path);
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root);
  const cJSON *svc = cJSON_GetArrayItem(cJSON_GetObjectItem(root,
                                                            "services"), 0);
  const cJSON *e;
  double started = NAN, registered = NAN;
  /* Events are newest first. */
  cJSON_ArrayForEach(e, cJSON_GetObjectItem(svc, "events")) {
    const char *msg = cJSON_GetStringValue(cJSON_GetObjectItem(e, "message"));
    const char *at = cJSON_GetStringValue(cJSON_GetObjectItem(e,
                                                              "createdAt"));
    if (strstr(msg, "registered 1 targets") && isnan(started))
      registered = iso_seconds(at);
    else if (strstr(msg, "has started 1 tasks") && isnan(started))
      started = iso_seconds(at);
  }
  cJSON_Delete(root);
  cr_assert(!isnan(started) && !isnan(registered));
  return registered - started;
}

/* The default Fargate start against the real log: the wordpress service's
 * "has started 1 tasks" to "registered 1 targets" took 38.9 s; the
 * simulated median of the same interval for 100 cold tasks of the default
 * image lies within 10% of it (the old default's median was 57.9 s). */
Test(ec2, default_fargate_start_matches_the_real_describe_services_log)
{
  const char *shared = test_shared_dir();
  if (shared == NULL)
    cr_skip_test("../shared is absent");
  g_autofree char *path = g_build_filename(
    shared, "realworld", "aws-cli-outputs",
    "describe-services-wordpress.json", NULL);
  if (!g_file_test(path, G_FILE_TEST_EXISTS))
    cr_skip_test("%s is absent", path);
  double real = real_started_to_registered(path);
  cr_assert_float_eq(real, 38.856, 0.001);

  TestRun *run = run_json(
    "{'duration': '10m', 'cluster': {'start_warm': false},"
    " 'taskDefinitions': [{'family': 'wordpress', 'cpu': '512',"
    "  'memory': '1024', 'networkMode': 'awsvpc',"
    "  'requiresCompatibilities': ['FARGATE'], 'containerDefinitions':"
    "  [{'name': 'wordpress', 'image': 'wordpress',"
    "    'portMappings': [{'containerPort': 80}]}]}],"
    " 'targetGroups': [{'TargetGroupName': 'wordpress-tg', 'Port': 80,"
    "  'TargetType': 'ip', 'Protocol': 'HTTP'}],"
    " 'services': [{'serviceName': 'wordpress', 'taskDefinition':"
    "  'wordpress', 'launchType': 'FARGATE', 'desiredCount': 100,"
    "  'loadBalancers': [{'targetGroupArn': 'wordpress-tg',"
    "   'containerName': 'wordpress', 'containerPort': 80}]}]}");
  world_run_until(run->w, 5 * SIM_MIN);
  /* "has started" is logged as the task is created (PROVISIONING),
   * "registered 1 targets" as it enters ACTIVATING. */
  GArray *spans = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    double s = sim_time_to_seconds(t->entered[TASK_ACTIVATING] -
                                   t->entered[TASK_PROVISIONING]);
    g_array_append_val(spans, s);
  }
  cr_assert_eq(spans->len, 100);
  g_array_sort(spans, test_cmp_double);
  double median = (g_array_index(spans, double, 49) +
                   g_array_index(spans, double, 50)) / 2;
  cr_assert(fabs(median - real) <= 0.1 * real,
            "simulated median %.1f s, real %.1f s", median, real);
  g_array_unref(spans);
  test_run_free(run);
}

/* Boot (EC2 "running" to registered) by the family table: m5 (Nitro) is
 * 60-150 s, m4 (Xen) 90-200 s; an ASG's boot_time overrides it. */
static GArray *
boots(const char *type, const char *extra)
{
  g_autofree char *text = g_strdup_printf(
    "{'duration': '10m', 'cluster': {'start_warm': false,"
    " 'auto_scaling_groups': [{'name': 'asg', 'instance_type': '%s',"
    "  'min': 40, 'max': 40%s}]},"
    " 'taskDefinitions': [{'family': 'web', 'cpu': '256', 'memory': '512',"
    "  'runtimePlatform': {'cpuArchitecture': '%s'},"
    "  'containerDefinitions': [{'name': 'app', 'image': 'x'}]}],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'EC2', 'desiredCount': 0}]}", type, extra,
    strstr(type, "6g") ? "ARM64" : "X86_64");
  TestRun *run = run_json(text);
  test_run_finish(run);
  GArray *out = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i < cluster_n_instances(run->w); i++) {
    const Instance *inst = cluster_instance(run->w, i);
    double b = sim_time_to_seconds(inst->registered_at - inst->running_at);
    double pending = sim_time_to_seconds(inst->running_at -
                                         inst->launched_at);
    cr_assert(pending >= 5 && pending <= 20, "EC2 pending %.1f s", pending);
    g_array_append_val(out, b);
  }
  test_run_free(run);
  cr_assert_eq(out->len, 40);
  return out;
}

static void
assert_range(GArray *b, double lo, double hi, const char *what)
{
  double sum = 0;
  for (guint i = 0; i < b->len; i++) {
    double x = g_array_index(b, double, i);
    cr_assert(x >= lo && x <= hi, "%s boot %.1f s", what, x);
    sum += x;
  }
  double mean = sum / b->len, want = (lo + hi) / 2;
  cr_assert(fabs(mean - want) <= 0.12 * (hi - lo), "%s mean %.1f, not ~%.1f",
            what, mean, want);
  g_array_unref(b);
}

Test(ec2, boot_to_registration_differs_by_instance_family)
{
  assert_range(boots("m5.large", ""), 60, 150, "m5.large");
  assert_range(boots("m6g.large", ""), 60, 150, "m6g.large");
  assert_range(boots("m4.large", ""), 90, 200, "m4.large");
  assert_range(boots("m4.large", ", 'boot_time': '45s'"), 45, 45,
               "boot_time override");
  /* A given launch_time: EC2 pending (5-20 s, unbilled), then booting. */
  assert_range(boots("m5.large", ", 'launch_time': '60s'"), 40, 55,
               "launch_time 60 s");
}

Test(ec2, a_bad_pull_behavior_is_refused_with_its_json_path)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *file = g_build_filename(dir, "s.json", NULL);
  g_autofree char *text = json(
    "{'duration': '1h', 'cluster': {'auto_scaling_groups': [{'name': 'asg',"
    " 'instance_type': 'm5.large', 'max': 1,"
    " 'image_pull_behavior': 'sometimes'}]}, 'taskDefinitions': [],"
    " 'services': []}");
  cr_assert(g_file_set_contents(file, text, -1, NULL));
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(NULL, &out, &err, "validate", file, NULL);
  cr_assert_eq(status, 2, "exit %d: %s", status, err);
  cr_assert(strstr(err, "s.json: /cluster/auto_scaling_groups/0/"
                   "image_pull_behavior:") != NULL, "%s", err);
  cr_assert(strstr(err, "sometimes") && strstr(err, "prefer-cached"),
            "the message names the value and the choices: %s", err);
  test_rmrf(dir);
}

Test(ec2, an_image_size_for_an_unknown_container_is_refused)
{
  g_autofree char *text = json(
    "{'duration': '1h', 'taskDefinitions': [" EC2_TD("1", "x") "],"
    " 'services': [{'serviceName': 'web', 'taskDefinition': 'web',"
    "  'launchType': 'EC2', 'desiredCount': 0,"
    "  'workload': {'image_size_mib': {'app': 100, 'sidecar': 20}}}]}");
  g_autofree char *err = test_configure_error(text);
  cr_assert_not_null(err);
  cr_assert(strstr(err, "/services/0/workload/image_size_mib/sidecar: task "
                   "definition web:1 has no container \"sidecar\"") != NULL,
            "%s", err);
}
