/* Helpers shared by the service tests (deploy, health, failures): small
 * scenarios written inline and questions about the world mid-run. */
#pragma once

#include "models/core/eventlog.h"
#include "models/control/service.h"
#include "support.h"

/* A Fargate task definition of family @family (0.25 vCPU, one essential
 * container "app" on port 8080). */
#define TEST_FARGATE_TD(family)                                              \
  "{'family': '" family "', 'cpu': '256', 'memory': '512', "                 \
  "'networkMode': 'awsvpc', 'requiresCompatibilities': ['FARGATE'], "        \
  "'containerDefinitions': [{'name': 'app', 'image': 'x', "                  \
  "'portMappings': [{'containerPort': 8080}]}]}"

/* An EC2 bridge task definition of 512 CPU units and 512 MiB: four fit
 * on an m5.large (2048 units). */
#define TEST_EC2_TD(family)                                                  \
  "{'family': '" family "', 'cpu': '512', 'memory': '512', "                 \
  "'networkMode': 'bridge', 'requiresCompatibilities': ['EC2'], "            \
  "'containerDefinitions': [{'name': 'app', 'image': 'x', "                  \
  "'portMappings': [{'containerPort': 8080, 'hostPort': 0}]}]}"

/* Builds the world of the scenario JSON @fmt, written with single quotes
 * (readable in C) that become double quotes; aborts the test when it is
 * refused. */
TestRun *test_run_json(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* When @t began stopping (DEACTIVATING, STOPPING or straight to
 * STOPPED), or -1 while it is live. */
SimTime test_stop_began(const Task *t);

/* Live tasks (not yet stopping) of deployment @number of service 0; 0
 * counts every deployment. */
int test_live_tasks(TestRun *run, guint32 number);

/* The first event of @kind at or after @from, or NULL. */
const LogEvent *test_find_event(TestRun *run, const char *kind,
                                SimTime from);

/* The earliest time a task of deployment @number counted as healthy, or
 * -1. */
SimTime test_earliest_healthy(TestRun *run, guint32 number);
