/* The World's name and the options it is built with: what the core
 * layer's headers need of a World without the function that builds one
 * (world.h, above every model, wires them together). */
#pragma once

#include <glib.h>
#include <stdio.h>

typedef struct _World World;

typedef struct {
  double traffic_scale;    /* multiplies every arrival rate (default 1) */
  gboolean aggregate;      /* the aggregate fidelity whatever the
                              scenario's "fidelity" (`ecsim compare`'s
                              search) */
  gboolean print_events;   /* write the event log as text while running */
  FILE *events_out;        /* where (default stdout) */
} WorldOptions;
