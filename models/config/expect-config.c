/* Expectations: parsing a scenario's "expect" section. */
#include "models/config/expect-config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/input/jsonfile.h"

static const char *const op_names[] = { "max", "min", "eq", "lt", "gt",
                                        NULL };
static const char *const op_symbols[] = { "<=", ">=", "==", "<", ">" };

const char *
expect_op_symbol(ExpectOp op)
{
  return op_symbols[op];
}

#define OPERATORS "max, min, eq, lt or gt"

void
expectation_free(Expectation *e)
{
  if (e == NULL)
    return;
  g_free(e->path);
  g_free(e);
}

/* @path with a service index ("services.0.") replaced by its name, as
 * the schema's paths name services. Returns a new string. */
static char *
canonical_path(const char *path, const ScenarioConfig *cfg)
{
  if (!g_str_has_prefix(path, "services.") ||
      !g_ascii_isdigit(path[strlen("services.")]))
    return g_strdup(path);
  char *end;
  guint64 i = g_ascii_strtoull(path + strlen("services."), &end, 10);
  if (*end != '.' || i >= cfg->services->len)
    return g_strdup(path);
  return g_strdup_printf("services.%s%s",
                         ((ServiceConfig *) cfg->services->pdata[i])->name,
                         end);
}

static gboolean
check_path(const JNode *field, const char *path, const ScenarioConfig *cfg,
           const GPtrArray *paths, GError **error)
{
  g_autofree char *canon = canonical_path(path, cfg);
  for (guint i = 0; i < paths->len; i++) {
    if (strcmp(paths->pdata[i], canon) != 0)
      continue;
    if (g_str_has_prefix(canon, "slo.") && !cfg->slo.set)
      return jn_error(field, error, "the scenario has no \"slo\", so "
                      "summary.json has no slo fields; add one, e.g. "
                      "\"slo\": {\"p99\": \"200ms\"}"), FALSE;
    return TRUE;
  }
  g_autofree char *near = summary_schema_suggest(canon, paths, 3);
  if (near)
    jn_error(field, error, "not a field of summary.json; did you mean %s?",
             near);
  else
    jn_error(field, error, "not a field of summary.json (dotted paths such "
             "as latency.p99_ms or cost.total_usd; see "
             "scenarios/REFERENCE.md)");
  return FALSE;
}

/* A percentage string "0.1%" as a number of percent. */
static gboolean
parse_percent(const char *text, double *out)
{
  char *end;
  double v = g_ascii_strtod(text, &end);
  if (end == text || strcmp(end, "%") != 0 || !isfinite(v))
    return FALSE;
  *out = v;
  return TRUE;
}

static gboolean
parse_limit(const JNode *v, SummaryUnit unit, double *out, GError **error)
{
  const cJSON *j = v->json;
  g_autofree char *got = j ? json_describe(j) : g_strdup("null");
  if (unit == SUMMARY_UNIT_BOOL) {
    if (!cJSON_IsBool(j))
      return jn_error(v, error, "must be true or false, got %s", got), FALSE;
    *out = cJSON_IsTrue(j) ? 1.0 : 0.0;
    return TRUE;
  }
  if (cJSON_IsNumber(j)) {
    *out = j->valuedouble;
    return TRUE;
  }
  if (cJSON_IsString(j) && unit == SUMMARY_UNIT_MS) {
    /* A string needs its unit: "200" would read as 200 seconds. */
    SimTime t;
    char *end;
    g_ascii_strtod(j->valuestring, &end);
    g_autoptr(GError) parse = NULL;
    if (*end != '\0' && sim_time_parse(j->valuestring, &t, &parse)) {
      *out = (double) t / (double) SIM_MSEC;
      return TRUE;
    }
  }
  if (cJSON_IsString(j) && (unit == SUMMARY_UNIT_FRACTION ||
                            unit == SUMMARY_UNIT_PERCENT)) {
    double pct;
    if (parse_percent(j->valuestring, &pct)) {
      *out = unit == SUMMARY_UNIT_FRACTION ? pct / 100.0 : pct;
      return TRUE;
    }
  }
  const char *want =
    unit == SUMMARY_UNIT_MS ? "a number of milliseconds or a duration such "
                              "as \"200ms\""
    : unit == SUMMARY_UNIT_FRACTION ? "a fraction such as 0.001 or a "
                                      "percentage such as \"0.1%\""
    : unit == SUMMARY_UNIT_PERCENT ? "a number of percent such as 80 or "
                                     "\"80%\""
                                   : "a number";
  jn_error(v, error, "must be %s, got %s", want, got);
  return FALSE;
}

/* Compares with a relative slack of 1e-9, as summary.json's figures are
 * rounded decimals. */
gboolean
expect_holds(ExpectOp op, double v, double limit)
{
  double slack = 1e-9 * MAX(1.0, MAX(fabs(v), fabs(limit)));
  gboolean near = fabs(v - limit) <= slack;
  switch (op) {
  case EXPECT_MAX: return v < limit || near;
  case EXPECT_MIN: return v > limit || near;
  case EXPECT_EQ: return near;
  case EXPECT_LT: return v < limit && !near;
  case EXPECT_GT: return v > limit && !near;
  }
  g_assert_not_reached();
}

