/* Request statistics: setup and period rollover. */
#include "models/core/reqstats.h"

void
reqstats_init(ReqStats *rs, SimTime now)
{
  *rs = (ReqStats){ 0 };
  rs->latency = sim_histogram_new();
  rs->latency_run = sim_histogram_new();
  sim_time_avg_init(&rs->busy, now, 0.0);
  sim_time_avg_init(&rs->slots, now, 0.0);
  sim_time_avg_init(&rs->in_flight, now, 0.0);
}

void
reqstats_clear(ReqStats *rs)
{
  sim_histogram_free(rs->latency);
  sim_histogram_free(rs->latency_run);
  sim_histogram_free(rs->minute_latency);
  rs->latency = rs->latency_run = rs->minute_latency = NULL;
}

void
reqstats_take_period(ReqStats *rs)
{
  sim_histogram_merge(rs->latency_run, rs->latency);
  sim_histogram_reset(rs->latency);
}

const char *
reqstats_outcome_name(RequestOutcome outcome)
{
  static const char *const names[] = { "ok", "no_target", "queue_full",
                                       "timeout", "reset" };
  g_return_val_if_fail(outcome < REQ_N_OUTCOMES, "?");
  return names[outcome];
}

