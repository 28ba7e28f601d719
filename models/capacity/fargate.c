/* Fargate launch tokens, AZ choice and Spot interruptions. */
#include "models/capacity/fargate.h"

#include <gsl/gsl_randist.h>
#include <math.h>

#include "models/capacity/billing.h"
#include "models/core/eventlog.h"
#include "models/core/hooks.h"
#include "models/config/scenario.h"
#include "models/core/task-lifecycle.h"

typedef struct {
  double tokens;
  SimTime updated;
  GQueue waiting;       /* task ids waiting for a token */
  gboolean wake_armed;  /* a refill event is pending */
} Bucket;

struct _Fargate {
  World *w;              /* the world it belongs to */
  SimKindId kind;        /* its event kind */
  Bucket buckets[2];    /* On-Demand, Spot */
  int *az_tasks;        /* [service * n_az + az] live Fargate tasks */
  guint n_az;
  int shortages;        /* Spot shortage windows in force */
};

enum { FG_TOKEN, FG_SPOT_NOTICE, FG_SPOT_RECLAIM, FG_SHORTAGE_START,
       FG_SHORTAGE_END, FG_SCHEDULED_INTERRUPTION };

typedef struct {
  guint32 what;
  guint32 arg;
} FargateEvent;

static const FargateConfig *
config(const World *w)
{
  return &w->cfg->cluster->fargate;
}

static void
schedule(World *w, SimTime at, guint32 what, guint32 arg)
{
  FargateEvent e = { what, arg };
  sim_schedule_inline(w->engine, at, w->fargate->kind, &e, sizeof e);
}

static void
refill(World *w, Bucket *b)
{
  SimTime now = world_now(w);
  double add = sim_time_to_seconds(now - b->updated) *
               config(w)->launch_per_second;
  b->tokens = MIN((double) config(w)->launch_burst, b->tokens + add);
  b->updated = now;
}

static int
choose_az(World *w, const Task *t)
{
  Fargate *f = w->fargate;
  int best = -1;
  for (guint az = 0; az < f->n_az; az++) {
    if (w->az_down[az])
      continue;
    if (best < 0 || f->az_tasks[t->service * f->n_az + az] <
                      f->az_tasks[t->service * f->n_az + (guint) best])
      best = (int) az;
  }
  return best;
}

static int
fargate_place_now(World *w, Task *t)
{
  int az = choose_az(w, t);
  if (az >= 0)
    w->fargate->az_tasks[t->service * w->fargate->n_az + (guint) az]++;
  return az;
}

static void
provision(World *w, Task *t)
{
  int az = fargate_place_now(w, t);
  if (az < 0) {
    task_stop(w, t, STOP_INSTANCE_TERMINATED);
    return;
  }
  gsl_rng *rng = world_rng(w, "fargate", "provisioning");
  task_provisioned(w, t, -1, az,
                   dist_sample(&config(w)->provisioning, rng) + 1);
}

/* Hands out tokens to waiting tasks; arms a wake-up for the next token. */
static void
serve_bucket(World *w, Bucket *b)
{
  refill(w, b);
  while (!g_queue_is_empty(&b->waiting) && b->tokens >= 1.0) {
    Task *t = world_task(w, GPOINTER_TO_UINT(g_queue_pop_head(&b->waiting)));
    if (t->state != TASK_PROVISIONING || t->az >= 0)
      continue; /* stopped while waiting */
    b->tokens -= 1.0;
    provision(w, t);
  }
  if (!g_queue_is_empty(&b->waiting) && !b->wake_armed) {
    double wait = (1.0 - b->tokens) / config(w)->launch_per_second;
    b->wake_armed = TRUE;
    schedule(w, world_now(w) + sim_time_from_seconds(wait) + 1, FG_TOKEN,
             (guint32) (b - w->fargate->buckets));
  }
}

static gboolean
fargate_spot_available(const World *w)
{
  return w->fargate->shortages == 0;
}

