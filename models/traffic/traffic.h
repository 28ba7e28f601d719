/* Request arrival processes: a service's `workload.traffic`.
 *
 * One TrafficConfig is parsed (and its files read and checked) before a run;
 * each run makes a TrafficSource from it that yields arrival times one at a
 * time, so the engine holds at most one pending arrival per source and no
 * memory grows with the number of requests.
 *
 * Kinds of traffic (all accept "scale" (multiplies the rate, default 1) and
 * "shift" (a duration; the pattern is delayed by it, default 0)):
 *   generators   constant, diurnal (24-hour cosine or an hourly profile,
 *                optional weekly factors), step, ramp, spike, bursty (a
 *                two-state MMPP)
 *   rate traces  CSV "time,rate" (seconds or ISO-8601 times, requests/s;
 *                piecewise constant or linear), counts per interval
 *                (whitespace-separated numbers with a declared interval),
 *                or a CloudWatch series of request counts per period
 *   request logs one timestamp per line, Common/Combined Log Format access
 *                logs, ALB access logs: replayed exactly
 * Rates become arrivals as a non-homogeneous Poisson process, so a rate of
 * zero gives no requests. Time 0 of the run is at wall-clock offset
 * `clock_offset` from Monday 00:00, which is what "peak_at" and weekly
 * factors refer to. */
#pragma once

#include <glib.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>

#include "models/input/jnode.h"
#include "sim/time.h"

/* Formats of trace and log files. */
typedef enum {
  TRACE_FORMAT_AUTO,       /* detect from the first line with data */
  TRACE_FORMAT_COUNTS,     /* whitespace-separated counts per interval */
  TRACE_FORMAT_CSV,        /* "time,rate" rows: seconds, requests/s */
  TRACE_FORMAT_TIMESTAMPS, /* one request per line: seconds or ISO-8601 */
  TRACE_FORMAT_CLF,        /* Common/Combined Log Format access log */
  TRACE_FORMAT_ALB,        /* AWS Application Load Balancer access log */
  TRACE_FORMAT_CLOUDWATCH, /* aws cloudwatch get-metric-data or
                              get-metric-statistics JSON: request counts
                              per period */
} TraceFormat;

typedef struct _TrafficConfig TrafficConfig;
typedef struct _TrafficSource TrafficSource;

/* Options that come from the command line rather than the scenario. */
typedef struct {
  gboolean lenient; /* skip bad log/trace lines (counted) instead of failing */
  SimTime horizon;  /* the run's duration: a trace or log that ends before
                       it is an error unless "after_end" says what follows;
                       0: not checked */
} TrafficParseOptions;

/* Parses the traffic object at @n, reading and checking every file it
 * names (relative to @n's file). Returns NULL and sets @error ("FILE: PATH:
 * reason" for the JSON, "TRACEFILE:LINE: reason" for a bad trace line). */
TrafficConfig *traffic_config_parse(const JNode *n,
                                    const TrafficParseOptions *options,
                                    GError **error);
void traffic_config_free(TrafficConfig *cfg);

/* Requests per second the config asks for at run time @t (after scale and
 * shift; for request logs, the log's own rate over the surrounding second).
 * @clock_offset as for traffic_source_new(). */
double traffic_config_rate_at(const TrafficConfig *cfg, SimTime t,
                              SimTime clock_offset);

/* Expected arrivals in [@from, @to) (after scale and shift): the rate's
 * integral, or a request log's own count (the aggregate fidelity's
 * traffic). */
double traffic_config_arrivals(const TrafficConfig *cfg, SimTime from,
                               SimTime to, SimTime clock_offset);

/* Expected mean rate over [0, @duration), requests per second. */
double traffic_config_mean_rate(const TrafficConfig *cfg, SimTime duration,
                                SimTime clock_offset);

/* Why the traffic's CloudWatch series may not be request counts
 * ("metric CPUUtilization/Average: ..."), or NULL. Lent. */
const char *traffic_config_metric_warning(const TrafficConfig *cfg);

/* The "scale" factor (1 when not given). */
double traffic_config_scale(const TrafficConfig *cfg);

/* TRUE when the rates come from a recorded "trace" or "log" file rather
 * than a generator (scaling a recording up multiplies its noise too). */
gboolean traffic_config_is_recorded(const TrafficConfig *cfg);

/* Lines skipped as bad under --lenient while parsing (0 otherwise). */
guint64 traffic_config_skipped_lines(const TrafficConfig *cfg);

/* A source of arrivals for one run. @cfg and @rng are lent and must
 * outlive the source; @rng should be the service's own named stream.
 * @modulation (lent, or NULL: @rng) draws what modulates the rate, the
 * burstiness factors and the bursty generator's states: a stream of its
 * own keeps them the same at every traffic level (`ecsim compare`) and in
 * the aggregate fidelity (TrafficRate below), whose arrivals draw nothing.
 * @extra_scale multiplies every rate (1.0 normally; `ecsim compare` uses it
 * to re-run at other traffic levels). */
TrafficSource *traffic_source_new(const TrafficConfig *cfg, gsl_rng *rng,
                                  gsl_rng *modulation, SimTime clock_offset,
                                  double extra_scale);
void traffic_source_free(TrafficSource *src);

/* The time of the next arrival, >= the previous one returned (the first is
 * >= 0), or SIM_TIME_MAX when there will be no more (a log replayed to its
 * end). Allocates nothing. */
SimTime traffic_source_next(TrafficSource *src);

/* The expected arrivals of a run per interval, for the aggregate
 * fidelity: the rate's integral with the same modulation a TrafficSource
 * made with the same @modulation stream would draw (burstiness factors,
 * the bursty generator's states), or a request log's own count. */
typedef struct _TrafficRate TrafficRate;

TrafficRate *traffic_rate_new(const TrafficConfig *cfg, gsl_rng *modulation,
                              SimTime clock_offset, double extra_scale);
void traffic_rate_free(TrafficRate *r);
/* Expected arrivals in [@from, @to); successive calls must not go back
 * in time (the modulation is drawn as time passes). */
double traffic_rate_arrivals(TrafficRate *r, SimTime from, SimTime to);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrafficConfig, traffic_config_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TrafficSource, traffic_source_free)
