/* The data of `ecsim report`: a run folder's files read into one JSON
 * tree, which the page draws from. */
#include "models/output/html-report-private.h"

#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/output/report.h"

/* Columns that hold names, however they look: a task id of hex digits
 * may read as a number ("1e51...") and must not become one. */
static const char *const text_columns[] = {
  "task_id", "instance", "instance_id", "service", "deployment",
  "task_definition", "az", "asg", "clock", NULL
};

/* A CSV cell as JSON: empty is null, a number is a number unless
 * @as_text, anything else a string. */
static cJSON *
cell_json(const char *text, gboolean as_text)
{
  if (*text == '\0')
    return cJSON_CreateNull();
  if (as_text)
    return cJSON_CreateString(text);
  char *end = NULL;
  double v = g_ascii_strtod(text, &end);
  if (end != text && *end == '\0' && isfinite(v) &&
      strspn(text, "0123456789+-.eE") == strlen(text))
    return cJSON_CreateNumber(v);
  return cJSON_CreateString(text);
}

/* Splits one CSV line (RFC 4180 quoting, no newline inside a quoted
 * cell: ecsim writes none) into a new array of JSON cells; the cells
 * under @header's text columns stay strings (@header NULL: all do). */
static cJSON *
split_line(const char *line, const cJSON *header)
{
  int column = 0;
  cJSON *cells = cJSON_CreateArray();
  g_autoptr(GString) cell = g_string_new(NULL);
  const char *p = line;
  for (;;) {
    g_string_truncate(cell, 0);
    if (*p == '"') {
      for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
        if (*p == '"')
          p++; /* "" is one quote */
        g_string_append_c(cell, *p);
      }
      if (*p == '"')
        p++;
      while (*p && *p != ',')
        g_string_append_c(cell, *p++);
      cJSON_AddItemToArray(cells, cJSON_CreateString(cell->str));
    } else {
      while (*p && *p != ',')
        g_string_append_c(cell, *p++);
      const cJSON *name = cJSON_GetArrayItem(header, column);
      gboolean as_text = !cJSON_IsString(name) ||
        g_strv_contains(text_columns, name->valuestring);
      cJSON_AddItemToArray(cells, cell_json(cell->str, as_text));
    }
    column++;
    if (*p != ',')
      return cells;
    p++;
  }
}

/* @path's CSV as {"columns": [...], "rows": [[...], ...]}. NULL with
 * "@path:LINE: N cells, the header has M" when a row is ragged. */
static cJSON *
load_csv(const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!input_read_file(path, &text, NULL, error))
    return NULL;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(cJSON) table = cJSON_CreateObject();
  cJSON *columns = NULL;
  cJSON *rows = cJSON_AddArrayToObject(table, "rows");
  for (guint i = 0; lines[i] != NULL; i++) {
    g_strchomp(lines[i]); /* a CRLF file's \r too */
    if (lines[i][0] == '\0')
      continue;
    cJSON *cells = split_line(lines[i], columns);
    if (columns == NULL) {
      columns = cells;
      cJSON_AddItemToObject(table, "columns", columns);
      continue;
    }
    int n = cJSON_GetArraySize(cells), m = cJSON_GetArraySize(columns);
    cJSON_AddItemToArray(rows, cells);
    if (n != m) {
      g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                  "%s:%u: %d cells, the header has %d", path, i + 1, n, m);
      return NULL;
    }
  }
  if (columns == NULL) {
    input_error(error, path, "empty: not an ecsim output (no header line)");
    return NULL;
  }
  return g_steal_pointer(&table);
}

/* events.jsonl: one JSON object a line, into an array. A line that is
 * not an object is refused as "@path:LINE:COL: ...". */
static cJSON *
load_events(const char *path, GError **error)
{
  g_autofree char *text = NULL;
  if (!input_read_file(path, &text, NULL, error))
    return NULL;
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(cJSON) events = cJSON_CreateArray();
  for (guint i = 0; lines[i] != NULL; i++) {
    if (lines[i][0] == '\0')
      continue;
    g_autofree char *name = g_strdup_printf("%s:%u", path, i + 1);
    g_autoptr(GError) inner = NULL;
    cJSON *e = json_parse_text(name, lines[i], strlen(lines[i]), &inner);
    if (e == NULL) {
      /* The text is one line: "NAME:1:COL: ..." becomes "NAME:COL: ...",
       * NAME being "path:LINE". */
      const char *msg = inner->message;
      gsize n = strlen(name);
      g_autofree char *fixed =
        strncmp(msg, name, n) == 0 && strncmp(msg + n, ":1:", 3) == 0
          ? g_strdup_printf("%s:%s", name, msg + n + 3) : g_strdup(msg);
      g_set_error_literal(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                          fixed);
      return NULL;
    }
    if (!cJSON_IsObject(e) ||
        !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(e, "time"))) {
      cJSON_Delete(e);
      input_error(error, name, "not an ecsim event (an object with a "
                  "numeric \"time\")");
      return NULL;
    }
    cJSON_AddItemToArray(events, e);
  }
  return g_steal_pointer(&events);
}

/* Reads @dir/summary.json, checking it is an ecsim summary. */
static cJSON *
load_summary(const char *dir, GError **error)
{
  g_autofree char *path = g_build_filename(dir, "summary.json", NULL);
  g_autoptr(cJSON) summary = json_load_file(path, error);
  if (summary == NULL)
    return NULL;
  const cJSON *schema = cJSON_GetObjectItemCaseSensitive(summary, "schema");
  if (!cJSON_IsString(schema) ||
      strcmp(schema->valuestring, REPORT_SCHEMA) != 0) {
    input_error(error, path, "/schema: not an ecsim summary (want \"%s\")",
                REPORT_SCHEMA);
    return NULL;
  }
  return g_steal_pointer(&summary);
}

