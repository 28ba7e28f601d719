/* Comparing a run's outputs in the two fidelities (see validation.h). */
#include "validation-private.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

double
validation_number_at(const cJSON *root, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(root, a), b);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

cJSON *
validation_load_summary(const char *dir)
{
  g_autofree char *text = test_read_file(dir, "summary.json");
  cJSON *root = cJSON_Parse(text);
  g_assert(root != NULL);
  return root;
}

static void
action_clear(Action *a)
{
  g_free(a->what);
}

GArray *
validation_load_actions(const char *dir)
{
  GArray *out = g_array_new(FALSE, TRUE, sizeof(Action));
  g_array_set_clear_func(out, (GDestroyNotify) action_clear);
  g_autofree char *text = test_read_file(dir, "events.jsonl");
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    g_autoptr(cJSON) ev = (*l)[0] ? cJSON_Parse(*l) : NULL;
    const char *kind = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(ev, "kind"));
    if (kind == NULL || (strcmp(kind, "desired-count") != 0 &&
                         strcmp(kind, "managed-scaling") != 0))
      continue;
    const char *msg = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(ev, "message"));
    const char *to = msg ? strstr(msg, " to ") : NULL;
    Action a = {
      cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(ev, "time")),
      g_strdup_printf("%s%.*s", kind, to ? (int) strcspn(to, ":;.") : 0,
                      to ? to : ""),
    };
    g_array_append_val(out, a);
  }
  return out;
}

static void
row_clear(Row *r)
{
  g_free(r->service);
}

static int
column(char **header, const char *name)
{
  for (int i = 0; header[i]; i++)
    if (strcmp(header[i], name) == 0)
      return i;
  g_error("timeseries.csv has no column %s", name);
}

GArray *
validation_load_rows(const char *dir)
{
  GArray *rows = g_array_new(FALSE, TRUE, sizeof(Row));
  g_array_set_clear_func(rows, (GDestroyNotify) row_clear);
  g_autofree char *text = test_read_file(dir, "timeseries.csv");
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_auto(GStrv) header = g_strsplit(lines[0], ",", -1);
  int t = column(header, "time_s"), p99 = column(header, "p99_ms"),
      cpu = column(header, "cpu_peak_pct"),
      done = column(header, "completed"),
      svc = column(header, "service"), running = column(header, "running"),
      pending = column(header, "pending"),
      instances = column(header, "instances");
  for (char **l = lines + 1; *l != NULL && (*l)[0]; l++) {
    g_auto(GStrv) f = g_strsplit(*l, ",", -1);
    Row r = { g_ascii_strtod(f[t], NULL),
              f[p99][0] ? g_ascii_strtod(f[p99], NULL) : NAN,
              g_ascii_strtod(f[cpu], NULL), g_ascii_strtod(f[done], NULL),
              g_strdup(f[svc]),
              { g_ascii_strtod(f[running], NULL),
                g_ascii_strtod(f[pending], NULL),
                g_ascii_strtod(f[instances], NULL) } };
    g_array_append_val(rows, r);
  }
  return rows;
}

double
validation_diff(double aggregate, double requests)
{
  if (isnan(aggregate) || isnan(requests))
    return isnan(aggregate) && isnan(requests) ? NAN : INFINITY;
  return aggregate - requests;
}

double
validation_rel(double aggregate, double requests)
{
  if (isnan(aggregate) || isnan(requests))
    return validation_diff(aggregate, requests);
  if (requests == 0)
    return aggregate == 0 ? 0 : INFINITY;
  return aggregate / requests - 1;
}

guint
validation_pair_actions(GArray *req, GArray *agg, double period,
                        double *gap)
{
  g_autofree gboolean *used = g_new0(gboolean, agg->len + 1);
  guint paired = 0, lo = 0;
  *gap = 0;
  for (guint i = 0; i < req->len; i++) {
    const Action *a = &g_array_index(req, Action, i);
    /* Both in time order: those before @lo are too early for every
     * action from @a on. */
    while (lo < agg->len &&
           g_array_index(agg, Action, lo).time < a->time - period)
      lo++;
    for (guint j = lo; j < agg->len; j++) {
      const Action *b = &g_array_index(agg, Action, j);
      if (b->time > a->time + period)
        break;
      if (used[j] || strcmp(a->what, b->what) != 0)
        continue;
      used[j] = TRUE;
      paired++;
      *gap = MAX(*gap, fabs(a->time - b->time));
      break;
    }
  }
  return paired;
}

/* The first action of @req with no partner, for messages. */
static void
first_unpaired(GArray *req, GArray *agg, double period, GString *why)
{
  for (guint i = 0; i < req->len; i++) {
    const Action *a = &g_array_index(req, Action, i);
    gboolean found = FALSE;
    for (guint j = 0; j < agg->len && !found; j++) {
      const Action *b = &g_array_index(agg, Action, j);
      found = fabs(a->time - b->time) <= period &&
              strcmp(a->what, b->what) == 0;
    }
    if (!found) {
      g_string_append_printf(why, "no aggregate action matches %s at %.0f "
                             "s; ", a->what, a->time);
      return;
    }
  }
}

