/* `ecsim diff`: tolerances and the field-by-field comparison. */
#include "models/experiments/rundiff-private.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "sim/stats.h"

struct _RunDiffOptions {
  double default_pct;
  GPtrArray *patterns; /* char*: FIELD of each --tolerance */
  GArray *pcts;        /* double, parallel */
};

RunDiffOptions *
rundiff_options_new(void)
{
  RunDiffOptions *o = g_new0(RunDiffOptions, 1);
  o->default_pct = RUNDIFF_DEFAULT_TOLERANCE;
  o->patterns = g_ptr_array_new_with_free_func(g_free);
  o->pcts = g_array_new(FALSE, FALSE, sizeof(double));
  return o;
}

void
rundiff_options_free(RunDiffOptions *o)
{
  if (o == NULL)
    return;
  g_ptr_array_unref(o->patterns);
  g_array_unref(o->pcts);
  g_free(o);
}

/* "5", "5%", "0.5" or "ignore" (INFINITY). */
static gboolean
parse_pct(const char *text, double *out)
{
  if (strcmp(text, "ignore") == 0) {
    *out = INFINITY;
    return TRUE;
  }
  char *end;
  double v = g_ascii_strtod(text, &end);
  if (end == text || !(strcmp(end, "") == 0 || strcmp(end, "%") == 0) ||
      !isfinite(v) || v < 0)
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
rundiff_options_set_default(RunDiffOptions *o, const char *pct,
                            GError **error)
{
  g_return_val_if_fail(o != NULL && pct != NULL, FALSE);
  if (parse_pct(pct, &o->default_pct))
    return TRUE;
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              "--default-tolerance %s: expected a percentage >= 0 such as 5 "
              "or 5%%, or ignore", pct);
  return FALSE;
}

gboolean
rundiff_options_add_tolerance(RunDiffOptions *o, const char *assignment,
                              GError **error)
{
  g_return_val_if_fail(o != NULL && assignment != NULL, FALSE);
  const char *eq = strrchr(assignment, '=');
  double pct;
  if (eq == NULL || eq == assignment || !parse_pct(eq + 1, &pct)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "--tolerance %s: expected FIELD=PCT, e.g. --tolerance "
                "latency.p99_ms=10 (percent; or FIELD=ignore)", assignment);
    return FALSE;
  }
  g_ptr_array_add(o->patterns,
                  g_strndup(assignment, (gsize) (eq - assignment)));
  g_array_append_val(o->pcts, pct);
  return TRUE;
}

/* The tolerance of @path: the last --tolerance naming it exactly, else
 * the last glob matching it, else the default. Marks in @used every
 * --tolerance that matches. */
static double
tolerance_for(const RunDiffOptions *o, const char *path, gboolean *used)
{
  int exact = -1, glob = -1;
  for (guint i = 0; i < o->patterns->len; i++) {
    const char *pat = o->patterns->pdata[i];
    if (strcmp(pat, path) == 0)
      exact = (int) i;
    else if (strpbrk(pat, "*?") && g_pattern_match_simple(pat, path))
      glob = (int) i;
    else
      continue;
    used[i] = TRUE;
  }
  int pick = exact >= 0 ? exact : glob;
  return pick >= 0 ? g_array_index(o->pcts, double, pick) : o->default_pct;
}

/* ---- values ------------------------------------------------------- */

/* path -> value for one summary; the keys are lent from @leaves. */
static GHashTable *
value_table(GArray *leaves)
{
  GHashTable *t = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < leaves->len; i++) {
    SummaryLeaf *l = &g_array_index(leaves, SummaryLeaf, i);
    if (!g_str_has_prefix(l->path, "engine.by_kind."))
      g_hash_table_insert(t, l->path, &l->value);
  }
  return t;
}

/* The values of @path in each of @tables; FALSE when a summary lacks it
 * (fields left out when 0 count as 0). */
