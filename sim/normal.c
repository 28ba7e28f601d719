/* The ziggurat tables and sampler for N(0, 1). */
#include "sim/normal.h"

#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "sim/rng.h"

#define LAYERS 128
#define VALUE_BITS 24
#define SCALE 16777216.0 /* 2^VALUE_BITS */

/* Rightmost layer's start and each layer's area, for the density
 * exp(-x^2 / 2) (Marsaglia & Tsang). */
#define R 3.442619855899
#define AREA 9.91256303526217e-3

typedef struct {
  uint32_t k[LAYERS]; /* accept at once when the value is below */
  double w[LAYERS];   /* value scale of each layer */
  double f[LAYERS];   /* exp(-x^2 / 2) at each layer's edge */
} Tables;

static Tables tables;

static void
build(Tables *t)
{
  double dn = R, tn = R;
  double q = AREA / exp(-0.5 * dn * dn);
  t->k[0] = (uint32_t) (dn / q * SCALE);
  t->k[1] = 0;
  t->w[0] = q / SCALE;
  t->w[LAYERS - 1] = dn / SCALE;
  t->f[0] = 1.0;
  t->f[LAYERS - 1] = exp(-0.5 * dn * dn);
  for (int i = LAYERS - 2; i >= 1; i--) {
    dn = sqrt(-2.0 * log(AREA / dn + exp(-0.5 * dn * dn)));
    t->k[i + 1] = (uint32_t) (dn / tn * SCALE);
    tn = dn;
    t->f[i] = exp(-0.5 * dn * dn);
    t->w[i] = dn / SCALE;
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

/* Beyond R, exactly: Marsaglia's rejection from an exponential. */
static G_NO_INLINE double
tail(gsl_rng *rng)
{
  double x, y;
  do {
    x = -log(sim_rng_uniform_pos(rng)) / R;
    y = -log(sim_rng_uniform_pos(rng));
  } while (y + y < x * x);
  return R + x;
}

double
sim_normal(gsl_rng *rng)
{
  const Tables *t = get_tables();
  for (;;) {
    uint32_t bits = sim_rng_u32(rng);
    uint32_t i = bits & (LAYERS - 1);
    double sign = (bits & LAYERS) ? 1.0 : -1.0;
    uint32_t u = bits >> 8;
    double x = u * t->w[i];
    if (u < t->k[i])
      return sign * x;
    if (i == 0)
      return sign * tail(rng);
    if (t->f[i] + sim_rng_uniform(rng) * (t->f[i - 1] - t->f[i]) <
        exp(-0.5 * x * x))
      return sign * x;
  }
}
