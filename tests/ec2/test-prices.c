/* Prices and discounts on EC2 and Fargate (issue 16): the instance
 * catalog, Graviton Fargate, AWS Price List offer files, Savings Plans and
 * Reserved Instances. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/capacity/coverage.h"
#include "models/config/instance-types.h"
#include "models/config/pricing.h"
#include "models/output/report.h"
#include "scenarios/cli.h"
#include "support.h"

/* ---- the catalog ------------------------------------------------------- */

Test(ec2, catalog_has_current_families_x86_and_graviton)
{
  static const char *const families[] = {
    "m5", "m6i", "m7i", "m6g", "m7g", "c5", "c6i", "c7i", "c6g", "c7g",
    "r5", "r6i", "r7g",
  };
  static const char *const sizes[] = { "large", "xlarge", "2xlarge",
                                       "4xlarge" };
  g_autoptr(InstanceCatalog) types = instance_catalog_new();
  g_autoptr(PriceCatalog) prices = pricing_default();
  for (gsize f = 0; f < G_N_ELEMENTS(families); f++) {
    for (gsize s = 0; s < G_N_ELEMENTS(sizes); s++) {
      g_autofree char *name = g_strdup_printf("%s.%s", families[f], sizes[s]);
      const InstanceType *t = instance_catalog_find(types, name);
      cr_assert_not_null(t, "%s is missing", name);
      /* Graviton families end in g; the rest are x86. */
      gboolean arm = strchr(families[f], 'g') != NULL;
      cr_assert_eq(t->arch == ECS_ARCH_ARM64, arm, "%s", name);
      cr_assert_eq(t->vcpu, 2 << s, "%s", name);
      /* The ECS guide's trunking table: 10, 20, 40, 60 tasks, and 2, 3, 3,
       * 7 without trunking (ENIs less the primary). m7i and c7i are newer
       * than the table. */
      static const int trunk[] = { 10, 20, 40, 60 }, plain[] = { 2, 3, 3, 7 };
      cr_assert_eq(instance_type_awsvpc_limit(t, TRUE), trunk[s], "%s", name);
      cr_assert_eq(instance_type_awsvpc_limit(t, FALSE), plain[s], "%s", name);
      cr_assert_eq(t->trunk_verified, strcmp(families[f], "m7i") != 0 &&
                                        strcmp(families[f], "c7i") != 0,
                   "%s", name);
      cr_assert_float_eq(pricing_ec2_hour(prices, name), t->price_per_hour,
                         1e-12, "%s", name);
    }
  }
  /* The one named in the issue. */
  const InstanceType *c7g = instance_catalog_find(types, "c7g.large");
  cr_assert_float_eq(c7g->price_per_hour, 0.0725, 1e-12);
  cr_assert_eq(c7g->memory_mib, 4096);
}

Test(ec2, burstable_sizes_micro_to_xlarge_have_no_trunking)
{
  static const char *const sizes[] = { "micro", "small", "medium", "large",
                                       "xlarge" };
  g_autoptr(InstanceCatalog) types = instance_catalog_new();
  g_autoptr(PriceCatalog) prices = pricing_default();
  for (gsize s = 0; s < G_N_ELEMENTS(sizes); s++) {
    g_autofree char *t3 = g_strdup_printf("t3.%s", sizes[s]);
    g_autofree char *t4g = g_strdup_printf("t4g.%s", sizes[s]);
    const InstanceType *x = instance_catalog_find(types, t3);
    const InstanceType *a = instance_catalog_find(types, t4g);
    cr_assert(x != NULL && a != NULL, "%s", sizes[s]);
    cr_assert_eq(a->arch, ECS_ARCH_ARM64);
    cr_assert_eq(x->trunk_tasks, 0);
    cr_assert_eq(instance_type_awsvpc_limit(a, TRUE), a->max_enis - 1);
    /* t4g lists at about 20% under t3. */
    cr_assert_lt(pricing_ec2_hour(prices, t4g), pricing_ec2_hour(prices, t3));
  }
  /* t3.micro: 2 ENIs, so one awsvpc task. */
  cr_assert_eq(instance_type_awsvpc_limit(
                 instance_catalog_find(types, "t3.micro"), TRUE), 1);
}

