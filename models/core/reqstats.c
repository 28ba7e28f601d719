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

void
reqstats_window_close(const ReqStats *rs, ReqWindow *w, SimTime now,
                      ReqWindowTotals *out)
{
  ReqWindow end = { sim_time_avg_integral(&rs->busy, now),
                    sim_time_avg_integral(&rs->slots, now),
                    sim_time_avg_integral(&rs->in_flight, now) };
  *out = (ReqWindowTotals){ end.busy - w->busy, end.slots - w->slots,
                            end.in_flight - w->in_flight };
  *w = end;
}

const char *
reqstats_outcome_name(RequestOutcome outcome)
{
  static const char *const names[] = { "ok", "no_target", "queue_full",
                                       "timeout", "reset" };
  g_return_val_if_fail(outcome < REQ_N_OUTCOMES, "?");
  return names[outcome];
}

