/* The generators: constant, diurnal, step, ramp, spike and bursty (their
 * JSON is described at the top of traffic.c). All but bursty become knot
 * tables or the diurnal cosine, walked by traffic-shape.c. */
#include "models/traffic/traffic-private.h"

#include <math.h>

#include "models/input/jsonfile.h"

/* A duration member as seconds; absent leaves *out. */
static gboolean
seconds_member(const JNode *n, const char *key, SimTime min, double *out,
               GError **error)
{
  SimTime t = 0;
  JNode v;
  if (!jn_member(n, key, &v))
    return TRUE;
  if (!jn_value_duration(&v, min, SIM_TIME_MAX, &t, error))
    return FALSE;
  *out = sim_time_to_seconds(t);
  return TRUE;
}

/* Allocates @n knots; HOLD edges (a generator's rate before the first
 * knot and after the last) unless changed. */
static void
table_alloc(RateTable *t, gsize n, gboolean linear, double before)
{
  t->n = n;
  t->time = g_new0(double, n);
  t->rate = g_new0(double, n);
  t->linear = linear;
  t->before = before;
  t->end = INFINITY;
}

static gboolean
parse_constant(const JNode *n, TrafficConfig *cfg, GError **error)
{
  double rps = 0;
  if (!jn_double(n, "rps", 0, INFINITY, &rps, error))
    return FALSE;
  table_alloc(&cfg->table, 1, FALSE, rps);
  cfg->table.rate[0] = rps;
  return TRUE;
}

/* Reads an array of @len numbers >= 0, not all 0, scaled to mean 1. */
static gboolean
read_profile(const JNode *n, const char *key, int len, double *out,
             GError **error)
{
  JNode arr, v;
  if (!jn_member(n, key, &arr))
    return TRUE;
  if (!jn_check_array(&arr, len, len, error))
    return FALSE;
  double sum = 0;
  for (int i = 0; i < len; i++) {
    jn_index(&arr, i, &v);
    if (!cJSON_IsNumber(v.json) || !(v.json->valuedouble >= 0) ||
        !isfinite(v.json->valuedouble)) {
      g_autofree char *got = json_describe(v.json);
      jn_error(&v, error, "must be a number >= 0, got %s", got);
      return FALSE;
    }
    out[i] = v.json->valuedouble;
    sum += out[i];
  }
  if (sum <= 0) {
    jn_error(&arr, error, "must not be all zero");
    return FALSE;
  }
  for (int i = 0; i < len; i++)
    out[i] *= len / sum;
  return TRUE;
}

/* The hourly profile as a periodic linear table over a day, or a week
 * when weekly factors are given (a jump at each midnight). */
static void
hourly_table(TrafficConfig *cfg, const double *hourly, gboolean weekly)
{
  int days = weekly ? 7 : 1;
  RateTable *t = &cfg->table;
  table_alloc(t, (gsize) days * 26, TRUE, 0);
  t->periodic = TRUE;
  t->end = days * TRAFFIC_DAY;
  double midnight = (hourly[23] + hourly[0]) / 2;
  for (int d = 0, k = 0; d < days; d++) {
    double w = cfg->mean * cfg->weekly[d], t0 = d * TRAFFIC_DAY;
    t->time[k] = t0;
    t->rate[k++] = w * midnight;
    for (int h = 0; h < 24; h++) {
      t->time[k] = t0 + (h + 0.5) * 3600;
      t->rate[k++] = w * hourly[h];
    }
    t->time[k] = t0 + TRAFFIC_DAY;
    t->rate[k++] = w * midnight;
  }
}

