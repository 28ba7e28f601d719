/* Spot price histories: parsing and integration. */
#include "models/config/spot-prices.h"

#include <stdlib.h>
#include <string.h>

#include "models/input/input.h"

typedef struct {
  SimTime at;
  double price;
} PricePoint;

struct _SpotPrices {
  GArray *points; /* PricePoint, increasing times */
};

static gboolean
line_error(GError **error, const char *display, guint line, const char *why)
{
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
              "%s:%u: %s", display, line, why);
  return FALSE;
}

static gboolean
parse_row(const char *text, const char *display, guint line, GArray *points,
          GError **error)
{
  g_auto(GStrv) f = g_strsplit(text, ",", -1);
  char *end1 = NULL, *end2 = NULL;
  if (g_strv_length(f) != 2)
    return line_error(error, display, line, "expected \"time,price\"");
  double t = g_ascii_strtod(g_strstrip(f[0]), &end1);
  double price = g_ascii_strtod(g_strstrip(f[1]), &end2);
  if (*end1 != '\0' || *end2 != '\0' || end1 == f[0] || end2 == f[1])
    return line_error(error, display, line, "time and price must be "
                                            "numbers");
  if (price < 0)
    return line_error(error, display, line, "a price cannot be negative");
  PricePoint p = { sim_time_from_seconds(t), price };
  if (points->len > 0 &&
      p.at <= g_array_index(points, PricePoint, points->len - 1).at) {
    g_autofree char *why = g_strdup_printf(
      "times must increase (%.3f after %.3f)", t,
      sim_time_to_seconds(
        g_array_index(points, PricePoint, points->len - 1).at));
    return line_error(error, display, line, why);
  }
  g_array_append_val(points, p);
  return TRUE;
}

SpotPrices *
spot_prices_load(const char *path, const char *display, GError **error)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read the Spot price history", display);
    return NULL;
  }
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  GArray *points = g_array_new(FALSE, FALSE, sizeof(PricePoint));
  for (guint i = 0; lines[i]; i++) {
    char *l = g_strstrip(lines[i]);
    if (*l == '\0' || *l == '#')
      continue;
    /* A header line: the first line starting with a letter. */
    if (points->len == 0 && g_ascii_isalpha(*l))
      continue;
    if (!parse_row(l, display, i + 1, points, error)) {
      g_array_unref(points);
      return NULL;
    }
  }
  if (points->len == 0) {
    g_array_unref(points);
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                "%s: no price rows", display);
    return NULL;
  }
  SpotPrices *p = g_new0(SpotPrices, 1);
  p->points = points;
  return p;
}

void
spot_prices_free(SpotPrices *p)
{
  if (p == NULL)
    return;
  g_array_unref(p->points);
  g_free(p);
}

double
spot_prices_at(const SpotPrices *p, SimTime t)
{
  double price = g_array_index(p->points, PricePoint, 0).price;
  for (guint i = 0; i < p->points->len; i++) {
    const PricePoint *pt = &g_array_index(p->points, PricePoint, i);
    if (pt->at > t)
      break;
    price = pt->price;
  }
  return price;
}

double
spot_prices_charge(const SpotPrices *p, SimTime start, SimTime end)
{
  /* AWS bills at least 60 seconds. */
  if (end - start < 60 * SIM_SEC)
    end = start + 60 * SIM_SEC;
  double dollars = 0;
  SimTime t = start;
  for (guint i = 0; i <= p->points->len && t < end; i++) {
    SimTime next = i < p->points->len
                     ? g_array_index(p->points, PricePoint, i).at
                     : SIM_TIME_MAX;
    if (next <= t)
      continue;
    SimTime until = MIN(next, end);
    dollars += spot_prices_at(p, t) * sim_time_to_seconds(until - t) / 3600.0;
    t = until;
  }
  return dollars;
}
