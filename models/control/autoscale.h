/* Service Auto Scaling on CloudWatch-like metrics (ECS-REFERENCE §5).
 *
 * Each minute every service with a `scaling` section gets one datapoint
 * of every metric (autoscale-config.h); a datapoint becomes visible
 * `metric_lag` after its minute ends, and policies are evaluated on the
 * minute with the datapoints visible then.
 *
 * Target tracking: scale out when the last 3 visible datapoints are above
 * the target, scale in when the last 15 are below scale_in_ratio × target
 * (ecs-rules, default 0.9); the new capacity is ceil(C × metric / target)
 * clamped to [MinCapacity, MaxCapacity], where C is the number of tasks
 * that were serving while the latest datapoint was measured. Capacity
 * just added counts toward the next scale-out (a scale-out never lowers
 * the desired count), scale-in waits out ScaleInCooldown after the last
 * scale-in, and a scale-out cancels that wait. Several policies: out if
 * any says so, in only if all do, the largest capacity wins. Scale-in is
 * suspended while a deployment is in progress.
 *
 * Step scaling: the policy's alarm (DatapointsToAlarm of EvaluationPeriods
 * breaching) applies the step whose bounds hold metric - threshold, with
 * AWS's PercentChangeInCapacity rounding, MinAdjustmentMagnitude and the
 * policy's Cooldown between actions.
 *
 * The desired count is moved into [MinCapacity, MaxCapacity] at time 0
 * (RegisterScalableTarget does so at once) and whenever a scheduled action
 * sets new bounds at its time; each such move is logged as a
 * "scaling-activity" event in Application Auto Scaling's words.
 *
 * Predictive scaling (an ecsim extension, NOT an AWS feature): every hour
 * the request rate of the coming hour is forecast as the rate of the same
 * hour `lookback` ago (a day by default), and the minimum capacity for the
 * hour becomes ceil(forecast / target_rps_per_task), so that users can see
 * what scaling ahead of demand would save. */
#pragma once

#include "models/config/autoscale-config.h"
#include "models/core/world-private.h"

void autoscale_init(World *w);
void autoscale_free(World *w);


/* Minutes (autoscaling's evaluations, one a minute) at which service
 * @service's desired count stood at its MaxCapacity; -1 when it has no
 * scalable target. */
int autoscale_minutes_at_max(const World *w, guint32 service);

/* Minutes of datapoints and request counts that service @service's
 * scaling holds now: a few more than its alarms and forecast read, not
 * every minute of the run; -1 when it has no scalable target. */
int autoscale_history_held(const World *w, guint32 service);
