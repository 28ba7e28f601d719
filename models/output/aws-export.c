/* The AWS-shaped export: per-period accumulators and the CloudWatch
 * get-metric-data files. */
#include "models/output/aws-export-private.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include "models/config/scenario.h"
#include "models/control/metrics.h"
#include "models/control/service.h"
#include "models/input/civil-time.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/requests/lb.h"
#include "models/traffic/traffic.h"

void
aws_export_options_init(AwsExportOptions *o)
{
  o->period = 60 * SIM_SEC;
  o->epoch_us = G_GINT64_CONSTANT(1767571200) * SIM_SEC; /* 2026-01-05 */
  o->sample = 1.0;
  o->max_gib = 2.0;
}

gboolean
aws_export_parse_epoch(const char *text, gint64 *us)
{
  const char *p = text;
  CivilTime t;
  if (!civil_time_parse_iso(&p, &t) || *p != '\0')
    return FALSE;
  *us = t.utc;
  return TRUE;
}

static AwsBucket *
bucket(AwsService *s, SimTime t, SimTime period)
{
  guint i = (guint) (t / period);
  if (i >= s->buckets->len)
    g_array_set_size(s->buckets, i + 1);
  return &g_array_index(s->buckets, AwsBucket, i);
}

static void
on_request(World *w, const WorldRequest *r, gpointer data)
{
  AwsExport *e = data;
  AwsService *s = e->by_index[r->service];
  if (s == NULL)
    return;
  AwsBucket *b = bucket(s, r->arrival, e->o.period);
  b->requests++;
  switch (r->outcome) {
  case REQ_OK:
  case REQ_QUEUE_FULL:
    b->responses++;
    b->response_s += (double) (r->finish - r->arrival) / SIM_SEC;
    b->target_5xx += r->outcome == REQ_QUEUE_FULL;
    break;
  default:
    b->elb_5xx++;
  }
  s->lines++;
  if (e->o.sample >= 1.0 || gsl_rng_uniform(e->sample_rng) < e->o.sample)
    aws_export_log_line(e, s, r);
}

/* CPU and memory of the period that ends at @end (as timeseries.csv's
 * cpu_pct and memory_pct, over the export period). */
static void
close_period(AwsExport *e, AwsService *s, SimTime end)
{
  World *w = e->w;
  ReqWindowTotals t;
  reqstats_window_close(&w->reqstats[s->service], &s->window, end, &t);
  AwsBucket *b = bucket(s, end - 1, e->o.period);
  SimTime start = (end - 1) / e->o.period * e->o.period;
  b->cpu_pct = reqstats_window_cpu_pct(&t);
  b->memory_pct = metrics_memory_pct(
    w, s->service, service_counts(w, s->service).running,
    t.in_flight_s * SIM_SEC / (double) (end - start));
}

static void
sample(AwsExport *e, SimTime now)
{
  for (guint i = 0; i < e->services->len; i++) {
    AwsService *s = e->services->pdata[i];
    AwsBucket *b = bucket(s, now - 1, e->o.period);
    b->healthy_sum += lb_rotation_size(e->w, s->service);
    b->running_sum += service_counts(e->w, s->service).running;
    b->samples++;
    if (now % e->o.period == 0 || now == e->w->horizon)
      close_period(e, s, now);
  }
  e->sampled = now;
}

static void
on_sample(SimEngine *engine, gpointer model, gpointer payload)
{
  AwsExport *e = model;
  SimTime now = sim_engine_now(engine);
  sample(e, now);
  SimTime next = now + e->step;
  if (next < e->w->horizon)
    sim_schedule_inline(engine, next, e->sample_kind, NULL, 0);
}

/* Expected log lines of the run, from its traffic. */
static double
expected_requests(World *w)
{
  double n = 0;
  for (guint i = 0; i < w->cfg->services->len; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    if (svc->workload.traffic != NULL)
      n += traffic_config_mean_rate(svc->workload.traffic, w->horizon,
                                    w->cfg->clock_offset) *
           sim_time_to_seconds(w->horizon);
  }
  return n;
}

static gboolean
check_size(World *w, const AwsExportOptions *o, GError **error)
{
  double gib = expected_requests(w) * o->sample * AWS_EXPORT_LINE_BYTES /
               (1024.0 * 1024.0 * 1024.0);
  if (gib <= o->max_gib)
    return TRUE;
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "--export-aws: the ALB logs would take about %.1f GiB (%.3g "
              "requests of ~%d bytes), more than --export-aws-max-gib %g; "
              "write a fraction of the lines with --export-aws-sample %.2g "
              "(the CloudWatch metrics stay complete) or raise the limit",
              gib, expected_requests(w) * o->sample, AWS_EXPORT_LINE_BYTES,
              o->max_gib, MAX(0.01, floor(100 * o->max_gib / gib) / 100));
  return FALSE;
}

