/* A thread pool of sweep runs. */
#include "models/experiments/sweep-exec.h"

struct _SweepPool {
  const SweepPlan *plan;
  volatile sig_atomic_t *interrupt;
  GThreadPool *threads;
  GAsyncQueue *done;
};

static void
worker(gpointer data, gpointer user_data)
{
  SweepPool *pool = user_data;
  guint run = GPOINTER_TO_UINT(data) - 1;
  g_async_queue_push(pool->done,
                     sweep_plan_execute(pool->plan, run, pool->interrupt));
}

SweepPool *
sweep_pool_new(const SweepPlan *plan, guint threads,
               volatile sig_atomic_t *interrupt)
{
  g_return_val_if_fail(plan != NULL, NULL);
  SweepPool *pool = g_new0(SweepPool, 1);
  pool->plan = plan;
  pool->interrupt = interrupt;
  pool->done = g_async_queue_new_full((GDestroyNotify) sweep_result_free);
  if (threads == 0)
    threads = g_get_num_processors();
  pool->threads = g_thread_pool_new(worker, pool, (gint) threads, TRUE,
                                    NULL);
  return pool;
}

void
sweep_pool_push(SweepPool *pool, guint run)
{
  g_thread_pool_push(pool->threads, GUINT_TO_POINTER(run + 1), NULL);
}

SweepResult *
sweep_pool_pop(SweepPool *pool, gint64 timeout_us)
{
  return g_async_queue_timeout_pop(pool->done, (guint64) timeout_us);
}

void
sweep_pool_free(SweepPool *pool)
{
  if (pool == NULL)
    return;
  g_thread_pool_free(pool->threads, FALSE, TRUE);
  g_async_queue_unref(pool->done);
  g_free(pool);
}

void
sweep_exec_threads(const SweepPlan *plan, const guint *runs, guint n,
                   guint threads, volatile sig_atomic_t *interrupt,
                   SweepSink sink, gpointer data)
{
  g_autoptr(SweepPool) pool = sweep_pool_new(plan, threads, interrupt);
  for (guint i = 0; i < n; i++)
    sweep_pool_push(pool, runs[i]);
  for (guint done = 0; done < n;) {
    SweepResult *r = sweep_pool_pop(pool, G_USEC_PER_SEC / 4);
    done += r != NULL;
    sink(r, data);
  }
}
