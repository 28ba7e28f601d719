/* Image pulls and the per-instance image cache (image-pull.h). */
#include "models/capacity/image-pull.h"

#include <string.h>

#include "models/capacity/cluster-private.h"
#include "models/config/scenario.h"

/* The agent's cleanup defaults (ECS agent README): the interval, the
 * youngest image it removes, and how long a stopped task's containers
 * (which keep their image in use) are kept. */
#define CLEANUP_INTERVAL (30 * SIM_MIN)
#define CLEANUP_MIN_AGE SIM_HOUR
#define TASK_CLEANUP_WAIT (3 * SIM_HOUR)

typedef struct {
  SimTime pulled_at;   /* the pull began */
  SimTime ready_at;    /* the pull ends (may lie ahead) */
  int users;           /* live tasks on the instance using it */
  SimTime idle_since;  /* its last user stopped; valid when users == 0 */
} CachedImage;

static const ServiceConfig *
service_of(const World *w, const Task *t)
{
  return w->cfg->services->pdata[t->service];
}

static GHashTable *
caches(World *w)
{
  if (cl(w)->images == NULL)
    cl(w)->images = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          g_free);
  return cl(w)->images;
}

/* The cache key of @image on @t's instance. */
static char *
key_of(const Task *t, const char *image)
{
  return g_strdup_printf("%d\x1f%s", t->instance, image);
}

/* TRUE when container @i of @t is the first of its task with its image
 * (the others share that pull). */
static gboolean
first_with_image(const Task *t, guint i)
{
  const EcsContainerDef *c = t->def->containers->pdata[i];
  for (guint j = 0; j < i; j++)
    if (strcmp(((EcsContainerDef *) t->def->containers->pdata[j])->image,
               c->image) == 0)
      return FALSE;
  return TRUE;
}

static SimTime
download(const ImagePullConfig *p, double mib, double factor)
{
  return sim_time_from_seconds(mib * factor / p->bandwidth_mib_per_s);
}

static SimTime
fargate_pull(World *w, const Task *t, gsl_rng *rng)
{
  const FargateConfig *f = &w->cfg->cluster->fargate;
  if (f->pending_given)
    return dist_sample(&f->pending, rng);
  const Workload *wl = &service_of(w, t)->workload;
  double mib = 0;
  for (guint i = 0; i < t->def->containers->len; i++)
    if (first_with_image(t, i))
      mib += workload_image_size_mib(
        wl, ((EcsContainerDef *) t->def->containers->pdata[i])->name);
  return dist_sample(&f->image_pull.latency, rng) +
         download(&f->image_pull, mib,
                  wl->soci_index ? f->image_pull.lazy_loading_factor : 1.0);
}

/* The first of the agent's cleanups (every CLEANUP_INTERVAL from
 * registration) that may remove @img, or SIM_TIME_MAX while in use. */
static SimTime
cleanup_at(const CachedImage *img, const Instance *inst)
{
  if (img->users > 0)
    return SIM_TIME_MAX;
  SimTime due = MAX(img->pulled_at + CLEANUP_MIN_AGE,
                    img->idle_since + TASK_CLEANUP_WAIT);
  SimTime since = MAX(due - inst->registered_at, 0);
  return inst->registered_at +
         (since + CLEANUP_INTERVAL - 1) / CLEANUP_INTERVAL * CLEANUP_INTERVAL;
}

/* @image as cached on @t's instance now, or NULL (never pulled, or
 * removed by the cleanup: then forgotten). */
static CachedImage *
lookup(World *w, const Task *t, const char *image,
       ImagePullBehavior behavior)
{
  g_autofree char *key = key_of(t, image);
  CachedImage *img = g_hash_table_lookup(caches(w), key);
  const Instance *inst = cl(w)->instances->pdata[t->instance];
  if (img != NULL && behavior != IMAGE_PULL_PREFER_CACHED &&
      world_now(w) >= cleanup_at(img, inst)) {
    g_hash_table_remove(caches(w), key);
    return NULL;
  }
  return img;
}

static CachedImage *
add_image(World *w, const Task *t, const char *image)
{
  CachedImage *img = g_new0(CachedImage, 1);
  img->pulled_at = world_now(w);
  g_hash_table_insert(caches(w), key_of(t, image), img);
  return img;
}