/* ---- Fargate on Graviton ----------------------------------------------- */

static char *
fargate_json(const char *arch, const char *extra)
{
  return g_strdup_printf(
    "{\"duration\": \"1h\", \"taskDefinitions\": [{\"family\": \"t\", "
    "\"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"runtimePlatform\": "
    "{\"cpuArchitecture\": \"%s\", \"operatingSystemFamily\": \"LINUX\"}, "
    "\"containerDefinitions\": [{\"name\": \"a\", \"image\": \"x\"}]}], "
    "\"services\": [{\"serviceName\": \"s\", \"taskDefinition\": \"t\", "
    "\"desiredCount\": 1, \"launchType\": \"FARGATE\"}]%s}",
    arch, extra);
}

static double
run_compute(const char *json)
{
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  double c = test_summary_number(run, "cost.items.compute");
  test_run_free(run);
  return c;
}

Test(ec2, fargate_on_graviton_bills_the_arm_rates)
{
  /* aws.amazon.com/fargate/pricing, US East (N. Virginia), Linux/ARM:
   * $0.03238 per vCPU-hour and $0.00356 per GB-hour, against x86's
   * $0.04048 and $0.004445: 20% less. */
  g_autofree char *arm = fargate_json("ARM64", "");
  g_autofree char *x86 = fargate_json("X86_64", "");
  double a = run_compute(arm), x = run_compute(x86);
  cr_assert_float_eq(a, 0.03238 + 2 * 0.00356, 1e-6);
  cr_assert_float_eq(x, 0.04048 + 2 * 0.004445, 1e-6);
  cr_assert_float_eq(1 - a / x, 0.20, 0.001);
}

/* ---- Savings Plans and Reserved Instances ------------------------------ */

/* Two hours of one m5.large ($0.096/h) and one Fargate task of 1 vCPU and
 * 2 GB ($0.04048 + 2 x $0.004445 = $0.04937/h), with @pricing. */
static char *
mixed_json(const char *pricing)
{
  return g_strdup_printf(
    "{\"duration\": \"2h\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"m5.large\", \"min\": 1, "
    "\"max\": 1}]}, \"taskDefinitions\": [{\"family\": \"t\", "
    "\"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
    "[{\"name\": \"a\", \"image\": \"x\"}]}], \"services\": "
    "[{\"serviceName\": \"s\", \"taskDefinition\": \"t\", \"desiredCount\": "
    "1, \"launchType\": \"FARGATE\"}], \"pricing\": %s}", pricing);
}

static TestRun *
mixed_run(const char *pricing)
{
  g_autofree char *json = mixed_json(pricing);
  TestRun *run = test_run_new(json);
  test_run_finish(run);
  return run;
}

