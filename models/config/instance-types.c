/* Built-in instance types and scenario extensions. */
#include "models/config/instance-types.h"

#include <math.h>
#include <string.h>

#include "models/input/input.h"

struct _InstanceCatalog {
  GPtrArray *types; /* InstanceType*, owned */
};

/* The catalog rows, as of 2026-12-06 (the price catalog's date:
 * models/config/pricing/us-east-1.json and REFERENCE.md "Instance
 * catalog" give the sources of each figure).
 * - vCPU and memory: EC2's published sizes (large 2 vCPU; m 4 GiB, c 2 GiB
 *   and r 8 GiB per vCPU; t3/t4g micro..xlarge 1..16 GiB).
 * - Prices: us-east-1 On-Demand Linux; billed from the price catalog,
 *   which repeats them, and used from here only for types it lacks.
 * - ENIs (primary included): AWS's amazon-vpc-resource-controller-k8s
 *   pkg/aws/vpc/limits.go, generated from EC2 DescribeInstanceTypes
 *   (2026-04-23): .large 3, .xlarge and .2xlarge 4, .4xlarge 8; t3/t4g
 *   micro 2, small..large 3, xlarge 4. The same file marks every m/c/r
 *   type here trunking-compatible and no t3/t4g type.
 * - Trunk tasks: the ECS Developer Guide's table "Supported Amazon EC2
 *   instance types" under "Elastic network interface trunking"
 *   (awsdocs/amazon-ecs-developer-guide, doc_source/container-instance-
 *   eni.md): m5, m6i, m6g, m7g, c5, c6i, c6g, c7g, r5, r6i, r7g .large 10,
 *   .xlarge 20, .2xlarge 40, .4xlarge 60, and "without trunking" 2, 3, 3,
 *   7, which is max ENIs - 1 as above. m7i and c7i are newer than that
 *   table: the same pattern, UNVERIFIED. t3/t4g are not in it: no
 *   trunking (0). */
