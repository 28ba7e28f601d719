/* ECS task definitions: the task level, the Fargate size table, the
 * launch types a definition is compatible with, and its size for
 * placement. Container definitions are in taskdef-container.c.
 *
 * Sources: [API] the ECS API reference (RegisterTaskDefinition,
 * TaskDefinition); [DG23] the ECS Developer Guide 2023 (task definition
 * parameters, task size); ECS-REFERENCE.md §1; ECS's ClientException texts
 * as users quote them in public issues (cited where used). */
#include "models/config/taskdef.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/config/taskdef-private.h"

/* RegisterTaskDefinition's input plus what describe-task-definition adds
 * [API TaskDefinition]. TD_ANY fields are read below. */
static const TdField task_fields[] = {
  { "family", TD_ANY },
  { "taskRoleArn", TD_STRING },
  { "executionRoleArn", TD_STRING },
  { "networkMode", TD_ANY },
  { "containerDefinitions", TD_ARRAY },
  { "volumes", TD_ARRAY },
  { "placementConstraints", TD_ARRAY },
  { "requiresCompatibilities", TD_ARRAY },
  { "cpu", TD_ANY },
  { "memory", TD_ANY },
  { "tags", TD_ARRAY },
  { "pidMode", TD_STRING },
  { "ipcMode", TD_STRING },
  { "proxyConfiguration", TD_OBJECT },
  { "inferenceAccelerators", TD_ARRAY },
  { "ephemeralStorage", TD_ANY },
  { "runtimePlatform", TD_ANY },
  { "enableFaultInjection", TD_BOOL },
  { "taskDefinitionArn", TD_STRING },
  { "revision", TD_ANY },
  { "status", TD_STRING },
  { "requiresAttributes", TD_ARRAY },
  { "compatibilities", TD_ARRAY },
  { "registeredAt", TD_ANY }, /* epoch seconds, or the CLI's ISO text */
  { "deregisteredAt", TD_ANY },
  { "registeredBy", TD_STRING },
  { NULL, TD_ANY },
};

/* In EcsNetworkMode order. */
static const char *const network_modes[] = { "bridge", "awsvpc", "host",
                                             "none", NULL };
/* In EcsCompatibility bit order. */
static const char *const compat_names[] = { "EC2", "FARGATE", "EXTERNAL",
                                            "MANAGED_INSTANCES", NULL };

/* EC2 task cpu: 128 to 196608 units (0.125 to 192 vCPUs) in the current
 * API reference; DG23 (and ECS-REFERENCE §1) still say 10240. */
#define TASK_CPU_MIN 128
#define TASK_CPU_MAX 196608
#define CONTAINERS_MAX 10    /* "Containers per task definition" quota */
#define FARGATE_STOP_MAX 120 /* seconds [API stopTimeout] */

/* ---- the Fargate size table (ECS-REFERENCE §1, DG23 task size) --------- */

typedef struct {
  int cpu;
  int min, max; /* memory MiB */
  int step;     /* MiB; 0: doubling (512 MiB, 1 GB, 2 GB) */
} FargateSize;

static const FargateSize fargate_sizes[] = {
  { 256, 512, 2048, 0 },          { 512, 1024, 4096, 1024 },
  { 1024, 2048, 8192, 1024 },     { 2048, 4096, 16384, 1024 },
  { 4096, 8192, 30720, 1024 },    { 8192, 16384, 61440, 4096 },
  { 16384, 32768, 122880, 8192 },
};

static const FargateSize *
fargate_find(int cpu)
{
  for (gsize i = 0; i < G_N_ELEMENTS(fargate_sizes); i++)
    if (fargate_sizes[i].cpu == cpu)
      return &fargate_sizes[i];
  return NULL;
}

static int
fargate_next(const FargateSize *s, int memory)
{
  return s->step ? memory + s->step : memory * 2;
}

static char *
fargate_list(const FargateSize *s)
{
  GString *out = g_string_new(NULL);
  for (int m = s->min; m <= s->max; m = fargate_next(s, m))
    g_string_append_printf(out, "%s%d", out->len ? ", " : "", m);
  return g_string_free(out, FALSE);
}

