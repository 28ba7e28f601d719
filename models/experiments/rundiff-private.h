/* What rundiff-load.c reads, rundiff.c compares and rundiff-report.c
 * prints. */
#pragma once

#include <cjson/cJSON.h>

#include "models/experiments/rundiff.h"

typedef struct {
  char *file;          /* the summary.json it was read from */
  guint64 seed;
  cJSON *summary;
} RunSample;

typedef struct {
  char *name;          /* scenario.variant */
  char *scenario;      /* scenario.name */
  double duration_s;   /* scenario.duration_s */
  GPtrArray *samples;  /* RunSample*, by seed */
} RunVariant;

struct _RunDiffSide {
  char *path;          /* as given */
  GPtrArray *variants; /* RunVariant*, in the order found */
};

typedef struct {
  const RunVariant *a, *b; /* lent from the sides */
  gboolean paired;         /* both ran the same seeds (two or more) */
  GArray *fields;          /* RunDiffField */
} PairDiff;

struct _RunDiff {
  const RunDiffSide *a, *b; /* lent: must outlive the diff */
  GPtrArray *pairs;        /* PairDiff* */
  GPtrArray *only_a, *only_b; /* const char*: variants without a partner */
  double default_pct;
};
