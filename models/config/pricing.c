/* The price catalog: the built-in us-east-1 prices and a scenario's
 * overrides, checked like the rest of the scenario. */
#include "models/config/pricing.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/config/price-list.h"
#include "models/config/pricing/embedded.h"

/* The name the built-in catalog goes by in (bug) messages. */
#define BUILTIN_NAME "models/config/pricing/us-east-1.json"

/* Where prices come from: accepted at the top level and in each section. */
#define PROVENANCE_KEYS "source", "as_of", "note"

#define FARGATE_KEYS "vcpu_hour", "gb_hour", "arm_vcpu_hour", "arm_gb_hour", \
  "storage_gb_hour", "spot_discount"
#define EC2_KEYS "on_demand", "spot_discount", "committed_discount"
#define ALB_KEYS "hour", "lcu_hour"
#define CATALOG_KEYS "region", "fargate", "ec2", "alb"
/* What a scenario has, not a catalog: its commitments. */
#define SCENARIO_ONLY_KEYS "savings_plans", "reserved_instances", \
  "price_list"

static PriceCatalog *
catalog_new(void)
{
  PriceCatalog *cat = g_new0(PriceCatalog, 1);
  cat->region = g_strdup("");
  cat->ec2_on_demand =
    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  cat->commitments = commitments_new();
  cat->price_lists = g_ptr_array_new_with_free_func(g_free);
  return cat;
}

void
pricing_free(PriceCatalog *cat)
{
  if (cat == NULL)
    return;
  g_free(cat->region);
  g_hash_table_destroy(cat->ec2_on_demand);
  commitments_free(cat->commitments);
  g_ptr_array_unref(cat->price_lists);
  g_free(cat);
}

double
pricing_ec2_hour(const PriceCatalog *cat, const char *instance_type)
{
  g_return_val_if_fail(cat != NULL && instance_type != NULL, -1);
  const double *price = g_hash_table_lookup(cat->ec2_on_demand, instance_type);
  return price != NULL ? *price : -1;
}

/* ---- checked reads ----------------------------------------------------- */

static gboolean
read_price(const JNode *obj, const char *key, double *out, GError **error)
{
  return jn_double(obj, key, 0, INFINITY, out, error);
}

/* A discount is the fraction off: 1 would make the resource free. */
static gboolean
read_discount(const JNode *obj, const char *key, double *out, GError **error)
{
  JNode v;
  double d = 0;
  if (!jn_member(obj, key, &v))
    return TRUE;
  if (!jn_double(obj, key, -INFINITY, INFINITY, &d, error))
    return FALSE;
  if (!(d >= 0 && d < 1)) {
    jn_error(&v, error, "must be >= 0 and < 1 (the fraction off), got %g", d);
    return FALSE;
  }
  *out = d;
  return TRUE;
}

/* "YYYY-MM-DD", a real date. */
static gboolean
is_date(const char *s)
{
  if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
      return FALSE;
  unsigned y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
  return g_date_valid_dmy(d, m, y);
}

/* The provenance keys are documentation: checked, not kept. */
static gboolean
check_provenance(const JNode *n, GError **error)
{
  const char *text = NULL;
  const char *date = NULL;
  if (!jn_string(n, "source", &text, error) ||
      !jn_string(n, "note", &text, error) ||
      !jn_string(n, "as_of", &date, error))
    return FALSE;
  if (date != NULL && !is_date(date)) {
    JNode v;
    jn_member(n, "as_of", &v);
    jn_error(&v, error, "must be a date like \"2026-01-31\", got \"%s\"",
             date);
    return FALSE;
  }
  return TRUE;
}

/* Checks @n's keys against @allowed; a complete catalog (a file, the
 * built-in one) must also give every key of @required. */
static gboolean
check_section(const JNode *n, const char *const *allowed,
              const char *const *required, gboolean complete, GError **error)
{
  return jn_check_object(n, allowed, complete ? required : NULL, error) &&
         check_provenance(n, error);
}

/* ---- sections ---------------------------------------------------------- */

