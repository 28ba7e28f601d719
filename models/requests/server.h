/* Request serving inside one task: `slots` requests in service at once,
 * the rest waiting in a bounded FIFO queue (models/config/workload.h).
 *
 * Hot path: accepting a request and completing one allocate nothing. A
 * busy slot has exactly one pending completion event; a request that waits
 * longer than the timeout fails with 504 when it reaches the head of the
 * queue, so timeouts need no events of their own. */
#pragma once

#include <glib.h>

#include <gsl/gsl_rng.h>

#include "models/input/dist.h"
#include "models/core/reqstats.h"
#include "models/core/world-private.h"

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
  guint32 qhead, qlen, qcap; /* qcap is 0 or a power of two */
  int queue_limit;
  SimTime timeout;
  /* Lent from the world, looked up once for the hot path: */
  const Dist *service_time;
  gsl_rng *rng;          /* the service's service-time stream */
  ReqStats *stats;       /* the service's request statistics */
};

/* Registers the completion event kind. */
void server_init(World *w);

/* A server for task @t with the service's workload. */
Server *server_new(World *w, const Task *t);
/* Frees @s; requests still inside must have been aborted. */
void server_free(Server *s);

/* Offers a request that arrived now. */
void server_accept(World *w, Server *s, SimTime arrival);

/* Fails every request inside @s (the task stopped): REQ_TIMEOUT for those
 * that waited longer than the timeout, REQ_RESET for the rest. */
void server_abort(World *w, Server *s);

/* Hook: @t's health changed; a hung task's server stops completing the
 * requests it holds. */
void server_on_task_health(World *w, Task *t, gpointer data);

/* Requests in service or waiting. */
static inline guint32
server_outstanding(const Server *s)
{
  return (guint32) s->busy + s->qlen;
}
