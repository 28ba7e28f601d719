/* The control-plane event log (events.jsonl): what ECS would show in a
 * service's events, plus ecsim's own (scaling, capacity, faults), each
 * with its simulated time. Messages follow ECS's wording
 * (ECS-REFERENCE §8): "(service web) has started 2 tasks: (task ...)".
 *
 * Each event goes to the World's sink (WorldOptions.sink) as it is
 * logged; the World keeps the events themselves only with
 * WorldOptions.keep_events (eventlog_get()), and otherwise their number
 * and their counts by kind alone, so memory does not grow with the run. */
#pragma once

#include <stdio.h>

#include "models/config/target-group.h"
#include "models/core/world-private.h"

typedef struct _LogEvent {
  SimTime at;
  int service;        /* index, or -1 */
  char *kind;         /* "tasks-started", "steady-state", ... */
  char *deployment;   /* "ecs-svc/..." or NULL */
  char *task;         /* task id or NULL */
  char *message;
} LogEvent;

void eventlog_init(World *w);
void eventlog_free(World *w);

/* Appends an event. When @service >= 0 the message is prefixed with
 * "(service NAME) ". @deployment and @task may be NULL. */
void eventlog_add(World *w, int service, const char *kind,
                  const char *deployment, const Task *task,
                  const char *fmt, ...) G_GNUC_PRINTF(6, 7);

void eventlog_target_unhealthy(World *w, const Task *t,
                               const TargetGroupConfig *tg);
void eventlog_container_unhealthy(World *w, const Task *t);

/* Events logged so far (kept or not). Never fails. */
guint eventlog_size(const World *w);
/* The @i-th event: only with WorldOptions.keep_events (a programming
 * error otherwise). */
const LogEvent *eventlog_get(const World *w, guint i);
/* Events of @kind so far (kept or not). Never fails. */
guint eventlog_count(const World *w, const char *kind);
/* Events held in memory now: eventlog_size() with keep_events, else 0. */
guint eventlog_held(const World *w);

/* Writes @e as one line of JSON (events.jsonl). */
void eventlog_write_event(const World *w, const LogEvent *e, FILE *out);