static gboolean
values_of(GPtrArray *tables, const char *path, double *out)
{
  const SummaryField *f = summary_schema_lookup(path);
  for (guint i = 0; i < tables->len; i++) {
    const double *v = g_hash_table_lookup(tables->pdata[i], path);
    if (v == NULL && !(f && f->absent_is_zero))
      return FALSE;
    out[i] = v ? *v : 0.0;
  }
  return TRUE;
}

/* Welford's running mean, so that a figure the same in every seed
 * averages to exactly itself. */
static SimTally
tally(const double *v, guint n)
{
  SimTally t;
  sim_tally_init(&t);
  for (guint i = 0; i < n; i++)
    sim_tally_add(&t, v[i]);
  return t;
}

static double
mean(const double *v, guint n)
{
  return tally(v, n).mean;
}

static double
variance(const double *v, guint n)
{
  SimTally t = tally(v, n);
  return sim_tally_variance(&t);
}

/* Half-width of the 95% confidence interval of mean(b) - mean(a). */
static double
noise_band(const double *a, guint na, const double *b, guint nb,
           gboolean paired)
{
  if (paired) {
    g_autofree double *d = g_new(double, na);
    for (guint i = 0; i < na; i++)
      d[i] = b[i] - a[i];
    double m, half;
    sim_mean_ci(d, na, 0.95, &m, &half);
    return half;
  }
  if (na < 2 && nb < 2)
    return NAN;
  /* A side with one run borrows the other's spread. */
  double va = variance(na >= 2 ? a : b, na >= 2 ? na : nb);
  double vb = variance(nb >= 2 ? b : a, nb >= 2 ? nb : na);
  double sa = va / na, sb = vb / nb;
  if (sa + sb == 0)
    return 0.0;
  double df;
  if (na >= 2 && nb >= 2)
    df = (sa + sb) * (sa + sb) /
         (sa * sa / (na - 1) + sb * sb / (nb - 1));
  else
    df = (na >= 2 ? na : nb) - 1;
  return gsl_cdf_tdist_Pinv(0.975, df) * sqrt(sa + sb);
}

/* Percent worse, as judged against the tolerance: of the value, or for
 * fractions where higher is better (SLO attainment) of the shortfall
 * (1 - value), since 99.5% -> 99.0% doubles the requests that miss. */
static double
worse_pct(double a, double b, const RunDiffField *f)
{
  if (f->unit == SUMMARY_UNIT_FRACTION &&
      f->direction == SUMMARY_HIGHER_IS_BETTER) {
    a = 1.0 - a;
    b = 1.0 - b;
  }
  return a != 0 ? 100.0 * fabs(b - a) / fabs(a) : INFINITY;
}

static void
judge(RunDiffField *f)
{
  gboolean na = isnan(f->a), nb = isnan(f->b);
  if ((na && nb) || (!na && !nb && f->a == f->b)) {
    f->verdict = RUNDIFF_SAME;
    return;
  }
  if (nb && f->direction != SUMMARY_NO_DIRECTION) {
    /* A figure that is gone (no request finished, no latency) fails
     * the field's expectations: as bad as it gets, unless ignored. */
    f->verdict = isinf(f->tolerance) ? RUNDIFF_WITHIN_TOLERANCE
                                     : RUNDIFF_REGRESSION;
    return;
  }
  if (na || nb || f->direction == SUMMARY_NO_DIRECTION) {
    f->verdict = RUNDIFF_CHANGED;
    return;
  }
  if (f->delta * f->direction > 0)
    f->verdict = RUNDIFF_BETTER;
  else if (!isnan(f->noise) && fabs(f->delta) <= f->noise)
    f->verdict = RUNDIFF_WITHIN_NOISE;
  else if ((f->worse = worse_pct(f->a, f->b, f)) <= f->tolerance)
    f->verdict = RUNDIFF_WITHIN_TOLERANCE;
  else
    f->verdict = RUNDIFF_REGRESSION;
}

static void
field_clear(gpointer p)
{
  g_free(((RunDiffField *) p)->path);
}

static void
pair_free(PairDiff *p)
{
  g_array_unref(p->fields);
  g_free(p);
}

