/* The comparison table and its files. */
#include "models/experiments/compare.h"

#include <math.h>
#include <string.h>

#include "models/input/csv.h"
#include "models/input/input.h"
#include "models/control/strategy.h"
#include "sim/outfile.h"

/* A row of the table and of compare.csv/compare.json. The files keep the
 * summary's value as it is, in the unit its path names; only the table
 * scales it (fractions shown as percent). */
typedef struct {
  const char *label;  /* in the table, with the table's unit */
  const char *path;   /* dotted path in summary.json */
  int decimals;       /* in the table */
  double factor;      /* the table shows the value times this */
  const char *metric; /* compare.csv's name when the label's unit is not
                         the path's, or NULL for the label */
} Row;

static const Row rows[] = {
  { "cost, total $", "cost.total_usd", 2, 1, NULL },
  { "cost per month $", "cost.per_month_usd", 2, 1, NULL },
  { "  compute $", "cost.items.compute", 2, 1, NULL },
  { "  storage $", "cost.items.storage", 2, 1, NULL },
  { "  load balancer $", "cost.items.load_balancer", 2, 1, NULL },
  { "  unused EC2 $", "cost.unused_ec2_usd", 2, 1, NULL },
  { "$ per million requests", "cost.per_million_requests_usd", 4, 1, NULL },
  { "p50 latency ms", "latency.p50_ms", 1, 1, NULL },
  { "p99 latency ms", "latency.p99_ms", 1, 1, NULL },
  { "p99.9 latency ms", "latency.p999_ms", 1, 1, NULL },
  { "SLO attainment %", "slo.attainment", 3, 100, "SLO attainment (fraction)" },
  { "errors", "requests.errors.total", 0, 1, NULL },
  { "error rate %", "requests.error_rate", 4, 100, "error rate (fraction)" },
  { "task-hours (Fargate)", "capacity.task_hours", 1, 1, NULL },
  { "instance-hours (EC2)", "capacity.instance_hours", 1, 1, NULL },
  { "mean task CPU %", "capacity.mean_cpu_pct", 1, 1, NULL },
  { "tasks started", "tasks.started", 0, 1, NULL },
  { "scaling actions", "scaling.service_actions", 0, 1, NULL },
};

static const cJSON *
at(const cJSON *o, const char *path)
{
  g_auto(GStrv) parts = g_strsplit(path, ".", -1);
  for (char **p = parts; *p && o; p++)
    o = cJSON_GetObjectItemCaseSensitive(o, *p);
  return o;
}

/* The value of @path in summary @o; "cost.per_month_usd", which
 * summary.json does not hold, is its cost scaled to a month, the figure
 * a planner budgets in. */
