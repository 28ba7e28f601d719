/* Fuzz target: a bare ECS task definition, as a scenario's
 * "taskDefinitions" entry or file holds it (also inside the
 * {"taskDefinition": {...}} that describe-task-definition prints). */
#include "fuzz.h"

#include "models/input/jnode.h"
#include "models/input/jsonfile.h"
#include "models/config/taskdef.h"

static void
parse(const JNode *n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(EcsTaskDef) def = taskdef_parse(n, 1, &error);
  g_assert((def == NULL) != (error == NULL));
  if (def != NULL) {
    /* What the scenario checks ask of a parsed definition. */
    taskdef_has_fixed_host_ports(def);
    taskdef_find_port(def, "app", 8080);
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  g_autoptr(cJSON) json =
    json_parse_text("td.json", (const char *) data, size, NULL);
  if (json == NULL)
    return 0;
  g_autoptr(JDoc) doc = jdoc_new("td.json", ".");
  JNode root, inner;
  jn_root(&root, doc, json);
  parse(&root);
  if (jn_member(&root, "taskDefinition", &inner))
    parse(&inner);
  return 0;
}
