/* Per-service request statistics, updated on the hot path.
 *
 * Counters and the latency histogram of the current period are closed by
 * the metrics model at each period boundary (reqstats_take_period()); the
 * whole-run figures accumulate alongside. Conservation holds at any time:
 * arrivals = completed + failed (all kinds) + in flight. */
#pragma once

#include <glib.h>

#include "sim/histogram.h"
#include "sim/stats.h"

/* How a request ended. */
typedef enum {
  REQ_OK,          /* completed */
  REQ_NO_TARGET,   /* 503: no target to route to */
  REQ_QUEUE_FULL,  /* 503: the task's queue was full */
  REQ_TIMEOUT,     /* 504: waited longer than the timeout */
  REQ_RESET,       /* 502: the task stopped with the request inside */
  REQ_N_OUTCOMES,
} RequestOutcome;

typedef struct {
  SimCounter arrivals;
  SimCounter outcomes[REQ_N_OUTCOMES]; /* REQ_OK counts completions */
  SimHistogram *latency;     /* completed requests of the current period,
                                microseconds */
  SimHistogram *latency_run; /* the whole run (periods merged in) */
  SimHistogram *minute_latency; /* autoscaling's minute, or NULL */
  SimTimeAvg busy;           /* busy slots over all tasks */
  SimTimeAvg slots;          /* slots of tasks able to serve */
  SimTimeAvg in_flight;      /* requests in service or waiting */
  guint64 in_flight_now;
  SimCounter waited;         /* requests that queued before service */
  double wait_sum;           /* seconds waited by requests that started
                                service, whole run */
  double wait_sum_window;    /* the same, current period */
  SimCounter started;        /* requests that started service */
} ReqStats;

/* Where a window over the areas of busy slots, slots and requests inside
 * started (autoscaling's minute, an export period, the busiest minute of
 * a period), and what it measured when it closed. */
typedef struct {
  double busy, slots, in_flight; /* the areas at its start */
} ReqWindow;

typedef struct {
  double busy_s;      /* busy slot-seconds in the window */
  double slot_s;      /* slot-seconds of tasks able to serve */
  double in_flight_s; /* request-seconds inside (in service or waiting) */
} ReqWindowTotals;

void reqstats_init(ReqStats *rs, SimTime now);
void reqstats_clear(ReqStats *rs);

/* Adds the current period's latencies into the run's and empties them. */
void reqstats_take_period(ReqStats *rs);

/* Name of @outcome for outputs: "ok", "no_target", "queue_full",
 * "timeout", "reset". */
const char *reqstats_outcome_name(RequestOutcome outcome);

static inline void
reqstats_arrival(ReqStats *rs, SimTime now)
{
  sim_counter_add(&rs->arrivals, 1);
  rs->in_flight_now++;
  sim_time_avg_set(&rs->in_flight, now, (double) rs->in_flight_now);
}

static inline void
reqstats_done(ReqStats *rs, SimTime now, SimTime latency)
{
  sim_counter_add(&rs->outcomes[REQ_OK], 1);
  sim_histogram_record(rs->latency, (uint64_t) latency);
  if (rs->minute_latency != NULL)
    sim_histogram_record(rs->minute_latency, (uint64_t) latency);
  rs->in_flight_now--;
  sim_time_avg_set(&rs->in_flight, now, (double) rs->in_flight_now);
}

static inline void
reqstats_failed(ReqStats *rs, SimTime now, RequestOutcome outcome,
                guint64 count)
{
  sim_counter_add(&rs->outcomes[outcome], count);
  rs->in_flight_now -= count;
  sim_time_avg_set(&rs->in_flight, now, (double) rs->in_flight_now);
}

/* A request that arrived at @arrival starts service now (@now). */
static inline void
reqstats_started(ReqStats *rs, SimTime now, SimTime arrival)
{
  double wait = (double) (now - arrival) / 1e6;
  sim_counter_add(&rs->started, 1);
  rs->wait_sum += wait;
  rs->wait_sum_window += wait;
}

static inline void
reqstats_busy(ReqStats *rs, SimTime now, int delta)
{
  sim_time_avg_add(&rs->busy, now, (double) delta);
}

/* Closes window @w at @now: what it measured into *@out, and @w starts
 * again at @now. */
void reqstats_window_close(const ReqStats *rs, ReqWindow *w, SimTime now,
                           ReqWindowTotals *out);

/* CPU utilisation of a closed window, %: busy slot-time over slot-time
 * (0 when no task could serve). */
static inline double
reqstats_window_cpu_pct(const ReqWindowTotals *t)
{
  return t->slot_s > 0 ? 100.0 * t->busy_s / t->slot_s : 0.0;
}

/* Quantile @q of a latency histogram (microseconds) in milliseconds. */
static inline double
reqstats_quantile_ms(const SimHistogram *h, double q)
{
  return sim_histogram_quantile(h, q) / 1000.0;
}