/* ECS's text (aws-games/cloud-game-development-toolkit#737), with the
 * valid values in place of "See the Amazon ECS documentation...". */
#define NO_FARGATE_SIZE \
  "No Fargate configuration exists for given values: %d CPU, %d memory; %s"

gboolean
taskdef_fargate_size_ok(int cpu, int memory, GError **error)
{
  const FargateSize *s = fargate_find(cpu);
  if (s == NULL) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                NO_FARGATE_SIZE, cpu, memory, "cpu must be one of 256, 512, "
                "1024, 2048, 4096, 8192, 16384");
    return FALSE;
  }
  for (int m = s->min; m <= s->max; m = fargate_next(s, m))
    if (m == memory)
      return TRUE;
  g_autofree char *list = fargate_list(s);
  g_autofree char *why =
    g_strdup_printf("for cpu %d, memory must be one of %s MiB", cpu, list);
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
              NO_FARGATE_SIZE, cpu, memory, why);
  return FALSE;
}

/* ---- task-level fields -------------------------------------------------- */

/* Up to 255 letters, numbers, hyphens and underscores [API family]; ECS's
 * texts are "Family can not be blank." and "Family contains invalid
 * characters." (aws-actions/amazon-ecs-deploy-task-definition#630,
 * aws/amazon-ecs-cli#37). */
static gboolean
parse_family(const JNode *root, EcsTaskDef *def, GError **error)
{
  JNode v;
  const char *family = NULL;
  jn_member(root, "family", &v);
  if (!jn_string(root, "family", &family, error))
    return FALSE;
  if (family == NULL || *family == '\0') {
    jn_error(&v, error, "Family can not be blank.");
    return FALSE;
  }
  if (!ecs_name_ok(family)) {
    jn_error(&v, error, "Family contains invalid characters. Up to 255 "
             "letters, numbers, hyphens and underscores are allowed.");
    return FALSE;
  }
  def->family = g_strdup(family);
  return TRUE;
}

static gboolean
parse_requires(const JNode *root, EcsTaskDef *def, GError **error)
{
  JNode arr;
  jn_member(root, "requiresCompatibilities", &arr);
  for (int i = 0; i < jn_length(&arr); i++) {
    JNode v;
    const char *s;
    jn_index(&arr, i, &v);
    if (!jn_value_string(&v, &s, error))
      return FALSE;
    int k = 0;
    while (compat_names[k] && strcmp(compat_names[k], s) != 0)
      k++;
    if (compat_names[k] == NULL) {
      const char *hint = input_suggest(s, compat_names);
      jn_error(&v, error, "must be one of EC2, FARGATE, EXTERNAL, "
               "MANAGED_INSTANCES, got \"%s\"%s%s%s", s,
               hint ? "; did you mean '" : "", hint ? hint : "",
               hint ? "'?" : "");
      return FALSE;
    }
    def->requires |= 1u << k;
  }
  return TRUE;
}

/* cpuArchitecture X86_64 (default) or ARM64; operatingSystemFamily LINUX
 * (default) or a WINDOWS_SERVER_* family, which ECS accepts but ecsim
 * does not simulate [API RuntimePlatform]. */
static gboolean
parse_runtime_platform(const JNode *root, EcsTaskDef *def, GError **error)
{
  static const TdField fields[] = { { "cpuArchitecture", TD_ANY },
                                    { "operatingSystemFamily", TD_STRING },
                                    { NULL, TD_ANY } };
  static const char *const archs[] = { "X86_64", "ARM64", NULL };
  JNode rp, os;
  const char *family = "LINUX";
  int arch = ECS_ARCH_X86_64;
  if (!jn_member(root, "runtimePlatform", &rp))
    return TRUE;
  if (!taskdef_check_fields(&rp, fields, NULL, error)
      || !jn_enum(&rp, "cpuArchitecture", archs, &arch, error)
      || !jn_string(&rp, "operatingSystemFamily", &family, error))
    return FALSE;
  def->cpu_architecture = arch;
  jn_member(&rp, "operatingSystemFamily", &os);
  if (g_str_has_prefix(family, "WINDOWS_SERVER_")) {
    jn_error(&os, error, "ecsim simulates Linux tasks only; ECS accepts %s "
             "but ecsim cannot run it", family);
    return FALSE;
  }
  if (strcmp(family, "LINUX") != 0) {
    jn_error(&os, error, "must be LINUX or a WINDOWS_SERVER_* family, got "
             "\"%s\"", family);
    return FALSE;
  }
  return TRUE;
}