static ImagePullBehavior
behavior_of(const World *w, const Task *t)
{
  const Instance *inst = cl(w)->instances->pdata[t->instance];
  const AsgConfig *asg = w->cfg->cluster->asgs->pdata[inst->asg];
  return asg->pull_behavior;
}

/* The pull of @t on its instance: missing images are downloaded (one
 * latency), cached ones cost a manifest check under default/always and
 * nothing under once/prefer-cached; an image still being pulled by
 * another task is waited for. Records the new images and @t's use. */
static SimTime
ec2_pull(World *w, Task *t, gsl_rng *rng)
{
  const ClusterConfig *c = w->cfg->cluster;
  const ImagePullConfig *p = &c->ec2_image_pull;
  ImagePullBehavior behavior = behavior_of(w, t);
  const Workload *wl = &service_of(w, t)->workload;
  GPtrArray *fresh = g_ptr_array_new();
  double missing = 0;
  SimTime wait = 0;
  gboolean cached_any = FALSE;
  for (guint i = 0; i < t->def->containers->len; i++) {
    const EcsContainerDef *cd = t->def->containers->pdata[i];
    if (!first_with_image(t, i))
      continue;
    CachedImage *img = lookup(w, t, cd->image, behavior);
    if (img == NULL) {
      missing += workload_image_size_mib(wl, cd->name);
      img = add_image(w, t, cd->image);
      g_ptr_array_add(fresh, img);
    } else {
      cached_any = TRUE;
      wait = MAX(wait, img->ready_at - world_now(w));
    }
    img->users++;
  }
  SimTime d = 0;
  if (fresh->len > 0)
    d = dist_sample(&p->latency, rng) + download(p, missing, 1.0);
  else if (cached_any && (behavior == IMAGE_PULL_DEFAULT ||
                          behavior == IMAGE_PULL_ALWAYS))
    d = dist_sample(&p->manifest_check, rng);
  d = MAX(d, wait);
  for (guint i = 0; i < fresh->len; i++)
    ((CachedImage *) fresh->pdata[i])->ready_at = world_now(w) + d;
  g_ptr_array_unref(fresh);
  t->holds_images = TRUE;
  return d;
}

static SimTime
ec2_fixed_pending(World *w, gsl_rng *rng)
{
  return dist_sample(&w->cfg->cluster->ec2_pending, rng);
}

/* A warm-started task's images were pulled before the run. */
static void
hold_warm(World *w, Task *t)
{
  for (guint i = 0; i < t->def->containers->len; i++) {
    const EcsContainerDef *cd = t->def->containers->pdata[i];
    if (!first_with_image(t, i))
      continue;
    CachedImage *img = lookup(w, t, cd->image, IMAGE_PULL_PREFER_CACHED);
    if (img == NULL)
      img = add_image(w, t, cd->image);
    img->users++;
  }
  t->holds_images = TRUE;
}

static void
release(World *w, Task *t)
{
  for (guint i = 0; i < t->def->containers->len; i++) {
    const EcsContainerDef *cd = t->def->containers->pdata[i];
    if (!first_with_image(t, i))
      continue;
    g_autofree char *key = key_of(t, cd->image);
    CachedImage *img = g_hash_table_lookup(caches(w), key);
    g_assert(img != NULL && img->users > 0);
    if (--img->users == 0)
      img->idle_since = world_now(w);
  }
  t->holds_images = FALSE;
}

void
image_pull_on_task_state(World *w, Task *t, TaskState old, gpointer data)
{
  gboolean ec2 = !t->fargate && t->instance >= 0;
  gboolean fixed = ec2 && w->cfg->cluster->ec2_pending_given;
  if (t->state == TASK_PENDING) {
    gsl_rng *rng = world_rng(w, "image-pull", service_of(w, t)->name);
    if (t->fargate)
      t->pull_time = fargate_pull(w, t, rng);
    else if (fixed)
      t->pull_time = ec2_fixed_pending(w, rng);
    else if (ec2)
      t->pull_time = ec2_pull(w, t, rng);
  } else if (t->state == TASK_RUNNING && old == TASK_PROVISIONING && ec2 &&
             !fixed) {
    hold_warm(w, t);
  } else if (t->state == TASK_STOPPED && t->holds_images) {
    release(w, t);
  }
}

void
image_pull_free(World *w)
{
  if (w->cluster != NULL)
    g_clear_pointer(&cl(w)->images, g_hash_table_unref);
}
