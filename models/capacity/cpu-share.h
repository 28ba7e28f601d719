/* The CPU of one EC2 instance shared among its tasks (issue 16).
 *
 * ECS on EC2 Linux turns a task-level `cpu` into a hard CFS quota, as on
 * Fargate, and a container-level `cpu` into cgroup cpu.shares, a relative
 * weight that only matters when tasks compete (ECS Developer Guide, task
 * definition parameters, "cpu"; 0 or absent is the kernel's minimum, 2
 * shares). So a task with no task-level `cpu` ("share-only") may use any
 * CPU its neighbours leave idle.
 *
 * The instance is a weighted-share server over its vCPUs (its type's, or
 * its baseline while a burstable instance in standard mode has no
 * credits): hard-capped tasks first take what their busy slots use, and
 * what remains is water-filled among the share-only tasks that have busy
 * slots, in proportion to their shares, each capped at its demand (busy
 * slots × the most CPU one request can use): what one task cannot use goes
 * to the others. Rates are exact in event order: every change of a busy
 * count recomputes the instance and reports, through the rate callback,
 * each share-only task whose CPU changed.
 *
 * Burstable instances (burstable.h) earn CPU credits at their baseline and
 * spend one credit per vCPU-minute used. In standard mode an instance
 * whose balance reaches 0 is held at its baseline (EC2 lowers it
 * gradually; here it drops at once) until it earns credits again; in
 * unlimited mode the balance may go negative: those are surplus credits,
 * paid down by later earnings and billed at the end (cpu_share_surplus_usd).
 * Limitation: the baseline cap slows share-only tasks only; hard-capped
 * tasks keep their quota. */
#pragma once

#include "models/core/world-private.h"

typedef struct _CpuShares CpuShares;

/* Called when share-only task @task's CPU changed: each of its busy slots
 * now progresses at @vcpu_per_slot vCPU (0: it gets none), @alloc_vcpu in
 * all. */
typedef void (*CpuShareRateFunc)(World *w, guint32 task, double alloc_vcpu,
                                 double vcpu_per_slot, gpointer data);

/* Sets up w->cpu_shares (no instance state until a task joins). */
void cpu_share_init(World *w);
void cpu_share_free(World *w);

/* Who hears of rate changes (one listener: the request queues). */
void cpu_share_set_rate_func(World *w, CpuShareRateFunc func, gpointer data);

/* Share-only task @task starts serving on @instance with weight @shares
 * (>= 2) and at most @slot_max_vcpu per busy slot; it has no busy slot. */
void cpu_share_join(World *w, int instance, guint32 task, int shares,
                    double slot_max_vcpu);
/* @task left @instance (its busy count must be 0 by now). */
void cpu_share_leave(World *w, int instance, guint32 task);
/* Share-only task @task has @busy busy slots from now on. */
void cpu_share_set_busy(World *w, int instance, guint32 task, int busy);
/* A hard-capped task on @instance uses @delta_vcpu more (or less) CPU
 * from now on. */
void cpu_share_add_hard(World *w, int instance, double delta_vcpu);

/* Credits of burstable instance @instance at time @t (no side effects);
 * negative: surplus credits (unlimited mode). 0 for other types. */
double cpu_share_credits(World *w, int instance, SimTime t);
/* What the surplus credits of @instance cost at time @t, in USD: surplus
 * credits / 60 × the type's price per vCPU-hour. 0 for other types. */
double cpu_share_surplus_usd(World *w, int instance, SimTime t);
/* TRUE while standard-mode @instance is held at its baseline. */
gboolean cpu_share_capped(World *w, int instance);