Test(ec2, compute_savings_plan_two_hours_by_hand)
{
  /* A Compute Savings Plan of $0.10/h, 30% off EC2 m5 and 20% off Fargate.
   * Each hour, highest savings percentage first:
   *   m5.large at the plan's rate: 0.096 x 0.7 = 0.0672, all covered;
   *   0.10 - 0.0672 = 0.0328 left for Fargate, whose plan rate is
   *   0.04937 x 0.8 = 0.039496: it covers 0.0328 / 0.8 = 0.041 of its
   *   On-Demand usage; 0.04937 - 0.041 = 0.00837 is On-Demand.
   * An hour costs 0.10 + 0.00837 = 0.10837; two, 0.21674 (On-Demand
   * would be 2 x 0.14537 = 0.29074). */
  TestRun *run = mixed_run(
    "{\"savings_plans\": [{\"type\": \"compute\", "
    "\"commitment_per_hour\": 0.10, \"discount\": 0.30, "
    "\"discounts\": {\"fargate\": 0.20}}]}");
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     0.21674, 1e-6);
  cr_assert_float_eq(
    test_summary_number(run, "cost.commitments.commitment_usd"), 0.20, 1e-6);
  cr_assert_float_eq(
    test_summary_number(run, "cost.commitments.covered_on_demand_usd"),
    2 * (0.096 + 0.041), 1e-6);
  cr_assert_float_eq(test_summary_number(run, "cost.commitments.uncovered_usd"),
                     2 * 0.00837, 1e-6);
  cr_assert_float_eq(
    test_summary_number(run, "cost.commitments.unused_commitment_usd"), 0,
    1e-9);
  cr_assert_float_eq(test_summary_number(run, "cost.commitments.savings_usd"),
                     0.29074 - 0.21674, 1e-6);
  /* The saving goes to who used it: the ASG and the Fargate service. */
  cr_assert_float_eq(test_summary_number(run, "cost.by_provider.g"),
                     2 * 0.0672, 1e-6);
  cr_assert_float_eq(test_summary_number(run, "cost.by_provider.FARGATE"),
                     2 * (0.0328 + 0.00837), 1e-6);
  test_run_free(run);
}

Test(ec2, unused_commitment_is_still_paid)
{
  /* $0.30/h committed, 30% off: all usage is covered at 0.7 x 0.14537 =
   * 0.101759/h and 0.198241/h of the commitment goes unused. */
  TestRun *run = mixed_run(
    "{\"savings_plans\": [{\"type\": \"compute\", "
    "\"commitment_per_hour\": 0.30, \"discount\": 0.30}]}");
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"), 0.60,
                     1e-6);
  cr_assert_float_eq(
    test_summary_number(run, "cost.commitments.unused_commitment_usd"),
    2 * (0.30 - 0.7 * 0.14537), 1e-6);
  cr_assert_lt(test_summary_number(run, "cost.commitments.savings_usd"), 0);
  test_run_free(run);
}

Test(ec2, ec2_instance_plan_covers_its_family_only_and_applies_first)
{
  /* An EC2 Instance plan for m5 in us-east-1, 40% off, $0.0576/h: exactly
   * the m5.large at its rate (0.096 x 0.6). It applies before the Compute
   * plan ($0.05/h, 20% off), which is left to Fargate: 0.05 / 0.8 =
   * 0.0625 > 0.04937, so Fargate is all covered and 0.05 - 0.039496 =
   * 0.010504 of it is unused. An hour: 0.0576 + 0.05. */
  TestRun *run = mixed_run(
    "{\"savings_plans\": [{\"type\": \"compute\", "
    "\"commitment_per_hour\": 0.05, \"discount\": 0.20}, "
    "{\"type\": \"ec2_instance\", \"family\": \"m5\", \"region\": "
    "\"us-east-1\", \"commitment_per_hour\": 0.0576, \"discount\": 0.40}]}");
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     2 * (0.0576 + 0.05), 1e-6);
  cr_assert_float_eq(
    test_summary_number(run, "cost.commitments.unused_commitment_usd"),
    2 * 0.010504, 1e-6);
  test_run_free(run);
  /* The same plan for m6i covers nothing here: all of it is unused. */
  run = mixed_run(
    "{\"savings_plans\": [{\"type\": \"ec2_instance\", \"family\": "
    "\"m6i\", \"region\": \"us-east-1\", \"commitment_per_hour\": 0.05, "
    "\"discount\": 0.40}]}");
  cr_assert_float_eq(
    test_summary_number(run, "cost.commitments.unused_commitment_usd"), 0.10,
    1e-9);
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     0.29074 + 0.10, 1e-6);
  test_run_free(run);
}