/* sizeInGiB 21..200; Fargate gives 20 GiB without it [API
 * EphemeralStorage; DG23]. */
static gboolean
parse_ephemeral_storage(const JNode *root, EcsTaskDef *def, GError **error)
{
  static const TdField fields[] = { { "sizeInGiB", TD_ANY }, { NULL, TD_ANY } };
  static const char *const required[] = { "sizeInGiB", NULL };
  JNode es;
  int64_t gib = 20;
  if (jn_member(root, "ephemeralStorage", &es)
      && (!taskdef_check_fields(&es, fields, required, error)
          || !jn_int(&es, "sizeInGiB", 21, 200, &gib, error)))
    return FALSE;
  def->ephemeral_storage_gib = (int) gib;
  return TRUE;
}

/* Parses "12", "0.25" (a whole number once scaled) or NUMBER UNIT with an
 * optional space, UNIT matching @unit case-insensitively. */
static gboolean
units_from_text(const char *text, const char *unit, int64_t *out)
{
  g_autofree char *s = g_strstrip(g_strdup(text));
  const char *p = s;
  while (g_ascii_isdigit(*p) || *p == '.')
    p++;
  if (p == s || strlen(s) > 32)
    return FALSE;
  g_autofree char *number = g_strndup(s, p - s);
  char *end = NULL;
  double v = g_ascii_strtod(number, &end);
  if (end == NULL || *end != '\0')
    return FALSE;
  while (*p == ' ')
    p++;
  if (*p != '\0' && g_ascii_strcasecmp(p, unit) != 0)
    return FALSE;
  if (*p != '\0')
    v *= 1024;
  if (v > INT_MAX || v != floor(v))
    return FALSE;
  *out = (int64_t) v;
  return TRUE;
}

/* Task-level cpu or memory: a number, a string of digits, or what ECS
 * converts on registration, "1 vCPU"/"1 vcpu" and "1GB"/"1 GB" [API
 * RegisterTaskDefinition cpu, memory]. ECS refuses others with "Invalid
 * 'cpu' setting for task." (task-cpu-memory-error troubleshooting page). */
static gboolean
read_task_units(const JNode *root, const char *key, const char *unit,
                int64_t min, int64_t max, int *out, GError **error)
{
  JNode v;
  int64_t value = 0;
  gboolean ok = FALSE;
  if (!jn_member(root, key, &v))
    return TRUE;
  if (cJSON_IsString(v.json)) {
    ok = units_from_text(v.json->valuestring, unit, &value);
  } else if (cJSON_IsNumber(v.json)) {
    double d = v.json->valuedouble;
    ok = fabs(d) < 9.0e15 && d == floor(d);
    value = ok ? (int64_t) d : 0;
  }
  if (!ok) {
    g_autofree char *got = json_describe(v.json);
    jn_error(&v, error, "Invalid '%s' setting for task: must be %s or \"N "
             "%s\", got %s", key, strcmp(key, "cpu") == 0 ? "CPU units" : "MiB",
             unit, got);
    return FALSE;
  }
  if (value < min || value > max) {
    jn_error(&v, error, "Invalid '%s' setting for task: must be between %"
             G_GINT64_FORMAT " and %" G_GINT64_FORMAT ", got %" G_GINT64_FORMAT,
             key, min, max, value);
    return FALSE;
  }
  *out = (int) value;
  return TRUE;
}

