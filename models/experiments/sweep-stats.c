/* Sweep metrics, confidence intervals over seeds and the --best rule. */
#include "models/experiments/sweep-stats.h"

#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "sim/histogram.h"
#include "sim/stats.h"
#include "sim/time.h"

typedef struct {
  const char *name;
  const char *column;
  const char *unit;
  const char *pointer; /* in summary.json */
} MetricInfo;

static const MetricInfo metrics[SWEEP_N_METRICS] = {
  [SWEEP_COST] = { "cost", "cost_usd", "$", "/cost/total_usd" },
  [SWEEP_P50] = { "p50", "p50_ms", "ms", "/latency/p50_ms" },
  [SWEEP_P90] = { "p90", "p90_ms", "ms", "/latency/p90_ms" },
  [SWEEP_P99] = { "p99", "p99_ms", "ms", "/latency/p99_ms" },
  [SWEEP_P999] = { "p999", "p999_ms", "ms", "/latency/p999_ms" },
  [SWEEP_SLO] = { "slo", "slo_attainment", "", "/slo/attainment" },
  [SWEEP_ERROR_RATE] = { "error_rate", "error_rate", "",
                         "/requests/error_rate" },
  [SWEEP_TASK_HOURS] = { "task_hours", "task_hours", "h",
                         "/capacity/task_hours" },
  [SWEEP_INSTANCE_HOURS] = { "instance_hours", "instance_hours", "h",
                             "/capacity/instance_hours" },
  [SWEEP_MEAN_CPU] = { "cpu", "mean_cpu_pct", "%", "/capacity/mean_cpu_pct" },
};

/* Other names accepted for the metrics. */
static const struct {
  const char *alias;
  SweepMetric metric;
} aliases[] = {
  { "p99.9", SWEEP_P999 }, { "errors", SWEEP_ERROR_RATE },
  { "error-rate", SWEEP_ERROR_RATE }, { "attainment", SWEEP_SLO },
  { "mean_cpu", SWEEP_MEAN_CPU },
};

const char *
sweep_metric_name(SweepMetric m)
{
  g_return_val_if_fail(m < SWEEP_N_METRICS, NULL);
  return metrics[m].name;
}

const char *
sweep_metric_column(SweepMetric m)
{
  g_return_val_if_fail(m < SWEEP_N_METRICS, NULL);
  return metrics[m].column;
}

double
sweep_metric_of(SweepMetric m, const cJSON *summary)
{
  g_return_val_if_fail(m < SWEEP_N_METRICS, NAN);
  const cJSON *n = json_pointer_get((cJSON *) summary, metrics[m].pointer);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

gboolean
sweep_metric_parse(const char *name, SweepMetric *out, GError **error)
{
  for (int m = 0; m < SWEEP_N_METRICS; m++)
    if (g_ascii_strcasecmp(name, metrics[m].name) == 0 ||
        g_ascii_strcasecmp(name, metrics[m].column) == 0) {
      *out = (SweepMetric) m;
      return TRUE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS(aliases); i++)
    if (g_ascii_strcasecmp(name, aliases[i].alias) == 0) {
      *out = aliases[i].metric;
      return TRUE;
    }
  GString *names = g_string_new("");
  for (int m = 0; m < SWEEP_N_METRICS; m++)
    g_string_append_printf(names, "%s%s", m ? ", " : "", metrics[m].name);
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "unknown metric '%s' (one of: %s)", name, names->str);
  g_string_free(names, TRUE);
  return FALSE;
}

void
sweep_ci95(const double *v, gsize n, double *mean, double *half,
           guint *n_used)
{
  sweep_ci(v, n, 0.95, mean, half, n_used);
}

void
sweep_ci(const double *v, gsize n, double level, double *mean, double *half,
         guint *n_used)
{
  g_autofree double *kept = g_new(double, n + 1);
  gsize k = 0;
  for (gsize i = 0; i < n; i++)
    if (!isnan(v[i]))
      kept[k++] = v[i];
  *n_used = (guint) k;
  if (k == 0) {
    *mean = NAN;
    *half = NAN;
    return;
  }
  sim_mean_ci(kept, k, level, mean, half);
}

typedef struct {
  const guint *points, *variants;
} GroupKeys;

