/* Fargate and Fargate Spot capacity (ECS-REFERENCE §4, §6).
 *
 * Fargate always has capacity, but launches are rate-limited by a token
 * bucket per account (burst 100, 20 tasks/s, On-Demand and Spot each): a
 * task waits in PROVISIONING for a token, then for its ENI. Tasks spread
 * across the scenario's availability zones (the zone with the fewest of
 * the service's tasks). Fargate Spot tasks are interrupted at a rate per
 * task-hour or on a schedule: a two-minute notice (SIGTERM, deregistration)
 * and then the capacity is reclaimed. During a Spot capacity shortage no
 * Spot task can be launched. */
#pragma once

#include "models/capacity/capacity-provider.h"
#include "models/core/world-private.h"

void fargate_init(World *w);
void fargate_free(World *w);

/* FARGATE and FARGATE_SPOT as capacity providers. */
extern const CapacityProviderOps fargate_provider_ops;

/* A Spot capacity shortage begins (@begin) or ends now. */
void fargate_shortage(World *w, gboolean begin);

/* Sends the Spot interruption notice to task @t now. */
void fargate_interrupt(World *w, Task *t);
