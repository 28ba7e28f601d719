/* Why nothing fit: the closest instance and what it lacks, for ECS's
 * event "... The closest matching container-instance X has insufficient
 * CPU units available."; and the same checks on one given instance
 * (placement_fits(), for DAEMON tasks).
 *
 * ECS does not document how it picks the instance it names. The rule here
 * (also in placement.h): among registered ACTIVE instances of the
 * request's groups (instances outside the groups are not the service's
 * capacity at all), the one passing the most checks; then the one whose
 * first failed check comes later in PlacementCheck order (it got further);
 * then the least shortfall in that check (most free CPU or memory, fewest
 * taken ports); then the lowest id. A scan: it runs only when placement
 * failed. */
#include "models/capacity/placement-private.h"

#include <string.h>

static const char *const missing_text[] = {
  [PLACEMENT_CHECK_ARCHITECTURE] = "a matching cpu architecture",
  [PLACEMENT_CHECK_MEMBER_OF] = "a matching attribute",
  [PLACEMENT_CHECK_DISTINCT_INSTANCE] = "a distinct instance",
  [PLACEMENT_CHECK_CPU] = "CPU units",
  [PLACEMENT_CHECK_MEMORY] = "memory",
  [PLACEMENT_CHECK_PORT] = "an available port",
  [PLACEMENT_CHECK_ENI] = "an available network interface",
};

#define N_CHECKS ((guint) G_N_ELEMENTS(missing_text))

/* ECS service event messages (developer guide, "Amazon ECS service event
 * messages"; RESOURCE:ENI as the scheduler reports an awsvpc task that
 * found no free interface). */
static const char *const reason_text[] = {
  [PLACEMENT_CHECK_ARCHITECTURE] = "is missing an attribute required by "
                                   "your task",
  [PLACEMENT_CHECK_MEMBER_OF] = "is missing an attribute required by your "
                                "task",
  [PLACEMENT_CHECK_DISTINCT_INSTANCE] = "is already running a task of this "
                                        "service",
  [PLACEMENT_CHECK_CPU] = "has insufficient CPU units available",
  [PLACEMENT_CHECK_MEMORY] = "has insufficient memory available",
  [PLACEMENT_CHECK_PORT] = "is already using a port required by your task",
  [PLACEMENT_CHECK_ENI] = "encountered error \"RESOURCE:ENI\"",
};

G_STATIC_ASSERT(G_N_ELEMENTS(reason_text) == G_N_ELEMENTS(missing_text));

const char *
placement_check_reason(PlacementCheck check)
{
  g_return_val_if_fail((guint) check < N_CHECKS, "");
  return reason_text[check];
}

typedef struct {
  guint passed;
  guint first_failed;  /* N_CHECKS when none failed */
  int64_t shortfall;   /* in the first failed check */
} Score;

static Score
score(const Placement *p, const PlacementQuery *q, uint32_t id)
{
  const PlacementInst *in = &p->inst[id];
  const PlacementRes *f = &p->free[id];
  const PlacementRequest *req = q->req;
  gboolean fail[G_N_ELEMENTS(missing_text)];
  int64_t shortfall[G_N_ELEMENTS(missing_text)] = { 0 };
  fail[PLACEMENT_CHECK_ARCHITECTURE] =
    q->arch == -2 || (q->arch >= 0 && in->arch != (guint) q->arch);
  fail[PLACEMENT_CHECK_MEMBER_OF] = !placement_member_of_ok(p, req, id);
  fail[PLACEMENT_CHECK_DISTINCT_INSTANCE] =
    req->distinct_instance && q->svc->count[id] > 0;
  fail[PLACEMENT_CHECK_CPU] = f->cpu < q->need.cpu;
  shortfall[PLACEMENT_CHECK_CPU] = (int64_t) q->need.cpu - f->cpu;
  fail[PLACEMENT_CHECK_MEMORY] = f->mem < q->need.mem;
  shortfall[PLACEMENT_CHECK_MEMORY] = (int64_t) q->need.mem - f->mem;
  guint conflicts = placement_port_conflicts(p, id, &req->needs);
  fail[PLACEMENT_CHECK_PORT] = conflicts > 0;
  shortfall[PLACEMENT_CHECK_PORT] = conflicts;
  fail[PLACEMENT_CHECK_ENI] = f->slots < q->need.slots;
  Score s = { 0, N_CHECKS, 0 };
  for (guint k = 0; k < N_CHECKS; k++) {
    if (!fail[k])
      s.passed++;
    else if (s.first_failed == N_CHECKS)
      s.first_failed = k;
  }
  if (s.first_failed < N_CHECKS)
    s.shortfall = shortfall[s.first_failed];
  return s;
}

static gboolean
score_better(const Score *a, const Score *b)
{
  if (a->passed != b->passed)
    return a->passed > b->passed;
  if (a->first_failed != b->first_failed)
    return a->first_failed > b->first_failed;
  return a->shortfall < b->shortfall;
}

static void
miss_set(PlacementMiss *miss, uint32_t id, const Score *s)
{
  miss->no_instances = FALSE;
  miss->closest = id;
  miss->check = (PlacementCheck) s->first_failed;
  miss->missing = missing_text[s->first_failed];
}

gboolean
placement_fits(Placement *p, uint32_t instance, const PlacementRequest *req,
               PlacementMiss *miss)
{
  g_return_val_if_fail(p != NULL && req != NULL, FALSE);
  g_return_val_if_fail(req->needs.cpu >= 0 && req->needs.memory >= 0, FALSE);
  PlacementQuery q;
  placement_query_init(p, req, &q);
  g_return_val_if_fail(q.svc != NULL, FALSE);
  if (instance < p->cap && placement_query_fits(p, &q, instance))
    return TRUE;
  if (miss == NULL)
    return FALSE;
  memset(miss, 0, sizeof *miss);
  miss->no_instances = TRUE;
  const PlacementInst *in = instance < p->cap ? &p->inst[instance] : NULL;
  if (in != NULL && in->registered && in->active &&
      placement_group_ok(req, in->group)) {
    Score s = score(p, &q, instance);
    g_assert(s.first_failed < N_CHECKS);
    miss_set(miss, instance, &s);
  }
  return FALSE;
}

void
placement_explain_miss(const Placement *p, const PlacementQuery *q,
                       PlacementMiss *miss)
{
  memset(miss, 0, sizeof *miss);
  miss->no_instances = TRUE;
  Score best = { 0, 0, 0 };
  for (uint32_t id = 0; id < p->cap; id++) {
    const PlacementInst *in = &p->inst[id];
    if (!in->registered || !in->active ||
        !placement_group_ok(q->req, in->group))
      continue;
    Score s = score(p, q, id);
    /* placement_choose() found nothing, so every instance fails one. */
    g_assert(s.first_failed < N_CHECKS);
    if (miss->no_instances || score_better(&s, &best)) {
      miss_set(miss, id, &s);
      best = s;
    }
  }
}
