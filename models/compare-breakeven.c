/* The Fargate/EC2 break-even, found by re-running at other traffic
 * levels. */
#include <math.h>

#include "models/compare.h"
#include "models/input.h"

/* Scales tried beyond 1 before bisecting, in order. */
static const double grid[] = { 0.5, 2.0, 0.25, 4.0, 0.125, 8.0 };
#define BISECTIONS 3

static double
number(const cJSON *o, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, a);
  n = cJSON_GetObjectItemCaseSensitive(n, b);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

static BreakEvenPoint
point_of(double scale, const cJSON *f, const cJSON *e)
{
  return (BreakEvenPoint){
    .scale = scale,
    .fargate_usd = number(f, "cost", "total_usd"),
    .ec2_usd = number(e, "cost", "total_usd"),
    .mean_rps = number(f, "requests", "arrivals") /
                number(f, "scenario", "duration_s"),
    .ec2_cpu_pct = number(e, "capacity", "mean_cpu_pct"),
  };
}

static gint
by_scale(gconstpointer a, gconstpointer b)
{
  double x = ((const BreakEvenPoint *) a)->scale;
  double y = ((const BreakEvenPoint *) b)->scale;
  return (x > y) - (x < y);
}

/* Runs both variants at @scale; appends the point. */
static gboolean
measure(BreakEven *be, const ScenarioConfig *f, const ScenarioConfig *e,
        double scale, guint threads, volatile sig_atomic_t *interrupt,
        gboolean verbose, GError **error)
{
  g_autoptr(GPtrArray) jobs =
    g_ptr_array_new_with_free_func((GDestroyNotify) batch_job_free);
  g_ptr_array_add(jobs, batch_job_new(f, scale, NULL));
  g_ptr_array_add(jobs, batch_job_new(e, scale, NULL));
  if (verbose)
    fprintf(stderr, "break-even: running %s and %s at %.3g× traffic\n",
            be->fargate, be->ec2, scale);
  if (!batch_run(jobs, threads, interrupt, NULL, NULL)) {
    BatchJob *bad = ((BatchJob *) jobs->pdata[0])->summary ? jobs->pdata[1]
                                                           : jobs->pdata[0];
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "break-even run at %.3g× traffic: %s", scale,
                bad->error ? bad->error : "failed");
    return FALSE;
  }
  BreakEvenPoint p = point_of(scale, ((BatchJob *) jobs->pdata[0])->summary,
                              ((BatchJob *) jobs->pdata[1])->summary);
  g_array_append_val(be->points, p);
  g_array_sort(be->points, by_scale);
  return TRUE;
}

/* Index i where the cost difference changes sign between points i and
 * i + 1, or -1. */
static int
bracket(const BreakEven *be)
{
  for (guint i = 0; i + 1 < be->points->len; i++) {
    const BreakEvenPoint *a = &g_array_index(be->points, BreakEvenPoint, i);
    const BreakEvenPoint *b = &a[1];
    double da = a->ec2_usd - a->fargate_usd, db = b->ec2_usd - b->fargate_usd;
    if ((da <= 0) != (db <= 0))
      return (int) i;
  }
  return -1;
}

static void
conclude(BreakEven *be, int i)
{
  const BreakEvenPoint *first = &g_array_index(be->points, BreakEvenPoint, 0);
  const BreakEvenPoint *last =
    &g_array_index(be->points, BreakEvenPoint, be->points->len - 1);
  be->lo_scale = first->scale;
  be->hi_scale = last->scale;
  if (i < 0) {
    gboolean ec2 = last->ec2_usd < last->fargate_usd;
    be->statement = g_strdup_printf(
      "%s (%s) is cheaper than %s (%s) at every traffic level tried, "
      "%.3g× to %.3g× the scenario's (%.0f to %.0f requests/s on average).",
      ec2 ? "EC2" : "Fargate", ec2 ? be->ec2 : be->fargate,
      ec2 ? "Fargate" : "EC2", ec2 ? be->fargate : be->ec2, be->lo_scale,
      be->hi_scale, first->mean_rps, last->mean_rps);
    return;
  }
  const BreakEvenPoint *a = &g_array_index(be->points, BreakEvenPoint, i);
  const BreakEvenPoint *b = &a[1];
  /* Interpolate the cost difference linearly in log(scale). */
  double da = a->ec2_usd - a->fargate_usd, db = b->ec2_usd - b->fargate_usd;
  double t = da / (da - db);
  be->found = TRUE;
  be->scale = exp(log(a->scale) + t * (log(b->scale) - log(a->scale)));
  be->mean_rps = a->mean_rps + t * (b->mean_rps - a->mean_rps);
  be->ec2_cpu_pct = a->ec2_cpu_pct + t * (b->ec2_cpu_pct - a->ec2_cpu_pct);
  be->ec2_cheaper_above = db < 0;
  be->statement = g_strdup_printf(
    "%s (%s) becomes cheaper than %s (%s) %s %.2f× the scenario's traffic "
    "(%.0f requests/s on average; the EC2 tasks' mean CPU is then %.0f%%).",
    be->ec2_cheaper_above ? "EC2" : "Fargate",
    be->ec2_cheaper_above ? be->ec2 : be->fargate,
    be->ec2_cheaper_above ? "Fargate" : "EC2",
    be->ec2_cheaper_above ? be->fargate : be->ec2,
    be->ec2_cheaper_above ? "above" : "below", be->scale, be->mean_rps,
    be->ec2_cpu_pct);
}

BreakEven *
compare_break_even(const ScenarioConfig *fargate, const ScenarioConfig *ec2,
                   const cJSON *f1, const cJSON *e1, guint threads,
                   volatile sig_atomic_t *interrupt, gboolean verbose,
                   GError **error)
{
  BreakEven *be = g_new0(BreakEven, 1);
  be->fargate = fargate->variant;
  be->ec2 = ec2->variant;
  be->points = g_array_new(FALSE, TRUE, sizeof(BreakEvenPoint));
  BreakEvenPoint p = point_of(1.0, f1, e1);
  g_array_append_val(be->points, p);
  for (gsize g = 0; g < G_N_ELEMENTS(grid) && bracket(be) < 0; g++) {
    if (!measure(be, fargate, ec2, grid[g], threads, interrupt, verbose,
                 error)) {
      compare_break_even_free(be);
      return NULL;
    }
  }
  for (int k = 0; k < BISECTIONS && bracket(be) >= 0; k++) {
    const BreakEvenPoint *a =
      &g_array_index(be->points, BreakEvenPoint, bracket(be));
    double mid = sqrt(a->scale * a[1].scale);
    if (!measure(be, fargate, ec2, mid, threads, interrupt, verbose,
                 error)) {
      compare_break_even_free(be);
      return NULL;
    }
  }
  conclude(be, bracket(be));
  return be;
}

void
compare_break_even_free(BreakEven *be)
{
  if (be == NULL)
    return;
  g_array_unref(be->points);
  g_free(be->statement);
  g_free(be);
}