static gboolean
parse_task_level(const JNode *root, EcsTaskDef *def, int revision,
                 GError **error)
{
  int64_t rev = revision;
  int mode = ECS_NETWORK_BRIDGE; /* the EC2 default [DG23 networkMode] */
  if (!taskdef_check_fields(root, task_fields, NULL, error)
      || !parse_family(root, def, error)
      || !jn_int(root, "revision", 1, INT_MAX, &rev, error)
      || !jn_enum(root, "networkMode", network_modes, &mode, error)
      || !parse_requires(root, def, error)
      || !parse_runtime_platform(root, def, error)
      || !read_task_units(root, "cpu", "vCPU", TASK_CPU_MIN, TASK_CPU_MAX,
                          &def->task_cpu, error)
      || !read_task_units(root, "memory", "GB", 1, INT_MAX, &def->task_memory,
                          error)
      || !parse_ephemeral_storage(root, def, error))
    return FALSE;
  def->revision = (int) rev;
  def->name = g_strdup_printf("%s:%d", def->family, def->revision);
  def->network_mode = mode;
  return TRUE;
}

/* ---- containers and the task's totals ---------------------------------- */

static gboolean
name_taken(const EcsTaskDef *def, const char *name)
{
  for (guint i = 0; i < def->containers->len; i++)
    if (strcmp(((EcsContainerDef *) def->containers->pdata[i])->name, name) == 0)
      return TRUE;
  return FALSE;
}

/* ECS's texts: "Container list cannot be empty."
 * (awsdocs/aws-cloudformation-user-guide#454), "Too many containers."
 * (aws/amazon-ecs-cli#184), "Container names must be unique within a Task
 * Definition." (Shippable/support#2946). */
static gboolean
parse_containers(const JNode *root, EcsTaskDef *def, GError **error)
{
  JNode arr;
  jn_member(root, "containerDefinitions", &arr);
  int n = jn_length(&arr);
  if (n == 0) {
    jn_error(&arr, error, "Container list cannot be empty.");
    return FALSE;
  }
  if (n > CONTAINERS_MAX) {
    jn_error(&arr, error, "Too many containers. A task definition holds at "
             "most %d.", CONTAINERS_MAX);
    return FALSE;
  }
  g_autoptr(GHashTable) host_ports = g_hash_table_new(NULL, NULL);
  for (int i = 0; i < n; i++) {
    JNode cn, name;
    jn_index(&arr, i, &cn);
    EcsContainerDef *c = taskdef_container_parse(&cn, def, host_ports, error);
    if (c == NULL)
      return FALSE;
    if (name_taken(def, c->name)) {
      taskdef_container_free(c);
      jn_member(&cn, "name", &name);
      jn_error(&name, error, "Container names must be unique within a Task "
               "Definition.");
      return FALSE;
    }
    g_ptr_array_add(def->containers, c);
  }
  return TRUE;
}

/* Refuses a task without an essential container and container sums over
 * the task-level values, in ECS's words (aws-cloudformation/cfn-lint#4536,
 * which checked against ECS; aws/aws-cdk#24629;
 * cloudnativedaysjp/dreamkast-infra#4766). @v is containerDefinitions. */
static gboolean
check_totals(const JNode *v, const EcsTaskDef *def, gboolean essential,
             int64_t cpu, int64_t memory, GError **error)
{
  if (!essential)
    jn_error(v, error, "Task definition doesn't have any essential "
             "container.");
  else if (def->task_cpu > 0 && cpu > def->task_cpu)
    jn_error(v, error, "The sum of all container 'cpu' values cannot be "
             "greater than the value of the task 'cpu' (%" G_GINT64_FORMAT
             " > %d).", cpu, def->task_cpu);
  else if (def->task_memory > 0 && memory > def->task_memory)
    jn_error(v, error, "The sum of all container 'memoryReservation' values "
             "cannot be greater than the value of the task 'memory' (%"
             G_GINT64_FORMAT " > %d MiB, counting 'memory' where no "
             "'memoryReservation').", memory, def->task_memory);
  else if (cpu > INT_MAX || memory > INT_MAX)
    jn_error(v, error, "the containers' total cpu or memory is too large");
  else
    return TRUE;
  return FALSE;
}

/* Sums the containers into the task's size and longest stopTimeout.
 * Placement reserves the task-level size, else the containers' sum, each
 * container counting memoryReservation if set, else memory [DG23;
 * ECS-REFERENCE §1]. */
