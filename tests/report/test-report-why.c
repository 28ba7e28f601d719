/* The "why" of `ecsim report`: breaches of the SLO and their causes, read
 * from the data the page holds (no browser needed). */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <string.h>
#include <sys/wait.h>

#include "models/input/jsonfile.h"
#include "scenarios/cli.h"
#include "report/dygraphs.h"
#include "support.h"

/* Runs @scenario with --report and the `--set` values @sets (may be
 * NULL) and returns the data inlined in the page (owned); *@dir gets the
 * folder. */
static cJSON *
report_data(const char *scenario, const char *const *sets, char **dir)
{
  require_dygraphs();
  *dir = test_tmpdir();
  g_autofree char *out = g_build_filename(*dir, "out", NULL);
  g_autofree char *err = NULL;
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
  const char *fixed[] = { cli_binary(), "run", scenario, "-o", out, "-q",
                          "--report" };
  for (gsize i = 0; i < G_N_ELEMENTS(fixed); i++)
    g_ptr_array_add(argv, g_strdup(fixed[i]));
  for (; sets && *sets; sets++) {
    g_ptr_array_add(argv, g_strdup("--set"));
    g_ptr_array_add(argv, g_strdup(*sets));
  }
  g_ptr_array_add(argv, NULL);
  int status = -1;
  cr_assert(g_spawn_sync(test_source_root(), (char **) argv->pdata, NULL,
                         G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                         &status, NULL));
  status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  /* The scenario misses its SLO on purpose: expectations and warnings
   * are not the point here, only the page. */
  cr_assert(status == 0 || status == 3, "ecsim run: %s", err);
  g_autofree char *html = test_read_file(out, "report.html");
  const char *start = strstr(html, "id=\"ecsim-data\">");
  cr_assert_not_null(start);
  start = strchr(start, '>') + 1;
  const char *end = strstr(start, "</script>");
  cJSON *data = cJSON_ParseWithLength(start, end - start);
  cr_assert_not_null(data, "the page's data is not JSON");
  return data;
}

static const cJSON *
first_variant_why(const cJSON *data)
{
  return cJSON_GetObjectItem(
    cJSON_GetArrayItem(cJSON_GetObjectItem(data, "variants"), 0), "why");
}

/* A deployment at 00:10 that stops half the tasks of a service with
 * little headroom: the breach starts with it and names it first. */
Test(report, why_names_the_deployment_that_overloaded_the_service)
{
  g_autofree char *dir = NULL;
  g_autoptr(cJSON) data = report_data("tests/data/report-deploy-overload.json",
                                      NULL, &dir);
  const cJSON *why = first_variant_why(data);
  cr_assert_eq(cJSON_GetArraySize(why), 1, "want one breach");
  const cJSON *b = cJSON_GetArrayItem(why, 0);
  cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(b, "from")), 600);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(b, "service")),
                   "web");
  const cJSON *causes = cJSON_GetObjectItem(b, "causes");
  const cJSON *top = cJSON_GetArrayItem(causes, 0);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(top, "kind")),
                   "deployment");
  cr_assert(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(top, "text")),
                   "deploying task definition web:2") != NULL);
  cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(top, "overlap")), 1);
  /* Nothing that did not happen: no Spot, AZ, instance or scale-out. */
  const cJSON *c;
  cJSON_ArrayForEach(c, causes) {
    const char *kind = cJSON_GetStringValue(cJSON_GetObjectItem(c, "kind"));
    cr_assert(strcmp(kind, "spot") && strcmp(kind, "az") &&
              strcmp(kind, "instance") && strcmp(kind, "scale-out"),
              "a cause that did not happen: %s", kind);
  }
  test_rmrf(dir);
}

/* The same service without the deployment keeps its SLO: no breach. */
Test(report, why_is_empty_when_no_period_missed)
{
  g_autofree char *dir = NULL;
  const char *const sets[] = { "/faults=[]", NULL };
  g_autoptr(cJSON) data = report_data("tests/data/report-deploy-overload.json",
                                      sets, &dir);
  cr_assert_eq(cJSON_GetArraySize(first_variant_why(data)), 0);
  test_rmrf(dir);
}

/* Traffic that jumps to three times its level (a spike) names the surge, ahead of
 * the queue it filled. */
Test(report, why_names_a_surge_of_traffic_before_its_symptoms)
{
  g_autofree char *dir = NULL;
  const char *const sets[] = {
    "/faults=[]",
    "/services/0/workload/traffic={\"generator\": \"spike\", \"base_rps\": "
    "110, \"height_rps\": 220, \"at\": \"15m\", \"duration\": \"5m\"}",
    NULL };
  g_autoptr(cJSON) data = report_data("tests/data/report-deploy-overload.json",
                                      sets, &dir);
  const cJSON *why = first_variant_why(data);
  cr_assert_geq(cJSON_GetArraySize(why), 1, "want a breach");
  const cJSON *top = cJSON_GetArrayItem(cJSON_GetObjectItem(
    cJSON_GetArrayItem(why, 0), "causes"), 0);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(top, "kind")),
                   "traffic");
  test_rmrf(dir);
}

/* An AZ outage at 00:15 that stops a quarter of the tasks: the failed
 * requests' breach names the outage first. */
