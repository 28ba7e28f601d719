/* Sweep plans: grid points, run numbering, and running one run. */
#include "models/experiments/sweep.h"

#include <math.h>
#include <string.h>

#include "models/experiments/batch.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"

SweepPlan *
sweep_plan_new(const char *scenario_path)
{
  g_return_val_if_fail(scenario_path != NULL, NULL);
  SweepPlan *plan = g_new0(SweepPlan, 1);
  plan->scenario_path = g_strdup(scenario_path);
  plan->axes = g_ptr_array_new_with_free_func((GDestroyNotify) sweep_axis_free);
  plan->n_seeds = 1;
  return plan;
}

void
sweep_plan_free(SweepPlan *plan)
{
  if (plan == NULL)
    return;
  g_free(plan->scenario_path);
  g_strfreev(plan->sets);
  g_ptr_array_unref(plan->axes);
  g_strfreev(plan->variants);
  g_free(plan->outputs_dir);
  g_free(plan->scenario_text);
  g_free(plan->scenario_sha256);
  g_free(plan->scenario_name);
  g_strfreev(plan->axis_names);
  g_free(plan);
}

guint
sweep_plan_n_points(const SweepPlan *plan)
{
  guint n = 1;
  for (guint a = 0; a < plan->axes->len; a++)
    n *= ((SweepAxis *) plan->axes->pdata[a])->values->len;
  return n;
}

guint
sweep_plan_n_variants(const SweepPlan *plan)
{
  return plan->variants ? g_strv_length(plan->variants) : 0;
}

guint
sweep_plan_n_runs(const SweepPlan *plan)
{
  return sweep_plan_n_points(plan) * sweep_plan_n_variants(plan) *
         plan->n_seeds;
}

void
sweep_plan_locate(const SweepPlan *plan, guint run, guint *point,
                  guint *variant, guint *k)
{
  guint nv = sweep_plan_n_variants(plan);
  guint per_seed = sweep_plan_n_points(plan) * nv;
  g_return_if_fail(nv > 0 && run < per_seed * plan->n_seeds);
  *k = run / per_seed;
  *point = (run % per_seed) / nv;
  *variant = run % nv;
}

const char *
sweep_plan_value(const SweepPlan *plan, guint point, guint axis)
{
  g_return_val_if_fail(axis < plan->axes->len, NULL);
  guint stride = 1;
  for (guint a = plan->axes->len - 1; a > axis; a--)
    stride *= ((SweepAxis *) plan->axes->pdata[a])->values->len;
  const GPtrArray *values = ((SweepAxis *) plan->axes->pdata[axis])->values;
  return values->pdata[(point / stride) % values->len];
}

char *
sweep_plan_point_label(const SweepPlan *plan, guint point)
{
  GString *s = g_string_new("");
  for (guint a = 0; a < plan->axes->len; a++)
    g_string_append_printf(s, "%s%s=%s", a ? " " : "", plan->axis_names[a],
                           sweep_plan_value(plan, point, a));
  return g_string_free(s, FALSE);
}

char *
sweep_plan_point_key(const SweepPlan *plan, guint point)
{
  g_autoptr(cJSON) o = cJSON_CreateObject();
  for (guint a = 0; a < plan->axes->len; a++)
    cJSON_AddItemToObject(o, ((SweepAxis *) plan->axes->pdata[a])->pointer,
                          json_parse_loose(sweep_plan_value(plan, point, a)));
  return json_compact_text(o);
}

/* The scenario with the sweep's --set values and @point's values, or
 * NULL and @error. */
static Scenario *
point_scenario(const SweepPlan *plan, guint point, GError **error)
{
  g_autofree char *dir = g_path_get_dirname(plan->scenario_path);
  g_autoptr(Scenario) scn = scenario_load_data(plan->scenario_path,
                                               plan->scenario_text, dir,
                                               error);
  for (char **s = plan->sets; scn && s && *s; s++)
    if (!scenario_add_override(scn, *s, error))
      g_clear_pointer(&scn, scenario_free);
  for (guint a = 0; scn && a < plan->axes->len; a++) {
    g_autofree char *set = g_strdup_printf(
      "%s=%s", ((SweepAxis *) plan->axes->pdata[a])->pointer,
      sweep_plan_value(plan, point, a));
    if (!scenario_add_override(scn, set, error))
      g_clear_pointer(&scn, scenario_free);
  }
  return g_steal_pointer(&scn);
}

static ScenarioConfig *
configure_variant(Scenario *scn, const char *variant, gboolean seeded,
                  guint64 seed, GError **error)
{
  ScenarioOptions so = { .has_seed = seeded, .seed = seed };
  return scenario_configure(scn, variant, &so, error);
}

