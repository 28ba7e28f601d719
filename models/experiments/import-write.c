/* `ecsim import`: writing the scenario. Files the scenario format takes
 * verbatim are referenced with {"file": ...}, relative to the scenario's
 * folder; objects picked out of a file that holds others are copied. */
#include <string.h>

#include "models/input/cloudwatch.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/experiments/import-private.h"

/* ---- relative paths ----------------------------------------------- */

/* @path relative to the folder @from (both made absolute first). */
static char *
relative_path(const char *from, const char *path)
{
  g_autofree char *a = g_canonicalize_filename(from, NULL);
  g_autofree char *b = g_canonicalize_filename(path, NULL);
  g_auto(GStrv) fa = g_strsplit(a, "/", -1);
  g_auto(GStrv) fb = g_strsplit(b, "/", -1);
  guint common = 0;
  while (fa[common] && fb[common] && strcmp(fa[common], fb[common]) == 0)
    common++;
  g_autoptr(GString) out = g_string_new(NULL);
  for (guint i = common; fa[i]; i++)
    if (*fa[i])
      g_string_append(out, "../");
  for (guint i = common; fb[i]; i++)
    g_string_append_printf(out, "%s%s", fb[i], fb[i + 1] ? "/" : "");
  return g_string_free(g_steal_pointer(&out), FALSE);
}

typedef struct {
  const ImportPlan *plan;
  char *base; /* the scenario's folder */
  GPtrArray *notes;
} Writer;

static cJSON *
file_ref(const Writer *w, const ImportFile *f)
{
  cJSON *o = cJSON_CreateObject();
  g_autofree char *rel = relative_path(w->base, f->path);
  cJSON_AddStringToObject(o, "file", rel);
  return o;
}

/* How many objects of @f's list the folder indexed. */
static guint
objects_in(const ImportPlan *plan, const ImportFile *f)
{
  guint n = 0;
  const GPtrArray *all = plan->dir->objs[f->shape];
  for (guint i = 0; i < all->len; i++)
    n += ((const ImportObj *) all->pdata[i])->file == f;
  return n;
}

/* Entries for @objs (ImportObj): a file reference for a file all of
 * whose objects are wanted, else copies of the wanted ones. */
static void
add_entries(const Writer *w, const GPtrArray *objs, cJSON *array)
{
  for (guint i = 0; i < objs->len; i++) {
    const ImportObj *o = objs->pdata[i];
    guint wanted = 0;
    gboolean first = TRUE;
    for (guint j = 0; j < objs->len; j++) {
      const ImportObj *p = objs->pdata[j];
      wanted += p->file == o->file;
      first &= !(p->file == o->file && j < i);
    }
    if (wanted == objects_in(w->plan, o->file)) {
      if (first)
        cJSON_AddItemToArray(array, file_ref(w, o->file));
    } else {
      cJSON_AddItemToArray(array, cJSON_Duplicate(o->obj, TRUE));
    }
  }
}

/* ---- sections ----------------------------------------------------- */

static cJSON *
target_groups(const Writer *w)
{
  const ImportPlan *plan = w->plan;
  cJSON *array = cJSON_CreateArray();
  for (guint i = 0; i < plan->target_groups->len; i++) {
    const ImportObj *tg = plan->target_groups->pdata[i];
    const ImportFile *attrs = plan->tg_attributes->pdata[i];
    cJSON *entry = objects_in(plan, tg->file) == 1
                     ? file_ref(w, tg->file)
                     : cJSON_Duplicate(tg->obj, TRUE);
    if (attrs)
      cJSON_AddItemToObject(entry, "Attributes", file_ref(w, attrs));
    cJSON_AddItemToArray(array, entry);
  }
  return array;
}

static gboolean
is_fargate(const char *name)
{
  return strcmp(name, "FARGATE") == 0 || strcmp(name, "FARGATE_SPOT") == 0;
}

/* The cluster's capacityProviders: its Fargate names, then the EC2
 * providers the service needs. A provider the cluster lists but no
 * strategy uses is left out (its Auto Scaling group was not fetched). */