Test(ec2, reserved_instance_covers_its_type_before_savings_plans)
{
  /* One m5.large reserved all upfront for a year at $525.60: $0.06/h.
   * It covers the instance; the Compute plan ($0.04/h, 20% off) then goes
   * to Fargate: covers 0.04 / 0.8 = 0.05 > 0.04937, all of it. */
  TestRun *run = mixed_run(
    "{\"reserved_instances\": [{\"instance_type\": \"m5.large\", "
    "\"count\": 1, \"upfront\": 525.6, \"term\": \"1y\"}], "
    "\"savings_plans\": [{\"type\": \"compute\", "
    "\"commitment_per_hour\": 0.04, \"discount\": 0.20}]}");
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     2 * (0.06 + 0.04), 1e-6);
  cr_assert_float_eq(test_summary_number(run, "cost.by_provider.g"),
                     2 * 0.06, 1e-6);
  test_run_free(run);
}

Test(ec2, no_commitments_leave_the_summary_as_it_was)
{
  TestRun *run = mixed_run("{}");
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     0.29074, 1e-6);
  /* No commitments section at all, so existing summaries keep their
   * bytes. */
  cJSON *summary = report_summary(run->w);
  cr_assert_null(cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(summary, "cost"), "commitments"));
  cJSON_Delete(summary);
  test_run_free(run);
}

static char *
refused(const char *pricing)
{
  g_autofree char *json = mixed_json(pricing);
  return test_configure_error(json);
}

Test(ec2, savings_plan_mistakes_name_the_path)
{
  g_autofree char *a = refused(
    "{\"savings_plans\": [{\"type\": \"ec2_instance\", "
    "\"commitment_per_hour\": 1, \"discount\": 0.3}]}");
  cr_assert(strstr(a, "/pricing/savings_plans/0: an ec2_instance Savings "
                      "Plan needs \"family\"") != NULL, "%s", a);
  g_autofree char *b = refused(
    "{\"savings_plans\": [{\"type\": \"compute\", "
    "\"commitment_per_hour\": 1, \"discount\": 1.2}]}");
  cr_assert(strstr(b, "/pricing/savings_plans/0/discount: must be >= 0 and "
                      "< 1") != NULL, "%s", b);
  g_autofree char *c = refused(
    "{\"reserved_instances\": [{\"instance_type\": "
    "\"m5.large\", \"count\": 1, \"upfront\": 100}]}");
  cr_assert(strstr(c, "/pricing/reserved_instances/0/term: an upfront "
                      "payment needs its term") != NULL, "%s", c);
  /* Typos would cover nothing, silently. */
  g_autofree char *d = refused(
    "{\"reserved_instances\": [{\"instance_type\": \"m6i.larg\", "
    "\"count\": 1, \"hourly\": 0.06}]}");
  cr_assert(strstr(d, "/pricing/reserved_instances/0/instance_type: unknown "
                      "instance type \"m6i.larg\"") != NULL, "%s", d);
  g_autofree char *e = refused(
    "{\"savings_plans\": [{\"type\": \"ec2_instance\", \"family\": "
    "\"m6i.large\", \"region\": \"us-east-1\", \"commitment_per_hour\": 1, "
    "\"discount\": 0.3}]}");
  cr_assert(strstr(e, "/pricing/savings_plans/0/family: no instance type of "
                      "family \"m6i.large\"") != NULL, "%s", e);
}

/* ---- AWS Price List offer files ---------------------------------------- */

#define EC2_CSV "price-list/AmazonEC2-eu-west-1-excerpt.csv"
#define ECS_JSON "price-list/AmazonECS-eu-west-1-excerpt.json"

/* One hour of an @type ASG of one instance and a Fargate task of 1 vCPU
 * and 2 GB, priced from @pricing. */
