/* Parsing of a service's workload section. */
#include "models/config/workload.h"

#include <math.h>
#include <string.h>

void
workload_init(Workload *w)
{
  *w = (Workload){
    .service_time = dist_fixed(10 * SIM_MSEC),
    .at_vcpu = 1.0,
    .concurrency_per_vcpu = 4.0,
    .queue_limit = 1000,
    .timeout = 60 * SIM_SEC,
    .memory_base_mib = -1.0,
    .new_connection_ratio = 0.2,
    .image_size_mib = WORKLOAD_DEFAULT_IMAGE_MIB,
    .slot_max_vcpu = -1.0, /* the measured share: workload_slot_max_vcpu() */
    .discovery = {
      .dns_ttl = 60 * SIM_SEC,
      .propagation_delay = 10 * SIM_SEC,
      .consecutive_5xx = 5,
      .base_ejection_time = 30 * SIM_SEC,
      .max_ejection_percent = 10.0,
      .proxy_cpu_units = 256,
      .proxy_memory_mib = 64.0,
    },
  };
}

/* `discovery`: the simulator's figures for the discovery mechanism. */
static gboolean
parse_discovery(const JNode *n, WorkloadDiscovery *d, GError **error)
{
  static const char *const keys[] = {
    "dns_ttl", "dns_extra_cache", "propagation_delay", "outlier_detection",
    "proxy_cpu", "proxy_memory_mib", NULL
  };
  static const char *const outlier_keys[] = {
    "consecutive_5xx", "base_ejection_time", "max_ejection_percent", NULL
  };
  JNode dn, on;
  if (!jn_member(n, "discovery", &dn))
    return TRUE;
  int64_t cpu = d->proxy_cpu_units, c5 = d->consecutive_5xx;
  if (!jn_check_object(&dn, keys, NULL, error) ||
      !jn_duration(&dn, "dns_ttl", 0, SIM_DAY, &d->dns_ttl, error) ||
      !jn_duration(&dn, "dns_extra_cache", 0, SIM_DAY, &d->dns_extra_cache,
                   error) ||
      !jn_duration(&dn, "propagation_delay", 0, SIM_HOUR,
                   &d->propagation_delay, error) ||
      !jn_int(&dn, "proxy_cpu", 0, 10240, &cpu, error) ||
      !jn_double(&dn, "proxy_memory_mib", 0.0, 1e5, &d->proxy_memory_mib,
                 error))
    return FALSE;
  d->proxy_cpu_units = (int) cpu;
  if (jn_member(&dn, "outlier_detection", &on)) {
    if (!jn_check_object(&on, outlier_keys, NULL, error) ||
        !jn_int(&on, "consecutive_5xx", 0, 1000, &c5, error) ||
        !jn_duration(&on, "base_ejection_time", SIM_MSEC, SIM_DAY,
                     &d->base_ejection_time, error) ||
        !jn_double(&on, "max_ejection_percent", 0.0, 100.0,
                   &d->max_ejection_percent, error))
      return FALSE;
    d->consecutive_5xx = (int) c5;
  }
  return TRUE;
}

/* `image_size_mib`: one size for every container, or a size per
 * container name (the names are checked against the task definition in
 * scenario-refs.c, which knows it). */
static gboolean
parse_image_sizes(const JNode *n, Workload *w, GError **error)
{
  JNode sizes;
  if (!jn_member(n, "image_size_mib", &sizes) || !cJSON_IsObject(sizes.json))
    return jn_double(n, "image_size_mib", 0.0, 1e6, &w->image_size_mib,
                     error);
  w->image_sizes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                         g_free);
  for (const cJSON *c = sizes.json->child; c != NULL; c = c->next) {
    double *mib = g_new(double, 1);
    *mib = w->image_size_mib;
    g_hash_table_insert(w->image_sizes, c->string, mib);
    if (!jn_double(&sizes, c->string, 0.0, 1e6, mib, error))
      return FALSE;
  }
  return TRUE;
}

/* `count`: a number, or a distribution whose values are counts. */
static gboolean
parse_count(const JNode *call, WorkloadCall *c, GError **error)
{
  JNode n;
  if (!jn_member(call, "count", &n))
    return TRUE;
  if (cJSON_IsNumber(n.json)) {
    double v = 0;
    if (!jn_double(call, "count", 0.0, 1000.0, &v, error))
      return FALSE;
    c->count = dist_fixed(sim_time_from_seconds(v));
    return TRUE;
  }
  return dist_parse(&n, 1000 * SIM_SEC, &c->count, error);
}

