/* The prediction proof (issue 18, "Proving that the twin is right", item
 * 2): a service whose traffic changes on day two is simulated over both
 * days with `ecsim run --export-aws`; `ecsim calibrate --until <day one>`
 * sees day one's exports only; the twin (the same service and cluster,
 * the calibrated workload, day two's RequestCount from the export as a
 * "cloudwatch" trace, another seed) runs day two; its p99 and mean CPU
 * must be within 10% of the truth's day two.
 *
 * The "days" are one hour each, so the test stays within seconds (and
 * within CI's sanitizer build): what matters is that day two's load is
 * higher and shaped differently from anything calibrate saw. Both sides
 * are measured the same way, from their exports, as a user comparing a
 * twin with CloudWatch and the ALB logs would: p99 of the ALB log's
 * target_processing_time, mean of CPUUtilization's datapoints. */
#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

#define DAY_TWO "2026-01-05T01:00:00" /* the export's epoch + one "day" */

/* 2 tasks of 1 vCPU, 4 slots each, 80 ms lognormal (cv 1.2) service:
 * 100 requests/s at most. Day one climbs in 6-minute steps to 50 rps
 * (utilisation 0.5) and falls; day two moves in 4-minute steps between
 * 35 and 70 rps (0.7), a load calibrate never saw. The workload is
 * added by the test: the truth's here, the calibrated one in the twin. */
static const char base[] =
  "{\"name\": \"predict\", \"duration\": \"2h\", \"period\": \"1m\","
  " \"taskDefinitions\": [{\"family\": \"web\", \"cpu\": \"1024\", "
  "\"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
  "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
  "[{\"name\": \"web\", \"image\": \"web\", \"essential\": true, "
  "\"portMappings\": [{\"containerPort\": 8080}]}]}],"
  " \"targetGroups\": [{\"TargetGroupName\": \"web-tg\"}],"
  " \"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\","
  " \"desiredCount\": 2, \"launchType\": \"FARGATE\", \"loadBalancers\": "
  "[{\"targetGroupName\": \"web-tg\", \"containerName\": \"web\", "
  "\"containerPort\": 8080}]}]}";

static const char truth_workload[] =
  "{\"traffic\": {\"generator\": \"step\", \"steps\": ["
  "{\"at\": \"0m\", \"rps\": 10}, {\"at\": \"6m\", \"rps\": 20}, "
  "{\"at\": \"12m\", \"rps\": 30}, {\"at\": \"18m\", \"rps\": 40}, "
  "{\"at\": \"24m\", \"rps\": 50}, {\"at\": \"30m\", \"rps\": 45}, "
  "{\"at\": \"36m\", \"rps\": 35}, {\"at\": \"42m\", \"rps\": 25}, "
  "{\"at\": \"48m\", \"rps\": 15}, {\"at\": \"54m\", \"rps\": 20}, "
  "{\"at\": \"60m\", \"rps\": 40}, {\"at\": \"64m\", \"rps\": 60}, "
  "{\"at\": \"68m\", \"rps\": 70}, {\"at\": \"72m\", \"rps\": 55}, "
  "{\"at\": \"76m\", \"rps\": 70}, {\"at\": \"80m\", \"rps\": 65}, "
  "{\"at\": \"84m\", \"rps\": 45}, {\"at\": \"88m\", \"rps\": 35}, "
  "{\"at\": \"92m\", \"rps\": 60}, {\"at\": \"96m\", \"rps\": 70}, "
  "{\"at\": \"100m\", \"rps\": 50}, {\"at\": \"104m\", \"rps\": 40}, "
  "{\"at\": \"108m\", \"rps\": 65}, {\"at\": \"112m\", \"rps\": 45}]},"
  " \"service_time\": {\"dist\": \"lognormal\", \"mean\": \"80ms\", "
  "\"cv\": 1.2}, \"concurrency_per_vcpu\": 4, \"memory_base_mib\": 512, "
  "\"memory_per_request_mib\": 4}";

/* Day two of the truth's RequestCount: the trace starts at the export's
 * first minute, so -1h skips day one. */
static const char twin_traffic[] =
  "{\"trace\": \"truth-aws/web-cloudwatch.json\", \"format\": "
  "\"cloudwatch\", \"metric\": \"RequestCount\", \"shift\": \"-1h\"}";

static const char taskdef[] =
  "{\"taskDefinition\": {\"family\": \"web\", \"cpu\": \"1024\", "
  "\"memory\": \"2048\"}}";

/* @base with @workload as the service's workload, @seed and @duration. */
static char *
scenario(cJSON *workload, int seed, const char *duration)
{
  cJSON *root = cJSON_Parse(base);
  cr_assert(root);
  cJSON_AddNumberToObject(root, "seed", seed);
  cJSON_ReplaceItemInObject(root, "duration", cJSON_CreateString(duration));
  cJSON *svc = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "services"), 0);
  cJSON_AddItemToObject(svc, "workload", workload);
  char *text = cJSON_Print(root);
  cJSON_Delete(root);
  return text;
}

static void
write_in(const char *dir, const char *name, const char *text)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL), "cannot write %s",
            path);
}