static gboolean
same_seeds(const RunVariant *a, const RunVariant *b)
{
  if (a->samples->len != b->samples->len || a->samples->len < 2)
    return FALSE;
  for (guint i = 0; i < a->samples->len; i++)
    if (((RunSample *) a->samples->pdata[i])->seed !=
        ((RunSample *) b->samples->pdata[i])->seed)
      return FALSE;
  return TRUE;
}

/* TRUE when every run of @v has one service, whose services.NAME.*
 * fields then repeat the totals. */
static gboolean
single_service(const RunVariant *v)
{
  for (guint i = 0; i < v->samples->len; i++) {
    const cJSON *services = cJSON_GetObjectItemCaseSensitive(
      ((RunSample *) v->samples->pdata[i])->summary, "services");
    if (cJSON_GetArraySize(services) != 1)
      return FALSE;
  }
  return TRUE;
}

/* TRUE when a --tolerance that names per-service fields
 * ("services.web.latency.p99_ms", "services.*") matches @path. */
static gboolean
tolerance_names_service_field(const RunDiffOptions *o, const char *path)
{
  for (guint i = 0; i < o->patterns->len; i++) {
    const char *pat = o->patterns->pdata[i];
    if (g_str_has_prefix(pat, "services.") &&
        (strcmp(pat, path) == 0 ||
         (strpbrk(pat, "*?") && g_pattern_match_simple(pat, path))))
      return TRUE;
  }
  return FALSE;
}

/* Fields in the order the summaries give them, A's first; with
 * @skip_services, without the per-service repeats no --tolerance names
 * (one CI command line then serves scenarios of one service and of
 * several). */
static GPtrArray *
field_order(GPtrArray *leaf_sets, gboolean skip_services,
            const RunDiffOptions *o)
{
  GPtrArray *order = g_ptr_array_new();
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint s = 0; s < leaf_sets->len; s++) {
    GArray *leaves = leaf_sets->pdata[s];
    for (guint i = 0; i < leaves->len; i++) {
      char *path = g_array_index(leaves, SummaryLeaf, i).path;
      if (g_str_has_prefix(path, "engine.by_kind.") ||
          (skip_services && g_str_has_prefix(path, "services.") &&
           !tolerance_names_service_field(o, path)))
        continue;
      if (g_hash_table_add(seen, path))
        g_ptr_array_add(order, path);
    }
  }
  return order;
}

static GPtrArray *
tables_of(const RunVariant *v, GPtrArray *leaf_sets)
{
  GPtrArray *tables =
    g_ptr_array_new_with_free_func((GDestroyNotify) g_hash_table_unref);
  for (guint i = 0; i < v->samples->len; i++) {
    GArray *leaves =
      summary_schema_leaves(((RunSample *) v->samples->pdata[i])->summary);
    g_ptr_array_add(leaf_sets, leaves);
    g_ptr_array_add(tables, value_table(leaves));
  }
  return tables;
}

static RunDiffField
compare_field(const PairDiff *p, const char *path, GPtrArray *ta,
              GPtrArray *tb, const RunDiffOptions *o, gboolean *used)
{
  guint na = ta->len, nb = tb->len;
  g_autofree double *va = g_new(double, na);
  g_autofree double *vb = g_new(double, nb);
  const SummaryField *sf = summary_schema_lookup(path);
  RunDiffField f = { .path = g_strdup(path), .a = NAN, .b = NAN,
                     .noise = NAN, .pct = NAN, .worse = NAN };
  f.direction = sf ? sf->direction : SUMMARY_NO_DIRECTION;
  f.unit = sf ? sf->unit : SUMMARY_UNIT_NUMBER;
  f.tolerance = tolerance_for(o, path, used);
  gboolean in_a = values_of(ta, path, va), in_b = values_of(tb, path, vb);
  if (!in_a || !in_b) {
    f.verdict = in_a ? RUNDIFF_ONLY_A : RUNDIFF_ONLY_B;
    return f;
  }
  f.a = mean(va, na);
  f.b = mean(vb, nb);
  f.delta = f.b - f.a;
  f.pct = f.a != 0 ? 100.0 * f.delta / fabs(f.a)
                   : (f.delta == 0 ? 0.0 : copysign(INFINITY, f.delta));
  if (!isnan(f.delta))
    f.noise = noise_band(va, na, vb, nb, p->paired);
  judge(&f);
  return f;
}

