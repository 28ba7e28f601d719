/* `ecsim validate FILE...`: checks scenarios, and AWS CLI outputs alone,
 * recognised by their shape (import-shape.h): those the scenario format
 * parses on their own are parsed as it does; the others, which make sense
 * only inside a scenario, are checked for their shape and described. */
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/config/scenario-warnings.h"
#include "models/config/asg-aws.h"
#include "models/config/scenario.h"
#include "models/config/target-group.h"
#include "models/input/cloudwatch.h"
#include "models/experiments/import-shape.h"

static gboolean
validate_taskdef(const JNode *n, GError **error)
{
  g_autoptr(EcsTaskDef) td = taskdef_parse(n, 1, error);
  if (td == NULL)
    return FALSE;
  printf("%s: ok (task definition %s: %d CPU units, %d MiB, %s%s%s)\n",
         n->file, td->name, td->cpu, td->memory,
         taskdef_network_mode_name(td->network_mode),
         td->compatible & ECS_COMPAT_FARGATE ? ", Fargate-compatible" : "",
         td->compatible & ECS_COMPAT_EC2 ? ", EC2-compatible" : "");
  return TRUE;
}

static gboolean
validate_array(const JNode *root, const char *key, gboolean services,
               GError **error)
{
  JNode arr;
  jn_member(root, key, &arr);
  WorkloadParseOptions options = { 0 };
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    jn_index(&arr, i, &item);
    if (services) {
      g_autoptr(ServiceConfig) svc = service_config_parse(&item, &options,
                                                          error);
      if (svc == NULL)
        return FALSE;
      printf("%s: ok (service %s, desiredCount %d)\n", root->file,
             svc->name, svc->desired_count);
    } else {
      g_autoptr(TargetGroupConfig) tg = target_group_parse(&item, error);
      if (tg == NULL)
        return FALSE;
      printf("%s: ok (target group %s)\n", root->file, tg->name);
    }
  }
  return TRUE;
}

/* ---- AWS CLI outputs read only inside a scenario ------------------- */

typedef struct {
  AwsShape shape;
  const char *list_key;
  const char *one, *many; /* what an element is */
  const char *name_key;   /* its name */
} ListShape;

static const ListShape list_shapes[] = {
  { AWS_SHAPE_CLUSTERS, "clusters", "cluster", "clusters", "clusterName" },
  { AWS_SHAPE_CAPACITY_PROVIDERS, "capacityProviders", "capacity provider",
    "capacity providers", "name" },
  { AWS_SHAPE_AUTO_SCALING_GROUPS, "AutoScalingGroups", "group", "groups",
    "AutoScalingGroupName" },
  { AWS_SHAPE_LAUNCH_TEMPLATES, "LaunchTemplates", "template", "templates",
    "LaunchTemplateName" },
  { AWS_SHAPE_LOAD_BALANCERS, "LoadBalancers", "load balancer",
    "load balancers", "LoadBalancerName" },
  { AWS_SHAPE_SCALABLE_TARGETS, "ScalableTargets", "scalable target",
    "scalable targets", "ResourceId" },
  { AWS_SHAPE_SCALING_POLICIES, "ScalingPolicies", "policy", "policies",
    "PolicyName" },
  { AWS_SHAPE_SCHEDULED_ACTIONS, "ScheduledActions", "scheduled action",
    "scheduled actions", "ScheduledActionName" },
  { AWS_SHAPE_ALARMS, "MetricAlarms", "alarm", "alarms", "AlarmName" },
  { AWS_SHAPE_ALARMS, "CompositeAlarms", "alarm", "alarms", "AlarmName" },
};

/* "describe-auto-scaling-groups" of "aws autoscaling describe-...". */
static const char *
command_name(AwsShape shape)
{
  const char *cmd = aws_shape_command(shape);
  const char *space = strrchr(cmd, ' ');
  return space ? space + 1 : cmd;
}

/* Appends ", NAME" (the first five; then ", ...") to @names. */
static void
add_name(GString *names, guint i, const char *name)
{
  if (i < 5)
    g_string_append_printf(names, ", %s", name);
  else if (i == 5)
    g_string_append(names, ", ...");
}

/* Each element of @root's lists for @shape must be an object with its
 * name; prints "ok (COMMAND output: N things, NAME, ...)". */