static gboolean
sum_containers(const JNode *root, EcsTaskDef *def, GError **error)
{
  int64_t cpu = 0, memory = 0;
  gboolean essential = FALSE;
  JNode v;
  for (guint i = 0; i < def->containers->len; i++) {
    const EcsContainerDef *c = def->containers->pdata[i];
    cpu += c->cpu;
    memory += c->memory_reservation ? c->memory_reservation : c->memory;
    essential |= c->essential;
    def->stop_timeout = MAX(def->stop_timeout,
                            c->stop_timeout ? c->stop_timeout : 30 * SIM_SEC);
  }
  jn_member(root, "containerDefinitions", &v);
  if (!check_totals(&v, def, essential, cpu, memory, error))
    return FALSE;
  def->cpu = def->task_cpu ? def->task_cpu : (int) cpu;
  def->memory = def->task_memory ? def->task_memory : (int) memory;
  return TRUE;
}

/* ---- launch types ------------------------------------------------------- */

/* Fargate's size rules, in ECS's words: "Fargate only supports network
 * mode 'awsvpc'." (aws/amazon-ecs-cli#1145), "Fargate requires that 'cpu'
 * / 'memory' be defined at the task level."
 * (mongodb/terraform-aws-ecs-task-definition#38, aws/amazon-ecs-cli#982),
 * then the size table. */
static gboolean
fargate_size_rules(const JNode *root, const EcsTaskDef *def, GError **error)
{
  JNode v;
  g_autoptr(GError) size = NULL;
  if (def->network_mode != ECS_NETWORK_AWSVPC) {
    jn_member(root, "networkMode", &v);
    jn_error(&v, error, "Fargate only supports network mode 'awsvpc'.");
    return FALSE;
  }
  const char *key = def->task_cpu == 0      ? "cpu"
                    : def->task_memory == 0 ? "memory"
                                            : NULL;
  if (key != NULL) {
    jn_member(root, key, &v);
    jn_error(&v, error, "Fargate requires that '%s' be defined at the task "
             "level.", key);
    return FALSE;
  }
  if (taskdef_fargate_size_ok(def->task_cpu, def->task_memory, &size))
    return TRUE;
  jn_member(root, fargate_find(def->task_cpu) ? "memory" : "cpu", &v);
  jn_error(&v, error, "%s", size->message);
  return FALSE;
}

/* Fargate's other limits: stopTimeout <= 120 s [API ContainerDefinition],
 * no ipcMode (cn-terraform/terraform-aws-ecs-fargate#2), pidMode 'task'
 * only (aws/aws-cdk#29619); the last two in ECS's words. */
static gboolean
fargate_limit_rules(const JNode *root, const EcsTaskDef *def, GError **error)
{
  JNode v, arr;
  const char *pid = NULL;
  jn_member(root, "containerDefinitions", &arr);
  for (guint i = 0; i < def->containers->len; i++) {
    const EcsContainerDef *c = def->containers->pdata[i];
    if (c->stop_timeout <= FARGATE_STOP_MAX * SIM_SEC)
      continue;
    JNode cn;
    jn_index(&arr, (int) i, &cn);
    jn_member(&cn, "stopTimeout", &v);
    jn_error(&v, error, "Tasks using the Fargate launch type allow a "
             "container stopTimeout of at most %d seconds, got %d.",
             FARGATE_STOP_MAX, (int) (c->stop_timeout / SIM_SEC));
    return FALSE;
  }
  if (jn_member(root, "ipcMode", &v)) {
    jn_error(&v, error, "Tasks using the Fargate launch type do not support "
             "ipcMode.");
    return FALSE;
  }
  if (!jn_string(root, "pidMode", &pid, error))
    return FALSE;
  if (pid != NULL && strcmp(pid, "host") == 0) {
    jn_member(root, "pidMode", &v);
    jn_error(&v, error, "Tasks using the Fargate launch type do not support "
             "pidMode 'host'. The supported value for pidMode is 'task'.");
    return FALSE;
  }
  return TRUE;
}

/* Like ECS's `compatibilities`: every definition validates for EC2;
 * EXTERNAL (ECS Anywhere) unless awsvpc, which external instances lack;
 * FARGATE when Fargate's rules pass. A launch type the definition
 * requires must be compatible, and the first broken rule is the error. */
