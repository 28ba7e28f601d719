/* How long an EC2 instance takes from EC2's "running" state (billed) to
 * its ECS agent registering: OS boot, agent start, registration. A table
 * by instance family (REFERENCE.md "Instance boot by family"), the
 * default of an Auto Scaling group's `boot_time`.
 *
 *   Nitro, x86 (m5, m6i, c5, t3, ...)   uniform 60-150 s
 *   Nitro, Graviton (m6g, c7g, t4g, ...) uniform 60-150 s
 *   Xen, previous generation (m4, c4,   uniform 90-200 s
 *     r4, t2, m3, c3)
 *
 * Sources (ECS-REFERENCE §16, none of them a published AWS figure, so
 * every row is UNVERIFIED): the ECS-optimised AMI boots in ~40 s and user
 * data or agent start adds ~1 min; measured launches of t3, m6i, m7i,
 * c7i and r7i differ by under 1 s, so current families share a row; Xen
 * instances go through the older, slower boot path. */
#pragma once

#include "models/input/dist.h"

/* The boot-to-registration distribution of instance type @type_name
 * ("m6i.large"): its family's row, or the Nitro row for a family the
 * table does not know. Never fails; the Dist is static (do not clear). */
const Dist *instance_boot_default(const char *type_name);

/* "nitro-x86", "nitro-graviton" or "xen": the row @type_name uses. */
const char *instance_boot_row(const char *type_name);

/* EC2's "pending" state before "running" (not billed), the first part of
 * a launch whose `launch_time` is not given: uniform 5-20 s (c5.xlarge
 * 4.9 s, current families 16.5 s; ECS-REFERENCE §16 sources). */
const Dist *instance_boot_pending(void);
