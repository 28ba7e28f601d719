/* Running a sweep's runs on threads.
 *
 * A SweepPool runs pushed run ids of a plan on its threads and hands the
 * results back in completion order; sweep_exec_threads() runs a list of
 * runs to the end with it. The MPI driver (models/cmd/sweep-mpi.c) feeds
 * a pool on rank 0 beside the other ranks. */
#pragma once

#include <glib.h>
#include <signal.h>

#include "models/experiments/sweep.h"

typedef struct _SweepPool SweepPool;

/* A pool of @threads threads (0: one per core) running runs of @plan
 * (lent; must outlive the pool). Runs that start after @interrupt is
 * raised return at once as interrupted. */
SweepPool *sweep_pool_new(const SweepPlan *plan, guint threads,
                          volatile sig_atomic_t *interrupt);
void sweep_pool_push(SweepPool *pool, guint run);
/* The next finished result (owned), or NULL after @timeout_us. */
SweepResult *sweep_pool_pop(SweepPool *pool, gint64 timeout_us);
/* Waits for the runs in progress, dropping results not popped. */
void sweep_pool_free(SweepPool *pool);

/* Receives each result (to take), and NULL about four times a second
 * while waiting, so that a progress display can redraw. */
typedef void (*SweepSink)(SweepResult *result, gpointer data);

/* Runs the @n runs of @runs on @threads threads, giving each result to
 * @sink on the calling thread; returns when all have reported (after an
 * interrupt, those not started report at once as interrupted). */
void sweep_exec_threads(const SweepPlan *plan, const guint *runs, guint n,
                        guint threads, volatile sig_atomic_t *interrupt,
                        SweepSink sink, gpointer data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SweepPool, sweep_pool_free)
