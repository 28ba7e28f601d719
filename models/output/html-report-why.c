/* The "why" of `ecsim report`: each period of a service that missed the
 * SLO or had errors, grouped into breaches, and the causes found in the
 * same time or just before it, ranked.
 *
 * A period misses the SLO when its percentile at or just below the SLO's
 * target (p99 for 99%, p90 for 95%, p99.9 for 99.9%) is over the
 * threshold: then fewer than the target's share of its requests were
 * within it. A period with errors counts too, over the error budget or
 * not (issue 19: "each period that missed the SLO or had errors").
 * Causes come in two tiers: what happened to the service (a deployment
 * replacing tasks, an instance or AZ lost, a Spot interruption, tasks
 * that could not be placed, a scale-out still pending, tasks failing
 * health checks, traffic 1.5 times or more what it was before the
 * breach) before what the requests met (the queue full, no healthy
 * target); within a tier, by the share of the breach they overlap.
 * scenarios/REFERENCE.md, "report.html", gives the rules to users. */
#include "models/output/html-report-private.h"

#include <math.h>
#include <string.h>

/* A cause's effect after its event, when nothing in the log ends it. */
#define EFFECT_S 600.0

typedef struct {
  const char *kind;   /* "deployment", "az", ... (static) */
  int tier;           /* 0: what happened to the service; 1: symptoms */
  double from, to;    /* when it acted, seconds */
  char *text;
  double score;       /* the share of a breach it covers (rank_causes) */
} Cause;

typedef struct {
  const cJSON *rows;
  int col[32];
} Table;

enum { T_TIME, T_SERVICE, T_P50, T_P90, T_P99, T_P999, T_COMPLETED,
       T_NO_TARGET, T_QUEUE_FULL, T_TIMEOUT, T_RESET, T_DESIRED, T_RUNNING,
       T_PENDING, T_RPS, T_N };

static const char *const series_cols[T_N] = {
  "time_s", "service", "p50_ms", "p90_ms", "p99_ms", "p999_ms", "completed",
  "err_no_target", "err_queue_full", "err_timeout", "err_reset", "desired",
  "running", "pending", "rps",
};

static void
cause_clear(gpointer p)
{
  g_free(((Cause *) p)->text);
}

static double
num(const cJSON *row, int col)
{
  const cJSON *n = col < 0 ? NULL : cJSON_GetArrayItem(row, col);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

static const char *
str(const cJSON *row, int col)
{
  const cJSON *s = col < 0 ? NULL : cJSON_GetArrayItem(row, col);
  return cJSON_IsString(s) ? s->valuestring : "";
}

static Table
series_table(const cJSON *v)
{
  Table t = { 0 };
  const cJSON *series = cJSON_GetObjectItemCaseSensitive(v, "series");
  t.rows = cJSON_GetObjectItemCaseSensitive(series, "rows");
  const cJSON *columns = cJSON_GetObjectItemCaseSensitive(series, "columns");
  for (int i = 0; i < T_N; i++) {
    t.col[i] = -1;
    int j = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, columns) {
      if (cJSON_IsString(c) && strcmp(c->valuestring, series_cols[i]) == 0)
        t.col[i] = j;
      j++;
    }
  }
  return t;
}

static double
summary_number(const cJSON *v, const char *a, const char *b)
{
  const cJSON *n = cJSON_GetObjectItemCaseSensitive(
    cJSON_GetObjectItemCaseSensitive(
      cJSON_GetObjectItemCaseSensitive(v, "summary"), a), b);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

/* The percentile column that decides a period against @target. */
static int
slo_column(double target)
{
  if (target >= 0.999)
    return T_P999;
  if (target >= 0.99)
    return T_P99;
  return target >= 0.9 ? T_P90 : T_P50;
}

static char *
clock_text(double t)
{
  long s = lround(t);
  long d = s / 86400;
  s %= 86400;
  return d > 0 ? g_strdup_printf("d%ld %02ld:%02ld", d, s / 3600,
                                 s / 60 % 60)
               : g_strdup_printf("%02ld:%02ld", s / 3600, s / 60 % 60);
}

static void
add_cause(GArray *causes, const char *kind, int tier, double from, double to,
          char *text)
{
  Cause c = { kind, tier, from, to, text, 0 };
  g_array_append_val(causes, c);
}

/* The end of what the event @start began: the time of the first later
 * event of @service (NULL: of the cluster) of one of @ends' kinds, or
 * @fallback. Walks the list from @start (cJSON arrays are linked lists:
 * indexing them would make this quadratic). */
static double
end_of(const cJSON *start, const char *service, const char *const *ends,
       double fallback)
{
  for (const cJSON *e = start->next; e != NULL; e = e->next) {
    const char *kind = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "kind"));
    const char *svc = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "service"));
    if (kind && g_strv_contains(ends, kind) && g_strcmp0(svc, service) == 0)
      return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(e, "time"));
  }
  return fallback;
}