static gboolean
parse_retry(const JNode *call, WorkloadRetry *r, GError **error)
{
  static const char *const keys[] = { "attempts", "backoff", "max_backoff",
                                      "jitter", "on", NULL };
  static const char *const jitters[] = { "none", "full", NULL };
  static const char *const kinds[] = { "5xx", "timeout", "connection",
                                       NULL };
  JNode n, on;
  if (!jn_member(call, "retry", &n))
    return TRUE;
  int64_t attempts = r->attempts;
  int jitter = r->full_jitter;
  if (!jn_check_object(&n, keys, NULL, error) ||
      !jn_int(&n, "attempts", 1, 100, &attempts, error) ||
      !jn_duration(&n, "backoff", 0, SIM_HOUR, &r->backoff, error) ||
      !jn_duration(&n, "max_backoff", 0, SIM_DAY, &r->max_backoff, error) ||
      !jn_enum(&n, "jitter", jitters, &jitter, error))
    return FALSE;
  r->attempts = (int) attempts;
  r->full_jitter = jitter == 1;
  JNode max;
  if (!jn_member(&n, "max_backoff", &max))
    r->max_backoff = 10 * r->backoff; /* Envoy's default */
  if (!jn_member(&n, "on", &on))
    return TRUE;
  if (!jn_check_array(&on, 0, CALL_ERR_N, error))
    return FALSE;
  r->on = 0;
  for (int i = 0; i < jn_length(&on); i++) {
    JNode k;
    const char *name;
    jn_index(&on, i, &k);
    if (!jn_value_string(&k, &name, error))
      return FALSE;
    int e = 0;
    while (kinds[e] != NULL && strcmp(kinds[e], name) != 0)
      e++;
    if (kinds[e] == NULL) {
      jn_error(&k, error, "must be \"5xx\", \"timeout\" or "
               "\"connection\", got \"%s\"", name);
      return FALSE;
    }
    r->on |= 1u << e;
  }
  return TRUE;
}

static void
call_clear(gpointer data)
{
  WorkloadCall *c = data;
  g_free(c->service);
  dist_clear(&c->count);
}

/* `calls`: the callee names are resolved in scenario-refs.c. */
static gboolean
parse_calls(const JNode *n, Workload *w, GError **error)
{
  static const char *const keys[] = { "service", "count", "mode", "at",
                                      "timeout", "retry", NULL };
  static const char *const required[] = { "service", NULL };
  static const char *const modes[] = { "sequential", "parallel", NULL };
  JNode arr;
  if (!jn_member(n, "calls", &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 64, error))
    return FALSE;
  w->calls = g_array_new(FALSE, TRUE, sizeof(WorkloadCall));
  g_array_set_clear_func(w->calls, call_clear);
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode call;
    jn_index(&arr, i, &call);
    WorkloadCall c = {
      .callee = -1, .count = dist_fixed(SIM_SEC), .at = 0.5,
      .retry = { .attempts = 1, .backoff = 25 * SIM_MSEC,
                 .max_backoff = 250 * SIM_MSEC, .full_jitter = TRUE,
                 .on = (1u << CALL_ERR_N) - 1 },
    };
    const char *service = NULL;
    int mode = CALL_SEQUENTIAL;
    if (!jn_check_object(&call, keys, required, error) ||
        !jn_string(&call, "service", &service, error) ||
        !jn_enum(&call, "mode", modes, &mode, error) ||
        !jn_double(&call, "at", 0.0, 1.0, &c.at, error) ||
        !jn_duration(&call, "timeout", SIM_MSEC, SIM_DAY, &c.timeout,
                     error) ||
        !parse_count(&call, &c, error) ||
        !parse_retry(&call, &c.retry, error)) {
      dist_clear(&c.count);
      return FALSE;
    }
    c.service = g_strdup(service);
    c.mode = mode;
    g_array_append_val(w->calls, c);
  }
  return TRUE;
}