/* Refuses limits no value can meet: {"min": 5, "max": 3}. Returns FALSE
 * and sets @error naming @field when the range from min/gt to max/lt of
 * list[first..] is empty. */
static gboolean
check_range(const JNode *field, const GPtrArray *list, guint first,
            GError **error)
{
  double lo = -INFINITY, hi = INFINITY;
  gboolean lo_strict = FALSE, hi_strict = FALSE;
  for (guint i = first; i < list->len; i++) {
    const Expectation *e = list->pdata[i];
    if ((e->op == EXPECT_MIN || e->op == EXPECT_GT) && e->limit >= lo) {
      lo_strict = e->op == EXPECT_GT || (e->limit == lo && lo_strict);
      lo = e->limit;
    }
    if ((e->op == EXPECT_MAX || e->op == EXPECT_LT) && e->limit <= hi) {
      hi_strict = e->op == EXPECT_LT || (e->limit == hi && hi_strict);
      hi = e->limit;
    }
  }
  if (lo < hi || (lo == hi && !lo_strict && !hi_strict))
    return TRUE;
  char a[SUMMARY_VALUE_MAX], b[SUMMARY_VALUE_MAX];
  const Expectation *e = list->pdata[first];
  summary_schema_format_pair(lo, hi, e->unit, a, b);
  jn_error(field, error, "no value can be %s %s and %s %s",
           lo_strict ? ">" : ">=", a, hi_strict ? "<" : "<=", b);
  return FALSE;
}

/* Refuses an "eq" that another limit of list[first..] rules out:
 * {"eq": 500, "max": 200}. The eq's value is the only one that can pass
 * it, so each other limit must hold for it. */
static gboolean
check_eq(const JNode *field, const GPtrArray *list, guint first,
         GError **error)
{
  for (guint i = first; i < list->len; i++) {
    const Expectation *eq = list->pdata[i];
    if (eq->op != EXPECT_EQ)
      continue;
    for (guint j = first; j < list->len; j++) {
      const Expectation *e = list->pdata[j];
      if (j == i || expect_holds(e->op, eq->limit, e->limit))
        continue;
      char a[SUMMARY_VALUE_MAX], b[SUMMARY_VALUE_MAX];
      summary_schema_format_pair(eq->limit, e->limit, e->unit, a, b);
      jn_error(field, error, "no value can be == %s and %s %s", a,
               op_symbols[e->op], b);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean
parse_field(const JNode *field, const char *path, const ScenarioConfig *cfg,
            const GPtrArray *paths, GPtrArray *list, GError **error)
{
  if (!check_path(field, path, cfg, paths, error))
    return FALSE;
  g_autofree char *canon = canonical_path(path, cfg);
  const SummaryField *f = summary_schema_lookup(canon);
  g_assert(f != NULL);
  if (!cJSON_IsObject(field->json) || field->json->child == NULL)
    return jn_error(field, error, "must be an object of limits by operator "
                    "(" OPERATORS "), e.g. {\"max\": %s}",
                    f->unit == SUMMARY_UNIT_MS ? "\"200ms\"" : "10"), FALSE;
  guint first = list->len;
  for (const cJSON *m = field->json->child; m; m = m->next) {
    JNode v;
    jn_member(field, m->string, &v);
    int op = -1;
    for (int k = 0; op_names[k]; k++)
      if (strcmp(m->string, op_names[k]) == 0)
        op = k;
    if (op < 0)
      return jn_error(&v, error, "unknown operator; use " OPERATORS), FALSE;
    if (f->unit == SUMMARY_UNIT_BOOL && op != EXPECT_EQ)
      return jn_error(&v, error, "%s is true or false: use \"eq\"", path),
             FALSE;
    Expectation *e = g_new0(Expectation, 1);
    e->path = g_strdup(path);
    e->op = (ExpectOp) op;
    e->unit = f->unit;
    g_ptr_array_add(list, e);
    if (!parse_limit(&v, f->unit, &e->limit, error))
      return FALSE;
  }
  return check_range(field, list, first, error) &&
         check_eq(field, list, first, error);
}

GPtrArray *
expect_parse(const JNode *node, const ScenarioConfig *cfg, GError **error)
{
  g_return_val_if_fail(node != NULL && cfg != NULL, NULL);
  g_autoptr(GPtrArray) list =
    g_ptr_array_new_with_free_func((GDestroyNotify) expectation_free);
  if (node->json == NULL)
    return g_steal_pointer(&list);
  if (!cJSON_IsObject(node->json))
    return jn_error(node, error, "must be an object of summary.json fields "
                    "and limits, e.g. {\"latency.p99_ms\": {\"max\": "
                    "\"200ms\"}}"), NULL;
  g_autoptr(GPtrArray) paths = summary_schema_paths(cfg);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (const cJSON *m = node->json->child; m; m = m->next) {
    JNode field;
    jn_member(node, m->string, &field);
    if (!g_hash_table_add(seen, m->string))
      return jn_error(&field, error, "key appears twice"), NULL;
    if (!parse_field(&field, m->string, cfg, paths, list, error))
      return NULL;
  }
  return g_steal_pointer(&list);
}

