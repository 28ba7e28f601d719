/* Scheduled faults (the scenario's `faults` array), each at a time:
 *
 *   {"at": "10h", "kind": "deploy", "service": "web",
 *    "taskDefinition": "web:2", ...failure_model keys...}
 *        deploys a new revision; failure keys (failure.h) given here
 *        apply to the new deployment on top of the revision's own
 *   {"at": "2h", "kind": "kill_tasks", "service": "web", "count": 3}
 *        essential containers of N running tasks exit
 *   {"at": "3h", "kind": "az_outage", "az": "us-east-1a",
 *    "duration": "30m"}
 *        instances in the zone fail, Fargate tasks there stop, and
 *        Fargate avoids the zone until it is back
 *   {"at": "4h", "kind": "spot_shortage", "duration": "30m"}
 *        no Fargate Spot capacity
 *   {"at": "5h", "kind": "instance_failure", "asg": "m6i-asg",
 *    "count": 1}
 *        N instances of the group fail
 *   {"at": "1h", "kind": "set_desired", "service": "web",
 *    "desiredCount": 10}
 *        as `aws ecs update-service --desired-count` */
#pragma once

#include <cjson/cJSON.h>

#include "models/config/failure.h"
#include "models/input/jnode.h"
#include "models/config/taskdef.h"
#include "sim/time.h"

typedef enum {
  FAULT_DEPLOY,
  FAULT_KILL_TASKS,
  FAULT_AZ_OUTAGE,
  FAULT_SPOT_SHORTAGE,
  FAULT_INSTANCE_FAILURE,
  FAULT_SET_DESIRED,
} FaultKind;

typedef struct {
  FaultKind kind;
  SimTime at;
  SimTime duration;            /* az_outage, spot_shortage */
  int service;                 /* index, or -1 */
  const EcsTaskDef *taskdef;   /* deploy */
  cJSON *failure;              /* deploy: failure keys (owned), or NULL */
  int count;                   /* kill_tasks, instance_failure */
  int az;                      /* az_outage */
  int asg;                     /* instance_failure */
  int desired;                 /* set_desired */
} FaultConfig;

struct _ScenarioConfig;

/* Parses the faults array at @arr, resolving names against @cfg. Returns
 * a new array of FaultConfig*, or NULL with @error set. */
GPtrArray *faults_parse(const JNode *arr, const struct _ScenarioConfig *cfg,
                        GError **error);