static gboolean
validate_list(const JNode *root, AwsShape shape, GError **error)
{
  const ListShape *row = NULL;
  guint n = 0;
  g_autoptr(GString) names = g_string_new(NULL);
  for (gsize k = 0; k < G_N_ELEMENTS(list_shapes); k++) {
    if (list_shapes[k].shape != shape)
      continue;
    row = &list_shapes[k];
    JNode arr;
    if (!jn_member(root, row->list_key, &arr))
      continue;
    if (!jn_check_array(&arr, 0, 100000, error))
      return FALSE;
    for (int i = 0; i < jn_length(&arr); i++, n++) {
      JNode item;
      const char *name = NULL;
      jn_index(&arr, i, &item);
      if (!cJSON_IsObject(item.json))
        return jn_error(&item, error, "expected an object (a %s)", row->one),
               FALSE;
      if (!jn_string(&item, row->name_key, &name, error))
        return FALSE;
      if (name == NULL)
        return jn_error(&item, error, "a %s needs its %s", row->one,
                        row->name_key), FALSE;
      add_name(names, n, name);
    }
  }
  printf("%s: ok (%s output: %u %s%s)\n", root->file, command_name(shape),
         n, n == 1 ? row->one : row->many, names->str);
  return TRUE;
}

/* Launch template versions: read as the cluster section reads them. */
static gboolean
validate_templates(const JNode *root, GError **error)
{
  JNode list;
  jn_member(root, "LaunchTemplateVersions", &list);
  g_autoptr(GPtrArray) versions = g_ptr_array_new_with_free_func(g_free);
  if (!asg_aws_parse_templates(&list, versions, error))
    return FALSE;
  g_autoptr(GString) names = g_string_new(NULL);
  for (guint i = 0; i < versions->len; i++) {
    const LaunchTemplateVersion *v = versions->pdata[i];
    g_autofree char *name = g_strdup_printf(
      "%s:%d %s%s", v->name ? v->name : v->id, v->version,
      v->instance_type ? v->instance_type : "(no instance type)",
      v->is_default ? " (default)" : "");
    add_name(names, i, name);
  }
  printf("%s: ok (describe-launch-template-versions output: %u version%s%s)"
         "\n", root->file, versions->len, versions->len == 1 ? "" : "s",
         names->str);
  return TRUE;
}

/* Target-group attributes: read as a target group's "Attributes" (the
 * file's own paths, /Attributes/0/Value, are the same). */
static gboolean
validate_attributes(const JNode *root, GError **error)
{
  g_autoptr(cJSON) tg = cJSON_CreateObject();
  cJSON_AddStringToObject(tg, "TargetGroupName", "attributes");
  cJSON_AddItemReferenceToObject(
    tg, "Attributes", cJSON_GetObjectItemCaseSensitive(root->json,
                                                       "Attributes"));
  g_autoptr(JDoc) doc = jdoc_new(root->file, ".");
  JNode n;
  jn_root(&n, doc, tg);
  g_autoptr(TargetGroupConfig) cfg = target_group_parse(&n, error);
  if (cfg == NULL)
    return FALSE;
  int count = cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(
                                   root->json, "Attributes"));
  printf("%s: ok (describe-target-group-attributes output: %d attribute%s; "
         "deregistration delay %" G_GINT64_FORMAT " s, %s)\n", root->file,
         count, count == 1 ? "" : "s", cfg->deregistration_delay / SIM_SEC,
         cfg->algorithm == LB_ROUND_ROBIN ? "round_robin"
                                          : "least_outstanding_requests");
  return TRUE;
}

/* Load balancer attributes: Key and Value strings; says whether and
 * where it writes access logs (what ecsim import fetches). */
