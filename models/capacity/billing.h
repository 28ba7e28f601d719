/* AWS billing rules, as pure functions of times and prices.
 *
 * - Fargate: per second, with a one-minute minimum, from the start of the
 *   image pull (the task entering PENDING) until the task stops; vCPU-hours
 *   and GB-hours at the x86 or ARM rate; ephemeral storage above 20 GB per
 *   GB-hour; Fargate Spot at the catalog's discount.
 * - EC2: per second with a 60-second minimum while the instance is running
 *   (pending is free); On-Demand, Spot (discount) and committed (Savings
 *   Plan / Reserved discount) rates.
 * - ALB: per hour, plus LCU-hours, where an hour's LCUs are the largest of
 *   new connections/s ÷ 25, active connections/min ÷ 3,000, processed GB/h
 *   ÷ 1 and rule evaluations/s ÷ 1,000.
 * Amounts are USD as doubles; reports round to the cent only at the end.
 *
 * Seconds are whole: AWS's Fargate pricing page says the duration runs
 * "from the time you start to download your container image (Docker pull)
 * until the task terminates, rounded up to the nearest second", "per
 * second with a 1-minute minimum". EC2 per-second billing is taken to
 * round the same way (its pages say "per second", "minimum of 60
 * seconds"). Rounding up applies to each resource's whole span, never to
 * a sum: 150 tasks of 10 minutes are 150 x 600 s.
 *
 * GB means GiB: the same page notes "GB = 1024^3 bytes", and its example
 * bills a task of 2 GB (memory 2048 MiB) as 2 GB. A task's memory in MiB
 * is therefore billing_gb_from_mib(memory) GB; ephemeral storage is given
 * in GiB (ephemeralStorage.sizeInGiB) already. */
#pragma once

#include <glib.h>

#include "models/config/pricing.h"
#include "sim/time.h"

/* The shortest billed span of a Fargate task and of an EC2 instance. */
#define BILLING_FARGATE_MINIMUM (60 * SIM_SEC)
#define BILLING_EC2_MINIMUM (60 * SIM_SEC)
/* Ephemeral storage every Fargate task gets at no charge, in GB. */
#define BILLING_FARGATE_FREE_STORAGE_GB 20.0

typedef struct {
  double cpu;     /* vCPU part (or the instance price for EC2) */
  double memory;  /* GB part */
  double storage; /* ephemeral storage part */
} FargateCharge;

/* Billable seconds of a resource used from @start to @end with a
 * @minimum (60 s for both Fargate and EC2): max(end - start, minimum),
 * in whole seconds, each started second counting as a full one (61.2 s
 * bills 62 s). A span of zero length bills @minimum: the caller asks only
 * about resources that were used. @end < @start is a bug. */
double billing_seconds(SimTime start, SimTime end, SimTime minimum);

/* GB (GiB) of @mib MiB, as AWS bills task memory: 2048 MiB is 2 GB. */
static inline double
billing_gb_from_mib(int64_t mib)
{
  return (double) mib / 1024.0;
}

/* The charge of one Fargate task of @vcpu vCPU and @memory_gb GB with
 * @storage_gb of ephemeral storage, on ARM when @arm, on Spot when @spot,
 * billed from @start (image pull) to @end (stopped), at least a minute.
 * Only storage above 20 GB is charged. The Spot discount applies to the
 * vCPU and GB parts, the ones AWS publishes Spot prices for; storage is
 * charged at its one rate. */
FargateCharge billing_fargate_task(const PriceCatalog *cat, double vcpu,
                                   double memory_gb, double storage_gb,
                                   gboolean arm, gboolean spot,
                                   SimTime start, SimTime end);

/* The charge of one EC2 instance at @hourly (On-Demand $/h) running from
 * @start to @end, at least 60 seconds. The caller passes the running
 * span: pending, stopping and shutting-down are not billed. With @spot,
 * the catalog's Spot discount applies and @committed is ignored (Savings
 * Plans and Reserved Instances do not cover Spot); otherwise with
 * @committed, the committed discount applies. */
double billing_ec2_instance(const PriceCatalog *cat, double hourly,
                            gboolean spot, gboolean committed,
                            SimTime start, SimTime end);

/* LCUs used in an interval: the largest of @new_conn_per_s / 25,
 * @active_conn_per_min / 3,000, @gb_per_hour processed / 1 and
 * @rule_evals_per_s / 1,000. AWS does not charge the first 10 rules
 * evaluated for a request, so @rule_evals_per_s counts the others:
 * requests/s x max(rules processed - 10, 0). */
double billing_alb_lcus(double new_conn_per_s, double active_conn_per_min,
                        double gb_per_hour, double rule_evals_per_s);

/* The four LCU dimensions, in AWS's order. */
typedef enum {
  BILLING_LCU_NEW_CONNECTIONS,
  BILLING_LCU_ACTIVE_CONNECTIONS,
  BILLING_LCU_PROCESSED_BYTES,
  BILLING_LCU_RULE_EVALUATIONS,
  BILLING_LCU_N,
} BillingLcuDimension;

/* As billing_alb_lcus(), and the dimension that set the LCUs in
 * @dominant (the first in the order above on a tie). */
double billing_alb_lcus_by(double new_conn_per_s, double active_conn_per_min,
                           double gb_per_hour, double rule_evals_per_s,
                           BillingLcuDimension *dominant);

/* "new_connections", "active_connections", "processed_bytes" or
 * "rule_evaluations". */
const char *billing_lcu_dimension_name(BillingLcuDimension d);

/* ALB charge for @hours of running with @lcu_hours consumed (the sum
 * over the hours of each hour's LCUs), both as given. */
double billing_alb(const PriceCatalog *cat, double hours, double lcu_hours);

/* Billable hours of an ALB existing from @start to @end: AWS charges
 * "per ALB-hour (or partial hour)", so every started hour counts (90
 * minutes bill 2 hours; no time bills none). */
double billing_alb_hours(SimTime start, SimTime end);