static PairDiff *
compare_pair(const RunVariant *a, const RunVariant *b,
             const RunDiffOptions *o, gboolean *used)
{
  PairDiff *p = g_new0(PairDiff, 1);
  p->a = a;
  p->b = b;
  p->paired = same_seeds(a, b);
  p->fields = g_array_new(FALSE, TRUE, sizeof(RunDiffField));
  g_array_set_clear_func(p->fields, field_clear);
  g_autoptr(GPtrArray) leaf_sets =
    g_ptr_array_new_with_free_func((GDestroyNotify) g_array_unref);
  g_autoptr(GPtrArray) ta = tables_of(a, leaf_sets);
  g_autoptr(GPtrArray) tb = tables_of(b, leaf_sets);
  g_autoptr(GPtrArray) order =
    field_order(leaf_sets, single_service(a) && single_service(b), o);
  for (guint i = 0; i < order->len; i++) {
    RunDiffField f = compare_field(p, order->pdata[i], ta, tb, o, used);
    g_array_append_val(p->fields, f);
  }
  return p;
}

static const RunVariant *
variant_named(const RunDiffSide *side, const char *name)
{
  for (guint i = 0; i < side->variants->len; i++)
    if (strcmp(((RunVariant *) side->variants->pdata[i])->name, name) == 0)
      return side->variants->pdata[i];
  return NULL;
}

/* Pairs variants by name, or the only variant of each side. */
static void
pair_variants(RunDiff *d, const RunDiffOptions *o, gboolean *used)
{
  const RunDiffSide *a = d->a, *b = d->b;
  if (a->variants->len == 1 && b->variants->len == 1) {
    g_ptr_array_add(d->pairs, compare_pair(a->variants->pdata[0],
                                           b->variants->pdata[0], o, used));
    return;
  }
  for (guint i = 0; i < a->variants->len; i++) {
    const RunVariant *va = a->variants->pdata[i];
    const RunVariant *vb = variant_named(b, va->name);
    if (vb)
      g_ptr_array_add(d->pairs, compare_pair(va, vb, o, used));
    else
      g_ptr_array_add(d->only_a, va->name);
  }
  for (guint i = 0; i < b->variants->len; i++) {
    const RunVariant *vb = b->variants->pdata[i];
    if (variant_named(a, vb->name) == NULL)
      g_ptr_array_add(d->only_b, vb->name);
  }
}

static char *
variant_names(const RunDiffSide *side)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < side->variants->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "",
                           ((RunVariant *) side->variants->pdata[i])->name);
  return g_string_free(s, FALSE);
}

/* Adds to @paths the per-service fields of the first summary of @v not
 * already in @seen. */
static void
add_service_paths(const RunVariant *v, GHashTable *seen, GPtrArray *paths)
{
  GArray *leaves =
    summary_schema_leaves(((RunSample *) v->samples->pdata[0])->summary);
  for (guint i = 0; i < leaves->len; i++) {
    char *path = g_array_index(leaves, SummaryLeaf, i).path;
    if (g_str_has_prefix(path, "services.") &&
        !g_hash_table_contains(seen, path)) {
      path = g_strdup(path);
      g_hash_table_add(seen, path);
      g_ptr_array_add(paths, path);
    }
  }
  g_array_unref(leaves);
}

/* The fields a --tolerance @pat may have meant: those compared in the
 * first pair, and when @pat names per-service fields, those of the
 * summaries too. Returns a new array of new strings. */
