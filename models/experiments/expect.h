/* Expectations: a scenario's pass/fail conditions on its summary, for
 * ecsim as a regression gate.
 *
 *   "expect": {
 *     "latency.p99_ms": {"max": "200ms"},
 *     "requests.error_rate": {"max": 0.001},
 *     "slo.attainment": {"min": "99.5%"},
 *     "deployments.failed": {"eq": 0}
 *   }
 *
 * Keys are dotted paths into summary.json (summary-schema.h); operators
 * are max (<=), min (>=), eq (==), lt (<) and gt (>). A limit is a number
 * in the field's unit; *_ms fields also take durations ("200ms", "0.2s"),
 * fractions and percentages take "0.1%", booleans (slo.met) true/false.
 * Each (path, operator) pair is one expectation. */
#pragma once

#include <cjson/cJSON.h>
#include <stdio.h>

#include "models/input/jnode.h"
#include "models/experiments/junit.h"
#include "models/config/scenario.h"
#include "models/output/summary-schema.h"

typedef enum {
  EXPECT_MAX, /* measured <= limit */
  EXPECT_MIN, /* measured >= limit */
  EXPECT_EQ,  /* measured == limit */
  EXPECT_LT,  /* measured < limit */
  EXPECT_GT,  /* measured > limit */
} ExpectOp;

/* One expectation, parsed from the scenario. */
typedef struct {
  char *path;        /* as written: "latency.p99_ms", "services.0.cost.total" */
  ExpectOp op;
  double limit;      /* in the field's unit: ms for *_ms, 1/0 for booleans */
  SummaryUnit unit;
} Expectation;

/* The outcome of one expectation on one summary. */
typedef struct {
  const Expectation *expectation; /* lent */
  gboolean has_value;             /* FALSE: the field is null or absent */
  double measured;
  gboolean passed;
} ExpectResult;

/* Parses the "expect" object at @node (absent: none) of @cfg, whose
 * services, cluster and slo are already parsed. Returns a new array of
 * Expectation* (empty when none), or NULL with @error naming the JSON path
 * ("gate.json: /expect/latency.p99: not a field of summary.json; did you
 * mean latency.p99_ms, ...?"). */
GPtrArray *expect_parse(const JNode *node, const ScenarioConfig *cfg,
                        GError **error);

void expectation_free(Expectation *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Expectation, expectation_free)

/* Checks each of @expectations (Expectation*) against @summary. Returns
 * a new GArray of ExpectResult, in the same order. */
GArray *expect_evaluate(const GPtrArray *expectations, const cJSON *summary);

/* "latency.p99_ms 181.2 <= 200" when passed; "latency.p99_ms 230.1,
 * expected <= 200" (or "no value, expected ...") when not. New string. */
char *expect_describe(const ExpectResult *r);

/* "latency.p99_ms <= 200": the expectation itself. New string. */
char *expect_name(const Expectation *e);

/* Checks @cfg's expectations against @summary (its run's summary), prints
 * "PASS ..."/"FAIL ..." lines on @out (NULL: none; only failures when
 * @failures_only), each after @label when not NULL ("PASS [ec2] ..."),
 * and adds a suite "SCENARIO/VARIANT" with one case per expectation to
 * @junit (may be NULL). Returns the number that failed. */
guint expect_report(const ScenarioConfig *cfg, const cJSON *summary,
                    const char *label, gboolean failures_only, FILE *out,
                    JunitReport *junit);
