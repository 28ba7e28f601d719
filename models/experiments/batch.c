/* A thread pool of simulations. */
#include "models/experiments/batch.h"

#include "models/output/report.h"
#include "models/world/world.h"

typedef struct {
  GAsyncQueue *done;
  volatile sig_atomic_t *interrupt;
} BatchShared;

typedef struct {
  BatchJob *job;
  BatchShared *shared;
} BatchTask;

BatchJob *
batch_job_new(const ScenarioConfig *cfg, double traffic_scale,
              const char *output_dir)
{
  BatchJob *job = g_new0(BatchJob, 1);
  job->cfg = cfg;
  job->traffic_scale = traffic_scale;
  job->output_dir = g_strdup(output_dir);
  return job;
}

void
batch_job_free(BatchJob *job)
{
  if (job == NULL)
    return;
  g_free(job->output_dir);
  cJSON_Delete(job->manifest);
  cJSON_Delete(job->summary);
  cJSON_Delete(job->timing);
  cJSON_Delete(job->series);
  g_free(job->error);
  g_free(job);
}

void
batch_job_run(BatchJob *job, volatile sig_atomic_t *interrupt)
{
  /* Only a series wanted needs the rows kept: figures of the whole run
   * are accumulated as the periods close. */
  WorldOptions options = { .traffic_scale = job->traffic_scale,
                           .keep_rows = job->want_series,
                           .aggregate = job->aggregate };
  g_autoptr(GError) error = NULL;
  g_autoptr(ReportStream) stream = NULL;
  if (job->output_dir != NULL) {
    stream = report_stream_new(job->output_dir, &options, &error);
    if (stream == NULL) {
      job->error = g_strdup(error->message);
      return;
    }
  }
  g_autoptr(World) w = world_new(job->cfg, &options, &error);
  if (w == NULL) {
    job->error = g_strdup(error->message);
    return;
  }
  if (world_run(w, NULL, interrupt) != SIM_RUN_HORIZON) {
    job->interrupted = TRUE;
    job->error = g_strdup("interrupted");
    return;
  }
  if (stream != NULL &&
      !report_stream_commit(stream, w, job->manifest, &error)) {
    job->error = g_strdup(error->message);
    return;
  }
  job->summary = report_summary(w);
  job->timing = report_timing(w);
  if (job->want_series)
    job->series = report_series(w);
}

static void
worker(gpointer data, gpointer user_data)
{
  BatchTask *task = data;
  batch_job_run(task->job, task->shared->interrupt);
  g_async_queue_push(task->shared->done, task);
}

gboolean
batch_run(GPtrArray *jobs, guint threads, volatile sig_atomic_t *interrupt,
          BatchProgress progress, gpointer data)
{
  if (threads == 0)
    threads = g_get_num_processors();
  BatchShared shared = { g_async_queue_new(), interrupt };
  GThreadPool *pool = g_thread_pool_new(worker, NULL, (gint) threads, TRUE,
                                        NULL);
  for (guint i = 0; i < jobs->len; i++) {
    BatchTask *task = g_new(BatchTask, 1);
    task->job = jobs->pdata[i];
    task->shared = &shared;
    g_thread_pool_push(pool, task, NULL);
  }
  gboolean ok = TRUE;
  for (guint done = 1; done <= jobs->len; done++) {
    BatchTask *task = g_async_queue_pop(shared.done);
    ok &= task->job->summary != NULL;
    if (progress != NULL)
      progress(task->job, done, jobs->len, data);
    g_free(task);
  }
  g_thread_pool_free(pool, FALSE, TRUE);
  g_async_queue_unref(shared.done);
  return ok;
}
