/* The table of summary.json's fields; reading fields by dotted path. */
#include "models/config/summary-schema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/config/warnings.h"
#include "models/input/input.h"

#define LOWER SUMMARY_LOWER_IS_BETTER
#define NONE SUMMARY_NO_DIRECTION
#define HIGHER SUMMARY_HIGHER_IS_BETTER
#define N SUMMARY_UNIT_NUMBER
#define MS SUMMARY_UNIT_MS
#define FRAC SUMMARY_UNIT_FRACTION
#define PCT SUMMARY_UNIT_PERCENT

/* The requests and latency blocks, at the top and under each service. */
#define REQUEST_FIELDS(P)                                                 \
  { P "requests.arrivals", N, NONE, FALSE },                              \
  { P "requests.completed", N, NONE, FALSE },                             \
  { P "requests.in_flight_end", N, NONE, FALSE },                         \
  { P "requests.errors.no_target", N, LOWER, FALSE },                     \
  { P "requests.errors.queue_full", N, LOWER, FALSE },                    \
  { P "requests.errors.timeout", N, LOWER, FALSE },                       \
  { P "requests.errors.reset", N, LOWER, FALSE },                         \
  { P "requests.errors.total", N, LOWER, FALSE },                         \
  { P "requests.error_rate", FRAC, LOWER, FALSE },                        \
  { P "requests.waited_fraction", FRAC, LOWER, FALSE },                   \
  { P "requests.mean_wait_ms", MS, LOWER, FALSE },                        \
  { P "requests.throughput_rps", N, NONE, FALSE },                        \
  { P "latency.p50_ms", MS, LOWER, FALSE },                               \
  { P "latency.p90_ms", MS, LOWER, FALSE },                               \
  { P "latency.p99_ms", MS, LOWER, FALSE },                               \
  { P "latency.p999_ms", MS, LOWER, FALSE },                              \
  { P "latency.mean_ms", MS, LOWER, FALSE },                              \
  { P "latency.max_ms", MS, LOWER, FALSE }

/* In summary.json's order (report-summary.c); tests/models/test-expect.c
 * checks the two agree. More specific entries come before the
 * placeholder that would also match them. */
