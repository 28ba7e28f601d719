/* Section parsing and cross-reference checks of a scenario. */
#include "models/config/scenario-check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/config/expect-config.h"
#include "models/config/faults-config.h"
#include "models/input/input.h"
#include "models/config/scenario-warnings.h"
#include "models/config/fidelity.h"

static const char *const top_keys[] = {
  "name", "description", "seed", "duration", "period", "start_at",
  "cluster", "taskDefinitions", "targetGroups", "services", "slo",
  "ecs_rules", "pricing", "faults", "variants", "expect", "ignore_warnings",
  "applicationAutoScaling", "fidelity", "request_seed", NULL
};
static const char *const top_required[] = { "duration", "taskDefinitions",
                                            "services", NULL };

static void
failure_free(gpointer p)
{
  failure_model_clear(p);
  g_free(p);
}

/* Revision for an entry without one: 1 + entries of the family before,
 * counted in @seen (family -> entries so far), which takes @item's. */
static int
auto_revision(GHashTable *seen, const JNode *item)
{
  JNode fam;
  if (!jn_member(item, "family", &fam) || !cJSON_IsString(fam.json))
    return 1;
  const char *family = fam.json->valuestring;
  int rev = 1 + GPOINTER_TO_INT(g_hash_table_lookup(seen, family));
  g_hash_table_insert(seen, (gpointer) family, GINT_TO_POINTER(rev));
  return rev;
}

/* One entry of taskDefinitions into @cfg; @revisions and @names (the
 * names so far) index the entries before it. */
static gboolean
parse_taskdef(ScenarioConfig *cfg, JNode *item, GHashTable *revisions,
              GHashTable *names, GError **error)
{
  JNode fm;
  FailureModel *failure = g_new0(FailureModel, 1);
  failure_model_init(failure);
  g_ptr_array_add(cfg->taskdef_failures, failure);
  /* failure_model is ecsim's, not ECS's: read it, then hide it from the
   * task definition parser. */
  if (jn_member(item, "failure_model", &fm)) {
    if (!failure_model_parse(&fm, failure, error))
      return FALSE;
    cJSON_DeleteItemFromObjectCaseSensitive((cJSON *) item->json,
                                            "failure_model");
  }
  EcsTaskDef *td = taskdef_parse(item, auto_revision(revisions, item), error);
  if (td == NULL)
    return FALSE;
  g_ptr_array_add(cfg->taskdefs, td);
  if (!g_hash_table_add(names, td->name)) {
    jn_error(item, error, "task definition %s is defined twice", td->name);
    return FALSE;
  }
  return TRUE;
}

/* Thousands of revisions are usual in an account: one pass, with the
 * entries before each one indexed by family and by name (a search of the
 * earlier entries for each made this O(n^3)). */
static gboolean
parse_taskdefs(ScenarioConfig *cfg, const JNode *root, GError **error)
{
  JNode arr;
  jn_member(root, "taskDefinitions", &arr);
  if (!jn_check_array(&arr, 1, 10000, error))
    return FALSE;
  cfg->taskdefs = g_ptr_array_new_with_free_func((GDestroyNotify) taskdef_free);
  cfg->taskdef_failures = g_ptr_array_new_with_free_func(failure_free);
  g_autoptr(GHashTable) revisions = g_hash_table_new(g_str_hash, g_str_equal);
  g_autoptr(GHashTable) names = g_hash_table_new(g_str_hash, g_str_equal);
  int i = 0;
  for (const cJSON *e = arr.json->child; e != NULL; e = e->next, i++) {
    JNode item;
    jn_element(&arr, e, i, &item);
    if (!parse_taskdef(cfg, &item, revisions, names, error))
      return FALSE;
  }
  return TRUE;
}

