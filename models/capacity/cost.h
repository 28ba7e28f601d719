/* What a run costs, by AWS's billing rules (billing.h) at the scenario's
 * prices (pricing.h): Fargate tasks, EC2 instances and load balancers,
 * reported by item (compute, storage, load balancer), by service, by
 * capacity provider, and per million requests.
 *
 * EC2 instances are shared, so an Auto Scaling group's cost is split
 * among services by their share of the CPU the group's instances had
 * reserved for them over time; what no task reserved is reported as
 * unused capacity. */
#pragma once

#include "models/capacity/coverage.h"
#include "models/core/world-private.h"

typedef struct {
  double compute;       /* Fargate vCPU and memory, EC2 instances */
  double storage;       /* Fargate ephemeral storage above 20 GB */
  double load_balancer; /* ALB hours and LCUs */
  double total;
} CostItems;

void cost_init(World *w);
void cost_free(World *w);

/* Hooks. */
void cost_on_task_state(World *w, Task *t, TaskState old,
                        gpointer data);
/* A period [@start, @end) of service @service closed, with @arrivals
 * requests and @in_flight requests in flight on average: charges the
 * ALB's hours and LCUs for it. */
void cost_on_period(World *w, guint32 service, SimTime start, SimTime end,
                    guint64 arrivals, double in_flight);
/* Instance @instance stopped being billed (terminated) at now. */
void cost_instance_ended(World *w, guint32 instance);
/* Hook: instance @instance terminated (bills it). */
void cost_on_instance_ended(World *w, guint32 instance, gpointer data);
/* Adds @usd to ASG @asg's instance cost (a warm pool member's bill). */
void cost_add_asg(World *w, int asg, double usd);

/* Total cost of the run up to @t (every item, live resources included). */
double cost_so_far(World *w, SimTime t);

/* Settles live resources at the horizon; call once after the run. */
void cost_finish(World *w);

/* After cost_finish(): */
CostItems cost_total(const World *w);
CostItems cost_of_service(const World *w, guint32 service);
/* Cost of capacity provider @provider (index in w->providers). */
double cost_of_provider(const World *w, int provider);
/* EC2 cost no task reserved. */
double cost_unused_ec2(const World *w);
/* Fargate task-hours and EC2 instance-hours. */
double cost_task_hours(const World *w);
double cost_instance_hours(const World *w);
/* The LCU dimension that set most of the run's load-balancer LCU-hours
 * (each period's LCUs are the largest of four; billing.h names them), or
 * "none" when no LCU was used. A static string. */
const char *cost_lb_dimension(const World *w);
/* Savings Plans and Reserved Instances over the run: FALSE when the
 * scenario has none; else their totals in @out (coverage.h). After
 * cost_finish(), whose compute total includes the unused commitment. */
gboolean cost_commitments(const World *w, CoverageTotals *out);
/* What Savings Plans and Reserved Instances changed in the bill up to
 * @t (coverage_delta_until()); 0 without them or before cost_finish().
 * cost_so_far() is at On-Demand and Spot rates: the time series adds
 * this to it once the run is over, so that its last row is the
 * summary's total. */
double cost_commitment_delta(const World *w, SimTime t);
