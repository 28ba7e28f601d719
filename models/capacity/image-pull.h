/* Image pulls and the per-instance image cache (ECS-REFERENCE §10).
 *
 * A task's PENDING phase is its image pull: latency + size / bandwidth
 * (cluster-config.h's ImagePullConfig), with each container's image size
 * from its service's workload (`image_size_mib`). Images are pulled
 * together: one latency, the sizes of the distinct images summed.
 *
 * Fargate never caches ("container images or container image layers are
 * not cached"): every task pulls everything; an image with a SOCI index
 * (`workload.soci_index`) is lazy-loaded, its download part multiplied by
 * `lazy_loading_factor`.
 *
 * An EC2 instance keeps what it pulled, keyed by the image as written in
 * the task definition. By the ASG's ECS_IMAGE_PULL_BEHAVIOR:
 *   default, always   contact the registry on every start: a cached image
 *                     costs the manifest check only (Docker downloads
 *                     only missing layers; the two differ only when the
 *                     registry fails, which is not modelled)
 *   once              a cached image is used without contacting the
 *                     registry (no pull time)
 *   prefer-cached     the same, and the agent never cleans the image up
 * A task whose image another task on the instance is still pulling waits
 * for that pull. The agent's cleanup removes an image no task uses:
 * every 30 min from registration, once it is at least 1 h old and its
 * last task stopped 3 h ago (ECS_IMAGE_CLEANUP_INTERVAL,
 * ECS_IMAGE_MINIMUM_CLEANUP_AGE, ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION
 * defaults; the 5-images-per-cycle cap is not modelled). Layers shared
 * between different images are not modelled: each image is whole.
 *
 * A `pending` distribution in the scenario's `fargate` or `ec2` section
 * replaces all this for that launch type (the PENDING phase is drawn from
 * it, nothing is cached). */
#pragma once

#include "models/core/world-private.h"

/* Task-changed subscriber: on entering PENDING it sets @t->pull_time and
 * records the pull in the instance's cache; a warm-started EC2 task
 * finds its images cached; a stopping task releases them. */
void image_pull_on_task_state(World *w, Task *t, TaskState old,
                              gpointer data);

/* Frees the caches (cluster_free() calls it). */
void image_pull_free(World *w);