static const struct {
  const char *name;
  int vcpu, memory_mib, registered;
  EcsCpuArch arch;
  double price;
  int enis, trunk;
  gboolean verified;
} builtin[] = {
  { "m4.large", 2, 8192, 7985, ECS_ARCH_X86_64, 0.1, 2, 0, TRUE },
  { "c4.large", 2, 3840, 3768, ECS_ARCH_X86_64, 0.1, 3, 0, TRUE },
  { "t3.micro", 2, 1024, 0, ECS_ARCH_X86_64, 0.0104, 2, 0, TRUE },
  { "t3.small", 2, 2048, 0, ECS_ARCH_X86_64, 0.0208, 3, 0, TRUE },
  { "t3.medium", 2, 4096, 0, ECS_ARCH_X86_64, 0.0416, 3, 0, TRUE },
  { "t3.large", 2, 8192, 0, ECS_ARCH_X86_64, 0.0832, 3, 0, TRUE },
  { "t3.xlarge", 4, 16384, 0, ECS_ARCH_X86_64, 0.1664, 4, 0, TRUE },
  { "t4g.micro", 2, 1024, 0, ECS_ARCH_ARM64, 0.0084, 2, 0, TRUE },
  { "t4g.small", 2, 2048, 0, ECS_ARCH_ARM64, 0.0168, 3, 0, TRUE },
  { "t4g.medium", 2, 4096, 0, ECS_ARCH_ARM64, 0.0336, 3, 0, TRUE },
  { "t4g.large", 2, 8192, 0, ECS_ARCH_ARM64, 0.0672, 3, 0, TRUE },
  { "t4g.xlarge", 4, 16384, 0, ECS_ARCH_ARM64, 0.1344, 4, 0, TRUE },
  { "m5.large", 2, 8192, 0, ECS_ARCH_X86_64, 0.096, 3, 10, TRUE },
  { "m5.xlarge", 4, 16384, 0, ECS_ARCH_X86_64, 0.192, 4, 20, TRUE },
  { "m5.2xlarge", 8, 32768, 0, ECS_ARCH_X86_64, 0.384, 4, 40, TRUE },
  { "m5.4xlarge", 16, 65536, 0, ECS_ARCH_X86_64, 0.768, 8, 60, TRUE },
  { "m6i.large", 2, 8192, 0, ECS_ARCH_X86_64, 0.096, 3, 10, TRUE },
  { "m6i.xlarge", 4, 16384, 0, ECS_ARCH_X86_64, 0.192, 4, 20, TRUE },
  { "m6i.2xlarge", 8, 32768, 0, ECS_ARCH_X86_64, 0.384, 4, 40, TRUE },
  { "m6i.4xlarge", 16, 65536, 0, ECS_ARCH_X86_64, 0.768, 8, 60, TRUE },
  { "m7i.large", 2, 8192, 0, ECS_ARCH_X86_64, 0.1008, 3, 10, FALSE },
  { "m7i.xlarge", 4, 16384, 0, ECS_ARCH_X86_64, 0.2016, 4, 20, FALSE },
  { "m7i.2xlarge", 8, 32768, 0, ECS_ARCH_X86_64, 0.4032, 4, 40, FALSE },
  { "m7i.4xlarge", 16, 65536, 0, ECS_ARCH_X86_64, 0.8064, 8, 60, FALSE },
  { "m6g.large", 2, 8192, 0, ECS_ARCH_ARM64, 0.077, 3, 10, TRUE },
  { "m6g.xlarge", 4, 16384, 0, ECS_ARCH_ARM64, 0.154, 4, 20, TRUE },
  { "m6g.2xlarge", 8, 32768, 0, ECS_ARCH_ARM64, 0.308, 4, 40, TRUE },
  { "m6g.4xlarge", 16, 65536, 0, ECS_ARCH_ARM64, 0.616, 8, 60, TRUE },
  { "m7g.large", 2, 8192, 0, ECS_ARCH_ARM64, 0.0816, 3, 10, TRUE },
  { "m7g.xlarge", 4, 16384, 0, ECS_ARCH_ARM64, 0.1632, 4, 20, TRUE },
  { "m7g.2xlarge", 8, 32768, 0, ECS_ARCH_ARM64, 0.3264, 4, 40, TRUE },
  { "m7g.4xlarge", 16, 65536, 0, ECS_ARCH_ARM64, 0.6528, 8, 60, TRUE },
  { "c5.large", 2, 4096, 0, ECS_ARCH_X86_64, 0.085, 3, 10, TRUE },
  { "c5.xlarge", 4, 8192, 0, ECS_ARCH_X86_64, 0.17, 4, 20, TRUE },
  { "c5.2xlarge", 8, 16384, 0, ECS_ARCH_X86_64, 0.34, 4, 40, TRUE },
  { "c5.4xlarge", 16, 32768, 0, ECS_ARCH_X86_64, 0.68, 8, 60, TRUE },
  { "c6i.large", 2, 4096, 0, ECS_ARCH_X86_64, 0.085, 3, 10, TRUE },
  { "c6i.xlarge", 4, 8192, 0, ECS_ARCH_X86_64, 0.17, 4, 20, TRUE },
  { "c6i.2xlarge", 8, 16384, 0, ECS_ARCH_X86_64, 0.34, 4, 40, TRUE },
  { "c6i.4xlarge", 16, 32768, 0, ECS_ARCH_X86_64, 0.68, 8, 60, TRUE },
  { "c7i.large", 2, 4096, 0, ECS_ARCH_X86_64, 0.08925, 3, 10, FALSE },
  { "c7i.xlarge", 4, 8192, 0, ECS_ARCH_X86_64, 0.1785, 4, 20, FALSE },
  { "c7i.2xlarge", 8, 16384, 0, ECS_ARCH_X86_64, 0.357, 4, 40, FALSE },
  { "c7i.4xlarge", 16, 32768, 0, ECS_ARCH_X86_64, 0.714, 8, 60, FALSE },
  { "c6g.large", 2, 4096, 0, ECS_ARCH_ARM64, 0.068, 3, 10, TRUE },
  { "c6g.xlarge", 4, 8192, 0, ECS_ARCH_ARM64, 0.136, 4, 20, TRUE },
  { "c6g.2xlarge", 8, 16384, 0, ECS_ARCH_ARM64, 0.272, 4, 40, TRUE },
  { "c6g.4xlarge", 16, 32768, 0, ECS_ARCH_ARM64, 0.544, 8, 60, TRUE },
  { "c7g.large", 2, 4096, 0, ECS_ARCH_ARM64, 0.0725, 3, 10, TRUE },
  { "c7g.xlarge", 4, 8192, 0, ECS_ARCH_ARM64, 0.145, 4, 20, TRUE },
  { "c7g.2xlarge", 8, 16384, 0, ECS_ARCH_ARM64, 0.29, 4, 40, TRUE },
  { "c7g.4xlarge", 16, 32768, 0, ECS_ARCH_ARM64, 0.58, 8, 60, TRUE },
  { "r5.large", 2, 16384, 0, ECS_ARCH_X86_64, 0.126, 3, 10, TRUE },
  { "r5.xlarge", 4, 32768, 0, ECS_ARCH_X86_64, 0.252, 4, 20, TRUE },
  { "r5.2xlarge", 8, 65536, 0, ECS_ARCH_X86_64, 0.504, 4, 40, TRUE },
  { "r5.4xlarge", 16, 131072, 0, ECS_ARCH_X86_64, 1.008, 8, 60, TRUE },
  { "r6i.large", 2, 16384, 0, ECS_ARCH_X86_64, 0.126, 3, 10, TRUE },
  { "r6i.xlarge", 4, 32768, 0, ECS_ARCH_X86_64, 0.252, 4, 20, TRUE },
  { "r6i.2xlarge", 8, 65536, 0, ECS_ARCH_X86_64, 0.504, 4, 40, TRUE },
  { "r6i.4xlarge", 16, 131072, 0, ECS_ARCH_X86_64, 1.008, 8, 60, TRUE },
  { "r7g.large", 2, 16384, 0, ECS_ARCH_ARM64, 0.1071, 3, 10, TRUE },
  { "r7g.xlarge", 4, 32768, 0, ECS_ARCH_ARM64, 0.2142, 4, 20, TRUE },
  { "r7g.2xlarge", 8, 65536, 0, ECS_ARCH_ARM64, 0.4284, 4, 40, TRUE },
  { "r7g.4xlarge", 16, 131072, 0, ECS_ARCH_ARM64, 0.8568, 8, 60, TRUE },
};

