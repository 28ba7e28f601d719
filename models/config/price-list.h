/* AWS Price List offer files: the prices AWS publishes for a service in a
 * region, as the Price List (bulk) API serves them, read as a price
 * source for the catalog.
 *
 * Two forms (AWS Billing guide, "Reading the service price list file for
 * an AWS service"):
 * - CSV: five rows of metadata ("FormatVersion", "Disclaimer",
 *   "Publication Date", "Version", "OfferCode"), then a header row
 *   (SKU, OfferTermCode, RateCode, TermType, PriceDescription,
 *   EffectiveDate, StartingRange, EndingRange, Unit, PricePerUnit,
 *   Currency, ..., then the product's attributes: Instance Type,
 *   Operating System, Tenancy, Pre Installed S/W, CapacityStatus, Region
 *   Code, usageType, ...), one row per price. Read line by line: the EC2
 *   file of one region is hundreds of MB.
 * - JSON: {"formatVersion", "offerCode", "version", "publicationDate",
 *   "products": {SKU: {"sku", "productFamily", "attributes": {...}}},
 *   "terms": {"OnDemand": {SKU: {TERM: {"priceDimensions": {RATE:
 *   {"unit", "pricePerUnit": {"USD": "0.0960000000"}}}}}}}}. cJSON cannot
 *   stream, so a JSON file is read whole: fine for AmazonECS (Fargate,
 *   small); for AmazonEC2 use the CSV form.
 *
 * Kept: On-Demand, USD, EC2 Linux, shared tenancy, no pre-installed
 * software, CapacityStatus "Used", BoxUsage rows of the wanted instance
 * types; Fargate's Linux vCPU-hour and GB-hour (x86 and ARM), ephemeral
 * storage GB-hour and Spot vCPU-hour, by usage type
 * ("USE1-Fargate-vCPU-Hours:perCPU", "USE1-Fargate-ARM-GB-Hours",
 * "USE1-SpotUsage-Fargate-vCPU-Hours:perCPU", ...). Rows of another
 * region (the "Region Code" / "regionCode" attribute) are skipped. */
#pragma once

#include <glib.h>

/* Fargate rates an offer file can give. */
typedef enum {
  PRICE_LIST_FARGATE_VCPU,
  PRICE_LIST_FARGATE_GB,
  PRICE_LIST_FARGATE_ARM_VCPU,
  PRICE_LIST_FARGATE_ARM_GB,
  PRICE_LIST_FARGATE_STORAGE,
  PRICE_LIST_FARGATE_SPOT_VCPU,
  PRICE_LIST_FARGATE_N,
} PriceListFargate;

typedef struct {
  GHashTable *ec2;                        /* type -> double* $/h */
  double fargate[PRICE_LIST_FARGATE_N];   /* $/h */
  gboolean has_fargate[PRICE_LIST_FARGATE_N];
} PriceListRates;

PriceListRates *price_list_rates_new(void);
void price_list_rates_free(PriceListRates *r);

/* Reads the offer file at @path (CSV, or JSON when its name ends in
 * ".json"; @display names it in messages) into @rates: the On-Demand
 * prices in @region of the instance types in @wanted (a set of names)
 * and Fargate's rates. Returns FALSE and sets @error ("DISPLAY:LINE:
 * why" for CSV) when the file cannot be read, is not an offer file, or
 * gives one type two different prices. */
gboolean price_list_read(PriceListRates *rates, const char *path,
                         const char *display, const char *region,
                         GHashTable *wanted, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(PriceListRates, price_list_rates_free)