static gboolean
is_index(const char *token)
{
  if (strcmp(token, "-") == 0)
    return TRUE;
  for (const char *c = token; *c; c++)
    if (!g_ascii_isdigit(*c))
      return FALSE;
  return TRUE;
}

static void
name_axes(SweepPlan *plan)
{
  g_autoptr(GStrvBuilder) b = g_strv_builder_new();
  for (guint a = 0; a < plan->axes->len; a++) {
    const char *ptr = ((SweepAxis *) plan->axes->pdata[a])->pointer;
    const char *last = strrchr(ptr, '/') + 1;
    gboolean shared = is_index(last) || strchr(last, '~') != NULL;
    for (guint o = 0; o < plan->axes->len && !shared; o++) {
      const char *other = ((SweepAxis *) plan->axes->pdata[o])->pointer;
      shared = o != a && strcmp(strrchr(other, '/') + 1, last) == 0;
    }
    g_strv_builder_add(b, shared ? ptr : last);
  }
  plan->axis_names = g_strv_builder_end(b);
}

static gboolean
read_scenario(SweepPlan *plan, GError **error)
{
  if (!input_read_file(plan->scenario_path, &plan->scenario_text, NULL,
                       error))
    return FALSE;
  plan->scenario_sha256 = g_compute_checksum_for_string(
    G_CHECKSUM_SHA256, plan->scenario_text, -1);
  g_autofree char *dir = g_path_get_dirname(plan->scenario_path);
  g_autoptr(Scenario) scn = scenario_load_data(
    plan->scenario_path, plan->scenario_text, dir, error);
  if (scn == NULL)
    return FALSE;
  if (plan->variants == NULL) {
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    for (guint i = 0; i < scenario_n_variants(scn); i++)
      g_strv_builder_add(b, scenario_variant_name(scn, i));
    plan->variants = g_strv_builder_end(b);
  }
  return TRUE;
}

static gboolean
check_shape(SweepPlan *plan, GError **error)
{
  for (guint a = 0; a < plan->axes->len; a++)
    for (guint b = 0; b < a; b++)
      if (strcmp(((SweepAxis *) plan->axes->pdata[a])->pointer,
                 ((SweepAxis *) plan->axes->pdata[b])->pointer) == 0) {
        g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                    "--grid %s: given twice",
                    ((SweepAxis *) plan->axes->pdata[a])->pointer);
        return FALSE;
      }
  for (char **v = plan->variants; *v; v++)
    for (char **w = plan->variants; w < v; w++)
      if (strcmp(*v, *w) == 0) {
        g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                    "--variant %s: given twice", *v);
        return FALSE;
      }
  double runs = (double) plan->n_seeds * g_strv_length(plan->variants);
  for (guint a = 0; a < plan->axes->len; a++)
    runs *= ((SweepAxis *) plan->axes->pdata[a])->values->len;
  if (plan->n_seeds == 0 || runs > SWEEP_MAX_RUNS) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "the sweep has %.0f runs; at least 1 and at most %d are "
                "allowed", runs, SWEEP_MAX_RUNS);
    return FALSE;
  }
  return TRUE;
}

gboolean
sweep_plan_prepare(SweepPlan *plan, GError **error)
{
  g_return_val_if_fail(plan != NULL && plan->scenario_text == NULL, FALSE);
  if (!read_scenario(plan, error) || !check_shape(plan, error))
    return FALSE;
  name_axes(plan);
  guint nv = sweep_plan_n_variants(plan);
  for (guint p = 0; p < sweep_plan_n_points(plan); p++) {
    /* Loaded once per point: a variant's configuration copies it. */
    g_autoptr(Scenario) scn = point_scenario(plan, p, error);
    for (guint v = 0; v < nv; v++) {
      ScenarioConfig *cfg =
        scn ? configure_variant(scn, plan->variants[v], plan->has_seed,
                                plan->base_seed, error)
            : NULL;
      if (cfg == NULL) {
        g_autofree char *label = sweep_plan_point_label(plan, p);
        if (plan->axes->len > 0)
          g_prefix_error(error, "grid point %u (%s), variant %s: ", p, label,
                         plan->variants[v]);
        return FALSE;
      }
      if (!plan->has_seed) {
        plan->has_seed = TRUE;
        plan->base_seed = cfg->seed;
      }
      if (plan->base_seed + plan->n_seeds - 1 > SCENARIO_SEED_MAX) {
        g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                    "seeds %" G_GUINT64_FORMAT " to %" G_GUINT64_FORMAT
                    " go past the largest seed, %" G_GINT64_FORMAT,
                    plan->base_seed, plan->base_seed + plan->n_seeds - 1,
                    SCENARIO_SEED_MAX);
        scenario_config_free(cfg);
        return FALSE;
      }
      /* Its seeds would all draw the same requests: intervals too narrow
       * to trust, and no word of it. */
      if (cfg->has_request_seed && plan->n_seeds > 1) {
        g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                    "%s: /request_seed: the sweep's %u seeds would all draw "
                    "the same requests and its confidence intervals leave "
                    "out their noise; remove it (it is for a single run)",
                    cfg->file, plan->n_seeds);
        scenario_config_free(cfg);
        return FALSE;
      }
      plan->error_budget = p == 0 && v == 0
                             ? cfg->slo.error_budget
                             : MIN(plan->error_budget, cfg->slo.error_budget);
      if (plan->scenario_name == NULL)
        plan->scenario_name = g_strdup(cfg->name);
      scenario_config_free(cfg);
    }
  }
  return TRUE;
}

