/* Task timelines for plots/timeline.gp, from tasks.csv and instances.csv.
 *
 * Each task becomes up to three bars (starting, running, stopping) on a
 * row, and a marker where it stopped, with its reason. Up to
 * PLOT_TIMELINE_MAX_TASK_ROWS tasks get a row each, grouped by service and
 * ordered by start, so a rolling deployment reads as a staircase. More are
 * packed into lanes (a task takes the first lane free when it starts)
 * grouped by container instance, or by service and AZ on Fargate, ordered
 * by AZ, so that an AZ's outage shows as one block. */
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/experiments/plot-private.h"
#include "models/experiments/plot.h"
#include "models/core/task.h"

/* Per-row labels on the y axis up to this many rows; group labels above. */
#define ROW_LABELS_MAX 40
/* Starting and stopping last seconds in a run of hours: they are drawn at
 * least this share of the run wide so they can be seen. */
#define MIN_PHASE_SHARE 0.002

enum { PH_STARTING, PH_RUNNING, PH_STOPPING, PH_RUNNING_SPOT };

static const char *const task_columns[] = {
  "task_id", "service", "task_definition", "launch_type", "spot", "az",
  "instance",
  "provisioning_s",
  "pending_s", "activating_s", "running_s", "deactivating_s", "stopping_s",
  "deprovisioning_s", "stopped_s", "stop_reason", NULL,
};
enum {
  TC_ID, TC_SERVICE, TC_TASKDEF, TC_LAUNCH, TC_SPOT, TC_AZ, TC_INSTANCE, TC_STATES,
  TC_RUNNING = TC_STATES + 3, TC_DEACTIVATING, TC_STOPPED = TC_STATES + 7,
  TC_REASON, TC_N,
};

typedef struct {
  const char *id, *service, *taskdef, *az, *instance, *reason; /* lent */
  gboolean fargate, spot;
  double start, running, stopping, end; /* seconds; NAN when never */
  gboolean stopped;
  guint order;                          /* row in tasks.csv */
  int row;
} TlTask;

typedef struct {
  char *key;
  char *label;
  const char *az;
  gboolean instance;          /* an EC2 instance's group */
  double launched, terminated; /* the instance's life, when known */
  int first_task;             /* csv order of its first task */
  GPtrArray *tasks;           /* TlTask, lent */
  int lo, hi;                 /* its rows */
} TlGroup;

static void
tl_group_free(TlGroup *g)
{
  g_free(g->key);
  g_free(g->label);
  g_ptr_array_unref(g->tasks);
  g_free(g);
}

/* The first time of @cells[@from..@to] that is set, or NAN. */
static double
first_time(char **cells, const int *col, int from, int to)
{
  for (int k = from; k <= to; k++) {
    double v = plot_csv_number(cells[col[k]]);
    if (!isnan(v))
      return v;
  }
  return NAN;
}

static void
task_from_row(TlTask *t, char **cells, const int *col, double horizon)
{
  t->id = cells[col[TC_ID]];
  t->service = cells[col[TC_SERVICE]];
  t->taskdef = cells[col[TC_TASKDEF]];
  t->az = cells[col[TC_AZ]];
  t->instance = cells[col[TC_INSTANCE]];
  t->reason = cells[col[TC_REASON]];
  t->fargate = strcmp(cells[col[TC_LAUNCH]], "EC2") != 0;
  t->spot = strcmp(cells[col[TC_SPOT]], "true") == 0;
  t->running = plot_csv_number(cells[col[TC_RUNNING]]);
  double stopped = plot_csv_number(cells[col[TC_STOPPED]]);
  t->stopped = !isnan(stopped);
  t->end = t->stopped ? stopped : horizon;
  t->stopping = first_time(cells, col, TC_DEACTIVATING, TC_STOPPED);
  t->start = first_time(cells, col, TC_STATES, TC_STOPPED);
  if (isnan(t->start))
    t->start = t->end;
}

