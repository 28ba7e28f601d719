/* AWS billing rules: spans in whole seconds with minimums, rates and
 * discounts. Pure functions; the callers own the times. */
#include "models/capacity/billing.h"

#define SECONDS_PER_HOUR 3600.0

/* @t in whole seconds, rounded up, without overflowing near SIM_TIME_MAX. */
static SimTime
ceil_seconds(SimTime t)
{
  return t / SIM_SEC + (t % SIM_SEC != 0);
}

double
billing_seconds(SimTime start, SimTime end, SimTime minimum)
{
  g_return_val_if_fail(end >= start && minimum >= 0, 0);
  return (double) MAX(ceil_seconds(end - start), ceil_seconds(minimum));
}

FargateCharge
billing_fargate_task(const PriceCatalog *cat, double vcpu, double memory_gb,
                     double storage_gb, gboolean arm, gboolean spot,
                     SimTime start, SimTime end)
{
  FargateCharge c = { 0, 0, 0 };
  g_return_val_if_fail(cat != NULL, c);
  g_return_val_if_fail(vcpu >= 0 && memory_gb >= 0 && storage_gb >= 0, c);
  double hours =
    billing_seconds(start, end, BILLING_FARGATE_MINIMUM) / SECONDS_PER_HOUR;
  double paid = spot ? 1.0 - cat->fargate_spot_discount : 1.0;
  double vcpu_hour = arm ? cat->fargate_arm_vcpu_hour : cat->fargate_vcpu_hour;
  double gb_hour = arm ? cat->fargate_arm_gb_hour : cat->fargate_gb_hour;
  double extra_gb = MAX(storage_gb - BILLING_FARGATE_FREE_STORAGE_GB, 0.0);
  c.cpu = vcpu * vcpu_hour * paid * hours;
  c.memory = memory_gb * gb_hour * paid * hours;
  c.storage = extra_gb * cat->fargate_storage_gb_hour * hours;
  return c;
}

double
billing_ec2_instance(const PriceCatalog *cat, double hourly, gboolean spot,
                     gboolean committed, SimTime start, SimTime end)
{
  g_return_val_if_fail(cat != NULL && hourly >= 0, 0);
  double off = spot        ? cat->ec2_spot_discount
               : committed ? cat->ec2_committed_discount
                           : 0.0;
  double hours =
    billing_seconds(start, end, BILLING_EC2_MINIMUM) / SECONDS_PER_HOUR;
  return hourly * (1.0 - off) * hours;
}

double
billing_alb_lcus(double new_conn_per_s, double active_conn_per_min,
                 double gb_per_hour, double rule_evals_per_s)
{
  BillingLcuDimension ignored;
  return billing_alb_lcus_by(new_conn_per_s, active_conn_per_min,
                             gb_per_hour, rule_evals_per_s, &ignored);
}

double
billing_alb_lcus_by(double new_conn_per_s, double active_conn_per_min,
                    double gb_per_hour, double rule_evals_per_s,
                    BillingLcuDimension *dominant)
{
  const double lcus[BILLING_LCU_N] = {
    [BILLING_LCU_NEW_CONNECTIONS] = new_conn_per_s / 25.0,
    [BILLING_LCU_ACTIVE_CONNECTIONS] = active_conn_per_min / 3000.0,
    [BILLING_LCU_PROCESSED_BYTES] = gb_per_hour / 1.0,
    [BILLING_LCU_RULE_EVALUATIONS] = rule_evals_per_s / 1000.0,
  };
  *dominant = BILLING_LCU_NEW_CONNECTIONS;
  for (int d = 1; d < BILLING_LCU_N; d++)
    if (lcus[d] > lcus[*dominant])
      *dominant = (BillingLcuDimension) d;
  return lcus[*dominant];
}

const char *
billing_lcu_dimension_name(BillingLcuDimension d)
{
  static const char *const names[BILLING_LCU_N] = {
    "new_connections", "active_connections", "processed_bytes",
    "rule_evaluations",
  };
  g_return_val_if_fail((int) d >= 0 && d < BILLING_LCU_N, "");
  return names[d];
}

double
billing_alb(const PriceCatalog *cat, double hours, double lcu_hours)
{
  g_return_val_if_fail(cat != NULL && hours >= 0 && lcu_hours >= 0, 0);
  return hours * cat->alb_hour + lcu_hours * cat->alb_lcu_hour;
}

double
billing_alb_hours(SimTime start, SimTime end)
{
  g_return_val_if_fail(end >= start, 0);
  SimTime span = end - start;
  return (double) (span / SIM_HOUR + (span % SIM_HOUR != 0));
}
