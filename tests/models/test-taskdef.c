/* Task definitions: the real AWS JSON shape, ECS's registration rules and
 * their messages, the Fargate size table and the task's size. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jsonfile.h"
#include "models/config/taskdef.h"

/* Inline JSON is written with ' for " so that it reads cleanly in C. */
static char *
json_text(const char *text)
{
  char *s = g_strdup(text);
  for (char *p = s; *p; p++)
    if (*p == '\'')
      *p = '"';
  return s;
}

static EcsTaskDef *
parse_named(const char *name, const char *text, int revision, GError **error)
{
  cJSON *json = json_parse_text(name, text, strlen(text), error);
  cr_assert_not_null(json, "test JSON: %s", (*error)->message);
  g_autoptr(JDoc) doc = jdoc_new(name, ".");
  JNode root;
  jn_root(&root, doc, json);
  EcsTaskDef *def = taskdef_parse(&root, revision, error);
  cJSON_Delete(json);
  return def;
}

static EcsTaskDef *
parse(const char *text, GError **error)
{
  g_autofree char *json = json_text(text);
  return parse_named("td.json", json, 1, error);
}

static EcsTaskDef *
accepted(const char *text)
{
  GError *error = NULL;
  EcsTaskDef *def = parse(text, &error);
  cr_assert_not_null(def, "refused: %s", error ? error->message : "?");
  return def;
}

/* Asserts that @text is refused with exactly "td.json: @message". */
static void
refused(const char *text, const char *message)
{
  GError *error = NULL;
  EcsTaskDef *def = parse(text, &error);
  cr_assert_null(def, "accepted; expected td.json: %s", message);
  cr_assert(g_error_matches(error, ECSIM_INPUT_ERROR,
                            ECSIM_INPUT_ERROR_INVALID));
  g_autofree char *want = g_strconcat("td.json: ", message, NULL);
  cr_assert_str_eq(error->message, want);
  g_error_free(error);
}

/* A minimal valid container and task around containers. */
#define WEB "{'name':'web','image':'nginx','memory':256}"
#define TASK(containers) "{'family':'shop','containerDefinitions':[" containers "]}"
#define TASK_WITH(fields, containers) \
  "{'family':'shop'," fields ",'containerDefinitions':[" containers "]}"
#define FARGATE(fields, containers)                                          \
  TASK_WITH("'requiresCompatibilities':['FARGATE'],'networkMode':'awsvpc'," \
            fields, containers)

/* ---- the AWS sample task definitions in ../shared --------------------- */

typedef struct {
  const char *file;
  const char *error; /* NULL when ECS accepts it; else path and reason */
  guint compatible;
  int cpu, memory;
} SampleVerdict;

#define EC2_EXT (ECS_COMPAT_EC2 | ECS_COMPAT_EXTERNAL)
#define EC2_FG (ECS_COMPAT_EC2 | ECS_COMPAT_FARGATE)
#define AWSVPC_PORTS                                                        \
  "/containerDefinitions/0/portMappings/0/hostPort: When networkMode=awsvpc, " \
  "the host ports and container ports in port mappings must match."

/* What RegisterTaskDefinition does with each file. Not modelled: ECS also
 * refuses the six *_fargate.json files because they use the awslogs log
 * driver without executionRoleArn ("Fargate requires task definition to
 * have execution role ARN to support log driver awslogs."); ecsim has no
 * IAM and leaves that rule out on purpose. */
static const SampleVerdict samples[] = {
  { "consul_ConsulClient.json", NULL, EC2_EXT, 128, 64 },
  { "consul_ConsulServer.json", NULL, EC2_EXT, 128, 64 },
  { "gunicorn_gunicorn_ec2.json", NULL, EC2_FG, 512, 1024 },
  { "gunicorn_gunicorn_fargate.json", NULL, EC2_FG, 512, 1024 },
  { "jetty_jetty_ec2.json", NULL, EC2_FG, 512, 1024 },
  { "jetty_jetty_fargate.json", NULL, EC2_FG, 512, 1024 },
  { "kibana_kibana_ec2.json", AWSVPC_PORTS, 0, 0, 0 }, /* 80 -> 5601 */
  { "kibana_kibana_fargate.json", NULL, EC2_FG, 1024, 2048 },
  { "nginx_nginx_ec2.json", NULL, EC2_EXT, 256, 256 },
  { "nginx_nginx_fargate.json", NULL, EC2_FG, 256, 512 },
  { "tomcat_tomcat_ec2.json", AWSVPC_PORTS, 0, 0, 0 }, /* 80 -> 8080 */
  { "tomcat_tomcat_fargate.json", NULL, EC2_FG, 1024, 2048 },
  { "wildfly_wildfly_ec2.json", NULL, EC2_FG, 512, 1024 },
  { "wildfly_wildfly_fargate.json", NULL, EC2_FG, 512, 1024 },
};

static const SampleVerdict *
sample_verdict(const char *file)
{
  for (gsize i = 0; i < G_N_ELEMENTS(samples); i++)
    if (strcmp(samples[i].file, file) == 0)
      return &samples[i];
  return NULL;
}

