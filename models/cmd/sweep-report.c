/* The sweep's progress bar, its table and the --best statement. */
#include "models/cmd/sweep-report.h"

#include <math.h>
#include <string.h>

#include "models/input/jsonfile.h"

#define BAR_WIDTH 30
#define REFRESH_US (G_USEC_PER_SEC / 4)
/* Larger sweeps are summarised by sweep.csv only. */
#define TABLE_MAX_ROWS 40

struct _SweepBar {
  guint total;
  gboolean enabled, drawn;
  gint64 start, last;
};

SweepBar *
sweep_bar_new(guint total, gboolean enabled)
{
  SweepBar *bar = g_new0(SweepBar, 1);
  bar->total = total;
  bar->enabled = enabled && total > 0;
  bar->start = g_get_monotonic_time();
  return bar;
}

static void
format_duration(char *buf, gsize size, double s)
{
  if (s < 60)
    g_snprintf(buf, size, "%.0fs", s);
  else if (s < 3600)
    g_snprintf(buf, size, "%dm%02ds", (int) s / 60, (int) s % 60);
  else
    g_snprintf(buf, size, "%dh%02dm", (int) s / 3600, (int) s % 3600 / 60);
}

void
sweep_bar_update(SweepBar *bar, guint done, gboolean force)
{
  gint64 now = g_get_monotonic_time();
  if (!bar->enabled || (!force && now - bar->last < REFRESH_US))
    return;
  bar->last = now;
  double elapsed = (double) (now - bar->start) / G_USEC_PER_SEC;
  char eta[32] = "--";
  if (done > 0 && done < bar->total)
    format_duration(eta, sizeof eta, elapsed / done * (bar->total - done));
  else if (done >= bar->total)
    g_strlcpy(eta, "0s", sizeof eta);
  int filled = (int) ((double) BAR_WIDTH * done / bar->total);
  char cells[BAR_WIDTH + 1];
  for (int i = 0; i < BAR_WIDTH; i++)
    cells[i] = i < filled ? '#' : '.';
  cells[BAR_WIDTH] = '\0';
  char spent[32];
  format_duration(spent, sizeof spent, elapsed);
  fprintf(stderr, "\r\033[K[%s] %u/%u runs  %s elapsed  ETA %s", cells, done,
          bar->total, spent, eta);
  fflush(stderr);
  bar->drawn = TRUE;
}

void
sweep_bar_clear(SweepBar *bar)
{
  if (bar != NULL && bar->drawn) {
    fputs("\r\033[K", stderr);
    fflush(stderr);
    bar->drawn = FALSE;
  }
}

void
sweep_bar_free(SweepBar *bar)
{
  if (bar == NULL)
    return;
  sweep_bar_clear(bar);
  g_free(bar);
}

/* A metric's value for people: "$1.2345", "180.2 ms", "99.512%". */
static char *
format_value(SweepMetric m, double v)
{
  if (isnan(v))
    return g_strdup("-");
  switch (m) {
  case SWEEP_COST:
    return g_strdup_printf("$%.4f", v);
  case SWEEP_P50:
  case SWEEP_P90:
  case SWEEP_P99:
  case SWEEP_P999:
    return g_strdup_printf("%.1f ms", v);
  case SWEEP_SLO:
  case SWEEP_ERROR_RATE:
    return g_strdup_printf("%.3f%%", 100 * v);
  case SWEEP_MEAN_CPU:
    return g_strdup_printf("%.1f%%", v);
  default:
    return g_strdup_printf("%.2f h", v);
  }
}

/* "mean ± half", or the mean alone when there is no interval. */
static char *
format_ci(const SweepGroup *g, SweepMetric m)
{
  g_autofree char *mean = format_value(m, g->mean[m]);
  if (isnan(g->half[m]) || isnan(g->mean[m]))
    return g_steal_pointer(&mean);
  g_autofree char *half = format_value(m, g->half[m]);
  return g_strdup_printf("%s ± %s", mean, half);
}

/* Display width of UTF-8 @s (the table holds '±'). */
static int
width_of(const char *s)
{
  return (int) g_utf8_strlen(s, -1);
}