/* Causes from the event log that concern @service (its own events, and
 * the cluster's: instances, AZs). */
static void
event_causes(const cJSON *v, const char *service, double end, GArray *out)
{
  static const char *const deploy_ends[] = { "deployment-completed",
                                             "deployment-failed", NULL };
  static const char *const az_ends[] = { "az-recovered", NULL };
  static const struct { const char *kind, *cause; } map[] = {
    { "deployment", "deployment" }, { "az-outage", "az" },
    { "instance-failed", "instance" }, { "spot-interruption", "spot" },
    { "unable-to-place", "unplaceable" }, { "target-unhealthy", "unhealthy" },
    { "container-unhealthy", "unhealthy" },
    { "task-out-of-memory", "unhealthy" },
  };
  const cJSON *events = cJSON_GetObjectItemCaseSensitive(v, "events");
  const cJSON *e;
  cJSON_ArrayForEach(e, events) {
    const char *kind = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "kind"));
    const char *svc = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "service"));
    const char *msg = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "message"));
    double t = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(e,
                                                                     "time"));
    if (kind == NULL || (svc != NULL && strcmp(svc, service) != 0))
      continue;
    for (gsize k = 0; k < G_N_ELEMENTS(map); k++) {
      if (strcmp(kind, map[k].kind) != 0)
        continue;
      double to = strcmp(kind, "deployment") == 0
                    ? end_of(e, svc, deploy_ends, end)
                  : strcmp(kind, "az-outage") == 0
                    ? end_of(e, NULL, az_ends, end)
                    : MIN(t + EFFECT_S, end);
      g_autofree char *at = clock_text(t);
      add_cause(out, map[k].cause, 0, t, MAX(to, t),
                g_strdup_printf("%s %s: %s", at, kind, msg ? msg : ""));
    }
  }
}

/* Runs of periods of @service where @test holds, as causes. */
typedef gboolean (*PeriodTest)(const Table *t, const cJSON *row,
                               double *figure);

static gboolean
queue_full(const Table *t, const cJSON *row, double *n)
{
  *n = num(row, t->col[T_QUEUE_FULL]);
  return *n > 0;
}

static gboolean
no_target(const Table *t, const cJSON *row, double *n)
{
  *n = num(row, t->col[T_NO_TARGET]);
  return *n > 0;
}

static gboolean
short_of_tasks(const Table *t, const cJSON *row, double *n)
{
  *n = num(row, t->col[T_DESIRED]) - num(row, t->col[T_RUNNING]);
  return *n > 0;
}

static char *
period_text(const char *kind, double from, double to, double most)
{
  g_autofree char *a = clock_text(from), *b = clock_text(to);
  if (strcmp(kind, "queue-full") == 0)
    return g_strdup_printf("%s-%s: the queue was full (up to %.0f requests "
                           "refused with 503 in a period)", a, b, most);
  if (strcmp(kind, "no-target") == 0)
    return g_strdup_printf("%s-%s: no healthy target (up to %.0f requests "
                           "refused with 503 in a period)", a, b, most);
  return g_strdup_printf("%s-%s: scale-out still pending (up to %.0f "
                         "tasks short of the desired count)", a, b, most);
}

/* A run of periods from @from to @to; a shortfall of tasks counts as a
 * scale-out only when the desired count had just gone up (else it is a
 * deployment's or a failure's, found from the event log). */
static void
emit_run(GArray *out, const char *kind, int tier, double from, double to,
         double most, gboolean rose)
{
  if (strcmp(kind, "scale-out") == 0 && !rose)
    return;
  add_cause(out, kind, tier, from, to, period_text(kind, from, to, most));
}

static void
period_causes(const Table *t, const char *service, double period,
              const char *kind, int tier, PeriodTest test, GArray *out)
{
  double from = NAN, to = NAN, most = 0, desired_before = NAN;
  gboolean rose = FALSE;
  const cJSON *row;
  cJSON_ArrayForEach(row, t->rows) {
    if (strcmp(str(row, t->col[T_SERVICE]), service) != 0)
      continue;
    double figure, end = num(row, t->col[T_TIME]);
    double desired = num(row, t->col[T_DESIRED]);
    gboolean on = test(t, row, &figure);
    if (on && isnan(from)) {
      from = end - period;
      rose = desired > desired_before;
    }
    if (on) {
      to = end;
      most = MAX(most, figure);
    } else if (!isnan(from)) {
      emit_run(out, kind, tier, from, to, most, rose);
      from = NAN;
      most = 0;
    }
    desired_before = desired;
  }
  if (!isnan(from))
    emit_run(out, kind, tier, from, to, most, rose);
}

