/* The price catalog: what Fargate, EC2 and the ALB cost per unit.
 *
 * ecsim ships a catalog for us-east-1 (models/config/pricing/us-east-1.json, with
 * the date and source of each price; ECS-REFERENCE §7), compiled into the
 * binary so it works wherever it is installed. A scenario's `pricing`
 * section overrides it, inline or from a file in the same shape:
 *
 *   "pricing": {
 *     "file": "my-prices.json",          a whole catalog (same shape as
 *                                        the shipped one, every price
 *                                        given) replacing the built-in one
 *     "region": "eu-west-1",             a label for reports
 *     "fargate": {"vcpu_hour": 0.04048, "gb_hour": 0.004445,
 *                 "arm_vcpu_hour": 0.03238, "arm_gb_hour": 0.00356,
 *                 "storage_gb_hour": 0.000111, "spot_discount": 0.70},
 *     "ec2": {"on_demand": {"m6i.large": 0.096, ...},
 *             "spot_discount": 0.60, "committed_discount": 0.0},
 *     "alb": {"hour": 0.0225, "lcu_hour": 0.008},
 *     "savings_plans": [...], "reserved_instances": [...]
 *                                        commitments (commitments.h);
 *                                        a scenario's section only
 *     "price_list": "AmazonEC2-eu-west-1.csv" or an array of such:
 *                                        AWS Price List offer files
 *                                        (price-list.h), read for the
 *                                        prices the scenario uses in
 *                                        "region"; a scenario's only
 *   }
 *
 * Prices are USD per hour and must be >= 0; discounts are the fraction
 * off, in [0, 1). GB means GiB (AWS: "GB = 1024^3 bytes"). The top level
 * and each section may also say where their prices come from, as text
 * that ecsim checks and otherwise ignores:
 *   "source": "https://aws.amazon.com/fargate/pricing/",
 *   "as_of": "2026-11-28",             a date, YYYY-MM-DD
 *   "note": "spot_discount is an assumption"
 */
#pragma once

#include <glib.h>

#include "models/input/jnode.h"
#include "models/config/commitments.h"

typedef struct {
  char *region;
  /* Fargate, per hour */
  double fargate_vcpu_hour;
  double fargate_gb_hour;
  double fargate_arm_vcpu_hour;
  double fargate_arm_gb_hour;
  double fargate_storage_gb_hour;  /* ephemeral storage above 20 GB */
  double fargate_spot_discount;    /* fraction off vCPU and GB, 0..1 */
  /* EC2 */
  GHashTable *ec2_on_demand;       /* instance type -> double* $/hour */
  double ec2_spot_discount;        /* fraction off On-Demand, 0..1 */
  double ec2_committed_discount;   /* Savings Plan / Reserved, 0..1 */
  /* ALB */
  double alb_hour;
  double alb_lcu_hour;
  /* Savings Plans and Reserved Instances (a scenario's only) */
  Commitments *commitments;
  /* AWS Price List offer files to read prices from (a scenario's only;
   * resolved paths), applied by pricing_apply_price_lists() */
  GPtrArray *price_lists;
} PriceCatalog;

/* The built-in catalog (us-east-1), new. Never fails: the embedded text
 * not parsing is a bug and aborts. */
PriceCatalog *pricing_default(void);

/* Applies a scenario's `pricing` object at @n over @cat: first "file"
 * (relative to @n's file), which replaces every price of @cat, then the
 * inline keys, each replacing one price (one instance type for
 * "on_demand"); keys not given keep their value. Returns FALSE and sets
 * @error naming the file and JSON path on a bad value, an unknown key
 * (with a did-you-mean) or an unreadable file; @cat may then be partly
 * updated and should be freed. */
gboolean pricing_parse(PriceCatalog *cat, const JNode *n, GError **error);

/* Reads @cat's price list files, if any, for the On-Demand prices in
 * @cat's region of the instance types in @types (a set of names) and
 * Fargate's rates, which replace the catalog's. Every type of @types must
 * be found, and Fargate's x86 (@fargate) and ARM (@fargate_arm) rates
 * when the scenario uses them. Returns FALSE and sets @error naming the
 * files, the type and the region otherwise, or the file and line of a bad
 * row. */
gboolean pricing_apply_price_lists(PriceCatalog *cat, GHashTable *types,
                                   gboolean fargate, gboolean fargate_arm,
                                   GError **error);

/* On-Demand $/hour of @instance_type, or a negative value if unknown. */
double pricing_ec2_hour(const PriceCatalog *cat, const char *instance_type);

/* Frees @cat; accepts NULL. */
void pricing_free(PriceCatalog *cat);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PriceCatalog, pricing_free)
