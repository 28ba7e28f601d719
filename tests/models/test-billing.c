/* AWS billing rules: whole seconds with minimums, Fargate x86/ARM/Spot
 * rates and storage, EC2 discounts, ALB LCUs. Checked against AWS's own
 * pricing examples where AWS gives one. */
#include <criterion/criterion.h>
#include <math.h>

#include "models/capacity/billing.h"

/* Dollars to the cent, as a report shows them. */
static double
cents(double usd)
{
  return round(usd * 100.0) / 100.0;
}

static double
total(FargateCharge c)
{
  return c.cpu + c.memory + c.storage;
}

#define assert_usd(got, want) \
  cr_assert(fabs((got) - (want)) < 1e-12, "got %.15g, want %.15g", \
            (double) (got), (double) (want))

/* ---- billed seconds ---------------------------------------------------- */

Test(billing, seconds_round_up_to_the_next_whole_second)
{
  cr_assert_eq(billing_seconds(0, 90 * SIM_SEC, BILLING_FARGATE_MINIMUM),
               90.0);
  cr_assert_eq(billing_seconds(0, 61200 * SIM_MSEC, BILLING_FARGATE_MINIMUM),
               62.0);
  cr_assert_eq(billing_seconds(0, 600 * SIM_SEC + 1, BILLING_EC2_MINIMUM),
               601.0);
  /* The span counts, not where it falls: 0.5 s to 61.5 s is 61 s. */
  cr_assert_eq(billing_seconds(500 * SIM_MSEC, 61500 * SIM_MSEC,
                               BILLING_EC2_MINIMUM), 61.0);
}

Test(billing, seconds_below_the_minimum_bill_the_minimum)
{
  cr_assert_eq(billing_seconds(0, 10 * SIM_SEC, BILLING_FARGATE_MINIMUM),
               60.0);
  cr_assert_eq(billing_seconds(SIM_HOUR, SIM_HOUR, BILLING_EC2_MINIMUM),
               60.0);
  cr_assert_eq(billing_seconds(0, 60 * SIM_SEC, BILLING_EC2_MINIMUM), 60.0);
  cr_assert_eq(billing_seconds(0, 1, 0), 1.0);
}

Test(billing, huge_spans_do_not_overflow)
{
  cr_assert_eq(billing_seconds(0, SIM_TIME_MAX, 0),
               (double) (SIM_TIME_MAX / SIM_SEC + 1));
}

/* ---- Fargate ----------------------------------------------------------- */

/* AWS's Fargate pricing page (https://aws.amazon.com/fargate/pricing/,
 * "Pricing Examples", Example 1, US East (N. Virginia)): "Let's say your
 * service uses 5 ECS Tasks that run for 10 minutes (600 seconds) every day
 * for a month (30 days) during which each ECS Task uses 1 vCPU, 2GB
 * memory, and 30 GB ephemeral storage." ... "Total vCPU charges = 5 x 1 x
 * 0.000011244 x 600 x 30 = $1.01", "Total memory charges = 5 x 2 x
 * 0.000001235 x 600 x 30 = $0.22", "Total ephemeral storage charges = 5 x
 * 10 x 0.0000000308 x 600 x 30 = $0.03", "Monthly Fargate compute charges
 * = $1.01 + $0.22 + $0.03 = $1.26". Each run is billed on its own; the
 * totals are rounded to the cent only at the end. */
static FargateCharge
aws_example_month(const PriceCatalog *cat, gboolean arm)
{
  FargateCharge sum = { 0, 0, 0 };
  for (int day = 0; day < 30; day++) {
    for (int task = 0; task < 5; task++) {
      SimTime start = day * SIM_DAY + task * SIM_SEC;
      FargateCharge c =
        billing_fargate_task(cat, 1.0, billing_gb_from_mib(2048), 30.0, arm,
                             FALSE, start, start + 600 * SIM_SEC);
      sum.cpu += c.cpu;
      sum.memory += c.memory;
      sum.storage += c.storage;
    }
  }
  return sum;
}

Test(billing, fargate_matches_aws_pricing_example_1)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  FargateCharge month = aws_example_month(cat, FALSE);
  cr_assert_eq(cents(month.cpu), 1.01, "cpu %.6f", month.cpu);
  cr_assert_eq(cents(month.memory), 0.22, "memory %.6f", month.memory);
  cr_assert_eq(cents(month.storage), 0.03, "storage %.6f", month.storage);
  cr_assert_eq(cents(total(month)), 1.26, "total %.6f", total(month));
}

