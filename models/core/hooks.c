/* The hooks' subscriber lists (see hooks.h): plain arrays of (function,
 * data) in registration order. */
#include "models/core/hooks.h"

/* Any subscriber function; cast back to its hook's type to be called. */
typedef void (*HookFunc)(void);

typedef struct {
  HookFunc fn;
  gpointer data;
} Subscriber;

struct _WorldHooks {
  GArray *task_changed;   /* Subscriber */
  GArray *task_health;
  GArray *capacity;
  GArray *reconcile;
  GArray *instance_ended;
  GArray *metric;
  GArray *request;
  guint announcing_tasks; /* task changed or health emissions under way */
};

WorldHooks *
world_hooks_new(void)
{
  WorldHooks *h = g_new0(WorldHooks, 1);
  h->task_changed = g_array_new(FALSE, FALSE, sizeof(Subscriber));
  h->task_health = g_array_new(FALSE, FALSE, sizeof(Subscriber));
  h->capacity = g_array_new(FALSE, FALSE, sizeof(Subscriber));
  h->reconcile = g_array_new(FALSE, FALSE, sizeof(Subscriber));
  h->instance_ended = g_array_new(FALSE, FALSE, sizeof(Subscriber));
  h->metric = g_array_new(FALSE, FALSE, sizeof(Subscriber));
  h->request = g_array_new(FALSE, FALSE, sizeof(Subscriber));
  return h;
}

void
world_hooks_free(WorldHooks *h)
{
  if (h == NULL)
    return;
  g_array_unref(h->task_changed);
  g_array_unref(h->task_health);
  g_array_unref(h->capacity);
  g_array_unref(h->reconcile);
  g_array_unref(h->instance_ended);
  g_array_unref(h->metric);
  g_array_unref(h->request);
  g_free(h);
}

static void
subscribe(GArray *list, HookFunc fn, gpointer data)
{
  g_return_if_fail(fn != NULL);
  Subscriber s = { fn, data };
  g_array_append_val(list, s);
}

void
world_on_task_changed(World *w, WorldTaskChangedFunc fn, gpointer data)
{
  subscribe(w->hooks->task_changed, (HookFunc) fn, data);
}

void
world_on_task_health_changed(World *w, WorldTaskHealthFunc fn,
                             gpointer data)
{
  subscribe(w->hooks->task_health, (HookFunc) fn, data);
}

void
world_on_capacity_changed(World *w, WorldCapacityFunc fn, gpointer data)
{
  subscribe(w->hooks->capacity, (HookFunc) fn, data);
}

void
world_on_reconcile_wanted(World *w, WorldReconcileFunc fn, gpointer data)
{
  subscribe(w->hooks->reconcile, (HookFunc) fn, data);
}

void
world_on_instance_ended(World *w, WorldInstanceFunc fn, gpointer data)
{
  subscribe(w->hooks->instance_ended, (HookFunc) fn, data);
}

void
world_on_metric_published(World *w, WorldMetricFunc fn, gpointer data)
{
  subscribe(w->hooks->metric, (HookFunc) fn, data);
}

void
world_on_request_finished(World *w, WorldRequestFunc fn, gpointer data)
{
  subscribe(w->hooks->request, (HookFunc) fn, data);
  w->request_watchers = w->hooks->request->len;
}

#define EACH(list, s)                                                      \
  for (guint i_ = 0; i_ < (list)->len &&                                   \
                     ((s) = &g_array_index((list), Subscriber, i_), TRUE); \
       i_++)

void
world_task_changed(World *w, Task *t, TaskState old)
{
  const Subscriber *s;
  w->hooks->announcing_tasks++;
  EACH(w->hooks->task_changed, s)
    ((WorldTaskChangedFunc) s->fn)(w, t, old, s->data);
  w->hooks->announcing_tasks--;
}

void
world_task_health_changed(World *w, Task *t)
{
  const Subscriber *s;
  w->hooks->announcing_tasks++;
  EACH(w->hooks->task_health, s)
    ((WorldTaskHealthFunc) s->fn)(w, t, s->data);
  w->hooks->announcing_tasks--;
}

gboolean
world_announcing_task(const World *w)
{
  return w->hooks->announcing_tasks > 0;
}

void
world_capacity_changed(World *w)
{
  const Subscriber *s;
  EACH(w->hooks->capacity, s)
    ((WorldCapacityFunc) s->fn)(w, s->data);
}

void
world_reconcile_wanted(World *w, int service)
{
  const Subscriber *s;
  EACH(w->hooks->reconcile, s)
    ((WorldReconcileFunc) s->fn)(w, service, s->data);
}

void
world_instance_ended(World *w, guint32 instance)
{
  const Subscriber *s;
  EACH(w->hooks->instance_ended, s)
    ((WorldInstanceFunc) s->fn)(w, instance, s->data);
}

void
world_metric_published(World *w, SimTime start, SimTime end)
{
  const Subscriber *s;
  EACH(w->hooks->metric, s)
    ((WorldMetricFunc) s->fn)(w, start, end, s->data);
}

void
world_request_finished(World *w, const WorldRequest *r)
{
  const Subscriber *s;
  EACH(w->hooks->request, s)
    ((WorldRequestFunc) s->fn)(w, r, s->data);
}
