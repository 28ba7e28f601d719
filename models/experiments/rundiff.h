/* `ecsim diff`: two runs' outputs compared field by field.
 *
 * A side is a folder (or one summary.json) holding the summaries of one or
 * more variants, each run with one or more seeds. Summaries are found in
 * the folder itself (a variant folder: DIR/summary.json), in its
 * sub-folders (a run: DIR/VARIANT/summary.json) or one level further
 * (seeds in sibling runs: DIR/seed-N/VARIANT/summary.json, or
 * DIR/VARIANT/seed-N/summary.json). Each summary names its own variant
 * and seed, so the folder names do not matter; two summaries of the same
 * variant with the same seed are refused.
 *
 * Variants of the same name are compared (a side with a single variant is
 * compared with a side with a single variant whatever their names). Each
 * numeric field of summary.json (summary_schema_leaves(), without
 * engine.by_kind, and without services.NAME.* when every run has one
 * service, as they repeat the totals, unless a --tolerance starting with
 * "services." names them) is averaged over the seeds (null in any seed:
 * null), and the change from A to B judged by the field's direction
 * (summary-schema.h):
 *   - worse by more than the field's tolerance (a percentage of A's value,
 *     or for SLO attainment of A's shortfall 1 - attainment; any worsening
 *     of a field that was 0) and outside the noise band: a regression;
 *   - a number in A and null in B: a regression (unless the field's
 *     tolerance is "ignore"), as an expectation on it would now fail;
 *     null in A and a number in B: changed;
 *   - the noise band, when a side has several seeds, is the 95% confidence
 *     half-width of the change (Student t): of the per-seed differences
 *     when both sides ran the same seeds (common random numbers), else of
 *     the difference of the means;
 *   - fields without a direction are reported, never judged. */
#pragma once

#include <stdio.h>

#include "models/experiments/junit.h"
#include "models/config/summary-schema.h"

/* The default --default-tolerance, in percent. */
#define RUNDIFF_DEFAULT_TOLERANCE 5.0

typedef struct _RunDiffSide RunDiffSide;

/* Reads the summaries under @path. Returns NULL and sets @error
 * (ECSIM_INPUT_ERROR) when @path is missing, holds no summary.json, or a
 * summary is not an ecsim summary. */
RunDiffSide *rundiff_side_load(const char *path, GError **error);
void rundiff_side_free(RunDiffSide *side);

/* Tolerances: a default and per-field ones. */
typedef struct _RunDiffOptions RunDiffOptions;

RunDiffOptions *rundiff_options_new(void);
void rundiff_options_free(RunDiffOptions *o);
/* Parses @pct ("5", "5%", "0.5", "ignore": never fail) as the tolerance of
 * fields no --tolerance names. Returns FALSE and sets @error when bad. */
gboolean rundiff_options_set_default(RunDiffOptions *o, const char *pct,
                                     GError **error);
/* Parses "FIELD=PCT"; FIELD is a dotted path or a glob ("latency.*").
 * An exact path wins over globs; among globs the last given wins. */
gboolean rundiff_options_add_tolerance(RunDiffOptions *o,
                                       const char *assignment,
                                       GError **error);

typedef enum {
  RUNDIFF_SAME,             /* no change */
  RUNDIFF_CHANGED,          /* moved without a direction, or was null */
  RUNDIFF_BETTER,
  RUNDIFF_WITHIN_NOISE,     /* worse, but inside the noise band */
  RUNDIFF_WITHIN_TOLERANCE, /* worse, but by no more than the tolerance
                               (or now null, and the field ignored) */
  RUNDIFF_REGRESSION,       /* worse beyond tolerance and noise, or now
                               null */
  RUNDIFF_ONLY_A,           /* a field of A's summaries only */
  RUNDIFF_ONLY_B,
} RunDiffVerdict;

/* One field of one pair of variants. */
typedef struct {
  char *path;
  double a, b;              /* means over the seeds; NAN for null */
  double delta;             /* b - a */
  double pct;               /* 100 * delta / |a|; +-INFINITY when a is 0 */
  double worse;             /* percent worse, as judged: of |a|, or of the
                               shortfall 1 - a for SLO attainment; NAN
                               unless worse beyond the noise band */
  double noise;             /* half-width of the 95% band of delta; NAN
                               when each side ran one seed */
  double tolerance;         /* percent worse allowed; INFINITY: ignored */
  SummaryDirection direction;
  SummaryUnit unit;
  RunDiffVerdict verdict;
} RunDiffField;

typedef struct _RunDiff RunDiff;

/* Compares @a with @b. Returns NULL and sets @error (ECSIM_INPUT_ERROR)
 * when they have no variant in common or a --tolerance names no field of
 * the first pair's summaries. */
RunDiff *rundiff_compare(const RunDiffSide *a, const RunDiffSide *b,
                         const RunDiffOptions *o, GError **error);
void rundiff_free(RunDiff *d);

/* Fields judged regressions, over all pairs. */
guint rundiff_n_regressions(const RunDiff *d);
/* Fields that moved, over all pairs. */
guint rundiff_n_changed(const RunDiff *d);

/* The field @path of the pair of variant @variant (A's name; NULL: the
 * first pair), or NULL. Lent. */
const RunDiffField *rundiff_field(const RunDiff *d, const char *variant,
                                  const char *path);

/* Prints both sides, what moved in each pair (every field with @all) and
 * a last line: "no change", "changed, no regression" or "N regressions".
 */
void rundiff_print(const RunDiff *d, gboolean all, FILE *out);

/* Adds a suite per pair, a case per field (regressions fail, fields of one
 * side only are skipped). */
void rundiff_add_junit(const RunDiff *d, JunitReport *junit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(RunDiffSide, rundiff_side_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RunDiffOptions, rundiff_options_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RunDiff, rundiff_free)