static void
print_rows(GPtrArray *rows, FILE *out)
{
  guint ncols = g_strv_length(rows->pdata[0]);
  g_autofree int *width = g_new0(int, ncols);
  for (guint r = 0; r < rows->len; r++)
    for (guint c = 0; c < ncols; c++)
      width[c] = MAX(width[c], width_of(((char **) rows->pdata[r])[c]));
  for (guint r = 0; r < rows->len; r++) {
    char **cells = rows->pdata[r];
    for (guint c = 0; c < ncols; c++)
      fprintf(out, "%s%s%*s", c ? "  " : "", cells[c],
              c + 1 < ncols ? width[c] - width_of(cells[c]) : 0, "");
    fputc('\n', out);
  }
}

/* Adds @s to @b and frees it (g_strv_builder_take is GLib 2.80). */
static void
builder_take(GStrvBuilder *b, char *s)
{
  g_strv_builder_add(b, s);
  g_free(s);
}

void
sweep_print_table(const SweepPlan *plan, GArray *groups, FILE *out)
{
  if (groups->len > TABLE_MAX_ROWS) {
    fprintf(out, "(%u grid points x variants: see sweep.csv)\n",
            groups->len);
    return;
  }
  static const SweepMetric shown[] = { SWEEP_COST, SWEEP_P99, SWEEP_SLO };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func(
    (GDestroyNotify) g_strfreev);
  g_autoptr(GStrvBuilder) head = g_strv_builder_new();
  g_strv_builder_add(head, "point");
  g_strv_builder_addv(head, (const char **) plan->axis_names);
  g_strv_builder_add_many(head, "variant", "seeds", "cost", "p99",
                          "SLO attainment", NULL);
  g_ptr_array_add(rows, g_strv_builder_end(head));
  for (guint i = 0; i < groups->len; i++) {
    const SweepGroup *g = &g_array_index(groups, SweepGroup, i);
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    builder_take(b, g_strdup_printf("%u", g->point));
    for (guint a = 0; a < plan->axes->len; a++)
      g_strv_builder_add(b, sweep_plan_value(plan, g->point, a));
    g_strv_builder_add(b, plan->variants[g->variant]);
    builder_take(b, g_strdup_printf("%u", g->n));
    for (gsize k = 0; k < G_N_ELEMENTS(shown); k++)
      builder_take(b, format_ci(g, shown[k]));
    g_ptr_array_add(rows, g_strv_builder_end(b));
  }
  print_rows(rows, out);
}

static char *
describe(const SweepPlan *plan, const SweepGroup *g)
{
  g_autofree char *label = sweep_plan_point_label(plan, g->point);
  if (*label == '\0')
    return g_strdup_printf("variant %s", plan->variants[g->variant]);
  return g_strdup_printf("point %u (%s), variant %s", g->point, label,
                         plan->variants[g->variant]);
}

static void
print_bounds(const SweepGroup *g, const SweepConstraint *cs, guint n,
             FILE *out)
{
  for (guint k = 0; k < n; k++) {
    double b = sweep_constraint_bound(&cs[k], g);
    g_autofree char *bound = format_value(cs[k].metric, b);
    g_autofree char *mean = format_value(cs[k].metric,
                                         g->mean[cs[k].metric]);
    fprintf(out, "           %s: %s 95%% bound %s (mean %s)%s\n", cs[k].text,
            cs[k].below ? "upper" : "lower", bound, mean,
            isnan(b) ? ": no interval from one seed" : "");
  }
}

static char *
joined(const SweepConstraint *cs, guint n)
{
  GString *s = g_string_new("");
  for (guint k = 0; k < n; k++)
    g_string_append_printf(s, "%s%s", k ? " and " : "", cs[k].text);
  return g_string_free(s, FALSE);
}

static void
print_none(const SweepPlan *plan, GArray *groups, const SweepBest *b,
           const SweepConstraint *cs, guint n, FILE *out)
{
  g_autofree char *all = joined(cs, n);
  fprintf(out, "Best       none: no grid point and variant meets %s at its "
               "95%% confidence bound (%u checked)\n", all, groups->len);
  if (b->on_mean > 0)
    fprintf(out, "           %u meet%s it on average only: more seeds may "
                 "settle them\n", b->on_mean, b->on_mean == 1 ? "s" : "");
  gboolean single = FALSE;
  for (guint i = 0; i < groups->len; i++)
    single = single || g_array_index(groups, SweepGroup, i).n < 2;
  if (single)
    fprintf(out, "           a confidence bound needs 2 seeds or more per "
                 "point (--seeds)\n");
  if (b->nearest >= 0) {
    const SweepGroup *g = &g_array_index(groups, SweepGroup, b->nearest);
    g_autofree char *who = describe(plan, g);
    fprintf(out, "           nearest: %s\n", who);
    print_bounds(g, cs, n, out);
  }
}