static void
check_sample(const char *dir, const SampleVerdict *want)
{
  g_autofree char *path = g_build_filename(dir, want->file, NULL);
  g_autofree char *text = NULL;
  gsize len = 0;
  GError *error = NULL;
  cr_assert(g_file_get_contents(path, &text, &len, NULL), "%s", path);
  g_autoptr(EcsTaskDef) def = parse_named(want->file, text, 1, &error);
  if (want->error != NULL) {
    cr_assert_null(def, "%s was accepted", want->file);
    g_autofree char *msg = g_strdup_printf("%s: %s", want->file, want->error);
    cr_assert_str_eq(error->message, msg);
    g_error_free(error);
    return;
  }
  cr_assert_not_null(def, "%s", error ? error->message : "?");
  cr_assert_eq(def->compatible, want->compatible, "%s", want->file);
  cr_assert_eq(def->cpu, want->cpu, "%s", want->file);
  cr_assert_eq(def->memory, want->memory, "%s", want->file);
}

Test(taskdef, aws_sample_files_get_ecs_verdict)
{
  const char *shared = g_getenv("ECSIM_SHARED");
  g_autofree char *dir = shared ? g_build_filename(
    shared, "realworld", "aws-task-definitions", NULL) : NULL;
  if (dir == NULL || !g_file_test(dir, G_FILE_TEST_IS_DIR))
    cr_skip_test("../shared/realworld/aws-task-definitions is absent");
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  cr_assert_not_null(d);
  int seen = 0;
  for (const char *f; (f = g_dir_read_name(d)) != NULL;) {
    if (!g_str_has_suffix(f, ".json"))
      continue;
    const SampleVerdict *want = sample_verdict(f);
    cr_assert_not_null(want, "%s has no expected verdict in the table", f);
    check_sample(dir, want);
    seen++;
  }
  cr_assert_eq(seen, (int) G_N_ELEMENTS(samples));
}

/* ---- accepted shapes ------------------------------------------------- */

Test(taskdef, minimal_definition_gets_ecs_defaults)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK(WEB));
  cr_assert_str_eq(def->family, "shop");
  cr_assert_str_eq(def->name, "shop:1");
  cr_assert_eq(def->network_mode, ECS_NETWORK_BRIDGE);
  cr_assert_eq(def->cpu_architecture, ECS_ARCH_X86_64);
  cr_assert_eq(def->requires, 0);
  cr_assert_eq(def->ephemeral_storage_gib, 20);
  cr_assert_eq(def->stop_timeout, 30 * SIM_SEC);
  const EcsContainerDef *c = def->containers->pdata[0];
  cr_assert(c->essential);
  cr_assert_not(c->has_health_check);
  cr_assert_eq(c->port_mappings->len, 0);
}

Test(taskdef, revision_comes_from_json_else_from_caller)
{
  GError *error = NULL;
  g_autofree char *json = json_text(TASK(WEB));
  g_autoptr(EcsTaskDef) a = parse_named("td.json", json, 4, &error);
  cr_assert_not_null(a);
  cr_assert_str_eq(a->name, "shop:4");
  g_autoptr(EcsTaskDef) b = accepted(TASK_WITH("'revision':9", WEB));
  cr_assert_eq(b->revision, 9);
  cr_assert_str_eq(b->name, "shop:9");
}

/* What `aws ecs describe-task-definition` prints inside "taskDefinition",
 * with the output-only fields and the nulls the console's JSON view has. */
Test(taskdef, describe_task_definition_output_is_accepted)
{
  g_autoptr(EcsTaskDef) def = accepted(
    "{'taskDefinitionArn':'arn:aws:ecs:us-east-1:123456789012:task-definition/web:7',"
    " 'containerDefinitions':[{'name':'web','image':'nginx:1.25','cpu':0,"
    "   'portMappings':[{'containerPort':80,'hostPort':80,'protocol':'tcp',"
    "     'name':'web-80-tcp','appProtocol':'http'}],"
    "   'essential':true,'environment':[],'environmentFiles':[],'mountPoints':[],"
    "   'volumesFrom':[],'ulimits':null,'memoryReservation':null,"
    "   'logConfiguration':{'logDriver':'awslogs','options':{'awslogs-group':'/ecs/web'},"
    "     'secretOptions':[]},'systemControls':[],'dependsOn':null}],"
    " 'family':'web','executionRoleArn':'arn:aws:iam::123456789012:role/ecsTaskExecutionRole',"
    " 'networkMode':'awsvpc','revision':7,'volumes':[],'status':'ACTIVE',"
    " 'requiresAttributes':[{'name':'com.amazonaws.ecs.capability.logging-driver.awslogs'},"
    "   {'name':'ecs.capability.task-eni'}],"
    " 'placementConstraints':[],'compatibilities':['EC2','FARGATE'],"
    " 'runtimePlatform':{'cpuArchitecture':'ARM64','operatingSystemFamily':'LINUX'},"
    " 'requiresCompatibilities':['FARGATE'],'cpu':'512','memory':'1024',"
    " 'ephemeralStorage':{'sizeInGiB':21},'ipcMode':null,'pidMode':null,"
    " 'registeredAt':'2024-09-15T04:30:11.123000+00:00',"
    " 'registeredBy':'arn:aws:iam::123456789012:user/dev','enableFaultInjection':false,"
    " 'tags':[{'key':'team','value':'shop'}]}");
  cr_assert_str_eq(def->name, "web:7");
  cr_assert_eq(def->requires, ECS_COMPAT_FARGATE);
  cr_assert_eq(def->compatible, ECS_COMPAT_EC2 | ECS_COMPAT_FARGATE);
  cr_assert_eq(def->cpu_architecture, ECS_ARCH_ARM64);
  cr_assert_eq(def->ephemeral_storage_gib, 21);
  cr_assert_eq(def->memory, 1024);
  cr_assert_not_null(taskdef_find_port(def, "web", 80));
}

