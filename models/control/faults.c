/* Firing scheduled faults. */
#include "models/control/faults.h"

#include "models/capacity/cluster.h"
#include "models/core/eventlog.h"
#include "models/capacity/fargate.h"
#include "models/config/scenario.h"
#include "models/control/service.h"
#include "models/core/task-lifecycle.h"

struct _Faults {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* a fault starts or ends */
};

typedef struct {
  guint32 index; /* into cfg->faults */
  guint32 ending; /* 1: the end of a fault with a duration */
} FaultEvent;

static void
deploy(World *w, const FaultConfig *f)
{
  Service *s = service_get(w, (guint32) f->service);
  FailureModel failure;
  failure_model_init(&failure);
  /* The revision's and service's models, then the fault's keys. */
  service_effective_failure(w, s, f->taskdef, &failure);
  if (f->failure != NULL) {
    g_autoptr(JDoc) doc = jdoc_new("<fault>", ".");
    JNode n;
    jn_root(&n, doc, f->failure);
    gboolean ok = failure_model_parse(&n, &failure, NULL);
    g_assert(ok); /* checked when the scenario was loaded */
  }
  service_deploy(w, (guint32) f->service, f->taskdef, &failure);
  failure_model_clear(&failure);
}

static void
kill_tasks(World *w, const FaultConfig *f)
{
  Service *s = service_get(w, (guint32) f->service);
  g_autoptr(GArray) running = g_array_new(FALSE, FALSE, sizeof(guint32));
  for (guint i = 0; i < s->tasks->len; i++) {
    guint32 id = g_array_index(s->tasks, guint32, i);
    if (world_task(w, id)->state == TASK_RUNNING)
      g_array_append_val(running, id);
  }
  gsl_rng *rng = world_rng(w, "faults", s->cfg->name);
  int killed = 0;
  for (; killed < f->count && running->len > 0; killed++) {
    guint k = (guint) gsl_rng_uniform_int(rng, running->len);
    Task *t = world_task(w, g_array_index(running, guint32, k));
    g_array_remove_index_fast(running, k);
    task_stop(w, t, STOP_ESSENTIAL_EXIT);
  }
  eventlog_add(w, f->service, "fault", NULL, NULL,
               "fault: %d running tasks killed (essential container "
               "exited).", killed);
}

static void
instance_failure(World *w, const FaultConfig *f)
{
  int failed = 0;
  for (guint i = 0; i < cluster_n_instances(w) && failed < f->count; i++) {
    const Instance *inst = cluster_instance(w, i);
    if (inst->asg == f->asg && inst->state == INSTANCE_ACTIVE) {
      cluster_fail_instance(w, i, "fault");
      failed++;
    }
  }
}

/* The zone's Fargate capacity goes with it: its tasks stop at once. */
static void
kill_fargate_in(World *w, int az)
{
  for (guint i = 0; i < w->tasks->len; i++) {
    Task *t = w->tasks->pdata[i];
    if (t->fargate && t->az == az && t->state != TASK_STOPPED)
      task_kill(w, t, STOP_INSTANCE_TERMINATED);
  }
}

static void
fire(World *w, const FaultConfig *f, gboolean ending)
{
  const char *az = f->kind == FAULT_AZ_OUTAGE
                     ? w->cfg->cluster->azs->pdata[f->az]
                     : NULL;
  switch (f->kind) {
  case FAULT_DEPLOY:
    deploy(w, f);
    break;
  case FAULT_KILL_TASKS:
    kill_tasks(w, f);
    break;
  case FAULT_AZ_OUTAGE:
    eventlog_add(w, -1, ending ? "az-recovered" : "az-outage", NULL, NULL,
                 ending ? "availability zone %s is back."
                        : "availability zone %s is down.", az);
    cluster_az_outage(w, f->az, !ending);
    if (!ending)
      kill_fargate_in(w, f->az);
    break;
  case FAULT_SPOT_SHORTAGE:
    fargate_shortage(w, !ending);
    break;
  case FAULT_INSTANCE_FAILURE:
    instance_failure(w, f);
    break;
  case FAULT_SET_DESIRED:
    service_set_desired(w, (guint32) f->service, f->desired,
                        "update-service");
    break;
  }
}

static void
on_fault(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Faults *) model)->w;
  const FaultEvent *e = payload;
  fire(w, w->cfg->faults->pdata[e->index], e->ending);
}

void
faults_init(World *w)
{
  static const SimEventKind kind = { "fault", on_fault, NULL };
  Faults *fs = g_new0(Faults, 1);
  w->faults = fs;
  fs->w = w;
  fs->kind = sim_engine_register(w->engine, &kind, fs);
  for (guint i = 0; i < w->cfg->faults->len; i++) {
    const FaultConfig *f = w->cfg->faults->pdata[i];
    FaultEvent start = { i, 0 }, end = { i, 1 };
    sim_schedule_inline(w->engine, f->at, w->faults->kind, &start,
                        sizeof start);
    if (f->duration > 0 && f->at + f->duration <= w->horizon)
      sim_schedule_inline(w->engine, f->at + f->duration, w->faults->kind,
                          &end, sizeof end);
  }
}

void
faults_free(World *w)
{
  g_clear_pointer(&w->faults, g_free);
}