static cJSON *
capacity_providers(const Writer *w)
{
  const ImportPlan *plan = w->plan;
  cJSON *array = cJSON_CreateArray();
  const cJSON *p;
  cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(
                          plan->cluster->obj, "capacityProviders")) {
    if (!cJSON_IsString(p))
      continue;
    if (is_fargate(p->valuestring)) {
      cJSON_AddItemToArray(array, cJSON_CreateString(p->valuestring));
      continue;
    }
    gboolean used = FALSE;
    for (guint i = 0; i < plan->providers->len; i++)
      used |= g_strcmp0(import_str(((const ImportObj *)
                                      plan->providers->pdata[i])->obj,
                                   "name"), p->valuestring) == 0;
    if (!used)
      g_ptr_array_add(w->notes, g_strdup_printf(
        "capacity provider %s of cluster %s: no strategy of this service "
        "uses it; left out", p->valuestring, plan->cluster_name));
  }
  /* A describe-capacity-providers file referenced whole also brings
   * AWS's FARGATE and FARGATE_SPOT elements: the same providers as the
   * names above. */
  cJSON *entries = cJSON_CreateArray();
  add_entries(w, plan->providers, entries);
  while (entries->child)
    cJSON_AddItemToArray(array, cJSON_DetachItemViaPointer(entries,
                                                           entries->child));
  cJSON_Delete(entries);
  return array;
}

static gboolean
lists_ec2_provider(const cJSON *cluster)
{
  const cJSON *p;
  cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(cluster,
                                                         "capacityProviders"))
    if (cJSON_IsString(p) && !is_fargate(p->valuestring))
      return TRUE;
  return FALSE;
}

static cJSON *
cluster_section(const Writer *w)
{
  const ImportPlan *plan = w->plan;
  cJSON *c = file_ref(w, plan->cluster->file);
  if (objects_in(plan, plan->cluster->file) > 1)
    cJSON_AddStringToObject(c, "clusterName", plan->cluster_name);
  if (plan->providers->len == 0 && !lists_ec2_provider(plan->cluster->obj))
    return c;
  cJSON_AddItemToObject(c, "capacityProviders", capacity_providers(w));
  if (plan->groups->len > 0) {
    cJSON *groups = cJSON_AddArrayToObject(c, "auto_scaling_groups");
    add_entries(w, plan->groups, groups);
  }
  if (plan->template_files->len > 0) {
    cJSON *lts = cJSON_AddArrayToObject(c, "launch_templates");
    for (guint i = 0; i < plan->template_files->len; i++)
      cJSON_AddItemToArray(lts, file_ref(w, plan->template_files->pdata[i]));
  }
  return c;
}

/* Rewrites, in @o and below, each relative "file" or "trace" name
 * (a service-time sample file, a trace) from the folder @from to the
 * scenario's: a workload calibrated into another folder keeps working. */
static void
rebase_files(const Writer *w, cJSON *o, const char *from)
{
  for (cJSON *c = o ? o->child : NULL; c; c = c->next) {
    if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
      rebase_files(w, c, from);
      continue;
    }
    if (!cJSON_IsString(c) || c->string == NULL ||
        (strcmp(c->string, "file") != 0 && strcmp(c->string, "trace") != 0)
        || g_path_is_absolute(c->valuestring))
      continue;
    g_autofree char *abs = g_build_filename(from, c->valuestring, NULL);
    g_autofree char *rel = relative_path(w->base, abs);
    cJSON_SetValuestring(c, rel);
  }
}

/* The service's workload: @options' (or none), with the traffic of the
 * folder's RequestCount metric when it gives none. */
static cJSON *
workload(const Writer *w, const ImportWriteOptions *options)
{
  const ImportPlan *plan = w->plan;
  cJSON *wl = options->workload ? cJSON_Duplicate(options->workload, TRUE)
                                : cJSON_CreateObject();
  if (options->workload_dir)
    rebase_files(w, wl, options->workload_dir);
  if (cJSON_GetObjectItemCaseSensitive(wl, "traffic"))
    return wl;
  if (plan->metrics == NULL) {
    g_ptr_array_add(w->notes, g_strdup_printf(
      "no traffic: %s has no RequestCount metric (get-metric-data or "
      "get-metric-statistics output) and no --workload gave one; the "
      "service gets no requests until its workload has a traffic",
      plan->dir->dir));
    return wl;
  }
  cJSON *t = cJSON_CreateObject();
  g_autofree char *rel = relative_path(w->base, plan->metrics->path);
  cJSON_AddStringToObject(t, "trace", rel);
  cJSON_AddStringToObject(t, "format", "cloudwatch");
  cJSON_AddStringToObject(t, "metric", plan->metric);
  cJSON_AddItemToObject(wl, "traffic", t);
  g_ptr_array_add(w->notes, g_strdup_printf(
    "traffic: the metric %s of %s", plan->metric, plan->metrics->path));
  return wl;
}

