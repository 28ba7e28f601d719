/* Calls between services: request records, attempts, timeouts, retries
 * and per-edge counts. */
#include "models/requests/calls.h"

#include <math.h>
#include <string.h>

#include "models/requests/lb.h"
#include "models/core/eventlog.h"
#include "models/requests/task-queue.h"

/* One call in progress: its current attempt. */
typedef struct {
  guint32 req, req_gen;  /* the caller's request */
  guint32 edge;
  guint32 gen;           /* bumped per attempt, per answer, when freed */
  guint32 attempt;       /* attempts sent */
  guint32 endpoint;      /* Service Connect: the task it went to, or
                            CALL_NONE */
  SimTime sent_at;       /* the current attempt's */
} Call;

/* A task of a callee reached by DNS or Service Connect: registered in
 * Cloud Map while RUNNING (since..until). */
typedef struct {
  guint32 task;
  guint32 consecutive;   /* Service Connect: errors in a row */
  guint32 ejections;     /* times ejected */
  SimTime since, until;  /* until: SIM_TIME_MAX while registered */
  SimTime ejected_until;
} Endpoint;

/* A caller task's cached DNS answer for one callee. */
typedef struct {
  SimTime expires;
  GArray *tasks;         /* guint32: the records when it resolved */
  guint32 next;          /* round robin over them */
} DnsAnswer;

/* Payload of a call's timeout and retry timers. */
typedef struct {
  guint32 call;
  guint32 gen;
} CallTimer;

static inline Call *
call_at(Calls *c, guint32 i)
{
  return &g_array_index(c->calls, Call, i);
}

static inline CallEdge *
edge_at(Calls *c, guint32 i)
{
  return &g_array_index(c->edges, CallEdge, i);
}

static const WorkloadCall *
edge_spec(const World *w, const CallEdge *e)
{
  const ServiceConfig *svc = w->cfg->services->pdata[e->caller];
  return &g_array_index(svc->workload.calls, WorkloadCall, e->spec);
}

/* Takes an index from @free_list, or grows @pool by one. */
static guint32
pool_take(GArray *pool, GArray *free_list)
{
  if (free_list->len > 0) {
    guint32 i = g_array_index(free_list, guint32, free_list->len - 1);
    g_array_set_size(free_list, free_list->len - 1);
    return i;
  }
  g_array_set_size(pool, pool->len + 1);
  return pool->len - 1;
}

guint32
calls_req_new(World *w, guint32 service, SimTime arrival, guint32 parent,
              guint32 parent_gen)
{
  Calls *c = w->calls;
  guint32 r = pool_take(c->reqs, c->free_reqs);
  CallReq *R = calls_req(w, r);
  guint32 gen = R->gen;
  *R = (CallReq){ .arrival = arrival, .queued = arrival, .service = service,
                  .parent = parent, .parent_gen = parent_gen, .gen = gen };
  return r;
}

static void
req_free(World *w, guint32 r)
{
  calls_req(w, r)->gen++;
  g_array_append_val(w->calls->free_reqs, r);
}

static void
call_free(Calls *c, guint32 i)
{
  call_at(c, i)->gen++;
  g_array_append_val(c->free_calls, i);
}

static void answer(World *w, guint32 call, guint32 gen, int err,
                   SimTime now);

static gboolean pick_endpoint(World *w, guint32 caller_task,
                              guint32 callee, SimTime now, guint32 *task);

/* Sends (another) attempt of call @i at @now: to the callee's frontend,
 * or to the task its discovery names (a task that is no longer serving
 * refuses the connection). */
