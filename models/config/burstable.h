/* Burstable (T) instance types: their CPU credit figures (issue 16).
 *
 * A separate table from the instance catalog (instance-types.h), keyed by
 * type name, so that the catalog and its prices can grow on their own.
 * Figures from the EC2 User Guide, "Key concepts for burstable performance
 * instances" (CPU credits and baseline utilization table): one CPU credit
 * is one vCPU at 100% for one minute; an instance earns
 * baseline × vCPUs × 60 credits per hour and accrues at most 24 hours of
 * earnings. Launch credits are given to T2 standard instances only (same
 * guide, "Launch credits"), so T3 and T4g start with none. Surplus credits
 * in unlimited mode cost $0.05 per vCPU-hour for T3 and $0.04 for T4g
 * (Linux; EC2 On-Demand pricing, "T2/T3/T4g Unlimited Mode Pricing"). */
#pragma once

#include <glib.h>

typedef struct {
  const char *name;             /* "t3.micro" */
  double baseline;              /* fraction of each vCPU, 0.05 .. 0.4 */
  double launch_credits;        /* credits at launch */
  double surplus_usd_per_vcpu_hour;
} BurstableType;

/* The credit figures of type @name, or NULL when it is not burstable. */
const BurstableType *burstable_find(const char *name);

/* Credits per hour an instance of @b with @vcpu vCPUs earns. */
double burstable_credits_per_hour(const BurstableType *b, int vcpu);