static AwsService *
service_new(AwsExport *e, guint32 index, GError **error)
{
  const ServiceConfig *svc = e->w->cfg->services->pdata[index];
  AwsService *s = g_new0(AwsService, 1);
  s->service = index;
  s->name = svc->name;
  s->buckets = g_array_new(FALSE, TRUE, sizeof(AwsBucket));
  g_autofree char *base = g_strdup_printf("%s-alb.log", svc->name);
  g_autofree char *path = g_build_filename(e->dir, base, NULL);
  s->log = fopen(path, "w");
  if (s->log == NULL) {
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                "%s: cannot write: %s", path, g_strerror(errno));
    g_array_unref(s->buckets);
    g_free(s);
    return NULL;
  }
  setvbuf(s->log, NULL, _IOFBF, 1 << 16);
  return s;
}

static void
export_service_free(AwsService *s)
{
  if (s->log != NULL)
    fclose(s->log);
  g_array_unref(s->buckets);
  g_free(s);
}

AwsExport *
aws_export_new(World *w, const char *dir, const AwsExportOptions *o,
               GError **error)
{
  g_return_val_if_fail(o->period > 0 && o->sample > 0 && o->sample <= 1,
                       NULL);
  if (!check_size(w, o, error))
    return NULL;
  AwsExport *e = g_new0(AwsExport, 1);
  e->w = w;
  e->dir = g_strdup(dir);
  e->o = *o;
  e->t0_us = o->epoch_us + w->cfg->clock_offset;
  e->services = g_ptr_array_new_with_free_func((GDestroyNotify) export_service_free);
  e->by_index = g_new0(AwsService *, w->cfg->services->len);
  for (guint i = 0; i < w->cfg->services->len; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    if (svc->workload.traffic == NULL && w->cfg->service_tgs->pdata[i] == NULL)
      continue;
    AwsService *s = service_new(e, i, error);
    if (s == NULL) {
      aws_export_free(e);
      return NULL;
    }
    g_ptr_array_add(e->services, s);
    e->by_index[i] = s;
  }
  e->sample_rng = world_rng(w, "export", "alb-sample");
  /* Counts are sampled ten times a minute (or once a period when the
   * period does not split so), as CloudWatch averages its own samples. */
  e->step = o->period % (10 * SIM_SEC) == 0 ? 10 * SIM_SEC : o->period;
  static const SimEventKind kind = { "export.sample", on_sample, NULL };
  e->sample_kind = sim_engine_register(world_engine(w), &kind, e);
  if (e->step < w->horizon)
    sim_schedule_inline(world_engine(w), e->step, e->sample_kind, NULL, 0);
  world_on_request_finished(w, on_request, e);
  return e;
}

/* One MetricDataResults entry, newest first. @value gives the datapoint
 * of bucket @b, or FALSE for none. */
typedef gboolean (*ValueFunc)(const AwsBucket *b, double *value);

static gboolean
v_requests(const AwsBucket *b, double *v)
{
  *v = (double) b->requests;
  return b->requests > 0; /* the ALB publishes no zero RequestCount */
}

static gboolean
v_response_time(const AwsBucket *b, double *v)
{
  *v = b->responses ? b->response_s / (double) b->responses : 0;
  return b->responses > 0;
}

static gboolean
v_target_5xx(const AwsBucket *b, double *v)
{
  *v = (double) b->target_5xx;
  return TRUE;
}

static gboolean
v_elb_5xx(const AwsBucket *b, double *v)
{
  *v = (double) b->elb_5xx;
  return TRUE;
}

static gboolean
v_healthy(const AwsBucket *b, double *v)
{
  *v = b->samples ? b->healthy_sum / b->samples : 0;
  return TRUE;
}

static gboolean
v_running(const AwsBucket *b, double *v)
{
  *v = b->samples ? b->running_sum / b->samples : 0;
  return TRUE;
}

static gboolean
v_cpu(const AwsBucket *b, double *v)
{
  *v = b->cpu_pct;
  return TRUE;
}

static gboolean
v_memory(const AwsBucket *b, double *v)
{
  *v = b->memory_pct;
  return TRUE;
}

static const struct {
  const char *label;
  ValueFunc value;
} metrics[] = {
  { "RequestCount", v_requests },
  { "TargetResponseTime", v_response_time },
  { "HTTPCode_Target_5XX_Count", v_target_5xx },
  { "HTTPCode_ELB_5XX_Count", v_elb_5xx },
  { "HealthyHostCount", v_healthy },
  { "CPUUtilization", v_cpu },
  { "MemoryUtilization", v_memory },
  { "RunningTaskCount", v_running },
};

