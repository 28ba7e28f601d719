/* The price catalog: the shipped us-east-1 prices, a scenario's inline and
 * file overrides, and the messages for bad ones. */
#include <criterion/criterion.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ecsim-config.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/config/pricing.h"

/* Inline JSON is written with ' for " so that it reads cleanly in C. */
static char *
json_text(const char *text)
{
  char *s = g_strdup(text);
  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  return s;
}

/* Applies the `pricing` object @text, from "p.json" in @dir, over the
 * built-in catalog. Returns the catalog, or NULL with @error set. */
static PriceCatalog *
parse_in(const char *dir, const char *text, GError **error)
{
  g_autofree char *json_str = json_text(text);
  g_autoptr(cJSON) json =
    json_parse_text("p.json", json_str, strlen(json_str), error);
  cr_assert_not_null(json, "test JSON: %s", (*error)->message);
  g_autoptr(JDoc) doc = jdoc_new("p.json", dir);
  JNode root;
  jn_root(&root, doc, json);
  g_autoptr(PriceCatalog) cat = pricing_default();
  if (!pricing_parse(cat, &root, error))
    return NULL;
  return g_steal_pointer(&cat);
}

static PriceCatalog *
accepted_in(const char *dir, const char *text)
{
  GError *error = NULL;
  PriceCatalog *cat = parse_in(dir, text, &error);
  cr_assert_not_null(cat, "refused: %s", error ? error->message : "?");
  return cat;
}

static PriceCatalog *
accepted(const char *text)
{
  return accepted_in(".", text);
}

/* Asserts that @text is refused with exactly @message. */
static void
refused_in(const char *dir, const char *text, const char *message)
{
  GError *error = NULL;
  PriceCatalog *cat = parse_in(dir, text, &error);
  cr_assert_null(cat, "accepted; expected %s", message);
  cr_assert(error->domain == ECSIM_INPUT_ERROR);
  cr_assert_str_eq(error->message, message);
  g_error_free(error);
}

/* Asserts that @text is refused with exactly "p.json: @message". */
static void
refused(const char *text, const char *message)
{
  g_autofree char *want = g_strconcat("p.json: ", message, NULL);
  refused_in(".", text, want);
}

/* A scratch directory holding "prices.json" with @text ('-quoted). */
static char *
dir_with_prices(const char *text)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp("ecsim-pricing-XXXXXX", &error);
  cr_assert_not_null(dir, "%s", error ? error->message : "?");
  g_autofree char *path = g_build_filename(dir, "prices.json", NULL);
  g_autofree char *json = json_text(text);
  cr_assert(g_file_set_contents(path, json, -1, NULL));
  return dir;
}

static void
remove_dir(const char *dir)
{
  g_autofree char *path = g_build_filename(dir, "prices.json", NULL);
  g_remove(path);
  g_rmdir(dir);
}

/* The source tree: from the test environment, else where it was built. */
static const char *
source_root(void)
{
  const char *root = g_getenv("ECSIM_SOURCE_ROOT");
  return root != NULL ? root : ECSIM_SOURCE_ROOT;
}

#define assert_price(got, want) \
  cr_assert_float_eq((got), (want), 1e-12, "got %g, want %g", \
                     (double) (got), (double) (want))

/* A whole catalog, as a file gives it (made-up prices). */
#define OTHER_REGION                                                       \
  "{'region':'eu-west-1','fargate':{'vcpu_hour':0.05,'gb_hour':0.005,"     \
  "'arm_vcpu_hour':0.04,'arm_gb_hour':0.004,'storage_gb_hour':0.0002,"     \
  "'spot_discount':0.65},'ec2':{'on_demand':{'m6i.large':0.107},"          \
  "'spot_discount':0.5,'committed_discount':0.2},"                         \
  "'alb':{'hour':0.0252,'lcu_hour':0.009}}"

/* ---- the shipped catalog ----------------------------------------------- */