/* A run of periods that missed, as it is gathered. */
typedef struct {
  double from, to;     /* seconds */
  int periods;
  double worst_ms;     /* the highest percentile over the threshold */
  double errors;       /* failed requests in it */
  double answered;     /* completed + failed requests in it */
} Breach;

/* Whether the period @row missed the SLO (@col over @threshold) or had
 * errors (over the error budget or not: each failed request is
 * someone's); adds it to @b when it did. */
static gboolean
period_missed(const Table *t, const cJSON *row, int col, double threshold,
              Breach *b)
{
  double errors = 0;
  for (int c = T_NO_TARGET; c <= T_RESET; c++) {
    double n = num(row, t->col[c]);
    errors += isnan(n) ? 0 : n;
  }
  double answered = num(row, t->col[T_COMPLETED]) + errors;
  double latency = num(row, t->col[col]);
  gboolean slow = !isnan(threshold) && latency > threshold;
  gboolean failing = errors > 0 && answered > 0;
  if (!slow && !failing)
    return FALSE;
  if (slow)
    b->worst_ms = isnan(b->worst_ms) ? latency : MAX(b->worst_ms, latency);
  b->errors += errors;
  b->answered += isnan(answered) ? 0 : answered;
  return TRUE;
}

/* What @b missed by: "p99 up to 5007 ms > 200 ms, 25 errors (0.9%, over
 * the 0.1% budget)". */
static char *
breach_text(const Breach *b, int col, double threshold, double budget)
{
  GString *what = g_string_new(NULL);
  if (!isnan(b->worst_ms))
    g_string_append_printf(what, "%s %s%.0f ms > %.0f ms",
                           col == T_P999 ? "p99.9" : col == T_P99 ? "p99"
                           : col == T_P90 ? "p90" : "p50",
                           b->periods > 1 ? "up to " : "", b->worst_ms,
                           threshold);
  if (b->errors > 0) {
    double rate = b->errors / MAX(b->answered, 1);
    g_string_append_printf(what, "%s%.0f error%s (%.3g%% of answers, %s "
                           "the %.3g%% budget)", what->len ? ", " : "",
                           b->errors, b->errors == 1 ? "" : "s", 100 * rate,
                           rate > budget ? "over" : "within", 100 * budget);
  }
  return g_string_free(what, FALSE);
}

/* Traffic in the breach [@from, @to] at SURGE times or more its mean
 * over the @lookback before it, as a cause covering those periods. */
#define SURGE 1.5

static void
surge_cause(const Table *t, const char *service, double from, double to,
            double lookback, double period, GArray *out)
{
  double before = 0, peak = 0, first = NAN, last = NAN;
  int n = 0;
  const cJSON *row;
  cJSON_ArrayForEach(row, t->rows) {
    double end = num(row, t->col[T_TIME]), rps = num(row, t->col[T_RPS]);
    if (strcmp(str(row, t->col[T_SERVICE]), service) != 0 || isnan(rps))
      continue;
    if (end <= from && end > from - lookback) {
      before += rps;
      n++;
    }
  }
  if (n == 0 || before <= 0)
    return;
  before /= n;
  cJSON_ArrayForEach(row, t->rows) {
    double end = num(row, t->col[T_TIME]), rps = num(row, t->col[T_RPS]);
    if (strcmp(str(row, t->col[T_SERVICE]), service) != 0 ||
        end <= from || end > to || !(rps >= SURGE * before))
      continue;
    first = isnan(first) ? end - period : first;
    last = end;
    peak = MAX(peak, rps);
  }
  if (isnan(first))
    return;
  g_autofree char *a = clock_text(first), *b = clock_text(last);
  add_cause(out, "traffic", 0, first, last,
            g_strdup_printf("%s-%s: traffic rose to %.0f requests/s, %.1fx "
                            "the %.0f before", a, b, peak, peak / before,
                            before));
}

/* Among causes that cover as much of a breach, the root first: an AZ
 * lost before the instances it took, those before the tasks then left
 * unplaced. */
