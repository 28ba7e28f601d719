/* Writing the output files, all or nothing. */
#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The call graph's edge rows of the period that just closed (the last
 * calls_n_edges() of calls_row()): a row each after the services'
 * (REFERENCE.md, "timeseries.csv"). Each ends with an empty cost. */
static void
write_edge_rows(World *w, FILE *f)
{
  for (guint i = calls_n_rows(w) - calls_n_edges(w); i < calls_n_rows(w);
       i++) {
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
    fprintf(f, ",%" G_GUINT64_FORMAT ",%" G_GUINT64_FORMAT ",,,,,,,,,\n",
            r->in_flight, r->sent - r->wanted);
  }
}

static const char timeseries_header[] =
  "time_s,clock,service,arrivals,rps,completed,err_no_target,"
  "err_queue_full,err_timeout,err_reset,p50_ms,p90_ms,p99_ms,"
  "p999_ms,mean_ms,in_flight,waited,mean_wait_ms,cpu_pct,cpu_peak_pct,"
  "memory_pct,desired,running,pending,instances,cost_usd\n";

/* One service's row of timeseries.csv; its cost (the last column) is
 * @cost_usd. */
static void
write_row(World *w, FILE *f, const PeriodRow *r, double cost_usd)
{
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
  csv_num(f, r->cpu_peak_pct, 3);
  csv_num(f, r->memory_pct, 3);
  fprintf(f, ",%d,%d,%d,%d", r->desired, r->running, r->pending,
          r->instances);
  csv_num(f, cost_usd, 6);
  fputc('\n', f);
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

/* The files written after the run; timeseries.csv and events.jsonl are
 * written as it goes. */
typedef enum {
  OUT_SUMMARY,
  OUT_TASKS,
  OUT_INSTANCES,
  OUT_TIMING,
  OUT_N,
} OutputFile;

static const char *const output_names[OUT_N] = {
  "summary.json", "tasks.csv", "instances.csv", "timing.json",
};

/* With Savings Plans or Reserved Instances, what a row of timeseries.csv
 * needs to have its cost settled after the run: the period's end, or -1
 * for an edge row, which has no cost. */
typedef struct {
  SimTime end;
  double cost_usd;
} RowCost;

struct _ReportStream {
  char *dir;              /* the final folder */
  char *temp;             /* the hidden one written to; NULL once done */
  SimOutFile *timeseries; /* NULL once committed */
  SimOutFile *events;
  FILE *costs;            /* RowCost per data line of timeseries.csv,
                             unlinked; NULL without commitments */
  int costs_errno;        /* why the costs could not be recorded, or 0 */
};

/* @text with every @from replaced by @to (owned). */
static char *
replace_prefix(const char *text, const char *from, const char *to)
{
  g_auto(GStrv) parts = g_strsplit(text, from, -1);
  return g_strjoinv(to, parts);
}

/* Opens @name in @s's folder and returns it, or NULL with @error set. */
static SimOutFile *
open_output(ReportStream *s, const char *name, GError **error)
{
  g_autofree char *path = g_build_filename(s->temp, name, NULL);
  return sim_outfile_new(path, error);
}

/* Opens the side file of RowCost records, unlinked at once so that no
 * run, however it ends, leaves it in the folder. */
static FILE *
open_costs(ReportStream *s)
{
  g_autofree char *path = g_build_filename(s->temp, ".costs-XXXXXX", NULL);
  int fd = g_mkstemp(path);
  if (fd < 0)
    return NULL;
  g_unlink(path);
  return fdopen(fd, "w+b");
}

static void
record_cost(ReportStream *s, SimTime end, double cost_usd)
{
  RowCost rc = { end, cost_usd };
  if (fwrite(&rc, sizeof rc, 1, s->costs) != 1 && s->costs_errno == 0)
    s->costs_errno = errno ? errno : EIO;
}

/* WorldSink.period: the period's rows, then its edge rows. */
static void
stream_period(World *w, const PeriodRow *rows, guint n, gpointer data)
{
  ReportStream *s = data;
  FILE *f = sim_outfile_stream(s->timeseries);
  CoverageTotals unused;
  if (s->costs == NULL && s->costs_errno == 0 &&
      cost_commitments(w, &unused)) {
    s->costs = open_costs(s);
    if (s->costs == NULL)
      s->costs_errno = errno ? errno : EIO;
  }
  for (guint i = 0; i < n; i++) {
    /* Savings Plans and RIs settle per clock hour, after the run: until
     * then cost_commitment_delta() is 0, and settle_costs() adds it. */
    write_row(w, f, &rows[i],
              rows[i].cost_usd + cost_commitment_delta(w, rows[i].end));
    if (s->costs != NULL)
      record_cost(s, rows[i].end, rows[i].cost_usd);
  }
  write_edge_rows(w, f);
  for (guint i = 0; s->costs != NULL && i < calls_n_edges(w); i++)
    record_cost(s, -1, 0);
}

/* WorldSink.event */
static void
stream_event(World *w, const LogEvent *e, gpointer data)
{
  ReportStream *s = data;
  eventlog_write_event(w, e, sim_outfile_stream(s->events));
}

ReportStream *
report_stream_new(const char *dir, WorldOptions *options, GError **error)
{
  g_return_val_if_fail(dir != NULL && options != NULL, NULL);
  g_autofree char *temp = outdir_begin(dir, error);
  if (temp == NULL)
    return NULL;
  ReportStream *s = g_new0(ReportStream, 1);
  s->dir = g_strdup(dir);
  s->temp = g_steal_pointer(&temp);
  s->timeseries = open_output(s, "timeseries.csv", error);
  s->events = s->timeseries ? open_output(s, "events.jsonl", error) : NULL;
  if (s->events == NULL) {
    report_stream_free(s);
    return NULL;
  }
  fputs(timeseries_header, sim_outfile_stream(s->timeseries));
  options->sink = (WorldSink) { .period = stream_period,
                                .event = stream_event, .data = s };
  return s;
}

/* Rewrites @path (timeseries.csv, with costs short of the commitments)
 * with each row's cost settled, line by line from @costs. */
static gboolean
settle_costs(World *w, const char *path, FILE *costs, GError **error)
{
  FILE *in = fopen(path, "r");
  SimOutFile *out = in ? sim_outfile_new(path, error) : NULL;
  if (out == NULL) {
    if (in == NULL)
      input_error(error, path, "cannot read: %s", g_strerror(errno));
    else
      fclose(in);
    return FALSE;
  }
  FILE *f = sim_outfile_stream(out);
  rewind(costs);
  char *line = NULL;
  size_t size = 0;
  ssize_t len;
  RowCost rc;
  for (guint n = 0; (len = getline(&line, &size, in)) > 0; n++) {
    if (n > 0 && fread(&rc, sizeof rc, 1, costs) == 1 && rc.end >= 0) {
      /* The cost is the last column and a plain number. */
      *strrchr(line, ',') = '\0';
      fputs(line, f);
      csv_num(f, rc.cost_usd + cost_commitment_delta(w, rc.end), 6);
      fputc('\n', f);
    } else {
      fputs(line, f);
    }
  }
  free(line);
  fclose(in);
  if (ferror(costs)) {
    input_error(error, path, "cannot write: %s", g_strerror(EIO));
    sim_outfile_discard(out);
    return FALSE;
  }
  return sim_outfile_commit(out, error);
}

/* Commits the streamed files, then writes and commits the others. */
static gboolean
write_rest(ReportStream *s, World *w, const cJSON *manifest, GError **error)
{
  g_autofree char *series = g_build_filename(s->temp, "timeseries.csv",
                                             NULL);
  gboolean ok = sim_outfile_commit(g_steal_pointer(&s->timeseries), error);
  ok = ok && sim_outfile_commit(g_steal_pointer(&s->events), error);
  if (ok && s->costs_errno != 0) {
    input_error(error, series, "cannot write: %s",
                g_strerror(s->costs_errno));
    ok = FALSE;
  }
  if (ok && s->costs != NULL)
    ok = settle_costs(w, series, s->costs, error);
  if (!ok)
    return FALSE;
  SimOutFile *out[OUT_N + 1] = { NULL };
  int n = manifest != NULL ? OUT_N + 1 : OUT_N;
  for (int i = 0; i < n; i++) {
    out[i] = open_output(s, i < OUT_N ? output_names[i] : RUN_MANIFEST_FILE,
                         error);
    if (out[i] == NULL) {
      for (int k = 0; k < i; k++)
        sim_outfile_discard(out[k]);
      return FALSE;
    }
  }
  cJSON *summary = report_summary(w);
  cJSON *timing = report_timing(w);
  write_json(summary, sim_outfile_stream(out[OUT_SUMMARY]));
  write_tasks(w, sim_outfile_stream(out[OUT_TASKS]));
  write_instances(w, sim_outfile_stream(out[OUT_INSTANCES]));
  write_json(timing, sim_outfile_stream(out[OUT_TIMING]));
  if (manifest != NULL)
    write_json(manifest, sim_outfile_stream(out[OUT_N]));
  cJSON_Delete(summary);
  cJSON_Delete(timing);
  for (int i = 0; i < n; i++) {
    if (ok)
      ok = sim_outfile_commit(out[i], error);
    else
      sim_outfile_discard(out[i]);
  }
  return ok;
}

gboolean
report_stream_commit(ReportStream *s, World *w, const cJSON *manifest,
                     GError **error)
{
  g_return_val_if_fail(s != NULL && s->temp != NULL, FALSE);
  gboolean ok = write_rest(s, w, manifest, error);
  /* Whatever happens next, the hidden folder is no longer the stream's. */
  g_autofree char *temp = g_steal_pointer(&s->temp);
  if (!ok) {
    outdir_abandon(temp);
    /* Name the final folder, not the hidden one. */
    if (error != NULL && *error != NULL) {
      g_autofree char *msg = g_strdup((*error)->message);
      g_autofree char *shown = replace_prefix(msg, temp, s->dir);
      g_free((*error)->message);
      (*error)->message = g_steal_pointer(&shown);
    }
    return FALSE;
  }
  return outdir_commit(temp, s->dir, error);
}

void
report_stream_free(ReportStream *s)
{
  if (s == NULL)
    return;
  sim_outfile_discard(s->timeseries);
  sim_outfile_discard(s->events);
  if (s->costs != NULL)
    fclose(s->costs);
  outdir_abandon(s->temp);
  g_free(s->temp);
  g_free(s->dir);
  g_free(s);
}