/* Every RegisterTaskDefinition and ContainerDefinition member is known,
 * even those the simulation ignores. */
Test(taskdef, every_register_task_definition_field_is_accepted)
{
  g_autoptr(EcsTaskDef) def = accepted(
    "{'family':'all','taskRoleArn':'arn:r','executionRoleArn':'arn:e',"
    " 'networkMode':'bridge','volumes':[{'name':'data'}],"
    " 'placementConstraints':[{'type':'memberOf','expression':'attribute:x == y'}],"
    " 'requiresCompatibilities':['EC2','EXTERNAL'],'cpu':'1 vCPU','memory':'2 GB',"
    " 'tags':[],'pidMode':'task','ipcMode':'none',"
    " 'proxyConfiguration':{'type':'APPMESH','containerName':'app'},"
    " 'inferenceAccelerators':[],'ephemeralStorage':{'sizeInGiB':30},"
    " 'runtimePlatform':{'cpuArchitecture':'X86_64'},'enableFaultInjection':true,"
    " 'containerDefinitions':[{'name':'app','image':'app:1',"
    "   'repositoryCredentials':{'credentialsParameter':'arn:s'},'cpu':512,"
    "   'memory':1024,'memoryReservation':512,'links':['db'],"
    "   'portMappings':[{'containerPort':8080,'hostPort':0,'protocol':'tcp'}],"
    "   'essential':true,'restartPolicy':{'enabled':true},'entryPoint':['sh'],"
    "   'command':['run'],'environment':[{'name':'A','value':'1'}],"
    "   'environmentFiles':[],'mountPoints':[],'volumesFrom':[],"
    "   'linuxParameters':{'initProcessEnabled':true},'secrets':[],"
    "   'dependsOn':[{'containerName':'db','condition':'START'}],'startTimeout':60,"
    "   'stopTimeout':90,'versionConsistency':'enabled','hostname':'app',"
    "   'user':'1000','workingDirectory':'/srv','disableNetworking':false,"
    "   'privileged':false,'readonlyRootFilesystem':true,'dnsServers':['10.0.0.2'],"
    "   'dnsSearchDomains':['corp'],'extraHosts':[{'hostname':'h','ipAddress':'10.0.0.9'}],"
    "   'dockerSecurityOptions':[],'interactive':false,'pseudoTerminal':false,"
    "   'dockerLabels':{'team':'shop'},'ulimits':[{'name':'nofile','softLimit':1024,"
    "   'hardLimit':4096}],'logConfiguration':{'logDriver':'json-file'},"
    "   'healthCheck':{'command':['CMD-SHELL','curl -f localhost:8080'],"
    "     'interval':10,'timeout':3,'retries':5,'startPeriod':60},"
    "   'systemControls':[],'resourceRequirements':[],"
    "   'firelensConfiguration':{'type':'fluentbit'},'credentialSpecs':[]},"
    "  {'name':'db','image':'postgres','memoryReservation':256,'essential':false}]}");
  cr_assert_eq(def->requires, ECS_COMPAT_EC2 | ECS_COMPAT_EXTERNAL);
  cr_assert_eq(def->ephemeral_storage_gib, 30);
  cr_assert_eq(def->stop_timeout, 90 * SIM_SEC);
  const EcsContainerDef *app = def->containers->pdata[0];
  cr_assert(app->has_health_check);
  cr_assert_eq(app->health_check.interval, 10 * SIM_SEC);
  cr_assert_eq(app->health_check.timeout, 3 * SIM_SEC);
  cr_assert_eq(app->health_check.retries, 5);
  cr_assert_eq(app->health_check.start_period, 60 * SIM_SEC);
  cr_assert_not(((EcsContainerDef *) def->containers->pdata[1])->essential);
}

/* ---- size ------------------------------------------------------------ */

Test(taskdef, task_level_size_wins_over_containers)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK_WITH(
    "'cpu':'1024','memory':'2048'",
    "{'name':'web','image':'nginx','cpu':256,'memory':512}"));
  cr_assert_eq(def->task_cpu, 1024);
  cr_assert_eq(def->task_memory, 2048);
  cr_assert_eq(def->cpu, 1024);
  cr_assert_eq(def->memory, 2048);
}

Test(taskdef, size_sums_containers_preferring_memory_reservation)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK(
    "{'name':'web','image':'nginx','cpu':256,'memory':512,'memoryReservation':128},"
    "{'name':'log','image':'fluentbit','cpu':128,'memory':300},"
    "{'name':'side','image':'envoy','memoryReservation':64}"));
  cr_assert_eq(def->task_cpu, 0);
  cr_assert_eq(def->task_memory, 0);
  cr_assert_eq(def->cpu, 384);
  cr_assert_eq(def->memory, 128 + 300 + 64);
}

Test(taskdef, task_memory_lets_containers_omit_memory)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK_WITH(
    "'memory':'512'", "{'name':'web','image':'nginx'}"));
  cr_assert_eq(def->memory, 512);
}

