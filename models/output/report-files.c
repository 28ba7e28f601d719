/* Writing the output files, all or nothing. */
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>

#include "models/capacity/cluster.h"
#include "models/capacity/cost.h"
#include "models/input/csv.h"
#include "models/core/eventlog.h"
#include "models/input/input.h"
#include "models/control/metrics.h"
#include "models/output/outdir.h"
#include "models/output/report.h"
#include "models/requests/calls.h"
#include "models/output/run-manifest.h"
#include "models/config/scenario.h"
#include "models/core/world-private.h"
#include "sim/outfile.h"

static void
csv_num(FILE *f, double v, int decimals)
{
  if (isnan(v))
    fputc(',', f);
  else
    fprintf(f, ",%.*f", decimals, v);
}

/* The call graph's edges over the period ending at @end, from row
 * @from of calls_row(): a row each after the services' (REFERENCE.md,
 * "timeseries.csv"). Returns the next row. */
static guint
write_edge_rows(World *w, FILE *f, SimTime end, guint from)
{
  guint i = from;
  for (; i < calls_n_rows(w) && calls_row(w, i)->end == end; i++) {
    const CallEdgeRow *r = calls_row(w, i);
    char clock[SIM_TIME_FORMAT_MAX];
    double secs = sim_time_to_seconds(r->end - r->start);
    fprintf(f, "%.3f,%s,", sim_time_to_seconds(r->end),
            sim_time_format_clock(r->end, clock));
    csv_write_cell(f, calls_edge(w, r->edge)->name);
    fprintf(f, ",%" G_GUINT64_FORMAT, r->sent);
    csv_num(f, secs > 0 ? r->sent / secs : 0.0, 3);
    fprintf(f, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",,%"
            G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT, r->ok,
            r->errors[CALL_ERR_CONNECTION], r->errors[CALL_ERR_TIMEOUT],
            r->errors[CALL_ERR_5XX]);
    csv_num(f, r->p50_ms, 3);
    csv_num(f, r->p90_ms, 3);
    csv_num(f, r->p99_ms, 3);
    csv_num(f, r->p999_ms, 3);
    csv_num(f, r->mean_ms, 3);
    fprintf(f, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",,,,,,,,\n",
            r->in_flight, r->sent - r->wanted);
  }
  return i;
}

static void
write_timeseries(World *w, FILE *f)
{
  guint edge_rows = 0;
  fputs("time_s,clock,service,arrivals,rps,completed,err_no_target,"
        "err_queue_full,err_timeout,err_reset,p50_ms,p90_ms,p99_ms,"
        "p999_ms,mean_ms,in_flight,waited,mean_wait_ms,cpu_pct,memory_pct,"
        "desired,running,"
        "pending,instances,cost_usd\n", f);
  for (guint i = 0; i < metrics_n_rows(w); i++) {
    const PeriodRow *r = metrics_row(w, i);
    char clock[SIM_TIME_FORMAT_MAX];
    double secs = sim_time_to_seconds(r->end - r->start);
    fprintf(f, "%.3f,%s,", sim_time_to_seconds(r->end),
            sim_time_format_clock(r->end, clock));
    csv_write_cell(
      f, ((ServiceConfig *) w->cfg->services->pdata[r->service])->name);
    fprintf(f, ",%" G_GUINT64_FORMAT, r->arrivals);
    csv_num(f, secs > 0 ? r->arrivals / secs : 0.0, 3);
    for (int k = 0; k < REQ_N_OUTCOMES; k++)
      fprintf(f, ",%" G_GUINT64_FORMAT, r->outcomes[k]);
    csv_num(f, r->p50_ms, 3);
    csv_num(f, r->p90_ms, 3);
    csv_num(f, r->p99_ms, 3);
    csv_num(f, r->p999_ms, 3);
    csv_num(f, r->mean_ms, 3);
    csv_num(f, r->in_flight, 3);
    fprintf(f, ",%" G_GUINT64_FORMAT, r->waited);
    csv_num(f, r->mean_wait_ms, 3);
    csv_num(f, r->cpu_pct, 3);
    csv_num(f, r->memory_pct, 3);
    fprintf(f, ",%d,%d,%d,%d", r->desired, r->running, r->pending,
            r->instances);
    /* Savings Plans and RIs settle per clock hour, after the run. */
    csv_num(f, r->cost_usd + cost_commitment_delta(w, r->end), 6);
    fputc('\n', f);
    if (i + 1 == metrics_n_rows(w) || metrics_row(w, i + 1)->end != r->end)
      edge_rows = write_edge_rows(w, f, r->end, edge_rows);
  }
}

static void
csv_time(FILE *f, SimTime t)
{
  if (t < 0)
    fputc(',', f);
  else
    fprintf(f, ",%.3f", sim_time_to_seconds(t));
}