static GPtrArray *
candidate_paths(const RunDiff *d, const char *pat)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  const PairDiff *p = d->pairs->pdata[0];
  for (guint j = 0; j < p->fields->len; j++) {
    char *path = g_strdup(g_array_index(p->fields, RunDiffField, j).path);
    g_hash_table_add(seen, path);
    g_ptr_array_add(paths, path);
  }
  if (g_str_has_prefix(pat, "services.")) {
    add_service_paths(p->a, seen, paths);
    add_service_paths(p->b, seen, paths);
  }
  return paths;
}

/* A --tolerance that names no field is a typo: say so. */
static gboolean
check_tolerances_used(const RunDiff *d, const RunDiffOptions *o,
                      const gboolean *used, GError **error)
{
  for (guint i = 0; i < o->patterns->len; i++) {
    if (used[i])
      continue;
    const char *pat = o->patterns->pdata[i];
    g_autoptr(GPtrArray) paths = candidate_paths(d, pat);
    g_autofree char *near = summary_schema_suggest(pat, paths, 3);
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "--tolerance %s: no such field in the summaries%s%s%s", pat,
                near ? "; did you mean " : "", near ? near : "",
                near ? "?" : "");
    return FALSE;
  }
  return TRUE;
}

RunDiff *
rundiff_compare(const RunDiffSide *a, const RunDiffSide *b,
                const RunDiffOptions *o, GError **error)
{
  g_return_val_if_fail(a != NULL && b != NULL && o != NULL, NULL);
  const RunVariant *va = a->variants->pdata[0], *vb = b->variants->pdata[0];
  if (strcmp(va->scenario, vb->scenario) != 0) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s holds runs of scenario %s, %s of scenario %s: diff "
                "compares runs of one scenario", a->path, va->scenario,
                b->path, vb->scenario);
    return NULL;
  }
  g_autoptr(RunDiff) d = g_new0(RunDiff, 1);
  d->a = a;
  d->b = b;
  d->default_pct = o->default_pct;
  d->pairs = g_ptr_array_new_with_free_func((GDestroyNotify) pair_free);
  d->only_a = g_ptr_array_new();
  d->only_b = g_ptr_array_new();
  g_autofree gboolean *used = g_new0(gboolean, o->patterns->len + 1);
  pair_variants(d, o, used);
  if (d->pairs->len == 0) {
    g_autofree char *na = variant_names(a), *nb = variant_names(b);
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "%s and %s have no variant in common (%s; %s)", a->path,
                b->path, na, nb);
    return NULL;
  }
  if (!check_tolerances_used(d, o, used, error))
    return NULL;
  return g_steal_pointer(&d);
}

void
rundiff_free(RunDiff *d)
{
  if (d == NULL)
    return;
  if (d->pairs)
    g_ptr_array_unref(d->pairs);
  if (d->only_a)
    g_ptr_array_unref(d->only_a);
  if (d->only_b)
    g_ptr_array_unref(d->only_b);
  g_free(d);
}

static guint
count_verdicts(const RunDiff *d, gboolean changed_only)
{
  guint n = 0;
  for (guint i = 0; i < d->pairs->len; i++) {
    const PairDiff *p = d->pairs->pdata[i];
    for (guint j = 0; j < p->fields->len; j++) {
      RunDiffVerdict v = g_array_index(p->fields, RunDiffField, j).verdict;
      n += changed_only ? v != RUNDIFF_SAME : v == RUNDIFF_REGRESSION;
    }
  }
  return n;
}

guint
rundiff_n_regressions(const RunDiff *d)
{
  return count_verdicts(d, FALSE);
}

guint
rundiff_n_changed(const RunDiff *d)
{
  return count_verdicts(d, TRUE);
}

const RunDiffField *
rundiff_field(const RunDiff *d, const char *variant, const char *path)
{
  for (guint i = 0; i < d->pairs->len; i++) {
    const PairDiff *p = d->pairs->pdata[i];
    if (variant && strcmp(p->a->name, variant) != 0)
      continue;
    for (guint j = 0; j < p->fields->len; j++) {
      const RunDiffField *f = &g_array_index(p->fields, RunDiffField, j);
      if (strcmp(f->path, path) == 0)
        return f;
    }
    if (variant == NULL)
      return NULL;
  }
  return NULL;
}
