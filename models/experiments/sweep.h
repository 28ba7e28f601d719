/* Sweeps: one scenario run over a grid of parameter values, its variants
 * and several seeds (`ecsim sweep`).
 *
 * A grid axis is a JSON Pointer into the scenario and the values it takes:
 * "START:STOP:STEP" (numbers, STOP included when the steps reach it) or a
 * comma-separated list whose items are JSON or bare strings, as --set
 * reads them ("512,1024", "EC2,FARGATE", "[1,2],[3]"). A grid point is
 * one value per axis; the plan is every grid point x variant x seed, each
 * run in its own world. Seeds are the base seed + k, k = 0..seeds-1 (the
 * base is --seed, else the scenario's "seed").
 *
 * Numbering, fixed by the plan alone so that results never depend on how
 * many threads or ranks ran them:
 *   point = the product's index, first axis slowest;
 *   run   = k * (points * variants) + point * variants + variant index;
 * every grid point gets its first seed before any gets its second, and a
 * sweep resumed with more seeds keeps its run ids. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>
#include <signal.h>

#include "models/config/scenario.h"

/* Values one grid axis takes. */
typedef struct {
  char *pointer;     /* "/taskDefinitions/0/cpu" (leading '/' added) */
  GPtrArray *values; /* char*: each value as compact JSON text ("512") */
} SweepAxis;

/* Most values an axis, and runs a sweep, may have. */
#define SWEEP_MAX_VALUES 100000
#define SWEEP_MAX_RUNS 10000000

/* Parses @spec (the part after '=') into values (char*, compact JSON).
 * Messages start with @where. Returns NULL and sets @error
 * (ECSIM_INPUT_ERROR) on a malformed range, an empty item or too many
 * values. */
GPtrArray *sweep_values_parse(const char *spec, const char *where,
                              GError **error);

/* Parses a command-line "--grid /pointer=SPEC". Returns NULL and sets
 * @error naming the argument when it is malformed. */
SweepAxis *sweep_axis_parse(const char *arg, GError **error);

/* An axis from a sweep file's "grid" member: @spec is a SPEC string or an
 * array of JSON values. Messages start with @where. */
SweepAxis *sweep_axis_from_json(const char *pointer, const cJSON *spec,
                                const char *where, GError **error);
void sweep_axis_free(SweepAxis *axis);

/* A sweep file (`ecsim sweep SWEEP.json`), as read. Unset members are
 * NULL/0. */
typedef struct {
  char *scenario;  /* resolved against the sweep file's folder */
  GPtrArray *axes; /* SweepAxis*, in file order */
  char **variants; /* strv, or NULL: all */
  char **sets;     /* "/pointer=json" strv, or NULL */
  gint64 seeds;    /* 0 when absent */
  gboolean has_seed;
  guint64 seed;
  char **best;     /* constraints, strv, or NULL */
  char *minimize;
} SweepFile;

/* TRUE when @path holds a JSON object with a "scenario" member (a
 * scenario itself never has one). Never fails. */
gboolean sweep_file_detect(const char *path);

/* Reads the sweep file at @path into @out (cleared first). Returns FALSE
 * and sets @error naming the file and member when it is malformed. */
gboolean sweep_file_load(const char *path, SweepFile *out, GError **error);
void sweep_file_clear(SweepFile *f);

/* What is swept. Filled in by the caller, then completed and checked by
 * sweep_plan_prepare(). */
typedef struct {
  char *scenario_path;   /* as given */
  char **sets;           /* --set assignments (strv, may be NULL) */
  GPtrArray *axes;       /* SweepAxis* (owned) */
  char **variants;       /* strv; NULL: all (filled in by prepare) */
  guint n_seeds;         /* >= 1 */
  gboolean has_seed;     /* base seed given (else the scenario's) */
  guint64 base_seed;
  char *outputs_dir;     /* keep each run's outputs in DIR/RUN, or NULL */
  /* Filled in by sweep_plan_prepare(): */
  char *scenario_text;   /* the file's contents */
  char *scenario_sha256;
  char *scenario_name;
  char **axis_names;     /* per axis, short for humans: the pointer's last
                            token ("TargetValue") unless another axis
                            shares it or it is an index (then the pointer) */
  double error_budget;   /* the strictest slo.error_budget of any variant
                            at any point: --best's default error rate */
} SweepPlan;

SweepPlan *sweep_plan_new(const char *scenario_path);
void sweep_plan_free(SweepPlan *plan);

/* Reads the scenario, fills in the variants and the base seed, and checks
 * every grid point of every variant (each configured with the base seed)
 * before anything runs. Returns FALSE and sets @error (the scenario's own
 * message, prefixed with the grid point) when one is refused. */
gboolean sweep_plan_prepare(SweepPlan *plan, GError **error);

guint sweep_plan_n_points(const SweepPlan *plan);
guint sweep_plan_n_variants(const SweepPlan *plan);
guint sweep_plan_n_runs(const SweepPlan *plan);

/* Where @run sits in the plan. */
void sweep_plan_locate(const SweepPlan *plan, guint run, guint *point,
                       guint *variant, guint *k);

/* The value (compact JSON) axis @axis takes at @point; lent. */
const char *sweep_plan_value(const SweepPlan *plan, guint point,
                             guint axis);

/* "/a=40 /b=512": the point for humans (new string; "" with no axes). */
char *sweep_plan_point_label(const SweepPlan *plan, guint point);

/* The identity of @point: {"/a":40,"/b":512} as compact JSON (new). */
char *sweep_plan_point_key(const SweepPlan *plan, guint point);

/* One finished (or failed) run, as sent back to whoever records it. */
typedef struct {
  guint run;
  cJSON *summary;      /* owned; NULL when the run failed */
  cJSON *timing;       /* owned */
  cJSON *series;       /* owned: report_series() */
  char *error;         /* owned message when it failed */
  gboolean interrupted;
} SweepResult;

/* Configures and runs @run of @plan in the calling thread. Never returns
 * NULL: failures and interruptions are in the result. Thread-safe: each
 * call builds its own scenario and world. */
SweepResult *sweep_plan_execute(const SweepPlan *plan, guint run,
                                volatile sig_atomic_t *interrupt);

/* The result as JSON text (new string) for sending to another process,
 * and back. from_text returns NULL on text it did not write. */
char *sweep_result_to_text(const SweepResult *r);
SweepResult *sweep_result_from_text(const char *text);
void sweep_result_free(SweepResult *r);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepAxis, sweep_axis_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepPlan, sweep_plan_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepResult, sweep_result_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(SweepFile, sweep_file_clear)
