/* The cluster section's start and stop timings: `fargate` (provisioning,
 * pending, image pull, activating, launch rate, Spot), `ec2` and
 * `task_stop`, with their defaults. */
#include "models/config/cluster-private.h"

static void
image_pull_clear(ImagePullConfig *p)
{
  dist_clear(&p->latency);
  dist_clear(&p->manifest_check);
}

/* `image_pull` of `fargate` (lazy_loading_factor) or `ec2`
 * (manifest_check). */
static gboolean
parse_image_pull(const JNode *parent, gboolean fargate, ImagePullConfig *p,
                 GError **error)
{
  static const char *const fargate_keys[] = {
    "latency", "bandwidth_mib_per_s", "lazy_loading_factor", NULL
  };
  static const char *const ec2_keys[] = {
    "latency", "bandwidth_mib_per_s", "manifest_check", NULL
  };
  JNode n;
  if (!jn_member(parent, "image_pull", &n))
    return TRUE;
  return jn_check_object(&n, fargate ? fargate_keys : ec2_keys, NULL,
                         error) &&
         dist_member(&n, "latency", SIM_HOUR, &p->latency, error) &&
         jn_double(&n, "bandwidth_mib_per_s", 0.01, 1e6,
                   &p->bandwidth_mib_per_s, error) &&
         dist_member(&n, "manifest_check", SIM_HOUR, &p->manifest_check,
                     error) &&
         jn_double(&n, "lazy_loading_factor", 0.0, 1.0,
                   &p->lazy_loading_factor, error);
}

static gboolean
parse_spot_events(const JNode *spot, const char *key, gboolean shortage,
                  GArray *out, GError **error)
{
  static const char *const int_keys[] = { "at", "count", NULL };
  static const char *const short_keys[] = { "at", "duration", NULL };
  JNode arr;
  if (!jn_member(spot, key, &arr))
    return TRUE;
  if (!jn_check_array(&arr, 0, 100000, error))
    return FALSE;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    ScheduledSpotEvent ev = { .count = 1 };
    int64_t count = 1;
    jn_index(&arr, i, &item);
    const char *const *keys = shortage ? short_keys : int_keys;
    if (!jn_check_object(&item, keys, keys, error) ||
        !jn_duration(&item, "at", 0, SIM_TIME_MAX / 4, &ev.at, error) ||
        (!shortage && !jn_int(&item, "count", 1, 1000000, &count, error)) ||
        (shortage && !jn_duration(&item, "duration", SIM_SEC,
                                  SIM_TIME_MAX / 4, &ev.duration, error)))
      return FALSE;
    ev.count = (int) count;
    g_array_append_val(out, ev);
  }
  return TRUE;
}

static gboolean
parse_fargate(const JNode *n, FargateConfig *f, GError **error)
{
  static const char *const keys[] = { "provisioning", "pending",
                                      "activating", "launch_rate", "spot",
                                      "image_pull", NULL };
  static const char *const rate_keys[] = { "burst", "per_second", NULL };
  static const char *const spot_keys[] = {
    "interruptions_per_task_hour", "interruptions", "notice", "shortages",
    NULL
  };
  JNode part;
  int64_t burst = f->launch_burst;
  if (!jn_check_object(n, keys, NULL, error) ||
      !dist_member(n, "provisioning", SIM_DAY, &f->provisioning, error) ||
      !dist_member(n, "pending", SIM_DAY, &f->pending, error) ||
      !dist_member(n, "activating", SIM_DAY, &f->activating, error) ||
      !parse_image_pull(n, TRUE, &f->image_pull, error))
    return FALSE;
  f->pending_given = jn_member(n, "pending", &part);
  if (jn_member(n, "launch_rate", &part) &&
      (!jn_check_object(&part, rate_keys, NULL, error) ||
       !jn_int(&part, "burst", 1, 1000000, &burst, error) ||
       !jn_double(&part, "per_second", 0.001, 1e6, &f->launch_per_second,
                  error)))
    return FALSE;
  f->launch_burst = (int) burst;
  if (jn_member(n, "spot", &part) &&
      (!jn_check_object(&part, spot_keys, NULL, error) ||
       !jn_double(&part, "interruptions_per_task_hour", 0.0, 3600.0,
                  &f->spot_interruptions_per_task_hour, error) ||
       !jn_duration(&part, "notice", 0, SIM_HOUR, &f->spot_notice, error) ||
       !parse_spot_events(&part, "interruptions", FALSE,
                          f->spot_interruptions, error) ||
       !parse_spot_events(&part, "shortages", TRUE, f->spot_shortages,
                          error)))
    return FALSE;
  return TRUE;
}