static gboolean
compute_compatibility(const JNode *root, EcsTaskDef *def, GError **error)
{
  g_autoptr(GError) why = NULL;
  gboolean need_fargate = (def->requires & ECS_COMPAT_FARGATE) != 0;
  def->compatible = ECS_COMPAT_EC2;
  if (def->network_mode != ECS_NETWORK_AWSVPC) {
    def->compatible |= ECS_COMPAT_EXTERNAL;
  } else if (def->requires & ECS_COMPAT_EXTERNAL) {
    JNode v;
    jn_member(root, "networkMode", &v);
    jn_error(&v, error, "the EXTERNAL launch type (ECS Anywhere) does not "
             "support networkMode awsvpc");
    return FALSE;
  }
  GError **fargate_error = need_fargate ? error : &why;
  if (fargate_size_rules(root, def, fargate_error)
      && fargate_limit_rules(root, def, fargate_error))
    def->compatible |= ECS_COMPAT_FARGATE;
  else if (need_fargate)
    return FALSE;
  return TRUE;
}

/* ---- public API --------------------------------------------------------- */

EcsTaskDef *
taskdef_parse(const JNode *n, int revision, GError **error)
{
  g_return_val_if_fail(n != NULL, NULL);
  g_return_val_if_fail(error == NULL || *error == NULL, NULL);
  g_autoptr(EcsTaskDef) def = g_new0(EcsTaskDef, 1);
  def->containers = g_ptr_array_new_with_free_func(taskdef_container_free);
  if (!parse_task_level(n, def, revision, error)
      || !parse_containers(n, def, error) || !sum_containers(n, def, error)
      || !compute_compatibility(n, def, error))
    return NULL;
  return g_steal_pointer(&def);
}

void
taskdef_free(EcsTaskDef *def)
{
  if (def == NULL)
    return;
  g_free(def->family);
  g_free(def->name);
  if (def->containers)
    g_ptr_array_unref(def->containers);
  g_free(def);
}

gboolean
taskdef_has_fixed_host_ports(const EcsTaskDef *def)
{
  g_return_val_if_fail(def != NULL, FALSE);
  /* awsvpc tasks each have their own ENI and none has no ports: nothing
   * clashes between two copies on one instance. */
  if (def->network_mode == ECS_NETWORK_AWSVPC
      || def->network_mode == ECS_NETWORK_NONE)
    return FALSE;
  for (guint i = 0; i < def->containers->len; i++) {
    const EcsContainerDef *c = def->containers->pdata[i];
    for (guint j = 0; j < c->port_mappings->len; j++) {
      const EcsPortMapping *p =
        &g_array_index(c->port_mappings, EcsPortMapping, j);
      if (def->network_mode == ECS_NETWORK_HOST || p->host_port != 0)
        return TRUE;
    }
  }
  return FALSE;
}

const EcsContainerDef *
taskdef_find_port(const EcsTaskDef *def, const char *container_name,
                  int container_port)
{
  g_return_val_if_fail(def != NULL, NULL);
  for (guint i = 0; i < def->containers->len; i++) {
    const EcsContainerDef *c = def->containers->pdata[i];
    if (container_name != NULL && strcmp(c->name, container_name) != 0)
      continue;
    for (guint j = 0; j < c->port_mappings->len; j++)
      if (g_array_index(c->port_mappings, EcsPortMapping, j).container_port
          == container_port)
        return c;
  }
  return NULL;
}

const char *
taskdef_network_mode_name(EcsNetworkMode mode)
{
  g_return_val_if_fail(mode <= ECS_NETWORK_NONE, "?");
  return network_modes[mode];
}

const char *
taskdef_arch_name(EcsCpuArch arch)
{
  return arch == ECS_ARCH_ARM64 ? "ARM64" : "X86_64";
}

int
taskdef_hard_memory_mib(const EcsTaskDef *def)
{
  g_return_val_if_fail(def != NULL, 0);
  if (def->task_memory > 0)
    return def->task_memory;
  int sum = 0;
  for (guint i = 0; i < def->containers->len; i++) {
    const EcsContainerDef *c = def->containers->pdata[i];
    if (c->memory <= 0)
      return 0;
    sum += c->memory;
  }
  return sum;
}
