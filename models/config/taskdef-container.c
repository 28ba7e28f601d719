/* One ECS container definition: its fields, port mappings and health
 * check, with the rules RegisterTaskDefinition applies to a container;
 * and the loose JSON type checks of the fields the simulation ignores.
 *
 * Sources: [API] the ECS API reference, ContainerDefinition, PortMapping
 * and HealthCheck; [DG23] the ECS Developer Guide, task definition
 * parameters; ECS's ClientException texts as users quote them in public
 * issues (cited where used). */
#include "models/config/taskdef-private.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"

/* Every ContainerDefinition member of the current API [API]; the ones the
 * simulation reads are TD_ANY here and parsed below. */
static const TdField container_fields[] = {
  { "name", TD_ANY },
  { "image", TD_ANY },
  { "repositoryCredentials", TD_OBJECT },
  { "cpu", TD_ANY },
  { "memory", TD_ANY },
  { "memoryReservation", TD_ANY },
  { "links", TD_ARRAY },
  { "portMappings", TD_ARRAY },
  { "essential", TD_BOOL },
  { "restartPolicy", TD_OBJECT },
  { "entryPoint", TD_ARRAY },
  { "command", TD_ARRAY },
  { "environment", TD_ARRAY },
  { "environmentFiles", TD_ARRAY },
  { "mountPoints", TD_ARRAY },
  { "volumesFrom", TD_ARRAY },
  { "linuxParameters", TD_OBJECT },
  { "secrets", TD_ARRAY },
  { "dependsOn", TD_ARRAY },
  { "startTimeout", TD_INT },
  { "stopTimeout", TD_ANY },
  { "versionConsistency", TD_STRING },
  { "hostname", TD_STRING },
  { "user", TD_STRING },
  { "workingDirectory", TD_STRING },
  { "disableNetworking", TD_BOOL },
  { "privileged", TD_BOOL },
  { "readonlyRootFilesystem", TD_BOOL },
  { "dnsServers", TD_ARRAY },
  { "dnsSearchDomains", TD_ARRAY },
  { "extraHosts", TD_ARRAY },
  { "dockerSecurityOptions", TD_ARRAY },
  { "interactive", TD_BOOL },
  { "pseudoTerminal", TD_BOOL },
  { "dockerLabels", TD_OBJECT },
  { "ulimits", TD_ARRAY },
  { "logConfiguration", TD_OBJECT },
  { "healthCheck", TD_ANY },
  { "systemControls", TD_ARRAY },
  { "resourceRequirements", TD_ARRAY },
  { "firelensConfiguration", TD_OBJECT },
  { "credentialSpecs", TD_ARRAY },
  { NULL, TD_ANY },
};

static const TdField port_fields[] = {
  { "containerPort", TD_ANY },
  { "hostPort", TD_ANY },
  { "protocol", TD_ANY },
  { "name", TD_STRING },
  { "appProtocol", TD_STRING },
  { "containerPortRange", TD_STRING },
  { "hostPortRange", TD_STRING },
  { NULL, TD_ANY },
};

static const TdField health_fields[] = {
  { "command", TD_ARRAY },
  { "interval", TD_ANY },
  { "timeout", TD_ANY },
  { "retries", TD_ANY },
  { "startPeriod", TD_ANY },
  { NULL, TD_ANY },
};

/* ---- loose field checks ------------------------------------------------ */

static const char *
kind_name(TdKind kind)
{
  switch (kind) {
  case TD_STRING: return "a string";
  case TD_INT: return "an integer";
  case TD_BOOL: return "true or false";
  case TD_ARRAY: return "an array";
  case TD_OBJECT: return "an object";
  default: return "anything";
  }
}

static gboolean
kind_ok(const cJSON *v, TdKind kind)
{
  switch (kind) {
  case TD_STRING: return cJSON_IsString(v);
  case TD_INT: return cJSON_IsNumber(v) && fabs(v->valuedouble) < 9.0e15
                      && v->valuedouble == (double) (int64_t) v->valuedouble;
  case TD_BOOL: return cJSON_IsBool(v);
  case TD_ARRAY: return cJSON_IsArray(v);
  case TD_OBJECT: return cJSON_IsObject(v);
  default: return TRUE;
  }
}