Test(pricing, default_is_us_east_1_at_ecs_reference_prices)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  cr_assert_str_eq(cat->region, "us-east-1");
  assert_price(cat->fargate_vcpu_hour, 0.04048);
  assert_price(cat->fargate_gb_hour, 0.004445);
  assert_price(cat->fargate_arm_vcpu_hour, 0.03238);
  assert_price(cat->fargate_arm_gb_hour, 0.00356);
  assert_price(cat->fargate_storage_gb_hour, 0.000111);
  assert_price(cat->fargate_spot_discount, 0.70);
  assert_price(cat->ec2_spot_discount, 0.6);
  assert_price(cat->ec2_committed_discount, 0.0);
  assert_price(cat->alb_hour, 0.0225);
  assert_price(cat->alb_lcu_hour, 0.008);
}

Test(pricing, default_has_every_listed_instance_type)
{
  static const struct {
    const char *type;
    double hourly;
  } listed[] = {
    { "t3.medium", 0.0416 }, { "t3.large", 0.0832 }, { "m5.large", 0.096 },
    { "m5.xlarge", 0.192 },  { "m6i.large", 0.096 }, { "m6i.xlarge", 0.192 },
    { "c5.large", 0.085 },   { "c6i.large", 0.085 }, { "m6g.large", 0.077 },
    { "c6g.large", 0.068 },  { "r5.large", 0.126 },  { "m4.large", 0.10 },
    { "c4.large", 0.10 },
  };
  g_autoptr(PriceCatalog) cat = pricing_default();
  for (size_t i = 0; i < G_N_ELEMENTS(listed); i++)
    cr_assert_float_eq(pricing_ec2_hour(cat, listed[i].type),
                       listed[i].hourly, 1e-12, "%s", listed[i].type);
  /* The catalog grew (issue 16); these prices did not move. */
  cr_assert_eq(g_hash_table_size(cat->ec2_on_demand), 64);
}

Test(pricing, unknown_instance_type_has_a_negative_price)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  cr_assert_lt(pricing_ec2_hour(cat, "x9.huge"), 0);
}

/* The JSON installed next to the binary is the one compiled into it. */
Test(pricing, shipped_file_is_the_built_in_catalog)
{
  g_autofree char *dir = g_build_filename(source_root(), "models", "config",
                                          "pricing", NULL);
  g_autoptr(PriceCatalog) builtin = pricing_default();
  g_autoptr(PriceCatalog) file =
    accepted_in(dir, "{'file':'us-east-1.json'}");
  cr_assert_str_eq(file->region, builtin->region);
  cr_assert_eq(file->fargate_vcpu_hour, builtin->fargate_vcpu_hour);
  cr_assert_eq(file->fargate_storage_gb_hour,
               builtin->fargate_storage_gb_hour);
  cr_assert_eq(file->alb_lcu_hour, builtin->alb_lcu_hour);
  cr_assert_eq(g_hash_table_size(file->ec2_on_demand),
               g_hash_table_size(builtin->ec2_on_demand));
}

/* Every section of the shipped catalog says where its prices come from
 * and when they were checked. */
Test(pricing, shipped_file_dates_and_sources_every_section)
{
  g_autofree char *path = g_build_filename(source_root(), "models", "config",
                                           "pricing", "us-east-1.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json = json_load_file(path, &error);
  cr_assert_not_null(json, "%s", error ? error->message : "?");
  static const char *const sections[] = { "fargate", "ec2", "alb" };
  for (size_t i = 0; i < G_N_ELEMENTS(sections); i++) {
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(json, sections[i]);
    cr_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "source")),
              "%s has no source", sections[i]);
    cr_assert(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(s, "as_of")),
              "%s has no date", sections[i]);
  }
}

/* ---- inline overrides -------------------------------------------------- */

Test(pricing, inline_keys_override_one_price_each)
{
  g_autoptr(PriceCatalog) cat =
    accepted("{'region':'us-east-1 (negotiated)',"
             "'fargate':{'vcpu_hour':0.03,'spot_discount':0.5},"
             "'ec2':{'committed_discount':0.28},'alb':{'lcu_hour':0.006}}");
  cr_assert_str_eq(cat->region, "us-east-1 (negotiated)");
  assert_price(cat->fargate_vcpu_hour, 0.03);
  assert_price(cat->fargate_spot_discount, 0.5);
  assert_price(cat->fargate_gb_hour, 0.004445);
  assert_price(cat->fargate_arm_vcpu_hour, 0.03238);
  assert_price(cat->ec2_committed_discount, 0.28);
  assert_price(cat->ec2_spot_discount, 0.6);
  assert_price(cat->alb_lcu_hour, 0.006);
  assert_price(cat->alb_hour, 0.0225);
}