static void
send_attempt(World *w, guint32 i, SimTime now)
{
  Calls *c = w->calls;
  Call *C = call_at(c, i);
  CallEdge *e = edge_at(c, C->edge);
  const WorkloadCall *spec = edge_spec(w, e);
  C->gen++;
  C->attempt++;
  C->sent_at = now;
  C->endpoint = CALL_NONE;
  guint32 gen = C->gen, callee = e->callee;
  e->sent++;
  e->in_flight++;
  if (spec->timeout > 0) {
    CallTimer tm = { i, gen };
    sim_schedule_inline(w->engine, now + spec->timeout, c->timeout_kind,
                        &tm, sizeof tm);
  }
  if (c->modes[callee] <= DISCOVERY_LOAD_BALANCER) {
    guint32 r = calls_req_new(w, callee, now, i, gen);
    reqstats_arrival(&w->reqstats[callee], now);
    lb_dispatch_req(w, callee, now, r);
    return;
  }
  guint32 task;
  Task *t = NULL;
  if (pick_endpoint(w, calls_req(w, C->req)->task, callee, now, &task)) {
    call_at(c, i)->endpoint = task;
    t = world_task(w, task);
  }
  if (t == NULL || t->state != TASK_RUNNING || t->queue == NULL ||
      t->queue->draining) {
    answer(w, i, gen, CALL_ERR_CONNECTION, now);
    return;
  }
  guint32 r = calls_req_new(w, callee, now, i, gen);
  reqstats_arrival(&w->reqstats[callee], now);
  task_queue_accept_req(w, t->queue, now, r);
}

/* Call @i is over (@ok, or failed after its attempts): its caller's
 * request goes on. */
static void
resolve(World *w, guint32 i, gboolean ok, SimTime now)
{
  Calls *c = w->calls;
  Call *C = call_at(c, i);
  guint32 r = C->req, req_gen = C->req_gen, edge = C->edge;
  call_free(c, i);
  CallReq *R = calls_req(w, r);
  if (R->gen != req_gen || R->stage != CREQ_CALLING)
    return; /* its request ended meanwhile */
  R->pending--;
  if (!ok) {
    R->failed = TRUE;
    R->left = 0; /* sends nothing more */
  }
  if (R->left > 0) {
    R->left--;
    R->pending++;
    guint32 next = pool_take(c->calls, c->free_calls);
    Call *N = call_at(c, next);
    *N = (Call){ .req = r, .req_gen = req_gen, .edge = edge,
                 .gen = N->gen };
    edge_at(c, edge)->wanted++;
    send_attempt(w, next, now);
    return;
  }
  if (R->pending == 0)
    task_queue_resume(w, r, now);
}

/* The back-off before attempt @attempt + 1 of a call under @retry. */
static SimTime
backoff(World *w, const CallEdge *e, const WorkloadRetry *retry,
        guint32 attempt)
{
  double d = (double) retry->backoff * ldexp(1.0, (int) attempt - 1);
  if (d > (double) retry->max_backoff)
    d = (double) retry->max_backoff;
  if (retry->full_jitter)
    d *= gsl_rng_uniform(w->calls->rngs[e->caller]);
  return (SimTime) d;
}

/* Whether the proxies know @ep at @now, @delay after each change. */
static inline gboolean
endpoint_known(const Endpoint *ep, SimTime now, SimTime delay)
{
  return ep->since + delay <= now &&
         (ep->until == SIM_TIME_MAX || now < ep->until + delay);
}

static Endpoint *
endpoint_find(Calls *c, guint32 callee, guint32 task)
{
  GArray *eps = c->endpoints[callee];
  for (guint k = 0; k < eps->len; k++)
    if (g_array_index(eps, Endpoint, k).task == task)
      return &g_array_index(eps, Endpoint, k);
  return NULL;
}

/* Service Connect's outlier detection (Envoy's consecutive_5xx, where
 * timeouts and refused connections count as 5xx): @task answered a call
 * to @callee (@error or not) at @now. */
static void
outlier_answer(World *w, guint32 callee, guint32 task, gboolean error,
               SimTime now)
{
  Calls *c = w->calls;
  const WorkloadDiscovery *d = c->discovery[callee];
  if (c->modes[callee] != DISCOVERY_SERVICE_CONNECT ||
      d->consecutive_5xx <= 0)
    return;
  Endpoint *ep = endpoint_find(c, callee, task);
  if (ep == NULL)
    return;
  if (!error) {
    ep->consecutive = 0;
    return;
  }
  if (++ep->consecutive < (guint32) d->consecutive_5xx ||
      ep->ejected_until > now)
    return;
  /* Envoy ejects one host whatever max_ejection_percent says, more only
   * below it. */
  GArray *eps = c->endpoints[callee];
  guint known = 0, ejected = 0;
  for (guint k = 0; k < eps->len; k++) {
    const Endpoint *o = &g_array_index(eps, Endpoint, k);
    if (endpoint_known(o, now, d->propagation_delay)) {
      known++;
      ejected += o->ejected_until > now;
    }
  }
  if (ejected > 0 && 100.0 * (ejected + 1) > d->max_ejection_percent * known)
    return;
  ep->consecutive = 0;
  ep->ejections++;
  ep->ejected_until = now + d->base_ejection_time * ep->ejections;
  c->ejections[callee]++;
  Task *t = world_task(w, task);
  char id[33];
  eventlog_add(w, (int) callee, "service-connect-outlier-ejected", NULL, t,
               "(task %s) ejected by Service Connect outlier detection "
               "after %d consecutive errors, for %.0f s",
               task_format_id(t->id, id), d->consecutive_5xx,
               sim_time_to_seconds(d->base_ejection_time * ep->ejections));
}

