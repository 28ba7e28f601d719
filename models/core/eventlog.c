/* The event log, in memory until the run ends. */
#include "models/core/eventlog.h"

#include <cjson/cJSON.h>
#include <string.h>

#include "models/config/scenario.h"

struct _EventLog {
  GArray *events; /* LogEvent */
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
}

void
eventlog_free(World *w)
{
  if (w->log == NULL)
    return;
  g_array_unref(w->log->events);
  g_free(w->log);
  w->log = NULL;
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
  g_array_append_val(w->log->events, e);
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
  return w->log->events->len;
}

const LogEvent *
eventlog_get(const World *w, guint i)
{
  return &g_array_index(w->log->events, LogEvent, i);
}

guint
eventlog_count(const World *w, const char *kind)
{
  guint n = 0;
  for (guint i = 0; i < w->log->events->len; i++)
    n += strcmp(eventlog_get(w, i)->kind, kind) == 0;
  return n;
}

void
eventlog_write_jsonl(const World *w, FILE *out)
{
  for (guint i = 0; i < w->log->events->len; i++) {
    const LogEvent *e = eventlog_get(w, i);
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
}
