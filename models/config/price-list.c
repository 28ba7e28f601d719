/* AWS Price List offer files, CSV (streamed) and JSON. */
#include "models/config/price-list.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"

/* A JSON offer file is parsed whole; past this, ask for the CSV form. */
#define JSON_MAX_BYTES (256 * 1024 * 1024)

/* What a price row says, whichever form it came in; NULL: not given. */
typedef struct {
  const char *term, *unit, *price, *currency;
  const char *instance_type, *os, *tenancy, *preinstalled, *capacity;
  const char *usagetype, *region, *license, *market;
} Row;

PriceListRates *
price_list_rates_new(void)
{
  PriceListRates *r = g_new0(PriceListRates, 1);
  r->ec2 = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  return r;
}

void
price_list_rates_free(PriceListRates *r)
{
  if (r == NULL)
    return;
  g_hash_table_destroy(r->ec2);
  g_free(r);
}

static gboolean
is(const char *value, const char *want)
{
  return value == NULL || value[0] == '\0' || strcmp(value, want) == 0;
}

/* Which Fargate rate a usage type is ("USE1-Fargate-ARM-GB-Hours"), or
 * -1. Windows rows and others are not kept. */
static int
fargate_rate(const char *usagetype)
{
  static const struct {
    const char *suffix;
    PriceListFargate rate;
  } kinds[] = {
    { "Fargate-vCPU-Hours:perCPU", PRICE_LIST_FARGATE_VCPU },
    { "Fargate-GB-Hours", PRICE_LIST_FARGATE_GB },
    { "Fargate-ARM-vCPU-Hours:perCPU", PRICE_LIST_FARGATE_ARM_VCPU },
    { "Fargate-ARM-GB-Hours", PRICE_LIST_FARGATE_ARM_GB },
    { "Fargate-EphemeralStorage-GB-Hours", PRICE_LIST_FARGATE_STORAGE },
  };
  const char *f = usagetype != NULL ? strstr(usagetype, "Fargate-") : NULL;
  if (f == NULL)
    return -1;
  gboolean spot = g_strstr_len(usagetype, f - usagetype, "SpotUsage") != NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
    if (strcmp(f, kinds[i].suffix) != 0)
      continue;
    if (!spot)
      return kinds[i].rate;
    return kinds[i].rate == PRICE_LIST_FARGATE_VCPU
             ? PRICE_LIST_FARGATE_SPOT_VCPU : -1;
  }
  return -1;
}

/* Keeps @row if the scenario wants it. @where names it in messages. */
static gboolean
take_row(PriceListRates *rates, const Row *row, const char *region,
         GHashTable *wanted, const char *where, GError **error)
{
  if (!is(row->term, "OnDemand") || !is(row->currency, "USD") ||
      row->price == NULL || (row->region != NULL && row->region[0] != '\0' &&
                             strcmp(row->region, region) != 0))
    return TRUE;
  char *end = NULL;
  double price = g_ascii_strtod(row->price, &end);
  if (end == row->price || *end != '\0' || !(price >= 0)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                "%s: PricePerUnit \"%s\" is not a price", where, row->price);
    return FALSE;
  }
  int rate = fargate_rate(row->usagetype);
  if (rate >= 0) {
    rates->fargate[rate] = price;
    rates->has_fargate[rate] = TRUE;
    return TRUE;
  }
  if (row->instance_type == NULL ||
      !g_hash_table_contains(wanted, row->instance_type) ||
      !is(row->os, "Linux") || !is(row->tenancy, "Shared") ||
      !is(row->preinstalled, "NA") || !is(row->capacity, "Used") ||
      !is(row->license, "No License required") ||
      !is(row->market, "OnDemand") || row->usagetype == NULL ||
      strstr(row->usagetype, "BoxUsage") == NULL)
    return TRUE;
  const double *had = g_hash_table_lookup(rates->ec2, row->instance_type);
  if (had != NULL && *had != price) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: a second On-Demand Linux price for %s in %s ($%g/h, "
                "after $%g/h)", where, row->instance_type, region, price,
                *had);
    return FALSE;
  }
  g_hash_table_replace(rates->ec2, g_strdup(row->instance_type),
                       g_memdup2(&price, sizeof price));
  return TRUE;
}

/* ---- CSV --------------------------------------------------------------- */