static GArray *
read_tasks(const PlotRun *run, PlotCsv **csv_out, GError **error)
{
  g_autofree char *path = g_build_filename(run->dir, "tasks.csv", NULL);
  g_autoptr(PlotCsv) csv = plot_csv_load(path, error);
  int col[TC_N];
  if (csv == NULL || !plot_csv_columns(csv, task_columns, "ecsim run", col, error))
    return NULL;
  GArray *tasks = g_array_sized_new(FALSE, TRUE, sizeof(TlTask),
                                    csv->rows->len);
  for (guint i = 0; i < csv->rows->len; i++) {
    TlTask t = { .order = i };
    task_from_row(&t, csv->rows->pdata[i], col, run->duration_s);
    g_array_append_val(tasks, t);
  }
  *csv_out = g_steal_pointer(&csv);
  return tasks;
}

static int
service_index(const PlotRun *run, const char *name)
{
  for (int i = 0; run->services[i] != NULL; i++)
    if (strcmp(run->services[i], name) == 0)
      return i;
  return g_strv_length(run->services);
}

static int
by_service_then_start(gconstpointer pa, gconstpointer pb, gpointer run)
{
  const TlTask *a = *(TlTask *const *) pa, *b = *(TlTask *const *) pb;
  int sa = service_index(run, a->service);
  int sb = service_index(run, b->service);
  if (sa != sb)
    return sa < sb ? -1 : 1;
  if (a->start != b->start)
    return a->start < b->start ? -1 : 1;
  return a->order < b->order ? -1 : a->order > b->order;
}

static int
by_group_order(gconstpointer pa, gconstpointer pb)
{
  const TlGroup *a = *(TlGroup *const *) pa, *b = *(TlGroup *const *) pb;
  int c = strcmp(a->az, b->az);
  if (c != 0)
    return c;
  if (a->instance != b->instance)
    return a->instance ? -1 : 1;
  return a->first_task - b->first_task;
}

static TlGroup *
group_new(const char *key, char *label, const TlTask *t)
{
  TlGroup *g = g_new0(TlGroup, 1);
  g->key = g_strdup(key);
  g->label = label;
  g->az = t->az;
  g->first_task = (int) t->order;
  g->launched = g->terminated = NAN;
  g->tasks = g_ptr_array_new();
  return g;
}

/* @tasks (lent) by service, then start time. */
static GPtrArray *
tasks_in_order(const PlotRun *run, GArray *tasks)
{
  GPtrArray *order = g_ptr_array_sized_new(tasks->len);
  for (guint i = 0; i < tasks->len; i++)
    g_ptr_array_add(order, &g_array_index(tasks, TlTask, i));
  g_ptr_array_sort_with_data(order, by_service_then_start, (gpointer) run);
  return order;
}

/* One group per service, tasks in order of start: a row each. */
static GPtrArray *
groups_by_task(const PlotRun *run, GArray *tasks)
{
  g_autoptr(GPtrArray) order = tasks_in_order(run, tasks);
  GPtrArray *groups =
    g_ptr_array_new_with_free_func((GDestroyNotify) tl_group_free);
  TlGroup *g = NULL;
  for (guint i = 0; i < order->len; i++) {
    TlTask *t = order->pdata[i];
    if (g == NULL || strcmp(g->key, t->service) != 0) {
      g = group_new(t->service, g_strdup(t->service), t);
      g->lo = (int) i;
      g_ptr_array_add(groups, g);
    }
    t->row = (int) i;
    g->hi = (int) i;
    g_ptr_array_add(g->tasks, t);
  }
  return groups;
}

