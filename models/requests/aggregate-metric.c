/* The sampling noise of autoscaling's datapoints in the aggregate
 * fidelity (aggregate_sample_datapoint(), aggregate.h).
 *
 * Why: a minute's CPU datapoint, request by request, is the busy time of
 * that minute's requests, a sum of a random number of random service
 * times; it wanders around its expectation by a few tenths of a percent.
 * Target tracking's ceil(tasks x metric / target) turns that into a coin
 * flip whenever the expectation sits near a step (4 tasks at 45.2% of a
 * 60% target: 3.01 -> 4 tasks, at 44.9%: 2.99 -> 3). A flow's datapoint
 * without the noise sits on one side for an hour and never scales, where
 * every request-level run does within minutes (nasa-1995, 2d13h). */
#include "models/requests/aggregate-private.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* A datapoint's window, in seconds: CloudWatch's minute. */
#define WINDOW_S 60.0

/* The noise is that of the tasks' idle time, and they have none while
 * they hold a backlog: its deviation is scaled by the share of the
 * minute without one. Near saturation the busy fraction cannot wander
 * above 100% either (extra work waits instead): the deviation is scaled
 * down so that the headroom left is at least this many of its standard
 * deviations (none at 100%). Share-only EC2 tasks' metric is CPU used
 * over CPU reserved, which passes 100% (workload.h): it has no such
 * ceiling. */
#define HEADROOM_SD 3.0

void
aggregate_sample_datapoint(World *w, guint32 service, double *arrivals,
                           double *cpu_pct)
{
  g_return_if_fail(world_is_aggregate(w));
  Flow *f = &w->aggregate->flows[service];
  double backlogged = MIN(1.0, (f->overload_s - f->overload_datapoint_s)
                                 / WINDOW_S);
  f->overload_datapoint_s = f->overload_s;
  double n = *arrivals;
  if (n <= 0 || f->metric_noise == NULL)
    return;
  /* The count is Poisson; given it, the busy time is a sum of that many
   * service times, whose squared coefficient of variation is f->scv.
   * Together: Var(busy) = busy^2 (1 + scv) / n, for service times well
   * below the window. Longer ones straddle windows, which smooths the
   * sum: M/G/infinity's busy time over a window T has the variance
   * lambda T E[S^2] / (1 + E[S^2] / (E[S] T)) (exact in both limits). */
  double drawn = (double) gsl_ran_poisson(f->metric_noise, n);
  double sizes = drawn > 0 ? sqrt(drawn * f->scv)
                               * gsl_ran_ugaussian(f->metric_noise)
                           : 0;
  double cpu = *cpu_pct;
  double second = f->mean_s * (1 + f->scv);     /* E[S^2] / E[S] */
  double smooth = sqrt(1 + second / WINDOW_S);
  double dev = cpu * ((drawn + sizes) / n - 1) * (1 - backlogged) / smooth;
  double sd = cpu * sqrt((1 + f->scv) / n) / smooth;
  double ceiling = f->shared_cpu ? INFINITY : 100;
  if (HEADROOM_SD * sd > ceiling - cpu)
    dev *= MAX(ceiling - cpu, 0) / (HEADROOM_SD * sd);
  *arrivals = drawn;
  *cpu_pct = CLAMP(cpu + dev, 0, ceiling);
}
