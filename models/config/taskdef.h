/* ECS task definitions in the real AWS JSON shape.
 *
 * Accepts what `aws ecs register-task-definition --cli-input-json` takes
 * and what `aws ecs describe-task-definition` returns (the bare object;
 * the {"taskDefinition": {...}} wrapper is removed by the scenario loader
 * before this parser sees it). Fields ECS returns but the simulation does
 * not use (taskDefinitionArn, status, requiresAttributes, registeredAt,
 * logConfiguration, environment, ...) are accepted and ignored; unknown
 * keys are errors with a did-you-mean hint.
 *
 * taskdef_parse() applies the checks ECS's RegisterTaskDefinition applies
 * that the simulation depends on, with ECS's wording where ECS has one:
 * sizes (task and container cpu/memory, the Fargate size table), network
 * mode and port-mapping rules, memory vs memoryReservation, essential
 * containers, requiresCompatibilities, runtimePlatform, healthCheck ranges,
 * stopTimeout, ephemeralStorage. See ECS-REFERENCE.md §1. */
#pragma once

#include <glib.h>

#include "models/input/jnode.h"
#include "sim/time.h"

typedef enum {
  ECS_NETWORK_BRIDGE, /* the EC2 default when networkMode is absent */
  ECS_NETWORK_AWSVPC,
  ECS_NETWORK_HOST,
  ECS_NETWORK_NONE,
} EcsNetworkMode;

typedef enum {
  ECS_ARCH_X86_64,
  ECS_ARCH_ARM64,
} EcsCpuArch;

/* Bit set of launch types a definition declares (requiresCompatibilities)
 * or ECS computes (compatibilities). */
typedef enum {
  ECS_COMPAT_EC2 = 1 << 0,
  ECS_COMPAT_FARGATE = 1 << 1,
  ECS_COMPAT_EXTERNAL = 1 << 2,
  ECS_COMPAT_MANAGED_INSTANCES = 1 << 3, /* accepted in requires; not
                                            simulated, never computed */
} EcsCompatibility;

typedef struct {
  int container_port;
  int host_port;  /* 0: dynamic (bridge) or same as container (awsvpc,
                     host) */
  gboolean udp;   /* protocol "udp"; "tcp" otherwise */
} EcsPortMapping;

/* A container healthCheck, with ECS's defaults filled in. */
typedef struct {
  SimTime interval;     /* default 30 s, 5..300 s */
  SimTime timeout;      /* default 5 s, 2..60 s */
  int retries;          /* default 3, 1..10 */
  SimTime start_period; /* default 0 (off), 0..300 s */
} EcsHealthCheck;

typedef struct {
  char *name;
  char *image;                   /* as written: the image cache's key */
  gboolean essential;            /* default TRUE */
  int cpu;                       /* units; 0 when absent */
  int memory;                    /* hard limit MiB; 0 when absent */
  int memory_reservation;        /* soft limit MiB; 0 when absent */
  GArray *port_mappings;         /* EcsPortMapping */
  gboolean has_health_check;
  EcsHealthCheck health_check;   /* valid when has_health_check */
  SimTime stop_timeout;          /* container stopTimeout; 0 when absent */
} EcsContainerDef;

typedef struct {
  char *family;
  int revision;                  /* from the JSON, or assigned by the
                                    scenario loader (1, 2, ... per family) */
  char *name;                    /* "family:revision" */
  EcsNetworkMode network_mode;
  EcsCpuArch cpu_architecture;   /* runtimePlatform.cpuArchitecture */
  guint requires;                /* EcsCompatibility bits the definition
                                    requires (requiresCompatibilities) */
  guint compatible;              /* launch types it can run on, as ECS
                                    computes `compatibilities` */
  int task_cpu;                  /* task-level cpu units; 0 when absent */
  int task_memory;               /* task-level memory MiB; 0 when absent */
  int cpu;                       /* units the task reserves: task_cpu, else
                                    the sum over containers */
  int memory;                    /* MiB the task reserves for placement:
                                    task_memory, else the sum over containers
                                    of memoryReservation if set, else
                                    memory */
  int ephemeral_storage_gib;     /* Fargate: 20 (default) to 200 */
  SimTime stop_timeout;          /* longest container stopTimeout, default
                                    30 s */
  GPtrArray *containers;         /* EcsContainerDef*, in order */
} EcsTaskDef;

/* Parses and checks the task definition at @n. Returns a new definition,
 * or NULL with @error set naming the file and JSON path, and ECS's reason
 * where ECS gives one. @revision is used when the JSON has none. */
EcsTaskDef *taskdef_parse(const JNode *n, int revision, GError **error);

void taskdef_free(EcsTaskDef *def);

/* TRUE when @s is 1 to 255 letters, numbers, hyphens and underscores, as
 * ECS requires of task definition families, container names and service
 * names [API]. */
gboolean ecs_name_ok(const char *s);

/* Checks a task size against the Fargate table (ECS-REFERENCE §1).
 * Returns FALSE and sets @error to a message (without location) that names
 * the memory values allowed for @cpu, or the valid cpu values. */
gboolean taskdef_fargate_size_ok(int cpu, int memory, GError **error);

/* The hard memory limit of a task of @def in MiB, or 0 when it has none:
 * the task-level memory (always set on Fargate), else the sum of the
 * containers' `memory` when every container has one (a container with
 * only memoryReservation, the soft limit, may grow into its instance's
 * free memory). A task whose memory in use passes it is OOM-killed
 * (requests/task-queue.h). */
int taskdef_hard_memory_mib(const EcsTaskDef *def);

/* TRUE when any container maps a fixed host port (a port that conflicts
 * between two copies of the task on one EC2 instance). */
gboolean taskdef_has_fixed_host_ports(const EcsTaskDef *def);

/* The first container with a port mapping for @container_port in container
 * @container_name (any container when NULL), or NULL. */
const EcsContainerDef *taskdef_find_port(const EcsTaskDef *def,
                                         const char *container_name,
                                         int container_port);

/* The names ECS uses: "bridge", "awsvpc", "host", "none"; "X86_64",
 * "ARM64". */
const char *taskdef_network_mode_name(EcsNetworkMode mode);
const char *taskdef_arch_name(EcsCpuArch arch);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(EcsTaskDef, taskdef_free)