/* The answer to attempt @gen of call @i: CALL_ERR_N for OK, else the
 * error's kind. */
static void
answer(World *w, guint32 i, guint32 gen, int err, SimTime now)
{
  Calls *c = w->calls;
  Call *C = call_at(c, i);
  if (C->gen != gen)
    return; /* an attempt given up on, or a call already over */
  C->gen++;
  CallEdge *e = edge_at(c, C->edge);
  e->in_flight--;
  if (C->endpoint != CALL_NONE)
    outlier_answer(w, e->callee, C->endpoint, err != CALL_ERR_N, now);
  if (err == CALL_ERR_N) {
    e->ok++;
    sim_histogram_record(e->latency_period, (uint64_t) (now - C->sent_at));
    resolve(w, i, TRUE, now);
    return;
  }
  e->errors[err]++;
  const WorkloadRetry *retry = &edge_spec(w, e)->retry;
  if ((retry->on & (1u << err)) && C->attempt < (guint32) retry->attempts &&
      calls_req(w, C->req)->gen == C->req_gen) {
    CallTimer tm = { i, C->gen };
    sim_schedule_inline(w->engine, now + backoff(w, e, retry, C->attempt),
                        c->retry_kind, &tm, sizeof tm);
    return;
  }
  e->failed++;
  resolve(w, i, FALSE, now);
}

static void
on_timeout(SimEngine *engine, gpointer model, gpointer payload)
{
  const CallTimer *tm = payload;
  Calls *c = model;
  answer(c->w, tm->call, tm->gen, CALL_ERR_TIMEOUT,
         sim_engine_now(engine));
}

static void
on_retry(SimEngine *engine, gpointer model, gpointer payload)
{
  const CallTimer *tm = payload;
  Calls *c = model;
  Call *C = call_at(c, tm->call);
  if (C->gen != tm->gen)
    return;
  if (calls_req(c->w, C->req)->gen != C->req_gen) {
    call_free(c, tm->call); /* its request ended while it backed off */
    return;
  }
  send_attempt(c->w, tm->call, sim_engine_now(engine));
}

/* @caller_task's DNS answer for @callee, resolved again when expired. */
static DnsAnswer *
dns_answer(World *w, guint32 caller_task, guint32 callee, SimTime now)
{
  Calls *c = w->calls;
  guint64 key = ((guint64) caller_task << 32) | callee;
  DnsAnswer *a = g_hash_table_lookup(c->dns, &key);
  if (a == NULL) {
    guint64 *k = g_new(guint64, 1);
    *k = key;
    a = g_new0(DnsAnswer, 1);
    a->tasks = g_array_new(FALSE, FALSE, sizeof(guint32));
    a->expires = -1;
    g_hash_table_insert(c->dns, k, a);
  }
  if (now < a->expires)
    return a;
  /* The records now: tasks registered and not yet deregistered. */
  const WorkloadDiscovery *d = c->discovery[callee];
  GArray *eps = c->endpoints[callee];
  g_array_set_size(a->tasks, 0);
  for (guint k = 0; k < eps->len; k++) {
    const Endpoint *ep = &g_array_index(eps, Endpoint, k);
    if (ep->since <= now && now < ep->until)
      g_array_append_val(a->tasks, ep->task);
  }
  a->expires = now + d->dns_ttl + d->dns_extra_cache;
  c->dns_queries[callee]++;
  return a;
}

/* The task a call from @caller_task to @callee goes to at @now (FALSE:
 * none known): DNS, the cached answer's next record; Service Connect,
 * the next endpoint the proxies know and have not ejected. */