/* A value as CloudWatch prints it: whole counts stay whole, averages
 * keep 6 decimals (their noise passes that), so outputs are stable. */
static double
rounded(double v)
{
  return round(v * 1e6) / 1e6;
}

static cJSON *
metric_result(AwsExport *e, AwsService *s, guint m)
{
  cJSON *r = cJSON_CreateObject();
  char id[16];
  g_snprintf(id, sizeof id, "m%u", m + 1);
  cJSON_AddStringToObject(r, "Id", id);
  cJSON_AddStringToObject(r, "Label", metrics[m].label);
  cJSON *times = cJSON_AddArrayToObject(r, "Timestamps");
  cJSON *values = cJSON_AddArrayToObject(r, "Values");
  guint n = (guint) ((e->w->horizon + e->o.period - 1) / e->o.period);
  if (s->buckets->len < n)
    g_array_set_size(s->buckets, n);
  for (guint i = n; i-- > 0;) {
    double v;
    if (!metrics[m].value(&g_array_index(s->buckets, AwsBucket, i), &v))
      continue;
    g_autofree char *when =
      civil_time_format(e->t0_us + (gint64) i * e->o.period, 0, "+00:00");
    cJSON_AddItemToArray(times, cJSON_CreateString(when));
    cJSON_AddItemToArray(values, cJSON_CreateNumber(rounded(v)));
  }
  cJSON_AddStringToObject(r, "StatusCode", "Complete");
  return r;
}

/* @item laid out as the AWS CLI prints JSON (Python's json.dumps with
 * indent=4): one member or element a line, four spaces a level, "key":
 * value, empty containers as {} and [], whole values as 12.0 (they are
 * floats to the CLI). People diff the export against real CLI output;
 * cJSON_Print() would indent with tabs and keep arrays on one line.
 * Strings and other numbers are cJSON's. */
static void
print_like_cli(const cJSON *item, int depth, GString *out)
{
  gboolean object = cJSON_IsObject(item);
  if (!object && !cJSON_IsArray(item)) {
    g_autofree char *text = cJSON_PrintUnformatted(item);
    g_string_append(out, text);
    if (cJSON_IsNumber(item) && strpbrk(text, ".eEn") == NULL)
      g_string_append(out, ".0"); /* the CLI's values are floats */
    return;
  }
  g_string_append_c(out, object ? '{' : '[');
  for (const cJSON *c = item->child; c != NULL; c = c->next) {
    g_string_append_printf(out, "\n%*s", 4 * (depth + 1), "");
    if (object) {
      cJSON *key = cJSON_CreateStringReference(c->string);
      print_like_cli(key, depth + 1, out);
      cJSON_Delete(key);
      g_string_append(out, ": ");
    }
    print_like_cli(c, depth + 1, out);
    if (c->next != NULL)
      g_string_append_c(out, ',');
  }
  if (item->child != NULL)
    g_string_append_printf(out, "\n%*s", 4 * depth, "");
  g_string_append_c(out, object ? '}' : ']');
}

static gboolean
write_cloudwatch(AwsExport *e, AwsService *s, GError **error)
{
  g_autoptr(cJSON) root = cJSON_CreateObject();
  cJSON *results = cJSON_AddArrayToObject(root, "MetricDataResults");
  for (guint m = 0; m < G_N_ELEMENTS(metrics); m++)
    cJSON_AddItemToArray(results, metric_result(e, s, m));
  cJSON_AddArrayToObject(root, "Messages");
  GString *text = g_string_new(NULL);
  print_like_cli(root, 0, text);
  g_string_append_c(text, '\n');
  g_autofree char *body = g_string_free(text, FALSE);
  g_autofree char *base = g_strdup_printf("%s-cloudwatch.json", s->name);
  g_autofree char *path = g_build_filename(e->dir, base, NULL);
  return g_file_set_contents(path, body, -1, error);
}

gboolean
aws_export_finish(AwsExport *e, GError **error)
{
  if (e->sampled < e->w->horizon)
    sample(e, e->w->horizon); /* the last, maybe partial, period */
  for (guint i = 0; i < e->services->len; i++) {
    AwsService *s = e->services->pdata[i];
    int failed = fclose(s->log);
    s->log = NULL;
    if (failed != 0) {
      g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                  "%s/%s-alb.log: cannot write: %s", e->dir, s->name,
                  g_strerror(errno));
      return FALSE;
    }
    if (!write_cloudwatch(e, s, error))
      return FALSE;
  }
  return TRUE;
}

void
aws_export_free(AwsExport *e)
{
  if (e == NULL)
    return;
  g_ptr_array_unref(e->services);
  g_free(e->by_index);
  g_free(e->dir);
  g_free(e);
}