gboolean
taskdef_check_fields(const JNode *obj, const TdField *fields,
                     const char *const *required, GError **error)
{
  const char *names[TD_FIELDS_MAX + 1];
  int n = 0;
  for (; fields[n].key != NULL; n++) {
    g_assert(n < TD_FIELDS_MAX);
    names[n] = fields[n].key;
  }
  names[n] = NULL;
  if (!jn_check_object(obj, names, required, error))
    return FALSE;
  for (int i = 0; i < n; i++) {
    JNode v;
    if (!jn_member(obj, fields[i].key, &v) || kind_ok(v.json, fields[i].kind))
      continue;
    g_autofree char *got = json_describe(v.json);
    jn_error(&v, error, "must be %s, got %s", kind_name(fields[i].kind), got);
    return FALSE;
  }
  return TRUE;
}

gboolean
ecs_name_ok(const char *s)
{
  size_t len = strlen(s);
  if (len == 0 || len > 255)
    return FALSE;
  for (const char *p = s; *p; p++)
    if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* ---- one container ----------------------------------------------------- */

void
taskdef_container_free(gpointer container)
{
  EcsContainerDef *c = container;
  if (c == NULL)
    return;
  g_free(c->name);
  g_free(c->image);
  if (c->port_mappings)
    g_array_unref(c->port_mappings);
  g_free(c);
}

/* Reads an optional integer member in [@min, @max] into *@out (left alone
 * when absent). */
static gboolean
read_int(const JNode *obj, const char *key, int min, int max, int *out,
         GError **error)
{
  int64_t v = *out;
  if (!jn_int(obj, key, min, max, &v, error))
    return FALSE;
  *out = (int) v;
  return TRUE;
}

/* name and image are required; the name as family's [API
 * ContainerDefinition name]; ECS says "Container.name should not be
 * null or empty." and "Container.name contains invalid characters."
 * (quoted in hashicorp/terraform#2888, ansible/ansible#22860), and has
 * refused a container without image since 2021 (aws/aws-cli#5924). */
static gboolean
parse_identity(const JNode *n, EcsContainerDef *c, GError **error)
{
  JNode v;
  const char *name = NULL, *image = NULL;
  jn_member(n, "name", &v);
  if (!jn_string(n, "name", &name, error))
    return FALSE;
  if (name == NULL || *name == '\0') {
    jn_error(&v, error, "Container.name should not be null or empty.");
    return FALSE;
  }
  if (!ecs_name_ok(name)) {
    jn_error(&v, error, "Container.name contains invalid characters. Up to "
             "255 letters, numbers, hyphens and underscores are allowed.");
    return FALSE;
  }
  c->name = g_strdup(name);
  jn_member(n, "image", &v);
  if (!jn_string(n, "image", &image, error))
    return FALSE;
  if (image == NULL || *image == '\0') {
    jn_error(&v, error, "Container.image should not be null or empty.");
    return FALSE;
  }
  c->image = g_strdup(image);
  return TRUE;
}

/* cpu, memory and memoryReservation [API ContainerDefinition]. */
static gboolean
parse_size(const JNode *n, const EcsTaskDef *def, EcsContainerDef *c,
           GError **error)
{
  if (!read_int(n, "cpu", 0, INT_MAX, &c->cpu, error)
      || !read_int(n, "memory", 1, INT_MAX, &c->memory, error)
      || !read_int(n, "memoryReservation", 1, INT_MAX, &c->memory_reservation,
                   error))
    return FALSE;
  /* ECS's wording, quoted in mapbox/ecs-watchbot#47 and
   * sil-org/ecs-deploy#59; task-level memory lifts the rule [API]. */
  if (c->memory == 0 && c->memory_reservation == 0 && def->task_memory == 0) {
    jn_error(n, error, "Invalid setting for container '%s'. At least one of "
             "'memory' or 'memoryReservation' must be specified.", c->name);
    return FALSE;
  }
  /* Older docs said "memory must be greater than memoryReservation"; ECS
   * accepts equal values, and the guide was corrected to "greater than or
   * equal to" (awsdocs/amazon-ecs-developer-guide#242). ECS's exact text
   * for this refusal is not public; this follows its "Invalid setting for
   * container" form. */
  if (c->memory > 0 && c->memory < c->memory_reservation) {
    JNode v;
    jn_member(n, "memory", &v);
    jn_error(&v, error, "Invalid setting for container '%s'. 'memory' (%d) "
             "must be greater than or equal to 'memoryReservation' (%d).",
             c->name, c->memory, c->memory_reservation);
    return FALSE;
  }
  /* "The 'memory' setting for container 'x' is greater than for the task."
   * (quoted in pulumi/pulumi-awsx#188). */
  if (def->task_memory > 0 && c->memory > def->task_memory) {
    JNode v;
    jn_member(n, "memory", &v);
    jn_error(&v, error, "The 'memory' setting for container '%s' is greater "
             "than for the task (%d > %d MiB).", c->name, c->memory,
             def->task_memory);
    return FALSE;
  }
  return TRUE;
}

/* Reads containerPort (1..65535) and hostPort (0..65535) of @pm. ECS
 * refuses a bad one with "Invalid 'containerPort' setting for container
 * 'x'." (aws/aws-cli#7288). */
static gboolean
read_ports(const JNode *pm, const EcsContainerDef *c, EcsPortMapping *out,
           GError **error)
{
  static const char *const keys[] = { "containerPort", "hostPort" };
  int64_t ports[2] = { 0, 0 };
  for (int i = 0; i < 2; i++) {
    JNode v;
    int min = i == 0 ? 1 : 0;
    if (!jn_int(pm, keys[i], INT64_MIN, INT64_MAX, &ports[i], error))
      return FALSE;
    if (!jn_member(pm, keys[i], &v) || (ports[i] >= min && ports[i] <= 65535))
      continue;
    jn_error(&v, error, "Invalid '%s' setting for container '%s': must be "
             "between %d and 65535, got %" G_GINT64_FORMAT, keys[i], c->name,
             min, ports[i]);
    return FALSE;
  }
  out->container_port = (int) ports[0];
  out->host_port = (int) ports[1];
  return TRUE;
}

/* The network mode's rule for a mapping [API PortMapping hostPort]:
 * awsvpc and host give each port its own number, so hostPort is blank (0)
 * or the containerPort; none has no ports at all [DG23 networkMode]. */
static gboolean
check_port_mode(const JNode *pm, const EcsTaskDef *def, const EcsPortMapping *p,
                GError **error)
{
  JNode v;
  jn_member(pm, "hostPort", &v);
  if (def->network_mode == ECS_NETWORK_NONE) {
    jn_error(pm, error, "port mappings cannot be specified when "
             "networkMode=none");
    return FALSE;
  }
  if (def->network_mode == ECS_NETWORK_BRIDGE || p->host_port == 0
      || p->host_port == p->container_port)
    return TRUE;
  /* ECS's text for awsvpc (pulumi/pulumi-awsx#935); host mode has the same
   * rule (aws/amazon-ecs-agent#185) and, we assume, the same text. */
  jn_error(&v, error, "When networkMode=%s, the host ports and container "
           "ports in port mappings must match.",
           taskdef_network_mode_name(def->network_mode));
  return FALSE;
}

/* Refuses a fixed host port mapped twice in the task, in ECS's words
 * (aws/amazon-ecs-agent#1220). Bridge port 0 is dynamic: never a clash. */
static gboolean
check_port_unique(const JNode *pm, const EcsTaskDef *def,
                  const EcsPortMapping *p, GHashTable *host_ports,
                  GError **error)
{
  int port = p->host_port;
  if (def->network_mode != ECS_NETWORK_BRIDGE && port == 0)
    port = p->container_port;
  if (port == 0)
    return TRUE;
  gpointer key = GINT_TO_POINTER((p->udp ? 1 << 16 : 0) | port);
  if (g_hash_table_add(host_ports, key))
    return TRUE;
  jn_error(pm, error, "%s host port '%d' is mapped multiple times in task.",
           p->udp ? "UDP" : "TCP", port);
  return FALSE;
}

static gboolean
parse_port_mapping(const JNode *pm, const EcsTaskDef *def, EcsContainerDef *c,
                   GHashTable *host_ports, GError **error)
{
  static const char *const protocols[] = { "tcp", "udp", NULL };
  EcsPortMapping p = { 0, 0, FALSE };
  int protocol = 0;
  if (!taskdef_check_fields(pm, port_fields, NULL, error)
      || !jn_enum(pm, "protocol", protocols, &protocol, error)
      || !read_ports(pm, c, &p, error))
    return FALSE;
  p.udp = protocol == 1;
  JNode v, range;
  if (!jn_member(pm, "containerPort", &v)) {
    /* A containerPortRange mapping is accepted but not simulated. */
    if (jn_member(pm, "containerPortRange", &range))
      return TRUE;
    jn_error(&v, error, "Invalid 'containerPort' setting for container '%s': "
             "containerPort or containerPortRange is required", c->name);
    return FALSE;
  }
  if (!check_port_mode(pm, def, &p, error)
      || !check_port_unique(pm, def, &p, host_ports, error))
    return FALSE;
  g_array_append_val(c->port_mappings, p);
  return TRUE;
}

/* healthCheck with ECS's defaults and ranges [API HealthCheck; DG23]:
 * interval 30 s (5..300), timeout 5 s (2..60), retries 3 (1..10),
 * startPeriod 0 (0..300). command is required. */
static gboolean
parse_health_check(const JNode *n, EcsContainerDef *c, GError **error)
{
  static const char *const required[] = { "command", NULL };
  JNode hc;
  if (!jn_member(n, "healthCheck", &hc))
    return TRUE;
  EcsHealthCheck *h = &c->health_check;
  h->interval = 30 * SIM_SEC;
  h->timeout = 5 * SIM_SEC;
  h->retries = 3;
  h->start_period = 0;
  c->has_health_check = TRUE;
  return taskdef_check_fields(&hc, health_fields, required, error)
         && jn_seconds(&hc, "interval", 5, 300, &h->interval, error)
         && jn_seconds(&hc, "timeout", 2, 60, &h->timeout, error)
         && read_int(&hc, "retries", 1, 10, &h->retries, error)
         && jn_seconds(&hc, "startPeriod", 0, 300, &h->start_period, error);
}

/* hostname is refused under awsvpc: "hostname is not supported on
 * container when networkMode=awsvpc." (labd/ecs-deplojo#26). */
static gboolean
check_hostname(const JNode *n, const EcsTaskDef *def, GError **error)
{
  JNode v;
  if (def->network_mode != ECS_NETWORK_AWSVPC || !jn_member(n, "hostname", &v))
    return TRUE;
  jn_error(&v, error, "hostname is not supported on container when "
           "networkMode=awsvpc.");
  return FALSE;
}

static gboolean
parse_container(const JNode *n, const EcsTaskDef *def, EcsContainerDef *c,
                GHashTable *host_ports, GError **error)
{
  JNode ports;
  if (!taskdef_check_fields(n, container_fields, NULL, error)
      || !parse_identity(n, c, error) || !parse_size(n, def, c, error)
      || !jn_bool(n, "essential", &c->essential, error)
      || !jn_seconds(n, "stopTimeout", 0, INT_MAX, &c->stop_timeout, error)
      || !check_hostname(n, def, error)
      || !parse_health_check(n, c, error))
    return FALSE;
  jn_member(n, "portMappings", &ports);
  for (int i = 0; i < jn_length(&ports); i++) {
    JNode pm;
    jn_index(&ports, i, &pm);
    if (!parse_port_mapping(&pm, def, c, host_ports, error))
      return FALSE;
  }
  return TRUE;
}

EcsContainerDef *
taskdef_container_parse(const JNode *n, const EcsTaskDef *def,
                        GHashTable *host_ports, GError **error)
{
  EcsContainerDef *c = g_new0(EcsContainerDef, 1);
  c->essential = TRUE; /* "If this parameter is omitted, a container is
                          assumed to be essential." [API] */
  c->port_mappings = g_array_new(FALSE, TRUE, sizeof(EcsPortMapping));
  if (!parse_container(n, def, c, host_ports, error)) {
    taskdef_container_free(c);
    return NULL;
  }
  return c;
}