static int
kind_rank(const char *kind)
{
  static const char *const order[] = {
    "az", "spot", "deployment", "traffic", "instance", "scale-out",
    "unplaceable", "unhealthy", "queue-full", "no-target", NULL
  };
  int i = 0;
  while (order[i] != NULL && strcmp(order[i], kind) != 0)
    i++;
  return i;
}

static gint
cause_cmp(gconstpointer a, gconstpointer b)
{
  const Cause *x = a, *y = b;
  if (x->tier != y->tier)
    return x->tier - y->tier;
  if (x->score != y->score)
    return x->score < y->score ? 1 : -1;
  if (kind_rank(x->kind) != kind_rank(y->kind))
    return kind_rank(x->kind) - kind_rank(y->kind);
  return x->from < y->from ? -1 : x->from > y->from;
}

/* The causes of the breach [@from, @to]: those acting in it or ending
 * less than @lookback before it, scored by the share of it they cover,
 * ranked. */
static cJSON *
rank_causes(const GArray *causes, double from, double to, double lookback)
{
  g_autoptr(GArray) chosen = g_array_new(FALSE, FALSE, sizeof(Cause));
  for (guint i = 0; i < causes->len; i++) {
    Cause c = g_array_index(causes, Cause, i);
    if (c.to < from - lookback || c.from > to)
      continue;
    double overlap = MIN(c.to, to) - MAX(c.from, from);
    c.score = MAX(overlap, 0) / MAX(to - from, 1e-9);
    g_array_append_val(chosen, c);
  }
  g_array_sort(chosen, cause_cmp);
  /* One line per kind: its best-placed event, and how many more. */
  cJSON *out = cJSON_CreateArray();
  for (guint i = 0; i < chosen->len; i++) {
    const Cause *c = &g_array_index(chosen, Cause, i);
    int more = 0;
    gboolean repeat = FALSE;
    for (guint j = 0; j < chosen->len; j++) {
      const char *k = g_array_index(chosen, Cause, j).kind;
      if (strcmp(k, c->kind) == 0 && j < i)
        repeat = TRUE;
      more += strcmp(k, c->kind) == 0 && j > i;
    }
    if (repeat)
      continue;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", c->kind);
    cJSON_AddNumberToObject(o, "at", c->from);
    cJSON_AddNumberToObject(o, "overlap", round(c->score * 1000) / 1000);
    cJSON_AddStringToObject(o, "text", c->text);
    cJSON_AddNumberToObject(o, "more", more);
    cJSON_AddItemToArray(out, o);
  }
  return out;
}

static cJSON *
breach_json(const char *service, double from, double to, int periods,
            const char *worst, cJSON *causes)
{
  cJSON *b = cJSON_CreateObject();
  cJSON_AddStringToObject(b, "service", service);
  cJSON_AddNumberToObject(b, "from", from);
  cJSON_AddNumberToObject(b, "to", to);
  cJSON_AddNumberToObject(b, "periods", periods);
  cJSON_AddStringToObject(b, "missed", worst);
  cJSON_AddItemToObject(b, "causes", causes);
  return b;
}

/* Appends the breach [@from, @to] of @service with its ranked causes:
 * @causes and a surge of traffic in it, if any. */
static void
add_breach(cJSON *out, const Table *t, const char *service, double from,
           double to, int periods, const char *worst, GArray *causes,
           double lookback, double period)
{
  guint n = causes->len;
  surge_cause(t, service, from, to, lookback, period, causes);
  cJSON *ranked = rank_causes(causes, from, to, lookback);
  if (causes->len > n)
    g_array_remove_range(causes, n, causes->len - n); /* this breach's */
  cJSON_AddItemToArray(out, breach_json(service, from, to, periods, worst,
                                        ranked));
}

