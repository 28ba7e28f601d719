/* One step of a group of identical servers: Allen-Cunneen when stationary,
 * a deterministic fluid backlog in overload (fluid-queue.h). */
#include "models/requests/fluid-queue.h"

#include <math.h>
#include <string.h>

#include "models/requests/fluid-waits.h"

/* The waits of the requests started so far in a step, by part: the step
 * may join a fluid part (fixed waits) and a stationary one. */
typedef struct {
  double none;      /* requests started without waiting */
  double exp_n;     /* started after an exponential wait ... */
  double exp_mean;  /* ... of this mean ... */
  double exp_scv;   /* ... and squared coefficient of variation */
  double fixed_n;   /* started after a backlog's wait */
  double fixed_sum; /* their waits, seconds */
  double young_n;   /* started after a wait in a young queue ... */
  FluidYoung young; /* ... of this law */
} WaitParts;

/* A queue whose relaxation time passes this fraction of the step is
 * young (regime (c)): below it, the stationary law holds over all but
 * the step's first tenth or less. */
#define YOUNG_RELAXATION 0.1
/* Ages over which a step's waits are averaged (midpoints). */
#define YOUNG_AGES 4
/* A queue whose mean is within this fraction of the stationary one
 * (about 19 relaxation times old) is stationary. */
#define YOUNG_OLD 1e-6
/* A young queue whose mean is within this fraction below the stationary
 * one (about 4 relaxation times old) is settled (settle()): its waits
 * follow the stationary law's shape, an exponential, closely, and
 * fluid_young_bins()'s 100-odd bins are spared. */
#define YOUNG_SETTLED 1e-2

/* The mean sigma² / (2 |theta|) a young queue relaxes to at @lambda
 * (< mu c), unheld by any cap: Allen-Cunneen's, in requests. */
static double
stationary_queue(const FluidServer *srv, double lambda)
{
  double mu_c = srv->slots / srv->mean_s;
  return 2.0 * fluid_variability(srv) * mu_c / (2.0 * (mu_c - lambda));
}

/* Regime (a) over @tau seconds at @lambda (rho < 1, no backlog): adds
 * into @out and @parts. */
static void
stationary(const FluidServer *srv, double lambda, double tau,
           FluidStep *out, WaitParts *parts)
{
  double n = lambda * tau;
  if (!(n > 0.0))
    return;
  FluidWaiters law;
  fluid_waiters(srv, lambda * srv->mean_s, &law);
  double pc = law.p_wait;
  /* A waiter's wait: mean Wq / C, in one or two exponential phases. */
  double mw = law.mean_s, scv = law.scv;
  /* Waiters see a geometric queue whose mean matches Little's law,
   * P(Nq >= k | wait) = r^k with r / (1 - r) = lambda Wq / C; a queue of
   * L places truncates it (M/M/c/c+L when ca² = cs² = 1). */
  double r = lambda * mw / (1.0 + lambda * mw);
  double full = 0.0, wait = pc;
  if (isfinite(srv->queue_limit)) {
    double rl = pow(r, srv->queue_limit);
    double norm = 1.0 - pc * rl * r;
    full = pc * (1.0 - r) * rl / norm;
    wait = pc * (1.0 - rl) / norm;
  }
  /* A waiter whose wait passes the timeout fails at the head of the
   * queue: P(W > T | wait) = sum p_i exp(-T / m_i) over the phases. */
  double late = 0.0, kept_mean = mw;
  if (isfinite(srv->timeout_s) && mw > 0.0) {
    double phase_p[2], phase_mean[2], kept_sum = 0.0; /* E[W; W <= T] */
    fluid_wait_phases(mw, scv, phase_p, phase_mean);
    for (int i = 0; i < 2; i++) {
      if (!(phase_p[i] > 0.0))
        continue;
      double m = phase_mean[i], e = exp(-srv->timeout_s / m);
      late += phase_p[i] * e;
      kept_sum += phase_p[i] * (m - (m + srv->timeout_s) * e);
    }
    kept_mean = late < 1.0 ? kept_sum / (1.0 - late) : 0.0;
  }
  double waiters = n * wait;
  double started_waiting = waiters * (1.0 - late);
  double started = n * (1.0 - full - wait) + started_waiting;
  out->queue_full += n * full;
  out->timed_out += waiters * late;
  out->started += started;
  out->waited += waiters;
  out->wait_sum_s += started_waiting * kept_mean;
  out->busy_slot_s += started * srv->mean_s;
  /* Every waiter spends its wait in the queue, the late ones included. */
  out->in_flight_s += started * srv->mean_s + waiters * mw;
  parts->none += n * (1.0 - full - wait);
  if (started_waiting > 0.0) {
    parts->exp_n += started_waiting;
    parts->exp_mean = mw;
    parts->exp_scv = scv;
  }
}

