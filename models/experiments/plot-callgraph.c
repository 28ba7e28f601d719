/* The call graph of a run for Graphviz's dot, from summary.json's
 * services[] and edges[].
 *
 * The file is written whether or not dot is installed: it is plain text
 * that reads as a list of edges, and any Graphviz viewer draws it. Every
 * figure is in a label, so the picture reads without its colours; arrows
 * whose attempts had errors are also red and dashed so they catch the
 * eye. Numbers are formatted here, not by printf's locale, so that the
 * same run always gives the same bytes. */
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/experiments/plot.h"

static double
number_in(const cJSON *obj, const char *pointer)
{
  const cJSON *n = json_pointer_get((cJSON *) obj, pointer);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

/* Appends @text as a dot ID in double quotes: its line breaks as dot's
 * "\n", and a quote or backslash of a name escaped. */
static void
append_id(GString *out, const char *text)
{
  g_string_append_c(out, '"');
  for (const char *c = text; *c; c++) {
    if (*c == '\n') {
      g_string_append(out, "\\n");
      continue;
    }
    if (*c == '"' || *c == '\\')
      g_string_append_c(out, '\\');
    g_string_append_c(out, *c);
  }
  g_string_append_c(out, '"');
}

/* Appends @v (a count) with thousands separated by commas: 17,276,542. */
static void
append_count(GString *out, double v)
{
  if (isnan(v)) {
    g_string_append(out, "?");
    return;
  }
  char digits[32];
  g_snprintf(digits, sizeof digits, "%" G_GINT64_FORMAT, (gint64) v);
  gsize n = strlen(digits);
  for (gsize i = 0; i < n; i++) {
    if (i > 0 && digits[i - 1] != '-' && (n - i) % 3 == 0)
      g_string_append_c(out, ',');
    g_string_append_c(out, digits[i]);
  }
}

/* Appends @v with @fmt ("%.1f"), a point for the decimals whatever the
 * locale. */
static void
append_fixed(GString *out, const char *fmt, double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(buf, sizeof buf, fmt, v));
}

static void
append_ms(GString *out, double ms)
{
  if (isnan(ms)) {
    g_string_append(out, "none");
    return;
  }
  append_fixed(out, ms < 10 ? "%.2f" : "%.1f", ms);
  g_string_append(out, " ms");
}

/* A share as a percentage with two significant digits below 1%. */
static void
append_percent(GString *out, double share)
{
  double pct = share * 100;
  if (pct < 0.001)
    g_string_append(out, "<0.001");
  else
    append_fixed(out, pct < 1 ? "%.2g" : "%.1f", pct);
  g_string_append_c(out, '%');
}

/* TRUE when some edge of @edges ends at @name. */
static gboolean
is_callee(const cJSON *edges, const char *name)
{
  const cJSON *e;
  cJSON_ArrayForEach(e, edges) {
    const cJSON *callee = cJSON_GetObjectItemCaseSensitive(e, "callee");
    if (cJSON_IsString(callee) && strcmp(callee->valuestring, name) == 0)
      return TRUE;
  }
  return FALSE;
}

/* A box per service: its requests and p99. An entry service's latency is
 * the users' end-to-end one; a callee's includes its own calls. */
static void
append_node(GString *out, const cJSON *svc, const cJSON *edges)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(svc, "name");
  if (!cJSON_IsString(n))
    return; /* plot_run_load() checked the names */
  const char *name = n->valuestring;
  double made = number_in(svc, "/calls/made");
  gboolean entry = !is_callee(edges, name);
  g_autoptr(GString) label = g_string_new(name);
  g_string_append(label, "\n");
  append_count(label, number_in(svc, "/requests/arrivals"));
  g_string_append(label, " requests\np99 ");
  append_ms(label, number_in(svc, "/latency/p99_ms"));
  if (entry)
    g_string_append(label, " end to end");
  else if (made > 0)
    g_string_append(label, " with its calls");
  g_string_append(out, "  ");
  append_id(out, name);
  g_string_append(out, " [label=");
  append_id(out, label->str);
  g_string_append(out, entry ? ", penwidth=2];\n" : "];\n");
}

