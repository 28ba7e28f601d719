/* The event log: to the sink as it goes, in memory only when asked. */
#include "models/core/eventlog.h"

#include <cjson/cJSON.h>

#include "models/config/scenario.h"

struct _EventLog {
  GArray *events;     /* LogEvent: all, with keep_events; else none */
  guint logged;       /* events so far */
  GHashTable *counts; /* kind (owned) -> events of that kind so far */
};

static void
event_clear(gpointer p)
{
  LogEvent *e = p;
  g_free(e->kind);
  g_free(e->deployment);
  g_free(e->task);
  g_free(e->message);
}

void
eventlog_init(World *w)
{
  w->log = g_new0(EventLog, 1);
  w->log->events = g_array_new(FALSE, TRUE, sizeof(LogEvent));
  g_array_set_clear_func(w->log->events, event_clear);
  /* Only looked up, never iterated: order cannot reach an output. */
  w->log->counts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                         NULL);
}

void
eventlog_free(World *w)
{
  if (w->log == NULL)
    return;
  g_array_unref(w->log->events);
  g_hash_table_unref(w->log->counts);
  g_free(w->log);
  w->log = NULL;
}

static void
count(EventLog *log, const char *kind)
{
  gpointer n = g_hash_table_lookup(log->counts, kind);
  g_hash_table_insert(log->counts, g_strdup(kind),
                      GUINT_TO_POINTER(GPOINTER_TO_UINT(n) + 1));
  log->logged++;
}

void
eventlog_add(World *w, int service, const char *kind,
             const char *deployment, const Task *task, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  LogEvent e = {
    .at = world_now(w),
    .service = service,
    .kind = g_strdup(kind),
    .deployment = g_strdup(deployment),
  };
  if (task != NULL) {
    char id[33];
    e.task = g_strdup(task_format_id(task->id, id));
  }
  if (service >= 0) {
    const ServiceConfig *svc = w->cfg->services->pdata[service];
    e.message = g_strdup_printf("(service %s) %s", svc->name, text);
  } else {
    e.message = g_steal_pointer(&text);
  }
  if (w->options.print_events) {
    char clock[SIM_TIME_FORMAT_MAX];
    FILE *out = w->options.events_out ? w->options.events_out : stdout;
    fprintf(out, "[%s] %s\n", sim_time_format_clock(e.at, clock),
            e.message);
  }
  count(w->log, kind);
  if (w->options.sink.event != NULL)
    w->options.sink.event(w, &e, w->options.sink.data);
  if (w->options.keep_events)
    g_array_append_val(w->log->events, e);
  else
    event_clear(&e);
}

void
eventlog_target_unhealthy(World *w, const Task *t,
                          const TargetGroupConfig *tg)
{
  char id[33];
  const ServiceConfig *svc = w->cfg->services->pdata[t->service];
  const LoadBalancerItem *lb =
    &g_array_index(svc->load_balancers, LoadBalancerItem, 0);
  eventlog_add(w, (int) t->service, "target-unhealthy", NULL, t,
               "(task %s) (port %d) is unhealthy in (target-group %s) due "
               "to (reason Health checks failed).",
               task_format_id(t->id, id), lb->container_port, tg->name);
}

void
eventlog_container_unhealthy(World *w, const Task *t)
{
  char id[33];
  eventlog_add(w, (int) t->service, "container-unhealthy", NULL, t,
               "(task %s) failed container health checks.",
               task_format_id(t->id, id));
}

guint
eventlog_size(const World *w)
{
  return w->log->logged;
}

const LogEvent *
eventlog_get(const World *w, guint i)
{
  g_return_val_if_fail(w->options.keep_events, NULL);
  return &g_array_index(w->log->events, LogEvent, i);
}

guint
eventlog_count(const World *w, const char *kind)
{
  return GPOINTER_TO_UINT(g_hash_table_lookup(w->log->counts, kind));
}

guint
eventlog_held(const World *w)
{
  return w->log->events->len;
}

void
eventlog_write_event(const World *w, const LogEvent *e, FILE *out)
{
  char clock[SIM_TIME_FORMAT_MAX];
  cJSON *o = cJSON_CreateObject();
  cJSON_AddNumberToObject(o, "time", sim_time_to_seconds(e->at));
  cJSON_AddStringToObject(o, "clock", sim_time_format_clock(e->at, clock));
  if (e->service >= 0)
    cJSON_AddStringToObject(o, "service",
                            ((ServiceConfig *) w->cfg->services
                               ->pdata[e->service])->name);
  cJSON_AddStringToObject(o, "kind", e->kind);
  if (e->deployment)
    cJSON_AddStringToObject(o, "deployment", e->deployment);
  if (e->task)
    cJSON_AddStringToObject(o, "task", e->task);
  cJSON_AddStringToObject(o, "message", e->message);
  char *line = cJSON_PrintUnformatted(o);
  fputs(line, out);
  fputc('\n', out);
  cJSON_free(line);
  cJSON_Delete(o);
}
