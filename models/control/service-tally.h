/* A service's tasks counted by what the scheduler asks of them, kept up
 * to date as tasks change instead of counted by walking every task.
 *
 * Why: every task's state and health changes ask for a reconcile pass,
 * so a cold start of n tasks runs O(n) passes; a pass that walked the
 * service's n tasks (and a launch that walked them again to pick a
 * capacity provider) made the start O(n^2): 10,000 tasks took 9 s. With
 * the tally a pass that has nothing to stop costs O(1), and the counts
 * are exactly those the walk gave, so every output is unchanged.
 *
 * Each task remembers which counts it is in (Task.tallied); whenever
 * something the counts read may have changed (its state, its health as
 * the scheduler sees it), service_tally_update() takes it out of its old
 * counts and puts it into its new ones. Task.draining changes without
 * telling anyone but the scheduler (cluster_drain_instance()): a
 * service's tally is counted afresh when the cluster's drain generation
 * moved, which is rare. */
#pragma once

#include "models/core/world-private.h"

/* One deployment's tasks. "Current" means not on a DRAINING instance: a
 * task on one is replaced like an old deployment's (scheduler.c). */
typedef struct {
  int live;          /* current, PROVISIONING..RUNNING */
  int good;          /* ... not marked unhealthy */
  int healthy;       /* ... counting healthy, not marked unhealthy */
  int stopping;      /* current, begun stopping, not yet STOPPED */
  int *live_by_provider; /* live tasks (draining or not) per capacity
                            provider index */
  guint n_providers;
} DeploymentTally;

typedef struct _ServiceTally_ {
  int members;       /* tasks not STOPPED: Service.tasks->len */
  int live;          /* PROVISIONING..RUNNING */
  int pending;       /* PROVISIONING..ACTIVATING */
  int running;       /* RUNNING */
  int stopping;      /* begun stopping, not yet STOPPED */
  int stopping_unhealthy; /* ... stopped as unhealthy */
  int healthy;       /* live, counting healthy, not marked unhealthy */
  int healthy_members; /* any member counting healthy, not marked */
  int transitioning; /* live, neither counting healthy nor marked */
  int marked;        /* live, marked unhealthy */
  GArray *by_deployment; /* DeploymentTally, indexed by deployment
                            number (0 unused) */
  guint drain_generation; /* cluster_drain_generation() when counted */
  guint64 recounts;  /* times counted afresh (tests) */
  struct _ServiceTally_ *walked; /* counts by walking the tasks, read
                                    during an announcement; NULL */
} ServiceTally;

void service_tally_init(ServiceTally *tally);
void service_tally_clear(ServiceTally *tally);

/* TRUE when @t is counted as one of its service's tasks (in
 * Service.tasks). */
gboolean service_tally_has(const Task *t);

/* Hook body: @t (of service @s) may have changed state or health, and is
 * (@member) or is not in Service.tasks now; moves it to the counts it
 * now belongs to. Never fails. */
void service_tally_update(World *w, Service *s, Task *t, gboolean member);

/* The counts of @s now: exactly what a walk of Service.tasks counts
 * (lent, until the next call). Counts afresh when a container instance
 * began draining since, and walks the tasks during a task announcement
 * (world_announcing_task()); in a service of at most 64 tasks also
 * checks the counts against a walk (a bug aborts). */
const ServiceTally *service_tally(World *w, Service *s);

/* Deployment @number's counts in @tally; zeroes when it has no task.
 * Lent. */
const DeploymentTally *service_tally_deployment(const ServiceTally *tally,
                                                guint32 number);

/* Live tasks of deployment @number on capacity provider @provider. */
int service_tally_live_on(const ServiceTally *tally, guint32 number,
                          int provider);
