/* Pitfalls: see tests/pitfalls/meson.build.
 *
 * The twins `ecsim import` writes must run with no hand edit: an EC2
 * account (tests/data/aws) with its managed scaling and scaling policies
 * acting; a folder of exported ALB logs and CloudWatch metrics, whose
 * workload import calibrates itself (the fits ecsim calibrate gives) or
 * takes from --workload; and the wordpress service of real CLI output,
 * driven by the NASA 1995 trace through `ecsim trace fit`. What import
 * asks for and says: test-import.c. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scenarios/cli.h"
#include "models/input/jsonfile.h"
#include "support.h"

#define TG_ARN "arn:aws:elasticloadbalancing:us-east-1:123456789012:" \
               "targetgroup/web-tg/0123456789abcdef"

static void
put(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
}

/* summary.json of `ecsim run` in @outdir (variant base), parsed. */
static cJSON *
run_summary(const char *outdir)
{
  g_autofree char *dir = g_build_filename(outdir, "base", NULL);
  g_autofree char *text = test_read_file(dir, "summary.json");
  cJSON *root = cJSON_Parse(text);
  cr_assert_not_null(root);
  return root;
}

static const char *
import_str_of(const cJSON *o, const char *key)
{
  const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o,
                                                                        key));
  cr_assert_not_null(s, "no string %s", key);
  return s;
}

static double
summary_at(const cJSON *root, const char *section, const char *key)
{
  return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(root, section), key));
}

/* tests/data/aws is one EC2 account: service web of cluster prod on
 * capacity provider cp-web (managed scaling of asg-web, launch template
 * web-lt), a bridge-mode task definition with a dynamic host port, a
 * target group, and target tracking and step scaling. Imported as is,
 * with a load that two tasks cannot carry, the twin must validate and
 * run, and both scalings must act: more tasks, more instances. */
Test(pitfalls, import_of_an_ec2_account_validates_and_scales)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *src = g_build_filename(test_source_root(), "tests",
                                          "data", "aws", NULL);
  g_autofree char *wl = g_build_filename(tmp, "wl.json", NULL);
  put(tmp, "wl.json", "{\"traffic\": {\"generator\": \"constant\", \"rps\": "
      "400}, \"service_time\": {\"dist\": \"lognormal\", \"mean\": "
      "\"20ms\", \"cv\": 1}}");
  g_autofree char *scn = g_build_filename(tmp, "web.json", NULL);
  g_autofree char *err = NULL, *out = NULL;
  cr_assert_eq(cli_run(NULL, NULL, &err, "import", src, "--service", "web",
                       "--workload", wl, "--duration", "2h", "-o", scn,
                       NULL), 0, "%s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, &out, &err, "validate", scn, NULL), 0, "%s",
               err);
  cr_assert(strstr(out, ": ok (scenario)"), "%s", out);
  g_autofree char *outdir = g_build_filename(tmp, "out", NULL);
  g_clear_pointer(&out, g_free);
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", scn, "-q", "-o", outdir,
                       NULL), 0, "%s", out);
  g_autoptr(cJSON) sum = run_summary(outdir);
  /* desiredCount 2 and DesiredCapacity 2 to start with. */
  cr_assert_gt(summary_at(sum, "tasks", "started"), 2);
  cr_assert_gt(summary_at(sum, "capacity", "instances_launched"), 2);
  cr_assert_gt(summary_at(sum, "scaling", "service_actions"), 0);
  cr_assert_gt(summary_at(sum, "scaling", "capacity_actions"), 0);
  cr_assert_eq(summary_at(sum, "capacity", "task_hours"), 0,
               "EC2 only: no Fargate task-hours");
  test_rmrf(tmp);
}

/* A known Fargate service (2 tasks of 1 vCPU, 4 slots each, 80 ms
 * lognormal, cv 1.2, 512 MiB + 4 MiB per request) whose run is exported
 * in CloudWatch's and the ALB's shapes. */
static const char known_service[] =
  "{\"name\": \"known\", \"seed\": 7, \"duration\": \"20m\", "
  "\"period\": \"1m\", \"taskDefinitions\": [{\"family\": \"web\", "
  "\"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
  "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
  "[{\"name\": \"web\", \"image\": \"web\", \"essential\": true, "
  "\"portMappings\": [{\"containerPort\": 8080}]}]}], \"targetGroups\": "
  "[{\"TargetGroupName\": \"web-tg\"}], \"services\": [{\"serviceName\": "
  "\"web\", \"taskDefinition\": \"web\", \"desiredCount\": 2, "
  "\"launchType\": \"FARGATE\", \"loadBalancers\": [{\"targetGroupName\": "
  "\"web-tg\", \"containerName\": \"web\", \"containerPort\": 8080}], "
  "\"workload\": {\"traffic\": {\"generator\": \"step\", \"steps\": "
  "[{\"at\": \"0s\", \"rps\": 15}, {\"at\": \"5m\", \"rps\": 40}, "
  "{\"at\": \"10m\", \"rps\": 70}, {\"at\": \"15m\", \"rps\": 30}]}, "
  "\"service_time\": {\"dist\": \"lognormal\", \"mean\": \"80ms\", "
  "\"cv\": 1.2}, \"concurrency_per_vcpu\": 4, \"memory_base_mib\": 512, "
  "\"memory_per_request_mib\": 4}}]}";