static int
default_registered(int memory_mib)
{
  return (int) floor(memory_mib * 0.975);
}

static void
type_free(gpointer p)
{
  InstanceType *t = p;
  g_free(t->name);
  g_free(t);
}

InstanceCatalog *
instance_catalog_new(void)
{
  InstanceCatalog *cat = g_new0(InstanceCatalog, 1);
  cat->types = g_ptr_array_new_with_free_func(type_free);
  for (gsize i = 0; i < G_N_ELEMENTS(builtin); i++) {
    InstanceType *t = g_new0(InstanceType, 1);
    t->name = g_strdup(builtin[i].name);
    t->vcpu = builtin[i].vcpu;
    t->memory_mib = builtin[i].memory_mib;
    t->registered_memory_mib = builtin[i].registered
                                 ? builtin[i].registered
                                 : default_registered(t->memory_mib);
    t->arch = builtin[i].arch;
    t->price_per_hour = builtin[i].price;
    t->max_enis = builtin[i].enis;
    t->trunk_tasks = builtin[i].trunk;
    t->trunk_verified = builtin[i].verified;
    g_ptr_array_add(cat->types, t);
  }
  return cat;
}

void
instance_catalog_free(InstanceCatalog *cat)
{
  if (cat == NULL)
    return;
  g_ptr_array_unref(cat->types);
  g_free(cat);
}