static cJSON *
service_entry(const Writer *w, const ImportWriteOptions *options)
{
  const ImportObj *s = w->plan->service;
  cJSON *entry = objects_in(w->plan, s->file) == 1
                   ? file_ref(w, s->file)
                   : cJSON_Duplicate(s->obj, TRUE);
  cJSON *wl = workload(w, options);
  if (wl->child)
    cJSON_AddItemToObject(entry, "workload", wl);
  else
    cJSON_Delete(wl);
  if (options->failure_model) {
    cJSON *fm = cJSON_Duplicate(options->failure_model, TRUE);
    if (options->workload_dir)
      rebase_files(w, fm, options->workload_dir);
    cJSON_AddItemToObject(entry, "failure_model", fm);
  }
  return entry;
}

/* @us as a duration ecsim reads: whole hours, minutes or seconds. */
static char *
duration_text(gint64 us)
{
  gint64 s = us / G_USEC_PER_SEC;
  if (s % 3600 == 0)
    return g_strdup_printf("%" G_GINT64_FORMAT "h", s / 3600);
  if (s % 60 == 0)
    return g_strdup_printf("%" G_GINT64_FORMAT "m", s / 60);
  return g_strdup_printf("%" G_GINT64_FORMAT "s", s);
}

/* The scenario's duration: --duration; else, when the RequestCount
 * metric is the traffic, its span (a run longer than its trace is refused
 * until the trace says what follows it, and the metrics collect.sh
 * fetches may miss quiet minutes at the end); else a day. */
static char *
scenario_duration(const Writer *w, const ImportWriteOptions *options,
                  const cJSON *service)
{
  if (options->duration)
    return g_strdup(options->duration);
  const cJSON *t = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(service, "workload"), "traffic");
  const char *format = cJSON_GetStringValue(
    cJSON_GetObjectItemCaseSensitive(t, "format"));
  if (w->plan->metrics == NULL || g_strcmp0(format, "cloudwatch") != 0 ||
      (options->workload &&
       cJSON_GetObjectItemCaseSensitive(options->workload, "traffic")))
    return g_strdup("1d");
  g_autoptr(GError) error = NULL;
  g_autoptr(CwData) data = cloudwatch_load(w->plan->metrics->path, &error);
  const CwSeries *series = data ? cloudwatch_find(data, w->plan->metric,
                                                  &error) : NULL;
  if (series == NULL || series->n == 0)
    return g_strdup("1d"); /* validate names what is wrong with it */
  gint64 span = series->times[series->n - 1] - series->times[0] +
                series->period_us;
  if (span < G_USEC_PER_SEC)
    return g_strdup("1d");
  char *text = duration_text(span);
  g_ptr_array_add(w->notes, g_strdup_printf(
    "duration: %s, the span of the metric %s (--duration D to choose)",
    text, w->plan->metric));
  return text;
}

cJSON *
import_plan_scenario(const ImportPlan *plan, const ImportWriteOptions *options,
                     GPtrArray *notes)
{
  g_return_val_if_fail(plan->missing->len == 0 && plan->service, NULL);
  Writer w = { .plan = plan, .notes = notes };
  w.base = options->out_path ? g_path_get_dirname(options->out_path)
                             : g_get_current_dir();
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "name",
                          import_str(plan->service->obj, "serviceName"));
  g_autofree char *desc = g_strdup_printf("imported from %s by ecsim import",
                                          options->dir_label);
  cJSON_AddStringToObject(root, "description", desc);
  cJSON_AddNumberToObject(root, "seed", 1);
  cJSON *duration = cJSON_AddStringToObject(root, "duration", "1d");
  if (plan->cluster)
    cJSON_AddItemToObject(root, "cluster", cluster_section(&w));
  cJSON *tds = cJSON_AddArrayToObject(root, "taskDefinitions");
  cJSON_AddItemToArray(tds, file_ref(&w, plan->taskdef->file));
  if (plan->target_groups->len)
    cJSON_AddItemToObject(root, "targetGroups", target_groups(&w));
  cJSON *svcs = cJSON_AddArrayToObject(root, "services");
  cJSON *entry = service_entry(&w, options);
  cJSON_AddItemToArray(svcs, entry);
  g_autofree char *d = scenario_duration(&w, options, entry);
  cJSON_SetValuestring(duration, d);
  if (plan->scaling_files->len) {
    cJSON *aas = cJSON_AddArrayToObject(root, "applicationAutoScaling");
    for (guint i = 0; i < plan->scaling_files->len; i++)
      cJSON_AddItemToArray(aas, file_ref(&w, plan->scaling_files->pdata[i]));
  }
  g_free(w.base);
  return root;
}