Test(pricing, inline_on_demand_overrides_and_adds_types)
{
  g_autoptr(PriceCatalog) cat =
    accepted("{'ec2':{'on_demand':{'m6i.large':0.1,'m7i.large':0.1008}}}");
  assert_price(pricing_ec2_hour(cat, "m6i.large"), 0.1);
  assert_price(pricing_ec2_hour(cat, "m7i.large"), 0.1008);
  assert_price(pricing_ec2_hour(cat, "m5.large"), 0.096);
}

Test(pricing, empty_section_changes_nothing)
{
  g_autoptr(PriceCatalog) cat = accepted("{}");
  assert_price(cat->fargate_vcpu_hour, 0.04048);
  cr_assert_str_eq(cat->region, "us-east-1");
}

Test(pricing, sources_and_dates_are_accepted)
{
  g_autoptr(PriceCatalog) cat =
    accepted("{'source':'our EDP contract','as_of':'2026-03-01',"
             "'fargate':{'source':'invoice 42','as_of':'2026-02-28',"
             "'note':'20% off','vcpu_hour':0.032},"
             "'ec2':{'note':'Spot observed','spot_discount':0.62},"
             "'alb':{'as_of':'2024-02-29'}}");
  assert_price(cat->fargate_vcpu_hour, 0.032);
  assert_price(cat->ec2_spot_discount, 0.62);
}

/* ---- catalog files ----------------------------------------------------- */

Test(pricing, file_replaces_the_catalog_then_inline_keys_override_it)
{
  g_autofree char *dir = dir_with_prices(OTHER_REGION);
  g_autoptr(PriceCatalog) cat =
    accepted_in(dir, "{'file':'prices.json','fargate':{'gb_hour':0.006},"
                     "'ec2':{'on_demand':{'c6i.large':0.095}}}");
  cr_assert_str_eq(cat->region, "eu-west-1");
  assert_price(cat->fargate_vcpu_hour, 0.05);
  assert_price(cat->fargate_gb_hour, 0.006);
  assert_price(cat->fargate_spot_discount, 0.65);
  assert_price(pricing_ec2_hour(cat, "m6i.large"), 0.107);
  assert_price(pricing_ec2_hour(cat, "c6i.large"), 0.095);
  /* us-east-1's prices do not leak into another region's catalog. */
  cr_assert_lt(pricing_ec2_hour(cat, "m5.large"), 0);
  assert_price(cat->ec2_committed_discount, 0.2);
  assert_price(cat->alb_lcu_hour, 0.009);
  remove_dir(dir);
}

Test(pricing, file_must_give_every_price)
{
  g_autofree char *dir =
    dir_with_prices("{'region':'x','fargate':{'vcpu_hour':0.05}}");
  g_autofree char *want =
    g_strdup_printf("%s/prices.json: /ec2: required key is missing", dir);
  refused_in(dir, "{'file':'prices.json'}", want);
  remove_dir(dir);
  g_free(dir);
  dir = dir_with_prices("{'region':'x','fargate':{'vcpu_hour':0.05},"
                        "'ec2':{},'alb':{}}");
  g_free(want);
  want = g_strdup_printf("%s/prices.json: /fargate/gb_hour: required key "
                         "is missing", dir);
  refused_in(dir, "{'file':'prices.json'}", want);
  remove_dir(dir);
}

Test(pricing, file_errors_name_the_file_and_path)
{
  g_autoptr(GString) text = g_string_new(OTHER_REGION);
  g_string_replace(text, "'gb_hour':0.005", "'gb_hour':-1", 1);
  g_autofree char *dir = dir_with_prices(text->str);
  g_autofree char *want =
    g_strdup_printf("%s/prices.json: /fargate/gb_hour: must be >= 0, "
                    "got -1", dir);
  refused_in(dir, "{'file':'prices.json'}", want);
  remove_dir(dir);
}

Test(pricing, missing_file_is_reported_where_it_is_named)
{
  refused("{'file':'nope.json'}",
          "/file: ./nope.json: cannot read: no such file");
}