static char *
priced_json(const char *type, const char *pricing)
{
  return g_strdup_printf(
    "{\"duration\": \"1h\", \"cluster\": {\"auto_scaling_groups\": "
    "[{\"name\": \"g\", \"instance_type\": \"%s\", \"min\": 1, "
    "\"max\": 1}]}, \"taskDefinitions\": [{\"family\": \"t\", "
    "\"cpu\": \"1024\", \"memory\": \"2048\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"containerDefinitions\": "
    "[{\"name\": \"a\", \"image\": \"x\"}]}], \"services\": "
    "[{\"serviceName\": \"s\", \"taskDefinition\": \"t\", \"desiredCount\": "
    "1, \"launchType\": \"FARGATE\"}], \"pricing\": %s}", type, pricing);
}

Test(ec2, price_list_files_price_the_region_the_scenario_names)
{
  /* The excerpts' eu-west-1 rows: m6i.large Linux shared $0.107 (not the
   * Windows, dedicated, SQL Web, reservation or Reserved-term rows);
   * Fargate $0.04456/vCPU-h and $0.00489/GB-h, Spot vCPU $0.013368. */
  g_autofree char *json = priced_json(
    "m6i.large", "{\"region\": \"eu-west-1\", \"price_list\": [\"" EC2_CSV
                 "\", \"" ECS_JSON "\"]}");
  TestRun *run = test_run_new(json);
  const PriceCatalog *cat = run->cfg->pricing;
  cr_assert_float_eq(pricing_ec2_hour(cat, "m6i.large"), 0.107, 1e-12);
  cr_assert_float_eq(cat->fargate_arm_vcpu_hour, 0.03565, 1e-12);
  cr_assert_float_eq(cat->fargate_storage_gb_hour, 0.000122, 1e-12);
  cr_assert_float_eq(cat->fargate_spot_discount, 0.70, 1e-9);
  /* Types the scenario does not use keep the catalog's price. */
  cr_assert_float_eq(pricing_ec2_hour(cat, "m7g.large"), 0.0816, 1e-12);
  test_run_finish(run);
  cr_assert_float_eq(test_summary_number(run, "cost.items.compute"),
                     0.107 + 0.04456 + 2 * 0.00489, 1e-6);
  test_run_free(run);
}

Test(ec2, price_list_without_the_used_type_names_type_region_and_file)
{
  g_autofree char *json = priced_json(
    "c7g.large", "{\"region\": \"eu-west-1\", \"price_list\": [\"" EC2_CSV
                 "\", \"" ECS_JSON "\"]}");
  g_autofree char *msg = test_configure_error(json);
  cr_assert(strstr(msg, "AmazonEC2-eu-west-1-excerpt.csv, ") != NULL &&
              strstr(msg, "AmazonECS-eu-west-1-excerpt.json: no On-Demand "
                          "Linux (shared tenancy) price for c7g.large in "
                          "eu-west-1") != NULL,
            "%s", msg);
}

Test(ec2, price_list_rows_of_another_region_are_not_used)
{
  /* No region given: the catalog's, us-east-1; the file is eu-west-1's. */
  g_autofree char *json = priced_json(
    "m6i.large", "{\"price_list\": [\"" EC2_CSV "\", \"" ECS_JSON "\"]}");
  g_autofree char *msg = test_configure_error(json);
  cr_assert(strstr(msg, "price for m6i.large in us-east-1") != NULL, "%s",
            msg);
}

Test(ec2, price_list_without_fargate_rates_for_a_fargate_service)
{
  g_autofree char *json = priced_json(
    "m6i.large", "{\"region\": \"eu-west-1\", \"price_list\": \"" EC2_CSV
                 "\"}");
  g_autofree char *msg = test_configure_error(json);
  cr_assert(strstr(msg, "excerpt.csv: no Fargate Linux vCPU-hour and "
                        "GB-hour prices in eu-west-1") != NULL, "%s", msg);
}

