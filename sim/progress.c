/* Progress line on stderr, throttled by wall-clock time. */
#include "sim/progress.h"

#include <unistd.h>

#define REFRESH_US (G_USEC_PER_SEC / 4)

struct _SimProgress {
  FILE *out;
  char *label;
  SimTime horizon;
  gboolean enabled;
  gboolean drawn;
  gint64 wall_start;
  gint64 last_draw;
};

gboolean
sim_progress_wanted(FILE *out, gboolean quiet)
{
  return !quiet && isatty(fileno(out));
}

SimProgress *
sim_progress_new(FILE *out, const char *label, SimTime horizon,
                 gboolean enabled)
{
  SimProgress *p = g_new0(SimProgress, 1);
  p->out = out;
  p->label = g_strdup(label ? label : "");
  p->horizon = horizon;
  p->enabled = enabled;
  p->wall_start = g_get_monotonic_time();
  return p;
}

static void
draw(SimEngine *engine, gpointer data)
{
  SimProgress *p = data;
  gint64 wall = g_get_monotonic_time();
  if (wall - p->last_draw < REFRESH_US)
    return;
  p->last_draw = wall;
  double elapsed = (double) (wall - p->wall_start) / G_USEC_PER_SEC;
  SimTime now = sim_engine_now(engine);
  double pct = p->horizon > 0 ? 100.0 * (double) now / (double) p->horizon
                              : 0.0;
  double rate = elapsed > 0 ? (double) sim_engine_events(engine) / elapsed
                            : 0.0;
  char clock[SIM_TIME_FORMAT_MAX];
  fprintf(p->out, "\r\033[K%s sim %s (%.1f%%)  %.2fM events/s  wall %.1fs",
          p->label, sim_time_format_clock(now, clock), pct, rate / 1e6,
          elapsed);
  fflush(p->out);
  p->drawn = TRUE;
}

void
sim_progress_attach(SimProgress *p, SimEngine *engine)
{
  if (p->enabled)
    sim_engine_set_progress(engine, draw, p);
}

void
sim_progress_finish(SimProgress *p)
{
  if (p != NULL && p->drawn) {
    fputs("\r\033[K", p->out);
    fflush(p->out);
    p->drawn = FALSE;
  }
}

void
sim_progress_free(SimProgress *p)
{
  if (p == NULL)
    return;
  sim_progress_finish(p);
  g_free(p->label);
  g_free(p);
}