static const SummaryField fields[] = {
  REQUEST_FIELDS(""),
  { "slo.threshold_ms", MS, NONE, FALSE },
  { "slo.target", FRAC, NONE, FALSE },
  { "slo.attainment", FRAC, HIGHER, FALSE },
  { "slo.met", SUMMARY_UNIT_BOOL, HIGHER, FALSE },
  { "slo.error_budget", FRAC, NONE, FALSE },
  { "slo.error_budget_met", SUMMARY_UNIT_BOOL, HIGHER, FALSE },
  { "warning_counts.total", N, LOWER, FALSE },
  { "warning_counts.<code>", N, LOWER, TRUE },
  { "cost.total_usd", N, LOWER, FALSE },
  { "cost.items.compute", N, LOWER, FALSE },
  { "cost.items.storage", N, LOWER, FALSE },
  { "cost.items.load_balancer", N, LOWER, FALSE },
  { "cost.items.total", N, LOWER, FALSE },
  { "cost.items.discovery", N, LOWER, TRUE },
  { "cost.discovery.registered_instance_hours", N, NONE, TRUE },
  { "cost.discovery.dns_queries", N, NONE, TRUE },
  { "cost.by_service.<service>", N, LOWER, FALSE },
  { "cost.by_provider.<provider>", N, LOWER, TRUE },
  { "cost.unused_ec2_usd", N, LOWER, FALSE },
  { "cost.warm_pool_usd", N, LOWER, TRUE },
  { "cost.commitments.commitment_usd", N, NONE, TRUE },
  { "cost.commitments.covered_on_demand_usd", N, HIGHER, TRUE },
  { "cost.commitments.covered_usd", N, NONE, TRUE },
  { "cost.commitments.uncovered_usd", N, LOWER, TRUE },
  { "cost.commitments.unused_commitment_usd", N, LOWER, TRUE },
  { "cost.commitments.savings_usd", N, HIGHER, TRUE },
  { "cost.per_million_requests_usd", N, LOWER, FALSE },
  { "capacity.task_hours", N, NONE, FALSE },
  { "capacity.instance_hours", N, NONE, FALSE },
  { "capacity.mean_cpu_pct", PCT, NONE, FALSE },
  { "capacity.mean_memory_pct", PCT, NONE, FALSE },
  { "capacity.max_instances", N, NONE, FALSE },
  { "capacity.instances_launched", N, NONE, FALSE },
  { "capacity.spot_instances_launched", N, NONE, TRUE },
  { "capacity.spot_interruptions", N, LOWER, TRUE },
  { "capacity.warm_pool_instance_hours", N, NONE, TRUE },
  { "tasks.started", N, NONE, FALSE },
  { "tasks.stopped", N, NONE, FALSE },
  { "tasks.failed_to_start", N, LOWER, FALSE },
  { "tasks.stopped_by_reason.unhealthy", N, LOWER, FALSE },
  { "tasks.stopped_by_reason.essential-container-exited", N, LOWER, FALSE },
  { "tasks.stopped_by_reason.startup-failure", N, LOWER, FALSE },
  { "tasks.stopped_by_reason.<reason>", N, NONE, FALSE },
  { "deployments.completed", N, NONE, FALSE },
  { "deployments.failed", N, LOWER, FALSE },
  { "deployments.rollbacks", N, LOWER, FALSE },
  { "scaling.service_actions", N, NONE, FALSE },
  { "scaling.capacity_actions", N, NONE, FALSE },
  REQUEST_FIELDS("services.<service>."),
  { "services.<service>.cost.compute", N, LOWER, FALSE },
  { "services.<service>.cost.storage", N, LOWER, FALSE },
  { "services.<service>.cost.load_balancer", N, LOWER, FALSE },
  { "services.<service>.cost.total", N, LOWER, FALSE },
  { "services.<service>.desired_end", N, NONE, FALSE },
  { "services.<service>.running_end", N, NONE, FALSE },
  { "services.<service>.tasks_started", N, NONE, FALSE },
  { "services.<service>.scaling_actions", N, NONE, FALSE },
  { "services.<service>.unable_to_place", N, LOWER, FALSE },
  { "services.<service>.unplaced_by_reason.<why>", N, LOWER, FALSE },
  { "services.<service>.unplaced_longest_s", N, LOWER, FALSE },
  { "services.<service>.calls.made", N, NONE, TRUE },
  { "services.<service>.calls.sent", N, NONE, TRUE },
  { "services.<service>.calls.retry_amplification", N, LOWER, TRUE },
  { "services.<service>.calls.failed", N, LOWER, TRUE },
  { "services.<service>.calls.dependency_errors", N, LOWER, TRUE },
  { "services.<service>.calls.answered_5xx", N, LOWER, TRUE },
  { "services.<service>.calls.dependency_mean_ms", MS, LOWER, TRUE },
  { "services.<service>.calls.dependency_fraction", FRAC, NONE, TRUE },
  { "edges.<edge>.calls", N, NONE, TRUE },
  { "edges.<edge>.sent", N, NONE, TRUE },
  { "edges.<edge>.retries", N, LOWER, TRUE },
  { "edges.<edge>.retry_amplification", N, LOWER, TRUE },
  { "edges.<edge>.ok", N, NONE, TRUE },
  { "edges.<edge>.errors.5xx", N, LOWER, TRUE },
  { "edges.<edge>.errors.timeout", N, LOWER, TRUE },
  { "edges.<edge>.errors.connection", N, LOWER, TRUE },
  { "edges.<edge>.errors.total", N, LOWER, TRUE },
  { "edges.<edge>.failed", N, LOWER, TRUE },
  { "edges.<edge>.in_flight_end", N, NONE, TRUE },
  { "edges.<edge>.failure_rate", FRAC, LOWER, TRUE },
  { "edges.<edge>.latency.p50_ms", MS, LOWER, TRUE },
  { "edges.<edge>.latency.p90_ms", MS, LOWER, TRUE },
  { "edges.<edge>.latency.p99_ms", MS, LOWER, TRUE },
  { "edges.<edge>.latency.p999_ms", MS, LOWER, TRUE },
  { "edges.<edge>.latency.mean_ms", MS, LOWER, TRUE },
  { "edges.<edge>.latency.max_ms", MS, LOWER, TRUE },
  { "engine.events", N, NONE, FALSE },
  { "engine.by_kind.<kind>", N, NONE, FALSE },
  { "engine.events_logged", N, NONE, FALSE },
};

/* A placeholder ("<service>") matches one or more whole segments, so
 * that names holding dots still match. */