static gboolean
parse_diurnal(const JNode *n, TrafficConfig *cfg, GError **error)
{
  JNode peak, hourly, weekly;
  gboolean has_peak = jn_member(n, "peak_rps", &peak);
  gboolean has_hourly = jn_member(n, "hourly", &hourly);
  gboolean has_weekly = jn_member(n, "weekly", &weekly);
  double prof[24];
  if (!jn_double(n, "mean_rps", 0, INFINITY, &cfg->mean, error) ||
      !read_profile(n, "weekly", 7, cfg->weekly, error))
    return FALSE;
  cfg->clocked = TRUE;
  if (has_peak == has_hourly) {
    jn_error(has_peak ? &hourly : n, error, has_peak
             ? "give either \"peak_rps\" and \"peak_at\" or \"hourly\", "
               "not both"
             : "needs \"peak_rps\" and \"peak_at\", or \"hourly\"");
    return FALSE;
  }
  if (has_hourly) {
    if (!read_profile(n, "hourly", 24, prof, error))
      return FALSE;
    hourly_table(cfg, prof, has_weekly);
    return TRUE;
  }
  double p = 0;
  JNode at_node;
  if (!jn_member(n, "peak_at", &at_node)) {
    jn_error(&at_node, error, "required key is missing (with \"peak_rps\")");
    return FALSE;
  }
  if (!jn_double(n, "peak_rps", 0, INFINITY, &p, error))
    return FALSE;
  if (p < cfg->mean) {
    jn_error(&peak, error, "must be >= mean_rps (%g), got %g", cfg->mean, p);
    return FALSE;
  }
  if (p > 2 * cfg->mean) {
    jn_error(&peak, error, "must be at most twice mean_rps (%g), got %g: "
             "the cosine's trough would be %g rps; give an \"hourly\" "
             "profile instead", cfg->mean, p, 2 * cfg->mean - p);
    return FALSE;
  }
  SimTime at = 0;
  if (!jn_duration(n, "peak_at", 0, SIM_DAY - 1, &at, error))
    return FALSE;
  cfg->kind = TRAFFIC_COSINE;
  cfg->amp = p - cfg->mean;
  cfg->peak_at = sim_time_to_seconds(at);
  return TRUE;
}

static gboolean
parse_step(const JNode *n, TrafficConfig *cfg, GError **error)
{
  JNode to, at, steps, el;
  gboolean simple = jn_member(n, "to_rps", &to) | jn_member(n, "at", &at);
  gboolean listed = jn_member(n, "steps", &steps);
  static const char *const simple_keys[] = { "from_rps", "to_rps", "at", NULL };
  static const char *const step_keys[] = { "at", "rps", NULL };
  if (!simple && !listed) {
    jn_error(n, error, "needs \"from_rps\", \"to_rps\" and \"at\", or "
             "\"steps\"");
    return FALSE;
  }
  double from = 0, simple_at = 0, to_rps = 0;
  if ((simple && !jn_check_object(n, (const char *const[]) { "generator",
         "from_rps", "to_rps", "at", "steps", COMMON_KEYS, "burstiness",
         NULL }, simple_keys, error)) ||
      !jn_double(n, "from_rps", 0, INFINITY, &from, error) ||
      !jn_double(n, "to_rps", 0, INFINITY, &to_rps, error) ||
      !seconds_member(n, "at", 0, &simple_at, error) ||
      (listed && !jn_check_array(&steps, 1, 100000, error)))
    return FALSE;
  int m = listed ? jn_length(&steps) : 0;
  RateTable *t = &cfg->table;
  table_alloc(t, (gsize) m + simple, FALSE, from);
  gsize k = 0;
  gboolean placed = !simple;
  for (int i = 0; i <= m; i++) {
    double st = INFINITY, rps = 0;
    if (i < m) {
      jn_index(&steps, i, &el);
      if (!jn_check_object(&el, step_keys, step_keys, error) ||
          !seconds_member(&el, "at", 0, &st, error) ||
          !jn_double(&el, "rps", 0, INFINITY, &rps, error))
        return FALSE;
      if (k > 0 && st <= t->time[k - 1]) {
        JNode a;
        jn_member(&el, "at", &a);
        jn_error(&a, error, "must be after the previous step's time");
        return FALSE;
      }
    }
    if (!placed && simple_at <= st) {
      if (simple_at == st) {
        jn_error(&at, error, "a step in \"steps\" is at the same time");
        return FALSE;
      }
      t->time[k] = simple_at;
      t->rate[k++] = to_rps;
      placed = TRUE;
    }
    if (i < m) {
      t->time[k] = st;
      t->rate[k++] = rps;
    }
  }
  return TRUE;
}

