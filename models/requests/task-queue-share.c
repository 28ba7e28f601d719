/* Processor sharing inside a share-only EC2 task (task-queue.h): all its
 * requests in service progress at the rate the instance's share server
 * gives each busy slot, so each has a finish tag in the task's virtual
 * time (vCPU-seconds of work done per busy slot), and only the smallest
 * tag has a pending event. */
#include "models/requests/task-queue-private.h"

#include "models/capacity/cpu-share.h"

/* A request in service in a share-only task: done when the task's virtual
 * time reaches `finish`. */
typedef struct {
  double finish;         /* vCPU-seconds of work per slot */
  guint64 seq;           /* ties: the earlier start first */
  SimTime arrival;
} Tag;

struct _TaskQueueShare {
  World *w;              /* lent: to leave the share server */
  double work_per_s;     /* vCPU-seconds of work per service-time second */
  double slot_vcpu;      /* reserved vCPU per slot: the CPU metric's 100% */
  double rate;           /* vCPU each busy slot gets now */
  double vtime;          /* work each busy slot has done, at vtime_at */
  SimTime vtime_at;
  Tag *tags;             /* a binary min-heap of ntags (a plain array:
                            it is pushed and popped once per request) */
  guint ntags, tags_cap;
  guint64 seq;
  guint32 gen;           /* completions of older gens are void */
  SimEventId next;       /* the pending completion, cancelled when moved */
  guint64 next_seq;      /* the tag it completes */
  double cpu_busy;       /* what this task adds to the service's busy
                            slot average: CPU used / slot_vcpu */
};

static gboolean
tag_less(const Tag *a, const Tag *b)
{
  return a->finish < b->finish || (a->finish == b->finish && a->seq < b->seq);
}

static void
heap_push(TaskQueueShare *p, Tag t)
{
  if (G_UNLIKELY(p->ntags == p->tags_cap)) {
    p->tags_cap = p->tags_cap ? 2 * p->tags_cap : 16;
    p->tags = g_renew(Tag, p->tags, p->tags_cap);
  }
  Tag *v = p->tags;
  guint i = p->ntags++;
  while (i > 0) {
    guint up = (i - 1) / 2;
    if (!tag_less(&t, &v[up]))
      break;
    v[i] = v[up];
    i = up;
  }
  v[i] = t;
}

static Tag
heap_pop(TaskQueueShare *p)
{
  Tag *v = p->tags;
  Tag top = v[0];
  Tag last = v[--p->ntags];
  guint n = p->ntags, i = 0;
  for (;;) {
    guint l = 2 * i + 1, r = l + 1, m = l;
    if (l >= n)
      break;
    if (r < n && tag_less(&v[r], &v[l]))
      m = r;
    if (!tag_less(&v[m], &last))
      break;
    v[i] = v[m];
    i = m;
  }
  if (n > 0)
    v[i] = last;
  return top;
}

static void
share_advance(TaskQueueShare *p, SimTime now)
{
  if (now > p->vtime_at)
    p->vtime += p->rate * sim_time_to_seconds(now - p->vtime_at);
  p->vtime_at = now;
}

void
task_queue_share_reschedule(World *w, TaskQueue *s, SimTime now)
{
  TaskQueueShare *p = s->share;
  p->gen++;
  sim_cancel(w->engine, p->next);
  p->next = SIM_EVENT_ID_NONE;
  if (p->ntags == 0 || p->rate <= 0.0)
    return;
  double left = p->tags[0].finish - p->vtime;
  SimTime done = now + service_time_us(MAX(left, 0.0) / p->rate);
  ShareCompletion c = { s->task, s->epoch, p->gen };
  p->next_seq = p->tags[0].seq;
  p->next = sim_schedule_inline(w->engine, done, w->queues->share_done_kind,
                                &c, sizeof c);
}

/* The share server says @task's CPU changed now: its busy slots move
 * at the new rate from here on, and its CPU metric follows. */
void
task_queue_share_on_rate(World *w, guint32 task, double alloc_vcpu,
                         double vcpu_per_slot, gpointer data)
{
  TaskQueue *s = world_task(w, task)->queue;
  TaskQueueShare *p = s->share;
  SimTime now = world_now(w);
  share_advance(p, now);
  /* Below saturation a new request changes the task's CPU but not each
   * slot's rate: the pending completion stands unless the newcomer is
   * the first to finish. */
  gboolean stands = vcpu_per_slot == p->rate && p->ntags > 0 &&
                    p->tags[0].seq == p->next_seq &&
                    sim_is_pending(w->engine, p->next);
  p->rate = vcpu_per_slot;
  double busy = alloc_vcpu / p->slot_vcpu;
  sim_time_avg_add(&s->stats->busy, now, busy - p->cpu_busy);
  p->cpu_busy = busy;
  if (!stands)
    task_queue_share_reschedule(w, s, now);
}

void
task_queue_share_start(TaskQueue *s, SimTime now, SimTime arrival)
{
  TaskQueueShare *p = s->share;
  double secs = dist_sample_seconds(s->service_time, s->rng);
  share_advance(p, now);
  Tag t = { p->vtime + secs * p->work_per_s, p->seq++, arrival };
  heap_push(p, t);
}

void
task_queue_share_join(World *w, TaskQueue *s, const Task *t,
                      const Workload *wl, double vcpu)
{
  g_assert(w->queues->has_share_kind);
  TaskQueueShare *p = g_new0(TaskQueueShare, 1);
  p->w = w;
  p->work_per_s = workload_work_per_second(wl);
  p->slot_vcpu = vcpu / s->slots;
  p->vtime_at = world_now(w);
  s->share = p;
  /* cgroup cpu.shares: each container's `cpu`, at least the kernel's
   * minimum of 2 (ECS: a container without `cpu` gets 2 shares). */
  int shares = 0;
  for (guint i = 0; i < t->def->containers->len; i++) {
    const EcsContainerDef *c = t->def->containers->pdata[i];
    shares += MAX(c->cpu, 2);
  }
  cpu_share_join(w, s->instance, t->id, shares, workload_slot_max_vcpu(wl));
}


void
task_queue_share_free(TaskQueue *s)
{
  TaskQueueShare *p = s->share;
  cpu_share_leave(p->w, s->instance, s->task);
  g_free(p->tags);
  g_free(p);
  s->share = NULL;
}

SimTime
task_queue_share_pop(TaskQueue *s, SimTime now)
{
  TaskQueueShare *p = s->share;
  p->next = SIM_EVENT_ID_NONE;
  share_advance(p, now);
  Tag done = heap_pop(p);
  /* The event time is rounded to a microsecond: the tag is what is
   * done. */
  p->vtime = MAX(p->vtime, done.finish);
  return done.arrival;
}

void
task_queue_share_clear(TaskQueue *s)
{
  s->share->ntags = 0;
}

double
task_queue_share_slot_vcpu(const TaskQueue *s)
{
  return s->share->slot_vcpu;
}

guint32
task_queue_share_gen(const TaskQueue *s)
{
  return s->share->gen;
}
