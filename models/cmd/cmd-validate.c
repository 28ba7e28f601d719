/* `ecsim validate FILE...`: checks scenarios, and AWS-shaped files alone
 * (a task definition, describe-services or describe-target-groups output),
 * recognised by their shape. */
#include <stdio.h>
#include <string.h>

#include "models/cmd/commands.h"
#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/config/scenario-warnings.h"
#include "models/config/scenario.h"
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
  default: /* the other shapes are read within a scenario */
    return validate_scenario(path, name, text, lenient, error);
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
                         "Each FILE may be a scenario, a task definition "
                         "(as given to register-task-definition\nor returned "
                         "by describe-task-definition), describe-services or "
                         "describe-target-groups\noutput. A scenario's applicationAutoScaling elements "
                         "for resources not in it are\ncounted on one line. "
                         "Each is checked "
                         "alone; problems are printed as FILE:LINE:COLUMN "
                         "(syntax)\nor FILE: /json/path: reason. FILE - reads "
                         "the standard input (named <stdin>;\nits relative "
                         "file names start from the current directory). "
                         "Exit status 2\nwhen any file has a problem.",
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
