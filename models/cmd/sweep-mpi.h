/* `ecsim sweep` across MPI ranks (built with -Dmpi=true).
 *
 * Every rank builds the same plan from the same command line. Rank 0
 * hands out run ids one at a time (dynamic distribution: a rank that
 * finishes asks for the next), runs some itself on local threads, and
 * receives each result as summary JSON text; it alone writes the files.
 * Without MPI support, or when not started by mpirun/srun, init returns
 * FALSE and the sweep runs on threads. */
#pragma once

#include <glib.h>
#include <signal.h>

#include "models/experiments/sweep-exec.h"

/* When started by an MPI launcher (mpirun, srun), initialises MPI and
 * sets @rank and @size; returns FALSE (rank 0 of 1) otherwise. */
gboolean sweep_mpi_init(int *rank, int *size);
void sweep_mpi_finalize(void);

/* Every rank passes its exit status so far; returns the largest (so that
 * all ranks stop when one cannot go on). */
int sweep_mpi_agree(int status);

/* Rank 0: hands out @runs (@n run ids) to the other ranks and to
 * @threads local threads, giving every result to @sink. */
void sweep_mpi_coordinate(const SweepPlan *plan, const guint *runs, guint n,
                          guint threads, volatile sig_atomic_t *interrupt,
                          SweepSink sink, gpointer data);

/* Other ranks: run what rank 0 hands out until it says stop. */
void sweep_mpi_work(const SweepPlan *plan, volatile sig_atomic_t *interrupt);
