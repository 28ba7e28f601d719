/* `ecsim calibrate`: service times from ALB access logs.
 *
 * An ALB access-log line (AWS's documented field order: type, time, elb,
 * client:port, target:port, request_processing_time,
 * target_processing_time, response_processing_time, elb_status_code,
 * target_status_code, ..., request_creation_time as the 22nd field) gives
 * each request's arrival at its target (request_creation_time +
 * request_processing_time) and its departure (time -
 * response_processing_time). target_processing_time is the difference:
 * the service time plus any wait in the target's queue. */
#pragma once

#include <glib.h>

typedef struct {
  gint64 arrive; /* µs since the epoch: the request reached the target */
  gint64 depart; /* µs since the epoch: the target answered */
  guint target;  /* index into CalAlbLog.targets */
} CalAlbRequest;

typedef struct {
  GArray *requests;   /* CalAlbRequest of answered requests: file order,
                         then by target and arrival once replayed */
  gboolean sorted;    /* requests are in replay order */
  GPtrArray *targets; /* "ip:port", owned strings, in order of appearance */
  GHashTable *index;  /* target -> index + 1 (lent keys) */
  guint64 lines;      /* log lines read (not blank) */
  guint64 no_target;  /* excluded: target "-" */
  guint64 unanswered; /* excluded: target_processing_time -1 */
  guint64 elb_5xx;    /* excluded: a 5xx from the load balancer itself */
  gint64 first, last; /* earliest arrival and latest departure; 0 if none */
} CalAlbLog;

CalAlbLog *calibrate_alb_new(void);
void calibrate_alb_free(CalAlbLog *log);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(CalAlbLog, calibrate_alb_free)

/* Adds the lines of the file at @path (display name @name) to @log,
 * gunzipping it when it is gzipped (by its first bytes: AWS delivers
 * *.log.gz). FALSE with "NAME: ..." in @error when it cannot be opened,
 * "NAME:LINE: ..." on a line that is not an ALB access-log line or where
 * the file cannot be read or decompressed. */
gboolean calibrate_alb_read(CalAlbLog *log, const char *path,
                            const char *name, GError **error);

/* Service times in seconds of the requests of @log that arrived in
 * [@from, @until) µs, sorted ascending, as a FCFS queue with @slots
 * servers per target reconstructs them (0: no correction, the target
 * times themselves): a request starts when it arrives, or when fewer
 * than @slots earlier arrivals at its target are still there, whichever
 * is later. Sorts @log's requests on first use. Sets *@negative to the requests whose reconstructed start
 * falls after their departure (more than 1 ms: logs round to the
 * millisecond), which means @slots is too small; those and zero times
 * are left out. Returns a new array (g_free) of *@n values. */
double *calibrate_alb_service_times(CalAlbLog *log, guint slots,
                                    gint64 from, gint64 until, gsize *n,
                                    gsize *negative);

/* The mean of calibrate_alb_service_times(), without making the array
 * (0 when no request is left). */
double calibrate_alb_mean_service_time(CalAlbLog *log, guint slots,
                                       gint64 from, gint64 until);

/* The smallest number of slots per target with which no request's
 * reconstructed start falls after its departure (at most @max; @max when
 * none below it is consistent). A true FCFS server with c slots is
 * consistent with c, so this is a lower bound. Replays the log O(log c)
 * times. */
guint calibrate_alb_min_slots(CalAlbLog *log, gint64 from, gint64 until,
                              guint max);