Test(taskdef, task_cpu_and_memory_read_numbers_strings_and_units)
{
  static const char *const forms[] = {
    "'cpu':512,'memory':1024",          "'cpu':'512','memory':'1024'",
    "'cpu':'0.5 vCPU','memory':'1 GB'", "'cpu':'.5 vcpu','memory':'1GB'",
    "'cpu':' 0.5vCPU ','memory':'1 gb'",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(forms); i++) {
    g_autofree char *text = g_strdup_printf(
      "{'family':'f',%s,'containerDefinitions':[" WEB "]}", forms[i]);
    g_autoptr(EcsTaskDef) def = accepted(text);
    cr_assert_eq(def->task_cpu, 512, "%s", forms[i]);
    cr_assert_eq(def->task_memory, 1024, "%s", forms[i]);
  }
  g_autoptr(EcsTaskDef) big = accepted(TASK_WITH("'cpu':'2 vCPU','memory':'0.5GB'", WEB));
  cr_assert_eq(big->task_cpu, 2048);
  cr_assert_eq(big->task_memory, 512);
}

/* ECS documents GB for task memory, not MiB with a unit. */
Test(taskdef, task_memory_with_mib_unit_is_refused)
{
  refused(TASK_WITH("'memory':'512 MiB'", WEB),
          "/memory: Invalid 'memory' setting for task: must be MiB or \"N GB\", "
          "got \"512 MiB\"");
}

Test(taskdef, task_cpu_fraction_of_a_unit_is_refused)
{
  refused(TASK_WITH("'cpu':'0.1 vCPU'", WEB),
          "/cpu: Invalid 'cpu' setting for task: must be CPU units or \"N vCPU\", "
          "got \"0.1 vCPU\"");
}

Test(taskdef, task_cpu_of_wrong_type_is_refused)
{
  refused(TASK_WITH("'cpu':true", WEB),
          "/cpu: Invalid 'cpu' setting for task: must be CPU units or \"N vCPU\", "
          "got true");
}

Test(taskdef, ec2_task_cpu_below_128_units_is_refused)
{
  refused(TASK_WITH("'cpu':'64'", WEB),
          "/cpu: Invalid 'cpu' setting for task: must be between 128 and 196608, "
          "got 64");
}

Test(taskdef, task_memory_zero_is_refused)
{
  refused(TASK_WITH("'memory':0", WEB),
          "/memory: Invalid 'memory' setting for task: must be between 1 and "
          "2147483647, got 0");
}

/* ---- the Fargate size table ------------------------------------------ */

/* The table of ECS-REFERENCE §1, written out independently. */
static gboolean
fargate_pair_valid(int cpu, int mib)
{
  int gb = mib / 1024;
  gboolean whole = mib % 1024 == 0;
  switch (cpu) {
  case 256: return mib == 512 || mib == 1024 || mib == 2048;
  case 512: return whole && gb >= 1 && gb <= 4;
  case 1024: return whole && gb >= 2 && gb <= 8;
  case 2048: return whole && gb >= 4 && gb <= 16;
  case 4096: return whole && gb >= 8 && gb <= 30;
  case 8192: return whole && gb >= 16 && gb <= 60 && gb % 4 == 0;
  case 16384: return whole && gb >= 32 && gb <= 120 && gb % 8 == 0;
  default: return FALSE;
  }
}

Test(taskdef, fargate_table_accepts_exactly_the_valid_pairs)
{
  static const int cpus[] = { 128, 256, 512, 1024, 2048, 3072, 4096, 8192,
                              16384, 32768 };
  int valid = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(cpus); i++) {
    for (int mib = 256; mib <= 131072; mib += 256) {
      GError *error = NULL;
      gboolean ok = taskdef_fargate_size_ok(cpus[i], mib, &error);
      cr_assert_eq(ok, fargate_pair_valid(cpus[i], mib), "%d/%d", cpus[i], mib);
      cr_assert(ok == (error == NULL));
      g_clear_error(&error);
      valid += ok;
    }
  }
  cr_assert_eq(valid, 3 + 4 + 7 + 13 + 23 + 12 + 12);
}

static void
fargate_refused(int cpu, int memory, const char *why)
{
  GError *error = NULL;
  cr_assert_not(taskdef_fargate_size_ok(cpu, memory, &error));
  g_autofree char *want = g_strdup_printf(
    "No Fargate configuration exists for given values: %d CPU, %d memory; %s",
    cpu, memory, why);
  cr_assert_str_eq(error->message, want);
  g_error_free(error);
}

Test(taskdef, fargate_table_rejects_neighbours_naming_allowed_values)
{
  fargate_refused(256, 4096, "for cpu 256, memory must be one of 512, 1024, 2048 MiB");
  fargate_refused(256, 1536, "for cpu 256, memory must be one of 512, 1024, 2048 MiB");
  fargate_refused(512, 512,
                  "for cpu 512, memory must be one of 1024, 2048, 3072, 4096 MiB");
  fargate_refused(1024, 9216, "for cpu 1024, memory must be one of 2048, 3072, "
                  "4096, 5120, 6144, 7168, 8192 MiB");
  fargate_refused(8192, 18432, "for cpu 8192, memory must be one of 16384, "
                  "20480, 24576, 28672, 32768, 36864, 40960, 45056, 49152, 53248, "
                  "57344, 61440 MiB");
  fargate_refused(16384, 36864, "for cpu 16384, memory must be one of 32768, "
                  "40960, 49152, 57344, 65536, 73728, 81920, 90112, 98304, 106496, "
                  "114688, 122880 MiB");
  fargate_refused(4096, 31744, "for cpu 4096, memory must be one of 8192, 9216, "
                  "10240, 11264, 12288, 13312, 14336, 15360, 16384, 17408, 18432, "
                  "19456, 20480, 21504, 22528, 23552, 24576, 25600, 26624, 27648, "
                  "28672, 29696, 30720 MiB");
  fargate_refused(300, 1024,
                  "cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384");
}