/* ---- regime (c): a young queue, as reflected Brownian motion ------ */

/* P(Z > z) and the density of Z, standard normal. */
static double
norm_q(double z)
{
  return 0.5 * erfc(z / M_SQRT2);
}

static double
norm_pdf(double z)
{
  return exp(-0.5 * z * z) / sqrt(2.0 * G_PI);
}

/* P(R(t) > x) for the queue started empty at age 0, the law of the
 * maximum of a Brownian motion with drift (Harrison 1985, ch. 1): with
 * m = theta t, s = sigma sqrt(t), k = 2 theta / sigma²,
 * Q((x - m) / s) + e^(k x) Q((x + m) / s). */
static double
rbm_tail(const FluidYoung *y, double t, double x)
{
  if (!(t > 0.0))
    return 0.0;
  double m = y->drift * t, s = sqrt(y->var * t);
  return norm_q((x - m) / s) +
         exp(2.0 * y->drift / y->var * x) * norm_q((x + m) / s);
}

/* The integral of rbm_tail() over x from @a to infinity; at @a = 0, the
 * mean E[R(t)], which tends to sigma² / (2 |theta|). */
static double
rbm_beyond(const FluidYoung *y, double t, double a)
{
  if (!(t > 0.0))
    return 0.0;
  double m = y->drift * t, s = sqrt(y->var * t);
  double k = 2.0 * y->drift / y->var, z = (a - m) / s;
  double first = s * (norm_pdf(z) - z * norm_q(z));
  double second = (norm_q(z) - exp(k * a) * norm_q((a + m) / s)) / k;
  return MAX(first + second, 0.0);
}

/* The density of R(t) at @x: minus rbm_tail()'s derivative. */
static double
rbm_density(const FluidYoung *y, double t, double x)
{
  if (!(t > 0.0))
    return 0.0;
  double m = y->drift * t, s = sqrt(y->var * t);
  double k = 2.0 * y->drift / y->var, e = exp(k * x);
  return norm_pdf((x - m) / s) / s - k * e * norm_q((x + m) / s) +
         e * norm_pdf((x + m) / s) / s;
}

/* A law of the queue at one age: rbm_tail, rbm_density, rbm_beyond. */
typedef double (*RbmLaw)(const FluidYoung *y, double t, double x);

/* @law at @x over the step's waits, which mix the ages from t0 to t1
 * evenly. */
static double
mix(const FluidYoung *y, RbmLaw law, double x)
{
  double sum = 0.0, h = (y->t1_s - y->t0_s) / YOUNG_AGES;
  for (int i = 0; i < YOUNG_AGES; i++)
    sum += law(y, y->t0_s + (i + 0.5) * h, x);
  return sum / YOUNG_AGES;
}

/* The age at which the queue started empty has mean @q: 0 for an empty
 * one, INFINITY when @q is as good as the stationary mean. */