static double
number(const cJSON *o, const char *path)
{
  if (strcmp(path, "cost.per_month_usd") == 0)
    return round(compare_per_month(o) * 1e6) / 1e6;
  const cJSON *n = at(o, path);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

static const char *
variant_of(const cJSON *summary)
{
  const cJSON *v = at(summary, "scenario.variant");
  return cJSON_IsString(v) ? v->valuestring : "?";
}

gboolean
compare_uses_ec2(const ScenarioConfig *cfg)
{
  for (guint i = 0; i < cfg->services->len; i++) {
    const ServiceConfig *svc = cfg->services->pdata[i];
    if (svc->launch_type == LAUNCH_TYPE_EC2)
      return TRUE;
    if (svc->launch_type == LAUNCH_TYPE_FARGATE)
      continue;
    const GArray *s = svc->cp_strategy->len ? svc->cp_strategy
                                            : cfg->cluster->default_strategy;
    if (s->len == 0)
      return TRUE; /* ECS's default: the EC2 launch type */
    for (guint k = 0; k < s->len; k++)
      if (!cluster_config_is_fargate_provider(
            g_array_index(s, CapacityProviderItem, k).provider))
        return TRUE;
  }
  return FALSE;
}

void
compare_print_table(GPtrArray *summaries, FILE *out)
{
  int width = summaries->len <= 3 ? 16 : 12;
  fprintf(out, "%-24s", "");
  for (guint v = 0; v < summaries->len; v++)
    fprintf(out, "%*.*s", width, width - 1, variant_of(summaries->pdata[v]));
  fputc('\n', out);
  for (gsize r = 0; r < G_N_ELEMENTS(rows); r++) {
    gboolean any = FALSE;
    for (guint v = 0; v < summaries->len; v++)
      any |= !isnan(number(summaries->pdata[v], rows[r].path));
    if (!any)
      continue;
    fprintf(out, "%-24s", rows[r].label);
    for (guint v = 0; v < summaries->len; v++) {
      double x = number(summaries->pdata[v], rows[r].path);
      char cell[32] = "-";
      if (!isnan(x))
        g_snprintf(cell, sizeof cell, "%.*f", rows[r].decimals,
                   x * rows[r].factor);
      fprintf(out, "%*s", width, cell);
    }
    fputc('\n', out);
  }
}

static void
write_csv(FILE *f, GPtrArray *summaries)
{
  fputs("metric,path", f);
  for (guint v = 0; v < summaries->len; v++) {
    fputc(',', f);
    csv_write_cell(f, variant_of(summaries->pdata[v]));
  }
  fputc('\n', f);
  for (gsize r = 0; r < G_N_ELEMENTS(rows); r++) {
    const char *label = rows[r].metric ? rows[r].metric : rows[r].label;
    while (*label == ' ')
      label++;
    csv_write_cell(f, label);
    fputc(',', f);
    csv_write_cell(f, rows[r].path);
    for (guint v = 0; v < summaries->len; v++) {
      double x = number(summaries->pdata[v], rows[r].path);
      /* As runs.csv: enough digits to give the summary's value back. */
      if (isnan(x))
        fputc(',', f);
      else
        fprintf(f, ",%.12g", x == 0 ? 0.0 : x);
    }
    fputc('\n', f);
  }
}

/* @x rounded to @unit, or null. */
static void
add_rounded(cJSON *o, const char *key, double x, double unit)
{
  if (isnan(x) || isinf(x))
    cJSON_AddNullToObject(o, key);
  else
    cJSON_AddNumberToObject(o, key, round(x / unit) * unit);
}

static cJSON *
verdict_json(const BreakEvenVerdict *v)
{
  cJSON *o = cJSON_CreateObject();
  add_rounded(o, "usd", v->usd, 1e-6);
  add_rounded(o, "usd_per_month", v->usd_per_month, 1e-2);
  add_rounded(o, "error_rate", v->error_rate, 1e-9);
  add_rounded(o, "error_budget", v->error_budget, 1e-9);
  add_rounded(o, "slo_attainment", v->attainment, 1e-6);
  add_rounded(o, "slo_target", v->slo_target, 1e-6);
  cJSON_AddBoolToObject(o, "met", v->met);
  return o;
}

static cJSON *
point_json(const BreakEvenPoint *p)
{
  cJSON *pt = cJSON_CreateObject();
  cJSON_AddNumberToObject(pt, "traffic_scale", p->scale);
  cJSON_AddStringToObject(pt, "fidelity",
                          p->aggregate ? "aggregate" : "requests");
  add_rounded(pt, "mean_rps", p->mean_rps, 1e-3);
  /* As before: the runs' costs at the top of the point. */
  add_rounded(pt, "fargate_usd", p->fargate.usd, 1e-6);
  add_rounded(pt, "ec2_usd", p->ec2.usd, 1e-6);
  cJSON_AddBoolToObject(pt, "comparable", p->fargate.met && p->ec2.met);
  cJSON_AddItemToObject(pt, "fargate", verdict_json(&p->fargate));
  cJSON_AddItemToObject(pt, "ec2", verdict_json(&p->ec2));
  return pt;
}

static cJSON *
break_even_json(const BreakEven *be)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "fargate_variant", be->fargate);
  cJSON_AddStringToObject(o, "ec2_variant", be->ec2);
  cJSON_AddBoolToObject(o, "found", be->found);
  cJSON_AddBoolToObject(o, "interrupted", be->interrupted);
  if (be->found) {
    cJSON_AddNumberToObject(o, "traffic_scale", round(be->scale * 1e3) / 1e3);
    cJSON_AddNumberToObject(o, "mean_rps", round(be->mean_rps * 1e3) / 1e3);
    cJSON_AddNumberToObject(o, "ec2_mean_cpu_pct",
                            round(be->ec2_cpu_pct * 10) / 10);
    cJSON_AddStringToObject(o, "cheaper_above",
                            be->ec2_cheaper_above ? "ec2" : "fargate");
  }
  /* Where the answer holds: null when nowhere (or interrupted). */
  add_rounded(o, "holds_from_scale", be->lo_scale, 1e-3);
  add_rounded(o, "holds_to_scale", be->hi_scale, 1e-3);
  /* The levels around the crossing where the costs are within the tie:
   * null when none (or the crossing is sharp). */
  cJSON_AddNumberToObject(o, "tie_pct", round(be->tie * 1e5) / 1e3);
  add_rounded(o, "tie_from_scale", be->tie_lo_scale, 1e-3);
  add_rounded(o, "tie_to_scale", be->tie_hi_scale, 1e-3);
  cJSON_AddStringToObject(o, "statement", be->statement);
  cJSON *pts = cJSON_AddArrayToObject(o, "points");
  for (guint i = 0; i < be->points->len; i++)
    cJSON_AddItemToArray(
      pts, point_json(&g_array_index(be->points, BreakEvenPoint, i)));
  /* The aggregate fidelity's screening levels, when it searched first. */
  cJSON_AddBoolToObject(o, "screened", be->screened);
  cJSON *scr = cJSON_AddArrayToObject(o, "screen_points");
  for (guint i = 0; i < be->screen->len; i++)
    cJSON_AddItemToArray(
      scr, point_json(&g_array_index(be->screen, BreakEvenPoint, i)));
  if (be->screened)
    cJSON_AddBoolToObject(o, "confirmed",
                          be->screen_outcome == SCREEN_CONFIRMED);
  cJSON_AddNumberToObject(o, "aggregate_runs", be->aggregate_runs);
  cJSON_AddNumberToObject(o, "request_runs", be->request_runs + 2);
  return o;
}