/* The configuration of that service as the AWS CLI prints it. */
static void
put_known_config(const char *dir)
{
  put(dir, "services.json", "{\"services\": [{\"serviceName\": \"web\", "
      "\"clusterArn\": \"arn:aws:ecs:us-east-1:123456789012:cluster/"
      "default\", \"taskDefinition\": \"arn:aws:ecs:us-east-1:123456789012:"
      "task-definition/web:1\", \"desiredCount\": 2, \"launchType\": "
      "\"FARGATE\", \"loadBalancers\": [{\"targetGroupArn\": \"" TG_ARN "\","
      " \"containerName\": \"web\", \"containerPort\": 8080}]}], "
      "\"failures\": []}");
  put(dir, "taskdef.json", "{\"taskDefinition\": {\"family\": \"web\", "
      "\"revision\": 1, \"cpu\": \"1024\", \"memory\": \"2048\", "
      "\"networkMode\": \"awsvpc\", \"requiresCompatibilities\": "
      "[\"FARGATE\"], \"containerDefinitions\": [{\"name\": \"web\", "
      "\"image\": \"web\", \"essential\": true, \"portMappings\": "
      "[{\"containerPort\": 8080}]}]}}");
  put(dir, "target-groups.json", "{\"TargetGroups\": [{\"TargetGroupArn\":"
      " \"" TG_ARN "\", \"TargetGroupName\": \"web-tg\", \"Protocol\": "
      "\"HTTP\", \"Port\": 80, \"TargetType\": \"ip\"}]}");
  put(dir, "cluster.json", "{\"clusters\": [{\"clusterName\": \"default\","
      " \"capacityProviders\": [\"FARGATE\"], "
      "\"defaultCapacityProviderStrategy\": []}], \"failures\": []}");
}

/* tmp/aws: the known service's exported records and its configuration. */
static char *
known_folder(const char *tmp)
{
  put(tmp, "known.json", known_service);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(tmp, NULL, &err, "run", "known.json", "-q", "-o",
                       "out", "--export-aws", "aws", NULL), 0, "%s", err);
  char *aws = g_build_filename(tmp, "aws", NULL);
  put_known_config(aws);
  return aws;
}

/* The services[0] member @key of scenario @path. */
static cJSON *
service_member(const char *path, const char *key)
{
  g_autofree char *text = test_read_file(NULL, path);
  g_autoptr(cJSON) root = cJSON_Parse(text);
  cr_assert_not_null(root);
  cJSON *svc = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(
                                    root, "services"), 0);
  return cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(svc, key), TRUE);
}

/* @key of calibrate's workload in @path equals @key of @wl. */
static void
assert_same_member(const cJSON *cal_wl, const cJSON *wl, const char *key)
{
  const cJSON *a = cJSON_GetObjectItemCaseSensitive(cal_wl, key);
  const cJSON *b = cJSON_GetObjectItemCaseSensitive(wl, key);
  cr_assert_not_null(a, "calibrate gave no %s", key);
  cr_assert(cJSON_Compare(a, b, TRUE), "%s differs from calibrate's", key);
}

/* A folder with ALB access logs and CloudWatch CPU and memory: import
 * calibrates the workload itself (the fits ecsim calibrate --dir gives),
 * keeps the RequestCount metric as the traffic, says what it fitted, and
 * the twin runs. */
