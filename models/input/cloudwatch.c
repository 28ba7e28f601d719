/* CloudWatch metric data as the AWS CLI prints it (see cloudwatch.h). */
#include "models/input/cloudwatch.h"

#include <math.h>
#include <string.h>

#include "models/input/civil-time.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"

/* get-metric-statistics' statistics, in the order its series are made. */
static const char *const statistics[] = { "Sum", "Average", "Minimum",
                                          "Maximum", "SampleCount", NULL };

typedef struct {
  gint64 time;
  double value;
  int index; /* position in the file, for messages */
} Point;

static void
series_free(gpointer p)
{
  CwSeries *s = p;
  g_free(s->id);
  g_free(s->label);
  g_free(s->statistic);
  g_free(s->times);
  g_free(s->values);
  g_free(s);
}

void
cloudwatch_free(CwData *data)
{
  if (data == NULL)
    return;
  g_ptr_array_unref(data->series);
  g_free(data->file);
  g_free(data);
}

gboolean
cloudwatch_detect(const cJSON *root)
{
  return cJSON_IsObject(root) &&
         (cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root,
                                                         "MetricDataResults"))
          || cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root,
                                                            "Datapoints")));
}

gboolean
cloudwatch_parse_time(const char *text, gint64 *us)
{
  CivilTime t;
  const char *p = text;
  if (!civil_time_parse_iso(&p, &t) || *p != '\0' || !t.zoned)
    return FALSE;
  *us = t.utc;
  return TRUE;
}

char *
cloudwatch_format_time(gint64 us)
{
  return civil_time_format(us, us % G_USEC_PER_SEC ? 3 : 0, "Z");
}

static gboolean
read_time(const JNode *n, gint64 *us, GError **error)
{
  const char *text;
  if (!jn_value_string(n, &text, error))
    return FALSE;
  if (!cloudwatch_parse_time(text, us))
    return jn_error(n, error, "expected an ISO 8601 time with a zone, "
                    "such as \"2024-09-15T04:33:00+00:00\", got \"%s\"",
                    text), FALSE;
  return TRUE;
}

static gboolean
read_value(const JNode *n, double *v, GError **error)
{
  if (!cJSON_IsNumber(n->json) || !isfinite(n->json->valuedouble))
    return jn_error(n, error, "must be a finite number"), FALSE;
  *v = n->json->valuedouble;
  return TRUE;
}

static int
compare_points(gconstpointer a, gconstpointer b)
{
  const Point *x = a, *y = b;
  return (x->time > y->time) - (x->time < y->time);
}

/* Sorts @points (taken) into @s's arrays; the same time twice is an
 * error naming the second one (@items is the array they came from). */
static gboolean
finish_series(CwSeries *s, GArray *points, const JNode *items,
              GError **error)
{
  g_array_sort(points, compare_points);
  s->n = points->len;
  s->times = g_new(gint64, MAX(s->n, 1));
  s->values = g_new(double, MAX(s->n, 1));
  for (guint i = 0; i < s->n; i++) {
    const Point *p = &g_array_index(points, Point, i);
    if (i > 0 && p->time == s->times[i - 1]) {
      JNode where;
      jn_index(items, p->index, &where);
      g_autofree char *t = cloudwatch_format_time(p->time);
      g_array_unref(points);
      return jn_error(&where, error, "the time %s appears twice in the "
                      "series", t), FALSE;
    }
    s->times[i] = p->time;
    s->values[i] = p->value;
    if (i > 0 && (s->period_us == 0 ||
                  s->times[i] - s->times[i - 1] < s->period_us))
      s->period_us = s->times[i] - s->times[i - 1];
  }
  g_array_unref(points);
  return TRUE;
}