gboolean
compare_write(const char *dir, GPtrArray *summaries, GPtrArray *break_evens,
              GError **error)
{
  g_mkdir_with_parents(dir, 0755);
  g_autofree char *csv_path = g_build_filename(dir, "compare.csv", NULL);
  g_autofree char *json_path = g_build_filename(dir, "compare.json", NULL);
  SimOutFile *csv = sim_outfile_new(csv_path, error);
  if (csv == NULL)
    return FALSE;
  SimOutFile *json = sim_outfile_new(json_path, error);
  if (json == NULL) {
    sim_outfile_discard(csv);
    return FALSE;
  }
  write_csv(sim_outfile_stream(csv), summaries);
  cJSON *root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "schema", "ecsim-compare/1");
  cJSON *vars = cJSON_AddArrayToObject(root, "variants");
  for (guint v = 0; v < summaries->len; v++) {
    cJSON *item = cJSON_CreateObject();
    cJSON_AddStringToObject(item, "variant", variant_of(summaries->pdata[v]));
    for (gsize r = 0; r < G_N_ELEMENTS(rows); r++) {
      double x = number(summaries->pdata[v], rows[r].path);
      /* The summary's value as it is (already rounded there). */
      if (isnan(x))
        cJSON_AddNullToObject(item, rows[r].path);
      else
        cJSON_AddNumberToObject(item, rows[r].path, x);
    }
    cJSON_AddItemToArray(vars, item);
  }
  cJSON *bes = cJSON_AddArrayToObject(root, "break_even");
  for (guint i = 0; break_evens && i < break_evens->len; i++)
    cJSON_AddItemToArray(bes, break_even_json(break_evens->pdata[i]));
  char *text = cJSON_Print(root);
  fputs(text, sim_outfile_stream(json));
  fputc('\n', sim_outfile_stream(json));
  cJSON_free(text);
  cJSON_Delete(root);
  gboolean ok = sim_outfile_commit(csv, error);
  if (ok)
    ok = sim_outfile_commit(json, error);
  else
    sim_outfile_discard(json);
  return ok;
}
