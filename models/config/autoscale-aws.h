/* The scenario's `applicationAutoScaling`: the AWS CLI's own outputs,
 * pasted or named by file, turned into services' `scaling` blocks.
 *
 *   "applicationAutoScaling": [
 *     {"file": "aas-targets.json"},    describe-scalable-targets
 *     {"file": "aas-policies.json"},   describe-scaling-policies
 *     {"file": "aas-scheduled.json"},  describe-scheduled-actions
 *     {"file": "alarms.json"}          aws cloudwatch describe-alarms
 *   ]
 *
 * Each entry is recognised by its keys (ScalableTargets, ScalingPolicies,
 * ScheduledActions, MetricAlarms/CompositeAlarms). An element whose
 * ServiceNamespace is "ecs", ScalableDimension "ecs:service:DesiredCount"
 * and ResourceId "service/CLUSTER/SERVICE" (CLUSTER the scenario's
 * cluster.clusterName, SERVICE one of its services) becomes part of that
 * service's `scaling`, exactly as if written there: the scalable target
 * gives the block, policies go to `policies`, scheduled actions to
 * `ScheduledActions`, and a StepScaling policy's alarm (found by name in
 * MetricAlarms, AWS/ECS CPUUtilization or MemoryUtilization of that
 * service) becomes its `Alarm`. The alarms that target tracking creates
 * are ignored: target tracking is modelled from its configuration. Other
 * elements (the CLI returns the whole account's) are skipped and
 * counted. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/input/jnode.h"

/* Writes the `scaling` of each service that `applicationAutoScaling`
 * (in @tree, a scenario after includes and overrides) scales into
 * @tree, recording in @doc where each piece came from, so that the
 * service parser's messages name the CLI file and its path. Sets
 * *@skipped to a one-line account of the elements skipped (owned; NULL
 * when none) and *@unapplied to a warning's message when no element
 * applied to any service although some were given (owned; NULL when
 * not). Returns FALSE and sets @error on a policy or scheduled action
 * without its scalable target, a StepScaling policy whose alarm is not
 * given or not modelled, a service scaled both inline and here, or a
 * resource with two scalable targets. */
gboolean autoscale_aws_apply(cJSON *tree, JDoc *doc, char **skipped,
                             char **unapplied, GError **error);