/* Splits one CSV line (RFC 4180 quoting, no line breaks in cells). */
static GPtrArray *
csv_split(const char *line)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
  const char *p = line;
  for (;;) {
    GString *cell = g_string_new(NULL);
    if (*p == '"') {
      for (p++; *p != '\0'; p++) {
        if (*p == '"' && p[1] == '"')
          g_string_append_c(cell, *p++);
        else if (*p == '"')
          break;
        else
          g_string_append_c(cell, *p);
      }
      if (*p == '"')
        p++;
    }
    while (*p != ',' && *p != '\0' && *p != '\r' && *p != '\n')
      g_string_append_c(cell, *p++);
    g_ptr_array_add(cells, g_string_free(cell, FALSE));
    if (*p != ',')
      return cells;
    p++;
  }
}

/* Header names AWS uses, to the Row field each fills. */
typedef struct {
  const char *name;
  gsize offset;
} Column;

static const Column columns[] = {
  { "TermType", G_STRUCT_OFFSET(Row, term) },
  { "Unit", G_STRUCT_OFFSET(Row, unit) },
  { "PricePerUnit", G_STRUCT_OFFSET(Row, price) },
  { "Currency", G_STRUCT_OFFSET(Row, currency) },
  { "Instance Type", G_STRUCT_OFFSET(Row, instance_type) },
  { "Operating System", G_STRUCT_OFFSET(Row, os) },
  { "Tenancy", G_STRUCT_OFFSET(Row, tenancy) },
  { "Pre Installed S/W", G_STRUCT_OFFSET(Row, preinstalled) },
  { "CapacityStatus", G_STRUCT_OFFSET(Row, capacity) },
  { "usageType", G_STRUCT_OFFSET(Row, usagetype) },
  { "Region Code", G_STRUCT_OFFSET(Row, region) },
  { "License Model", G_STRUCT_OFFSET(Row, license) },
  { "MarketOption", G_STRUCT_OFFSET(Row, market) },
};

static gboolean
csv_error(GError **error, const char *display, guint line, const char *why)
{
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
              "%s:%u: %s", display, line, why);
  return FALSE;
}

/* Where each Row field sits in the header @cells, -1: absent. */
static gboolean
csv_header(GPtrArray *cells, int *index, const char *display, guint line,
           GError **error)
{
  for (gsize c = 0; c < G_N_ELEMENTS(columns); c++) {
    index[c] = -1;
    for (guint i = 0; i < cells->len; i++)
      if (g_ascii_strcasecmp(cells->pdata[i], columns[c].name) == 0)
        index[c] = (int) i;
  }
  if (index[0] < 0 || index[2] < 0 || index[9] < 0)
    return csv_error(error, display, line, "the header row has no "
                     "TermType, PricePerUnit or usageType column: not an "
                     "AWS Price List offer file");
  return TRUE;
}

/* Most rows of an EC2 file are other types, terms and systems: a line
 * that names neither On-Demand nor a wanted type or Fargate is skipped
 * before it is split, which makes reading the file several times faster.
 * take_row() still checks each field of the lines that pass. */
