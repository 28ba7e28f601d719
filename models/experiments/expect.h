/* Checking expectations (config/expect-config.h: what they are and how a
 * scenario states them) on a run's summary. */
#pragma once

#include <cjson/cJSON.h>
#include <stdio.h>

#include "models/config/expect-config.h"
#include "models/experiments/junit.h"

/* The outcome of one expectation on one summary. */
typedef struct {
  const Expectation *expectation; /* lent */
  gboolean has_value;             /* FALSE: the field is null or absent */
  double measured;
  gboolean passed;
} ExpectResult;

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