static gboolean
validate_lb_attributes(const JNode *root, GError **error)
{
  static const char *const keys[] = { "Key", "Value", NULL };
  JNode arr;
  jn_member(root, "Attributes", &arr);
  if (!jn_check_array(&arr, 0, 1000, error))
    return FALSE;
  const char *enabled = NULL, *bucket = NULL, *prefix = NULL;
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode item;
    const char *key = NULL, *value = NULL;
    jn_index(&arr, i, &item);
    if (!jn_check_object(&item, keys, keys, error) ||
        !jn_string(&item, "Key", &key, error) ||
        !jn_string(&item, "Value", &value, error))
      return FALSE;
    if (strcmp(key, "access_logs.s3.enabled") == 0)
      enabled = value;
    else if (strcmp(key, "access_logs.s3.bucket") == 0)
      bucket = value;
    else if (strcmp(key, "access_logs.s3.prefix") == 0)
      prefix = value;
  }
  g_autofree char *logs = g_strcmp0(enabled, "true") == 0
    ? g_strdup_printf("access logs to s3://%s/%s%s", bucket ? bucket : "",
                      prefix ? prefix : "", prefix && *prefix ? "/" : "")
    : g_strdup("no access logs");
  int n = jn_length(&arr);
  printf("%s: ok (describe-load-balancer-attributes output: %d attribute%s;"
         " %s)\n", root->file, n, n == 1 ? "" : "s", logs);
  return TRUE;
}

/* CloudWatch metrics: read as a traffic trace of format cloudwatch. */
static gboolean
validate_metrics(const JNode *root, AwsShape shape, GError **error)
{
  g_autoptr(CwData) data = cloudwatch_parse(root, error);
  if (data == NULL)
    return FALSE;
  g_autoptr(GString) names = g_string_new(NULL);
  for (guint i = 0; i < data->series->len; i++) {
    const CwSeries *s = data->series->pdata[i];
    const char *id = cloudwatch_series_name(s);
    gboolean labelled = s->id && *s->label && strcmp(s->label, id) != 0;
    g_autofree char *name = g_strdup_printf(
      "%s%s%s (%u point%s, every %" G_GINT64_FORMAT " s)", id,
      labelled ? " " : "", labelled ? s->label : "", s->n,
      s->n == 1 ? "" : "s", s->period_us / G_USEC_PER_SEC);
    add_name(names, i, name);
  }
  printf("%s: ok (%s output: %u series%s)\n", root->file,
         command_name(shape), data->series->len, names->str);
  return TRUE;
}

/* The warnings the scenario shows before it runs, on stderr (the run
 * finds more). */
static void
print_warnings(const ScenarioConfig *cfg, const char *label)
{
  g_autoptr(Warnings) ws = warnings_new();
  scenario_add_warnings(cfg, ws);
  g_autoptr(cJSON) array = warnings_to_json(ws, cfg->ignored_warnings);
  fflush(stdout);
  warnings_print_json(array, label, stderr);
}

/* The scenario @text, read from @path and named @name in messages. */
static gboolean
validate_scenario(const char *path, const char *name, const char *text,
                  gboolean lenient, GError **error)
{
  g_autofree char *dir = strcmp(path, INPUT_STDIN_PATH) == 0
                           ? g_strdup(".") : g_path_get_dirname(path);
  g_autoptr(Scenario) scn = scenario_load_data(name, text, dir, error);
  if (scn == NULL)
    return FALSE;
  ScenarioOptions options = { .lenient = lenient };
  g_autoptr(GString) names = g_string_new(NULL);
  for (guint i = 0; i < scenario_n_variants(scn); i++) {
    const char *variant = scenario_variant_name(scn, i);
    g_autoptr(ScenarioConfig) cfg = scenario_configure(scn, variant,
                                                       &options, error);
    if (cfg == NULL) {
      if (scenario_has_variants(scn))
        g_prefix_error(error, "variant %s: ", variant);
      return FALSE;
    }
    g_string_append_printf(names, "%s%s", i ? ", " : "", variant);
    if (cfg->aas_skipped != NULL)
      printf("%s: %s\n", name, cfg->aas_skipped);
    print_warnings(cfg, scenario_has_variants(scn) ? variant : NULL);
  }
  if (scenario_has_variants(scn))
    printf("%s: ok (scenario, %u variants: %s)\n", name,
           scenario_n_variants(scn), names->str);
  else
    printf("%s: ok (scenario)\n", name);
  return TRUE;
}

