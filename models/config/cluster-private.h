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

/* cluster-timing.c: the `fargate`, `ec2` and `task_stop` timings. Sets
 * their defaults in a new @cfg. */
void cluster_timing_init(ClusterConfig *cfg);
/* Reads members `fargate`, `ec2` and `task_stop` of the cluster section
 * @n (keys already checked) over the defaults. */
gboolean cluster_timing_parse(const JNode *n, ClusterConfig *cfg,
                              GError **error);
/* Frees what cluster_timing_init() and _parse() hold (not @cfg). */
void cluster_timing_clear(ClusterConfig *cfg);