/* The p99 in seconds of target_processing_time (field 7) over the answered
 * requests of the ALB log @path answered (field 2, `time`) at DAY_TWO or
 * later. Both fields come before the log's first quoted field, within a
 * line's first 160 bytes; each line's head is copied out and split on its
 * own, since splitting the whole 100 MB log is quadratic under ASan (its
 * strstr interceptor measures the rest of the text on each call). */
static double
day_two_p99(const char *dir, const char *path)
{
  g_autofree char *text = test_read_file(dir, path);
  g_autoptr(GArray) v = g_array_new(FALSE, FALSE, sizeof(double));
  for (const char *line = text; *line;) {
    char head[160];
    gsize n = 0;
    while (line[n] && line[n] != '\n' && n < sizeof head - 1)
      head[n] = line[n], n++;
    head[n] = '\0';
    while (line[n] && line[n] != '\n')
      n++;
    line += line[n] ? n + 1 : n;
    g_auto(GStrv) f = g_strsplit(head, " ", 8);
    if (g_strv_length(f) < 8 || strcmp(f[1], DAY_TWO) < 0)
      continue;
    double t = g_ascii_strtod(f[6], NULL);
    if (t >= 0)
      g_array_append_val(v, t);
  }
  cr_assert_gt(v->len, 1000, "%s: too few requests on day two", path);
  g_array_sort(v, test_cmp_double);
  return g_array_index(v, double, (guint) ceil(0.99 * v->len) - 1);
}

/* The mean of the CPUUtilization datapoints (%) of the get-metric-data
 * JSON @path at DAY_TWO or later. */
static double
day_two_cpu(const char *dir, const char *path)
{
  g_autofree char *text = test_read_file(dir, path);
  cJSON *root = cJSON_Parse(text);
  cr_assert(root, "%s: not JSON", path);
  const cJSON *r, *results = cJSON_GetObjectItem(root, "MetricDataResults");
  double sum = 0;
  int n = 0;
  cJSON_ArrayForEach(r, results) {
    if (g_strcmp0(cJSON_GetStringValue(cJSON_GetObjectItem(r, "Label")),
                  "CPUUtilization") != 0)
      continue;
    const cJSON *ts = cJSON_GetObjectItem(r, "Timestamps");
    const cJSON *vs = cJSON_GetObjectItem(r, "Values");
    for (int i = 0; i < cJSON_GetArraySize(ts); i++)
      if (strcmp(cJSON_GetArrayItem(ts, i)->valuestring, DAY_TWO) >= 0)
        sum += cJSON_GetArrayItem(vs, i)->valuedouble, n++;
  }
  cJSON_Delete(root);
  cr_assert_gt(n, 30, "%s: too few CPUUtilization datapoints", path);
  return sum / n;
}

static void
expect_within_10pct(const char *what, double truth, double twin)
{
  double err = 100 * (twin - truth) / truth;
  cr_log_info("day two %s: truth %.4g, twin %.4g, error %+.2f%%", what,
              truth, twin, err);
  cr_expect(fabs(err) <= 10, "day two %s: twin %.4g is %+.1f%% off the "
            "truth %.4g", what, twin, err, truth);
}

static void
run(const char *dir, const char *scn, const char *out, const char *aws,
    const char *epoch)
{
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "run", scn, "-o", out, "-q",
                       "--export-aws", aws, "--export-epoch", epoch, NULL),
               0, "%s", err);
}

Test(calibrate_proof, a_twin_calibrated_on_day_one_predicts_day_two)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *truth = scenario(cJSON_Parse(truth_workload), 7, "2h");
  write_in(dir, "truth.json", truth);
  write_in(dir, "td.json", taskdef);
  run(dir, "truth.json", "truth-out", "truth-aws", "2026-01-05T00:00:00Z");

  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(dir, &out, &err, "calibrate", "--dir", "truth-aws",
                       "--taskdef", "td.json", "--until", "1h", "-o",
                       "cal.json", NULL), 0, "%s", err);
  cr_log_info("%s", out);
  g_autofree char *cal_text = test_read_file(dir, "cal.json");
  cJSON *cal = cJSON_Parse(cal_text);
  cr_assert(cal);
  cJSON *workload = cJSON_DetachItemFromObject(cal, "workload");
  cJSON_Delete(cal);
  cr_assert(cJSON_GetObjectItem(workload, "service_time") &&
            cJSON_GetObjectItem(workload, "concurrency_per_vcpu"),
            "calibration has no service time or concurrency: %s", out);
  cJSON_AddItemToObject(workload, "traffic", cJSON_Parse(twin_traffic));
  /* Another seed: the twin must not replay the truth's random numbers. */
  g_autofree char *twin = scenario(workload, 8, "1h");
  write_in(dir, "twin.json", twin);
  run(dir, "twin.json", "twin-out", "twin-aws", DAY_TWO "Z");

  expect_within_10pct("p99 (s)", day_two_p99(dir, "truth-aws/web-alb.log"),
                      day_two_p99(dir, "twin-aws/web-alb.log"));
  expect_within_10pct("mean CPU (%)",
                      day_two_cpu(dir, "truth-aws/web-cloudwatch.json"),
                      day_two_cpu(dir, "twin-aws/web-cloudwatch.json"));
  test_rmrf(dir);
}