/* @o as it reads back from its JSON text (taken; a new tree returned).
 * cJSON prints a number with 15 digits when that reads back within an
 * epsilon, so a figure sent to another MPI rank as text may lose its last
 * bit; results kept in this process go through the same text so that
 * they are identical wherever they ran. */
static cJSON *
canonical(cJSON *o)
{
  if (o == NULL)
    return NULL;
  char *text = cJSON_PrintUnformatted(o);
  cJSON *copy = cJSON_Parse(text);
  cJSON_free(text);
  cJSON_Delete(o);
  return copy;
}

SweepResult *
sweep_plan_execute(const SweepPlan *plan, guint run,
                   volatile sig_atomic_t *interrupt)
{
  SweepResult *r = g_new0(SweepResult, 1);
  r->run = run;
  if (interrupt != NULL && *interrupt) {
    r->interrupted = TRUE;
    r->error = g_strdup("interrupted");
    return r;
  }
  guint point, variant, k;
  sweep_plan_locate(plan, run, &point, &variant, &k);
  g_autoptr(GError) error = NULL;
  /* The Scenario must outlive its configuration. */
  g_autoptr(Scenario) scn = point_scenario(plan, point, &error);
  g_autoptr(ScenarioConfig) cfg =
    scn ? configure_variant(scn, plan->variants[variant], TRUE,
                            plan->base_seed + k, &error)
        : NULL;
  if (cfg == NULL) {
    r->error = g_strdup(error->message);
    return r;
  }
  g_autofree char *dir = NULL;
  if (plan->outputs_dir != NULL) {
    g_autofree char *name = g_strdup_printf("%u", run);
    dir = g_build_filename(plan->outputs_dir, name, NULL);
  }
  BatchJob *job = batch_job_new(cfg, 1.0, dir);
  job->want_series = TRUE;
  batch_job_run(job, interrupt);
  r->summary = canonical(g_steal_pointer(&job->summary));
  r->timing = canonical(g_steal_pointer(&job->timing));
  r->series = canonical(g_steal_pointer(&job->series));
  r->error = g_steal_pointer(&job->error);
  r->interrupted = job->interrupted;
  batch_job_free(job);
  return r;
}

char *
sweep_result_to_text(const SweepResult *r)
{
  g_autoptr(cJSON) o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "run", r->run);
  if (r->summary)
    cJSON_AddItemReferenceToObject(o, "summary", r->summary);
  if (r->timing)
    cJSON_AddItemReferenceToObject(o, "timing", r->timing);
  if (r->series)
    cJSON_AddItemReferenceToObject(o, "series", r->series);
  if (r->error)
    cJSON_AddStringToObject(o, "error", r->error);
  cJSON_AddBoolToObject(o, "interrupted", r->interrupted);
  return json_compact_text(o);
}

static cJSON *
steal(cJSON *o, const char *key)
{
  return cJSON_DetachItemFromObjectCaseSensitive(o, key);
}

SweepResult *
sweep_result_from_text(const char *text)
{
  g_autoptr(cJSON) o = cJSON_Parse(text);
  const cJSON *run = cJSON_GetObjectItemCaseSensitive(o, "run");
  if (!cJSON_IsNumber(run) || run->valuedouble < 0)
    return NULL;
  SweepResult *r = g_new0(SweepResult, 1);
  r->run = (guint) run->valuedouble;
  r->summary = steal(o, "summary");
  r->timing = steal(o, "timing");
  r->series = steal(o, "series");
  const cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "error");
  r->error = cJSON_IsString(err) ? g_strdup(err->valuestring) : NULL;
  r->interrupted = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(
    o, "interrupted"));
  if (r->summary == NULL && r->error == NULL)
    r->error = g_strdup("no result");
  return r;
}

void
sweep_result_free(SweepResult *r)
{
  if (r == NULL)
    return;
  cJSON_Delete(r->summary);
  cJSON_Delete(r->timing);
  cJSON_Delete(r->series);
  g_free(r->error);
  g_free(r);
}
