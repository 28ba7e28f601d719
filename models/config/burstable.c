/* The burstable-type table. */
#include "models/config/burstable.h"

#include <string.h>

/* Baselines per vCPU, EC2 User Guide's table (t3 and t4g alike). */
static const BurstableType table[] = {
  { "t3.nano", 0.05, 0, 0.05 },    { "t3.micro", 0.10, 0, 0.05 },
  { "t3.small", 0.20, 0, 0.05 },   { "t3.medium", 0.20, 0, 0.05 },
  { "t3.large", 0.30, 0, 0.05 },   { "t3.xlarge", 0.40, 0, 0.05 },
  { "t3.2xlarge", 0.40, 0, 0.05 }, { "t4g.nano", 0.05, 0, 0.04 },
  { "t4g.micro", 0.10, 0, 0.04 },  { "t4g.small", 0.20, 0, 0.04 },
  { "t4g.medium", 0.20, 0, 0.04 }, { "t4g.large", 0.30, 0, 0.04 },
  { "t4g.xlarge", 0.40, 0, 0.04 }, { "t4g.2xlarge", 0.40, 0, 0.04 },
};

const BurstableType *
burstable_find(const char *name)
{
  g_return_val_if_fail(name != NULL, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(table); i++)
    if (strcmp(table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

double
burstable_credits_per_hour(const BurstableType *b, int vcpu)
{
  return b->baseline * vcpu * 60.0;
}