static gboolean
pick_endpoint(World *w, guint32 caller_task, guint32 callee, SimTime now,
              guint32 *task)
{
  Calls *c = w->calls;
  if (c->modes[callee] == DISCOVERY_DNS) {
    DnsAnswer *a = dns_answer(w, caller_task, callee, now);
    if (a->tasks->len == 0)
      return FALSE;
    *task = g_array_index(a->tasks, guint32, a->next++ % a->tasks->len);
    return TRUE;
  }
  const WorkloadDiscovery *d = c->discovery[callee];
  GArray *eps = c->endpoints[callee];
  guint n = eps->len;
  for (guint k = 0; k < n; k++) {
    const Endpoint *ep =
      &g_array_index(eps, Endpoint, (c->cursor[callee] + k) % n);
    if (endpoint_known(ep, now, d->propagation_delay) &&
        ep->ejected_until <= now) {
      c->cursor[callee] = (c->cursor[callee] + k + 1) % n;
      *task = ep->task;
      return TRUE;
    }
  }
  return FALSE;
}

/* A Cloud Map (de)registration of @t, in events.jsonl. The wording is
 * modelled on ECS's target events ("registered 1 targets in
 * (target-group ...)"): we found no ECS service event for Cloud Map to
 * copy. The registry is named by the service, as ecsim keeps no ARN. */
static void
log_registration(World *w, const Task *t, gboolean registered)
{
  const ServiceConfig *svc = w->cfg->services->pdata[t->service];
  eventlog_add(w, (int) t->service,
               registered ? "service-discovery-registered"
                          : "service-discovery-deregistered",
               NULL, t, "%s 1 instances in (service-discovery-service %s)",
               registered ? "registered" : "deregistered", svc->name);
}

void
calls_on_task_state(World *w, Task *t, TaskState old, gpointer data)
{
  Calls *c = w->calls;
  if (c == NULL || c->modes[t->service] <= DISCOVERY_LOAD_BALANCER)
    return;
  SimTime now = world_now(w);
  GArray *eps = c->endpoints[t->service];
  if (t->state == TASK_RUNNING) {
    /* Forget tasks no caller can still be told of. */
    const WorkloadDiscovery *d = c->discovery[t->service];
    SimTime keep = d->propagation_delay;
    for (guint k = eps->len; k-- > 0;) {
      SimTime until = g_array_index(eps, Endpoint, k).until;
      if (until != SIM_TIME_MAX && until + keep < now)
        g_array_remove_index(eps, k);
    }
    /* A task running when the run starts was registered long before. */
    Endpoint ep = { .task = t->id,
                    .since = t->warm_started ? -SIM_DAY * 365 : now,
                    .until = SIM_TIME_MAX, .ejected_until = -1 };
    g_array_append_val(eps, ep);
    if (c->modes[t->service] == DISCOVERY_DNS && !t->warm_started)
      log_registration(w, t, TRUE);
    return;
  }
  if (t->state > TASK_RUNNING) {
    Endpoint *ep = endpoint_find(c, t->service, t->id);
    if (ep != NULL && ep->until == SIM_TIME_MAX) {
      ep->until = now; /* deregistered as it begins stopping */
      c->registered_s[t->service] +=
        sim_time_to_seconds(now - MAX(ep->since, 0));
      if (c->modes[t->service] == DISCOVERY_DNS)
        log_registration(w, t, FALSE);
    }
  }
}

void
calls_begin(World *w, guint32 r, SimTime now)
{
  Calls *c = w->calls;
  CallReq *R = calls_req(w, r);
  R->stage = CREQ_CALLING;
  R->calls_from = now;
  guint32 edge = c->first_edge[R->service] + R->spec;
  const WorkloadCall *spec = edge_spec(w, edge_at(c, edge));
  double n = floor(dist_sample_seconds(&spec->count, c->rngs[R->service]) +
                   0.5);
  guint32 count = n > 1e6 ? 1000000 : (guint32) n;
  if (count == 0) {
    task_queue_resume(w, r, now);
    return;
  }
  guint32 req_gen = R->gen;
  guint32 at_once = spec->mode == CALL_PARALLEL ? count : 1;
  R->left = count - at_once;
  /* One more pending while sending: an attempt that fails at once must
   * not resume the request before its siblings are sent. */
  R->pending = at_once + 1;
  edge_at(c, edge)->wanted += at_once;
  for (guint32 k = 0; k < at_once; k++) {
    guint32 i = pool_take(c->calls, c->free_calls);
    Call *C = call_at(c, i);
    *C = (Call){ .req = r, .req_gen = req_gen, .edge = edge, .gen = C->gen };
    send_attempt(w, i, now);
  }
  R = calls_req(w, r);
  if (R->gen != req_gen || R->stage != CREQ_CALLING)
    return;
  if (--R->pending == 0)
    task_queue_resume(w, r, now);
}