Test(pricing, file_syntax_error_has_line_and_column)
{
  g_autofree char *dir = dir_with_prices("{'region': 'x',\n  'fargate': }");
  g_autofree char *want =
    g_strdup_printf("%s/prices.json:2:14: syntax error near '}'", dir);
  refused_in(dir, "{'file':'prices.json'}", want);
  remove_dir(dir);
}

Test(pricing, file_cannot_name_another_file)
{
  g_autofree char *dir = dir_with_prices("{'file':'prices.json'}");
  g_autofree char *want =
    g_strdup_printf("%s/prices.json: /file: only a scenario's pricing "
                    "section can name a catalog file", dir);
  refused_in(dir, "{'file':'prices.json'}", want);
  remove_dir(dir);
}

/* ---- bad values -------------------------------------------------------- */

Test(pricing, negative_price_is_refused)
{
  refused("{'fargate':{'vcpu_hour':-0.01}}",
          "/fargate/vcpu_hour: must be >= 0, got -0.01");
}

Test(pricing, negative_instance_price_is_refused)
{
  refused("{'ec2':{'on_demand':{'m6i.large':-1}}}",
          "/ec2/on_demand/m6i.large: must be >= 0, got -1");
}

Test(pricing, price_must_be_a_number)
{
  refused("{'alb':{'hour':'cheap'}}",
          "/alb/hour: must be a number, got a string \"cheap\"");
}

Test(pricing, instance_price_must_not_be_null)
{
  refused("{'ec2':{'on_demand':{'m6i.large':null}}}",
          "/ec2/on_demand/m6i.large: must be a number ($/hour), got null");
}

Test(pricing, on_demand_must_be_an_object)
{
  refused("{'ec2':{'on_demand':[0.096]}}",
          "/ec2/on_demand: must be an object of instance type: $/hour, "
          "got [0.096]");
}

Test(pricing, instance_type_appearing_twice_is_refused)
{
  refused("{'ec2':{'on_demand':{'m6i.large':0.1,'m6i.large':0.2}}}",
          "/ec2/on_demand/m6i.large: key appears twice");
}

Test(pricing, discount_of_one_is_refused)
{
  refused("{'fargate':{'spot_discount':1}}",
          "/fargate/spot_discount: must be >= 0 and < 1 (the fraction off), "
          "got 1");
}

Test(pricing, negative_discount_is_refused)
{
  refused("{'ec2':{'committed_discount':-0.1}}",
          "/ec2/committed_discount: must be >= 0 and < 1 (the fraction "
          "off), got -0.1");
}

Test(pricing, percent_discount_is_refused)
{
  refused("{'ec2':{'spot_discount':60}}",
          "/ec2/spot_discount: must be >= 0 and < 1 (the fraction off), "
          "got 60");
}

Test(pricing, empty_region_is_refused)
{
  refused("{'region':''}", "/region: must not be empty");
}

Test(pricing, bad_date_is_refused)
{
  refused("{'ec2':{'as_of':'2026-02-30'}}",
          "/ec2/as_of: must be a date like \"2026-01-31\", got "
          "\"2026-02-30\"");
  refused("{'as_of':'last week'}",
          "/as_of: must be a date like \"2026-01-31\", got \"last week\"");
}

/* ---- unknown keys ------------------------------------------------------ */

Test(pricing, unknown_section_suggests_the_closest)
{
  refused("{'fargte':{}}", "/fargte: unknown key; did you mean 'fargate'?");
}

Test(pricing, unknown_price_suggests_the_closest)
{
  refused("{'fargate':{'vcpu_hr':0.04}}",
          "/fargate/vcpu_hr: unknown key; did you mean 'vcpu_hour'?");
  refused("{'alb':{'lcu_hours':0.008}}",
          "/alb/lcu_hours: unknown key; did you mean 'lcu_hour'?");
  refused("{'ec2':{'ondemand':{}}}",
          "/ec2/ondemand: unknown key; did you mean 'on_demand'?");
}

Test(pricing, section_must_be_an_object)
{
  refused("{'alb':0.0225}", "/alb: must be an object, got a number 0.0225");
}
