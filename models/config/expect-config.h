/* Expectations: a scenario's pass/fail conditions on its summary, for
 * ecsim as a regression gate; parsed with the scenario (this file),
 * checked on a run's summary (experiments/expect.h).
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

#include "models/config/scenario.h"
#include "models/config/summary-schema.h"
#include "models/input/jnode.h"

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

/* Parses the "expect" object at @node (absent: none) of @cfg, whose
 * services, cluster and slo are already parsed. Returns a new array of
 * Expectation* (empty when none), or NULL with @error naming the JSON path
 * ("gate.json: /expect/latency.p99: not a field of summary.json; did you
 * mean latency.p99_ms, ...?"). */
GPtrArray *expect_parse(const JNode *node, const ScenarioConfig *cfg,
                        GError **error);

void expectation_free(Expectation *e);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Expectation, expectation_free)

/* Whether @v meets limit @limit under @op, with a relative slack of 1e-9
 * (summary.json's figures are rounded decimals). */
gboolean expect_holds(ExpectOp op, double v, double limit);

/* "<=", ">=", "==", "<" or ">". */
const char *expect_op_symbol(ExpectOp op);
