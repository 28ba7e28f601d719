/* Built-in instance types and scenario extensions. */
#include "models/config/instance-types.h"

#include <math.h>
#include <string.h>

#include "models/input/input.h"

struct _InstanceCatalog {
  GPtrArray *types; /* InstanceType*, owned */
};

/* Prices: ECS-REFERENCE §7 (us-east-1 On-Demand, Linux). ENIs: EC2's
 * instance-type data as quoted in ECS-REFERENCE §3 (.large 3, .xlarge 4;
 * t3.medium and t3.large 3). Trunk limits: c5.large 10 from the ECS
 * guide; the rest follow the guide's table pattern (.large 10, .xlarge 20)
 * and are marked unverified; t3 types do not support trunking. */
static const struct {
  const char *name;
  int vcpu, memory_mib, registered;
  EcsCpuArch arch;
  double price;
  int enis, trunk;
  gboolean verified;
} builtin[] = {
  { "t3.medium", 2, 4096, 0, ECS_ARCH_X86_64, 0.0416, 3, 0, TRUE },
  { "t3.large", 2, 8192, 0, ECS_ARCH_X86_64, 0.0832, 3, 0, TRUE },
  { "m4.large", 2, 8192, 7985, ECS_ARCH_X86_64, 0.10, 2, 0, TRUE },
  { "c4.large", 2, 3840, 3768, ECS_ARCH_X86_64, 0.10, 3, 0, TRUE },
  { "m5.large", 2, 8192, 0, ECS_ARCH_X86_64, 0.096, 3, 10, FALSE },
  { "m5.xlarge", 4, 16384, 0, ECS_ARCH_X86_64, 0.192, 4, 20, FALSE },
  { "m6i.large", 2, 8192, 0, ECS_ARCH_X86_64, 0.096, 3, 10, FALSE },
  { "m6i.xlarge", 4, 16384, 0, ECS_ARCH_X86_64, 0.192, 4, 20, FALSE },
  { "c5.large", 2, 4096, 0, ECS_ARCH_X86_64, 0.085, 3, 10, TRUE },
  { "c6i.large", 2, 4096, 0, ECS_ARCH_X86_64, 0.085, 3, 10, FALSE },
  { "m6g.large", 2, 8192, 0, ECS_ARCH_ARM64, 0.077, 3, 10, FALSE },
  { "c6g.large", 2, 4096, 0, ECS_ARCH_ARM64, 0.068, 3, 10, FALSE },
  { "r5.large", 2, 16384, 0, ECS_ARCH_X86_64, 0.126, 3, 10, FALSE },
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