static gboolean
parse_fargate(PriceCatalog *cat, const JNode *n, gboolean complete,
              GError **error)
{
  static const char *const required[] = { FARGATE_KEYS, NULL };
  static const char *const allowed[] = { FARGATE_KEYS, PROVENANCE_KEYS,
                                         NULL };
  return check_section(n, allowed, required, complete, error) &&
         read_price(n, "vcpu_hour", &cat->fargate_vcpu_hour, error) &&
         read_price(n, "gb_hour", &cat->fargate_gb_hour, error) &&
         read_price(n, "arm_vcpu_hour", &cat->fargate_arm_vcpu_hour, error) &&
         read_price(n, "arm_gb_hour", &cat->fargate_arm_gb_hour, error) &&
         read_price(n, "storage_gb_hour", &cat->fargate_storage_gb_hour,
                    error) &&
         read_discount(n, "spot_discount", &cat->fargate_spot_discount,
                       error);
}

/* "on_demand" maps instance types to $/hour, so its keys are not fixed:
 * each is checked for its value and for repeats only. */
static gboolean
parse_on_demand(PriceCatalog *cat, const JNode *n, GError **error)
{
  if (!cJSON_IsObject(n->json)) {
    g_autofree char *got = json_describe(n->json);
    jn_error(n, error, "must be an object of instance type: $/hour, got %s",
             got);
    return FALSE;
  }
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (const cJSON *m = n->json->child; m != NULL; m = m->next) {
    JNode v;
    double price = 0;
    jn_member(n, m->string, &v);
    if (!g_hash_table_add(seen, m->string)) {
      jn_error(&v, error, "key appears twice");
      return FALSE;
    }
    if (m->string[0] == '\0' || cJSON_IsNull(m)) {
      jn_error(&v, error, "%s", m->string[0] == '\0'
               ? "an instance type name must not be empty"
               : "must be a number ($/hour), got null");
      return FALSE;
    }
    if (!read_price(n, m->string, &price, error))
      return FALSE;
    g_hash_table_replace(cat->ec2_on_demand, g_strdup(m->string),
                         g_memdup2(&price, sizeof price));
  }
  return TRUE;
}

static gboolean
parse_ec2(PriceCatalog *cat, const JNode *n, gboolean complete,
          GError **error)
{
  static const char *const required[] = { EC2_KEYS, NULL };
  static const char *const allowed[] = { EC2_KEYS, PROVENANCE_KEYS, NULL };
  JNode od;
  if (!check_section(n, allowed, required, complete, error))
    return FALSE;
  if (jn_member(n, "on_demand", &od) && !parse_on_demand(cat, &od, error))
    return FALSE;
  return read_discount(n, "spot_discount", &cat->ec2_spot_discount, error) &&
         read_discount(n, "committed_discount", &cat->ec2_committed_discount,
                       error);
}

static gboolean
parse_alb(PriceCatalog *cat, const JNode *n, gboolean complete,
          GError **error)
{
  static const char *const required[] = { ALB_KEYS, NULL };
  static const char *const allowed[] = { ALB_KEYS, PROVENANCE_KEYS, NULL };
  return check_section(n, allowed, required, complete, error) &&
         read_price(n, "hour", &cat->alb_hour, error) &&
         read_price(n, "lcu_hour", &cat->alb_lcu_hour, error);
}

/* "price_list": a file name or an array of them, relative to the
 * scenario. Only remembered here: which prices to read depends on the
 * cluster, parsed later. */
static gboolean
parse_price_lists(PriceCatalog *cat, const JNode *n, GError **error)
{
  JNode v, item;
  if (!jn_member(n, "price_list", &v))
    return TRUE;
  gboolean many = cJSON_IsArray(v.json);
  if (many && !jn_check_array(&v, 1, 16, error))
    return FALSE;
  g_ptr_array_set_size(cat->price_lists, 0);
  for (int i = 0; i < (many ? jn_length(&v) : 1); i++) {
    const char *name = NULL;
    if (many)
      jn_index(&v, i, &item);
    else
      item = v;
    if (!jn_value_string(&item, &name, error))
      return FALSE;
    if (name[0] == '\0') {
      jn_error(&item, error, "must name an AWS Price List offer file "
               "(.csv, or .json)");
      return FALSE;
    }
    g_ptr_array_add(cat->price_lists, jn_resolve_path(n, name));
  }
  return TRUE;
}

/* ---- price list files -------------------------------------------------- */

static int
compare_names(const void *a, const void *b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* "a.csv" or "a.csv, b.json": the files, for messages. */
static char *
price_list_names(const PriceCatalog *cat)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < cat->price_lists->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "",
                           (char *) cat->price_lists->pdata[i]);
  return g_string_free(s, FALSE);
}