static gboolean
pattern_match(const char *pat, const char *path)
{
  for (;;) {
    if (*pat == '<') {
      const char *rest = strchr(pat, '>') + 1;
      if (*path == '\0' || *path == '.')
        return FALSE;
      for (const char *p = path + 1;; p++) {
        if ((*p == '.' || *p == '\0') && pattern_match(rest, p))
          return TRUE;
        if (*p == '\0')
          return FALSE;
      }
    }
    if (*pat != *path)
      return FALSE;
    if (*pat == '\0')
      return TRUE;
    pat++;
    path++;
  }
}

const SummaryField *
summary_schema_lookup(const char *path)
{
  g_return_val_if_fail(path != NULL, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
    if (pattern_match(fields[i].pattern, path))
      return &fields[i];
  return NULL;
}

/* The names under tasks.stopped_by_reason and
 * services[].unplaced_by_reason, as the models write them (task.c's
 * stop reasons, capacity-provider.h's UnplacedReason): listed here so that the
 * scenario loader can check "expect" paths without the models. The
 * test expect::field_table_matches_a_real_summary holds the lists true. */
static const char *const stop_reasons[] = {
  "scale-in", "deployment", "unhealthy", "spot-interruption",
  "instance-terminated", "essential-container-exited", "startup-failure",
  "instance-draining", "out-of-memory",
};
static const char *const unplaced_reasons[] = {
  "cpu", "memory", "eni", "ports", "constraint", "no_instances",
  "spot_capacity",
};

/* The names a placeholder stands for in @cfg (owned strings). */
static GPtrArray *
placeholder_names(const char *placeholder, const ScenarioConfig *cfg)
{
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  if (g_str_has_prefix(placeholder, "<service>")) {
    for (guint i = 0; i < cfg->services->len; i++)
      g_ptr_array_add(names, g_strdup(((ServiceConfig *)
                                        cfg->services->pdata[i])->name));
  } else if (g_str_has_prefix(placeholder, "<provider>")) {
    g_ptr_array_add(names, g_strdup("FARGATE"));
    g_ptr_array_add(names, g_strdup("FARGATE_SPOT"));
    for (guint i = 0; i < cfg->cluster->asgs->len; i++)
      g_ptr_array_add(names, g_strdup(((AsgConfig *)
                                        cfg->cluster->asgs->pdata[i])->name));
    g_ptr_array_add(names, g_strdup("EC2"));
  } else if (g_str_has_prefix(placeholder, "<reason>")) {
    for (gsize k = 0; k < G_N_ELEMENTS(stop_reasons); k++)
      g_ptr_array_add(names, g_strdup(stop_reasons[k]));
  } else if (g_str_has_prefix(placeholder, "<why>")) {
    for (gsize k = 0; k < G_N_ELEMENTS(unplaced_reasons); k++)
      g_ptr_array_add(names, g_strdup(unplaced_reasons[k]));
  } else if (g_str_has_prefix(placeholder, "<edge>")) {
    for (guint i = 0; i < cfg->services->len; i++) {
      const ServiceConfig *svc = cfg->services->pdata[i];
      for (guint k = 0; svc->workload.calls && k < svc->workload.calls->len;
           k++)
        g_ptr_array_add(names, workload_call_edge_name(svc->name,
                                                       &svc->workload, k));
    }
  } else if (g_str_has_prefix(placeholder, "<code>")) {
    for (const char *const *c = warnings_known_codes(); *c; c++)
      g_ptr_array_add(names, g_strdup(*c));
  }
  /* <kind>: the engine's event kinds are only known once a world runs. */
  return names;
}

/* Adds to @paths (and @seen) every path @pat stands for in @cfg, each of
 * its placeholders replaced by the names it stands for. */
static void
expand(const char *pat, const ScenarioConfig *cfg, GPtrArray *paths,
       GHashTable *seen)
{
  const char *open = strchr(pat, '<');
  if (open == NULL) {
    if (!g_hash_table_contains(seen, pat)) {
      char *p = g_strdup(pat);
      g_hash_table_add(seen, p);
      g_ptr_array_add(paths, p);
    }
    return;
  }
  const char *rest = strchr(open, '>') + 1;
  g_autoptr(GPtrArray) names = placeholder_names(open, cfg);
  for (guint n = 0; n < names->len; n++) {
    g_autofree char *p = g_strdup_printf("%.*s%s%s", (int) (open - pat), pat,
                                         (char *) names->pdata[n], rest);
    expand(p, cfg, paths, seen);
  }
}

GPtrArray *
summary_schema_paths(const ScenarioConfig *cfg)
{
  g_return_val_if_fail(cfg != NULL, NULL);
  GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (gsize i = 0; i < G_N_ELEMENTS(fields); i++)
    expand(fields[i].pattern, cfg, paths, seen);
  return paths;
}

/* Length of the segment at @path that @key names: @key followed by '.'
 * or the end, else 0. */
static gsize
key_prefix(const char *path, const char *key)
{
  gsize n = strlen(key);
  if (n == 0 || strncmp(path, key, n) != 0)
    return 0;
  return path[n] == '.' || path[n] == '\0' ? n : 0;
}

/* The child of @node that the start of @path names, with its length in
 * @used. The longest key wins, so keys with dots work. */
static const cJSON *
child_at(const cJSON *node, const char *path, gsize *used)
{
  const cJSON *best = NULL;
  *used = 0;
  for (const cJSON *c = node ? node->child : NULL; c; c = c->next) {
    const char *key = c->string;
    if (cJSON_IsArray(node)) {
      const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
      key = cJSON_IsString(name) ? name->valuestring : NULL;
    }
    gsize n = key ? key_prefix(path, key) : 0;
    if (n > *used) {
      *used = n;
      best = c;
    }
  }
  if (best == NULL && cJSON_IsArray(node) && g_ascii_isdigit(*path)) {
    char *end;
    guint64 i = g_ascii_strtoull(path, &end, 10);
    if ((*end == '.' || *end == '\0') && i < G_MAXINT) {
      best = cJSON_GetArrayItem(node, (int) i);
      *used = (gsize) (end - path);
    }
  }
  return best;
}

gboolean
summary_schema_value(const cJSON *summary, const char *path, double *out)
{
  g_return_val_if_fail(path != NULL && out != NULL, FALSE);
  const cJSON *node = summary;
  const char *p = path;
  while (node != NULL && *p != '\0') {
    gsize used;
    node = child_at(node, p, &used);
    p += used;
    if (*p == '.')
      p++;
  }
  if (node == NULL) {
    const SummaryField *f = summary_schema_lookup(path);
    *out = 0.0;
    return f != NULL && f->absent_is_zero;
  }
  if (cJSON_IsBool(node)) {
    *out = cJSON_IsTrue(node) ? 1.0 : 0.0;
    return TRUE;
  }
  if (!cJSON_IsNumber(node))
    return FALSE;
  *out = node->valuedouble;
  return TRUE;
}

/* Appends the leaves below @node to @out; @path is @node's. At the top
 * (@top; not just an empty @path: a member may be named "") the
 * identification is left out. */
static void
collect_leaves(const cJSON *node, GString *path, GArray *out, gboolean top)
{
  int index = 0;
  for (const cJSON *c = node->child; c; c = c->next, index++) {
    /* The warnings' words are for people; warning_counts has their
     * figures. */
    if (top && (strcmp(c->string, "schema") == 0 ||
                           strcmp(c->string, "scenario") == 0 ||
                           strcmp(c->string, "warnings") == 0))
      continue;
    gsize len = path->len;
    if (len > 0)
      g_string_append_c(path, '.');
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "name");
    if (cJSON_IsObject(node))
      g_string_append(path, c->string);
    else if (cJSON_IsObject(c) && cJSON_IsString(name))
      g_string_append(path, name->valuestring);
    else
      g_string_append_printf(path, "%d", index);
    SummaryLeaf leaf = { NULL, NAN };
    if (cJSON_IsNumber(c))
      leaf.value = c->valuedouble;
    else if (cJSON_IsBool(c))
      leaf.value = cJSON_IsTrue(c) ? 1.0 : 0.0;
    if (cJSON_IsNumber(c) || cJSON_IsBool(c) || cJSON_IsNull(c)) {
      leaf.path = g_strdup(path->str);
      g_array_append_val(out, leaf);
    } else if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
      collect_leaves(c, path, out, FALSE);
    }
    g_string_truncate(path, len);
  }
}