Test(taskdef, fargate_definition_with_bad_size_names_memory)
{
  refused(FARGATE("'cpu':'512','memory':'512'", WEB),
          "/memory: No Fargate configuration exists for given values: 512 CPU, "
          "512 memory; for cpu 512, memory must be one of 1024, 2048, 3072, 4096 "
          "MiB");
}

Test(taskdef, fargate_definition_with_bad_cpu_names_cpu)
{
  refused(FARGATE("'cpu':'300','memory':'1024'", WEB),
          "/cpu: No Fargate configuration exists for given values: 300 CPU, 1024 "
          "memory; cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384");
}

/* ---- launch types ----------------------------------------------------- */

Test(taskdef, fargate_requires_awsvpc)
{
  refused(TASK_WITH("'requiresCompatibilities':['FARGATE'],'networkMode':'bridge',"
                    "'cpu':'256','memory':'512'", WEB),
          "/networkMode: Fargate only supports network mode 'awsvpc'.");
}

Test(taskdef, fargate_requires_network_mode_even_when_absent)
{
  refused(TASK_WITH("'requiresCompatibilities':['FARGATE'],'cpu':'256',"
                    "'memory':'512'", WEB),
          "/networkMode: Fargate only supports network mode 'awsvpc'.");
}

Test(taskdef, fargate_requires_task_cpu)
{
  refused(FARGATE("'memory':'512'", WEB),
          "/cpu: Fargate requires that 'cpu' be defined at the task level.");
}

Test(taskdef, fargate_requires_task_memory)
{
  refused(FARGATE("'cpu':'256'", WEB),
          "/memory: Fargate requires that 'memory' be defined at the task level.");
}

Test(taskdef, fargate_stop_timeout_is_at_most_120_seconds)
{
  refused(FARGATE("'cpu':'256','memory':'512'",
                  "{'name':'web','image':'nginx','stopTimeout':121}"),
          "/containerDefinitions/0/stopTimeout: Tasks using the Fargate launch "
          "type allow a container stopTimeout of at most 120 seconds, got 121.");
  g_autoptr(EcsTaskDef) def = accepted(FARGATE(
    "'cpu':'256','memory':'512'", "{'name':'web','image':'nginx','stopTimeout':120}"));
  cr_assert_eq(def->stop_timeout, 120 * SIM_SEC);
}

Test(taskdef, ec2_allows_long_stop_timeout_but_not_fargate)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK_WITH(
    "'networkMode':'awsvpc','cpu':'256','memory':'512'",
    "{'name':'web','image':'nginx','stopTimeout':300}"));
  cr_assert_eq(def->stop_timeout, 300 * SIM_SEC);
  cr_assert_eq(def->compatible, ECS_COMPAT_EC2);
}

Test(taskdef, fargate_refuses_ipc_mode)
{
  refused(FARGATE("'cpu':'256','memory':'512','ipcMode':'task'", WEB),
          "/ipcMode: Tasks using the Fargate launch type do not support ipcMode.");
}

Test(taskdef, fargate_refuses_host_pid_mode)
{
  refused(FARGATE("'cpu':'256','memory':'512','pidMode':'host'", WEB),
          "/pidMode: Tasks using the Fargate launch type do not support pidMode "
          "'host'. The supported value for pidMode is 'task'.");
}

Test(taskdef, compatibilities_follow_what_each_launch_type_allows)
{
  g_autoptr(EcsTaskDef) bridge = accepted(TASK(WEB));
  cr_assert_eq(bridge->compatible, ECS_COMPAT_EC2 | ECS_COMPAT_EXTERNAL);
  g_autoptr(EcsTaskDef) vpc_no_size =
    accepted(TASK_WITH("'networkMode':'awsvpc'", WEB));
  cr_assert_eq(vpc_no_size->compatible, ECS_COMPAT_EC2);
  g_autoptr(EcsTaskDef) vpc_odd_size =
    accepted(TASK_WITH("'networkMode':'awsvpc','cpu':'512','memory':'512'", WEB));
  cr_assert_eq(vpc_odd_size->compatible, ECS_COMPAT_EC2);
  g_autoptr(EcsTaskDef) vpc_sized =
    accepted(TASK_WITH("'networkMode':'awsvpc','cpu':'256','memory':'512'", WEB));
  cr_assert_eq(vpc_sized->compatible, ECS_COMPAT_EC2 | ECS_COMPAT_FARGATE);
}

Test(taskdef, external_launch_type_refuses_awsvpc)
{
  refused(TASK_WITH("'requiresCompatibilities':['EXTERNAL'],'networkMode':'awsvpc'",
                    WEB),
          "/networkMode: the EXTERNAL launch type (ECS Anywhere) does not "
          "support networkMode awsvpc");
}

Test(taskdef, unknown_launch_type_is_refused_with_hint)
{
  refused(TASK_WITH("'requiresCompatibilities':['FARGAT']", WEB),
          "/requiresCompatibilities/0: must be one of EC2, FARGATE, EXTERNAL, "
          "MANAGED_INSTANCES, got \"FARGAT\"; did you mean 'FARGATE'?");
}

Test(taskdef, managed_instances_launch_type_is_accepted)
{
  g_autoptr(EcsTaskDef) def =
    accepted(TASK_WITH("'requiresCompatibilities':['MANAGED_INSTANCES']", WEB));
  cr_assert_eq(def->requires, ECS_COMPAT_MANAGED_INSTANCES);
}

/* ---- runtime platform, storage ---------------------------------------- */