Test(pitfalls, import_calibrates_the_workload_from_logs_and_metrics)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *aws = known_folder(tmp);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(tmp, NULL, &err, "calibrate", "--dir", "aws", "-o",
                       "cal.json", NULL), 0, "%s", err);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(tmp, NULL, &err, "import", "aws", "--duration",
                       "20m", "-o", "twin.json", NULL), 0, "%s", err);
  /* One paragraph, wrapped: read as one line. */
  g_strdelimit(err, "\n", ' ');
  cr_assert(strstr(err, "calibrated the workload of web from aws (as ecsim "
                        "calibrate does; every fit, its method and its 95% "
                        "interval in web-calibration.json): service time "
                        "lognormal, mean (ms) "), "%s", err);
  cr_assert(strstr(err, "; concurrency_per_vcpu "), "%s", err);
  g_autofree char *cal_path = g_build_filename(tmp, "cal.json", NULL);
  g_autofree char *cal_text = test_read_file(NULL, cal_path);
  g_autoptr(cJSON) cal = cJSON_Parse(cal_text);
  const cJSON *cal_wl = cJSON_GetObjectItemCaseSensitive(cal, "workload");
  g_autofree char *twin = g_build_filename(tmp, "twin.json", NULL);
  g_autoptr(cJSON) wl = service_member(twin, "workload");
  assert_same_member(cal_wl, wl, "service_time");
  assert_same_member(cal_wl, wl, "concurrency_per_vcpu");
  assert_same_member(cal_wl, wl, "memory_per_request_mib");
  const cJSON *traffic = cJSON_GetObjectItemCaseSensitive(wl, "traffic");
  cr_assert_str_eq(import_str_of(traffic, "format"), "cloudwatch");
  cr_assert_str_eq(import_str_of(traffic, "trace"),
                   "aws/web-cloudwatch.json");
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(tmp, &out, NULL, "run", "twin.json", "-q", "-o",
                       "twin-out", NULL), 0, "%s", out);
  g_autofree char *outdir = g_build_filename(tmp, "twin-out", NULL);
  g_autoptr(cJSON) sum = run_summary(outdir);
  cr_assert_gt(summary_at(sum, "requests", "completed"), 20000);
  /* --quiet: the same scenario, no report. */
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(tmp, NULL, &err, "import", "aws", "--duration",
                       "20m", "-q", "-o", "quiet.json", NULL), 0, "%s", err);
  cr_assert_null(strstr(err, "calibrated"), "%s", err);
  test_rmrf(tmp);
}

/* --workload FILE overrides the folder's records; FILE may be ecsim
 * calibrate's output (its workload and failure_model are taken), whose
 * relative file names start from its own folder. */
Test(pitfalls, import_takes_calibrate_output_as_workload)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *aws = known_folder(tmp);
  g_autofree char *sub = g_build_filename(tmp, "fits", NULL);
  cr_assert_eq(g_mkdir(sub, 0755), 0);
  put(sub, "cal.json", "{\"service\": \"web\", \"workload\": "
      "{\"service_time\": {\"dist\": \"empirical\", \"file\": "
      "\"cal-service-time.txt\"}, \"concurrency_per_vcpu\": 3}, "
      "\"failure_model\": {\"crash_mttf\": \"6h\"}, \"fits\": {}}");
  put(sub, "cal-service-time.txt", "40ms\n80ms\n120ms\n");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(tmp, NULL, &err, "import", "aws", "--workload",
                       "fits/cal.json", "--duration", "5m", "-o",
                       "twin.json", NULL), 0, "%s", err);
  cr_assert_null(strstr(err, "calibrated"), "--workload: no calibration");
  g_autofree char *twin = g_build_filename(tmp, "twin.json", NULL);
  g_autoptr(cJSON) wl = service_member(twin, "workload");
  const cJSON *st = cJSON_GetObjectItemCaseSensitive(wl, "service_time");
  cr_assert_str_eq(import_str_of(st, "file"), "fits/cal-service-time.txt");
  cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
                 wl, "concurrency_per_vcpu")), 3);
  g_autoptr(cJSON) fm = service_member(twin, "failure_model");
  cr_assert_not_null(fm, "calibrate's failure_model is kept");
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(tmp, NULL, &err, "validate", "twin.json", NULL), 0,
               "%s", err);
  test_rmrf(tmp);
}

/* The NASA 1995 trace's per-second counts, extracted into @tmp as
 * workload.txt (the name the archive holds), or NULL without
 * ../shared/traces. */
static char *
nasa_trace(const char *tmp)
{
  const char *shared = test_shared_dir();
  g_autofree char *archive = shared ? g_build_filename(
    shared, "traces", "nasa-1995-per-second.tbz2", NULL) : NULL;
  if (archive == NULL || !g_file_test(archive, G_FILE_TEST_EXISTS))
    return NULL;
  const char *argv[] = { "tar", "-xjf", archive, "-C", tmp, NULL };
  gint status = 1;
  cr_assert(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                         NULL, NULL, NULL, NULL, &status, NULL) &&
            status == 0, "tar -xjf %s failed", archive);
  return g_build_filename(tmp, "workload.txt", NULL);
}

/* The real inputs: describe-services and describe-target-groups of a
 * WordPress service, a task definition made from an AWS sample and a
 * describe-clusters file, driven by the NASA 1995 trace through `ecsim
 * trace fit` (as issue 18 asks): the generator the fit prints is the
 * workload's traffic, and scenarios/import/wordpress-workload.json holds
 * exactly that generator. */