void
sweep_print_best(const SweepPlan *plan, GArray *groups,
                 const SweepConstraint *cs, guint n, SweepMetric minimize,
                 FILE *out)
{
  SweepBest b = sweep_best(groups, cs, n, minimize);
  if (b.best < 0) {
    print_none(plan, groups, &b, cs, n, out);
    return;
  }
  const SweepGroup *g = &g_array_index(groups, SweepGroup, b.best);
  g_autofree char *who = describe(plan, g);
  g_autofree char *ci = format_ci(g, minimize);
  g_autofree char *all = joined(cs, n);
  fprintf(out, "Best       %s\n", who);
  fprintf(out, "           %s %s (mean ± 95%% CI half-width, %u seeds): the "
               "lowest mean of the %u of %u that %s%s%s\n",
          sweep_metric_name(minimize), ci, g->n, b.qualified, groups->len,
          n ? "meet " : "qualify", all, n ? " at their 95% confidence bound"
                                          : "");
  print_bounds(g, cs, n, out);
  if (b.runner_up < 0)
    return;
  const SweepGroup *r = &g_array_index(groups, SweepGroup, b.runner_up);
  g_autofree char *rwho = describe(plan, r);
  g_autofree char *rci = format_ci(r, minimize);
  gboolean overlap = !isnan(g->half[minimize]) && !isnan(r->half[minimize]) &&
                     g->mean[minimize] + g->half[minimize] >=
                       r->mean[minimize] - r->half[minimize];
  fprintf(out, "           next: %s, %s %s%s\n", rwho,
          sweep_metric_name(minimize), rci,
          overlap ? " (the intervals overlap: not distinguishable at 95%)"
                  : "");
}

/* Why the adaptive sweep stopped, for people. */
static char *
adaptive_verdict(const SweepAdaptiveRun *a)
{
  switch (a->outcome) {
  case SWEEP_ADAPTIVE_SHOWN:
    return g_strdup_printf("the winner is shown at 95%%: every other point "
                           "and variant is infeasible or costlier at its "
                           "Bonferroni-adjusted interval (%u intervals, "
                           "each at %.2f%%)", a->n_intervals,
                           100 * a->level);
  case SWEEP_ADAPTIVE_NONE:
    return g_strdup_printf("shown at 95%% that none qualifies: every point "
                           "and variant fails a constraint at its "
                           "Bonferroni-adjusted interval (%u intervals, "
                           "each at %.2f%%)", a->n_intervals,
                           100 * a->level);
  case SWEEP_ADAPTIVE_BUDGET:
    return g_strdup_printf("NOT shown at 95%%: the budget of %u runs ran out "
                           "with %u point%s x variant still open",
                           a->budget, a->open, a->open == 1 ? "" : "s");
  case SWEEP_ADAPTIVE_SEEDS:
    return g_strdup_printf("NOT shown at 95%%: the --seeds ran out with %u "
                           "point%s x variant still open", a->open,
                           a->open == 1 ? "" : "s");
  default:
    return g_strdup("stopped before the decision (interrupted, or a run "
                    "failed)");
  }
}

void
sweep_print_adaptive(const SweepAdaptiveRun *a, FILE *out)
{
  g_autofree char *verdict = adaptive_verdict(a);
  fprintf(out, "Adaptive   %u runs of the full sweep's %u", a->runs,
          a->runs_full);
  if (a->runs > 0)
    fprintf(out, " (%.1fx fewer)", (double) a->runs_full / a->runs);
  fprintf(out, " in %u round%s (seeds per point: the table's 'seeds')\n",
          a->rounds, a->rounds == 1 ? "" : "s");
  fprintf(out, "           %s\n", verdict);
}

void
sweep_print_round(const SweepAdaptiveRun *a, guint runs, guint open,
                  gboolean initial, FILE *out)
{
  if (initial)
    fprintf(out, "Round 1    %u run%s: every point and variant, %u seeds\n",
            runs, runs == 1 ? "" : "s", a->initial);
  else
    fprintf(out, "Round %-4u %u run%s: the %u of %u points x variants "
            "still open\n", a->rounds, runs, runs == 1 ? "" : "s", open,
            a->n_groups);
  fflush(out);
}