static double
rbm_age(const FluidYoung *y, double q)
{
  if (!(q > 0.0))
    return 0.0;
  if (q >= (1.0 - YOUNG_OLD) * y->var / (2.0 * -y->drift))
    return INFINITY;
  /* The mean grows with the age, concave: regula falsi with the
   * Illinois rule (a stale end's value halved) closes on it in about ten
   * evaluations, where bisection took 48 (Dahlquist & Bjorck 1974,
   * 6.2.3). */
  double lo = 0.0, hi = 64.0 * y->var / (y->drift * y->drift);
  double f_lo = -q, f_hi = rbm_beyond(y, hi, 0.0) - q;
  if (!(f_hi > 0.0))
    return hi;
  int side = 0;
  for (int i = 0; i < 64 && hi - lo > 1e-12 * hi; i++) {
    double t = (lo * f_hi - hi * f_lo) / (f_hi - f_lo);
    double f = rbm_beyond(y, t, 0.0) - q;
    if (f == 0.0)
      return t;
    if (f < 0.0) {
      lo = t;
      f_lo = f;
      if (side < 0)
        f_hi /= 2.0;
      side = -1;
    } else {
      hi = t;
      f_hi = f;
      if (side > 0)
        f_lo /= 2.0;
      side = 1;
    }
    if (fabs(f) <= 1e-13 * q)
      return t;
  }
  return 0.5 * (lo + hi);
}

/* E[R; a < R <= b] of the step's mixture (b may be INFINITY). */
static double
mix_part(const FluidYoung *y, double a, double b)
{
  double upper =
    isfinite(b) ? b * mix(y, rbm_tail, b) + mix(y, rbm_beyond, b) : 0.0;
  return a * mix(y, rbm_tail, a) + mix(y, rbm_beyond, a) - upper;
}

guint
fluid_young_bins(const FluidYoung *y, double *wait_s, double *prob,
                 guint max)
{
  g_return_val_if_fail(y != NULL && wait_s != NULL && prob != NULL, 0);
  if (!(y->t1_s > 0.0 && y->drift < 0.0 && y->var > 0.0 && y->mu_c > 0.0))
    return 0;
  /* The queue is held at the cap: what lies beyond it waits the cap. */
  double cap = y->cap;
  double beyond = isfinite(cap) ? mix(y, rbm_tail, cap) : 0.0;
  double beyond_int = isfinite(cap) ? mix(y, rbm_beyond, cap) : 0.0;
  double mean = mix(y, rbm_beyond, 0.0) - beyond_int;
  if (!(mean > 0.0))
    return 0;
  /* Bins 2^(1/16) apart from 1/64 of the mean (the first from 0) to the
   * cap or where 1e-7 of the law is left (the last to the cap). Each
   * edge's tail and its integral are computed once: E[R; a < R <= b] =
   * a P(R > a) - b P(R > b) + the integral of the tail from a to b. */
  double step = exp2(1.0 / 16.0), a = 0.0, b = mean / 64.0;
  double tail_a = 1.0, int_a = mix(y, rbm_beyond, 0.0);
  guint n = 0;
  while (n < max && a < cap) {
    double tail_b = b < cap ? mix(y, rbm_tail, b) : beyond;
    gboolean last = n + 1 == max || b >= cap || tail_b < 1e-7;
    if (last) {
      b = cap;
      tail_b = beyond;
    }
    double int_b = last ? beyond_int : mix(y, rbm_beyond, b);
    double p = last ? tail_a : tail_a - tail_b;
    double part = a * tail_a - (isfinite(b) ? b * tail_b : 0.0) + int_a -
                  int_b + (last && isfinite(cap) ? cap * beyond : 0.0);
    if (p > 0.0) {
      double v = part / p;
      wait_s[n] = CLAMP(v, a, isfinite(b) ? b : v) / y->mu_c;
      prob[n] = p;
      n++;
    }
    if (last)
      break;
    a = b;
    tail_a = tail_b;
    int_a = int_b;
    b *= step;
  }
  return n;
}

/* Regime (c) over @tau seconds: the queue, of mean @b0, is young (its
 * age is @age0). Adds into @out and @parts; sets *@b1 to its mean at the
 * end. */