static gboolean
may_matter(const char *text, GHashTable *wanted)
{
  if (strstr(text, "OnDemand") == NULL)
    return FALSE;
  if (strstr(text, "Fargate-") != NULL)
    return TRUE;
  GHashTableIter it;
  gpointer type;
  g_hash_table_iter_init(&it, wanted);
  while (g_hash_table_iter_next(&it, &type, NULL))
    if (strstr(text, type) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
read_csv(PriceListRates *rates, FILE *f, const char *display,
         const char *region, GHashTable *wanted, GError **error)
{
  int index[G_N_ELEMENTS(columns)];
  gboolean header = FALSE;
  char *text = NULL;
  size_t cap = 0;
  guint line = 0;
  gboolean ok = TRUE;
  while (ok && getline(&text, &cap, f) >= 0) {
    line++;
    if (header && !may_matter(text, wanted))
      continue;
    g_autoptr(GPtrArray) cells = csv_split(text);
    if (!header) {
      /* Metadata rows until the header, which starts with SKU. */
      if (strcmp(cells->pdata[0], "SKU") == 0) {
        ok = csv_header(cells, index, display, line, error);
        header = TRUE;
      } else if (line >= 20) {
        ok = csv_error(error, display, line, "no header row (\"SKU\", "
                       "\"OfferTermCode\", ...) in the first 20 lines: not "
                       "an AWS Price List offer file");
      }
      continue;
    }
    Row row = { 0 };
    for (gsize c = 0; c < G_N_ELEMENTS(columns); c++)
      if (index[c] >= 0 && (guint) index[c] < cells->len)
        G_STRUCT_MEMBER(const char *, &row, columns[c].offset) =
          cells->pdata[index[c]];
    g_autofree char *where = g_strdup_printf("%s:%u", display, line);
    ok = take_row(rates, &row, region, wanted, where, error);
  }
  free(text);
  if (ok && !header)
    return csv_error(error, display, MAX(line, 1), "no header row: not an "
                     "AWS Price List offer file");
  return ok;
}

/* ---- JSON -------------------------------------------------------------- */

static const char *
attr(const cJSON *attrs, const char *key)
{
  return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(attrs, key));
}

/* The first USD price of the first On-Demand offer of @sku. */
static const char *
json_price(const cJSON *on_demand, const char *sku, const char **unit)
{
  const cJSON *offers = cJSON_GetObjectItemCaseSensitive(on_demand, sku);
  const cJSON *offer = offers != NULL ? offers->child : NULL;
  const cJSON *dims = cJSON_GetObjectItemCaseSensitive(offer,
                                                       "priceDimensions");
  for (const cJSON *d = dims != NULL ? dims->child : NULL; d; d = d->next) {
    const char *usd = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(d, "pricePerUnit"), "USD"));
    if (usd != NULL) {
      *unit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(d,
                                                                    "unit"));
      return usd;
    }
  }
  return NULL;
}

static gboolean
read_json(PriceListRates *rates, const char *path, const char *display,
          const char *region, GHashTable *wanted, GError **error)
{
  GStatBuf st;
  if (g_stat(path, &st) == 0 && st.st_size > JSON_MAX_BYTES) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: a JSON offer file is read whole and this one is %lld "
                "MB: give the CSV form of the same offer file, which is "
                "read line by line", display,
                (long long) (st.st_size >> 20));
    return FALSE;
  }
  g_autoptr(cJSON) json = json_load_file(path, error);
  if (json == NULL)
    return FALSE;
  const cJSON *products = cJSON_GetObjectItemCaseSensitive(json, "products");
  const cJSON *on_demand = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(json, "terms"), "OnDemand");
  if (!cJSON_IsObject(products) || !cJSON_IsObject(on_demand)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s: /products or /terms/OnDemand: missing; not an AWS "
                "Price List offer file", display);
    return FALSE;
  }
  for (const cJSON *p = products->child; p != NULL; p = p->next) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(p, "attributes");
    Row row = { .term = "OnDemand", .currency = "USD",
                .instance_type = attr(a, "instanceType"),
                .os = attr(a, "operatingSystem"),
                .tenancy = attr(a, "tenancy"),
                .preinstalled = attr(a, "preInstalledSw"),
                .capacity = attr(a, "capacitystatus"),
                .usagetype = attr(a, "usagetype"),
                .region = attr(a, "regionCode"),
                .license = attr(a, "licenseModel"),
                .market = attr(a, "marketoption") };
    row.price = json_price(on_demand, p->string, &row.unit);
    g_autofree char *where = g_strdup_printf(
      "%s: /terms/OnDemand/%s", display, p->string);
    if (!take_row(rates, &row, region, wanted, where, error))
      return FALSE;
  }
  return TRUE;
}

gboolean
price_list_read(PriceListRates *rates, const char *path, const char *display,
                const char *region, GHashTable *wanted, GError **error)
{
  g_return_val_if_fail(rates && path && display && region && wanted, FALSE);
  /* A device or a directory has no end or no lines: never read one. */
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read the price list: %s", display,
                g_file_test(path, G_FILE_TEST_EXISTS)
                  ? "not a regular file" : g_strerror(ENOENT));
    return FALSE;
  }
  if (g_str_has_suffix(path, ".json"))
    return read_json(rates, path, display, region, wanted, error);
  FILE *f = g_fopen(path, "r");
  if (f == NULL) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read the price list: %s", display,
                g_strerror(errno));
    return FALSE;
  }
  gboolean ok = read_csv(rates, f, display, region, wanted, error);
  fclose(f);
  return ok;
}