const InstanceType *
instance_catalog_find(const InstanceCatalog *cat, const char *name)
{
  for (guint i = 0; i < cat->types->len; i++) {
    const InstanceType *t = g_ptr_array_index(cat->types, i);
    if (strcmp(t->name, name) == 0)
      return t;
  }
  return NULL;
}

char **
instance_catalog_names(const InstanceCatalog *cat)
{
  char **names = g_new0(char *, cat->types->len + 1);
  for (guint i = 0; i < cat->types->len; i++)
    names[i] = g_strdup(((InstanceType *) cat->types->pdata[i])->name);
  return names;
}

static gboolean
parse_type(InstanceCatalog *cat, const JNode *item, GError **error)
{
  static const char *const keys[] = {
    "name", "vcpu", "memory_mib", "registered_memory_mib", "architecture",
    "price_per_hour", "max_enis", "trunk_tasks", NULL
  };
  static const char *const archs[] = { "x86_64", "arm64", NULL };
  const char *name = NULL;
  if (!jn_check_object(item, keys, (const char *const[]){ "name", NULL },
                       error) ||
      !jn_string(item, "name", &name, error))
    return FALSE;
  InstanceType *t = (InstanceType *) instance_catalog_find(cat, name);
  gboolean known = t != NULL;
  if (!known) {
    static const char *const required[] = { "name", "vcpu", "memory_mib",
                                            "price_per_hour", NULL };
    if (!jn_check_object(item, keys, required, error))
      return FALSE;
    t = g_new0(InstanceType, 1);
    t->name = g_strdup(name);
    t->max_enis = 3;
    g_ptr_array_add(cat->types, t);
  }
  int64_t vcpu = t->vcpu, mem = t->memory_mib, reg = 0, enis = t->max_enis,
          trunk = t->trunk_tasks;
  int arch = t->arch == ECS_ARCH_ARM64;
  if (!jn_int(item, "vcpu", 1, 448, &vcpu, error) ||
      !jn_int(item, "memory_mib", 512, 24 * 1024 * 1024, &mem, error) ||
      !jn_int(item, "registered_memory_mib", 256, 24 * 1024 * 1024, &reg,
              error) ||
      !jn_enum(item, "architecture", archs, &arch, error) ||
      !jn_double(item, "price_per_hour", 0.0, 1000.0, &t->price_per_hour,
                 error) ||
      !jn_int(item, "max_enis", 1, 100, &enis, error) ||
      !jn_int(item, "trunk_tasks", 0, 1000, &trunk, error))
    return FALSE;
  JNode given;
  if (jn_member(item, "memory_mib", &given) && reg == 0)
    t->registered_memory_mib = default_registered((int) mem);
  if (reg > 0)
    t->registered_memory_mib = (int) reg;
  if (t->registered_memory_mib > mem) {
    jn_member(item, "registered_memory_mib", &given);
    return jn_error(&given, error, "cannot exceed memory_mib (%" G_GINT64_FORMAT
                    ")", mem), FALSE;
  }
  t->vcpu = (int) vcpu;
  t->memory_mib = (int) mem;
  t->arch = arch ? ECS_ARCH_ARM64 : ECS_ARCH_X86_64;
  t->max_enis = (int) enis;
  t->trunk_tasks = (int) trunk;
  if (jn_member(item, "trunk_tasks", &given))
    t->trunk_verified = TRUE; /* the user's own figure */
  return TRUE;
}

gboolean
instance_catalog_parse(InstanceCatalog *cat, const JNode *arr,
                       GError **error)
{
  if (!jn_check_array(arr, 0, 1000, error))
    return FALSE;
  for (int i = 0; i < jn_length(arr); i++) {
    JNode item;
    jn_index(arr, i, &item);
    if (!parse_type(cat, &item, error))
      return FALSE;
  }
  return TRUE;
}

int
instance_type_awsvpc_limit(const InstanceType *type, gboolean trunking)
{
  if (trunking && type->trunk_tasks > 0)
    return type->trunk_tasks;
  return type->max_enis - 1;
}