static void
young(const FluidServer *srv, double lambda, double tau, double age0,
      double b0, FluidStep *out, WaitParts *parts, double *b1)
{
  double mu_c = srv->slots / srv->mean_s;
  FluidYoung y = {
    .t0_s = age0, .t1_s = age0 + tau, .drift = lambda - mu_c,
    .var = 2.0 * fluid_variability(srv) * mu_c, .mu_c = mu_c,
    .cap = MIN(srv->queue_limit, mu_c * srv->timeout_s),
  };
  double n = lambda * tau;
  double waiters = n * fluid_delay_probability(srv, lambda * srv->mean_s);
  /* The queue is held at the cap (reflected there too): what it loses is
   * the regulator's push there, sigma² / 2 times the queue's density at
   * the cap per second (as for the two-sided regulated Brownian motion,
   * Harrison 1985, ch. 5): a few requests while the queue touches the
   * cap, not every arrival the unheld queue would have beyond it. They
   * are refused when the queue limit is the cap, doomed to time out
   * otherwise (regime (b)'s rule). Those beyond wait the cap. */
  double beyond = 0.0, over = 0.0;
  if (isfinite(y.cap)) {
    beyond = mix(&y, rbm_tail, y.cap);
    over = MIN(waiters, tau * y.var / 2.0 * mix(&y, rbm_density, y.cap));
  }
  gboolean refused = srv->queue_limit <= mu_c * srv->timeout_s;
  double end = MIN(rbm_beyond(&y, y.t1_s, 0.0), y.cap);
  double started_waiting = MAX(waiters - over - (end - b0), 0.0);
  double wait = (mix_part(&y, 0.0, y.cap) +
                 (isfinite(y.cap) ? y.cap * beyond : 0.0)) / mu_c;
  double started = n - waiters + started_waiting;
  if (refused)
    out->queue_full += over;
  else
    out->timed_out += over;
  out->started += started;
  out->waited += refused ? waiters - over : waiters;
  out->wait_sum_s += started_waiting * wait;
  out->busy_slot_s += started * srv->mean_s;
  out->in_flight_s += started * srv->mean_s + started_waiting * wait +
                      (refused ? 0.0 : over * srv->timeout_s);
  parts->none += n - waiters;
  /* Settled, but too few waiters started for settle(): an exponential
   * of their mean wait is as good as the bins. */
  gboolean settled =
    b0 >= (1.0 - YOUNG_SETTLED) * stationary_queue(srv, lambda);
  if (started_waiting > 0.0 && settled) {
    parts->exp_n += started_waiting;
    parts->exp_mean = wait;
  } else if (started_waiting > 0.0) {
    parts->young_n += started_waiting;
    parts->young = y;
  }
  *b1 = b0 + waiters - over - started_waiting;
}

/* ---- regime (b)'s FIFO waits ---------------------------------------- */

/* Appends (@u, @w) to @h, after its last point; room is kept by
 * history_thin(). */
static void
history_add(FluidHistory *h, double u, double w)
{
  if (h->n > 0 && !(u > h->u[h->n - 1]))
    return; /* no arrival in between: nobody starts then */
  h->u[h->n] = u;
  h->w[h->n] = w;
  h->n++;
}

/* W at @u (@h not empty): interpolated, the ends held. */
static double
history_at(const FluidHistory *h, double u)
{
  if (u <= h->u[0])
    return h->w[0];
  for (guint i = 1; i < h->n; i++)
    if (u <= h->u[i]) {
      double f = (u - h->u[i - 1]) / (h->u[i] - h->u[i - 1]);
      return h->w[i - 1] + f * (h->w[i] - h->w[i - 1]);
    }
  return h->w[h->n - 1];
}

/* The integral of W over start times [0, @t]. */
static double
history_integral(const FluidHistory *h, double t)
{
  double sum = 0.0, u = 0.0, w = history_at(h, 0.0);
  for (guint i = 0; i < h->n && u < t; i++) {
    if (h->u[i] <= u)
      continue;
    double v = MIN(h->u[i], t), x = history_at(h, v);
    sum += (w + x) / 2.0 * (v - u);
    u = v;
    w = x;
  }
  return sum + w * MAX(t - u, 0.0);
}

