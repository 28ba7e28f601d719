/* ECS managed scaling of Auto Scaling group capacity providers
 * (ECS-REFERENCE §4), and the ASGs' own replacement of lost instances.
 *
 * Each minute, per ASG with managed scaling:
 *   M = instances needed: with tasks waiting in PROVISIONING, the
 *       registered instances plus what the waiting tasks need, first-fit
 *       decreasing on the group's instance type; without, the instances
 *       running at least one non-daemon task;
 *   N = registered instances;
 *   CapacityProviderReservation = M / N × 100 (100 when M = N = 0, 200
 *       when N = 0 < M).
 * A reading above targetCapacity scales out at once (1 datapoint of 1
 * minute), 15 consecutive readings below scale in; the new size is
 * ceil(M × 100 / targetCapacity), at least 2 from zero, the step clamped
 * to [minimumScalingStepSize, maximumScalingStepSize], within min..max.
 * No new scale-out while launched instances are inside
 * instanceWarmupPeriod. Scale-in terminates only empty instances when
 * managed termination protection is on; otherwise the group's default
 * termination policy picks (the zone with most instances, then the
 * oldest) and a busy instance is drained before it terminates. */
#pragma once

#include "models/capacity/cluster.h"

void managed_scaling_init(World *w);
void managed_scaling_free(World *w);

/* The ASG lost an instance: launch a replacement if it is below its
 * desired size. */
void managed_scaling_replace(World *w, int asg);

/* Scale-out and scale-in actions taken so far (all groups). */
guint managed_scaling_actions(const World *w);

/* Minutes (evaluations, one a minute) at which group @asg stood at its
 * MaxSize while tasks waited for an instance of it. */
int managed_scaling_minutes_full(const World *w, int asg);
