/* Sweep grids: axis values from the command line and sweep files. */
#include "models/experiments/sweep.h"

#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"

/* @text as a finite number, the whole of it. */
static gboolean
parse_number(const char *text, double *out)
{
  g_autofree char *s = g_strstrip(g_strdup(text));
  char *end = NULL;
  if (*s == '\0')
    return FALSE;
  double v = g_ascii_strtod(s, &end);
  if (*end != '\0' || !isfinite(v))
    return FALSE;
  *out = v;
  return TRUE;
}

/* A number as compact JSON, rounded to 12 significant digits so that
 * 0.1 + 2 * 0.1 is written 0.3. */
static char *
number_text(double v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  double r = g_ascii_strtod(g_ascii_formatd(buf, sizeof buf, "%.12g", v),
                            NULL);
  cJSON *n = cJSON_CreateNumber(r == 0 ? 0.0 : r);
  char *text = json_compact_text(n);
  cJSON_Delete(n);
  return text;
}

static GPtrArray *
parse_range(char **parts, const char *where, GError **error)
{
  double start, stop, step;
  if (g_strv_length(parts) != 3) {
    input_error(error, where, "a range is START:STOP:STEP, e.g. 40:80:10");
    return NULL;
  }
  parse_number(parts[0], &start);
  parse_number(parts[1], &stop);
  parse_number(parts[2], &step);
  if (step == 0) {
    input_error(error, where, "the step of a range must not be 0");
    return NULL;
  }
  if ((stop - start) / step < 0) {
    input_error(error, where, "the step %g never reaches %g from %g (use a "
                "%s step)", step, stop, start, step > 0 ? "negative"
                                                        : "positive");
    return NULL;
  }
  double n = floor((stop - start) / step + 1e-9) + 1;
  if (n > SWEEP_MAX_VALUES) {
    input_error(error, where, "%.0f values, more than the %d allowed", n,
                SWEEP_MAX_VALUES);
    return NULL;
  }
  GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < (guint) n; i++)
    g_ptr_array_add(values, number_text(start + i * step));
  return values;
}

/* Splits @spec at the commas that are outside brackets, braces and
 * strings, so that JSON arrays and objects can be values. */
static GPtrArray *
split_items(const char *spec)
{
  GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
  int depth = 0;
  gboolean in_string = FALSE;
  const char *start = spec;
  for (const char *p = spec;; p++) {
    if (*p == '\0' || (*p == ',' && depth == 0 && !in_string)) {
      g_ptr_array_add(items, g_strstrip(g_strndup(start, (gsize) (p - start))));
      if (*p == '\0')
        break;
      start = p + 1;
    } else if (in_string) {
      if (*p == '\\' && p[1] != '\0')
        p++;
      else if (*p == '"')
        in_string = FALSE;
    } else if (*p == '"') {
      in_string = TRUE;
    } else if (*p == '[' || *p == '{') {
      depth++;
    } else if ((*p == ']' || *p == '}') && depth > 0) {
      depth--;
    }
  }
  return items;
}

static GPtrArray *
parse_list(const char *spec, const char *where, GError **error)
{
  g_autoptr(GPtrArray) items = split_items(spec);
  if (items->len > SWEEP_MAX_VALUES) {
    input_error(error, where, "%u values, more than the %d allowed",
                items->len, SWEEP_MAX_VALUES);
    return NULL;
  }
  GPtrArray *values = g_ptr_array_new_with_free_func(g_free);
  for (guint i = 0; i < items->len; i++) {
    const char *item = items->pdata[i];
    if (*item == '\0') {
      input_error(error, where, "value %u of %u is empty (values are "
                  "separated by single commas)", i + 1, items->len);
      g_ptr_array_unref(values);
      return NULL;
    }
    g_autoptr(cJSON) v = json_parse_loose(item);
    g_ptr_array_add(values, json_compact_text(v));
  }
  return values;
}

GPtrArray *
sweep_values_parse(const char *spec, const char *where, GError **error)
{
  g_return_val_if_fail(spec != NULL && where != NULL, NULL);
  if (*spec == '\0') {
    input_error(error, where, "no values: give START:STOP:STEP or a "
                "comma-separated list");
    return NULL;
  }
  /* A range when every ':'-separated part is a number; "12:30" or
   * "cron(...)" stay strings. */
  g_auto(GStrv) parts = g_strsplit(spec, ":", -1);
  gboolean numeric = g_strv_length(parts) >= 2;
  double unused;
  for (char **p = parts; numeric && *p; p++)
    numeric = parse_number(*p, &unused);
  if (numeric)
    return parse_range(parts, where, error);
  return parse_list(spec, where, error);
}

static char *
normalise_pointer(const char *pointer)
{
  return pointer[0] == '/' ? g_strdup(pointer)
                           : g_strconcat("/", pointer, NULL);
}

static gboolean
check_pointer(const char *pointer, const char *where, GError **error)
{
  if (strcmp(pointer, "/seed") == 0) {
    input_error(error, where, "seeds are swept with --seeds (the first "
                "one is --seed or the scenario's)");
    return FALSE;
  }
  return TRUE;
}

SweepAxis *
sweep_axis_parse(const char *arg, GError **error)
{
  g_return_val_if_fail(arg != NULL, NULL);
  g_autofree char *where = g_strdup_printf("--grid %s", arg);
  const char *eq = strchr(arg, '=');
  if (eq == NULL || eq == arg || (eq == arg + 1 && arg[0] == '/')) {
    input_error(error, where, "expected /json/pointer=VALUES, e.g. "
                "--grid /services/0/desiredCount=2:6:2 or "
                "--grid /taskDefinitions/0/cpu=512,1024");
    return NULL;
  }
  g_autofree char *ptr = g_strndup(arg, (gsize) (eq - arg));
  g_autoptr(SweepAxis) axis = g_new0(SweepAxis, 1);
  axis->pointer = normalise_pointer(ptr);
  if (!check_pointer(axis->pointer, where, error))
    return NULL;
  axis->values = sweep_values_parse(eq + 1, where, error);
  return axis->values ? g_steal_pointer(&axis) : NULL;
}

SweepAxis *
sweep_axis_from_json(const char *pointer, const cJSON *spec,
                     const char *where, GError **error)
{
  g_return_val_if_fail(pointer != NULL && spec != NULL, NULL);
  g_autoptr(SweepAxis) axis = g_new0(SweepAxis, 1);
  axis->pointer = normalise_pointer(pointer);
  if (!check_pointer(axis->pointer, where, error))
    return NULL;
  if (cJSON_IsString(spec)) {
    axis->values = sweep_values_parse(spec->valuestring, where, error);
    return axis->values ? g_steal_pointer(&axis) : NULL;
  }
  axis->values = g_ptr_array_new_with_free_func(g_free);
  if (!cJSON_IsArray(spec)) {
    g_ptr_array_add(axis->values, json_compact_text(spec));
    return g_steal_pointer(&axis);
  }
  const cJSON *v;
  cJSON_ArrayForEach(v, spec)
    g_ptr_array_add(axis->values, json_compact_text(v));
  if (axis->values->len == 0) {
    input_error(error, where, "no values: give a list, or a string "
                "\"START:STOP:STEP\" or \"A,B,C\"");
    return NULL;
  }
  return g_steal_pointer(&axis);
}

void
sweep_axis_free(SweepAxis *axis)
{
  if (axis == NULL)
    return;
  g_free(axis->pointer);
  if (axis->values)
    g_ptr_array_unref(axis->values);
  g_free(axis);
}
