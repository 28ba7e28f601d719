/* The EC2 instance-type catalog: what ECS placement and managed scaling
 * need to know of each type.
 *
 * Memory registered by ECS is less than advertised: the agent registers
 * the memory the kernel reports (MemTotal), which is what remains after
 * the kernel's own reservations, minus ECS_RESERVED_MEMORY. The Developer
 * Guide's example is an m4.large: 8,192 MiB advertised, 7,985 MiB
 * registered (97.5%); a c4.large registers 3,768 of 3,840 MiB (98.1%).
 * Types without a measured figure use 97.5% of the advertised memory.
 *
 * ENIs: an awsvpc task takes one elastic network interface; the primary
 * interface counts against the instance's limit, so a type with 3 ENIs
 * runs 2 awsvpc tasks. With awsvpcTrunking the limit is trunk_tasks
 * (c5.large: 10; ECS-REFERENCE §3). Trunking limits of types the
 * reference does not list are UNVERIFIED estimates. */
#pragma once

#include <glib.h>

#include "models/input/jnode.h"
#include "models/config/taskdef.h"

typedef struct {
  char *name;                /* "m6i.large" */
  int vcpu;
  int memory_mib;            /* advertised */
  int registered_memory_mib; /* registered by the ECS agent */
  EcsCpuArch arch;
  double price_per_hour;     /* On-Demand, us-east-1, Linux, USD */
  int max_enis;              /* including the primary interface */
  int trunk_tasks;           /* awsvpc tasks with trunking; 0: type not
                                supported for trunking */
  gboolean trunk_verified;   /* FALSE: trunk_tasks is an estimate */
} InstanceType;

typedef struct _InstanceCatalog InstanceCatalog;

/* The built-in catalog (ECS-REFERENCE §7 types and a few more). */
InstanceCatalog *instance_catalog_new(void);
void instance_catalog_free(InstanceCatalog *cat);

/* Adds or replaces types from the scenario's cluster.instance_types array:
 * [{"name": "m7i.large", "vcpu": 2, "memory_mib": 8192,
 *   "registered_memory_mib": 7985, "architecture": "x86_64",
 *   "price_per_hour": 0.1008, "max_enis": 3, "trunk_tasks": 10}];
 * for a known name, keys given override the built-in values. */
gboolean instance_catalog_parse(InstanceCatalog *cat, const JNode *arr,
                                GError **error);

/* The type named @name, or NULL. Lent. */
const InstanceType *instance_catalog_find(const InstanceCatalog *cat,
                                          const char *name);

/* Names of all types, for messages (a new strv). */
char **instance_catalog_names(const InstanceCatalog *cat);

/* awsvpc tasks an instance of @type runs at most. */
int instance_type_awsvpc_limit(const InstanceType *type, gboolean trunking);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(InstanceCatalog, instance_catalog_free)
