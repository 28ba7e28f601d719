/* `ecsim report`: the page, assembled from the run's data, the charting
 * library and the page's own script and style. */
#include "models/output/html-report-private.h"

#include <string.h>

#include "ecsim-config.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"

/* Where Debian's libjs-dygraphs puts the library; $ECSIM_DYGRAPHS_DIR
 * overrides it (another install, or a test of the missing package). */
#define DYGRAPHS_DIR "/usr/share/javascript/dygraphs"

/* Collects window errors and console.error calls before any other
 * script runs, so the self-check (report-selftest.js) can list them: the browser
 * tests fail on any. */
static const char error_capture[] =
  "window.ecsimErrors = [];\n"
  "window.addEventListener('error', function (e) {\n"
  "  window.ecsimErrors.push(String(e.message) + ' at ' + e.filename + ':' +"
  " e.lineno);\n"
  "});\n"
  "(function () {\n"
  "  var original = console.error;\n"
  "  console.error = function () {\n"
  "    window.ecsimErrors.push(Array.prototype.join.call(arguments, ' '));\n"
  "    return original.apply(console, arguments);\n"
  "  };\n"
  "})();\n";

char *
html_report_default_path(const char *outdir)
{
  g_return_val_if_fail(outdir != NULL, NULL);
  return g_build_filename(outdir, "report.html", NULL);
}

/* The library file @name ("dygraph.min.js") read whole, or NULL with an
 * error that names the package to install. */
static char *
read_library(const char *name, GError **error)
{
  const char *dir = g_getenv("ECSIM_DYGRAPHS_DIR");
  g_autofree char *path = g_build_filename(dir ? dir : DYGRAPHS_DIR, name,
                                           NULL);
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: not found: the report's charts need the dygraphs "
                "library. Install it, e.g. on Debian or Ubuntu:\n"
                "  apt-get install " HTML_REPORT_PACKAGE "\n"
                "and make the report again.", path);
    return NULL;
  }
  return text;
}

/* Appends @script so that nothing in it can end the <script> element
 * early: "</script" and "<!--" only occur in a script's strings, regular
 * expressions or comments, where "<\/" and "<\!--" mean the same. */
static void
append_script(GString *page, const char *script)
{
  for (const char *p = script; *p; p++) {
    if (*p == '<' && (g_ascii_strncasecmp(p, "</script", 8) == 0)) {
      g_string_append(page, "<\\/");
      p++;
    } else if (*p == '<' && strncmp(p, "<!--", 4) == 0) {
      g_string_append(page, "<\\!");
      p++;
    } else {
      g_string_append_c(page, *p);
    }
  }
}

/* Appends @data as JSON text in which no '<' appears ("\u003c" stands
 * for it, in strings, the only place JSON has one), so the data cannot
 * close or confuse its <script> element whatever the run's names are. */
static void
append_data(GString *page, const cJSON *data)
{
  g_autofree char *json = json_compact_text(data);
  for (const char *p = json; *p; p++) {
    if (*p == '<')
      g_string_append(page, "\\u003c");
    else
      g_string_append_c(page, *p);
  }
}

/* The scenario's name, from the first variant's summary, for the title. */
static const char *
scenario_name(const cJSON *data)
{
  const cJSON *v = cJSON_GetArrayItem(
    cJSON_GetObjectItemCaseSensitive(data, "variants"), 0);
  const cJSON *name = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(v, "summary"), "scenario"), "name");
  if (cJSON_IsString(name))
    return name->valuestring;
  const cJSON *sweep = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(data, "sweep"), "meta"), "scenario");
  return cJSON_IsString(sweep) ? sweep->valuestring : "?";
}

static GString *
build_page(const cJSON *data, const char *library_js,
           const char *library_css)
{
  GString *page = g_string_new(NULL);
  g_autofree char *title = g_markup_escape_text(scenario_name(data), -1);
  g_string_append_printf(page,
    "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n<meta name=\"generator\" content=\"ecsim %s\">\n"
    "<title>%s: ecsim report</title>\n<script>\n", ECSIM_VERSION, title);
  g_string_append(page, error_capture);
  g_string_append(page, "</script>\n<style>\n");
  append_script(page, library_css);
  g_string_append(page, "\n</style>\n<style>\n");
  append_script(page, html_report_css);
  g_string_append_printf(page,
    "</style>\n</head>\n<body>\n<noscript>This report draws itself with "
    "JavaScript: open it in a browser with scripts on.</noscript>\n"
    "<main id=\"report\" data-title=\"%s\"></main>\n"
    "<script type=\"application/json\" id=\"ecsim-data\">", title);
  append_data(page, data);
  g_string_append(page, "</script>\n<script>\n");
  append_script(page, library_js);
  g_string_append(page, "\n</script>\n<script>\n");
  append_script(page, html_report_js);
  g_string_append(page, "</script>\n</body>\n</html>\n");
  return page;
}

gboolean
html_report_write(const char *outdir, const char *path, GError **error)
{
  g_return_val_if_fail(outdir != NULL && path != NULL, FALSE);
  /* The folder first: a mistake in it is worth knowing before the
   * library is installed. */
  g_autoptr(cJSON) data = html_report_load(outdir, error);
  if (data == NULL)
    return FALSE;
  g_autofree char *library_js = read_library("dygraph.min.js", error);
  if (library_js == NULL)
    return FALSE;
  g_autofree char *library_css = read_library("dygraph.min.css", error);
  if (library_css == NULL)
    return FALSE;
  g_autoptr(GString) page = build_page(data, library_js, library_css);
  g_autoptr(GError) inner = NULL;
  if (!g_file_set_contents(path, page->str, (gssize) page->len, &inner)) {
    /* GLib names its temporary file: name the page asked for. */
    g_set_error(error, inner->domain, inner->code, "%s: cannot write the "
                "report: %s", path, inner->message);
    return FALSE;
  }
  return TRUE;
}
