/* The cluster section in the shapes the AWS CLI prints
 * (scenarios/REFERENCE.md, "AWS CLI output in the cluster section"):
 *
 *   "cluster": {"file": "clusters.json",      aws ecs describe-clusters
 *     "capacityProviders": [{"file": "cps.json"}],
 *                                             describe-capacity-providers
 *     "auto_scaling_groups": [{"file": "asgs.json", "boot_time": "90s"}],
 *                                             describe-auto-scaling-groups
 *     "launch_templates": [{"file": "lts.json"}]}
 *                                             describe-launch-template-versions
 *
 * A capacity provider element binds its name to the Auto Scaling group
 * its autoScalingGroupArn names; the group keeps its own name in
 * AsgConfig.group_name and takes the provider's as AsgConfig.name. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

#include "models/config/cluster-config.h"
#include "models/config/scenario.h"
#include "models/input/jnode.h"

/* Replaces `cluster` {"file": ...} by the cluster its describe-clusters
 * file holds (or the bare cluster object it is), and each {"file": ...}
 * entry of cluster.capacityProviders, auto_scaling_groups and
 * launch_templates by the objects its file lists; the entry's other keys
 * are laid over each. FALSE and @error ("FILE: PATH: reason") when a file
 * cannot be read, or holds several clusters and the entry names none. */
gboolean cluster_aws_resolve_includes(Scenario *scn, cJSON *tree,
                                      JDoc *doc, GError **error);

/* Reads describe-capacity-providers element @item: FARGATE and
 * FARGATE_SPOT need nothing; another binds its name to the group of
 * @cfg its autoScalingGroupArn names and applies its managedScaling and
 * managedTerminationProtection there. FALSE and @error when the group is
 * not in @cfg (naming the command that fetches it), is bound already, or
 * sets those differently itself. */
gboolean cluster_aws_bind_provider(const JNode *item, ClusterConfig *cfg,
                                   GError **error);