/* Reads instances.csv for the lives of the instance groups. */
static gboolean
add_instance_lives(const PlotRun *run, GHashTable *groups, GError **error)
{
  static const char *const names[] = { "instance_id", "launched_s",
                                       "terminated_s", NULL };
  g_autofree char *path = g_build_filename(run->dir, "instances.csv", NULL);
  g_autoptr(PlotCsv) csv = plot_csv_load(path, error);
  int col[3];
  if (csv == NULL || !plot_csv_columns(csv, names, "ecsim run", col, error))
    return FALSE;
  for (guint i = 0; i < csv->rows->len; i++) {
    char **cells = csv->rows->pdata[i];
    TlGroup *g = g_hash_table_lookup(groups, cells[col[0]]);
    if (g == NULL)
      continue;
    g->launched = plot_csv_number(cells[col[1]]);
    g->terminated = plot_csv_number(cells[col[2]]);
  }
  return TRUE;
}

static char *
group_label(const PlotRun *run, const TlTask *t)
{
  const char *az = *t->az ? t->az : "no AZ";
  if (t->fargate || *t->instance == '\0') {
    const char *where = !t->fargate ? "no instance"
                        : t->spot   ? "Fargate Spot"
                                    : "Fargate";
    return run->services[1] != NULL
             ? g_strdup_printf("%s · %s · %s", az, where, t->service)
             : g_strdup_printf("%s · %s", az, where);
  }
  return g_strdup_printf("%s · %s", az, t->instance);
}

/* Gives each of @g's tasks (sorted by start) the first lane free. */
static void
pack_lanes(TlGroup *g, int first_row)
{
  g_autoptr(GArray) lane_end = g_array_new(FALSE, FALSE, sizeof(double));
  for (guint i = 0; i < g->tasks->len; i++) {
    TlTask *t = g->tasks->pdata[i];
    guint lane = 0;
    while (lane < lane_end->len &&
           g_array_index(lane_end, double, lane) > t->start)
      lane++;
    if (lane == lane_end->len)
      g_array_append_val(lane_end, t->end);
    g_array_index(lane_end, double, lane) = t->end;
    t->row = first_row + (int) lane;
  }
  g->lo = first_row;
  g->hi = first_row + (int) lane_end->len - 1;
}

static GPtrArray *
groups_by_instance(const PlotRun *run, GArray *tasks, GError **error)
{
  g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
  GPtrArray *groups =
    g_ptr_array_new_with_free_func((GDestroyNotify) tl_group_free);
  g_autoptr(GPtrArray) order = tasks_in_order(run, tasks);
  for (guint i = 0; i < order->len; i++) {
    TlTask *t = order->pdata[i];
    gboolean on_instance = !t->fargate && *t->instance != '\0';
    g_autofree char *key = on_instance ? g_strdup(t->instance)
                                       : g_strdup_printf("%s|%s|%d|%d",
                                                         t->service, t->az,
                                                         t->fargate, t->spot);
    TlGroup *g = g_hash_table_lookup(index, key);
    if (g == NULL) {
      g = group_new(key, group_label(run, t), t);
      g->instance = on_instance;
      g_hash_table_insert(index, g->key, g);
      g_ptr_array_add(groups, g);
    }
    g->first_task = MIN(g->first_task, (int) t->order);
    g_ptr_array_add(g->tasks, t);
  }
  if (!add_instance_lives(run, index, error)) {
    g_ptr_array_unref(groups);
    return NULL;
  }
  g_ptr_array_sort(groups, by_group_order);
  int row = 0;
  for (guint i = 0; i < groups->len; i++) {
    pack_lanes(groups->pdata[i], row);
    row = ((TlGroup *) groups->pdata[i])->hi + 1;
  }
  return groups;
}

/* Appends a bar of @phase from @x0 to @x1, at least @minw wide within
 * [0, @horizon]. */
