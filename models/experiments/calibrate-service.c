/* `ecsim calibrate`: the service-time distribution from ALB logs, and
 * concurrency_per_vcpu from it and the CPU fit.
 *
 * Queueing correction: target_processing_time includes the wait in the
 * target's queue, so each target's requests are replayed through a FCFS
 * queue of c slots (calibrate-alb.h) and the service time is departure
 * minus reconstructed start. c is --slots; else, with a CPU fit, the c
 * that agrees with it: too few slots over-correct (the mean falls), too
 * many under-correct, and the true c is where mean(c) / CPU seconds per
 * request x task vCPU = c. It is searched from the smallest c the log is
 * consistent with (no request starting after it ends: a lower bound of
 * the truth) up to the figure without correction. Without a CPU fit, c
 * is that lower bound, and the report says so. */
#include "models/experiments/calibrate-private.h"

#include <math.h>
#include <string.h>

#define MAX_SLOTS 4096
#define KS_PRACTICAL_D 0.02

/* The slots per task that the mean service time under a correction
 * with @c slots (0: none) implies with the CPU fit. */
static double
implied_slots(Cal *cal, guint c)
{
  return calibrate_alb_mean_service_time(cal->alb, c, cal->from, cal->until)
         / cal->cpu.slope.value * cal->task_vcpu;
}

/* The slots to correct with, and how they were found (static text). */
static guint
choose_slots(Cal *cal, const char **how)
{
  if (cal->opt->slots > 0) {
    *how = "given (--slots)";
    return cal->opt->slots;
  }
  guint lower = calibrate_alb_min_slots(cal->alb, cal->from, cal->until,
                                        MAX_SLOTS);
  if (cal->have_cpu && cal->cpu.slope.value > 0 && cal->task_vcpu > 0) {
    /* No correction gives the most slots the CPU can imply; the data
     * give the fewest. Between them, the c whose corrected mean implies
     * c again (mean / CPU per request x vCPU) fits both. */
    double upper = implied_slots(cal, 0);
    guint best = lower;
    double best_miss = G_MAXDOUBLE;
    for (guint c = lower; c <= MAX(lower, MIN(upper, lower + 256)); c++) {
      double miss = fabs(implied_slots(cal, c) - c);
      if (miss < best_miss)
        best = c, best_miss = miss;
    }
    *how = "the c between the smallest consistent with the log and the "
           "uncorrected figure for which mean service time / CPU seconds "
           "per request x task vCPU is closest to c";
    return best;
  }
  *how = "the smallest number the log is consistent with (a lower bound: "
         "give --slots, or CPU metrics and --taskdef)";
  return lower;
}

static cJSON *
fit_json(const CalDistFit *f)
{
  cJSON *o = cJSON_CreateObject();
  cJSON_AddStringToObject(o, "method", f->kind == CAL_DIST_EMPIRICAL
                          ? "empirical (bootstrap intervals, 200 resamples "
                            "of min(n, 65536) values, rescaled to n)"
                          : "maximum likelihood (delta-method intervals)");
  cJSON_AddNumberToObject(o, "n", f->n);
  cJSON_AddItemToObject(o, "mean_s", calibrate_json_estimate(&f->mean));
  cJSON_AddItemToObject(o, "cv", calibrate_json_estimate(&f->cv));
  if (f->kind != CAL_DIST_EMPIRICAL) {
    cJSON_AddNumberToObject(o, "log_likelihood", calibrate_round(f->loglik));
    cJSON_AddNumberToObject(o, "aic", calibrate_round(f->aic));
    cJSON_AddNumberToObject(o, "ks_d", calibrate_round(f->ks_d));
    cJSON_AddNumberToObject(o, "ks_p", calibrate_round(f->ks_p));
  }
  return o;
}

static gboolean
passes(const CalDistFit *f)
{
  return f->ks_p >= 0.05 || f->ks_d < KS_PRACTICAL_D;
}

/* The empirical distribution's file: 1000 quantiles, which sample as the
 * data do and keep the file small whatever the log's size. */
static gboolean
write_empirical(Cal *cal, const double *x, gsize n, char **name,
                GError **error)
{
  g_autofree char *dir = g_path_get_dirname(cal->opt->output);
  g_autofree char *base = g_path_get_basename(cal->opt->output);
  char *dot = strrchr(base, '.');
  if (dot)
    *dot = '\0';
  *name = g_strdup_printf("%s-service-time.txt", base);
  g_autofree char *path = g_build_filename(dir, *name, NULL);
  GString *s = g_string_new("# service times fitted by ecsim calibrate\n");
  for (int i = 0; i < 1000; i++)
    g_string_append_printf(s, "%.3fms\n",
                           1e3 * calibrate_quantile(x, n, (i + 0.5) / 1000));
  gboolean ok = g_file_set_contents(path, s->str, s->len, NULL);
  g_string_free(s, TRUE);
  if (!ok)
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot write", path);
  return ok;
}