static gboolean
parse_target_groups(ScenarioConfig *cfg, const JNode *root, GError **error)
{
  JNode arr;
  cfg->target_groups =
    g_ptr_array_new_with_free_func((GDestroyNotify) target_group_free);
  if (!jn_member(root, "targetGroups", &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 1000, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    jn_index(&arr, i, &item);
    TargetGroupConfig *tg = target_group_parse(&item, error);
    if (tg == NULL)
      return FALSE;
    for (guint j = 0; j < cfg->target_groups->len; j++) {
      if (strcmp(((TargetGroupConfig *) cfg->target_groups->pdata[j])->name,
                 tg->name) == 0) {
        jn_error(&item, error, "target group \"%s\" is defined twice",
                 tg->name);
        target_group_free(tg);
        return FALSE;
      }
    }
    g_ptr_array_add(cfg->target_groups, tg);
  }
  return TRUE;
}

/* The "pNN" key of the short form {"p99": "200ms"} (the error budget
 * aside), or NULL when @slo holds anything else. */
static const cJSON *
slo_percentile_key(const cJSON *slo)
{
  const cJSON *key = NULL;
  for (const cJSON *m = slo->child; m; m = m->next) {
    if (strcmp(m->string, "error_budget") == 0)
      continue;
    if (key != NULL || m->string[0] != 'p')
      return NULL;
    key = m;
  }
  return key;
}

static gboolean
parse_slo(ScenarioConfig *cfg, const JNode *root, GError **error)
{
  cfg->slo.error_budget = SLO_DEFAULT_ERROR_BUDGET;
  JNode slo;
  if (!jn_member(root, "slo", &slo))
    return TRUE;
  if (!cJSON_IsObject(slo.json) || slo.json->child == NULL)
    return jn_error(&slo, error, "must be an object such as {\"p99\": "
                    "\"200ms\"} or {\"latency\": \"300ms\", \"target\": "
                    "0.995}"), FALSE;
  const cJSON *first = slo_percentile_key(slo.json);
  if (first != NULL) {
    char *end = NULL;
    double pct = strtod(first->string + 1, &end);
    JNode v;
    jn_member(&slo, first->string, &v);
    if (*end != '\0' || !(pct > 0 && pct < 100))
      return jn_error(&v, error, "expected a percentile key such as p99 or "
                      "p99.9"), FALSE;
    cfg->slo.target = pct / 100.0;
    if (!jn_value_duration(&v, 1, SIM_HOUR, &cfg->slo.threshold, error))
      return FALSE;
  } else {
    static const char *const keys[] = { "latency", "target", "error_budget",
                                        NULL };
    static const char *const required[] = { "latency", "target", NULL };
    if (!jn_check_object(&slo, keys, required, error) ||
        !jn_duration(&slo, "latency", 1, SIM_HOUR, &cfg->slo.threshold,
                     error) ||
        !jn_double(&slo, "target", 0.0, 1.0, &cfg->slo.target, error))
      return FALSE;
  }
  /* A fraction of the finished requests, as requests.error_rate. */
  if (!jn_double(&slo, "error_budget", 0.0, 1.0, &cfg->slo.error_budget,
                 error))
    return FALSE;
  cfg->slo.set = TRUE;
  return TRUE;
}

static gboolean
parse_top(ScenarioConfig *cfg, const JNode *root, const char *file,
          const ScenarioOptions *options, GError **error)
{
  int64_t seed = 1, request_seed = -1;
  cfg->period = 60 * SIM_SEC;
  if (!jn_check_object(root, top_keys, top_required, error) ||
      !jn_string(root, "name", &cfg->name, error) ||
      !jn_string(root, "description", &cfg->description, error) ||
      !jn_int(root, "seed", 0, SCENARIO_SEED_MAX, &seed, error) ||
      !jn_int(root, "request_seed", 0, SCENARIO_SEED_MAX, &request_seed,
              error) ||
      !jn_duration(root, "duration", SIM_SEC, 366 * SIM_DAY, &cfg->duration,
                   error) ||
      !jn_duration(root, "period", SIM_SEC, SIM_DAY, &cfg->period, error) ||
      !jn_duration(root, "start_at", 0, 7 * SIM_DAY - 1, &cfg->clock_offset,
                   error))
    return FALSE;
  cfg->seed = options->has_seed ? options->seed : (guint64) seed;
  /* Without one, the requests draw from the run's seed: outputs as
   * before, byte for byte. */
  cfg->has_request_seed = options->has_request_seed || request_seed >= 0;
  cfg->request_seed = options->has_request_seed ? options->request_seed
                      : request_seed >= 0       ? (guint64) request_seed
                                                : cfg->seed;
  if (cfg->name == NULL) {
    /* "<stdin>" names no file: its outputs go to out/stdin. */
    g_autofree char *base = strcmp(file, INPUT_STDIN_NAME) == 0
                              ? g_strdup("stdin") : g_path_get_basename(file);
    char *dot = strrchr(base, '.');
    if (dot)
      *dot = '\0';
    cJSON_AddStringToObject(cfg->tree, "name", base);
    cfg->name = cJSON_GetObjectItemCaseSensitive(cfg->tree, "name")
                  ->valuestring;
  }
  JNode p;
  if (cfg->period > cfg->duration) {
    if (!jn_member(root, "period", &p))
      cfg->period = cfg->duration; /* the default fits a short run */
    else
      return jn_error(&p, error, "must not be longer than the duration"),
             FALSE;
  }
  return TRUE;
}

static gboolean
parse_services(ScenarioConfig *cfg, const JNode *root,
               const ScenarioOptions *options, GError **error)
{
  JNode arr;
  WorkloadParseOptions wopts = { .traffic = { .lenient = options->lenient,
                                              .horizon = cfg->duration } };
  jn_member(root, "services", &arr);
  if (!jn_check_array(&arr, 1, 1000, error))
    return FALSE;
  cfg->services =
    g_ptr_array_new_with_free_func((GDestroyNotify) service_config_free);
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    jn_index(&arr, i, &item);
    ServiceConfig *svc = service_config_parse(&item, &wopts, error);
    if (svc == NULL)
      return FALSE;
    g_ptr_array_add(cfg->services, svc);
    if (scenario_config_find_service(cfg, svc->name) != i) {
      JNode name;
      jn_member(&item, "serviceName", &name);
      return jn_error(&name, error, "service \"%s\" is defined twice",
                      svc->name), FALSE;
    }
  }
  return TRUE;
}

