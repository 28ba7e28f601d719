/* How Savings Plans and Reserved Instances cover a run's usage, clock hour
 * by clock hour, as AWS applies them.
 *
 * AWS bills EC2 and Fargate per second but applies commitments per clock
 * hour ("How Savings Plans apply to your AWS usage",
 * docs.aws.amazon.com/savingsplans/latest/userguide/sp-applying.html):
 * - Savings Plans apply after Reserved Instances; an RI covers up to 3,600
 *   seconds of its instance type per clock hour for each instance
 *   reserved (ecsim: in the catalog's region, no size flexibility);
 * - EC2 Instance Savings Plans apply before Compute Savings Plans;
 * - within a plan, usage with the highest savings percentage first; of
 *   equal percentages, the lower rate first;
 * - covered usage is charged at the plan's rate against the hourly
 *   commitment until it is used up; the rest is On-Demand; the commitment
 *   is paid whether used or not.
 * ecsim applies plans of one type one after another in the scenario's
 * order (AWS pools them; the same when their discounts agree). Hours
 * count from the run's start; a last partial hour pays its part of each
 * commitment. Spot usage and ephemeral storage are never covered: the
 * caller leaves them out.
 *
 * Amounts are USD; what is recorded is On-Demand dollars. */
#pragma once

#include <glib.h>

#include "models/config/commitments.h"
#include "sim/time.h"

typedef struct _Coverage Coverage;

typedef enum {
  COVERAGE_EC2,
  COVERAGE_FARGATE,
} CoverageKind;

typedef struct {
  double covered_on_demand; /* On-Demand value of the usage covered */
  double covered;           /* what that usage cost at plan / RI rates */
  double commitment;        /* commitments paid over the run */
  double unused;            /* commitment - covered */
} CoverageTotals;

/* A ledger for a run of @horizon under @commitments (lent; must outlive
 * the ledger) in @region (the catalog's). Never fails. */
Coverage *coverage_new(const Commitments *commitments, const char *region,
                       SimTime horizon);
void coverage_free(Coverage *cv);

/* A new usage line: EC2 instances of @instance_type at @od_hour $/h, or
 * (@kind COVERAGE_FARGATE; @instance_type NULL, @od_hour 0) Fargate
 * vCPU and memory. Returns its index. */
int coverage_line(Coverage *cv, CoverageKind kind, const char *instance_type,
                  double od_hour);

/* Records @dollars of On-Demand usage on @line over [@start, @end),
 * spread over the clock hours in proportion to time (all in @start's hour
 * when the span is empty). */
void coverage_add(Coverage *cv, int line, SimTime start, SimTime end,
                  double dollars);

/* Applies the commitments to every hour. Call once, after the last
 * coverage_add(). */
void coverage_apply(Coverage *cv);

/* After coverage_apply(): what @line saved against On-Demand. */
double coverage_line_saving(const Coverage *cv, int line);
CoverageTotals coverage_totals(const Coverage *cv);
/* After coverage_apply(): how much the commitments moved the bill from
 * the run's start to @t (commitments paid less the On-Demand value they
 * covered), whole hours exactly and the current hour in proportion; at
 * the horizon, the whole difference. */
double coverage_delta_until(const Coverage *cv, SimTime t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Coverage, coverage_free)