/* The breaches of one service, appended to @out. */
static void
service_why(const cJSON *v, const Table *t, const char *service,
            cJSON *out)
{
  double period = summary_number(v, "scenario", "period_s");
  double end = summary_number(v, "scenario", "duration_s");
  double threshold = summary_number(v, "slo", "threshold_ms");
  double target = summary_number(v, "slo", "target");
  double budget = summary_number(v, "slo", "error_budget");
  if (!(period > 0))
    return;
  int col = slo_column(isnan(target) ? 0.99 : target);
  g_autoptr(GArray) causes = g_array_new(FALSE, FALSE, sizeof(Cause));
  g_array_set_clear_func(causes, cause_clear);
  event_causes(v, service, end, causes);
  period_causes(t, service, period, "scale-out", 0, short_of_tasks, causes);
  period_causes(t, service, period, "queue-full", 1, queue_full, causes);
  period_causes(t, service, period, "no-target", 1, no_target, causes);
  double lookback = MAX(2 * period, 300);
  budget = isnan(budget) ? 0.001 : budget;
  Breach b = { NAN, NAN, 0, NAN, 0, 0 };
  const cJSON *row;
  cJSON_ArrayForEach(row, t->rows) {
    if (strcmp(str(row, t->col[T_SERVICE]), service) != 0)
      continue;
    double time = num(row, t->col[T_TIME]);
    if (period_missed(t, row, col, threshold, &b)) {
      if (isnan(b.from))
        b.from = time - period;
      b.to = time;
      b.periods++;
    } else if (!isnan(b.from)) {
      g_autofree char *text = breach_text(&b, col, threshold, budget);
      add_breach(out, t, service, b.from, b.to, b.periods, text, causes,
                 lookback, period);
      b = (Breach) { NAN, NAN, 0, NAN, 0, 0 };
    }
  }
  if (!isnan(b.from)) {
    g_autofree char *text = breach_text(&b, col, threshold, budget);
    add_breach(out, t, service, b.from, b.to, b.periods, text, causes,
               lookback, period);
  }
}

/* The event kinds that are incidents whether or not a breach followed:
 * a deployment that failed, stalled or was rolled back, tasks that
 * failed their health checks, did not start or could not be placed. */
static const char *const incident_kinds[] = {
  "deployment-failed", "deployment-stalled", "rollback", "target-unhealthy",
  "unable-to-start", "unable-to-place", NULL,
};

/* The incident of @service and @kind already in @out, or NULL. */
static cJSON *
find_incident(cJSON *out, const char *service, const char *kind)
{
  cJSON *i;
  cJSON_ArrayForEach(i, out) {
    if (g_strcmp0(cJSON_GetStringValue(cJSON_GetObjectItem(i, "service")),
                  service) == 0 &&
        strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(i, "kind")),
               kind) == 0)
      return i;
  }
  return NULL;
}

/* Adds "incidents" to @v: one entry per service and incident kind, in
 * the order of their first event, {"service" (absent for the cluster's),
 * "kind", "at" (the first), "count", "text" (the first's clock and
 * message)}. A run can keep its SLO through them (a bad deployment
 * rolled back while the old tasks serve); the page lists them so that
 * its "why" is not silent about them. */
static void
add_incidents(cJSON *v)
{
  cJSON *out = cJSON_AddArrayToObject(v, "incidents");
  const cJSON *e;
  cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(v, "events")) {
    const char *kind = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "kind"));
    if (kind == NULL || !g_strv_contains(incident_kinds, kind))
      continue;
    const char *svc = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "service"));
    cJSON *seen = find_incident(out, svc, kind);
    if (seen != NULL) {
      cJSON *count = cJSON_GetObjectItem(seen, "count");
      cJSON_SetNumberValue(count, count->valuedouble + 1);
      continue;
    }
    const char *msg = cJSON_GetStringValue(
      cJSON_GetObjectItemCaseSensitive(e, "message"));
    double t = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(e,
                                                                     "time"));
    g_autofree char *at = clock_text(t);
    g_autofree char *text = g_strdup_printf("%s %s: %s", at, kind,
                                            msg ? msg : "");
    cJSON *i = cJSON_CreateObject();
    if (svc != NULL)
      cJSON_AddStringToObject(i, "service", svc);
    cJSON_AddStringToObject(i, "kind", kind);
    cJSON_AddNumberToObject(i, "at", t);
    cJSON_AddNumberToObject(i, "count", 1);
    cJSON_AddStringToObject(i, "text", text);
    cJSON_AddItemToArray(out, i);
  }
}

void
html_report_why(cJSON *v)
{
  g_return_if_fail(v != NULL);
  add_incidents(v);
  Table t = series_table(v);
  cJSON *why = cJSON_AddArrayToObject(v, "why");
  if (t.col[T_SERVICE] < 0 || t.col[T_TIME] < 0)
    return;
  g_autoptr(GPtrArray) services = g_ptr_array_new();
  const cJSON *row;
  cJSON_ArrayForEach(row, t.rows) {
    const char *s = str(row, t.col[T_SERVICE]);
    gboolean seen = FALSE;
    for (guint i = 0; i < services->len && !seen; i++)
      seen = strcmp(services->pdata[i], s) == 0;
    if (!seen && strstr(s, "->") == NULL) /* an edge's row: no SLO */
      g_ptr_array_add(services, (gpointer) s);
  }
  for (guint i = 0; i < services->len; i++)
    service_why(v, &t, services->pdata[i], why);
}
