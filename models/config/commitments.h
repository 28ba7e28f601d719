/* Savings Plans and Reserved Instances: what a scenario has committed to.
 *
 * In a scenario's `pricing` section:
 *
 *   "savings_plans": [
 *     {"type": "compute", "commitment_per_hour": 0.10,
 *      "discount": 0.28,                    fraction off On-Demand
 *      "discounts": {"m7g": 0.31, "fargate": 0.20}},   by family
 *     {"type": "ec2_instance", "family": "m6i", "region": "us-east-1",
 *      "commitment_per_hour": 0.05, "discount": 0.40}
 *   ],
 *   "reserved_instances": [
 *     {"instance_type": "m6i.large", "count": 2,
 *      "hourly": 0.0, "upfront": 525.6, "term": "1y"}
 *   ]
 *
 * AWS publishes a Savings Plan rate per instance type, region and term;
 * ecsim takes it as the fraction off On-Demand: `discount` for all
 * covered usage, `discounts` by instance family ("m6i") or "fargate" for
 * the exceptions. A Reserved Instance costs `hourly` (its recurring fee)
 * plus `upfront` spread over its `term` ("1y" = 8,760 h, "3y" = 26,280
 * h): all upfront, partial upfront and no upfront are all an effective
 * hourly rate. capacity/commitments.h applies them. */
#pragma once

#include <glib.h>

#include "models/input/jnode.h"

typedef enum {
  SAVINGS_PLAN_COMPUTE,      /* EC2 any family and region, and Fargate */
  SAVINGS_PLAN_EC2_INSTANCE, /* EC2, one family in one region */
} SavingsPlanType;

typedef struct {
  SavingsPlanType type;
  double commitment_hour;    /* $ per hour, paid whether used or not */
  double discount;           /* fraction off On-Demand, [0, 1) */
  GHashTable *discounts;     /* family or "fargate" -> double*; may be
                                empty */
  char *family;              /* EC2 Instance plans: "m6i"; else NULL */
  char *region;              /* EC2 Instance plans; else NULL */
} SavingsPlan;

typedef struct {
  char *instance_type;       /* "m6i.large", in the catalog's region */
  int count;                 /* instances covered each clock hour */
  double effective_hour;     /* $ per instance-hour, used or not */
} ReservedInstance;

typedef struct {
  GPtrArray *savings_plans;  /* SavingsPlan*, in the scenario's order */
  GPtrArray *reserved;       /* ReservedInstance*, likewise */
} Commitments;

/* An empty set. Never fails. */
Commitments *commitments_new(void);
void commitments_free(Commitments *c);

/* TRUE when @c holds any plan or reservation. */
gboolean commitments_any(const Commitments *c);

/* Reads "savings_plans" and "reserved_instances" of the pricing object
 * @pricing (either may be absent) into @c, replacing what it held.
 * Returns FALSE and sets @error naming the file and JSON path on a bad
 * value or unknown key. */
gboolean commitments_parse(Commitments *c, const JNode *pricing,
                           GError **error);

/* The fraction @plan takes off On-Demand for @family ("m6i", or
 * "fargate"). */
double savings_plan_discount(const SavingsPlan *plan, const char *family);

/* The family of instance type @type ("m6i" of "m6i.large"), new. */
char *commitments_family_of(const char *type);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Commitments, commitments_free)