Test(ec2, a_file_that_is_not_an_offer_file_is_refused_with_exit_2)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *bad = g_build_filename(dir, "prices.csv", NULL);
  g_autofree char *scn = g_build_filename(dir, "s.json", NULL);
  g_file_set_contents(bad, "time,price\n0,0.1\n", -1, NULL);
  g_autofree char *json = priced_json(
    "m6i.large", "{\"region\": \"eu-west-1\", \"price_list\": "
                 "\"prices.csv\"}");
  g_file_set_contents(scn, json, -1, NULL);
  g_autofree char *err = NULL;
  int status = cli_run(dir, NULL, &err, "validate", "s.json", NULL);
  cr_assert_eq(status, 2, "%s", err);
  cr_assert(strstr(err, "prices.csv:2: no header row") != NULL, "%s", err);
  test_rmrf(dir);
}

/* ---- the hourly ledger ------------------------------------------------- */


Test(ec2, usage_is_split_at_clock_hours_and_a_last_partial_hour_pays_its_part)
{
  /* 90 minutes; an m5.large from 0:30 to 1:30 ($0.048 in each hour); a
   * Compute plan of $0.10/h at 30% off. Hour 1 covers 0.0336 of 0.10;
   * the half hour 2 commits 0.05 and covers 0.0336 of it. */
  g_autoptr(Commitments) c = commitments_new();
  SavingsPlan *plan = g_new0(SavingsPlan, 1);
  plan->type = SAVINGS_PLAN_COMPUTE;
  plan->commitment_hour = 0.10;
  plan->discount = 0.30;
  plan->discounts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          g_free);
  g_ptr_array_add(c->savings_plans, plan);
  g_autoptr(Coverage) cv = coverage_new(c, "us-east-1", 90 * SIM_MIN);
  int line = coverage_line(cv, COVERAGE_EC2, "m5.large", 0.096);
  coverage_add(cv, line, 30 * SIM_MIN, 90 * SIM_MIN, 0.096);
  coverage_apply(cv);
  CoverageTotals t = coverage_totals(cv);
  cr_assert_float_eq(t.commitment, 0.15, 1e-12);
  cr_assert_float_eq(t.covered_on_demand, 0.096, 1e-12);
  cr_assert_float_eq(t.covered, 2 * 0.0336, 1e-12);
  cr_assert_float_eq(t.unused, 0.15 - 2 * 0.0336, 1e-12);
  cr_assert_float_eq(coverage_line_saving(cv, line), 0.096 * 0.3, 1e-12);
}

Test(ec2, the_report_prints_what_commitments_covered)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *scn = g_build_filename(dir, "s.json", NULL);
  g_autofree char *json = mixed_json(
    "{\"savings_plans\": [{\"type\": \"compute\", "
    "\"commitment_per_hour\": 0.10, \"discount\": 0.30, "
    "\"discounts\": {\"fargate\": 0.20}}]}");
  g_file_set_contents(scn, json, -1, NULL);
  g_autofree char *out = NULL, *err = NULL;
  int status = cli_run(dir, &out, &err, "run", "s.json", "-o", "out", NULL);
  cr_assert_eq(status, 0, "%s", err);
  /* The two-hour case above: $0.20 committed covered 2 x (0.096 + 0.041)
   * of On-Demand usage, saving 0.07400; 2 x 0.00837 was On-Demand. */
  cr_assert(strstr(out, "commitments $0.20 covered $0.27 of On-Demand usage "
                        "(unused $0.00, saved $0.07); uncovered $0.02")
              != NULL, "%s", out);
  /* The time series settles the commitments too: its cost after the
   * first hour is that hour's bill, and its last row the summary's. */
  g_autofree char *series = test_read_file(dir, "out/base/timeseries.csv");
  g_autofree char *hour = test_line_of(series, "3600.000,");
  g_autofree char *end = test_line_of(series, "7200.000,");
  cr_assert(g_str_has_suffix(hour, ",0.108370"), "%s", hour);
  cr_assert(g_str_has_suffix(end, ",0.216740"), "%s", end);
  test_rmrf(dir);
}