static void
add_adaptive_json(cJSON *root, const SweepAdaptiveRun *a,
                  const GArray *groups)
{
  if (a == NULL) {
    cJSON_AddNullToObject(root, "adaptive");
    return;
  }
  cJSON *o = cJSON_AddObjectToObject(root, "adaptive");
  cJSON_AddStringToObject(o, "procedure", "sequential elimination (Paulson "
                          "1964) with Bonferroni-adjusted t intervals");
  cJSON_AddStringToObject(o, "outcome",
                          sweep_adaptive_outcome_name(a->outcome));
  cJSON_AddBoolToObject(o, "winner_shown",
                        a->outcome == SWEEP_ADAPTIVE_SHOWN);
  cJSON_AddNumberToObject(o, "runs", a->runs);
  cJSON_AddNumberToObject(o, "runs_full", a->runs_full);
  cJSON_AddNumberToObject(o, "budget", a->budget);
  cJSON_AddNumberToObject(o, "rounds", a->rounds);
  cJSON_AddNumberToObject(o, "initial_seeds", a->initial);
  cJSON_AddNumberToObject(o, "intervals", a->n_intervals);
  cJSON_AddNumberToObject(o, "level", a->level);
  cJSON_AddNumberToObject(o, "open", a->open);
  cJSON *seeds = cJSON_AddArrayToObject(o, "seeds");
  for (guint g = 0; g < groups->len; g++)
    cJSON_AddItemToArray(seeds, cJSON_CreateNumber(
                           g_array_index(groups, SweepGroup, g).n));
}

/* DIR/sweep.json: what `ecsim report` needs beside sweep.csv: the
 * axes, the --best constraints (with the error budget it adds) and the
 * metric minimised, per group (sweep.csv's rows, in order) whether it
 * meets every constraint at its confidence bound, the group --best
 * chose ({"point_id", "variant"}, or null: none qualified or no --best),
 * and what --adaptive did (null for a full sweep). */
gboolean
sweep_write_json(const SweepPlan *plan, const GArray *groups,
                 const SweepConstraint *cs, guint n, SweepMetric minimize,
                 const SweepAdaptiveRun *adaptive, const char *dir,
                 GError **error)
{
  g_autoptr(cJSON) root = cJSON_CreateObject();
  cJSON_AddStringToObject(root, "scenario", plan->scenario_name);
  cJSON *axes = cJSON_AddArrayToObject(root, "axes");
  for (guint a = 0; a < plan->axes->len; a++) {
    cJSON *axis = cJSON_CreateObject();
    cJSON_AddStringToObject(axis, "pointer",
      ((SweepAxis *) plan->axes->pdata[a])->pointer);
    cJSON_AddStringToObject(axis, "name", plan->axis_names[a]);
    cJSON_AddItemToArray(axes, axis);
  }
  cJSON *texts = cJSON_AddArrayToObject(root, "constraints");
  for (guint c = 0; c < n; c++)
    cJSON_AddItemToArray(texts, cJSON_CreateString(cs[c].text));
  cJSON_AddStringToObject(root, "minimize", sweep_metric_name(minimize));
  cJSON *meets = cJSON_AddArrayToObject(root, "meets");
  for (guint g = 0; g < groups->len; g++) {
    const SweepGroup *group = &g_array_index(groups, SweepGroup, g);
    gboolean all = n > 0;
    for (guint c = 0; c < n && all; c++)
      all = sweep_constraint_holds(&cs[c], group);
    cJSON_AddItemToArray(meets, cJSON_CreateBool(all));
  }
  SweepBest best = { .best = -1 };
  if (cs != NULL)
    best = sweep_best(groups, cs, n, minimize);
  if (best.best >= 0) {
    const SweepGroup *g = &g_array_index(groups, SweepGroup, best.best);
    cJSON *b = cJSON_AddObjectToObject(root, "best");
    cJSON_AddNumberToObject(b, "point_id", g->point);
    cJSON_AddStringToObject(b, "variant", plan->variants[g->variant]);
  } else {
    cJSON_AddNullToObject(root, "best");
  }
  add_adaptive_json(root, adaptive, groups);
  g_autofree char *text = cJSON_Print(root);
  g_autofree char *path = g_build_filename(dir, "sweep.json", NULL);
  g_autofree char *body = g_strconcat(text, "\n", NULL);
  return g_file_set_contents(path, body, -1, error);
}