gboolean
workload_parse(const JNode *n, const WorkloadParseOptions *options,
               Workload *w, GError **error)
{
  static const char *const keys[] = {
    "image_size_mib", "soci_index",
    "traffic", "service_time", "at_vcpu", "concurrency_per_vcpu",
    "concurrency", "queue_limit", "timeout", "memory_base_mib",
    "memory_per_request_mib", "bytes_per_request", "new_connection_ratio",
    "health_check_overload", "slot_max_vcpu", "calls", "async_calls",
    "error_rate", "discovery", NULL
  };
  int64_t concurrency = 0, queue_limit = w->queue_limit;
  if (!jn_check_object(n, keys, NULL, error) ||
      !dist_member(n, "service_time", SIM_HOUR, &w->service_time, error) ||
      !jn_double(n, "at_vcpu", 0.125, 192.0, &w->at_vcpu, error) ||
      !jn_double(n, "concurrency_per_vcpu", 0.01, 100000.0,
                 &w->concurrency_per_vcpu, error) ||
      !jn_int(n, "concurrency", 1, 1000000, &concurrency, error) ||
      !jn_int(n, "queue_limit", 0, 100000000, &queue_limit, error) ||
      !jn_duration(n, "timeout", SIM_MSEC, SIM_DAY, &w->timeout, error) ||
      !jn_double(n, "memory_base_mib", 0.0, 1e7, &w->memory_base_mib,
                 error) ||
      !jn_double(n, "memory_per_request_mib", 0.0, 1e6,
                 &w->memory_per_request_mib, error) ||
      !jn_double(n, "bytes_per_request", 0.0, 1e12, &w->bytes_per_request,
                 error) ||
      !jn_double(n, "new_connection_ratio", 0.0, 1.0,
                 &w->new_connection_ratio, error) ||
      !jn_bool(n, "health_check_overload", &w->health_check_overload,
               error) ||
      !jn_bool(n, "soci_index", &w->soci_index, error) ||
      !parse_image_sizes(n, w, error) ||
      !jn_double(n, "slot_max_vcpu", 0.01, 448.0, &w->slot_max_vcpu, error) ||
      !jn_bool(n, "async_calls", &w->async_calls, error) ||
      !jn_double(n, "error_rate", 0.0, 1.0, &w->error_rate, error) ||
      !parse_discovery(n, &w->discovery, error) ||
      !parse_calls(n, w, error))
    return FALSE;
  JNode both, other;
  if (jn_member(n, "concurrency", &both) &&
      jn_member(n, "concurrency_per_vcpu", &other)) {
    jn_error(&both, error, "give concurrency or concurrency_per_vcpu, "
             "not both");
    return FALSE;
  }
  w->concurrency = (int) concurrency;
  w->queue_limit = (int) queue_limit;
  JNode traffic;
  if (jn_member(n, "traffic", &traffic)) {
    w->traffic = traffic_config_parse(&traffic, &options->traffic, error);
    if (w->traffic == NULL)
      return FALSE;
  }
  return TRUE;
}

void
workload_clear(Workload *w)
{
  traffic_config_free(w->traffic);
  g_clear_pointer(&w->image_sizes, g_hash_table_unref);
  g_clear_pointer(&w->calls, g_array_unref);
  dist_clear(&w->service_time);
  workload_init(w);
}

double
workload_task_vcpu(const Workload *w, int cpu_units)
{
  /* No reservation means no quota either, not zero speed: see the
   * header for the interim rule. */
  if (cpu_units <= 0)
    return w->at_vcpu;
  return cpu_units / 1024.0;
}

int
workload_slots(const Workload *w, double vcpu)
{
  if (w->concurrency > 0)
    return w->concurrency;
  double slots = floor(w->concurrency_per_vcpu * vcpu + 0.5);
  return slots < 1.0 ? 1 : (int) slots;
}

double
workload_speed_factor(const Workload *w, double vcpu)
{
  double share_here = vcpu / workload_slots(w, vcpu);
  double share_measured = w->at_vcpu / workload_slots(w, w->at_vcpu);
  return share_measured / share_here;
}

double
workload_image_size_mib(const Workload *w, const char *container)
{
  const double *mib = w->image_sizes
                        ? g_hash_table_lookup(w->image_sizes, container)
                        : NULL;
  return mib ? *mib : w->image_size_mib;
}

double
workload_work_per_second(const Workload *w)
{
  return w->at_vcpu / workload_slots(w, w->at_vcpu);
}

double
workload_slot_max_vcpu(const Workload *w)
{
  return w->slot_max_vcpu > 0 ? w->slot_max_vcpu
                              : workload_work_per_second(w);
}

char *
workload_call_edge_name(const char *caller, const Workload *w, guint k)
{
  const WorkloadCall *spec = &g_array_index(w->calls, WorkloadCall, k);
  guint same = 1;
  for (guint j = 0; j < k; j++)
    same += strcmp(g_array_index(w->calls, WorkloadCall, j).service,
                   spec->service) == 0;
  if (same == 1)
    return g_strdup_printf("%s->%s", caller, spec->service);
  return g_strdup_printf("%s->%s#%u", caller, spec->service, same);
}