static gboolean
parse_ramp(const JNode *n, TrafficConfig *cfg, GError **error)
{
  double from = 0, to = 0, start = 0, end = 0;
  JNode e;
  if (!jn_double(n, "from_rps", 0, INFINITY, &from, error) ||
      !jn_double(n, "to_rps", 0, INFINITY, &to, error) ||
      !seconds_member(n, "start", 0, &start, error) ||
      !seconds_member(n, "end", 0, &end, error))
    return FALSE;
  if (end <= start) {
    jn_member(n, "end", &e);
    jn_error(&e, error, "must be after \"start\" (%gs), got %gs", start, end);
    return FALSE;
  }
  table_alloc(&cfg->table, 2, TRUE, from);
  cfg->table.time[0] = start;
  cfg->table.rate[0] = from;
  cfg->table.time[1] = end;
  cfg->table.rate[1] = to;
  return TRUE;
}

static gboolean
parse_spike(const JNode *n, TrafficConfig *cfg, GError **error)
{
  double base = 0, height = 0, at = 0, dur = 0;
  if (!jn_double(n, "base_rps", 0, INFINITY, &base, error) ||
      !jn_double(n, "height_rps", 0, INFINITY, &height, error) ||
      !seconds_member(n, "at", 0, &at, error) ||
      !seconds_member(n, "duration", SIM_USEC, &dur, error))
    return FALSE;
  table_alloc(&cfg->table, 2, FALSE, base);
  cfg->table.time[0] = at;
  cfg->table.rate[0] = base + height;
  cfg->table.time[1] = at + dur;
  cfg->table.rate[1] = base;
  return TRUE;
}

static gboolean
parse_bursty(const JNode *n, TrafficConfig *cfg, GError **error)
{
  cfg->kind = TRAFFIC_MMPP;
  return jn_double(n, "on_rps", 0, INFINITY, &cfg->on_rps, error) &&
    jn_double(n, "off_rps", 0, INFINITY, &cfg->off_rps, error) &&
    seconds_member(n, "mean_on", SIM_USEC, &cfg->mean_on, error) &&
    seconds_member(n, "mean_off", SIM_USEC, &cfg->mean_off, error);
}

typedef struct {
  const char *name;
  const char *const *keys;     /* allowed */
  const char *const *required;
  gboolean (*parse)(const JNode *n, TrafficConfig *cfg, GError **error);
} GeneratorKind;

static const GeneratorKind generators[] = {
  { "constant", (const char *const[]) { "generator", "rps", RATE_KEYS, NULL },
    (const char *const[]) { "rps", NULL }, parse_constant },
  { "diurnal", (const char *const[]) { "generator", "mean_rps", "peak_rps",
      "peak_at", "hourly", "weekly", RATE_KEYS, NULL },
    (const char *const[]) { "mean_rps", NULL }, parse_diurnal },
  { "step", (const char *const[]) { "generator", "from_rps", "to_rps", "at",
      "steps", RATE_KEYS, NULL }, NULL, parse_step },
  { "ramp", (const char *const[]) { "generator", "from_rps", "to_rps",
      "start", "end", RATE_KEYS, NULL },
    (const char *const[]) { "from_rps", "to_rps", "end", NULL }, parse_ramp },
  { "spike", (const char *const[]) { "generator", "base_rps", "height_rps",
      "at", "duration", RATE_KEYS, NULL },
    (const char *const[]) { "base_rps", "height_rps", "at", "duration", NULL },
    parse_spike },
  { "bursty", (const char *const[]) { "generator", "on_rps", "off_rps",
      "mean_on", "mean_off", COMMON_KEYS, NULL },
    (const char *const[]) { "on_rps", "off_rps", "mean_on", "mean_off", NULL },
    parse_bursty },
};

gboolean
traffic_parse_generator(const JNode *n, TrafficConfig *cfg, GError **error)
{
  static const char *const names[] = { "constant", "diurnal", "step", "ramp",
                                       "spike", "bursty", NULL };
  int k = 0;
  if (!jn_enum(n, "generator", names, &k, error))
    return FALSE;
  const GeneratorKind *g = &generators[k];
  cfg->kind = TRAFFIC_TABLE;
  return jn_check_object(n, g->keys, g->required, error) &&
    traffic_parse_common(n, cfg, error) && g->parse(n, cfg, error);
}