/* Drops the points of requests started by @t, keeping W at @t, and
 * moves the origin to @t. */
static void
history_shift(FluidHistory *h, double t)
{
  double w0 = history_at(h, t);
  guint k = 0;
  h->u[k] = 0.0;
  h->w[k++] = w0;
  for (guint i = 0; i < h->n; i++)
    if (h->u[i] > t) {
      h->u[k] = h->u[i] - t;
      h->w[k++] = h->w[i];
    }
  h->n = k;
}

/* Keeps room for a step's points: every other inner point goes when
 * full (the history then describes W at half the resolution). */
static void
history_thin(FluidHistory *h)
{
  if (h->n + 4 <= FLUID_HISTORY_MAX)
    return;
  guint k = 1;
  for (guint i = 2; i + 1 < h->n; i += 2) {
    h->u[k] = h->u[i];
    h->w[k++] = h->w[i];
  }
  h->u[k] = h->u[h->n - 1];
  h->w[k++] = h->w[h->n - 1];
  h->n = k;
}

/* Regime (b) over at most @tau seconds from backlog @b0 (> 0, or
 * lambda >= c / mean): every slot busy. Returns the seconds it lasted
 * (less than @tau when the backlog drains to @floor) and sets *@b1.
 * With @h (may be NULL) the started requests' waits are FIFO's. */
static double
fluid(const FluidServer *srv, double lambda, double tau, double b0,
      double floor, FluidHistory *h, FluidStep *out, WaitParts *parts,
      double *b1)
{
  double mu_c = srv->slots / srv->mean_s; /* completions per second */
  double d = lambda - mu_c;
  /* The backlog to be served is capped by the queue's places and by what
   * the timeout lets through: a request with B ahead waits B / mu_c. */
  double bmax = MIN(srv->queue_limit, mu_c * srv->timeout_s);
  double b = b0, area = 0.0, t = tau, over = 0.0;
  if (b > bmax) { /* the caps shrank: the excess times out */
    out->timed_out += b - bmax;
    b = bmax;
  }
  if (h != NULL) {
    history_thin(h);
    if (h->n == 0 && b > 0.0) { /* unknown: it waited its length */
      history_add(h, 0.0, b / mu_c);
      history_add(h, b / mu_c, b / mu_c);
    }
    /* Who arrives now starts when the backlog ahead is served. */
    history_add(h, b / mu_c, b / mu_c);
  }
  if (d >= 0.0) {
    double fill = d > 0.0 ? (bmax - b) / d : INFINITY;
    double ramp = MIN(fill, tau);
    double top = b + d * ramp;
    area = (b + top) / 2.0 * ramp + top * (tau - ramp);
    over = d * (tau - ramp);
    b = top;
    if (h != NULL) {
      history_add(h, ramp + top / mu_c, top / mu_c);
      history_add(h, tau + top / mu_c, top / mu_c);
    }
  } else {
    t = MIN(tau, (b - floor) / -d);
    double end = t < tau ? floor : MAX(b + d * t, floor);
    area = (b + end) / 2.0 * t;
    b = end;
    if (h != NULL)
      history_add(h, t + end / mu_c, end / mu_c);
  }
  /* Overflow at the cap: with the timeout the binding cap, the queue
   * holds lambda T requests (those doomed included) and, once that
   * passes the limit, admits L / T per second; the rest is refused. */
  double late = 0.0;
  if (over > 0.0 && isfinite(srv->timeout_s) &&
      mu_c * srv->timeout_s <= srv->queue_limit) {
    double admit = srv->queue_limit <= 0.0 ? 0.0
                 : srv->timeout_s > 0.0 ? srv->queue_limit / srv->timeout_s
                 : INFINITY;
    late = MIN(over, MAX(0.0, admit - mu_c) * (over / d));
  }
  double arrivals = lambda * t;
  double started = mu_c * t;
  out->queue_full += over - late;
  out->timed_out += late;
  out->started += started;
  out->waited += arrivals - (over - late);
  /* Started at rate mu_c: FIFO, each waited what the backlog was when it
   * arrived, over mu_c (with @h); else, each waiting B(t) / mu_c, the
   * wait sum is the backlog's area (Little's law, step by step). */
  double waits = area;
  if (h != NULL) {
    waits = mu_c * history_integral(h, t);
    history_shift(h, t);
  }
  out->wait_sum_s += waits;
  out->busy_slot_s += srv->slots * t;
  out->in_flight_s += srv->slots * t + area +
                      (isfinite(srv->timeout_s) ? late * srv->timeout_s : 0);
  parts->fixed_n += started;
  parts->fixed_sum += waits;
  *b1 = b;
  return t;
}