static int
compare_runs(gconstpointer a, gconstpointer b, gpointer data)
{
  const GroupKeys *keys = data;
  guint i = *(const guint *) a, j = *(const guint *) b;
  if (keys->points[i] != keys->points[j])
    return keys->points[i] < keys->points[j] ? -1 : 1;
  if (keys->variants[i] != keys->variants[j])
    return keys->variants[i] < keys->variants[j] ? -1 : 1;
  return i < j ? -1 : i > j;
}

/* @half, or the latency histogram's resolution at @mean when that is
 * wider: seeds whose percentiles share a bucket would otherwise show
 * "+- 0.0 ms", the histogram's rounding passed off as certainty. */
static double
resolution_floor(SweepMetric m, double mean, double half)
{
  if (isnan(half) || isnan(mean) || strcmp(metrics[m].unit, "ms") != 0)
    return half;
  return MAX(half, sim_histogram_resolution(mean * 1e3) / 1e3);
}

static SweepGroup
aggregate(const guint *order, gsize from, gsize to, const guint *points,
          const guint *variants, const double *values, double level)
{
  SweepGroup g = { .point = points[order[from]],
                   .variant = variants[order[from]],
                   .n = (guint) (to - from) };
  g_autofree double *v = g_new(double, to - from);
  for (int m = 0; m < SWEEP_N_METRICS; m++) {
    for (gsize i = from; i < to; i++)
      v[i - from] = values[order[i] * SWEEP_N_METRICS + m];
    guint used;
    sweep_ci(v, to - from, level, &g.mean[m], &g.half[m], &used);
    g.half[m] = resolution_floor((SweepMetric) m, g.mean[m], g.half[m]);
  }
  return g;
}

GArray *
sweep_groups(const guint *points, const guint *variants,
             const double *values, gsize n)
{
  return sweep_groups_at(points, variants, values, n, 0.95);
}

GArray *
sweep_groups_at(const guint *points, const guint *variants,
                const double *values, gsize n, double level)
{
  GArray *groups = g_array_new(FALSE, FALSE, sizeof(SweepGroup));
  g_autofree guint *order = g_new(guint, n + 1);
  for (gsize i = 0; i < n; i++)
    order[i] = (guint) i;
  GroupKeys keys = { points, variants };
  g_qsort_with_data(order, (gint) n, sizeof(guint), compare_runs, &keys);
  gsize from = 0;
  for (gsize i = 1; i <= n; i++) {
    if (i < n && points[order[i]] == points[order[from]] &&
        variants[order[i]] == variants[order[from]])
      continue;
    SweepGroup g = aggregate(order, from, i, points, variants, values,
                             level);
    g_array_append_val(groups, g);
    from = i;
  }
  return groups;
}

/* ---- constraints ---------------------------------------------------- */

static gboolean
plain_number(const char *text, double *out)
{
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  if (*text == '\0' || *end != '\0' || !isfinite(v))
    return FALSE;
  *out = v;
  return TRUE;
}

/* The limit in the metric's unit; FALSE with a message when unreadable. */
static gboolean
parse_limit(SweepMetric m, const char *text, double *out, const char *where,
            GError **error)
{
  if (strcmp(metrics[m].unit, "ms") == 0) {
    SimTime t;
    if (plain_number(text, out))
      return TRUE;
    if (sim_time_parse(text, &t, NULL)) {
      *out = (double) t / 1e3;
      return TRUE;
    }
    input_error(error, where, "'%s' is not a latency (e.g. 200ms, 0.2s, or "
                "200 for milliseconds)", text);
    return FALSE;
  }
  if (m == SWEEP_SLO || m == SWEEP_ERROR_RATE) {
    g_autofree char *s = g_strdup(text);
    gsize len = strlen(s);
    gboolean pct = len > 0 && s[len - 1] == '%';
    if (pct)
      s[len - 1] = '\0';
    if (plain_number(g_strstrip(s), out)) {
      *out /= pct ? 100.0 : 1.0;
      if (*out >= 0 && *out <= 1)
        return TRUE;
    }
    input_error(error, where, "'%s' is not a share of requests (e.g. 0.99 "
                "or 99%%)", text);
    return FALSE;
  }
  if (plain_number(text + (m == SWEEP_COST && *text == '$'), out))
    return TRUE;
  input_error(error, where, "'%s' is not a number%s", text,
              m == SWEEP_COST ? " of dollars (e.g. 12.5 or $12.5)" : "");
  return FALSE;
}