static gboolean
parse_result(const JNode *r, CwData *data, GError **error)
{
  static const char *const keys[] = { "Id", "Label", "Timestamps", "Values",
                                      "StatusCode", "Messages", NULL };
  static const char *const required[] = { "Timestamps", "Values", NULL };
  JNode stamps, values, part;
  const char *id = NULL, *label = "", *status = "Complete";
  if (!jn_check_object(r, keys, required, error) ||
      !jn_string(r, "Id", &id, error) || !jn_string(r, "Label", &label, error)
      || !jn_string(r, "StatusCode", &status, error))
    return FALSE;
  if (strcmp(status, "Complete") != 0) {
    jn_member(r, "StatusCode", &part);
    return jn_error(&part, error, "the series is not complete (\"%s\"): "
                    "CloudWatch returned part of it; fetch it again (the "
                    "CLI follows NextToken itself unless given "
                    "--no-paginate)", status), FALSE;
  }
  jn_member(r, "Timestamps", &stamps);
  jn_member(r, "Values", &values);
  if (!jn_check_array(&stamps, 0, G_MAXINT, error) ||
      !jn_check_array(&values, 0, G_MAXINT, error))
    return FALSE;
  if (jn_length(&stamps) != jn_length(&values))
    return jn_error(&values, error, "has %d values but Timestamps has %d",
                    jn_length(&values), jn_length(&stamps)), FALSE;
  GArray *points = g_array_new(FALSE, FALSE, sizeof(Point));
  for (int i = 0; i < jn_length(&stamps); i++) {
    JNode t, v;
    Point p = { .index = i };
    jn_index(&stamps, i, &t);
    jn_index(&values, i, &v);
    if (!read_time(&t, &p.time, error) || !read_value(&v, &p.value, error))
      return g_array_unref(points), FALSE;
    g_array_append_val(points, p);
  }
  CwSeries *s = g_new0(CwSeries, 1);
  s->id = g_strdup(id);
  s->label = g_strdup(label);
  g_ptr_array_add(data->series, s);
  return finish_series(s, points, &stamps, error);
}

/* One series per statistic the datapoints of get-metric-statistics hold:
 * the five plain ones in a fixed order, then the ExtendedStatistics keys
 * in the order the first datapoint lists them. */
static GPtrArray *
statistics_present(const JNode *points)
{
  GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
  for (int k = 0; statistics[k]; k++)
    for (int i = 0; i < jn_length(points); i++) {
      JNode p, v;
      jn_index(points, i, &p);
      if (jn_member(&p, statistics[k], &v)) {
        g_ptr_array_add(names, g_strdup(statistics[k]));
        break;
      }
    }
  for (int i = 0; i < jn_length(points); i++) {
    JNode p, ext;
    jn_index(points, i, &p);
    if (!jn_member(&p, "ExtendedStatistics", &ext) ||
        !cJSON_IsObject(ext.json))
      continue;
    for (const cJSON *m = ext.json->child; m; m = m->next) {
      g_autofree char *name = g_strdup_printf("ExtendedStatistics/%s",
                                              m->string);
      gboolean seen = FALSE;
      for (guint j = 0; j < names->len; j++)
        seen |= strcmp(names->pdata[j], name) == 0;
      if (!seen)
        g_ptr_array_add(names, g_steal_pointer(&name));
    }
  }
  return names;
}

static gboolean
parse_statistics(const JNode *root, CwData *data, GError **error)
{
  static const char *const keys[] = { "Label", "Datapoints", NULL };
  static const char *const point_keys[] = {
    "Timestamp", "SampleCount", "Average", "Sum", "Minimum", "Maximum",
    "Unit", "ExtendedStatistics", NULL
  };
  JNode points;
  const char *label = "";
  if (!jn_check_object(root, keys, (const char *const[]){ "Datapoints",
                                                          NULL }, error) ||
      !jn_string(root, "Label", &label, error))
    return FALSE;
  jn_member(root, "Datapoints", &points);
  for (int i = 0; i < jn_length(&points); i++) {
    JNode p;
    jn_index(&points, i, &p);
    if (!jn_check_object(&p, point_keys, (const char *const[]){ "Timestamp",
                                                                NULL }, error))
      return FALSE;
  }
  g_autoptr(GPtrArray) stats = statistics_present(&points);
  for (guint k = 0; k < stats->len; k++) {
    const char *stat = stats->pdata[k];
    GArray *pts = g_array_new(FALSE, FALSE, sizeof(Point));
    for (int i = 0; i < jn_length(&points); i++) {
      JNode p, t, v;
      Point pt = { .index = i };
      jn_index(&points, i, &p);
      jn_member(&p, "Timestamp", &t);
      gboolean present = g_str_has_prefix(stat, "ExtendedStatistics/")
        ? jn_member(&p, "ExtendedStatistics", &v) &&
          jn_member(&v, stat + strlen("ExtendedStatistics/"), &v)
        : jn_member(&p, stat, &v);
      if (!present)
        continue;
      if (!read_time(&t, &pt.time, error) ||
          !read_value(&v, &pt.value, error))
        return g_array_unref(pts), FALSE;
      g_array_append_val(pts, pt);
    }
    CwSeries *s = g_new0(CwSeries, 1);
    s->label = g_strdup(label);
    s->statistic = g_strdup(g_str_has_prefix(stat, "ExtendedStatistics/")
                              ? stat + strlen("ExtendedStatistics/") : stat);
    g_ptr_array_add(data->series, s);
    if (!finish_series(s, pts, &points, error))
      return FALSE;
  }
  return TRUE;
}

