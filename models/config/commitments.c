/* Savings Plans and Reserved Instances in a scenario's pricing section. */
#include "models/config/commitments.h"

#include <math.h>
#include <string.h>

#define HOURS_PER_YEAR 8760.0

static void
plan_free(gpointer p)
{
  SavingsPlan *plan = p;
  g_hash_table_destroy(plan->discounts);
  g_free(plan->family);
  g_free(plan->region);
  g_free(plan);
}

static void
reserved_free(gpointer p)
{
  ReservedInstance *ri = p;
  g_free(ri->instance_type);
  g_free(ri);
}

Commitments *
commitments_new(void)
{
  Commitments *c = g_new0(Commitments, 1);
  c->savings_plans = g_ptr_array_new_with_free_func(plan_free);
  c->reserved = g_ptr_array_new_with_free_func(reserved_free);
  return c;
}

void
commitments_free(Commitments *c)
{
  if (c == NULL)
    return;
  g_ptr_array_unref(c->savings_plans);
  g_ptr_array_unref(c->reserved);
  g_free(c);
}

gboolean
commitments_any(const Commitments *c)
{
  return c->savings_plans->len > 0 || c->reserved->len > 0;
}

char *
commitments_family_of(const char *type)
{
  const char *dot = strchr(type, '.');
  return dot != NULL ? g_strndup(type, dot - type) : g_strdup(type);
}

double
savings_plan_discount(const SavingsPlan *plan, const char *family)
{
  const double *d = g_hash_table_lookup(plan->discounts, family);
  return d != NULL ? *d : plan->discount;
}

/* A fraction off in [0, 1): 1 would make the usage free. */
static gboolean
read_fraction(const JNode *obj, const char *key, double *out, GError **error)
{
  JNode v;
  if (!jn_double(obj, key, -INFINITY, INFINITY, out, error))
    return FALSE;
  if (jn_member(obj, key, &v) && !(*out >= 0 && *out < 1)) {
    jn_error(&v, error, "must be >= 0 and < 1 (the fraction off "
             "On-Demand), got %g", *out);
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_discounts(SavingsPlan *plan, const JNode *n, GError **error)
{
  if (!cJSON_IsObject(n->json)) {
    jn_error(n, error, "must be an object of family: fraction off, like "
             "{\"m7g\": 0.3, \"fargate\": 0.2}");
    return FALSE;
  }
  for (const cJSON *m = n->json->child; m != NULL; m = m->next) {
    double d = 0;
    JNode v;
    jn_member(n, m->string, &v);
    if (g_hash_table_contains(plan->discounts, m->string)) {
      jn_error(&v, error, "key appears twice");
      return FALSE;
    }
    if (!read_fraction(n, m->string, &d, error))
      return FALSE;
    g_hash_table_insert(plan->discounts, g_strdup(m->string),
                        g_memdup2(&d, sizeof d));
  }
  return TRUE;
}

static gboolean
parse_plan(Commitments *c, const JNode *n, GError **error)
{
  static const char *const keys[] = { "type", "commitment_per_hour",
                                      "discount", "discounts", "family",
                                      "region", NULL };
  static const char *const required[] = { "type", "commitment_per_hour",
                                          "discount", NULL };
  static const char *const types[] = { "compute", "ec2_instance", NULL };
  int type = 0;
  if (!jn_check_object(n, keys, required, error) ||
      !jn_enum(n, "type", types, &type, error))
    return FALSE;
  SavingsPlan *plan = g_new0(SavingsPlan, 1);
  plan->type = (SavingsPlanType) type;
  plan->discounts =
    g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  g_ptr_array_add(c->savings_plans, plan);
  const char *family = NULL, *region = NULL;
  JNode v;
  if (!jn_double(n, "commitment_per_hour", 0, 1e6, &plan->commitment_hour,
                 error) ||
      !read_fraction(n, "discount", &plan->discount, error) ||
      (jn_member(n, "discounts", &v) && !parse_discounts(plan, &v, error)) ||
      !jn_string(n, "family", &family, error) ||
      !jn_string(n, "region", &region, error))
    return FALSE;
  if (plan->type == SAVINGS_PLAN_EC2_INSTANCE) {
    /* AWS: "specific to a region and an instance family". */
    if (family == NULL || region == NULL) {
      jn_error(n, error, "an ec2_instance Savings Plan needs \"family\" "
               "(like \"m6i\") and \"region\" (like \"us-east-1\")");
      return FALSE;
    }
    plan->family = g_strdup(family);
    plan->region = g_strdup(region);
  } else if (family != NULL || region != NULL) {
    jn_member(n, family != NULL ? "family" : "region", &v);
    jn_error(&v, error, "a compute Savings Plan covers every family and "
             "region: only an ec2_instance plan takes this");
    return FALSE;
  }
  return TRUE;
}

static gboolean
parse_reserved(Commitments *c, const JNode *n, GError **error)
{
  static const char *const keys[] = { "instance_type", "count", "hourly",
                                      "upfront", "term", NULL };
  static const char *const required[] = { "instance_type", "count", NULL };
  static const char *const terms[] = { "1y", "3y", NULL };
  const char *type = NULL;
  int64_t count = 0;
  double hourly = 0, upfront = 0;
  int term = 0;
  JNode v;
  if (!jn_check_object(n, keys, required, error) ||
      !jn_string(n, "instance_type", &type, error) ||
      !jn_int(n, "count", 1, 100000, &count, error) ||
      !jn_double(n, "hourly", 0, 1e4, &hourly, error) ||
      !jn_double(n, "upfront", 0, 1e9, &upfront, error) ||
      !jn_enum(n, "term", terms, &term, error))
    return FALSE;
  if (upfront > 0 && !jn_member(n, "term", &v)) {
    jn_error(&v, error, "an upfront payment needs its term, \"1y\" or "
             "\"3y\", to spread it over");
    return FALSE;
  }
  ReservedInstance *ri = g_new0(ReservedInstance, 1);
  ri->instance_type = g_strdup(type);
  ri->count = (int) count;
  ri->effective_hour = hourly + upfront / (HOURS_PER_YEAR * (term ? 3 : 1));
  g_ptr_array_add(c->reserved, ri);
  return TRUE;
}

static gboolean
parse_list(Commitments *c, const JNode *pricing, const char *key,
           gboolean (*parse)(Commitments *, const JNode *, GError **),
           GError **error)
{
  JNode arr;
  if (!jn_member(pricing, key, &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 1000, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    jn_index(&arr, i, &item);
    if (!parse(c, &item, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
commitments_parse(Commitments *c, const JNode *pricing, GError **error)
{
  g_return_val_if_fail(c != NULL && pricing != NULL, FALSE);
  JNode v;
  if (jn_member(pricing, "savings_plans", &v))
    g_ptr_array_set_size(c->savings_plans, 0);
  if (jn_member(pricing, "reserved_instances", &v))
    g_ptr_array_set_size(c->reserved, 0);
  return parse_list(c, pricing, "savings_plans", parse_plan, error) &&
         parse_list(c, pricing, "reserved_instances", parse_reserved, error);
}
