/* The boot-to-registration table by instance family (instance-boot.h). */
#include "models/config/instance-boot.h"

#include <string.h>

typedef struct {
  const char *row;
  Dist boot;
} BootRow;

#define UNIFORM(lo, hi) { .kind = DIST_UNIFORM, .a = (lo), .b = (hi), \
                          .mean = ((lo) + (hi)) / 2.0 }

static const BootRow rows[] = {
  { "nitro-x86", UNIFORM(60, 150) },
  { "nitro-graviton", UNIFORM(60, 150) },
  { "xen", UNIFORM(90, 200) },
};

/* Previous-generation families on the Xen hypervisor. */
static const char *const xen_families[] = {
  "m1", "m2", "m3", "m4", "c1", "c3", "c4", "r3", "r4", "t1", "t2", "i2",
  "d2", "x1", "p2", "g3", NULL
};

static const BootRow *
row_for(const char *type_name)
{
  const char *dot = strchr(type_name, '.');
  size_t len = dot ? (size_t) (dot - type_name) : strlen(type_name);
  for (int i = 0; xen_families[i] != NULL; i++)
    if (strlen(xen_families[i]) == len &&
        strncmp(xen_families[i], type_name, len) == 0)
      return &rows[2];
  /* Graviton families carry a "g" after the generation digit: m6g,
   * c7gn, t4g (but not g4dn, a GPU family). */
  for (size_t i = 1; i + 1 < len; i++)
    if (type_name[i] >= '0' && type_name[i] <= '9' &&
        type_name[i + 1] == 'g')
      return &rows[1];
  return &rows[0];
}

const Dist *
instance_boot_default(const char *type_name)
{
  return &row_for(type_name)->boot;
}

const char *
instance_boot_row(const char *type_name)
{
  return row_for(type_name)->row;
}

const Dist *
instance_boot_pending(void)
{
  static const Dist pending = UNIFORM(5, 20);
  return &pending;
}