/* One variant folder as {"name", "dir", "summary", "series", "tasks",
 * "instances" (null when absent), "events"}. */
static cJSON *
load_variant(const char *dir, GError **error)
{
  g_autoptr(cJSON) v = cJSON_CreateObject();
  cJSON *summary = load_summary(dir, error);
  if (summary == NULL)
    return NULL;
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(summary, "scenario"), "variant");
  g_autofree char *base = g_path_get_basename(dir);
  cJSON_AddStringToObject(v, "name", cJSON_IsString(name)
                                       ? name->valuestring : base);
  cJSON_AddItemToObject(v, "summary", summary);
  static const char *const csvs[][2] = {
    { "series", "timeseries.csv" }, { "tasks", "tasks.csv" },
    { "instances", "instances.csv" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(csvs); i++) {
    g_autofree char *path = g_build_filename(dir, csvs[i][1], NULL);
    if (strcmp(csvs[i][0], "instances") == 0 &&
        !g_file_test(path, G_FILE_TEST_EXISTS)) {
      cJSON_AddNullToObject(v, "instances"); /* older run folders */
      continue;
    }
    cJSON *table = load_csv(path, error);
    if (table == NULL)
      return NULL;
    cJSON_AddItemToObject(v, csvs[i][0], table);
  }
  g_autofree char *events_path = g_build_filename(dir, "events.jsonl", NULL);
  cJSON *events = load_events(events_path, error);
  if (events == NULL)
    return NULL;
  cJSON_AddItemToObject(v, "events", events);
  html_report_why(v);
  return g_steal_pointer(&v);
}

static gint
name_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The variant folders of @outdir (those holding a summary.json, hidden
 * ones being written skipped), sorted by name; @outdir itself when it
 * holds one. */
static GPtrArray *
variant_dirs(const char *outdir)
{
  GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *own = g_build_filename(outdir, "summary.json", NULL);
  if (g_file_test(own, G_FILE_TEST_IS_REGULAR)) {
    g_ptr_array_add(dirs, g_strdup(outdir));
    return dirs;
  }
  GDir *d = g_dir_open(outdir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
    g_autofree char *summary = g_build_filename(outdir, name, "summary.json",
                                                NULL);
    if (name[0] != '.' && g_file_test(summary, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(dirs, g_build_filename(outdir, name, NULL));
  }
  if (d != NULL)
    g_dir_close(d);
  g_ptr_array_sort(dirs, name_cmp);
  return dirs;
}

/* An `ecsim sweep` folder as {"variants": [], "sweep": {"table" (its
 * sweep.csv), "meta" (its sweep.json: axes, constraints, meets, best;
 * null for a folder written before sweep.json existed)}}. */
static cJSON *
load_sweep(const char *outdir, const char *csv, GError **error)
{
  g_autoptr(cJSON) data = cJSON_CreateObject();
  cJSON_AddArrayToObject(data, "variants");
  cJSON *sweep = cJSON_AddObjectToObject(data, "sweep");
  cJSON *table = load_csv(csv, error);
  if (table == NULL)
    return NULL;
  cJSON_AddItemToObject(sweep, "table", table);
  g_autofree char *json = g_build_filename(outdir, "sweep.json", NULL);
  if (!g_file_test(json, G_FILE_TEST_IS_REGULAR)) {
    cJSON_AddNullToObject(sweep, "meta");
    return g_steal_pointer(&data);
  }
  cJSON *meta = json_load_file(json, error);
  if (meta == NULL)
    return NULL;
  cJSON_AddItemToObject(sweep, "meta", meta);
  return g_steal_pointer(&data);
}

cJSON *
html_report_load(const char *outdir, GError **error)
{
  g_return_val_if_fail(outdir != NULL, NULL);
  if (!g_file_test(outdir, G_FILE_TEST_IS_DIR)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read: no such folder", outdir);
    return NULL;
  }
  g_autoptr(GPtrArray) dirs = variant_dirs(outdir);
  g_autofree char *sweep = g_build_filename(outdir, "sweep.csv", NULL);
  if (dirs->len == 0 && g_file_test(sweep, G_FILE_TEST_IS_REGULAR))
    return load_sweep(outdir, sweep, error);
  if (dirs->len == 0) {
    input_error(error, outdir, "not an `ecsim run` output folder (no "
                "summary.json in it or in its VARIANT/ folders)");
    return NULL;
  }
  g_autoptr(cJSON) data = cJSON_CreateObject();
  cJSON *variants = cJSON_AddArrayToObject(data, "variants");
  for (guint i = 0; i < dirs->len; i++) {
    cJSON *v = load_variant(dirs->pdata[i], error);
    if (v == NULL)
      return NULL;
    cJSON_AddItemToArray(variants, v);
  }
  /* An `ecsim compare` folder: its break-even goes with the answer. */
  g_autofree char *compare = g_build_filename(outdir, "compare.json", NULL);
  if (g_file_test(compare, G_FILE_TEST_IS_REGULAR)) {
    cJSON *c = json_load_file(compare, error);
    if (c == NULL)
      return NULL;
    cJSON_AddItemToObject(data, "compare", c);
  }
  return g_steal_pointer(&data);
}