Test(report, why_names_an_az_outage)
{
  g_autofree char *dir = NULL;
  const char *const sets[] = {
    "/faults=[{\"at\": \"15m\", \"kind\": \"az_outage\", \"az\": "
    "\"us-east-1a\", \"duration\": \"5m\"}]", NULL };
  g_autoptr(cJSON) data = report_data("tests/data/report-deploy-overload.json",
                                      sets, &dir);
  const cJSON *why = first_variant_why(data);
  cr_assert_geq(cJSON_GetArraySize(why), 1, "want a breach");
  const cJSON *b = cJSON_GetArrayItem(why, 0);
  cr_assert(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(b, "missed")),
                   "errors") != NULL);
  const cJSON *top = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "causes"), 0);
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(top, "kind")),
                   "az");
  cr_assert(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(top, "text")),
                   "us-east-1a is down") != NULL);
  test_rmrf(dir);
}

/* The incident of @kind in the first variant, or NULL. */
static const cJSON *
first_variant_incident(const cJSON *data, const char *kind)
{
  const cJSON *i;
  cJSON_ArrayForEach(i, cJSON_GetObjectItem(
    cJSON_GetArrayItem(cJSON_GetObjectItem(data, "variants"), 0),
    "incidents")) {
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(i, "kind")),
               kind) == 0)
      return i;
  }
  return NULL;
}

/* bad-deploy-rollback keeps its SLO (p99 under 300 ms, no errors): no
 * breach, but the why names the failed deployment and its rollback. */
Test(report, why_lists_the_rolled_back_deployment_without_a_breach)
{
  g_autofree char *dir = NULL;
  g_autoptr(cJSON) data = report_data("scenarios/bad-deploy-rollback.json",
                                      NULL, &dir);
  cr_assert_eq(cJSON_GetArraySize(first_variant_why(data)), 0,
               "the run kept its SLO: no breach");
  const cJSON *failed = first_variant_incident(data, "deployment-failed");
  const cJSON *rollback = first_variant_incident(data, "rollback");
  cr_assert_not_null(failed, "the failed deployment is not listed");
  cr_assert_not_null(rollback, "the rollback is not listed");
  cr_assert_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(rollback,
                                                            "service")),
                   "api");
  cr_assert(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(rollback,
                                                            "text")),
                   "task definition api:1") != NULL);
  double at = cJSON_GetNumberValue(cJSON_GetObjectItem(rollback, "at"));
  cr_assert(at > 1800 && at < 2400, "rolled back at %g s", at);
  const cJSON *unhealthy = first_variant_incident(data, "target-unhealthy");
  cr_assert_not_null(unhealthy);
  cr_assert_eq(cJSON_GetNumberValue(cJSON_GetObjectItem(unhealthy, "count")),
               3);
  test_rmrf(dir);
}

/* The kind of the top cause of variant @v's first breach (lent), or NULL
 * when it has none. */
static const char *
top_cause(const cJSON *data, int v)
{
  const cJSON *why = cJSON_GetObjectItem(
    cJSON_GetArrayItem(cJSON_GetObjectItem(data, "variants"), v), "why");
  const cJSON *causes = cJSON_GetObjectItem(cJSON_GetArrayItem(why, 0),
                                            "causes");
  return cJSON_GetStringValue(
    cJSON_GetObjectItem(cJSON_GetArrayItem(causes, 0), "kind"));
}

/* The examples the issue names: az-outage's breach is the outage, in
 * both of its placement variants. */
Test(report, why_names_the_outage_of_the_az_outage_example)
{
  g_autofree char *dir = NULL;
  g_autoptr(cJSON) data = report_data("scenarios/az-outage.json", NULL,
                                      &dir);
  int n = cJSON_GetArraySize(cJSON_GetObjectItem(data, "variants"));
  cr_assert_geq(n, 1);
  for (int v = 0; v < n; v++) {
    const char *kind = top_cause(data, v);
    cr_assert(kind != NULL && strcmp(kind, "az") == 0,
              "variant %d: top cause %s", v, kind ? kind : "(none)");
  }
  test_rmrf(dir);
}

/* black-friday's breach (its 02:00 surge, within the first 3 hours) is
 * the surge of traffic, in the variants that scale only when it comes;
 * the scheduled variant, scaled out before it, has none. */
Test(report, why_names_the_surge_of_the_black_friday_example)
{
  g_autofree char *dir = NULL;
  const char *const sets[] = { "/duration=3h", NULL };
  g_autoptr(cJSON) data = report_data("scenarios/black-friday.json", sets,
                                      &dir);
  const cJSON *variants = cJSON_GetObjectItem(data, "variants");
  for (int v = 0; v < cJSON_GetArraySize(variants); v++) {
    const char *name = cJSON_GetStringValue(
      cJSON_GetObjectItem(cJSON_GetArrayItem(variants, v), "name"));
    const char *kind = top_cause(data, v);
    if (strcmp(name, "scheduled") == 0)
      cr_assert_null(kind, "scheduled: a breach caused by %s", kind);
    else
      cr_assert(kind != NULL && strcmp(kind, "traffic") == 0,
                "%s: top cause %s", name, kind ? kind : "(none)");
  }
  test_rmrf(dir);
}