/* Starts provisioning @t: it waits for a launch token, then its ENI.
 * FALSE (and nothing done) when @t is a Spot task and Spot capacity is
 * short, or no AZ is up. */
static gboolean
fargate_launch(World *w, Task *t)
{
  if (t->spot && !fargate_spot_available(w))
    return FALSE;
  gboolean any_az = FALSE;
  for (guint az = 0; az < w->fargate->n_az; az++)
    any_az |= !w->az_down[az];
  if (!any_az)
    return FALSE;
  Bucket *b = &w->fargate->buckets[t->spot ? 1 : 0];
  g_queue_push_tail(&b->waiting, GUINT_TO_POINTER(t->id));
  serve_bucket(w, b);
  return TRUE;
}

void
fargate_interrupt(World *w, Task *t)
{
  if (!t->spot || !t->fargate || !task_is_live(t))
    return;
  char id[33];
  eventlog_add(w, (int) t->service, "spot-interruption", NULL, t,
               "(task %s) received a Fargate Spot interruption notice; "
               "it will be stopped in %" G_GINT64_FORMAT " seconds.",
               task_format_id(t->id, id), config(w)->spot_notice / SIM_SEC);
  schedule(w, world_now(w) + config(w)->spot_notice, FG_SPOT_RECLAIM, t->id);
  task_stop(w, t, STOP_SPOT_INTERRUPTION);
}

static void
interrupt_some(World *w, int count)
{
  GArray *running = g_array_new(FALSE, FALSE, sizeof(guint32));
  for (guint i = 0; i < w->tasks->len; i++) {
    const Task *t = w->tasks->pdata[i];
    if (t->fargate && t->spot && t->state == TASK_RUNNING)
      g_array_append_val(running, t->id);
  }
  gsl_rng *rng = world_rng(w, "fargate", "spot");
  for (int k = 0; k < count && running->len > 0; k++) {
    guint pick = (guint) gsl_rng_uniform_int(rng, running->len);
    fargate_interrupt(w, world_task(w, g_array_index(running, guint32,
                                                     pick)));
    g_array_remove_index_fast(running, pick);
  }
  g_array_unref(running);
}

static void
on_event(SimEngine *engine, gpointer model, gpointer payload)
{
  World *w = ((Fargate *) model)->w;
  const FargateEvent *e = payload;
  Fargate *f = w->fargate;
  switch (e->what) {
  case FG_TOKEN:
    f->buckets[e->arg].wake_armed = FALSE;
    serve_bucket(w, &f->buckets[e->arg]);
    break;
  case FG_SPOT_NOTICE: {
    Task *t = world_task(w, e->arg);
    if (t->state == TASK_RUNNING)
      fargate_interrupt(w, t);
    break;
  }
  case FG_SPOT_RECLAIM:
    task_kill(w, world_task(w, e->arg), STOP_SPOT_INTERRUPTION);
    break;
  case FG_SHORTAGE_START:
    fargate_shortage(w, TRUE);
    break;
  case FG_SHORTAGE_END:
    fargate_shortage(w, FALSE);
    break;
  case FG_SCHEDULED_INTERRUPTION:
    interrupt_some(w, (int) e->arg);
    break;
  }
}

void
fargate_shortage(World *w, gboolean begin)
{
  Fargate *f = w->fargate;
  f->shortages += begin ? 1 : -1;
  if (begin) {
    eventlog_add(w, -1, "spot-shortage", NULL, NULL,
                 "Fargate Spot capacity is unavailable.");
  } else {
    eventlog_add(w, -1, "spot-shortage-end", NULL, NULL,
                 "Fargate Spot capacity is available again.");
    world_capacity_changed(w);
  }
}

