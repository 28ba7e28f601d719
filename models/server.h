/* Request serving inside one task: `slots` requests in service at once,
 * the rest waiting in a bounded FIFO queue (models/workload.h).
 *
 * Hot path: accepting a request and completing one allocate nothing. A
 * busy slot has exactly one pending completion event; a request that waits
 * longer than the timeout fails with 504 when it reaches the head of the
 * queue, so timeouts need no events of their own. */
#pragma once

#include <glib.h>

#include "models/reqstats.h"
#include "models/world-private.h"
#include "sim/stats.h"

struct _Server {
  guint32 task;
  guint32 service;
  int slots;
  int busy;
  double speed;          /* service-time factor for this task's size */
  guint32 epoch;         /* completions of older epochs are void */
  gboolean hung;         /* requests in service never complete */
  gboolean draining;     /* takes no new requests; tell lb when empty */
  SimTime *queue;        /* arrival times, ring buffer */
  guint32 qhead, qlen, qcap;
  int queue_limit;
  SimTime timeout;
  SimTimeAvg busy_avg;   /* busy slots over time, for CPU % */
};

/* Registers the completion event kind. */
void server_init(World *w);

/* A server for task @t with the service's workload. */
Server *server_new(World *w, const Task *t);
/* Frees @s; requests still inside must have been aborted. */
void server_free(Server *s);

/* Offers a request that arrived now. */
void server_accept(World *w, Server *s, SimTime arrival);

/* Fails every request inside @s with REQ_RESET (the task stopped). */
void server_abort(World *w, Server *s);

/* Requests in service or waiting. */
static inline guint32
server_outstanding(const Server *s)
{
  return (guint32) s->busy + s->qlen;
}
