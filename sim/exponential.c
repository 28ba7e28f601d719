/* The ziggurat tables and sampler for Exp(1). */
#include "sim/exponential.h"

#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "sim/rng.h"

#define LAYERS 256
#define VALUE_BITS 24
#define SCALE 16777216.0 /* 2^VALUE_BITS */

/* Rightmost layer's start and each layer's area (Marsaglia & Tsang). */
#define R 7.69711747013104972
#define AREA 3.949659822581572e-3

typedef struct {
  uint32_t k[LAYERS]; /* accept at once when the value is below */
  double w[LAYERS];   /* value scale of each layer */
  double f[LAYERS];   /* exp(-x) at each layer's edge */
} Tables;

static Tables tables;

static void
build(Tables *t)
{
  double de = R, te = R;
  double q = AREA / exp(-de);
  t->k[0] = (uint32_t) (de / q * SCALE);
  t->k[1] = 0;
  t->w[0] = q / SCALE;
  t->w[LAYERS - 1] = de / SCALE;
  t->f[0] = 1.0;
  t->f[LAYERS - 1] = exp(-de);
  for (int i = LAYERS - 2; i >= 1; i--) {
    de = -log(AREA / de + exp(-de));
    t->k[i + 1] = (uint32_t) (de / te * SCALE);
    te = de;
    t->f[i] = exp(-de);
    t->w[i] = de / SCALE;
  }
}

static const Tables *
get_tables(void)
{
  static gsize ready = 0;
  if (g_once_init_enter(&ready)) {
    build(&tables);
    g_once_init_leave(&ready, 1);
  }
  return &tables;
}

double
sim_exponential(gsl_rng *rng)
{
  const Tables *t = get_tables();
  for (;;) {
    uint32_t bits = sim_rng_u32(rng);
    uint32_t i = bits & (LAYERS - 1);
    uint32_t u = bits >> 8;
    double x = u * t->w[i];
    if (u < t->k[i])
      return x;
    if (i == 0)
      return R - log(sim_rng_uniform_pos(rng)); /* the tail, exactly */
    if (t->f[i] + sim_rng_uniform(rng) * (t->f[i - 1] - t->f[i]) < exp(-x))
      return x;
  }
}