/* Reads @path once ("-": the standard input can be read only once). */
static gboolean
validate_file(const char *path, gboolean lenient, GError **error)
{
  const char *name = input_display_name(path);
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!input_read_file(path, &text, &len, error))
    return FALSE;
  g_autoptr(cJSON) root = json_parse_text(name, text, len, error);
  if (root == NULL)
    return FALSE;
  AwsShape shape = aws_shape_detect(root);
  g_autofree char *dir = g_path_get_dirname(path);
  g_autoptr(JDoc) doc = jdoc_new(name, dir);
  JNode n, inner;
  jn_root(&n, doc, root);
  switch (shape) {
  case AWS_SHAPE_TASKDEF:
    return validate_taskdef(&n, error);
  case AWS_SHAPE_TASKDEF_WRAPPED:
    jn_member(&n, "taskDefinition", &inner);
    return validate_taskdef(&inner, error);
  case AWS_SHAPE_TARGET_GROUPS:
    return validate_array(&n, "TargetGroups", FALSE, error);
  case AWS_SHAPE_SERVICES:
    return validate_array(&n, "services", TRUE, error);
  case AWS_SHAPE_SERVICE_WRAPPED: {
    WorkloadParseOptions options = { 0 };
    jn_member(&n, "service", &inner);
    g_autoptr(ServiceConfig) svc = service_config_parse(&inner, &options,
                                                        error);
    if (svc != NULL)
      printf("%s: ok (service %s)\n", name, svc->name);
    return svc != NULL;
  }
  case AWS_SHAPE_LAUNCH_TEMPLATE_VERSIONS:
    return validate_templates(&n, error);
  case AWS_SHAPE_TARGET_GROUP_ATTRIBUTES:
    return validate_attributes(&n, error);
  case AWS_SHAPE_LOAD_BALANCER_ATTRIBUTES:
    return validate_lb_attributes(&n, error);
  case AWS_SHAPE_METRIC_DATA:
  case AWS_SHAPE_METRIC_STATISTICS:
    return validate_metrics(&n, shape, error);
  case AWS_SHAPE_NONE:
    return validate_scenario(path, name, text, lenient, error);
  default: /* the shapes read only within a scenario */
    return validate_list(&n, shape, error);
  }
}

int
cmd_validate(int argc, char **argv)
{
  gboolean lenient = FALSE;
  const GOptionEntry entries[] = {
    { "lenient", 0, 0, G_OPTION_ARG_NONE, &lenient,
      "Skip (and count) bad lines in traces instead of failing", NULL },
    G_OPTION_ENTRY_NULL
  };
  if (!cmd_parse_options(&argc, &argv, "FILE...",
                         "Check scenarios and AWS-shaped JSON files.",
                         "Each FILE may be a scenario or the JSON an AWS CLI "
                         "command prints, told by its\nshape. Read as the "
                         "scenario format reads them: a task definition (as "
                         "given to\nregister-task-definition or returned by "
                         "describe-task-definition),\ndescribe-services and "
                         "describe-target-groups output, describe-target-"
                         "group-\nattributes (as a target group's "
                         "Attributes), describe-launch-template-versions\n"
                         "(as the cluster's launch_templates), cloudwatch "
                         "get-metric-data and\nget-metric-statistics (as a "
                         "cloudwatch trace). Checked for their shape and\n"
                         "described (they make sense only within a "
                         "scenario): describe-clusters,\ndescribe-capacity-"
                         "providers, describe-auto-scaling-groups, describe-"
                         "launch-\ntemplates, describe-load-balancers, "
                         "describe-load-balancer-attributes (where\nits "
                         "access logs go), application-autoscaling "
                         "describe-scalable-targets,\ndescribe-scaling-"
                         "policies, describe-scheduled-actions, cloudwatch "
                         "describe-alarms:\n\"ok (describe-auto-scaling-groups "
                         "output: 1 group, "
                         "asg-web)\".\n\nA scenario's applicationAutoScaling "
                         "elements for resources not in it are\ncounted on "
                         "one line. Each FILE is checked alone; problems are "
                         "printed as\nFILE:LINE:COLUMN (syntax) or FILE: "
                         "/json/path: reason. FILE - reads the standard\n"
                         "input (named <stdin>; its relative file names start "
                         "from the current\ndirectory). Exit status 2 when "
                         "any file has a problem.",
                         entries, NULL))
    return EXIT_INPUT;
  if (argc < 2) {
    cmd_error("validate needs at least one FILE (see 'ecsim validate "
              "--help')");
    return EXIT_INPUT;
  }
  int status = 0;
  for (int i = 1; i < argc; i++) {
    g_autoptr(GError) error = NULL;
    if (!validate_file(argv[i], lenient, &error)) {
      fprintf(stderr, "%s\n", error->message);
      status = MAX(status, cmd_status_for(error));
    }
  }
  return status;
}
