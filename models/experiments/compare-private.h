/* What the break-even's search (compare-breakeven.c) and its statement
 * (compare-statement.c) share. */
#pragma once

#include "models/experiments/compare.h"

/* TRUE when both variants meet their SLO and error budget at @p. */
gboolean breakeven_comparable(const BreakEvenPoint *p);

/* Level @i of @points (BreakEvenPoint, by scale). */
const BreakEvenPoint *breakeven_point(const GArray *points, int i);

/* The run [*lo, *hi] of consecutive comparable levels of @points where
 * the answer holds: the one holding scale 1 when it is comparable, else
 * the longest (the lowest of equals). FALSE when none is comparable. */
gboolean breakeven_valid_run(const GArray *points, int *lo, int *hi);

/* Index i where the cost difference changes sign between levels i and
 * i + 1 of @points, both inside the valid run; or -1. */
int breakeven_bracket(const GArray *points);

/* TRUE when @p is comparable and its two costs are within @tie (relative
 * to their mean) of each other. */
gboolean breakeven_within_tie(const BreakEvenPoint *p, double tie);

/* Writes be->statement (and the figures it states) from be's levels. */
void breakeven_conclude(BreakEven *be);
