/* Auto Scaling groups in the shape `aws autoscaling
 * describe-auto-scaling-groups` prints (recognised by AutoScalingGroupName),
 * and the launch templates of `aws ec2 describe-launch-template-versions`
 * that give such a group its instance type (scenarios/REFERENCE.md,
 * "AWS CLI output in the cluster section"):
 *
 *   "launch_templates": [{"LaunchTemplateVersions": [{
 *       "LaunchTemplateId": "lt-0123456789abcdef0",
 *       "LaunchTemplateName": "web-lt", "VersionNumber": 1,
 *       "DefaultVersion": true, "LaunchTemplateData": {
 *         "InstanceType": "m6i.large",
 *         "CreditSpecification": {"CpuCredits": "standard"},
 *         "InstanceMarketOptions": {"MarketType": "spot"}}}]}],
 *   "auto_scaling_groups": [{"AutoScalingGroupName": "asg-web",
 *       "MinSize": 0, "MaxSize": 10, "DesiredCapacity": 2,
 *       "AvailabilityZones": ["us-east-1a"],
 *       "LaunchTemplate": {"LaunchTemplateId": "lt-0123456789abcdef0",
 *                          "Version": "$Default"}, ...}]
 *
 * Template data other than those three keys is accepted and ignored. */
#pragma once

#include <glib.h>

#include "models/config/cluster-config.h"
#include "models/input/jnode.h"

/* One launch template version: what a group takes from it. */
typedef struct {
  const char *id;              /* LaunchTemplateId, or NULL; lent */
  const char *name;            /* LaunchTemplateName, or NULL; lent */
  int version;                 /* VersionNumber */
  gboolean is_default;         /* DefaultVersion */
  JNode data;                  /* LaunchTemplateData, for messages */
  const char *instance_type;   /* InstanceType, or NULL; lent */
  int cpu_credits;             /* -1 unset, 0 unlimited, 1 standard */
  gboolean spot;               /* InstanceMarketOptions.MarketType spot */
} LaunchTemplateVersion;

/* Reads `cluster.launch_templates` @arr (an absent node: none) into @out
 * (LaunchTemplateVersion*, owned by @out). Entries are versions or
 * {"LaunchTemplateVersions": [...]} objects. FALSE and @error ("FILE:
 * PATH: reason") on bad input. */
gboolean asg_aws_parse_templates(const JNode *arr, GPtrArray *out,
                                 GError **error);

/* The keys of an AWS-shaped group that are AWS's own (mapped or accepted
 * and ignored), NULL-terminated. */
const char *const *asg_aws_keys(void);

/* FALSE and @error naming the AWS key when AWS-shaped group @n has one
 * of ecsim's lower-case keys that AWS names otherwise (min: MinSize). */
gboolean asg_aws_check_names(const JNode *n, GError **error);

/* Reads the AWS-shaped members of group @n into @asg (name, group_name,
 * azs, spot and creditSpecification from its launch template) and the
 * sizes into @min, @max and @desired (-1: absent); sets
 * @asg->instance_type_name from the launch template when neither a
 * laid-over `instance_type` nor MixedInstancesPolicy overrides give it.
 * FALSE and @error on bad input, a launch template or version missing
 * from @cfg's launch_templates (naming the command that fetches it), or a
 * launch configuration without a laid-over instance_type. */
gboolean asg_aws_parse(const JNode *n, ClusterConfig *cfg, AsgConfig *asg,
                       int64_t *min, int64_t *max, int64_t *desired,
                       GError **error);