static void
write_tasks(World *w, FILE *f)
{
  fputs("task_id,service,deployment,task_definition,provider,launch_type,"
        "spot,az,instance,last_status,provisioning_s,pending_s,"
        "activating_s,running_s,deactivating_s,stopping_s,"
        "deprovisioning_s,stopped_s,stop_reason,stop_code\n", f);
  for (guint i = 0; i < w->tasks->len; i++) {
    const Task *t = w->tasks->pdata[i];
    char id[33];
    const CapacityProvider *p = capacity_provider(w, t->provider);
    const char *az = t->az >= 0 ? w->cfg->cluster->azs->pdata[t->az] : "";
    const char *instance = t->instance >= 0
                             ? cluster_instance(w, (guint32) t->instance)
                                 ->ec2_id
                             : "";
    fprintf(f, "%s,", task_format_id(t->id, id));
    csv_write_cell(
      f, ((ServiceConfig *) w->cfg->services->pdata[t->service])->name);
    fprintf(f, ",%u,", t->deployment);
    csv_write_cell(f, t->def->name);
    fputc(',', f);
    csv_write_cell(f, p->name);
    fprintf(f, ",%s,%s,", t->fargate ? "FARGATE" : "EC2",
            t->spot ? "true" : "false");
    csv_write_cell(f, az);
    fputc(',', f);
    csv_write_cell(f, instance);
    fprintf(f, ",%s", task_state_name(t->state));
    for (int s = 0; s < TASK_N_STATES; s++)
      csv_time(f, t->entered[s]);
    fprintf(f, ",%s,%s\n",
            t->stop_reason ? task_stop_reason_name(t->stop_reason) : "",
            t->stop_reason ? task_stop_code(t->stop_reason) : "");
  }
}

static void
write_instances(World *w, FILE *f)
{
  static const char *const states[] = { "PENDING", "ACTIVE", "DRAINING",
                                        "TERMINATED" };
  fputs("instance_id,asg,instance_type,az,status,launched_s,running_s,"
        "registered_s,terminated_s,end_reason,tasks_end,lifecycle,"
        "from_warm_pool\n", f);
  for (guint i = 0; i < cluster_n_instances(w); i++) {
    const Instance *inst = cluster_instance(w, i);
    const char *text[] = {
      inst->ec2_id,
      ((AsgConfig *) w->cfg->cluster->asgs->pdata[inst->asg])->name,
      inst->type->name, w->cfg->cluster->azs->pdata[inst->az],
      states[inst->state],
    };
    for (gsize k = 0; k < G_N_ELEMENTS(text); k++) {
      if (k > 0)
        fputc(',', f);
      csv_write_cell(f, text[k]);
    }
    csv_time(f, inst->launched_at);
    csv_time(f, inst->running_at); /* billed from here */
    csv_time(f, inst->registered_at);
    csv_time(f, inst->terminated_at);
    fputc(',', f);
    csv_write_cell(f, inst->end_reason ? inst->end_reason : "");
    fprintf(f, ",%d,%s,%s\n", inst->tasks,
            inst->spot ? "spot" : "on-demand",
            inst->from_warm_pool ? "true" : "false");
  }
}

static void
write_json(const cJSON *json, FILE *f)
{
  char *text = cJSON_Print(json);
  fputs(text, f);
  fputc('\n', f);
  cJSON_free(text);
}

typedef enum {
  OUT_SUMMARY,
  OUT_TIMESERIES,
  OUT_TASKS,
  OUT_INSTANCES,
  OUT_EVENTS,
  OUT_TIMING,
  OUT_N,
} OutputFile;

/* @text with every @from replaced by @to (owned). */
static char *
replace_prefix(const char *text, const char *from, const char *to)
{
  g_auto(GStrv) parts = g_strsplit(text, from, -1);
  return g_strjoinv(to, parts);
}

static const char *const output_names[OUT_N] = {
  "summary.json", "timeseries.csv", "tasks.csv", "instances.csv",
  "events.jsonl", "timing.json",
};

static gboolean
write_all(World *w, const char *dir, const cJSON *manifest, GError **error)
{
  SimOutFile *out[OUT_N + 1] = { NULL };
  int n = manifest != NULL ? OUT_N + 1 : OUT_N;
  for (int i = 0; i < n; i++) {
    g_autofree char *path = g_build_filename(
      dir, i < OUT_N ? output_names[i] : RUN_MANIFEST_FILE, NULL);
    out[i] = sim_outfile_new(path, error);
    if (out[i] == NULL) {
      for (int k = 0; k < i; k++)
        sim_outfile_discard(out[k]);
      return FALSE;
    }
  }
  cJSON *summary = report_summary(w);
  cJSON *timing = report_timing(w);
  write_json(summary, sim_outfile_stream(out[OUT_SUMMARY]));
  write_timeseries(w, sim_outfile_stream(out[OUT_TIMESERIES]));
  write_tasks(w, sim_outfile_stream(out[OUT_TASKS]));
  write_instances(w, sim_outfile_stream(out[OUT_INSTANCES]));
  eventlog_write_jsonl(w, sim_outfile_stream(out[OUT_EVENTS]));
  write_json(timing, sim_outfile_stream(out[OUT_TIMING]));
  if (manifest != NULL)
    write_json(manifest, sim_outfile_stream(out[OUT_N]));
  cJSON_Delete(summary);
  cJSON_Delete(timing);
  gboolean ok = TRUE;
  for (int i = 0; i < n; i++) {
    if (ok)
      ok = sim_outfile_commit(out[i], error);
    else
      sim_outfile_discard(out[i]);
  }
  return ok;
}

gboolean
report_write(World *w, const char *dir, const cJSON *manifest,
             GError **error)
{
  g_autofree char *temp = outdir_begin(dir, error);
  if (temp == NULL)
    return FALSE;
  if (!write_all(w, temp, manifest, error)) {
    outdir_abandon(temp);
    /* Name the final folder, not the hidden one. */
    if (error != NULL && *error != NULL) {
      g_autofree char *msg = g_strdup((*error)->message);
      g_autofree char *shown = replace_prefix(msg, temp, dir);
      g_free((*error)->message);
      (*error)->message = g_steal_pointer(&shown);
    }
    return FALSE;
  }
  return outdir_commit(temp, dir, error);
}
