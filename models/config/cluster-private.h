/* Parsing helpers cluster-config.c shares with the AWS-shaped readers
 * (asg-aws.c, cluster-aws.c). Not for other callers. */
#pragma once

#include "models/config/cluster-config.h"

/* Member "managedScaling" of @parent (the ECS ManagedScaling shape) into
 * @asg's managed scaling fields; absent: @asg unchanged. */
gboolean cluster_parse_managed_scaling(const JNode *parent, AsgConfig *asg,
                                       GError **error);
/* Member @key of group @n (an array of AZ names, each one of the
 * cluster's) into @asg->azs; absent: the cluster's AZs. */
gboolean cluster_parse_asg_azs(const JNode *n, const char *key,
                               const ClusterConfig *cfg, AsgConfig *asg,
                               GError **error);