static void
leaf_clear(gpointer p)
{
  g_free(((SummaryLeaf *) p)->path);
}

GArray *
summary_schema_leaves(const cJSON *summary)
{
  g_return_val_if_fail(cJSON_IsObject(summary), NULL);
  GArray *out = g_array_new(FALSE, FALSE, sizeof(SummaryLeaf));
  g_array_set_clear_func(out, leaf_clear);
  g_autoptr(GString) path = g_string_new(NULL);
  collect_leaves(summary, path, out, TRUE);
  return out;
}

/* Each word of @path ("errors", "rate") is, or starts, or is started by,
 * a word of @candidate of at least 3 letters. */
static gboolean
words_match(const char *path, const char *candidate)
{
  g_auto(GStrv) want = g_strsplit_set(path, "._", -1);
  g_auto(GStrv) have = g_strsplit_set(candidate, "._", -1);
  for (char **w = want; *w; w++) {
    gboolean found = **w == '\0';
    for (char **h = have; *h && !found; h++) {
      gsize n = MIN(strlen(*w), strlen(*h));
      found = g_ascii_strcasecmp(*w, *h) == 0 ||
              (n >= 3 && g_ascii_strncasecmp(*w, *h, n) == 0);
    }
    if (!found)
      return FALSE;
  }
  return TRUE;
}

