/* A service's `workload` (simulator only): the traffic that reaches it and
 * how its tasks serve requests.
 *
 *   "traffic": {...}               arrival process (traffic.h)
 *   "service_time": Dist           time one request occupies a slot,
 *                                  measured on a task of `at_vcpu` vCPU
 *   "at_vcpu": 1.0                 (default 1)
 *   "concurrency_per_vcpu": 8      slots per vCPU (default 4), or
 *   "concurrency": 16              a fixed number of slots per task
 *   "queue_limit": 1000            waiting requests per task beyond which
 *                                  new ones are refused (default 1000)
 *   "timeout": "60s"               a request that waited longer than this
 *                                  in a task's queue fails with 504
 *                                  (default 60 s, the ALB idle timeout)
 *   "memory_base_mib": 512         memory a task uses idle (default: half
 *                                  its task memory)
 *   "memory_per_request_mib": 2    plus this per request in the task
 *   "bytes_per_request": 20000     processed bytes (request + response),
 *                                  for ALB LCUs (default 0)
 *   "new_connection_ratio": 0.1    new connections per request, for ALB
 *                                  LCUs (default 0.2: 1 new connection
 *                                  per 5 requests, AWS's ALB pricing
 *                                  example; see REFERENCE.md)
 *   "image_size_mib": 250          compressed size of each container's
 *                                  image (default 250 MiB), or an object
 *                                  {"containerName": MiB, ...}: listed
 *                                  containers take theirs, others 250
 *   "soci_index": false            the images have a SOCI index: Fargate
 *                                  lazy-loads them (image-pull.h)
 *   "health_check_overload": false when true, a health check fails if its
 *                                  request would wait longer than the
 *                                  check's timeout in the task's queue
 *                                  (overload then cascades, as in
 *                                  production)
 *   "slot_max_vcpu": 1.0           the most CPU one request in service
 *                                  can use (default: its share at
 *                                  at_vcpu, so no request runs faster
 *                                  than it was measured); only
 *                                  share-only EC2 tasks (below) use it
 *   "calls": [WorkloadCall...]     downstream calls each request makes
 *                                  (below; default none)
 *   "async_calls": false           false: a request waiting for its calls
 *                                  keeps its slot (thread per request);
 *                                  true: it frees the slot and queues
 *                                  again for the rest of its work
 *   "error_rate": 0.0              fraction of completed requests that
 *                                  answer with a 5xx (seen by callers)
 *   "discovery": {...}             how callers find it: figures of the
 *                                  mechanism its service's AWS fields
 *                                  choose (WorkloadDiscovery, REFERENCE.md
 *                                  "discovery")
 *
 * A call, {"service": "payments", "count": 2, "mode": "sequential",
 * "at": 0.5, "timeout": "2s", "retry": {"attempts": 3, "backoff":
 * "25ms", "max_backoff": "1s", "jitter": "full", "on": ["5xx",
 * "timeout", "connection"]}}: after `at` (0..1, default 0.5) of its own
 * service time, a request sends `count` (a number, or a distribution
 * whose values are read as counts, rounded) calls to `service`, one after
 * another or all at once ("parallel": it waits for the last), then does
 * the rest of its work. Each call is a request at the callee; an attempt
 * that fails with a kind listed in `on` (default all three) is sent again
 * after min(max_backoff, backoff × 2^(k-1)) (times a uniform draw in
 * [0, 1) with full jitter; defaults 25 ms and 10 × backoff, full jitter:
 * Envoy's retry back-off, as Service Connect's proxy), up to `attempts` in all
 * (default 1: no retry). `timeout` (default none) bounds each attempt. A
 * call that fails after its attempts makes the request skip its other
 * calls and answer with a 5xx once its work is done.
 *
 * Speed and CPU: a slot is an equal share of the task's vCPU. A request
 * takes service_time × (share at at_vcpu) / (share on this task), so with
 * `concurrency_per_vcpu` (the share is constant) size changes the number
 * of slots, and with a fixed `concurrency` it changes each request's
 * speed: either way throughput is proportional to vCPU. CPU utilisation
 * is busy slot-time over slot-time.
 *
 * A share-only task (EC2, no task-level `cpu`) has no CPU quota in ECS:
 * its containers' `cpu` are cgroup cpu.shares (0 or absent: the minimum,
 * 2), and it runs on whatever CPU of its instance its shares win
 * (capacity/cpu-share.h). Its slots are those of a task of
 * workload_task_vcpu() vCPU (the containers' units, or `at_vcpu` when
 * they reserve none); a request is service_time × (share at at_vcpu)
 * vCPU-seconds of work, done at the CPU its slot gets, at most
 * `slot_max_vcpu`. Its CPU utilisation is CPU used over CPU reserved
 * (workload_task_vcpu()), which exceeds 100% when it uses idle CPU, as
 * CloudWatch reports for EC2. */
#pragma once

#include <glib.h>

#include "models/input/dist.h"
#include "models/input/jnode.h"
#include "models/traffic/traffic.h"

/* A typical web image, compressed: the official wordpress image of the
 * real describe-services log is about this size (UNVERIFIED estimate;
 * REFERENCE.md "Images and start times"). */
#define WORKLOAD_DEFAULT_IMAGE_MIB 250.0