/* Example 2 of the same page, on Linux/ARM (Graviton2): "Total vCPU
 * charges = 5 x 1 x 0.0000089944 x 600 x 30 = $0.81", "Total memory
 * charges = 5 x 2 x 0.0000009889 x 600 x 30 = $0.18", storage $0.03,
 * "Monthly Fargate compute charges = $0.81 + $0.18 + $0.03 = $1.02". */
Test(billing, fargate_arm_matches_aws_pricing_example_2)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  FargateCharge month = aws_example_month(cat, TRUE);
  cr_assert_eq(cents(month.cpu), 0.81, "cpu %.6f", month.cpu);
  cr_assert_eq(cents(month.memory), 0.18, "memory %.6f", month.memory);
  cr_assert_eq(cents(month.storage), 0.03, "storage %.6f", month.storage);
  cr_assert_eq(cents(total(month)), 1.02, "total %.6f", total(month));
}

Test(billing, fargate_ten_second_task_costs_a_minute)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  FargateCharge ten = billing_fargate_task(cat, 1, 2, 20, FALSE, FALSE, 0,
                                           10 * SIM_SEC);
  FargateCharge minute = billing_fargate_task(cat, 1, 2, 20, FALSE, FALSE,
                                              0, 60 * SIM_SEC);
  assert_usd(ten.cpu, minute.cpu);
  assert_usd(ten.memory, minute.memory);
  assert_usd(ten.cpu, 0.04048 / 60);
  assert_usd(ten.memory, 2 * 0.004445 / 60);
}

Test(billing, fargate_bills_each_started_second)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  FargateCharge c = billing_fargate_task(cat, 0.25, 0.5, 20, FALSE, FALSE,
                                         0, 90 * SIM_SEC + 1);
  assert_usd(c.cpu, 0.25 * 0.04048 * 91 / 3600);
  assert_usd(c.memory, 0.5 * 0.004445 * 91 / 3600);
  FargateCharge hour = billing_fargate_task(cat, 4, 8, 20, FALSE, FALSE,
                                            0, SIM_HOUR);
  assert_usd(hour.cpu, 4 * 0.04048);
  assert_usd(hour.memory, 8 * 0.004445);
}

Test(billing, fargate_arm_uses_the_arm_rates)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  FargateCharge c = billing_fargate_task(cat, 2, 4, 20, TRUE, FALSE, 0,
                                         SIM_HOUR);
  assert_usd(c.cpu, 2 * 0.03238);
  assert_usd(c.memory, 4 * 0.00356);
}

Test(billing, fargate_charges_storage_above_20_gb_only)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  FargateCharge c20 = billing_fargate_task(cat, 1, 2, 20, FALSE, FALSE, 0,
                                           SIM_HOUR);
  FargateCharge c21 = billing_fargate_task(cat, 1, 2, 21, FALSE, FALSE, 0,
                                           SIM_HOUR);
  FargateCharge c200 = billing_fargate_task(cat, 1, 2, 200, FALSE, FALSE, 0,
                                            SIM_HOUR);
  cr_assert_eq(c20.storage, 0.0);
  assert_usd(c21.storage, 0.000111);
  assert_usd(c200.storage, 180 * 0.000111);
  assert_usd(c200.cpu, c20.cpu);
}

/* "up to a 70% discount off the regular Fargate price" (the default; one
 * observed Spot price was about 67% off: the catalog value is a knob). */
Test(billing, fargate_spot_takes_the_discount_off_vcpu_and_memory)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  FargateCharge od = billing_fargate_task(cat, 1, 2, 30, FALSE, FALSE, 0,
                                          SIM_HOUR);
  FargateCharge spot = billing_fargate_task(cat, 1, 2, 30, FALSE, TRUE, 0,
                                            SIM_HOUR);
  assert_usd(spot.cpu, od.cpu * 0.30);
  assert_usd(spot.memory, od.memory * 0.30);
  assert_usd(spot.storage, od.storage);
  cat->fargate_spot_discount = 0.67;
  spot = billing_fargate_task(cat, 1, 2, 30, TRUE, TRUE, 0, SIM_HOUR);
  assert_usd(spot.cpu, 0.03238 * 0.33);
}

Test(billing, memory_gb_are_gib)
{
  cr_assert_eq(billing_gb_from_mib(512), 0.5);
  cr_assert_eq(billing_gb_from_mib(2048), 2.0);
  cr_assert_eq(billing_gb_from_mib(30720), 30.0);
}

