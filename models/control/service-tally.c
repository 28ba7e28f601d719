/* A service's tasks counted as they change (service-tally.h). */
#include "models/control/service-tally.h"

#include <string.h>

#include "models/capacity/cluster.h"
#include "models/control/service.h"
#include "models/core/hooks.h"

/* What a task counts as: bits of Task.tallied. */
enum {
  T_MEMBER = 1 << 0,        /* in Service.tasks (a STOPPED task is, until
                               service.c sees it stop) */
  T_LIVE = 1 << 1,
  T_PENDING = 1 << 2,
  T_RUNNING = 1 << 3,
  T_STOPPING = 1 << 4,
  T_STOP_UNHEALTHY = 1 << 5,
  T_HEALTHY = 1 << 6,       /* live and counting healthy */
  T_HEALTHY_MEMBER = 1 << 7,
  T_TRANSITIONING = 1 << 8,
  T_MARKED = 1 << 9,
  T_CURRENT = 1 << 10,      /* not on a DRAINING instance */
};

/* What @t counts as, when it is in its service's tasks (@member). */
static guint32
classify(const Task *t, gboolean member)
{
  if (!member)
    return 0;
  guint32 c = T_MEMBER;
  gboolean healthy = t->counts_healthy && !t->marked_unhealthy;
  c |= healthy ? T_HEALTHY_MEMBER : 0;
  c |= t->draining ? 0 : T_CURRENT;
  if (!task_is_live(t)) {
    c |= T_STOPPING;
    c |= t->stop_reason == STOP_UNHEALTHY ? T_STOP_UNHEALTHY : 0;
    return c;
  }
  c |= T_LIVE;
  c |= t->state < TASK_RUNNING ? T_PENDING : T_RUNNING;
  c |= healthy ? T_HEALTHY : 0;
  c |= !t->counts_healthy && !t->marked_unhealthy ? T_TRANSITIONING : 0;
  c |= t->marked_unhealthy ? T_MARKED : 0;
  return c;
}

static DeploymentTally *
deployment_slot(ServiceTally *tally, guint32 number)
{
  if (number >= tally->by_deployment->len)
    g_array_set_size(tally->by_deployment, number + 1);
  return &g_array_index(tally->by_deployment, DeploymentTally, number);
}

static int *
provider_slot(DeploymentTally *d, int provider)
{
  g_assert(provider >= 0);
  if ((guint) provider >= d->n_providers) {
    guint n = (guint) provider + 1;
    d->live_by_provider = g_renew(int, d->live_by_provider, n);
    memset(d->live_by_provider + d->n_providers, 0,
           (n - d->n_providers) * sizeof *d->live_by_provider);
    d->n_providers = n;
  }
  return &d->live_by_provider[provider];
}

/* Adds @sign (+1 or -1) times task @t counted as @c to @tally. */
static void
apply(ServiceTally *tally, const Task *t, guint32 c, int sign)
{
  if (c == 0)
    return;
  tally->members += sign;
  tally->live += sign * !!(c & T_LIVE);
  tally->pending += sign * !!(c & T_PENDING);
  tally->running += sign * !!(c & T_RUNNING);
  tally->stopping += sign * !!(c & T_STOPPING);
  tally->stopping_unhealthy += sign * !!(c & T_STOP_UNHEALTHY);
  tally->healthy += sign * !!(c & T_HEALTHY);
  tally->healthy_members += sign * !!(c & T_HEALTHY_MEMBER);
  tally->transitioning += sign * !!(c & T_TRANSITIONING);
  tally->marked += sign * !!(c & T_MARKED);
  DeploymentTally *d = deployment_slot(tally, t->deployment);
  if (c & T_LIVE)
    *provider_slot(d, t->provider) += sign;
  if (!(c & T_CURRENT))
    return;
  d->live += sign * !!(c & T_LIVE);
  d->good += sign * ((c & T_LIVE) && !(c & T_MARKED));
  d->healthy += sign * !!(c & T_HEALTHY);
  d->stopping += sign * !!(c & T_STOPPING);
}

static void
zero(ServiceTally *tally)
{
  for (guint i = 0; i < tally->by_deployment->len; i++) {
    DeploymentTally *d =
      &g_array_index(tally->by_deployment, DeploymentTally, i);
    g_free(d->live_by_provider);
  }
  g_array_set_size(tally->by_deployment, 0);
  ServiceTally keep = *tally;
  memset(tally, 0, sizeof *tally);
  tally->by_deployment = keep.by_deployment;
  tally->drain_generation = keep.drain_generation;
  tally->recounts = keep.recounts;
  tally->walked = keep.walked;
}

void
service_tally_init(ServiceTally *tally)
{
  memset(tally, 0, sizeof *tally);
  tally->by_deployment = g_array_new(FALSE, TRUE, sizeof(DeploymentTally));
}