void
validation_compare(const char *req_dir, const char *agg_dir,
                   ValidationResult *out)
{
  *out = (ValidationResult){ .why = g_string_new(NULL), .n_seeds = 1 };
  validation_compare_summaries((const char *const[]){ req_dir },
                               (const char *const[]){ agg_dir }, 1, out);
  g_autoptr(GArray) ra = validation_load_actions(req_dir);
  g_autoptr(GArray) aa = validation_load_actions(agg_dir);
  out->n_actions = ra->len;
  out->n_actions_aggregate = aa->len;
  out->actions_paired = validation_pair_actions(ra, aa, out->period_s,
                                                &out->action_gap_s);
  if (out->actions_paired < MAX(ra->len, aa->len))
    first_unpaired(ra, aa, out->period_s, out->why);
  g_autoptr(GArray) rr = validation_load_rows(req_dir);
  g_autoptr(GArray) ar = validation_load_rows(agg_dir);
  g_assert_cmpuint(rr->len, ==, ar->len);
  for (guint i = 0; i < rr->len; i++) {
    const Row *a = &g_array_index(rr, Row, i), *b = &g_array_index(ar, Row, i);
    if (isnan(a->p99_ms) || isnan(b->p99_ms))
      continue;
    double e = fabs(validation_rel(b->p99_ms, a->p99_ms));
    gboolean counted = a->completed >= VALIDATION_MIN_COMPLETED;
    if (a->cpu_peak_pct < 85 && counted) {
      out->n_periods_low++;
      if (e > out->period_p99_low) {
        out->period_p99_low = e;
        out->worst_period_s = a->time;
      }
    } else if (counted) {
      out->n_periods_high++;
      out->period_p99_high = MAX(out->period_p99_high, e);
    }
  }
}

/* |@x| <= @bound, or the figure is in neither run. */
static gboolean
within(double x, double bound)
{
  return isnan(x) || fabs(x) <= bound;
}

gboolean
validation_within_bounds(const ValidationResult *r)
{
  guint actions = MAX(r->n_actions, r->n_actions_aggregate);
  return within(r->cost, 0.01) && within(r->task_hours, 0.02) &&
         within(r->instance_hours, 0.02) && within(r->attainment_pp, 0.5) &&
         r->actions_paired >= VALIDATION_ACTIONS_PAIRED * actions &&
         r->period_p99_low <= 0.10;
}

void
validation_result_clear(ValidationResult *r)
{
  if (r->why != NULL)
    g_string_free(r->why, TRUE);
  r->why = NULL;
}

/* "+0.12%", or "—" for NaN (a figure the scenario has not: no tasks on
 * Fargate, no SLO); over @k seeds, with standard error @se, its 95%
 * interval's half-width too ("+0.12% ± 0.80"). */
static void
pct(GString *s, double x, double se, guint k, double unit)
{
  if (isnan(x) || isinf(x)) {
    g_string_append(s, " | —");
    return;
  }
  g_string_append_printf(s, " | %+.2f%s", x * unit, unit == 1 ? " pp" : "%");
  if (k > 1)
    g_string_append_printf(s, " ± %.2f", validation_half_width(se, k) * unit);
}

void
validation_row(GString *s, const char *name, const ValidationResult *r)
{
  g_string_append_printf(s, "| %s", name);
  pct(s, r->cost, r->cost_se, r->n_seeds, 100);
  pct(s, r->task_hours, r->task_hours_se, r->n_seeds, 100);
  pct(s, r->instance_hours, r->instance_hours_se, r->n_seeds, 100);
  g_string_append_printf(s, " | %u of %u", r->actions_paired,
                         MAX(r->n_actions, r->n_actions_aggregate));
  pct(s, r->attainment_pp, r->attainment_se_pp, r->n_seeds, 1);
  pct(s, r->error_rate_pp, 0, 1, 1);
  gboolean within = r->n_seeds > 1 ? validation_seeds_within_bounds(r)
                                   : validation_within_bounds(r);
  g_string_append_printf(s, " | %.1f%% (%u) | %.1f%% (%u) | %s |\n",
                         100 * r->period_p99_low, r->n_periods_low,
                         100 * r->period_p99_high, r->n_periods_high,
                         within ? "yes" : "**no**");
}

guint
validation_noise_seeds(void)
{
  const char *v = g_getenv("ECSIM_VALIDATION_NOISE");
  if (v == NULL || *v == '\0')
    return 0;
  guint64 k = 0;
  if (!g_ascii_string_to_unsigned(v, 10, 1, 20, &k, NULL))
    g_error("ECSIM_VALIDATION_NOISE=%s: give the number of request seeds, "
            "1 to 20", v);
  return (guint) k;
}

guint64
validation_seed(const char *dir)
{
  g_autoptr(cJSON) root = validation_load_summary(dir);
  double seed = validation_number_at(root, "scenario", "seed");
  g_assert(seed >= 0);
  return (guint64) seed;
}