static void
report_fit(Cal *cal, const CalDistFit *f)
{
  fprintf(cal->report, "  %-9s mean %.4g ms [%.4g, %.4g]  cv %.4g [%.4g, "
          "%.4g]", calibrate_dist_name(f->kind), 1e3 * f->mean.value,
          1e3 * f->mean.lo, 1e3 * f->mean.hi, f->cv.value, f->cv.lo,
          f->cv.hi);
  if (f->kind != CAL_DIST_EMPIRICAL)
    fprintf(cal->report, "  AIC %.1f  KS D %.4f p %.3g", f->aic, f->ks_d,
            f->ks_p);
  fputc('\n', cal->report);
}

static gboolean
write_choice(Cal *cal, const CalDistFit *fits, const double *x, gsize n,
             GError **error)
{
  const CalDistFit *best = fits[0].aic <= fits[1].aic ? &fits[0] : &fits[1];
  cJSON *st = cJSON_CreateObject();
  if (passes(best)) {
    cJSON_AddStringToObject(st, "dist", calibrate_dist_name(best->kind));
    g_autofree char *mean = g_strdup_printf("%.6gms", 1e3 * best->mean.value);
    cJSON_AddStringToObject(st, "mean", mean);
    cJSON_AddNumberToObject(st, "cv", calibrate_round(best->cv.value));
  } else {
    g_autofree char *name = NULL;
    if (!write_empirical(cal, x, n, &name, error)) {
      cJSON_Delete(st);
      return FALSE;
    }
    best = &fits[2];
    cJSON_AddStringToObject(st, "dist", "empirical");
    cJSON_AddStringToObject(st, "file", name);
    fprintf(cal->report, "  neither parametric fit passes (KS p >= 0.05 or "
            "D < %.2f): wrote %s\n", KS_PRACTICAL_D, name);
  }
  cJSON_AddItemToObject(cal->workload, "service_time", st);
  cal->have_time = TRUE;
  cal->mean_time = best->mean.value;
  cal->mean_time_rel_se = (best->mean.hi - best->mean.lo) / 3.92 /
                          best->mean.value;
  fprintf(cal->report, "  chosen    %s (lowest AIC%s)\n",
          calibrate_dist_name(best->kind),
          best->kind == CAL_DIST_EMPIRICAL ? ", but no fit passes" : "");
  return TRUE;
}

gboolean
calibrate_service_time(Cal *cal, GError **error)
{
  if (!cal->alb) {
    fprintf(cal->report, "service time: skipped (give --alb-log FILE: an "
            "ALB access log)\n");
    return TRUE;
  }
  const char *how;
  guint slots = choose_slots(cal, &how);
  gsize n, negative, n_raw, neg_raw;
  g_autofree double *x = calibrate_alb_service_times(
    cal->alb, slots, cal->from, cal->until, &n, &negative);
  g_autofree double *raw = calibrate_alb_service_times(
    cal->alb, 0, cal->from, cal->until, &n_raw, &neg_raw);
  fprintf(cal->report, "service time: %" G_GUINT64_FORMAT " log lines, "
          "%zu answered requests in the window (excluded: %" G_GUINT64_FORMAT
          " without a target, %" G_GUINT64_FORMAT " unanswered (-1), %"
          G_GUINT64_FORMAT " load-balancer 5xx)\n", cal->alb->lines, n_raw,
          cal->alb->no_target, cal->alb->unanswered, cal->alb->elb_5xx);
  if (n < 2) {
    fprintf(cal->report, "  too few requests to fit (%zu)\n", n);
    return TRUE;
  }
  double raw_sum = 0;
  for (gsize i = 0; i < n_raw; i++)
    raw_sum += raw[i];
  fprintf(cal->report, "  queueing correction: FCFS with %u slots per "
          "target (%s); raw mean %.4g ms%s\n", slots, how,
          1e3 * raw_sum / n_raw,
          negative ? ", some requests inconsistent with it" : "");
  CalDistFit fits[3];
  cJSON *fit = cJSON_AddObjectToObject(cal->fits, "service_time");
  cJSON_AddNumberToObject(fit, "slots_per_target", slots);
  cJSON_AddStringToObject(fit, "slots_from", how);
  cJSON_AddNumberToObject(fit, "raw_mean_s", calibrate_round(raw_sum / n_raw));
  cJSON_AddNumberToObject(fit, "inconsistent", negative);
  cJSON_AddNumberToObject(fit, "excluded_no_target", cal->alb->no_target);
  cJSON_AddNumberToObject(fit, "excluded_unanswered", cal->alb->unanswered);
  cJSON_AddNumberToObject(fit, "excluded_elb_5xx", cal->alb->elb_5xx);
  for (int k = 0; k < 3; k++) {
    calibrate_fit_dist((CalDistKind) k, x, n, cal->opt->seed, &fits[k]);
    cJSON_AddItemToObject(fit, calibrate_dist_name(fits[k].kind),
                          fit_json(&fits[k]));
    report_fit(cal, &fits[k]);
  }
  if (!write_choice(cal, fits, x, n, error))
    return FALSE;
  cJSON_AddStringToObject(fit, "chosen", cJSON_GetStringValue(
    cJSON_GetObjectItem(cJSON_GetObjectItem(cal->workload, "service_time"),
                        "dist")));
  return TRUE;
}
