/* An ordered list of warnings (see warnings.h). */
#include <stdio.h>
#include <string.h>

#include "models/config/warnings.h"

typedef struct {
  const char *code;
  char *service;
  char *message;
} Warning;

/* Every code ecsim emits, in the order REFERENCE.md lists them. */
static const char *const known_codes[] = {
  "no_traffic", "no_target_group", "setting_without_effect", "trace_scaled_up",
  "sparse_trace_scaled_up", "tasks_unplaced", "service_at_max_capacity",
  "asg_at_max_size", "slo_missed", "errors_over_budget",
  "traffic_metric_not_a_count", "aggregate_approximation",
  NULL
};

gboolean
warnings_code_known(const char *code)
{
  return g_strv_contains(known_codes, code);
}

const char *const *
warnings_known_codes(void)
{
  return known_codes;
}

char *
warnings_known_codes_text(void)
{
  return g_strjoinv(", ", (char **) known_codes);
}

struct _Warnings {
  GArray *items; /* Warning, in the order added */
};

static void
warning_clear(gpointer p)
{
  Warning *w = p;
  g_free(w->service);
  g_free(w->message);
}

Warnings *
warnings_new(void)
{
  Warnings *ws = g_new0(Warnings, 1);
  ws->items = g_array_new(FALSE, TRUE, sizeof(Warning));
  g_array_set_clear_func(ws->items, warning_clear);
  return ws;
}

void
warnings_free(Warnings *ws)
{
  if (ws == NULL)
    return;
  g_array_unref(ws->items);
  g_free(ws);
}

static gboolean
already_said(const Warnings *ws, const char *code, const char *service,
             const char *message)
{
  for (guint i = 0; i < ws->items->len; i++) {
    const Warning *w = &g_array_index(ws->items, Warning, i);
    if (strcmp(w->code, code) == 0 && g_strcmp0(w->service, service) == 0 &&
        strcmp(w->message, message) == 0)
      return TRUE;
  }
  return FALSE;
}

static void
add_owned(Warnings *ws, const char *code, const char *service,
          char *message)
{
  if (already_said(ws, code, service, message)) {
    g_free(message);
    return;
  }
  Warning w = { code, g_strdup(service), message };
  g_array_append_val(ws->items, w);
}

void
warnings_add(Warnings *ws, const char *code, const char *service,
             const char *fmt, ...)
{
  g_return_if_fail(ws != NULL && code != NULL && fmt != NULL);
  g_return_if_fail(warnings_code_known(code));
  va_list ap;
  va_start(ap, fmt);
  char *message = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  add_owned(ws, code, service, message);
}

void
warnings_extend(Warnings *ws, const Warnings *from)
{
  for (guint i = 0; from != NULL && i < from->items->len; i++) {
    const Warning *w = &g_array_index(from->items, Warning, i);
    add_owned(ws, w->code, w->service, g_strdup(w->message));
  }
}

guint
warnings_len(const Warnings *ws)
{
  return ws->items->len;
}

const char *
warnings_code(const Warnings *ws, guint i)
{
  return g_array_index(ws->items, Warning, i).code;
}

static gboolean
holds(GPtrArray *codes, const char *code)
{
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    if (strcmp(codes->pdata[i], code) == 0)
      return TRUE;
  return FALSE;
}

cJSON *
warnings_to_json(const Warnings *ws, GPtrArray *ignored)
{
  cJSON *array = cJSON_CreateArray();
  for (guint i = 0; i < ws->items->len; i++) {
    const Warning *w = &g_array_index(ws->items, Warning, i);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "code", w->code);
    if (w->service != NULL)
      cJSON_AddStringToObject(o, "service", w->service);
    else
      cJSON_AddNullToObject(o, "service");
    cJSON_AddStringToObject(o, "message", w->message);
    if (holds(ignored, w->code))
      cJSON_AddTrueToObject(o, "ignored");
    cJSON_AddItemToArray(array, o);
  }
  return array;
}

guint
warnings_print_json(const cJSON *array, const char *label, FILE *out)
{
  guint n = 0;
  const cJSON *w;
  cJSON_ArrayForEach(w, array)
  {
    const char *message =
      cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(w, "message"));
    if (message == NULL ||
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "ignored")))
      continue;
    if (label != NULL)
      fprintf(out, "ecsim: warning: [%s] %s\n", label, message);
    else
      fprintf(out, "ecsim: warning: %s\n", message);
    n++;
  }
  return n;
}
