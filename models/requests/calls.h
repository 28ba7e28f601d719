/* Calls between services (workload `calls`, models/config/workload.h).
 *
 * A service that calls others, or is called, is "tracked": each of its
 * requests has a record (CallReq) in a pool, addressed by index, reused
 * through a free list, so the hot path allocates nothing once the pool
 * has grown. Services outside any call graph keep the anonymous requests
 * of task-queue.h and run exactly as before.
 *
 * A caller's request, after `at` of its service time, sends its calls
 * (call specs in order; within a spec one after another or all at once),
 * each attempt a request at the callee, dispatched through the callee's
 * frontend (lb.h) and counted in the callee's own request statistics.
 * The callee's answer (done, or failed: 5xx; no endpoint: connection
 * error) or the caller's timeout resolves the attempt; a failed attempt
 * is retried after a back-off as the call's retry policy says. When all
 * its calls are resolved the request resumes (task_queue_resume()).
 *
 * Records carry generations: an answer or timer for an attempt that was
 * superseded (timed out, retried, or its caller's request ended) finds a
 * different generation and is ignored.
 *
 * Per edge (caller service, call spec) the model counts calls wanted
 * (first attempts), attempts sent, their outcomes and latencies; at any
 * time sent = ok + errors (all kinds) + in flight. */
#pragma once

#include <glib.h>

#include "models/config/workload.h"
#include "models/core/world-private.h"
#include "sim/histogram.h"

#define CALL_NONE G_MAXUINT32

typedef enum {
  CREQ_QUEUED,    /* in its task's queue, not yet started */
  CREQ_WORKING,   /* in service, heading for the calls of `spec` (or
                     the end, once spec is past the last) */
  CREQ_CALLING,   /* waiting for the calls of `spec` */
  CREQ_RESUMING,  /* async: calls done, queued for the rest of its work */
} CallReqStage;

/* A request at a tracked service. */
typedef struct {
  SimTime arrival;     /* at its service (its latency) */
  SimTime queued;      /* joined its task's queue (the queue timeout) */
  SimTime work;        /* its whole service time; its calls of spec k
                          come after at_k of it */
  SimTime calls_from;  /* when it began waiting for calls */
  SimTime deps;        /* time spent waiting for calls so far */
  guint32 service;
  guint32 task;        /* while inside a task */
  guint32 epoch;       /* of that task's queue */
  guint32 pos;         /* its index in the task's inside list */
  guint32 parent;      /* the call it answers, or CALL_NONE */
  guint32 parent_gen;
  guint32 gen;         /* bumped when freed */
  guint32 left;        /* sequential: calls of this spec yet to send */
  guint32 pending;     /* calls sent and not resolved */
  guint16 spec;        /* the call spec being made */
  guint8 stage;        /* CallReqStage */
  guint8 failed;       /* a call failed: it will answer 5xx */
} CallReq;

/* One edge of the call graph: a caller's call spec. */
typedef struct {
  guint32 caller, callee;   /* service indices */
  guint32 spec;             /* index in the caller's `calls` */
  guint64 wanted;           /* calls the caller's requests made */
  guint64 sent;             /* attempts (wanted + retries) */
  guint64 ok;
  guint64 errors[CALL_ERR_N]; /* attempts failed, by kind */
  guint64 failed;           /* calls that failed after their attempts */
  guint64 in_flight;        /* attempts sent and not resolved */
  SimHistogram *latency;    /* per attempt answered OK, microseconds:
                               closed periods */
  SimHistogram *latency_period; /* the same, current period */
  char *name;               /* workload_call_edge_name(); owned */
  guint64 mark[4 + CALL_ERR_N]; /* sent, ok, failed, wanted and errors at
                                   the last period's end */
} CallEdge;

/* One edge's figures over one period (a row of timeseries.csv). */
typedef struct {
  SimTime start, end;
  guint32 edge;
  guint64 wanted, sent, ok, failed, errors[CALL_ERR_N];
  guint64 in_flight;        /* at the period's end */
  double p50_ms, p90_ms, p99_ms, p999_ms, mean_ms; /* NAN: none */
} CallEdgeRow;