Test(pitfalls, wordpress_twin_validates_and_runs_without_edits)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *trace = nasa_trace(tmp);
  if (trace == NULL) {
    test_rmrf(tmp);
    cr_skip_test("no ../shared/traces/nasa-1995-per-second.tbz2: the twin "
                 "needs the NASA trace's fit");
  }
  /* As scenarios/nasa-1995.json was fitted: the trace starts on a
   * Saturday and skips the days between the July and August logs. */
  g_autofree char *fit = NULL, *err = NULL;
  cr_assert_eq(cli_run(NULL, &fit, &err, "trace", "fit", trace, "--clock",
                       "sat 00:00", "--gap", "2381550s+296850s", NULL), 0,
               "%s", err);
  g_autoptr(cJSON) traffic = cJSON_Parse(fit);
  cr_assert_not_null(traffic, "%s", fit);
  g_autofree char *shipped = test_read_file(test_source_root(),
                                            "scenarios/import/"
                                            "wordpress-workload.json");
  g_autoptr(cJSON) workload = cJSON_Parse(shipped);
  cr_assert(cJSON_Compare(cJSON_GetObjectItemCaseSensitive(workload,
                                                           "traffic"),
                          traffic, TRUE),
            "scenarios/import/wordpress-workload.json's traffic is not what "
            "ecsim trace fit prints:\n%s", fit);
  cJSON_ReplaceItemInObjectCaseSensitive(workload, "traffic",
                                         cJSON_Duplicate(traffic, TRUE));
  g_autofree char *wl_text = cJSON_Print(workload);
  put(tmp, "workload.json", wl_text);
  g_autofree char *wl = g_build_filename(tmp, "workload.json", NULL);
  g_autofree char *scn = g_build_filename(tmp, "twin.json", NULL);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(NULL, NULL, &err, "import", "scenarios/import/"
                       "wordpress", "--workload", wl, "--duration", "1d",
                       "-o", scn, NULL), 0, "%s", err);
  g_clear_pointer(&err, g_free);
  g_autofree char *out = NULL;
  cr_assert_eq(cli_run(NULL, &out, &err, "validate", scn, NULL), 0, "%s",
               err);
  cr_assert(strstr(out, ": ok (scenario)"), "%s", out);
  g_autofree char *outdir = g_build_filename(tmp, "out", NULL);
  g_clear_pointer(&out, g_free);
  cr_assert_eq(cli_run(NULL, &out, NULL, "run", scn, "-q", "-o", outdir,
                       NULL), 0, "%s", out);
  g_autoptr(cJSON) sum = run_summary(outdir);
  /* A day of the trace's Monday at its own rate (0.68 requests/s on
   * average, 0.75 on Mondays): tens of thousands of requests, none lost. */
  double arrived = summary_at(sum, "requests", "arrivals");
  cr_assert(arrived > 40000 && arrived < 90000, "%g requests", arrived);
  cr_assert_eq(summary_at(sum, "requests", "error_rate"), 0);
  test_rmrf(tmp);
}

/* Traffic from a RequestCount metric and no --duration: the scenario
 * lasts as long as the metric (20 minutes here), not a day its trace
 * does not cover, which validate would refuse. */
Test(pitfalls, import_lasts_as_long_as_its_traffic_metric)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *aws = known_folder(tmp);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(tmp, NULL, &err, "import", "aws", "-q", "-o",
                       "twin.json", NULL), 0, "%s", err);
  cr_assert(strstr(err, "duration: 20m, the span of the metric m1 "
                        "(--duration D to choose)\n"), "%s", err);
  g_autofree char *text = test_read_file(tmp, "twin.json");
  cr_assert(strstr(text, "\"duration\": \"20m\""), "%s", text);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(tmp, NULL, &err, "validate", "twin.json", NULL), 0,
               "%s", err);
  test_rmrf(tmp);
}

/* A log line calibrate cannot read stops the import with its file and
 * line (exit 2, no scenario written). */
Test(pitfalls, import_stops_at_a_bad_access_log_line)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *aws = known_folder(tmp);
  g_autofree char *sub = g_build_filename(aws, "alb-logs", NULL);
  cr_assert_eq(g_mkdir(sub, 0755), 0);
  put(sub, "late.log", "not a log line\n");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(tmp, NULL, &err, "import", "aws", "-o", "twin.json",
                       NULL), 2);
  cr_assert(g_str_has_prefix(err, "aws/alb-logs/late.log:1: "), "%s", err);
  g_autofree char *twin = g_build_filename(tmp, "twin.json", NULL);
  cr_assert_not(g_file_test(twin, G_FILE_TEST_EXISTS));
  test_rmrf(tmp);
}