Test(taskdef, windows_task_is_refused_as_not_simulated)
{
  refused(TASK_WITH("'runtimePlatform':{'operatingSystemFamily':"
                    "'WINDOWS_SERVER_2022_CORE'}", WEB),
          "/runtimePlatform/operatingSystemFamily: ecsim simulates Linux tasks "
          "only; ECS accepts WINDOWS_SERVER_2022_CORE but ecsim cannot run it");
}

Test(taskdef, unknown_operating_system_family_is_refused)
{
  refused(TASK_WITH("'runtimePlatform':{'operatingSystemFamily':'MACOS'}", WEB),
          "/runtimePlatform/operatingSystemFamily: must be LINUX or a "
          "WINDOWS_SERVER_* family, got \"MACOS\"");
}

Test(taskdef, unknown_cpu_architecture_is_refused)
{
  refused(TASK_WITH("'runtimePlatform':{'cpuArchitecture':'ARM'}", WEB),
          "/runtimePlatform/cpuArchitecture: must be one of X86_64, ARM64, got "
          "\"ARM\"");
}

Test(taskdef, ephemeral_storage_below_21_gib_is_refused)
{
  refused(TASK_WITH("'ephemeralStorage':{'sizeInGiB':20}", WEB),
          "/ephemeralStorage/sizeInGiB: must be between 21 and 200, got 20");
}

Test(taskdef, ephemeral_storage_needs_its_size)
{
  refused(TASK_WITH("'ephemeralStorage':{}", WEB),
          "/ephemeralStorage/sizeInGiB: required key is missing");
}

/* ---- names and shape ------------------------------------------------- */

Test(taskdef, definition_that_is_not_an_object_is_refused)
{
  refused("[]", "/: must be an object, got an array []");
}

Test(taskdef, unknown_task_key_suggests_the_aws_name)
{
  refused("{'family':'shop','containerDefinition':[" WEB "]}",
          "/containerDefinition: unknown key; did you mean "
          "'containerDefinitions'?");
}

Test(taskdef, unknown_container_key_suggests_the_aws_name)
{
  refused(TASK("{'name':'web','image':'nginx','memoryReservaton':256}"),
          "/containerDefinitions/0/memoryReservaton: unknown key; did you mean "
          "'memoryReservation'?");
}

Test(taskdef, ignored_field_of_wrong_type_is_refused)
{
  refused(TASK("{'name':'web','image':'nginx','memory':256,'command':'run'}"),
          "/containerDefinitions/0/command: must be an array, got \"run\"");
}

Test(taskdef, network_mode_typo_is_refused_with_hint)
{
  refused(TASK_WITH("'networkMode':'brige'", WEB),
          "/networkMode: must be one of bridge, awsvpc, host, none, got "
          "\"brige\"; did you mean 'bridge'?");
}

Test(taskdef, missing_family_is_refused)
{
  refused("{'containerDefinitions':[" WEB "]}", "/family: Family can not be blank.");
}

Test(taskdef, family_with_invalid_characters_is_refused)
{
  refused("{'family':'shop web','containerDefinitions':[" WEB "]}",
          "/family: Family contains invalid characters. Up to 255 letters, "
          "numbers, hyphens and underscores are allowed.");
}

Test(taskdef, empty_container_list_is_refused)
{
  refused(TASK(""), "/containerDefinitions: Container list cannot be empty.");
}

Test(taskdef, more_than_ten_containers_are_refused)
{
  GString *list = g_string_new(NULL);
  for (int i = 0; i < 11; i++)
    g_string_append_printf(list, "%s{'name':'c%d','image':'i','memory':8}",
                           i ? "," : "", i);
  g_autofree char *text = g_strdup_printf(
    "{'family':'f','containerDefinitions':[%s]}", list->str);
  g_string_free(list, TRUE);
  refused(text, "/containerDefinitions: Too many containers. A task definition "
          "holds at most 10.");
}

Test(taskdef, container_without_name_is_refused)
{
  refused(TASK("{'image':'nginx','memory':256}"),
          "/containerDefinitions/0/name: Container.name should not be null or "
          "empty.");
}

Test(taskdef, container_name_with_invalid_characters_is_refused)
{
  refused(TASK("{'name':'web.1','image':'nginx','memory':256}"),
          "/containerDefinitions/0/name: Container.name contains invalid "
          "characters. Up to 255 letters, numbers, hyphens and underscores are "
          "allowed.");
}

Test(taskdef, container_without_image_is_refused)
{
  refused(TASK("{'name':'web','memory':256}"),
          "/containerDefinitions/0/image: Container.image should not be null or "
          "empty.");
}

Test(taskdef, duplicate_container_names_are_refused)
{
  refused(TASK(WEB "," WEB),
          "/containerDefinitions/1/name: Container names must be unique within a "
          "Task Definition.");
}

Test(taskdef, definition_without_essential_container_is_refused)
{
  refused(TASK("{'name':'web','image':'nginx','memory':256,'essential':false}"),
          "/containerDefinitions: Task definition doesn't have any essential "
          "container.");
}

/* ---- container memory and cpu --------------------------------------- */

Test(taskdef, container_needs_memory_or_reservation_without_task_memory)
{
  refused(TASK("{'name':'web','image':'nginx'}"),
          "/containerDefinitions/0: Invalid setting for container 'web'. At least "
          "one of 'memory' or 'memoryReservation' must be specified.");
}