/* An arrow per edge: calls, p99 of the attempts answered OK, the share of
 * attempts that failed, and the retry amplification once retries show in
 * its third decimal. */
static gboolean
append_edge(GString *out, const cJSON *e, int index, const char *path,
            GError **error)
{
  const cJSON *caller = cJSON_GetObjectItemCaseSensitive(e, "caller");
  const cJSON *callee = cJSON_GetObjectItemCaseSensitive(e, "callee");
  if (!cJSON_IsString(caller) || !cJSON_IsString(callee)) {
    input_error(error, path, "/edges/%d: no caller or callee", index);
    return FALSE;
  }
  double sent = number_in(e, "/sent");
  double errors = number_in(e, "/errors/total");
  double amplification = number_in(e, "/retry_amplification");
  g_autoptr(GString) label = g_string_new("");
  append_count(label, number_in(e, "/calls"));
  g_string_append(label, " calls\np99 ");
  append_ms(label, number_in(e, "/latency/p99_ms"));
  g_string_append(label, "\n");
  gboolean failing = errors > 0 && sent > 0;
  if (failing) {
    g_string_append(label, "errors ");
    append_percent(label, errors / sent);
    g_string_append(label, " (");
    append_count(label, errors);
    g_string_append(label, ")");
  } else {
    g_string_append(label, "no errors");
  }
  if (amplification >= 1.0005) {
    g_string_append(label, "\nretries x");
    append_fixed(label, "%.3f", amplification);
  }
  g_string_append(out, "  ");
  append_id(out, caller->valuestring);
  g_string_append(out, " -> ");
  append_id(out, callee->valuestring);
  g_string_append(out, " [label=");
  append_id(out, label->str);
  if (failing)
    g_string_append(out, ", color=red, fontcolor=red, style=dashed");
  g_string_append(out, "];\n");
  return TRUE;
}

static gboolean
append_graph(GString *out, const PlotRun *run, cJSON *root,
             const char *path, GError **error)
{
  const cJSON *edges = json_pointer_get(root, "/edges");
  const cJSON *services = json_pointer_get(root, "/services");
  g_string_append(out, "// ecsim plot: the call graph, from summary.json's "
                       "services[] and edges[].\n// Render: dot -Tsvg "
                       "FILE.dot -o FILE.svg\ndigraph callgraph {\n"
                       "  graph [rankdir=LR, labelloc=t, fontname="
                       "\"Helvetica\", label=");
  g_autofree char *title = g_strdup_printf("%s · %s: calls between "
                                           "services (red dashed: errors)",
                                           run->scenario, run->variant);
  append_id(out, title);
  g_string_append(out, "];\n  node [shape=box, style=rounded, fontname="
                       "\"Helvetica\"];\n  edge [fontname=\"Helvetica\", "
                       "fontsize=10];\n");
  const cJSON *svc;
  cJSON_ArrayForEach(svc, services)
    append_node(out, svc, edges);
  int i = 0;
  const cJSON *e;
  cJSON_ArrayForEach(e, edges) {
    if (!append_edge(out, e, i++, path, error))
      return FALSE;
  }
  g_string_append(out, "}\n");
  return TRUE;
}

gboolean
plot_write_callgraph(const PlotRun *run, const char *path, int *n_edges,
                     GError **error)
{
  g_return_val_if_fail(run != NULL && path != NULL && n_edges != NULL,
                       FALSE);
  *n_edges = 0;
  g_autofree char *summary = g_build_filename(run->dir, "summary.json",
                                              NULL);
  g_autoptr(cJSON) root = json_load_file(summary, error);
  if (root == NULL)
    return FALSE;
  const cJSON *edges = json_pointer_get(root, "/edges");
  if (edges == NULL || cJSON_IsNull(edges))
    return TRUE;
  if (!cJSON_IsArray(edges)) {
    input_error(error, summary, "/edges: not an array");
    return FALSE;
  }
  if (cJSON_GetArraySize(edges) == 0)
    return TRUE;
  g_autoptr(GString) out = g_string_new("");
  if (!append_graph(out, run, root, summary, error))
    return FALSE;
  *n_edges = cJSON_GetArraySize(edges);
  return g_file_set_contents(path, out->str, (gssize) out->len, error);
}