Test(ec2, an_ec2_offer_file_in_json_form_reads_the_same_rows)
{
  /* The JSON form's attribute names (instanceType, operatingSystem,
   * tenancy, preInstalledSw, capacitystatus, usagetype, regionCode) and
   * terms.OnDemand; a Windows product of the same type is skipped. */
  g_autofree char *dir = test_tmpdir();
  g_autofree char *offer = g_build_filename(dir, "ec2.json", NULL);
  static const char text[] =
    "{\"formatVersion\": \"v1.0\", \"offerCode\": \"AmazonEC2\", "
    "\"version\": \"20261120174102\", \"publicationDate\": "
    "\"2026-11-20T17:41:02Z\", \"products\": {"
    "\"WIN\": {\"sku\": \"WIN\", \"productFamily\": \"Compute Instance\", "
    "\"attributes\": {\"instanceType\": \"m6i.large\", \"operatingSystem\": "
    "\"Windows\", \"tenancy\": \"Shared\", \"preInstalledSw\": \"NA\", "
    "\"capacitystatus\": \"Used\", \"usagetype\": \"EU-BoxUsage:m6i.large\", "
    "\"regionCode\": \"eu-west-1\"}}, "
    "\"LNX\": {\"sku\": \"LNX\", \"productFamily\": \"Compute Instance\", "
    "\"attributes\": {\"instanceType\": \"m6i.large\", \"operatingSystem\": "
    "\"Linux\", \"tenancy\": \"Shared\", \"preInstalledSw\": \"NA\", "
    "\"capacitystatus\": \"Used\", \"usagetype\": \"EU-BoxUsage:m6i.large\", "
    "\"regionCode\": \"eu-west-1\"}}}, \"terms\": {\"OnDemand\": {"
    "\"WIN\": {\"WIN.JRTCKXETXF\": {\"priceDimensions\": {\"WIN.JRTCKXETXF."
    "6YS6EN2CT7\": {\"unit\": \"Hrs\", \"pricePerUnit\": {\"USD\": "
    "\"0.1990000000\"}}}}}, "
    "\"LNX\": {\"LNX.JRTCKXETXF\": {\"priceDimensions\": {\"LNX.JRTCKXETXF."
    "6YS6EN2CT7\": {\"unit\": \"Hrs\", \"pricePerUnit\": {\"USD\": "
    "\"0.1070000000\"}}}}}}}}";
  g_file_set_contents(offer, text, -1, NULL);
  g_autofree char *ecs = g_build_filename(test_source_root(), "tests", "data",
                                          ECS_JSON, NULL);
  g_autofree char *pricing = g_strdup_printf(
    "{\"region\": \"eu-west-1\", \"price_list\": [\"%s\", \"%s\"]}", offer,
    ecs);
  g_autofree char *json = priced_json("m6i.large", pricing);
  TestRun *run = test_run_new(json);
  cr_assert_float_eq(pricing_ec2_hour(run->cfg->pricing, "m6i.large"), 0.107,
                     1e-12);
  test_run_free(run);
  test_rmrf(dir);
}

Test(ec2, a_price_list_that_is_missing_or_a_directory_is_refused)
{
  g_autofree char *json = priced_json(
    "m6i.large", "{\"region\": \"eu-west-1\", \"price_list\": "
                 "[\"price-list\", \"" ECS_JSON "\"]}");
  g_autofree char *msg = test_configure_error(json);
  cr_assert(strstr(msg, "price-list: cannot read the price list: not a "
                        "regular file") != NULL, "%s", msg);
  g_autofree char *json2 = priced_json(
    "m6i.large", "{\"price_list\": \"no-such-offer.csv\"}");
  g_autofree char *msg2 = test_configure_error(json2);
  cr_assert(strstr(msg2, "no-such-offer.csv: cannot read the price list: ")
              != NULL, "%s", msg2);
}