void
service_tally_clear(ServiceTally *tally)
{
  if (tally->by_deployment == NULL)
    return;
  zero(tally);
  g_clear_pointer(&tally->by_deployment, g_array_unref);
  if (tally->walked != NULL) {
    service_tally_clear(tally->walked);
    g_clear_pointer(&tally->walked, g_free);
  }
}

gboolean
service_tally_has(const Task *t)
{
  return (t->tallied & T_MEMBER) != 0;
}

void
service_tally_update(World *w, Service *s, Task *t, gboolean member)
{
  guint32 c = classify(t, member);
  if (c == t->tallied)
    return;
  apply(&s->tally, t, t->tallied, -1);
  apply(&s->tally, t, c, +1);
  t->tallied = c;
}

/* Counts @s's tasks into @tally afresh; with @remember, each task keeps
 * what it was counted as. */
static void
recount(World *w, Service *s, ServiceTally *tally, gboolean remember)
{
  zero(tally);
  s->tasks_examined += s->tasks->len;
  for (guint i = 0; i < s->tasks->len; i++) {
    Task *t = world_task(w, g_array_index(s->tasks, guint32, i));
    guint32 c = classify(t, TRUE);
    apply(tally, t, c, +1);
    if (remember)
      t->tallied = c;
  }
}

static gboolean
same_deployments(const ServiceTally *a, const ServiceTally *b)
{
  guint n = MAX(a->by_deployment->len, b->by_deployment->len);
  for (guint i = 0; i < n; i++) {
    const DeploymentTally *x = service_tally_deployment(a, i);
    const DeploymentTally *y = service_tally_deployment(b, i);
    if (x->live != y->live || x->good != y->good ||
        x->healthy != y->healthy || x->stopping != y->stopping)
      return FALSE;
    guint np = MAX(x->n_providers, y->n_providers);
    for (guint p = 0; p < np; p++)
      if (service_tally_live_on(a, i, (int) p) !=
          service_tally_live_on(b, i, (int) p))
        return FALSE;
  }
  return TRUE;
}

/* The counts kept as tasks changed against a walk of the tasks: a field
 * the counts read that changed unannounced would show here. */
static void
check(World *w, Service *s)
{
  ServiceTally walked;
  service_tally_init(&walked);
  guint64 examined = s->tasks_examined;
  recount(w, s, &walked, FALSE);
  s->tasks_examined = examined; /* a check, not the scheduler's work */
  const ServiceTally *kept = &s->tally;
  g_assert_cmpint(kept->members, ==, (int) s->tasks->len);
  g_assert_cmpint(kept->live, ==, walked.live);
  g_assert_cmpint(kept->pending, ==, walked.pending);
  g_assert_cmpint(kept->running, ==, walked.running);
  g_assert_cmpint(kept->stopping, ==, walked.stopping);
  g_assert_cmpint(kept->stopping_unhealthy, ==, walked.stopping_unhealthy);
  g_assert_cmpint(kept->healthy, ==, walked.healthy);
  g_assert_cmpint(kept->healthy_members, ==, walked.healthy_members);
  g_assert_cmpint(kept->transitioning, ==, walked.transitioning);
  g_assert_cmpint(kept->marked, ==, walked.marked);
  g_assert_true(same_deployments(kept, &walked));
  service_tally_clear(&walked);
}

/* Small enough that checking every read costs little: every example
 * scenario and test service is, so they all check the counts. */
#define CHECK_UP_TO 64

const ServiceTally *
service_tally(World *w, Service *s)
{
  /* Mid-announcement a task's fields may have changed before the hook
   * that counts it ran: read what a walk of the tasks reads. It happens
   * where a subscriber acts at once (a DAEMON service placing on an
   * instance that a stopping task just freed), seldom. */
  if (world_announcing_task(w)) {
    if (s->tally.walked == NULL) {
      s->tally.walked = g_new0(ServiceTally, 1);
      service_tally_init(s->tally.walked);
    }
    recount(w, s, s->tally.walked, FALSE);
    return s->tally.walked;
  }
  guint generation = cluster_drain_generation(w);
  if (s->tally.drain_generation != generation) {
    recount(w, s, &s->tally, TRUE);
    s->tally.drain_generation = generation;
    s->tally.recounts++;
  } else if (s->tasks->len <= CHECK_UP_TO) {
    check(w, s);
  }
  return &s->tally;
}

const DeploymentTally *
service_tally_deployment(const ServiceTally *tally, guint32 number)
{
  static const DeploymentTally none = { 0 };
  if (number >= tally->by_deployment->len)
    return &none;
  return &g_array_index(tally->by_deployment, DeploymentTally, number);
}

int
service_tally_live_on(const ServiceTally *tally, guint32 number,
                      int provider)
{
  const DeploymentTally *d = service_tally_deployment(tally, number);
  if (provider < 0 || (guint) provider >= d->n_providers)
    return 0;
  return d->live_by_provider[provider];
}