void
fargate_init(World *w)
{
  static const SimEventKind kind = { "fargate", on_event, NULL };
  Fargate *f = g_new0(Fargate, 1);
  w->fargate = f;
  f->w = w;
  f->kind = sim_engine_register(w->engine, &kind, f);
  f->n_az = w->cfg->cluster->azs->len;
  f->az_tasks = g_new0(int, w->cfg->services->len * f->n_az);
  for (int i = 0; i < 2; i++) {
    f->buckets[i].tokens = config(w)->launch_burst;
    g_queue_init(&f->buckets[i].waiting);
  }
  const FargateConfig *fc = config(w);
  for (guint i = 0; i < fc->spot_shortages->len; i++) {
    const ScheduledSpotEvent *s =
      &g_array_index(fc->spot_shortages, ScheduledSpotEvent, i);
    schedule(w, s->at, FG_SHORTAGE_START, 0);
    schedule(w, s->at + s->duration, FG_SHORTAGE_END, 0);
  }
  for (guint i = 0; i < fc->spot_interruptions->len; i++) {
    const ScheduledSpotEvent *s =
      &g_array_index(fc->spot_interruptions, ScheduledSpotEvent, i);
    schedule(w, s->at, FG_SCHEDULED_INTERRUPTION, (guint32) s->count);
  }
}

void
fargate_free(World *w)
{
  Fargate *f = w->fargate;
  if (f == NULL)
    return;
  for (int i = 0; i < 2; i++)
    g_queue_clear(&f->buckets[i].waiting);
  g_free(f->az_tasks);
  g_free(f);
  w->fargate = NULL;
}

/* ---- the capacity-provider interface --------------------------------- */

static CapacityAnswer
fargate_can_place(World *w, const CapacityProvider *p, guint32 service,
                  const EcsTaskDef *def, int *instance,
                  UnplacedReason *reason, GString *why)
{
  *instance = -1;
  if (p->spot && !fargate_spot_available(w)) {
    *reason = UNPLACED_SPOT_CAPACITY;
    g_string_assign(why, "Fargate Spot capacity is unavailable at this "
                         "time.");
    return CAPACITY_NONE;
  }
  return CAPACITY_NOW;
}

static void
fargate_start(World *w, const CapacityProvider *p, Task *t, int instance,
              CapacityAnswer answer, gboolean warm)
{
  if (warm)
    task_warm_start(w, t, -1, fargate_place_now(w, t));
  else
    fargate_launch(w, t);
}

/* A Spot task's interruption notice comes after an exponential time at
 * the configured rate per task-hour. */
static void
fargate_running(World *w, const CapacityProvider *p, Task *t)
{
  double rate = config(w)->spot_interruptions_per_task_hour;
  if (!p->spot || rate <= 0)
    return;
  gsl_rng *rng = world_rng(w, "fargate", "spot");
  double hours = gsl_ran_exponential(rng, 1.0 / rate);
  schedule(w, world_now(w) + sim_time_from_seconds(hours * 3600.0),
           FG_SPOT_NOTICE, t->id);
}

static void
fargate_release(World *w, const CapacityProvider *p, Task *t)
{
  Fargate *f = w->fargate;
  if (t->az >= 0)
    f->az_tasks[t->service * f->n_az + (guint) t->az]--;
}

/* Fargate bills each task per second from PENDING (ECS-REFERENCE §16). */
static TaskCharge
fargate_task_charge(World *w, const CapacityProvider *p, const Task *t,
                    SimTime end)
{
  const EcsTaskDef *def = t->def;
  FargateCharge f = billing_fargate_task(
    w->cfg->pricing, def->cpu / 1024.0, def->memory / 1024.0,
    def->ephemeral_storage_gib, def->cpu_architecture == ECS_ARCH_ARM64,
    p->spot, t->entered[TASK_PENDING], end);
  return (TaskCharge){ .compute = f.cpu + f.memory, .storage = f.storage };
}

const CapacityProviderOps fargate_provider_ops = {
  .can_place = fargate_can_place,
  .launch = fargate_start,
  .running = fargate_running,
  .release = fargate_release,
  .task_charge = fargate_task_charge,
};
