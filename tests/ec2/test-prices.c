/* Prices and discounts on EC2 and Fargate (issue 16): the instance
 * catalog, Graviton Fargate, AWS Price List offer files, Savings Plans and
 * Reserved Instances. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "models/config/instance-types.h"
#include "models/config/pricing.h"
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
      cr_assert_gt(t->trunk_tasks, t->max_enis - 1, "%s", name);
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
