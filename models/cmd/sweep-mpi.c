/* Sweeps across MPI ranks: rank 0 hands out run ids and gathers results.
 *
 * Messages: a rank sends TAG_READY with the text of its last result
 * (empty the first time); rank 0 records the result and answers TAG_WORK
 * with the next run id, or -1 to stop. Only rank 0's main thread calls
 * MPI (MPI_THREAD_FUNNELED); its local threads only simulate. */
#include "models/cmd/sweep-mpi.h"

#include <string.h>

#include "ecsim-config.h"

#if ECSIM_MPI
#include <mpi.h>
#endif

#if ECSIM_MPI

enum { TAG_READY = 1, TAG_WORK = 2 };

/* Variables the launchers set in each rank's environment (Open MPI's
 * mpirun, PMIx and PMI-2 as srun sets them, MPICH's hydra). */
static gboolean
launched(void)
{
  static const char *const vars[] = { "OMPI_COMM_WORLD_SIZE", "PMIX_RANK",
                                      "PMI_RANK", "PMI_SIZE" };
  for (gsize i = 0; i < G_N_ELEMENTS(vars); i++)
    if (g_getenv(vars[i]) != NULL)
      return TRUE;
  return FALSE;
}

gboolean
sweep_mpi_init(int *rank, int *size)
{
  *rank = 0;
  *size = 1;
  if (!launched())
    return FALSE;
  int provided;
  MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  MPI_Comm_rank(MPI_COMM_WORLD, rank);
  MPI_Comm_size(MPI_COMM_WORLD, size);
  return TRUE;
}

void
sweep_mpi_finalize(void)
{
  MPI_Finalize();
}

int
sweep_mpi_agree(int status)
{
  int all = status;
  MPI_Allreduce(&status, &all, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
  return all;
}

typedef struct {
  const guint *runs;
  guint n, next;
  int workers;         /* ranks not yet told to stop */
  gboolean stop;
  SweepSink sink;
  gpointer data;
} Coordinator;

static int
next_run(Coordinator *c)
{
  return !c->stop && c->next < c->n ? (int) c->runs[c->next++] : -1;
}

/* Answers every rank that is waiting, recording the results they bring. */
static void
serve(Coordinator *c)
{
  int flag = 0;
  MPI_Status st;
  while (MPI_Iprobe(MPI_ANY_SOURCE, TAG_READY, MPI_COMM_WORLD, &flag, &st) ==
           MPI_SUCCESS && flag) {
    int len = 0;
    MPI_Get_count(&st, MPI_CHAR, &len);
    g_autofree char *text = g_malloc((gsize) len + 1);
    MPI_Recv(text, len, MPI_CHAR, st.MPI_SOURCE, TAG_READY, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    text[len] = '\0';
    SweepResult *r = len > 0 ? sweep_result_from_text(text) : NULL;
    if (r != NULL) {
      c->stop = c->stop || r->interrupted;
      c->sink(r, c->data);
    }
    int run = next_run(c);
    MPI_Send(&run, 1, MPI_INT, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
    c->workers -= run < 0;
  }
}

void
sweep_mpi_coordinate(const SweepPlan *plan, const guint *runs, guint n,
                     guint threads, volatile sig_atomic_t *interrupt,
                     SweepSink sink, gpointer data)
{
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  Coordinator c = { runs, n, 0, size - 1, FALSE, sink, data };
  g_autoptr(SweepPool) pool = threads ? sweep_pool_new(plan, threads,
                                                       interrupt)
                                      : NULL;
  guint busy = 0;
  gint64 last_tick = g_get_monotonic_time();
  for (;;) {
    c.stop = c.stop || *interrupt;
    while (pool != NULL && busy < threads && !c.stop && c.next < n) {
      sweep_pool_push(pool, runs[c.next++]);
      busy++;
    }
    SweepResult *r = busy ? sweep_pool_pop(pool, 1000) : NULL;
    if (busy == 0)
      g_usleep(1000);
    if (r != NULL) {
      busy--;
      sink(r, data);
    }
    serve(&c);
    if (busy == 0 && c.workers == 0 && (c.stop || c.next >= n))
      break;
    if (g_get_monotonic_time() - last_tick > G_USEC_PER_SEC / 4) {
      last_tick = g_get_monotonic_time();
      sink(NULL, data);
    }
  }
}

void
sweep_mpi_work(const SweepPlan *plan, volatile sig_atomic_t *interrupt)
{
  char *text = g_strdup("");
  for (;;) {
    MPI_Send(text, (int) strlen(text), MPI_CHAR, 0, TAG_READY,
             MPI_COMM_WORLD);
    g_free(text);
    int run = -1;
    MPI_Recv(&run, 1, MPI_INT, 0, TAG_WORK, MPI_COMM_WORLD,
             MPI_STATUS_IGNORE);
    if (run < 0)
      return;
    SweepResult *r = sweep_plan_execute(plan, (guint) run, interrupt);
    text = sweep_result_to_text(r);
    sweep_result_free(r);
  }
}

#else /* !ECSIM_MPI: the sweep runs on threads only. */

gboolean
sweep_mpi_init(int *rank, int *size)
{
  *rank = 0;
  *size = 1;
  return FALSE;
}

void
sweep_mpi_finalize(void)
{
}

int
sweep_mpi_agree(int status)
{
  return status;
}

void
sweep_mpi_coordinate(const SweepPlan *plan, const guint *runs, guint n,
                     guint threads, volatile sig_atomic_t *interrupt,
                     SweepSink sink, gpointer data)
{
  sweep_exec_threads(plan, runs, n, threads, interrupt, sink, data);
}

void
sweep_mpi_work(const SweepPlan *plan, volatile sig_atomic_t *interrupt)
{
  (void) plan;
  (void) interrupt;
}

#endif
