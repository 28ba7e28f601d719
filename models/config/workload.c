/* Parsing of a service's workload section. */
#include "models/config/workload.h"

#include <math.h>

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
  };
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

gboolean
workload_parse(const JNode *n, const WorkloadParseOptions *options,
               Workload *w, GError **error)
{
  static const char *const keys[] = {
    "image_size_mib", "soci_index",
    "traffic", "service_time", "at_vcpu", "concurrency_per_vcpu",
    "concurrency", "queue_limit", "timeout", "memory_base_mib",
    "memory_per_request_mib", "bytes_per_request", "new_connection_ratio",
    "health_check_overload", "slot_max_vcpu", NULL
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
      !jn_double(n, "slot_max_vcpu", 0.01, 448.0, &w->slot_max_vcpu, error))
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
