/* compare.csv, compare.json and the table `ecsim compare` prints. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "models/experiments/compare.h"
#include "support.h"

static const char summary_text[] =
  "{\"schema\": \"ecsim-summary/1\", \"scenario\": {\"name\": \"s\", "
  "\"variant\": \"%s\"}, \"requests\": {\"errors\": {\"total\": 3}, "
  "\"error_rate\": 0.000012345}, \"slo\": {\"threshold_ms\": 200, "
  "\"target\": 0.99, \"attainment\": 0.934433}, \"cost\": {\"total_usd\": "
  "0.011794, \"items\": {\"compute\": 0.011794, \"storage\": 0, "
  "\"load_balancer\": 0}}, \"latency\": {\"p50_ms\": 42.752, \"p99_ms\": "
  "null}}";

/* The summaries of variants @names (NULL-terminated), as cJSON*; the
 * array frees them. */
static GPtrArray *
summaries_of(const char *const *names)
{
  GPtrArray *out =
    g_ptr_array_new_with_free_func((GDestroyNotify) cJSON_Delete);
  for (const char *const *n = names; *n; n++) {
    cJSON *name = cJSON_CreateString(*n);
    char *quoted = cJSON_PrintUnformatted(name);
    /* The name without its quotes but with JSON's escapes. */
    quoted[strlen(quoted) - 1] = '\0';
    g_autofree char *text = g_strdup_printf(summary_text, quoted + 1);
    cJSON_free(quoted);
    cJSON_Delete(name);
    cJSON *s = cJSON_Parse(text);
    cr_assert_not_null(s, "%s", text);
    g_ptr_array_add(out, s);
  }
  return out;
}

/* Reads CSV @text as RFC 4180 does: records of cells (GStrv each). */
static GPtrArray *
csv_records(const char *text)
{
  GPtrArray *records =
    g_ptr_array_new_with_free_func((GDestroyNotify) g_strfreev);
  GPtrArray *cells = g_ptr_array_new();
  GString *cell = g_string_new(NULL);
  gboolean quoted = FALSE;
  for (const char *c = text; *c; c++) {
    if (quoted && *c == '"' && c[1] == '"') {
      g_string_append_c(cell, '"');
      c++;
    } else if (*c == '"' && (quoted || cell->len == 0)) {
      quoted = !quoted;
    } else if (!quoted && (*c == ',' || *c == '\n')) {
      g_ptr_array_add(cells, g_strdup(cell->str));
      g_string_truncate(cell, 0);
      if (*c == '\n') {
        g_ptr_array_add(cells, NULL);
        g_ptr_array_add(records, g_ptr_array_free(cells, FALSE));
        cells = g_ptr_array_new();
      }
    } else {
      g_string_append_c(cell, *c);
    }
  }
  cr_assert_not(quoted, "a quote is left open");
  cr_assert_eq(cells->len, 0, "the last record ends with a line break");
  g_ptr_array_free(cells, TRUE);
  g_string_free(cell, TRUE);
  return records;
}

/* The record of compare.csv for summary path @path. */
static char **
csv_row(GPtrArray *records, const char *path)
{
  for (guint i = 1; i < records->len; i++) {
    char **r = records->pdata[i];
    if (g_strv_length(r) > 1 && strcmp(r[1], path) == 0)
      return r;
  }
  cr_assert_fail("no row for %s", path);
  return NULL;
}

Test(compare, csv_rows_have_the_headers_cells_with_commas_and_quotes)
{
  const char *names[] = { "fargate, spot", "ec2 \"big\"", NULL };
  g_autoptr(GPtrArray) summaries = summaries_of(names);
  g_autofree char *tmp = test_tmpdir();
  g_autoptr(GError) error = NULL;
  cr_assert(compare_write(tmp, summaries, NULL, &error), "%s",
            error ? error->message : "");
  g_autofree char *text = test_read_file(tmp, "compare.csv");
  g_autoptr(GPtrArray) records = csv_records(text);
  char **header = records->pdata[0];
  cr_assert_eq(g_strv_length(header), 4);
  cr_assert_str_eq(header[2], "fargate, spot");
  cr_assert_str_eq(header[3], "ec2 \"big\"");
  for (guint i = 1; i < records->len; i++)
    cr_assert_eq(g_strv_length(records->pdata[i]), 4, "record %u of:\n%s",
                 i + 1, text);
  char **cost = csv_row(records, "cost.total_usd");
  cr_assert_str_eq(cost[0], "cost, total $");
  cr_assert_str_eq(cost[2], "0.011794");
  cr_assert_str_eq(csv_row(records, "latency.p99_ms")[2], "", "null is empty");
  test_rmrf(tmp);
}

Test(compare, files_keep_fractions_as_the_summary_has_them)
{
  const char *names[] = { "fargate", NULL };
  g_autoptr(GPtrArray) summaries = summaries_of(names);
  g_autofree char *tmp = test_tmpdir();
  cr_assert(compare_write(tmp, summaries, NULL, NULL));
  g_autofree char *json_text = test_read_file(tmp, "compare.json");
  cJSON *json = cJSON_Parse(json_text);
  cr_assert_not_null(json);
  const cJSON *variant =
    cJSON_GetArrayItem(cJSON_GetObjectItem(json, "variants"), 0);
  const cJSON *attainment = cJSON_GetObjectItem(variant, "slo.attainment");
  const cJSON *error_rate = cJSON_GetObjectItem(variant, "requests.error_rate");
  cr_assert(cJSON_IsNumber(attainment) && cJSON_IsNumber(error_rate));
  cr_assert_eq(attainment->valuedouble, 0.934433, "%g",
               attainment->valuedouble);
  cr_assert_eq(error_rate->valuedouble, 0.000012345, "%g",
               error_rate->valuedouble);
  cJSON_Delete(json);
  g_autofree char *csv_text = test_read_file(tmp, "compare.csv");
  g_autoptr(GPtrArray) records = csv_records(csv_text);
  char **row = csv_row(records, "slo.attainment");
  cr_assert_str_eq(row[0], "SLO attainment (fraction)");
  cr_assert_str_eq(row[2], "0.934433");
  cr_assert_str_eq(csv_row(records, "requests.error_rate")[2], "1.2345e-05");
  test_rmrf(tmp);
}

Test(compare, table_shows_fractions_as_percent)
{
  const char *names[] = { "fargate", NULL };
  g_autoptr(GPtrArray) summaries = summaries_of(names);
  char *text = NULL;
  size_t size = 0;
  FILE *out = open_memstream(&text, &size);
  compare_print_table(summaries, out);
  fclose(out);
  cr_assert(strstr(text, "\nSLO attainment %                  93.443\n"),
            "%s", text);
  cr_assert(strstr(text, "\nerror rate %                      0.0012\n"),
            "%s", text);
  free(text);
}
