/* Marsaglia and Tsang's ziggurats ("The Ziggurat Method for Generating
 * Random Variables", J. Stat. Softw. 5(8), 2000): the tables and samplers
 * of Exp(1) (sim/exponential.h) and N(0, 1) (sim/normal.h).
 *
 * A ziggurat covers a decreasing density f, scaled so that f(0) = 1, with
 * LAYERS layers of equal area: layer i spans [0, x_i) under the height
 * f(x_{i-1}) (the base, layer 0, spans the tail beyond R too). A draw
 * picks a layer and a point in it from one 32-bit word; below x_{i-1} it
 * is under f for sure (about 98-99% of draws), else it is tested against
 * f itself, or, in the base beyond R, drawn from the tail exactly. */
#include "sim/exponential.h"
#include "sim/normal.h"

#include <glib.h>
#include <math.h>
#include <stdint.h>

#include "sim/rng.h"

#define LAYERS_MAX 256
#define VALUE_BITS 24
#define SCALE 16777216.0 /* 2^VALUE_BITS */

/* Exp(1): 256 layers, the layer from the low 8 bits of a word. */
#define EXP_LAYERS 256
#define EXP_R 7.69711747013104972
#define EXP_AREA 3.949659822581572e-3

/* N(0, 1): 128 layers, the layer from the low 7 bits and the sign from
 * the 8th. */
#define NORMAL_LAYERS 128
#define NORMAL_R 3.442619855899
#define NORMAL_AREA 9.91256303526217e-3

typedef struct {
  uint32_t k[LAYERS_MAX]; /* accept at once when the value is below */
  double w[LAYERS_MAX];   /* value scale of each layer */
  double f[LAYERS_MAX];   /* f at each layer's edge */
} Tables;

static Tables exp_tables, normal_tables;

static double
exp_f(double x)
{
  return exp(-x);
}

static double
exp_f_inv(double y)
{
  return -log(y);
}

static double
normal_f(double x)
{
  return exp(-0.5 * x * x);
}

static double
normal_f_inv(double y)
{
  return sqrt(-2.0 * log(y));
}

/* The layers' edges, from the base's R outward in: each next edge is where
 * the layer between has the common @area. */
static void
build(Tables *t, int layers, double r, double area, double (*f)(double),
      double (*f_inv)(double))
{
  double x = r, outer = r;
  double q = area / f(r);
  t->k[0] = (uint32_t) (r / q * SCALE);
  t->k[1] = 0;
  t->w[0] = q / SCALE;
  t->w[layers - 1] = r / SCALE;
  t->f[0] = 1.0;
  t->f[layers - 1] = f(r);
  for (int i = layers - 2; i >= 1; i--) {
    x = f_inv(area / x + f(x));
    t->k[i + 1] = (uint32_t) (x / outer * SCALE);
    outer = x;
    t->f[i] = f(x);
    t->w[i] = x / SCALE;
  }
}

static void
build_all(void)
{
  static gsize ready = 0;
  if (g_once_init_enter(&ready)) {
    build(&exp_tables, EXP_LAYERS, EXP_R, EXP_AREA, exp_f, exp_f_inv);
    build(&normal_tables, NORMAL_LAYERS, NORMAL_R, NORMAL_AREA, normal_f,
          normal_f_inv);
    g_once_init_leave(&ready, 1);
  }
}

double
sim_exponential(gsl_rng *rng)
{
  build_all();
  const Tables *t = &exp_tables;
  for (;;) {
    uint32_t bits = sim_rng_u32(rng);
    uint32_t i = bits & (EXP_LAYERS - 1);
    uint32_t u = bits >> 8;
    double x = u * t->w[i];
    if (u < t->k[i])
      return x;
    if (i == 0)
      return EXP_R - log(sim_rng_uniform_pos(rng)); /* the tail, exactly */
    if (t->f[i] + sim_rng_uniform(rng) * (t->f[i - 1] - t->f[i]) < exp(-x))
      return x;
  }
}

/* Beyond R, exactly: Marsaglia's rejection from an exponential. */
static G_NO_INLINE double
normal_tail(gsl_rng *rng)
{
  double x, y;
  do {
    x = -log(sim_rng_uniform_pos(rng)) / NORMAL_R;
    y = -log(sim_rng_uniform_pos(rng));
  } while (y + y < x * x);
  return NORMAL_R + x;
}

double
sim_normal(gsl_rng *rng)
{
  build_all();
  const Tables *t = &normal_tables;
  for (;;) {
    uint32_t bits = sim_rng_u32(rng);
    uint32_t i = bits & (NORMAL_LAYERS - 1);
    double sign = (bits & NORMAL_LAYERS) ? 1.0 : -1.0;
    uint32_t u = bits >> 8;
    double x = u * t->w[i];
    if (u < t->k[i])
      return sign * x;
    if (i == 0)
      return sign * normal_tail(rng);
    if (t->f[i] + sim_rng_uniform(rng) * (t->f[i - 1] - t->f[i]) <
        exp(-0.5 * x * x))
      return sign * x;
  }
}