static void
append_bar(GString *out, int row, double x0, double x1, int phase,
           double minw, double horizon)
{
  if (isnan(x0) || isnan(x1) || x1 < x0)
    return;
  if ((phase == PH_STARTING || phase == PH_STOPPING) && x1 - x0 < minw) {
    x1 = MIN(x0 + minw, horizon);
    x0 = MAX(0.0, MIN(x0, x1 - minw));
  }
  g_string_append_printf(out, "%d", row);
  plot_append_number(out, x0);
  plot_append_number(out, x1);
  g_string_append_printf(out, " %d\n", phase);
}

/* Bars: running ones first, so that short phases are drawn over them. */
static void
append_bars(GString *out, GArray *tasks, double horizon)
{
  double minw = horizon * MIN_PHASE_SHARE;
  g_string_append(out, "# bars: row start_s end_s phase (0 starting, "
                       "1 running, 2 stopping, 3 running on Spot)\n");
  for (int pass = 0; pass < 2; pass++) {
    for (guint i = 0; i < tasks->len; i++) {
      const TlTask *t = &g_array_index(tasks, TlTask, i);
      double stop = isnan(t->stopping) ? t->end : t->stopping;
      if (pass == 0) {
        append_bar(out, t->row, t->running, stop,
                   t->spot ? PH_RUNNING_SPOT : PH_RUNNING, minw, horizon);
        continue;
      }
      double started = isnan(t->running) ? stop : t->running;
      if (started > t->start)
        append_bar(out, t->row, t->start, started, PH_STARTING, minw,
                   horizon);
      if (!isnan(t->stopping))
        append_bar(out, t->row, t->stopping, t->end, PH_STOPPING, minw,
                   horizon);
    }
  }
  /* Never empty: the script always plots every block. */
  g_string_append(out, "NaN NaN NaN NaN\n\n\n");
}

static void
append_stops(GString *out, GArray *tasks)
{
  g_string_append(out, "# stops: row stopped_s reason\n");
  for (guint i = 0; i < tasks->len; i++) {
    const TlTask *t = &g_array_index(tasks, TlTask, i);
    if (!t->stopped)
      continue;
    g_string_append_printf(out, "%d", t->row);
    plot_append_number(out, t->end);
    g_string_append_c(out, ' ');
    plot_append_quoted(out, *t->reason ? t->reason : "unknown");
    g_string_append_c(out, '\n');
  }
  g_string_append(out, "NaN NaN \"none\"\n\n\n");
}

/* Bands shade every other group; lives are instances' launch to end. */
static int
append_groups(GString *out, GPtrArray *groups, double horizon)
{
  int lives = 0;
  g_string_append(out, "# bands: first_row last_row shaded\n");
  for (guint i = 0; i < groups->len; i++) {
    const TlGroup *g = groups->pdata[i];
    g_string_append_printf(out, "%d %d %d\n", g->lo, g->hi, (int) (i % 2));
  }
  g_string_append(out, "NaN NaN 0\n\n\n# lives: first_row last_row "
                       "launched_s ended_s\n");
  for (guint i = 0; i < groups->len; i++) {
    const TlGroup *g = groups->pdata[i];
    if (!g->instance || isnan(g->launched))
      continue;
    g_string_append_printf(out, "%d %d", g->lo, g->hi);
    plot_append_number(out, g->launched);
    plot_append_number(out, isnan(g->terminated) ? horizon : g->terminated);
    g_string_append_c(out, '\n');
    lives++;
  }
  g_string_append(out, "NaN NaN NaN NaN\n\n\n");
  return lives;
}

/* @s cut to @max bytes (ECS names are ASCII), the last one an ellipsis:
 * a row label must not squeeze the bars. Returns a new string. */
static char *
shortened(const char *s, gsize max)
{
  if (strlen(s) <= max)
    return g_strdup(s);
  return g_strdup_printf("%.*s…", (int) max - 1, s);
}

/* Y-axis labels: each task's when there are few rows, else each group's
 * at its middle. */
