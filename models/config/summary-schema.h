/* The fields of summary.json as a table: each numeric field's dotted path,
 * its unit and which direction is better. Expectations ("expect") check
 * their paths against it and `ecsim diff` takes its directions from it.
 *
 * A path names a field by its keys joined with dots: "latency.p99_ms",
 * "cost.by_provider.FARGATE", "tasks.stopped_by_reason.unhealthy". The
 * elements of "services" are named by their "name" (or their index):
 * "services.checkout.latency.p99_ms", "services.0.latency.p99_ms". The
 * table's patterns hold placeholders for names that depend on the
 * scenario: <service>, <provider>, <reason> and <kind>. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/config/scenario.h"

typedef enum {
  SUMMARY_LOWER_IS_BETTER = -1,  /* latency, cost, errors, failures */
  SUMMARY_NO_DIRECTION = 0,      /* counts that describe, not judge */
  SUMMARY_HIGHER_IS_BETTER = 1,  /* SLO attainment */
} SummaryDirection;

typedef enum {
  SUMMARY_UNIT_NUMBER,   /* counts, dollars, hours, requests/s */
  SUMMARY_UNIT_MS,       /* milliseconds ("*_ms") */
  SUMMARY_UNIT_FRACTION, /* 0..1 (error_rate, attainment) */
  SUMMARY_UNIT_PERCENT,  /* 0..100 ("*_pct") */
  SUMMARY_UNIT_BOOL,     /* true/false, read as 1/0 */
} SummaryUnit;

typedef struct {
  const char *pattern;         /* "services.<service>.latency.p99_ms" */
  SummaryUnit unit;
  SummaryDirection direction;
  gboolean absent_is_zero;     /* left out of summary.json when 0 */
} SummaryField;

/* Room for summary_schema_format()'s text. */
#define SUMMARY_VALUE_MAX 48

/* The table entry that @path matches, or NULL. Never fails. */
const SummaryField *summary_schema_lookup(const char *path);

/* Every path an expectation of @cfg may name, placeholders replaced by
 * the scenario's services, capacity providers and stop reasons (engine
 * kinds are left out), in summary.json's order. Returns a new array of
 * new strings. */
GPtrArray *summary_schema_paths(const ScenarioConfig *cfg);

/* The value of @summary at @path: numbers, booleans as 1/0. Returns FALSE
 * when the field is absent or null (an absent field with absent_is_zero
 * gives 0 and TRUE). */
gboolean summary_schema_value(const cJSON *summary, const char *path,
                              double *out);

/* One numeric or boolean field of a summary, from summary_schema_leaves(). */
typedef struct {
  char *path;
  double value;              /* NAN when null */
} SummaryLeaf;

/* The numeric, boolean and null fields of @summary in file order, except
 * its identification ("schema" and "scenario"). Returns a new GArray of
 * SummaryLeaf that frees its paths. */
GArray *summary_schema_leaves(const cJSON *summary);

/* Up to @max paths of @candidates (char*) near @path, closest first: same
 * words or prefixes of them ("errors.rate" -> "requests.error_rate"), or a
 * few typing mistakes. Returns a new "a, b or c" string, or NULL. */
char *summary_schema_suggest(const char *path, const GPtrArray *candidates,
                             guint max);

/* Writes @v for people, to 6 significant digits: "181.2", "200", "0.001",
 * "1.23457e+47", "true" (a boolean averaged over seeds as a number: "0.5");
 * NAN as "null". @buf holds SUMMARY_VALUE_MAX bytes. Returns @buf. */
char *summary_schema_format(double v, SummaryUnit unit, char *buf);

/* Writes two values that are compared with each other (measured and limit,
 * A and B) as summary_schema_format() does, with as many more digits as it
 * takes for different values to read differently: "1234.5678" and
 * "1234.5672", not "1234.57" twice. Each buffer holds SUMMARY_VALUE_MAX
 * bytes. Never fails. */
void summary_schema_format_pair(double a, double b, SummaryUnit unit,
                                char *abuf, char *bbuf);