Test(taskdef, memory_below_reservation_is_refused)
{
  refused(TASK("{'name':'web','image':'nginx','memory':256,'memoryReservation':512}"),
          "/containerDefinitions/0/memory: Invalid setting for container 'web'. "
          "'memory' (256) must be greater than or equal to 'memoryReservation' "
          "(512).");
}

Test(taskdef, memory_equal_to_reservation_is_accepted)
{
  g_autoptr(EcsTaskDef) def = accepted(
    TASK("{'name':'web','image':'nginx','memory':256,'memoryReservation':256}"));
  cr_assert_eq(def->memory, 256);
}

Test(taskdef, container_memory_above_task_memory_is_refused)
{
  refused(TASK_WITH("'memory':'512'", "{'name':'web','image':'nginx','memory':1024}"),
          "/containerDefinitions/0/memory: The 'memory' setting for container "
          "'web' is greater than for the task (1024 > 512 MiB).");
}

Test(taskdef, container_reservations_above_task_memory_are_refused)
{
  refused(TASK_WITH("'memory':'512'",
                    "{'name':'a','image':'i','memoryReservation':300},"
                    "{'name':'b','image':'i','memory':400}"),
          "/containerDefinitions: The sum of all container 'memoryReservation' "
          "values cannot be greater than the value of the task 'memory' (700 > 512 "
          "MiB, counting 'memory' where no 'memoryReservation').");
}

Test(taskdef, container_cpu_above_task_cpu_is_refused)
{
  refused(TASK_WITH("'cpu':'256'",
                    "{'name':'a','image':'i','memory':64,'cpu':200},"
                    "{'name':'b','image':'i','memory':64,'cpu':100}"),
          "/containerDefinitions: The sum of all container 'cpu' values cannot be "
          "greater than the value of the task 'cpu' (300 > 256).");
}

Test(taskdef, negative_container_cpu_is_refused)
{
  refused(TASK("{'name':'web','image':'nginx','memory':256,'cpu':-1}"),
          "/containerDefinitions/0/cpu: must be >= 0, got -1");
}

/* ---- port mappings -------------------------------------------------- */

#define PORTS(maps) "{'name':'web','image':'nginx','memory':256,'portMappings':[" maps "]}"

Test(taskdef, awsvpc_host_port_must_match_container_port)
{
  refused(TASK_WITH("'networkMode':'awsvpc'", PORTS("{'containerPort':8080,'hostPort':80}")),
          "/containerDefinitions/0/portMappings/0/hostPort: When networkMode=awsvpc, "
          "the host ports and container ports in port mappings must match.");
  g_autoptr(EcsTaskDef) def = accepted(TASK_WITH(
    "'networkMode':'awsvpc'", PORTS("{'containerPort':8080},{'containerPort':81,"
                                    "'hostPort':81},{'containerPort':82,'hostPort':0}")));
  cr_assert_not(taskdef_has_fixed_host_ports(def));
}

Test(taskdef, host_mode_host_port_must_match_container_port)
{
  refused(TASK_WITH("'networkMode':'host'", PORTS("{'containerPort':8080,'hostPort':80}")),
          "/containerDefinitions/0/portMappings/0/hostPort: When networkMode=host, "
          "the host ports and container ports in port mappings must match.");
  g_autoptr(EcsTaskDef) def =
    accepted(TASK_WITH("'networkMode':'host'", PORTS("{'containerPort':8080}")));
  cr_assert(taskdef_has_fixed_host_ports(def));
}

Test(taskdef, bridge_host_port_zero_is_dynamic_and_fixed_one_is_not)
{
  g_autoptr(EcsTaskDef) dynamic = accepted(TASK(PORTS("{'containerPort':80,'hostPort':0},"
                                                      "{'containerPort':81}")));
  cr_assert_not(taskdef_has_fixed_host_ports(dynamic));
  g_autoptr(EcsTaskDef) fixed = accepted(TASK(PORTS("{'containerPort':80,'hostPort':8080}")));
  cr_assert(taskdef_has_fixed_host_ports(fixed));
  const EcsPortMapping *p = &g_array_index(
    ((EcsContainerDef *) fixed->containers->pdata[0])->port_mappings, EcsPortMapping, 0);
  cr_assert_eq(p->container_port, 80);
  cr_assert_eq(p->host_port, 8080);
  cr_assert_not(p->udp);
}

Test(taskdef, host_port_mapped_twice_in_a_task_is_refused)
{
  refused(TASK(PORTS("{'containerPort':80,'hostPort':8080}") ","
               "{'name':'api','image':'api','memory':64,'portMappings':"
               "[{'containerPort':81,'hostPort':8080}]}"),
          "/containerDefinitions/1/portMappings/0: TCP host port '8080' is mapped "
          "multiple times in task.");
}

Test(taskdef, same_port_over_tcp_and_udp_is_accepted)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK_WITH("'networkMode':'awsvpc'", PORTS(
    "{'containerPort':53,'protocol':'tcp'},{'containerPort':53,'protocol':'udp'}")));
  const EcsContainerDef *c = def->containers->pdata[0];
  cr_assert(g_array_index(c->port_mappings, EcsPortMapping, 1).udp);
}

Test(taskdef, awsvpc_container_port_used_twice_is_refused)
{
  refused(TASK_WITH("'networkMode':'awsvpc'", PORTS("{'containerPort':80},"
                                                    "{'containerPort':80}")),
          "/containerDefinitions/0/portMappings/1: TCP host port '80' is mapped "
          "multiple times in task.");
}