/* Tells the caller of a request that ended: CALL_ERR_N for OK. */
static void
reply(World *w, guint32 r, int err, SimTime now)
{
  CallReq *R = calls_req(w, r);
  guint32 parent = R->parent, parent_gen = R->parent_gen;
  req_free(w, r);
  if (parent != CALL_NONE)
    answer(w, parent, parent_gen, err, now);
}

void
calls_req_done(World *w, guint32 r, SimTime now)
{
  Calls *c = w->calls;
  CallReq *R = calls_req(w, r);
  const ServiceConfig *svc = w->cfg->services->pdata[R->service];
  CallService *cs = &c->services[R->service];
  gboolean error = R->failed;
  if (!error && c->error_rngs[R->service] != NULL)
    error = gsl_rng_uniform(c->error_rngs[R->service]) <
            svc->workload.error_rate;
  cs->dependency_errors += R->failed;
  cs->answered_5xx += error;
  cs->resumed++;
  cs->deps_sum_s += sim_time_to_seconds(R->deps);
  cs->latency_sum_s += sim_time_to_seconds(now - R->arrival);
  reply(w, r, error ? CALL_ERR_5XX : CALL_ERR_N, now);
}

void
calls_req_failed(World *w, guint32 r, RequestOutcome outcome, SimTime now)
{
  guint32 service = calls_req(w, r)->service;
  /* Without a load balancer the caller connects to tasks itself: finding
   * none is a connection error; an ALB answers 503. */
  int err = outcome == REQ_NO_TARGET && lb_target_group(w, service) == NULL
              ? CALL_ERR_CONNECTION : CALL_ERR_5XX;
  reply(w, r, err, now);
}

void
calls_req_drop(World *w, guint32 r)
{
  req_free(w, r);
}

static void
dns_answer_free(gpointer data)
{
  DnsAnswer *a = data;
  g_array_unref(a->tasks);
  g_free(a);
}

void
calls_init(World *w)
{
  static const SimEventKind timeout = { "call.timeout", on_timeout, NULL };
  static const SimEventKind retry = { "call.retry", on_retry, NULL };
  guint n = w->cfg->services->len;
  gboolean any = FALSE;
  for (guint i = 0; i < n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    any |= svc->workload.calls != NULL && svc->workload.calls->len > 0;
  }
  if (!any)
    return;
  Calls *c = g_new0(Calls, 1);
  w->calls = c;
  c->w = w;
  c->reqs = g_array_new(FALSE, TRUE, sizeof(CallReq));
  c->free_reqs = g_array_new(FALSE, FALSE, sizeof(guint32));
  c->calls = g_array_new(FALSE, TRUE, sizeof(Call));
  c->free_calls = g_array_new(FALSE, FALSE, sizeof(guint32));
  c->edges = g_array_new(FALSE, TRUE, sizeof(CallEdge));
  c->first_edge = g_new0(guint32, n);
  c->tracked = g_new0(gboolean, n);
  c->rngs = g_new0(gsl_rng *, n);
  c->error_rngs = g_new0(gsl_rng *, n);
  c->services = g_new0(CallService, n);
  c->modes = g_new0(DiscoveryMode, n);
  c->discovery = g_new0(const WorkloadDiscovery *, n);
  c->endpoints = g_new0(GArray *, n);
  c->cursor = g_new0(guint, n);
  c->dns_queries = g_new0(guint64, n);
  c->ejections = g_new0(guint64, n);
  c->registered_s = g_new0(double, n);
  c->dns = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                 dns_answer_free);
  for (guint i = 0; i < n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    c->discovery[i] = &svc->workload.discovery;
    c->modes[i] = svc->workload.discovery.mode;
    c->endpoints[i] = g_array_new(FALSE, FALSE, sizeof(Endpoint));
  }
  c->called = g_new0(gboolean, n);
  c->rows = g_array_new(FALSE, TRUE, sizeof(CallEdgeRow));
  for (guint i = 0; i < n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    const GArray *specs = svc->workload.calls;
    c->first_edge[i] = c->edges->len;
    if (specs == NULL || specs->len == 0)
      continue;
    c->tracked[i] = TRUE;
    c->rngs[i] = world_rng(w, "calls", svc->name);
    for (guint k = 0; k < specs->len; k++) {
      const WorkloadCall *spec = &g_array_index(specs, WorkloadCall, k);
      CallEdge e = { .caller = i, .callee = (guint32) spec->callee,
                     .spec = k, .latency = sim_histogram_new(),
                     .latency_period = sim_histogram_new(),
                     .name = workload_call_edge_name(svc->name, &svc->workload, k) };
      g_array_append_val(c->edges, e);
      c->tracked[spec->callee] = TRUE;
      c->called[spec->callee] = TRUE;
    }
  }
  for (guint i = 0; i < n; i++) {
    const ServiceConfig *svc = w->cfg->services->pdata[i];
    if (c->tracked[i] && svc->workload.error_rate > 0)
      c->error_rngs[i] = world_rng(w, "errors", svc->name);
  }
  c->timeout_kind = sim_engine_register(w->engine, &timeout, c);
  c->retry_kind = sim_engine_register(w->engine, &retry, c);
}