/* "FILES: no WHAT in REGION": @hint, when not empty, says where to look. */
static gboolean
missing(const PriceCatalog *cat, GError **error, const char *what,
        const char *hint)
{
  g_autofree char *files = price_list_names(cat);
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "%s: no %s in %s%s", files, what, cat->region, hint);
  return FALSE;
}

/* Fargate's rates from @r into @cat; the Spot discount from the Spot
 * vCPU rate, as the fraction off On-Demand. */
static gboolean
take_fargate(PriceCatalog *cat, const PriceListRates *r, gboolean fargate,
             gboolean arm, GError **error)
{
  const gboolean *has = r->has_fargate;
  if (fargate && !(has[PRICE_LIST_FARGATE_VCPU] && has[PRICE_LIST_FARGATE_GB]))
    return missing(cat, error, "Fargate Linux vCPU-hour and GB-hour prices",
                   " (the AmazonECS offer file has them)");
  if (arm && !(has[PRICE_LIST_FARGATE_ARM_VCPU] &&
               has[PRICE_LIST_FARGATE_ARM_GB]))
    return missing(cat, error, "Fargate ARM vCPU-hour and GB-hour prices",
                   " (the AmazonECS offer file has them)");
  static const struct {
    PriceListFargate rate;
    gsize offset;
  } to[] = {
    { PRICE_LIST_FARGATE_VCPU, G_STRUCT_OFFSET(PriceCatalog,
                                               fargate_vcpu_hour) },
    { PRICE_LIST_FARGATE_GB, G_STRUCT_OFFSET(PriceCatalog, fargate_gb_hour) },
    { PRICE_LIST_FARGATE_ARM_VCPU,
      G_STRUCT_OFFSET(PriceCatalog, fargate_arm_vcpu_hour) },
    { PRICE_LIST_FARGATE_ARM_GB,
      G_STRUCT_OFFSET(PriceCatalog, fargate_arm_gb_hour) },
    { PRICE_LIST_FARGATE_STORAGE,
      G_STRUCT_OFFSET(PriceCatalog, fargate_storage_gb_hour) },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(to); i++)
    if (has[to[i].rate])
      G_STRUCT_MEMBER(double, cat, to[i].offset) = r->fargate[to[i].rate];
  double od = cat->fargate_vcpu_hour;
  if (has[PRICE_LIST_FARGATE_SPOT_VCPU] && od > 0 &&
      r->fargate[PRICE_LIST_FARGATE_SPOT_VCPU] < od)
    cat->fargate_spot_discount =
      1.0 - r->fargate[PRICE_LIST_FARGATE_SPOT_VCPU] / od;
  return TRUE;
}

gboolean
pricing_apply_price_lists(PriceCatalog *cat, GHashTable *types,
                          gboolean fargate, gboolean fargate_arm,
                          GError **error)
{
  g_return_val_if_fail(cat != NULL && types != NULL, FALSE);
  if (cat->price_lists->len == 0)
    return TRUE;
  g_autoptr(PriceListRates) rates = price_list_rates_new();
  for (guint i = 0; i < cat->price_lists->len; i++) {
    const char *path = cat->price_lists->pdata[i];
    if (!price_list_read(rates, path, path, cat->region, types, error))
      return FALSE;
  }
  /* In name order, so that the message names the same type each time. */
  g_autofree gpointer *names = g_hash_table_get_keys_as_array(types, NULL);
  guint n = g_hash_table_size(types);
  qsort(names, n, sizeof *names, compare_names);
  for (guint i = 0; i < n; i++) {
    const double *price = g_hash_table_lookup(rates->ec2, names[i]);
    if (price == NULL) {
      g_autofree char *what = g_strdup_printf(
        "On-Demand Linux (shared tenancy) price for %s", (char *) names[i]);
      return missing(cat, error, what, " (the AmazonEC2 offer file of "
                     "that region has it)");
    }
    g_hash_table_replace(cat->ec2_on_demand, g_strdup(names[i]),
                         g_memdup2(price, sizeof *price));
  }
  return take_fargate(cat, rates, fargate, fargate_arm, error);
}

/* ---- whole catalogs ---------------------------------------------------- */

static gboolean apply_file(PriceCatalog *cat, const JNode *n,
                           GError **error);