gboolean
sweep_constraint_parse(const char *text, SweepConstraint *out,
                       GError **error)
{
  g_return_val_if_fail(text != NULL && out != NULL, FALSE);
  memset(out, 0, sizeof *out);
  g_autofree char *where = g_strdup_printf("--best %s", text);
  const char *op = strpbrk(text, "<>");
  if (op == NULL || op == text) {
    input_error(error, where, "expected METRIC<LIMIT or METRIC>LIMIT, e.g. "
                "'p99<200ms' or 'slo>0.99'");
    return FALSE;
  }
  g_autofree char *name = g_strstrip(g_strndup(text, (gsize) (op - text)));
  const char *rest = op + 1 + (op[1] == '=');
  g_autofree char *limit = g_strstrip(g_strdup(rest));
  SweepMetric m;
  g_autoptr(GError) unknown = NULL;
  if (!sweep_metric_parse(name, &m, &unknown)) {
    input_error(error, where, "%s", unknown->message);
    return FALSE;
  }
  if (!parse_limit(m, limit, &out->limit, where, error))
    return FALSE;
  out->metric = m;
  out->below = *op == '<';
  out->strict = op[1] != '=';
  out->text = g_strdup(text);
  return TRUE;
}

void
sweep_constraint_clear(SweepConstraint *c)
{
  g_clear_pointer(&c->text, g_free);
}

double
sweep_constraint_bound(const SweepConstraint *c, const SweepGroup *g)
{
  double mean = g->mean[c->metric], half = g->half[c->metric];
  if (isnan(mean) || isnan(half))
    return NAN;
  double bound = c->below ? mean + half : mean - half;
  /* A share's interval is cut to what a share can be, so that
   * 'error_rate<=100%' holds for any group with an interval. */
  if (c->metric == SWEEP_SLO || c->metric == SWEEP_ERROR_RATE)
    bound = CLAMP(bound, 0.0, 1.0);
  return bound;
}

static gboolean
meets(const SweepConstraint *c, double x)
{
  if (isnan(x))
    return FALSE;
  if (c->below)
    return c->strict ? x < c->limit : x <= c->limit;
  return c->strict ? x > c->limit : x >= c->limit;
}

gboolean
sweep_constraint_holds(const SweepConstraint *c, const SweepGroup *g)
{
  return meets(c, sweep_constraint_bound(c, g));
}

gboolean
sweep_constraint_holds_on_mean(const SweepConstraint *c, const SweepGroup *g)
{
  return meets(c, g->mean[c->metric]);
}

/* How far @g is from meeting every constraint at its bound, relative to
 * each limit: the worst one; INFINITY without a bound. */
static double
violation(const SweepGroup *g, const SweepConstraint *cs, guint n)
{
  double worst = 0;
  for (guint i = 0; i < n; i++) {
    double b = sweep_constraint_bound(&cs[i], g);
    if (isnan(b))
      return INFINITY;
    double over = cs[i].below ? b - cs[i].limit : cs[i].limit - b;
    worst = MAX(worst, over / MAX(fabs(cs[i].limit), 1e-12));
  }
  return worst;
}

SweepBest
sweep_best(const GArray *groups, const SweepConstraint *cs, guint n,
           SweepMetric minimize)
{
  SweepBest out = { .best = -1, .runner_up = -1, .nearest = -1 };
  const SweepGroup *all = (const SweepGroup *) (gconstpointer) groups->data;
  double nearest = INFINITY;
  for (guint i = 0; i < groups->len; i++) {
    const SweepGroup *g = &all[i];
    gboolean at_bound = !isnan(g->mean[minimize]), on_mean = at_bound;
    for (guint k = 0; k < n; k++) {
      at_bound = at_bound && sweep_constraint_holds(&cs[k], g);
      on_mean = on_mean && sweep_constraint_holds_on_mean(&cs[k], g);
    }
    if (!at_bound) {
      out.on_mean += on_mean;
      double v = violation(g, cs, n);
      if (out.nearest < 0 || v < nearest) {
        nearest = v;
        out.nearest = (int) i;
      }
      continue;
    }
    out.qualified++;
    double x = g->mean[minimize];
    if (out.best < 0 || x < all[out.best].mean[minimize]) {
      out.runner_up = out.best;
      out.best = (int) i;
    } else if (out.runner_up < 0 ||
               x < all[out.runner_up].mean[minimize]) {
      out.runner_up = (int) i;
    }
  }
  if (out.best >= 0)
    out.nearest = -1;
  return out;
}
