/* Scenario files: loading, file references, variants and overrides, and
 * the whole-scenario check that runs before any simulation.
 *
 * A Scenario is a loaded file. scenario_configure() produces the checked
 * configuration of one variant: it copies the JSON, replaces every
 * {"file": "x.json"} entry of taskDefinitions, services and targetGroups
 * with the file's object(s) (unwrapping the AWS CLI wrappers
 * {"taskDefinition": {...}}, {"services": [...]}, {"service": {...}} and
 * {"TargetGroups": [...]}), applies the variant's overrides and the
 * command line's --set overrides (JSON Pointers), then parses and checks
 * every section. Errors name the file and JSON path; nodes that came from
 * another file are reported in that file's terms. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/config/cluster-config.h"
#include "models/config/ecs-rules.h"
#include "models/config/failure.h"
#include "models/config/pricing.h"
#include "models/input/jnode.h"
#include "models/config/service-config.h"
#include "models/config/target-group.h"
#include "models/config/taskdef.h"
#include "models/config/workload.h"
#include "sim/time.h"

typedef struct _Scenario Scenario;

/* A service-level objective: a latency threshold met by a fraction of
 * requests ("slo": {"p99": "200ms"} means threshold 200 ms, target 0.99;
 * or {"latency": "300ms", "target": 0.995}), and an error budget, the
 * largest error rate that still counts as serving the traffic
 * ("error_budget": 0.001, in either form). */
typedef struct {
  gboolean set;
  SimTime threshold;
  double target;
  double error_budget; /* SLO_DEFAULT_ERROR_BUDGET without an "slo" */
} SloConfig;

/* Errors / finished requests allowed when the scenario does not say. */
#define SLO_DEFAULT_ERROR_BUDGET 0.001

/* The largest seed: 2^53 - 1, the largest integer a JSON number (a
 * double) holds exactly, so that summary.json can say which seed ran. */
#define SCENARIO_SEED_MAX ((INT64_C(1) << 53) - 1)

/* How requests are simulated (config/fidelity.h). */
typedef enum {
  FIDELITY_REQUESTS,  /* each request an event */
  FIDELITY_AGGREGATE, /* requests as flows through queueing formulas */
} Fidelity;

/* One variant of a scenario, parsed and checked. Strings are lent from
 * the config's own JSON tree. */
typedef struct _ScenarioConfig {
  const char *name;          /* scenario "name" (default: file stem) */
  const char *description;
  char *variant;             /* variant name; "base" when none defined */
  const char *file;          /* scenario file, as given */
  guint64 seed;              /* "seed" or --seed (default 1) */
  gboolean has_request_seed; /* "request_seed" or --request-seed given */
  guint64 request_seed;      /* the request-level streams' seed (world.c
                                names them): request_seed, else seed */
  SimTime duration;          /* required */
  SimTime period;            /* metrics period, default 60 s */
  SimTime clock_offset;      /* "start_at": wall clock of t=0 from
                                Monday 00:00 (default 0) */
  Fidelity fidelity;         /* "fidelity" (default requests) */
  ClusterConfig *cluster;
  GPtrArray *taskdefs;       /* EcsTaskDef* */
  GPtrArray *taskdef_failures; /* FailureModel*, parallel to taskdefs */
  GPtrArray *target_groups;  /* TargetGroupConfig* */
  GPtrArray *services;       /* ServiceConfig* */
  GPtrArray *service_taskdefs; /* EcsTaskDef* (lent), parallel to
                                  services: the resolved taskDefinition */
  GPtrArray *service_tgs;    /* TargetGroupConfig* (lent) or NULL,
                                parallel to services */
  GPtrArray *faults;         /* FaultConfig* (faults.h) */
  SloConfig slo;
  GPtrArray *expect;         /* Expectation* (expect.h): "expect", the
                                gate's conditions; empty when none */
  GPtrArray *ignored_warnings; /* "ignore_warnings": warning codes
                                  (lent strings) the scenario expects */
  EcsRules rules;            /* "ecs_rules": UNVERIFIED rules */
  PriceCatalog *pricing;     /* shipped catalog with "pricing" applied */
  char *aas_skipped;         /* applicationAutoScaling elements skipped
                                (autoscale-aws.h), one line, or NULL */
  char *aas_unapplied;       /* a warning that none applied, or NULL */
  cJSON *tree;               /* the JSON after includes and overrides */
  JDoc *doc;
} ScenarioConfig;

/* Options from the command line. */
typedef struct {
  gboolean lenient;          /* --lenient: skip bad trace lines */
  gboolean has_seed;
  guint64 seed;              /* --seed */
  gboolean has_request_seed;
  guint64 request_seed;      /* --request-seed: wins over "request_seed" */
} ScenarioOptions;

/* Loads the scenario file at @path (syntax only; meaning is checked by
 * scenario_configure()). @path "-" reads the standard input, named
 * "<stdin>" in messages, whose relative file names start from the
 * current directory. Returns NULL and sets @error on I/O or syntax
 * errors ("web.json:14:9: syntax error near '}'"). */
Scenario *scenario_load(const char *path, GError **error);

/* The same from text in memory named @name, with relative file names
 * resolved from @dir. */
Scenario *scenario_load_data(const char *name, const char *text,
                             const char *dir, GError **error);

void scenario_free(Scenario *scn);

/* Adds a --set override "/pointer=value" applied to every variant after
 * the variant's own overrides. The value is JSON, or a bare string.
 * Returns FALSE and sets @error when @assignment has no '=' or pointer. */
gboolean scenario_add_override(Scenario *scn, const char *assignment,
                               GError **error);

/* A SHA-256 (hex, owned) of what the scenario file says and the --set
 * overrides added to it: two runs of the same file, unchanged, with the
 * same overrides share it. Files the scenario includes or reads (task
 * definitions, traces) are not part of it. */
char *scenario_fingerprint(const Scenario *scn);

/* Variant names in file order; one, "base", when the file defines none. */
guint scenario_n_variants(const Scenario *scn);
const char *scenario_variant_name(const Scenario *scn, guint i);
/* TRUE when the file defines a "variants" section. */
gboolean scenario_has_variants(const Scenario *scn);

/* Builds and checks the configuration of @variant (NULL: the first).
 * Returns NULL and sets @error when anything is wrong. */
ScenarioConfig *scenario_configure(Scenario *scn, const char *variant,
                                   const ScenarioOptions *options,
                                   GError **error);

void scenario_config_free(ScenarioConfig *cfg);

/* Index of the service named @name in @cfg, or -1. */
int scenario_config_find_service(const ScenarioConfig *cfg,
                                 const char *name);

/* The task definition a reference names ("family", "family:rev", ARN):
 * the highest revision for a bare family. NULL when there is none. */
const EcsTaskDef *scenario_config_find_taskdef(const ScenarioConfig *cfg,
                                               const char *ref);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Scenario, scenario_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScenarioConfig, scenario_config_free)
