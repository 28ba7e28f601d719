/* Shared by html-report.c (the page) and html-report-data.c (the data);
 * html-report-assets.c is generated at build time from plots/report/
 * by plots/report/embed.py. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/output/html-report.h"

/* The page's own script and stylesheet (plots/report/report-*.js and
 * report.css), NUL-terminated. */
extern const char html_report_js[];
extern const char html_report_css[];

/* The run folder @outdir as {"variants": [{"name", "summary", "series",
 * "tasks", "instances", "events"}, ...], "compare": compare.json when
 * the folder has one (`ecsim compare`)} (a new tree; CSV files become
 * {"columns": [...], "rows": [[...], ...]}), variants sorted by folder
 * name. NULL with @error (ECSIM_INPUT_ERROR) naming the file, and its
 * line for CSV and JSON-lines files, when one is missing or malformed. */
cJSON *html_report_load(const char *outdir, GError **error);

/* Adds to the variant @v (from html_report_load()'s loading) "why": per
 * service, each run of periods that missed the SLO or the error budget
 * as {"service", "from", "to", "periods", "missed", "causes": [{"kind",
 * "at", "overlap", "text"}, ...]}, causes ranked; and "incidents":
 * per service and kind, the failed, stalled or rolled-back deployments,
 * failed health checks, tasks not started or not placed, as {"service",
 * "kind", "at", "count", "text"}, breach or not (html-report-why.c). */
void html_report_why(cJSON *v);
