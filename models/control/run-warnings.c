/* Warnings a finished run shows (see run-warnings.h). */
#include "models/control/run-warnings.h"

#include "models/control/autoscale.h"
#include "models/capacity/cluster.h"
#include "models/capacity/managed-scaling.h"
#include "models/control/service.h"

SimTime
run_longest_unplaced(const World *w, guint32 service)
{
  const Service *s = w->services->pdata[service];
  return MAX(s->unplaced_longest, cluster_longest_wait(w, service));
}

/* "12 cpu, 3 memory": the reasons counted, most frequent first. */
static char *
reasons_text(const Service *s)
{
  GString *text = g_string_new(NULL);
  gboolean done[UNPLACED_N_REASONS] = { 0 };
  for (;;) {
    int best = -1;
    for (int r = 0; r < UNPLACED_N_REASONS; r++)
      if (!done[r] && s->unplaced_by_reason[r] > 0 &&
          (best < 0 ||
           s->unplaced_by_reason[r] > s->unplaced_by_reason[best]))
        best = r;
    if (best < 0)
      break;
    done[best] = TRUE;
    g_string_append_printf(text, "%s%" G_GUINT64_FORMAT " %s",
                           text->len ? ", " : "",
                           s->unplaced_by_reason[best],
                           capacity_unplaced_reason_name(best));
  }
  return g_string_free(text, FALSE);
}

static void
warn_unplaced(const World *w, guint32 i, Warnings *out)
{
  const Service *s = w->services->pdata[i];
  SimTime longest = run_longest_unplaced(w, i);
  if (longest < RUN_WARN_UNPLACED)
    return;
  g_autofree char *reasons = reasons_text(s);
  warnings_add(out, "tasks_unplaced", s->cfg->name,
               "service %s: tasks could not be placed for up to %.1f min "
               "(failed placements by reason: %s); its figures are those "
               "of a service short of tasks", s->cfg->name,
               sim_time_to_seconds(longest) / 60.0, reasons);
}

static void
warn_at_max(const World *w, guint32 i, Warnings *out)
{
  const Service *s = w->services->pdata[i];
  int minutes = autoscale_minutes_at_max(w, i);
  double run_minutes = sim_time_to_seconds(w->horizon) / 60.0;
  /* MinCapacity = MaxCapacity pins the count on purpose. */
  if (minutes < 0 || run_minutes <= 0 ||
      minutes <= RUN_WARN_AT_MAX_FRACTION * run_minutes ||
      s->cfg->scaling->min_capacity == s->cfg->scaling->max_capacity)
    return;
  warnings_add(out, "service_at_max_capacity", s->cfg->name,
               "service %s: its desired count stood at its MaxCapacity for "
               "%.0f%% of the run: autoscaling could not add the tasks the "
               "load may have asked for", s->cfg->name,
               100.0 * minutes / run_minutes);
}

static void
warn_asgs_full(const World *w, Warnings *out)
{
  const ClusterConfig *cluster = w->cfg->cluster;
  for (guint a = 0; a < cluster->asgs->len; a++) {
    const AsgConfig *asg = cluster->asgs->pdata[a];
    int minutes = managed_scaling_minutes_full(w, (int) a);
    if (minutes == 0)
      continue;
    warnings_add(out, "asg_at_max_size", NULL,
                 "Auto Scaling group %s stood at its MaxSize (%d) for %d "
                 "min while tasks waited for an instance", asg->name,
                 asg->max, minutes);
  }
}

void
run_warnings_collect(const World *w, Warnings *out)
{
  for (guint i = 0; i < w->services->len; i++) {
    warn_unplaced(w, i, out);
    warn_at_max(w, i, out);
  }
  warn_asgs_full(w, out);
}