static Dist
uniform(double lo, double hi)
{
  return (Dist){ .kind = DIST_UNIFORM, .a = lo, .b = hi,
                 .mean = (lo + hi) / 2 };
}

void
cluster_timing_init(ClusterConfig *cfg)
{
  /* The Fargate start: ENI attach as measured (ECS-REFERENCE §6), then a
   * pull fitted to two public points (REFERENCE.md "Images and start
   * times"): the real log's 38.9 s from "started" to "registered targets"
   * is the median for the default image. */
  cfg->fargate = (FargateConfig){
    .provisioning = uniform(11, 44),
    .pending = uniform(20, 45),
    .image_pull = { .latency = uniform(6, 14), .bandwidth_mib_per_s = 180,
                    .manifest_check = { .kind = DIST_FIXED },
                    .lazy_loading_factor = 0.4 },
    .activating = uniform(1, 5),
    .launch_burst = 100,
    .launch_per_second = 20.0,
    .spot_interruptions = g_array_new(FALSE, TRUE,
                                      sizeof(ScheduledSpotEvent)),
    .spot_notice = 120 * SIM_SEC,
    .spot_shortages = g_array_new(FALSE, TRUE, sizeof(ScheduledSpotEvent)),
  };
  cfg->ec2_pending = uniform(5, 20);
  cfg->ec2_image_pull = (ImagePullConfig){
    .latency = uniform(3, 9), .bandwidth_mib_per_s = 100,
    .manifest_check = uniform(0.2, 1.0), .lazy_loading_factor = 1.0 };
  cfg->ec2_activating = uniform(1, 5);
  cfg->stopping = uniform(1, 5);
  cfg->deprovisioning = uniform(5, 15);
}

gboolean
cluster_timing_parse(const JNode *n, ClusterConfig *cfg, GError **error)
{
  static const char *const ec2_keys[] = { "pending", "activating",
                                          "image_pull", NULL };
  static const char *const stop_keys[] = { "stopping", "deprovisioning",
                                           NULL };
  JNode part;
  if (jn_member(n, "fargate", &part) &&
      !parse_fargate(&part, &cfg->fargate, error))
    return FALSE;
  if (jn_member(n, "ec2", &part) &&
      (!jn_check_object(&part, ec2_keys, NULL, error) ||
       !dist_member(&part, "pending", SIM_DAY, &cfg->ec2_pending, error) ||
       !dist_member(&part, "activating", SIM_DAY, &cfg->ec2_activating,
                    error) ||
       !parse_image_pull(&part, FALSE, &cfg->ec2_image_pull, error)))
    return FALSE;
  cfg->ec2_pending_given = jn_member(n, "ec2", &part) &&
                           jn_member(&part, "pending", &part);
  if (jn_member(n, "task_stop", &part) &&
      (!jn_check_object(&part, stop_keys, NULL, error) ||
       !dist_member(&part, "stopping", SIM_HOUR, &cfg->stopping, error) ||
       !dist_member(&part, "deprovisioning", SIM_HOUR, &cfg->deprovisioning,
                    error)))
    return FALSE;
  return TRUE;
}

void
cluster_timing_clear(ClusterConfig *cfg)
{
  FargateConfig *f = &cfg->fargate;
  dist_clear(&f->provisioning);
  dist_clear(&f->pending);
  dist_clear(&f->activating);
  image_pull_clear(&f->image_pull);
  image_pull_clear(&cfg->ec2_image_pull);
  g_array_unref(f->spot_interruptions);
  g_array_unref(f->spot_shortages);
  dist_clear(&cfg->ec2_pending);
  dist_clear(&cfg->ec2_activating);
  dist_clear(&cfg->stopping);
  dist_clear(&cfg->deprovisioning);
}