/* ---- EC2 --------------------------------------------------------------- */

Test(billing, ec2_bills_at_least_60_seconds)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  double hourly = pricing_ec2_hour(cat, "m6i.large");
  assert_usd(billing_ec2_instance(cat, hourly, FALSE, FALSE, 0,
                                  10 * SIM_SEC), 0.096 / 60);
  assert_usd(billing_ec2_instance(cat, hourly, FALSE, FALSE, 0,
                                  90 * SIM_SEC + 1), 0.096 * 91 / 3600);
  assert_usd(billing_ec2_instance(cat, hourly, FALSE, FALSE, 0, SIM_DAY),
             0.096 * 24);
}

/* The caller passes the running span: an instance launched at 0, running
 * at 2 minutes and terminated an hour later pays one hour. */
Test(billing, ec2_pending_time_is_not_billed)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  SimTime running = 2 * SIM_MIN;
  assert_usd(billing_ec2_instance(cat, 0.192, FALSE, FALSE, running,
                                  running + SIM_HOUR), 0.192);
}

Test(billing, ec2_spot_takes_the_spot_discount)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  assert_usd(billing_ec2_instance(cat, 0.096, TRUE, FALSE, 0, SIM_HOUR),
             0.096 * 0.4);
  /* Savings Plans and Reserved Instances do not cover Spot. */
  cat->ec2_committed_discount = 0.3;
  assert_usd(billing_ec2_instance(cat, 0.096, TRUE, TRUE, 0, SIM_HOUR),
             0.096 * 0.4);
}

Test(billing, ec2_committed_takes_the_committed_discount)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  assert_usd(billing_ec2_instance(cat, 0.085, FALSE, TRUE, 0, SIM_HOUR),
             0.085);
  cat->ec2_committed_discount = 0.3;
  assert_usd(billing_ec2_instance(cat, 0.085, FALSE, TRUE, 0, SIM_HOUR),
             0.085 * 0.7);
  assert_usd(billing_ec2_instance(cat, 0.085, FALSE, FALSE, 0, SIM_HOUR),
             0.085);
}

/* ---- ALB --------------------------------------------------------------- */

Test(billing, alb_lcus_are_the_largest_dimension)
{
  cr_assert_eq(billing_alb_lcus(50, 0, 0, 0), 2.0);     /* 50 new/s */
  cr_assert_eq(billing_alb_lcus(0, 9000, 0, 0), 3.0);   /* 9,000 active */
  cr_assert_eq(billing_alb_lcus(0, 0, 2.5, 0), 2.5);    /* 2.5 GB/h */
  cr_assert_eq(billing_alb_lcus(0, 0, 0, 1500), 1.5);   /* 1,500 evals/s */
  cr_assert_eq(billing_alb_lcus(25, 3000, 1, 1000), 1.0);
  cr_assert_eq(billing_alb_lcus(0, 0, 0, 0), 0.0);
}

/* The Elastic Load Balancing pricing page's ALB example: 1 new connection
 * per second lasting 2 minutes (120 active per minute), 5 requests/s, 300
 * KB/s processed (1.08 GB/h), 60 rules: (60 - 10 free) x 5 = 250
 * evaluations/s. LCUs: 0.04, 0.04, 1.08 and 0.25, so 1.08; with the hourly
 * charge $0.0225 + 1.08 x $0.008 = $0.03114 per hour. */
Test(billing, alb_matches_aws_pricing_example)
{
  g_autoptr(PriceCatalog) cat = pricing_default();
  double lcus = billing_alb_lcus(1, 120, 0.3e-3 * 3600, (60 - 10) * 5);
  assert_usd(lcus, 1.08);
  assert_usd(billing_alb(cat, 1, lcus), 0.03114);
  assert_usd(billing_alb(cat, 720, 720 * lcus), 720 * 0.03114);
}

Test(billing, alb_bills_every_started_hour)
{
  cr_assert_eq(billing_alb_hours(0, 0), 0.0);
  cr_assert_eq(billing_alb_hours(0, 1), 1.0);
  cr_assert_eq(billing_alb_hours(0, SIM_HOUR), 1.0);
  cr_assert_eq(billing_alb_hours(0, 90 * SIM_MIN), 2.0);
  cr_assert_eq(billing_alb_hours(SIM_HOUR, SIM_DAY + SIM_HOUR), 24.0);
}