CwData *
cloudwatch_parse(const JNode *root, GError **error)
{
  g_autoptr(CwData) data = g_new0(CwData, 1);
  data->file = g_strdup(root->file);
  data->series = g_ptr_array_new_with_free_func(series_free);
  JNode results;
  if (!cJSON_IsObject(root->json) || !cloudwatch_detect(root->json))
    return jn_error(root, error, "not CloudWatch metric data: expected the "
                    "output of aws cloudwatch get-metric-data "
                    "(\"MetricDataResults\") or get-metric-statistics "
                    "(\"Datapoints\")"), NULL;
  if (!jn_check_finite(root, error))
    return NULL;
  if (jn_member(root, "MetricDataResults", &results)) {
    static const char *const keys[] = { "MetricDataResults", "Messages",
                                        "NextToken", NULL };
    if (!jn_check_object(root, keys, NULL, error))
      return NULL;
    for (int i = 0; i < jn_length(&results); i++) {
      JNode r;
      jn_index(&results, i, &r);
      if (!parse_result(&r, data, error))
        return NULL;
    }
  } else if (!parse_statistics(root, data, error)) {
    return NULL;
  }
  if (data->series->len == 0)
    return jn_error(root, error, "holds no series"), NULL;
  return g_steal_pointer(&data);
}

CwData *
cloudwatch_load(const char *path, GError **error)
{
  g_autoptr(cJSON) root = json_load_file(path, error);
  if (root == NULL)
    return NULL;
  g_autofree char *dir = g_path_get_dirname(path);
  g_autoptr(JDoc) doc = jdoc_new(input_display_name(path), dir);
  JNode n;
  jn_root(&n, doc, root);
  return cloudwatch_parse(&n, error);
}

const char *
cloudwatch_series_name(const CwSeries *s)
{
  return s->id ? s->id : s->label;
}

/* "Label/Statistic" of a get-metric-statistics series; newly allocated. */
static char *
label_statistic(const CwSeries *s)
{
  return g_strdup_printf("%s/%s", s->label, s->statistic);
}

static char *
series_names(const CwData *data)
{
  GString *names = g_string_new(NULL);
  for (guint i = 0; i < data->series->len; i++) {
    const CwSeries *s = data->series->pdata[i];
    g_autofree char *name = s->statistic
      ? label_statistic(s)
      : g_strdup_printf("%s (Label \"%s\")", s->id ? s->id : "?", s->label);
    g_string_append_printf(names, "%s%s", i ? ", " : "", name);
  }
  return g_string_free(names, FALSE);
}

static gboolean
matches(const CwSeries *s, const char *name)
{
  if (s->statistic) {
    g_autofree char *full = label_statistic(s);
    return strcmp(full, name) == 0 ||
           (strcmp(s->label, name) == 0 && strcmp(s->statistic, "Sum") == 0);
  }
  return (s->id && strcmp(s->id, name) == 0) || strcmp(s->label, name) == 0;
}

const CwSeries *
cloudwatch_find(const CwData *data, const char *name, GError **error)
{
  g_autofree char *names = series_names(data);
  if (name == NULL) {
    if (data->series->len == 1)
      return data->series->pdata[0];
    input_error(error, data->file, "holds %u series: say which (%s)",
                data->series->len, names);
    return NULL;
  }
  const CwSeries *found = NULL;
  for (guint i = 0; i < data->series->len; i++) {
    const CwSeries *s = data->series->pdata[i];
    if (!matches(s, name))
      continue;
    if (found != NULL) {
      input_error(error, data->file, "\"%s\" names more than one series "
                  "(%s): use an Id", name, names);
      return NULL;
    }
    found = s;
  }
  if (found == NULL)
    input_error(error, data->file, "no series \"%s\"; the file holds %s",
                name, names);
  return found;
}