/* ---- the workload file -------------------------------------------- */

gboolean
import_read_workload(const char *path, cJSON **workload,
                     cJSON **failure_model, GError **error)
{
  *workload = *failure_model = NULL;
  g_autoptr(cJSON) root = json_load_file(path, error);
  if (root == NULL)
    return FALSE;
  const char *name = input_display_name(path);
  if (!cJSON_IsObject(root)) {
    input_error(error, name, "must be a workload object or the output of "
                "ecsim calibrate, got %s", cJSON_IsArray(root) ? "an array"
                                                               : "a value");
    return FALSE;
  }
  cJSON *wl = cJSON_GetObjectItemCaseSensitive(root, "workload");
  if (wl == NULL) {
    *workload = g_steal_pointer(&root);
    return TRUE;
  }
  if (!cJSON_IsObject(wl)) {
    input_error(error, name, "/workload: must be an object");
    return FALSE;
  }
  *workload = cJSON_DetachItemViaPointer(root, wl);
  cJSON *fm = cJSON_GetObjectItemCaseSensitive(root, "failure_model");
  if (fm)
    *failure_model = cJSON_DetachItemViaPointer(root, fm);
  return TRUE;
}

/* ---- text --------------------------------------------------------- */

static gboolean
is_flat(const cJSON *v)
{
  for (const cJSON *c = v->child; c; c = c->next)
    if (cJSON_IsArray(c) || cJSON_IsObject(c))
      return FALSE;
  return TRUE;
}

static void
wrap_flat(GString *out, const cJSON *v, int indent)
{
  gsize col = (gsize) indent + 1;
  g_string_append_c(out, '[');
  for (const cJSON *c = v->child; c; c = c->next) {
    g_autofree char *text = cJSON_PrintUnformatted(c);
    if (c != v->child && col + strlen(text) + 2 > 78) {
      g_string_append_printf(out, ",\n%*s", indent + 1, "");
      col = (gsize) indent + 1;
    } else if (c != v->child) {
      g_string_append(out, ", ");
    }
    g_string_append(out, text);
    col += strlen(text) + 2;
  }
  g_string_append_c(out, ']');
}

static void
append_json(GString *out, const cJSON *v, int indent)
{
  gboolean object = cJSON_IsObject(v);
  if ((!object && !cJSON_IsArray(v)) || v->child == NULL) {
    g_autofree char *text = cJSON_PrintUnformatted(v);
    g_string_append(out, text);
    return;
  }
  if (is_flat(v)) {
    g_autoptr(GString) line = g_string_new(object ? "{" : "[");
    for (const cJSON *c = v->child; c; c = c->next) {
      g_autofree char *text = cJSON_PrintUnformatted(c);
      if (object) {
        cJSON *key = cJSON_CreateString(c->string);
        g_autofree char *k = cJSON_PrintUnformatted(key);
        cJSON_Delete(key);
        g_string_append_printf(line, "%s: ", k);
      }
      g_string_append_printf(line, "%s%s", text,
                             c->next ? ", " : object ? "}" : "]");
    }
    if (line->len + (gsize) indent < 76) {
      g_string_append(out, line->str);
      return;
    }
    if (!object) { /* numbers, wrapped at 80 columns */
      wrap_flat(out, v, indent);
      return;
    }
  }
  g_string_append(out, object ? "{\n" : "[\n");
  for (const cJSON *c = v->child; c; c = c->next) {
    g_string_append_printf(out, "%*s", indent + 2, "");
    if (object) {
      cJSON *key = cJSON_CreateString(c->string);
      g_autofree char *k = cJSON_PrintUnformatted(key);
      cJSON_Delete(key);
      g_string_append_printf(out, "%s: ", k);
    }
    append_json(out, c, indent + 2);
    g_string_append(out, c->next ? ",\n" : "\n");
  }
  g_string_append_printf(out, "%*s%s", indent, "", object ? "}" : "]");
}

char *
import_json_text(const cJSON *root)
{
  GString *out = g_string_new(NULL);
  append_json(out, root, 0);
  g_string_append_c(out, '\n');
  return g_string_free(out, FALSE);
}