void
calls_free(World *w)
{
  Calls *c = w->calls;
  if (c == NULL)
    return;
  for (guint i = 0; i < c->edges->len; i++) {
    sim_histogram_free(edge_at(c, i)->latency);
    sim_histogram_free(edge_at(c, i)->latency_period);
    g_free(edge_at(c, i)->name);
  }
  g_array_unref(c->rows);
  for (guint i = 0; i < w->cfg->services->len; i++)
    g_array_unref(c->endpoints[i]);
  g_free(c->endpoints);
  g_free(c->modes);
  g_free(c->discovery);
  g_free(c->cursor);
  g_free(c->dns_queries);
  g_free(c->ejections);
  g_free(c->registered_s);
  g_hash_table_unref(c->dns);
  g_free(c->services);
  g_free(c->called);
  g_array_unref(c->reqs);
  g_array_unref(c->free_reqs);
  g_array_unref(c->calls);
  g_array_unref(c->free_calls);
  g_array_unref(c->edges);
  g_free(c->first_edge);
  g_free(c->tracked);
  g_free(c->rngs);
  g_free(c->error_rngs);
  g_free(c);
  w->calls = NULL;
}

/* AWS Cloud Map: $0.10 per registered instance per month (730 hours) and
 * Route 53's $0.40 per million DNS queries (aws.amazon.com/cloud-map/
 * pricing, aws.amazon.com/route53/pricing; UNVERIFIED: not read here,
 * us-east-1 list prices as we know them). */
#define CLOUD_MAP_INSTANCE_MONTH_USD 0.10
#define DNS_QUERY_MILLION_USD 0.40

double
calls_discovery_cost(const World *w, double *instance_hours,
                     guint64 *queries)
{
  Calls *c = w->calls;
  double seconds = 0;
  guint64 q = 0;
  gboolean any = FALSE;
  for (guint i = 0; c != NULL && i < w->cfg->services->len; i++) {
    if (c->modes[i] != DISCOVERY_DNS)
      continue;
    any = TRUE;
    seconds += c->registered_s[i];
    GArray *eps = c->endpoints[i];
    for (guint k = 0; k < eps->len; k++) {
      const Endpoint *ep = &g_array_index(eps, Endpoint, k);
      if (ep->until == SIM_TIME_MAX)
        seconds += sim_time_to_seconds(w->horizon - MAX(ep->since, 0));
    }
    q += c->dns_queries[i];
  }
  if (instance_hours != NULL)
    *instance_hours = seconds / 3600.0;
  if (queries != NULL)
    *queries = q;
  if (!any)
    return -1.0;
  return CLOUD_MAP_INSTANCE_MONTH_USD * seconds / (730.0 * 3600.0) +
         DNS_QUERY_MILLION_USD * (double) q / 1e6;
}