/* The wait law of the step from its parts. */
static void
wait_law(const WaitParts *p, FluidWait *w)
{
  double n = p->none + p->exp_n + p->fixed_n + p->young_n;
  memset(w, 0, sizeof *w);
  if (!(n > 0.0))
    return;
  w->none = p->none / n;
  w->exp_frac = p->exp_n / n;
  w->exp_mean_s = p->exp_n > 0.0 ? p->exp_mean : 0.0;
  w->exp_scv = p->exp_n > 0.0 ? p->exp_scv : 0.0;
  w->fixed_frac = p->fixed_n / n;
  w->fixed_s = p->fixed_n > 0.0 ? p->fixed_sum / p->fixed_n : 0.0;
  w->young_frac = p->young_n / n;
  if (p->young_n > 0.0)
    w->young = p->young;
}

/* Regime (c)'s choice, for rho < 1: whether the queue is young, and then
 * the mean it relaxes to in *@mean (its stationary mean, or the cap). */
static gboolean
is_young(const FluidServer *srv, double lambda, double dt_s, double *mean)
{
  double mu_c = srv->slots / srv->mean_s, theta = lambda - mu_c;
  double var = 2.0 * fluid_variability(srv) * mu_c;
  if (!(lambda > 0.0 && var > 0.0 &&
        var / (theta * theta) > YOUNG_RELAXATION * dt_s))
    return FALSE;
  *mean = MIN(stationary_queue(srv, lambda),
              MIN(srv->queue_limit, mu_c * srv->timeout_s));
  return TRUE;
}

/* The age of a young queue of mean @b at @lambda (INFINITY: as good as
 * stationary). */
static double
queue_age(const FluidServer *srv, double lambda, double b)
{
  double mu_c = srv->slots / srv->mean_s;
  FluidYoung y = { .drift = lambda - mu_c,
                   .var = 2.0 * fluid_variability(srv) * mu_c };
  return rbm_age(&y, b);
}

/* Regime (c) once settled: a young queue of mean *@b within YOUNG_SETTLED
 * below its stationary mean @mean (not held at the cap) is taken as
 * stationary over @tau, as regime (a), except that mean - *@b of the
 * waiters stay queued at the end rather than start, so that the queue
 * ends at @mean and stays there while the load does. FALSE, with nothing
 * added, when it is not settled or the step starts too few waiters. */
static gboolean
settle(const FluidServer *srv, double lambda, double tau, double mean,
       double *b, FluidStep *out, WaitParts *parts)
{
  double stat = stationary_queue(srv, lambda);
  if (!(*b >= (1.0 - YOUNG_SETTLED) * stat && mean >= stat))
    return FALSE;
  FluidStep s = *out;
  WaitParts p = *parts;
  stationary(srv, lambda, tau, &s, &p);
  double gap = mean - *b, kept = p.exp_n - parts->exp_n;
  if (!(kept > gap))
    return FALSE;
  double kept_wait = (s.wait_sum_s - out->wait_sum_s) / kept;
  s.started -= gap;
  s.wait_sum_s -= gap * kept_wait;
  s.busy_slot_s -= gap * srv->mean_s;
  s.in_flight_s -= gap * srv->mean_s;
  p.exp_n -= gap;
  *out = s;
  *parts = p;
  *b = mean;
  return TRUE;
}