/* A commitment for a type or family the catalog does not know covers
 * nothing, silently: a typo. Refused at its path instead. */
static gboolean
check_commitments(const ScenarioConfig *cfg, const JNode *pricing,
                  GError **error)
{
  const Commitments *c = cfg->pricing->commitments;
  const InstanceCatalog *types = cfg->cluster->catalog;
  g_auto(GStrv) names = instance_catalog_names(types);
  JNode list, item, where;
  jn_member(pricing, "reserved_instances", &list);
  for (guint i = 0; i < c->reserved->len; i++) {
    const ReservedInstance *ri = c->reserved->pdata[i];
    if (instance_catalog_find(types, ri->instance_type) != NULL)
      continue;
    jn_index(&list, (int) i, &item);
    jn_member(&item, "instance_type", &where);
    jn_error(&where, error, "unknown instance type \"%s\" (add it under "
             "cluster.instance_types)", ri->instance_type);
    return FALSE;
  }
  jn_member(pricing, "savings_plans", &list);
  for (guint i = 0; i < c->savings_plans->len; i++) {
    const SavingsPlan *plan = c->savings_plans->pdata[i];
    gboolean known = plan->family == NULL;
    for (char **n = names; !known && *n != NULL; n++) {
      g_autofree char *family = commitments_family_of(*n);
      known = strcmp(family, plan->family) == 0;
    }
    if (known)
      continue;
    jn_index(&list, (int) i, &item);
    jn_member(&item, "family", &where);
    jn_error(&where, error, "no instance type of family \"%s\" in the "
             "catalog (a family is the part before the dot: \"m6i\" of "
             "\"m6i.large\")", plan->family);
    return FALSE;
  }
  return TRUE;
}