/* Applies the catalog object @n over @cat. A scenario's section
 * (@inline_section) may name a file and give any subset of keys; a catalog
 * file and the built-in catalog must give every price. */
static gboolean
apply_catalog(PriceCatalog *cat, const JNode *n, gboolean inline_section,
              GError **error)
{
  static const char *const required[] = { CATALOG_KEYS, NULL };
  static const char *const allowed[] = { "file", CATALOG_KEYS,
                                         SCENARIO_ONLY_KEYS,
                                         PROVENANCE_KEYS, NULL };
  gboolean complete = !inline_section;
  const char *region = NULL;
  JNode s;
  static const char *const scenario_only[] = { "file", SCENARIO_ONLY_KEYS,
                                               NULL };
  for (int i = 0; complete && scenario_only[i] != NULL; i++) {
    if (jn_member(n, scenario_only[i], &s)) {
      jn_error(&s, error, "%s", i == 0
               ? "only a scenario's pricing section can name a catalog file"
               : "a scenario's commitment, not a catalog's price: give it "
                 "in the scenario's pricing section");
      return FALSE;
    }
  }
  if (!check_section(n, allowed, required, complete, error) ||
      !apply_file(cat, n, error) || !jn_string(n, "region", &region, error))
    return FALSE;
  if (region != NULL && region[0] == '\0') {
    jn_member(n, "region", &s);
    jn_error(&s, error, "must not be empty");
    return FALSE;
  }
  if (region != NULL) {
    g_free(cat->region);
    cat->region = g_strdup(region);
  }
  return (!jn_member(n, "fargate", &s) ||
          parse_fargate(cat, &s, complete, error)) &&
         (!jn_member(n, "ec2", &s) || parse_ec2(cat, &s, complete, error)) &&
         (!jn_member(n, "alb", &s) || parse_alb(cat, &s, complete, error)) &&
         commitments_parse(cat->commitments, n, error) &&
         parse_price_lists(cat, n, error);
}

/* Swaps the contents of @to and @from: @to takes @from's prices and
 * @from, which the caller frees, the old ones. */
static void
catalog_replace(PriceCatalog *to, PriceCatalog *from)
{
  PriceCatalog old = *to;
  *to = *from;
  *from = old;
}

/* Replaces all of @cat with the catalog file named by @n's "file", if any.
 * The file is read whole before @cat changes. */
static gboolean
apply_file(PriceCatalog *cat, const JNode *n, GError **error)
{
  const char *name = NULL;
  if (!jn_string(n, "file", &name, error))
    return FALSE;
  if (name == NULL)
    return TRUE;
  g_autofree char *path = jn_resolve_path(n, name);
  g_autoptr(GError) load = NULL;
  g_autoptr(cJSON) json = json_load_file(path, &load);
  if (json == NULL) {
    JNode f;
    jn_member(n, "file", &f);
    if (g_error_matches(load, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO))
      jn_error(&f, error, "%s", load->message);
    else
      g_propagate_error(error, g_steal_pointer(&load));
    return FALSE;
  }
  g_autofree char *dir = g_path_get_dirname(path);
  g_autoptr(JDoc) doc = jdoc_new(path, dir);
  JNode root;
  jn_root(&root, doc, json);
  g_autoptr(PriceCatalog) file = catalog_new();
  if (!apply_catalog(file, &root, FALSE, error))
    return FALSE;
  catalog_replace(cat, file);
  return TRUE;
}

PriceCatalog *
pricing_default(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(cJSON) json =
    json_parse_text(BUILTIN_NAME, pricing_embedded_json,
                    pricing_embedded_json_len, &error);
  PriceCatalog *cat = catalog_new();
  if (json != NULL) {
    g_autoptr(JDoc) doc = jdoc_new(BUILTIN_NAME, ".");
    JNode root;
    jn_root(&root, doc, json);
    if (apply_catalog(cat, &root, FALSE, &error))
      return cat;
  }
  g_error("the built-in price catalog is broken: %s", error->message);
}

gboolean
pricing_parse(PriceCatalog *cat, const JNode *n, GError **error)
{
  g_return_val_if_fail(cat != NULL && n != NULL, FALSE);
  g_return_val_if_fail(error == NULL || *error == NULL, FALSE);
  return apply_catalog(cat, n, TRUE, error);
}
