/* `ecsim import`: the fields of the CLI output that the simulation does
 * not use and that a user might think matter, each with the reason.
 * Output-only noise (ARNs, timestamps, counts, events) is not listed. */
#include <string.h>

#include "models/input/jsonfile.h"
#include "models/experiments/import-private.h"

typedef enum { ON_SERVICE, ON_TARGET_GROUP, ON_LOAD_BALANCER, ON_TASKDEF }
  Scope;

typedef enum {
  WHEN_PRESENT,   /* any value */
  WHEN_TRUE,      /* true */
  WHEN_NONEMPTY,  /* a non-empty array or object */
  WHEN_NOT,       /* a string other than @value */
  WHEN_IS,        /* the string @value */
} When;

typedef struct {
  Scope scope;
  const char *pointer; /* inside the object */
  When when;
  const char *value;
  const char *reason;
} Unmapped;

static const Unmapped unmapped[] = {
  { ON_SERVICE, "/networkConfiguration", WHEN_PRESENT, NULL,
    "subnets, security groups and public IPs are not modelled; tasks "
    "spread over the cluster's availability_zones" },
  { ON_SERVICE, "/platformVersion", WHEN_PRESENT, NULL,
    "the Fargate platform version changes no start time or price in "
    "ecsim" },
  { ON_SERVICE, "/enableExecuteCommand", WHEN_TRUE, NULL,
    "ECS Exec does not change how a task runs" },
  { ON_SERVICE, "/propagateTags", WHEN_NOT, "NONE",
    "tags change no placement or cost in ecsim" },
  { ON_SERVICE, "/tags", WHEN_NONEMPTY, NULL,
    "tags change no placement or cost in ecsim" },
  { ON_SERVICE, "/serviceRegistries", WHEN_NONEMPTY, NULL,
    "Cloud Map registrations matter only to callers: model them with "
    "workload.calls and discovery" },
  { ON_SERVICE, "/deploymentConfiguration/alarms/enable", WHEN_TRUE, NULL,
    "rolling back a deployment on CloudWatch alarms is not modelled (the "
    "circuit breaker is)" },
  { ON_SERVICE, "/serviceConnectConfiguration", WHEN_PRESENT, NULL,
    "Service Connect is modelled only between simulated services "
    "(workload.calls)" },
  { ON_SERVICE, "/volumeConfigurations", WHEN_NONEMPTY, NULL,
    "EBS volumes attached at launch are not modelled" },
  { ON_TARGET_GROUP, "/HealthCheckPath", WHEN_PRESENT, NULL,
    "a health check passes or fails by the task's state and load, not by "
    "what a path answers" },
  { ON_TARGET_GROUP, "/Matcher", WHEN_PRESENT, NULL,
    "a health check passes or fails by the task's state and load, not by "
    "status codes" },
  { ON_TARGET_GROUP, "/Protocol", WHEN_IS, "HTTPS",
    "TLS costs no time and no LCU in ecsim" },
  { ON_TARGET_GROUP, "/ProtocolVersion", WHEN_IS, "GRPC",
    "gRPC is simulated as HTTP requests" },
  { ON_LOAD_BALANCER, "/Type", WHEN_IS, "network",
    "ecsim models an Application Load Balancer (requests, LCUs); a Network "
    "Load Balancer balances connections, so latency and cost differ" },
  { ON_LOAD_BALANCER, "/Scheme", WHEN_IS, "internal",
    "an internal load balancer is priced like an internet-facing one" },
  { ON_TASKDEF, "/volumes", WHEN_NONEMPTY, NULL,
    "volumes (EFS, bind mounts) add no I/O time" },
  { ON_TASKDEF, "/proxyConfiguration", WHEN_PRESENT, NULL,
    "App Mesh proxies add no latency" },
};

static gboolean
applies(const Unmapped *u, const cJSON *v)
{
  switch (u->when) {
  case WHEN_PRESENT:
    return v != NULL && !cJSON_IsNull(v);
  case WHEN_TRUE:
    return cJSON_IsTrue(v);
  case WHEN_NONEMPTY:
    return (cJSON_IsArray(v) || cJSON_IsObject(v)) && v->child != NULL;
  case WHEN_NOT:
    return cJSON_IsString(v) && strcmp(v->valuestring, u->value) != 0;
  case WHEN_IS:
    return cJSON_IsString(v) && strcmp(v->valuestring, u->value) == 0;
  }
  return FALSE;
}

/* "/services/0" for the first element of a file's list; "" for a file
 * of one object. */
static char *
obj_path(const ImportObj *o)
{
  const char *key = aws_shape_list_key(o->file->shape);
  if (o->index < 0)
    return g_strdup(o->file->shape == AWS_SHAPE_TASKDEF_WRAPPED
                      ? "/taskDefinition"
                      : o->file->shape == AWS_SHAPE_SERVICE_WRAPPED
                          ? "/service" : "");
  return g_strdup_printf("/%s/%d", key, o->index);
}

static void
note_object(ImportPlan *plan, Scope scope, const ImportObj *o)
{
  if (o == NULL)
    return;
  g_autofree char *base = obj_path(o);
  for (gsize i = 0; i < G_N_ELEMENTS(unmapped); i++) {
    const Unmapped *u = &unmapped[i];
    if (u->scope != scope ||
        !applies(u, json_pointer_get((cJSON *) o->obj, u->pointer)))
      continue;
    g_ptr_array_add(plan->notes, g_strdup_printf(
      "%s: %s%s: not mapped: %s", o->file->path, base, u->pointer,
      u->reason));
  }
}

/* Classic Load Balancers and listener rules: not in the table, as they
 * depend on more than one field. */
static void
note_load_balancing(ImportPlan *plan)
{
  const ImportObj *s = plan->service;
  g_autofree char *base = obj_path(s);
  const cJSON *lbs = cJSON_GetObjectItemCaseSensitive(s->obj,
                                                      "loadBalancers");
  int i = 0;
  for (const cJSON *lb = lbs ? lbs->child : NULL; lb; lb = lb->next, i++)
    if (import_str(lb, "loadBalancerName") && !import_str(lb,
                                                        "targetGroupArn"))
      g_ptr_array_add(plan->notes, g_strdup_printf(
        "%s: %s/loadBalancers/%d/loadBalancerName: not mapped: Classic "
        "Load Balancers are not modelled; the service gets no requests "
        "through it", s->file->path, base, i));
  if (plan->target_groups->len > 0)
    g_ptr_array_add(plan->notes, g_strdup(
      "listener rules (aws elbv2 describe-rules) are not read: every "
      "request of the traffic goes to this service's target group"));
}

void
import_note_unmapped(ImportPlan *plan)
{
  note_object(plan, ON_SERVICE, plan->service);
  note_object(plan, ON_TASKDEF, plan->taskdef);
  for (guint i = 0; i < plan->target_groups->len; i++) {
    const ImportObj *tg = plan->target_groups->pdata[i];
    note_object(plan, ON_TARGET_GROUP, tg);
    const char *lb_arn = cJSON_GetStringValue(cJSON_GetArrayItem(
      cJSON_GetObjectItemCaseSensitive(tg->obj, "LoadBalancerArns"), 0));
    const GPtrArray *lbs = plan->dir->objs[AWS_SHAPE_LOAD_BALANCERS];
    for (guint j = 0; j < lbs->len; j++) {
      const ImportObj *lb = lbs->pdata[j];
      if (g_strcmp0(import_str(lb->obj, "LoadBalancerArn"), lb_arn) == 0)
        note_object(plan, ON_LOAD_BALANCER, lb);
    }
  }
  note_load_balancing(plan);
}