typedef struct {
  const char *path;
  gsize score;
} Near;

static int
near_cmp(gconstpointer a, gconstpointer b)
{
  const Near *x = a, *y = b;
  if (x->score != y->score)
    return x->score < y->score ? -1 : 1;
  return strcmp(x->path, y->path);
}

char *
summary_schema_suggest(const char *path, const GPtrArray *candidates,
                       guint max)
{
  g_return_val_if_fail(path != NULL && candidates != NULL, NULL);
  g_autoptr(GArray) near = g_array_new(FALSE, FALSE, sizeof(Near));
  gsize typos = CLAMP(strlen(path) / 4, 1, 3);
  for (guint i = 0; i < candidates->len; i++) {
    const char *c = candidates->pdata[i];
    gsize d = input_edit_distance(path, c);
    /* Word matches rank first, then typing mistakes. */
    if (words_match(path, c))
      g_array_append_val(near, ((Near) { c, d }));
    else if (d <= typos)
      g_array_append_val(near, ((Near) { c, 1000 + d }));
  }
  if (near->len == 0)
    return NULL;
  g_array_sort(near, near_cmp);
  GString *s = g_string_new(NULL);
  guint n = MIN(max, near->len);
  for (guint i = 0; i < n; i++) {
    if (i > 0)
      g_string_append(s, i + 1 == n ? " or " : ", ");
    g_string_append(s, g_array_index(near, Near, i).path);
  }
  return g_string_free(s, FALSE);
}

/* @v with @extra more digits than usual: integers exactly, 1e5 and more
 * with 1 + @extra decimals, the rest (and magnitudes of 1e15 and more,
 * which fixed notation would spell out digit by digit) with 6 + @extra
 * significant digits. */
static char *
format_digits(double v, SummaryUnit unit, int extra, char *buf)
{
  if (isnan(v))
    g_strlcpy(buf, "null", SUMMARY_VALUE_MAX);
  else if (unit == SUMMARY_UNIT_BOOL && (v == 0 || v == 1))
    g_strlcpy(buf, v != 0 ? "true" : "false", SUMMARY_VALUE_MAX);
  else if (v == round(v) && fabs(v) < 1e15)
    snprintf(buf, SUMMARY_VALUE_MAX, "%.0f", v);
  else if (fabs(v) >= 1e5 && fabs(v) < 1e15)
    snprintf(buf, SUMMARY_VALUE_MAX, "%.*f", 1 + extra, v);
  else
    snprintf(buf, SUMMARY_VALUE_MAX, "%.*g", 6 + extra, v);
  return buf;
}

char *
summary_schema_format(double v, SummaryUnit unit, char *buf)
{
  return format_digits(v, unit, 0, buf);
}

/* 17 significant digits tell any two doubles apart; 1e5..1e15 needs at
 * most 12 decimals. */
#define MAX_EXTRA_DIGITS 11

void
summary_schema_format_pair(double a, double b, SummaryUnit unit, char *abuf,
                           char *bbuf)
{
  for (int extra = 0;; extra++) {
    format_digits(a, unit, extra, abuf);
    format_digits(b, unit, extra, bbuf);
    if (a == b || (isnan(a) && isnan(b)) || strcmp(abuf, bbuf) != 0 ||
        extra == MAX_EXTRA_DIGITS)
      return;
  }
}