/* Whether service @svc can run tasks on Fargate: its launch type, or a
 * Fargate provider in its (or the cluster's default) strategy. */
static gboolean
may_use_fargate(const ScenarioConfig *cfg, const ServiceConfig *svc)
{
  if (svc->launch_type != LAUNCH_TYPE_NONE)
    return svc->launch_type == LAUNCH_TYPE_FARGATE;
  const GArray *strategy = svc->cp_strategy->len > 0
                             ? svc->cp_strategy
                             : cfg->cluster->default_strategy;
  for (guint i = 0; strategy != NULL && i < strategy->len; i++)
    if (cluster_config_is_fargate_provider(
          g_array_index(strategy, CapacityProviderItem, i).provider))
      return TRUE;
  return FALSE;
}

/* With pricing.price_list, the prices the scenario uses come from AWS's
 * offer files: its ASGs' instance types and the Fargate rates its
 * services' architectures need. */
static gboolean
apply_price_lists(ScenarioConfig *cfg, GError **error)
{
  g_autoptr(GHashTable) types = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint a = 0; a < cfg->cluster->asgs->len; a++)
    g_hash_table_add(types, (gpointer) ((const AsgConfig *)
                                          cfg->cluster->asgs->pdata[a])
                              ->type->name);
  gboolean x86 = FALSE, arm = FALSE;
  for (guint i = 0; i < cfg->services->len; i++) {
    const EcsTaskDef *def = cfg->service_taskdefs->pdata[i];
    if (!may_use_fargate(cfg, cfg->services->pdata[i]))
      continue;
    if (def->cpu_architecture == ECS_ARCH_ARM64)
      arm = TRUE;
    else
      x86 = TRUE;
  }
  return pricing_apply_price_lists(cfg->pricing, types, x86, arm, error);
}

gboolean
scenario_check(ScenarioConfig *cfg, const char *file,
               const ScenarioOptions *options, GError **error)
{
  JNode root, cluster;
  jn_root(&root, cfg->doc, cfg->tree);
  if (!jn_check_finite(&root, error) ||
      !parse_top(cfg, &root, file, options, error))
    return FALSE;
  ecs_rules_init(&cfg->rules);
  JNode rules;
  if (jn_member(&root, "ecs_rules", &rules) &&
      !ecs_rules_parse(&rules, &cfg->rules, error))
    return FALSE;
  JNode pricing;
  cfg->pricing = pricing_default();
  if (jn_member(&root, "pricing", &pricing) &&
      !pricing_parse(cfg->pricing, &pricing, error))
    return FALSE;
  jn_member(&root, "cluster", &cluster);
  cfg->cluster = cluster_config_parse(&cluster, error);
  if (cfg->cluster == NULL || !parse_taskdefs(cfg, &root, error) ||
      !parse_target_groups(cfg, &root, error) ||
      !parse_services(cfg, &root, options, error) ||
      !parse_slo(cfg, &root, error) ||
      !fidelity_parse(cfg, &root, error))
    return FALSE;
  if (!scenario_check_services(cfg, &root, error) ||
      !check_commitments(cfg, &pricing, error) ||
      !apply_price_lists(cfg, error))
    return FALSE;
  JNode faults;
  jn_member(&root, "faults", &faults);
  cfg->faults = faults_parse(&faults, cfg, error);
  if (cfg->faults == NULL)
    return FALSE;
  if (!scenario_parse_ignored_warnings(cfg, &root, error))
    return FALSE;
  JNode expect;
  jn_member(&root, "expect", &expect);
  cfg->expect = expect_parse(&expect, cfg, error);
  return cfg->expect != NULL;
}