Test(taskdef, container_port_out_of_range_is_refused)
{
  refused(TASK(PORTS("{'containerPort':70000}")),
          "/containerDefinitions/0/portMappings/0/containerPort: Invalid "
          "'containerPort' setting for container 'web': must be between 1 and "
          "65535, got 70000");
}

Test(taskdef, negative_host_port_is_refused)
{
  refused(TASK(PORTS("{'containerPort':80,'hostPort':-1}")),
          "/containerDefinitions/0/portMappings/0/hostPort: Invalid 'hostPort' "
          "setting for container 'web': must be between 0 and 65535, got -1");
}

Test(taskdef, port_mapping_needs_a_container_port)
{
  refused(TASK(PORTS("{'hostPort':80}")),
          "/containerDefinitions/0/portMappings/0/containerPort: Invalid "
          "'containerPort' setting for container 'web': containerPort or "
          "containerPortRange is required");
}

Test(taskdef, port_range_mapping_is_accepted_but_not_simulated)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK_WITH("'networkMode':'awsvpc'",
    PORTS("{'containerPortRange':'8000-8010','protocol':'tcp'}")));
  cr_assert_eq(((EcsContainerDef *) def->containers->pdata[0])->port_mappings->len, 0);
}

Test(taskdef, unknown_protocol_is_refused)
{
  refused(TASK(PORTS("{'containerPort':80,'protocol':'sctp'}")),
          "/containerDefinitions/0/portMappings/0/protocol: must be one of tcp, "
          "udp, got \"sctp\"");
}

Test(taskdef, port_mappings_are_refused_without_network)
{
  refused(TASK_WITH("'networkMode':'none'", PORTS("{'containerPort':80}")),
          "/containerDefinitions/0/portMappings/0: port mappings cannot be "
          "specified when networkMode=none");
}

Test(taskdef, hostname_is_refused_under_awsvpc)
{
  refused(TASK_WITH("'networkMode':'awsvpc'",
                    "{'name':'web','image':'nginx','memory':256,'hostname':'web'}"),
          "/containerDefinitions/0/hostname: hostname is not supported on "
          "container when networkMode=awsvpc.");
}

Test(taskdef, find_port_looks_in_the_named_container)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK(
    PORTS("{'containerPort':80}") ",{'name':'api','image':'api','memory':64,"
    "'portMappings':[{'containerPort':9000}]}"));
  cr_assert_str_eq(taskdef_find_port(def, NULL, 9000)->name, "api");
  cr_assert_str_eq(taskdef_find_port(def, "web", 80)->name, "web");
  cr_assert_null(taskdef_find_port(def, "web", 9000));
  cr_assert_null(taskdef_find_port(def, NULL, 443));
}

/* ---- health checks ---------------------------------------------------- */

#define HC(fields) "{'name':'web','image':'nginx','memory':256,'healthCheck':{" fields "}}"

Test(taskdef, health_check_gets_ecs_defaults)
{
  g_autoptr(EcsTaskDef) def = accepted(TASK(HC("'command':['CMD','true']")));
  const EcsContainerDef *c = def->containers->pdata[0];
  cr_assert(c->has_health_check);
  cr_assert_eq(c->health_check.interval, 30 * SIM_SEC);
  cr_assert_eq(c->health_check.timeout, 5 * SIM_SEC);
  cr_assert_eq(c->health_check.retries, 3);
  cr_assert_eq(c->health_check.start_period, 0);
}

Test(taskdef, health_check_interval_below_5_seconds_is_refused)
{
  refused(TASK(HC("'command':['CMD','true'],'interval':4")),
          "/containerDefinitions/0/healthCheck/interval: must be between 5 and "
          "300, got 4");
}

Test(taskdef, health_check_timeout_above_60_seconds_is_refused)
{
  refused(TASK(HC("'command':['CMD','true'],'timeout':61")),
          "/containerDefinitions/0/healthCheck/timeout: must be between 2 and 60, "
          "got 61");
}

Test(taskdef, health_check_retries_above_10_are_refused)
{
  refused(TASK(HC("'command':['CMD','true'],'retries':11")),
          "/containerDefinitions/0/healthCheck/retries: must be between 1 and 10, "
          "got 11");
}

Test(taskdef, health_check_start_period_above_300_seconds_is_refused)
{
  refused(TASK(HC("'command':['CMD','true'],'startPeriod':301")),
          "/containerDefinitions/0/healthCheck/startPeriod: must be between 0 and "
          "300, got 301");
}

Test(taskdef, health_check_needs_a_command)
{
  refused(TASK(HC("'interval':10")),
          "/containerDefinitions/0/healthCheck/command: required key is missing");
}

/* ---- names ----------------------------------------------------------- */

Test(taskdef, network_mode_and_arch_names_are_ecs_spellings)
{
  cr_assert_str_eq(taskdef_network_mode_name(ECS_NETWORK_BRIDGE), "bridge");
  cr_assert_str_eq(taskdef_network_mode_name(ECS_NETWORK_AWSVPC), "awsvpc");
  cr_assert_str_eq(taskdef_network_mode_name(ECS_NETWORK_HOST), "host");
  cr_assert_str_eq(taskdef_network_mode_name(ECS_NETWORK_NONE), "none");
  cr_assert_str_eq(taskdef_arch_name(ECS_ARCH_X86_64), "X86_64");
  cr_assert_str_eq(taskdef_arch_name(ECS_ARCH_ARM64), "ARM64");
}

Test(taskdef, free_accepts_null)
{
  taskdef_free(NULL);
}
