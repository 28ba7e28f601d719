/* An EC2 Spot price history for an Auto Scaling group of Spot instances:
 * a CSV file of "time,price" rows (seconds from the start of the run, $ per
 * instance-hour; an optional header line), the price holding from each row
 * until the next (the first row's price also before it, the last's after
 * it). Instances are then billed the integral of the price over the time
 * they run (60-second minimum) instead of On-Demand less the Spot
 * discount. */
#pragma once

#include <glib.h>

#include "sim/time.h"

typedef struct _SpotPrices SpotPrices;

/* Reads @path (shown as @display in messages). Returns NULL and sets
 * @error ("FILE:LINE: reason") when a row is malformed, times go
 * backwards, a price is negative, or there is no row. */
SpotPrices *spot_prices_load(const char *path, const char *display,
                             GError **error);
void spot_prices_free(SpotPrices *p);

/* Dollars for one instance from @start to @end, with the 60-second
 * minimum. */
double spot_prices_charge(const SpotPrices *p, SimTime start, SimTime end);

/* The price in force at @t, $ per hour. */
double spot_prices_at(const SpotPrices *p, SimTime t);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SpotPrices, spot_prices_free)