/* Per service: its requests' calls, as a caller. */
typedef struct {
  guint64 dependency_errors; /* completed requests that answered 5xx
                                because a call failed */
  guint64 answered_5xx;      /* completed requests that answered 5xx
                                (a failed call, or error_rate) */
  guint64 resumed;           /* completed requests (deps_sum's count) */
  double deps_sum_s;         /* their time waiting for calls */
  double latency_sum_s;      /* their latency */
} CallService;

struct _Calls {
  World *w;
  GArray *reqs;            /* CallReq */
  GArray *free_reqs;       /* guint32 */
  GArray *calls;           /* the attempts' records (calls.c) */
  GArray *free_calls;
  GArray *edges;           /* CallEdge */
  guint32 *first_edge;     /* per service: its first edge's index */
  gboolean *tracked;       /* per service */
  gsl_rng **rngs;          /* per calling service, or NULL */
  gsl_rng **error_rngs;    /* per service with an error_rate, or NULL */
  CallService *services;   /* per service */
  gboolean *called;        /* per service: some service calls it */
  GArray *rows;            /* CallEdgeRow, by period then edge */
  DiscoveryMode *modes;    /* per service, as a callee */
  const WorkloadDiscovery **discovery; /* per service; lent */
  GArray **endpoints;      /* per service: Endpoint (calls.c) */
  guint *cursor;           /* per service: Service Connect round robin */
  GHashTable *dns;         /* (caller task << 32 | callee) -> DnsAnswer */
  guint64 *dns_queries;    /* per service: DNS lookups of its name */
  guint64 *ejections;      /* per service: outlier ejections */
  double *registered_s;    /* per service: Cloud Map instance-seconds of
                              deregistered tasks */
  SimKindId timeout_kind, retry_kind;
};

/* Builds the call graph's state; without calls in the scenario w->calls
 * stays NULL. */
void calls_init(World *w);
void calls_free(World *w);

static inline gboolean
calls_tracked(const World *w, guint32 service)
{
  return w->calls != NULL && w->calls->tracked[service];
}

static inline CallReq *
calls_req(const World *w, guint32 r)
{
  return &g_array_index(w->calls->reqs, CallReq, r);
}

/* Hook: @t changed state; a task of a service reached by DNS or Service
 * Connect registers as it becomes RUNNING and deregisters as it begins
 * stopping. */
void calls_on_task_state(World *w, Task *t, TaskState old, gpointer data);

/* A new request of @service that arrived at @arrival, answering call
 * @parent (generation @parent_gen) or CALL_NONE. */
guint32 calls_req_new(World *w, guint32 service, SimTime arrival,
                      guint32 parent, guint32 parent_gen);

/* Request @r completed its work at @now: answers its caller (5xx if a
 * call failed or by its service's error_rate) and frees it. */
void calls_req_done(World *w, guint32 r, SimTime now);

/* Request @r failed with @outcome at @now (already counted in its
 * service's statistics): answers its caller with an error and frees it. */
void calls_req_failed(World *w, guint32 r, RequestOutcome outcome,
                      SimTime now);

/* Frees @r without an answer: its task was aborted while it waited for
 * calls and its caller already heard. */
void calls_req_drop(World *w, guint32 r);

/* Request @r (in service) sends the calls of its spec `spec` at @now;
 * when all are resolved task_queue_resume() is called (perhaps at
 * once). */
void calls_begin(World *w, guint32 r, SimTime now);

/* Edges of the call graph, in (caller, spec) order. */
guint calls_n_edges(const World *w);
const CallEdge *calls_edge(const World *w, guint i);

/* Closes the period [@start, @end) of every edge: a row each. The rows
 * are kept for the whole run only with WorldOptions.keep_rows; otherwise
 * those of the last period alone. */
void calls_close_period(World *w, SimTime start, SimTime end);
guint calls_n_rows(const World *w);
const CallEdgeRow *calls_row(const World *w, guint i);

/* What Cloud Map DNS cost over the run (registered instances of services
 * reached by DNS, and their callers' DNS queries), or < 0 when no service
 * is; its instance-hours and queries in @instance_hours, @queries (may
 * be NULL). */
double calls_discovery_cost(const World *w, double *instance_hours,
                            guint64 *queries);

/* Service @service's call figures (NULL without calls). */
const CallService *calls_service(const World *w, guint32 service);
/* Whether some service calls @service: then its requests are calls, not
 * users' (FALSE without calls). */
gboolean calls_is_called(const World *w, guint32 service);

