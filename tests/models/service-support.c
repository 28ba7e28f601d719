/* Helpers shared by the service tests. */
#include "service-support.h"

#include <string.h>

TestRun *
test_run_json(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *text = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_strdelimit(text, "'", '"');
  return test_run_new(text);
}

SimTime
test_stop_began(const Task *t)
{
  for (TaskState s = TASK_DEACTIVATING; s <= TASK_STOPPED; s++)
    if (t->entered[s] >= 0)
      return t->entered[s];
  return -1;
}

int
test_live_tasks(TestRun *run, guint32 number)
{
  int n = 0;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    n += t->service == 0 && task_is_live(t) &&
         (number == 0 || t->deployment == number);
  }
  return n;
}

const LogEvent *
test_find_event(TestRun *run, const char *kind, SimTime from)
{
  for (guint i = 0; i < eventlog_size(run->w); i++) {
    const LogEvent *e = eventlog_get(run->w, i);
    if (strcmp(e->kind, kind) == 0 && e->at >= from)
      return e;
  }
  return NULL;
}

SimTime
test_earliest_healthy(TestRun *run, guint32 number)
{
  SimTime first = -1;
  for (guint i = 0; i < run->w->tasks->len; i++) {
    const Task *t = world_task(run->w, i);
    if (t->deployment == number && t->healthy_at >= 0 &&
        (first < 0 || t->healthy_at < first))
      first = t->healthy_at;
  }
  return first;
}