typedef struct {
  TrafficParseOptions traffic;
} WorkloadParseOptions;

/* Why a call attempt failed (a bit each in WorkloadRetry.on). */
typedef enum {
  CALL_ERR_5XX,        /* the callee answered 5xx (refused, timed out in
                          its queue, reset, or its own error) */
  CALL_ERR_TIMEOUT,    /* no answer within the caller's timeout */
  CALL_ERR_CONNECTION, /* no endpoint to connect to */
  CALL_ERR_N,
} CallError;

typedef enum {
  CALL_SEQUENTIAL,
  CALL_PARALLEL,
} CallMode;

/* A call's retry policy. */
typedef struct {
  int attempts;          /* in all, >= 1 */
  SimTime backoff;       /* before the 2nd attempt; doubles after */
  SimTime max_backoff;
  gboolean full_jitter;  /* "full": uniform in [0, backoff) */
  guint on;              /* 1 << CallError for each kind retried */
} WorkloadRetry;

/* How callers find a service's tasks (scenario-refs.c reads the AWS
 * shapes: serviceConnectConfiguration, serviceRegistries, loadBalancers;
 * the simulator's figures are in `workload.discovery`). */
typedef enum {
  DISCOVERY_DIRECT,          /* straight to RUNNING tasks (no LB) */
  DISCOVERY_LOAD_BALANCER,   /* its target group (an internal ALB) */
  DISCOVERY_DNS,             /* Cloud Map DNS records, cached by callers */
  DISCOVERY_SERVICE_CONNECT, /* the callers' Service Connect proxies */
} DiscoveryMode;

typedef struct {
  DiscoveryMode mode;        /* as a callee */
  gboolean service_connect;  /* Service Connect enabled: a proxy runs in
                                its tasks (client or client-server) */
  SimTime dns_ttl;           /* record TTL */
  SimTime dns_extra_cache;   /* callers keep an answer this much longer */
  SimTime propagation_delay; /* Service Connect: proxies learn of a new or
                                removed task after this */
  int consecutive_5xx;       /* outlier detection; 0: off */
  SimTime base_ejection_time;
  double max_ejection_percent;
  int proxy_cpu_units;       /* taken from the task's CPU */
  double proxy_memory_mib;   /* and memory */
} WorkloadDiscovery;

/* One entry of `calls`. */
typedef struct {
  char *service;         /* the callee's name; owned */
  int callee;            /* its service index (scenario-refs.c); -1 before */
  Dist count;            /* calls per request, rounded */
  CallMode mode;
  double at;             /* fraction of the service time before calls */
  SimTime timeout;       /* per attempt; 0: none */
  WorkloadRetry retry;
} WorkloadCall;

typedef struct {
  TrafficConfig *traffic;       /* owned; NULL: no requests */
  Dist service_time;
  double at_vcpu;
  double concurrency_per_vcpu;  /* used when concurrency == 0 */
  int concurrency;              /* fixed slots; 0: per vCPU */
  int queue_limit;
  SimTime timeout;
  double memory_base_mib;       /* < 0: half the task memory */
  double memory_per_request_mib;
  double bytes_per_request;
  double new_connection_ratio;
  gboolean health_check_overload;
  double image_size_mib;        /* containers not in image_sizes */
  GHashTable *image_sizes;      /* container name (lent) -> double* MiB;
                                   owned; NULL when none given */
  gboolean soci_index;
  double slot_max_vcpu;         /* <= 0: the measured share (see
                                   workload_slot_max_vcpu()); share-only
                                   EC2 tasks: the most vCPU one
                                   request in service uses */
  GArray *calls;                /* WorkloadCall; owned; NULL: none */
  WorkloadDiscovery discovery;
  gboolean async_calls;
  double error_rate;
} Workload;

void workload_init(Workload *w);
gboolean workload_parse(const JNode *n, const WorkloadParseOptions *options,
                        Workload *w, GError **error);
void workload_clear(Workload *w);

/* The name of the call graph's edge for call @k of service @caller with
 * workload @w: "caller->callee", with "#n" added for the n-th call (n >=
 * 2) to the same callee. Owned. */
char *workload_call_edge_name(const char *caller, const Workload *w,
                              guint k);

/* The vCPUs a task that reserves @cpu_units CPU units serves with:
 * @cpu_units / 1024, or `at_vcpu` when it reserves none (see above). Always
 * > 0. */
double workload_task_vcpu(const Workload *w, int cpu_units);

/* Slots of a task of @vcpu vCPU (at least 1). */
int workload_slots(const Workload *w, double vcpu);

/* The compressed size in MiB of the image of container @container. */
double workload_image_size_mib(const Workload *w, const char *container);

/* Factor applied to service_time samples on a task of @vcpu vCPU. */
double workload_speed_factor(const Workload *w, double vcpu);

/* vCPU-seconds of work in one second of service_time: the share of one
 * slot at `at_vcpu` (share-only EC2 tasks). */
double workload_work_per_second(const Workload *w);

/* The most vCPU one request in service may use: `slot_max_vcpu`, or by
 * default the share of a slot at `at_vcpu` (workload_work_per_second()),
 * the speed its service_time was measured at. */
double workload_slot_max_vcpu(const Workload *w);