static void
append_labels(GString *out, const PlotRun *run, GPtrArray *groups,
              GArray *tasks, gboolean per_row)
{
  g_string_append(out, "# labels: row text\n");
  for (guint i = 0; per_row && i < tasks->len; i++) {
    const TlTask *t = &g_array_index(tasks, TlTask, i);
    gboolean several = run->services[1] != NULL;
    g_autofree char *service = shortened(t->service, 16);
    g_autofree char *taskdef = shortened(t->taskdef, 20);
    g_autofree char *text = g_strdup_printf(
      "%s%s%.8s %s %s%s%.10s%s", several ? service : "", several ? " " : "",
      t->id, taskdef, t->az, *t->instance ? " " : "", t->instance,
      t->spot ? " spot" : "");
    g_string_append_printf(out, "%d ", t->row);
    plot_append_quoted(out, text);
    g_string_append_c(out, '\n');
  }
  for (guint i = 0; !per_row && i < groups->len; i++) {
    const TlGroup *g = groups->pdata[i];
    g_string_append_printf(out, "%.1f ", (g->lo + g->hi) / 2.0);
    plot_append_quoted(out, g->label);
    g_string_append_c(out, '\n');
  }
}

/* The reasons that occur: the known ones in their order, then others. */
static char *
reasons_of(GArray *tasks)
{
  g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);
  for (guint i = 0; i < tasks->len; i++) {
    const TlTask *t = &g_array_index(tasks, TlTask, i);
    if (t->stopped)
      g_hash_table_add(seen, (gpointer) (*t->reason ? t->reason
                                                    : "unknown"));
  }
  g_autoptr(GString) out = g_string_new("");
  for (int k = STOP_NONE + 1; k < STOP_N_REASONS; k++) {
    const char *name = task_stop_reason_name(k);
    if (g_hash_table_remove(seen, name))
      g_string_append_printf(out, "%s%s", out->len ? " " : "", name);
  }
  g_autoptr(GList) rest = g_list_sort(g_hash_table_get_keys(seen),
                                      (GCompareFunc) strcmp);
  for (GList *l = rest; l != NULL; l = l->next)
    g_string_append_printf(out, "%s%s", out->len ? " " : "", (char *) l->data);
  return g_string_free(g_steal_pointer(&out), FALSE);
}

gboolean
plot_write_timeline(const PlotRun *run, const char *path,
                    PlotTimeline *info, GError **error)
{
  g_return_val_if_fail(run != NULL && path != NULL && info != NULL, FALSE);
  memset(info, 0, sizeof *info);
  g_autoptr(PlotCsv) csv = NULL;
  g_autoptr(GArray) tasks = read_tasks(run, &csv, error);
  if (tasks == NULL)
    return FALSE;
  info->n_tasks = (int) tasks->len;
  info->by_instance = tasks->len > PLOT_TIMELINE_MAX_TASK_ROWS;
  g_autoptr(GPtrArray) groups = info->by_instance
                                  ? groups_by_instance(run, tasks, error)
                                  : groups_by_task(run, tasks);
  if (groups == NULL)
    return FALSE;
  for (guint i = 0; i < groups->len; i++)
    info->n_rows = MAX(info->n_rows, ((TlGroup *) groups->pdata[i])->hi + 1);
  g_autoptr(GString) out = g_string_new(
    "# ecsim plot: task timeline, from tasks.csv and instances.csv\n");
  append_bars(out, tasks, run->duration_s);
  append_stops(out, tasks);
  info->n_lives = append_groups(out, groups, run->duration_s);
  append_labels(out, run, groups, tasks,
                !info->by_instance && info->n_rows <= ROW_LABELS_MAX);
  info->reasons = reasons_of(tasks);
  for (guint i = 0; i < tasks->len; i++)
    info->n_spot += g_array_index(tasks, TlTask, i).spot;
  return g_file_set_contents(path, out->str, (gssize) out->len, error);
}

void
plot_timeline_clear(PlotTimeline *info)
{
  if (info != NULL)
    g_clear_pointer(&info->reasons, g_free);
}