void
fluid_queue_step(const FluidServer *srv, double lambda, double dt_s,
                 double backlog0, FluidStep *out)
{
  fluid_queue_step_fifo(srv, lambda, dt_s, backlog0, NULL, out);
}

void
fluid_queue_step_fifo(const FluidServer *srv, double lambda, double dt_s,
                      double backlog0, FluidHistory *h, FluidStep *out)
{
  g_return_if_fail(srv != NULL && out != NULL);
  g_return_if_fail(srv->slots >= 1 && srv->mean_s >= 0.0);
  memset(out, 0, sizeof *out);
  lambda = MAX(lambda, 0.0);
  dt_s = MAX(dt_s, 0.0);
  if (srv->mean_s == 0.0) {
    /* Service takes no time: every request starts, and ends, at once. */
    out->started = out->completed = lambda * dt_s + MAX(backlog0, 0.0);
    out->wait.none = out->started > 0.0 ? 1.0 : 0.0;
    if (h != NULL)
      h->n = 0;
    return;
  }
  out->rho = lambda * srv->mean_s / srv->slots;
  WaitParts parts = { 0 };
  double b = MAX(backlog0, 0.0), used = 0.0, mean = 0.0;
  if (out->rho < 1.0 && is_young(srv, lambda, dt_s, &mean)) {
    /* A queue above the mean this load keeps drains to it as a fluid;
     * one below it grows as the Brownian queue does, or settles when
     * within YOUNG_SETTLED; one at it is stationary and stays there. */
    if (b > mean)
      used = fluid(srv, lambda, dt_s, b, mean, h, out, &parts, &b);
    double left = dt_s - used;
    gboolean below = left > 0.0 && b < mean;
    gboolean settled = below && settle(srv, lambda, left, mean, &b, out,
                                       &parts);
    double age = below && !settled ? queue_age(srv, lambda, b) : INFINITY;
    if (isfinite(age))
      young(srv, lambda, left, age, b, out, &parts, &b);
    else if (left > 0.0 && !settled)
      stationary(srv, lambda, left, out, &parts);
  } else {
    if (b > 0.0 || out->rho >= 1.0)
      used = fluid(srv, lambda, dt_s, b, 0.0, h, out, &parts, &b);
    if (used < dt_s) /* no backlog (left) and rho < 1 */
      stationary(srv, lambda, dt_s - used, out, &parts);
  }
  if (h != NULL && used < dt_s) /* what waits now is not a fluid's */
    h->n = 0;
  out->completed = out->started;
  out->backlog = b;
  wait_law(&parts, &out->wait);
}

gboolean
fluid_queue_caveat(const FluidServer *srv, double lambda,
                   const char **reason)
{
  g_return_val_if_fail(srv != NULL && srv->slots >= 1, FALSE);
  double rho = lambda * srv->mean_s / srv->slots;
  const char *why = NULL;
  if (rho >= 1.0)
    why = "overloaded (utilisation >= 1): the fluid backlog has "
          "deterministic waits and ignores the randomness of arrivals "
          "and service times";
  else if (rho > 0.95)
    why = "utilisation above 0.95: queueing approximations lose accuracy "
          "in heavy traffic, where waits are long and very variable";
  else if (srv->scv > 4.0 || srv->arrival_scv > 4.0)
    why = "service or arrival times very variable (squared coefficient of "
          "variation > 4): Allen-Cunneen's error grows with variability";
  else if (isfinite(srv->timeout_s) &&
           srv->timeout_s < 3.0 * srv->mean_s * fluid_variability(srv) /
                                MAX(srv->slots * (1.0 - rho), 1e-9))
    why = "the timeout is within a few mean waits: timed-out requests "
          "are estimated from an exponential wait tail";
  if (why == NULL)
    return FALSE;
  if (reason != NULL)
    *reason = why;
  return TRUE;
}
