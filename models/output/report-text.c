/* The plain-text summary on stdout: fits an 80-column terminal. */
#include <math.h>

#include "models/output/report.h"

static double
num(const cJSON *o, const char *path)
{
  g_auto(GStrv) parts = g_strsplit(path, ".", -1);
  const cJSON *n = o;
  for (char **p = parts; *p && n; p++)
    n = cJSON_GetObjectItemCaseSensitive(n, *p);
  return cJSON_IsNumber(n) ? n->valuedouble : NAN;
}

static const char *
str(const cJSON *o, const char *path)
{
  g_auto(GStrv) parts = g_strsplit(path, ".", -1);
  const cJSON *n = o;
  for (char **p = parts; *p && n; p++)
    n = cJSON_GetObjectItemCaseSensitive(n, *p);
  return cJSON_IsString(n) ? n->valuestring : "";
}

/* "1,234,567" */
static char *
grouped(double v)
{
  g_autofree char *digits = g_strdup_printf("%.0f", v);
  GString *s = g_string_new(NULL);
  gsize n = strlen(digits);
  for (gsize i = 0; i < n; i++) {
    if (i > 0 && (n - i) % 3 == 0 && digits[i - 1] != '-')
      g_string_append_c(s, ',');
    g_string_append_c(s, digits[i]);
  }
  return g_string_free(s, FALSE);
}

static void
ms(GString *s, const char *label, double v)
{
  if (isnan(v))
    g_string_append_printf(s, "  %s -", label);
  else
    g_string_append_printf(s, "  %s %.1f ms", label, v);
}

static void
print_requests(const cJSON *sum, FILE *out)
{
  g_autofree char *arr = grouped(num(sum, "requests.arrivals"));
  g_autofree char *done = grouped(num(sum, "requests.completed"));
  g_autofree char *err = grouped(num(sum, "requests.errors.total"));
  fprintf(out, "Requests   %s arrived, %s completed, %s failed (%.4f%%)\n",
          arr, done, err, 100.0 * num(sum, "requests.error_rate"));
  if (num(sum, "requests.errors.total") > 0)
    fprintf(out, "           503 no target %.0f, 503 queue full %.0f, "
            "504 timeout %.0f, 502 reset %.0f\n",
            num(sum, "requests.errors.no_target"),
            num(sum, "requests.errors.queue_full"),
            num(sum, "requests.errors.timeout"),
            num(sum, "requests.errors.reset"));
  g_autoptr(GString) lat = g_string_new("Latency  ");
  ms(lat, "p50", num(sum, "latency.p50_ms"));
  ms(lat, "p90", num(sum, "latency.p90_ms"));
  ms(lat, "p99", num(sum, "latency.p99_ms"));
  ms(lat, "p99.9", num(sum, "latency.p999_ms"));
  fprintf(out, "%s\n", lat->str);
  const cJSON *slo = cJSON_GetObjectItemCaseSensitive(sum, "slo");
  if (cJSON_IsObject(slo))
    fprintf(out, "SLO        %.2f%% of requests within %.0f ms (target "
            "%.2f%%): %s\n", 100.0 * num(slo, "attainment"),
            num(slo, "threshold_ms"), 100.0 * num(slo, "target"),
            cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(slo, "met"))
              ? "met"
              : "MISSED");
}

/* Which LCU dimension the load balancer line was billed on, and the
 * workload key that drives it. */
static void
print_lb_dimension(const cJSON *sum, FILE *out)
{
  static const char *const dims[][3] = {
    { "new_connections", "new connections", "new_connection_ratio" },
    { "active_connections", "active connections", "requests in flight" },
    { "processed_bytes", "processed bytes", "bytes_per_request" },
    { "rule_evaluations", "rule evaluations", "listener rules" },
  };
  const char *dim = str(sum, "cost.load_balancer_dimension");
  for (gsize i = 0; i < G_N_ELEMENTS(dims); i++)
    if (g_str_equal(dim, dims[i][0]))
      fprintf(out, "           load balancer LCUs billed on %s (%s)\n",
              dims[i][1], dims[i][2]);
}

/* Savings Plans and Reserved Instances, when the scenario has any. */
static void
print_commitments(const cJSON *sum, FILE *out)
{
  double paid = num(sum, "cost.commitments.commitment_usd");
  if (isnan(paid))
    return;
  fprintf(out, "           commitments $%.2f covered $%.2f of On-Demand "
          "usage (unused $%.2f, saved $%.2f); uncovered $%.2f\n", paid,
          num(sum, "cost.commitments.covered_on_demand_usd"),
          num(sum, "cost.commitments.unused_commitment_usd"),
          num(sum, "cost.commitments.savings_usd"),
          num(sum, "cost.commitments.uncovered_usd"));
}

static void
print_cost(const cJSON *sum, FILE *out)
{
  fprintf(out, "Cost       $%.2f: compute $%.2f, storage $%.2f, load "
          "balancer $%.2f", num(sum, "cost.total_usd"),
          num(sum, "cost.items.compute"), num(sum, "cost.items.storage"),
          num(sum, "cost.items.load_balancer"));
  double discovery = num(sum, "cost.items.discovery");
  if (!isnan(discovery)) /* only with Cloud Map DNS */
    fprintf(out, ", Cloud Map $%.2f", discovery);
  fputc('\n', out);
  double per_m = num(sum, "cost.per_million_requests_usd");
  g_autoptr(GString) line = g_string_new("          ");
  if (!isnan(per_m))
    g_string_append_printf(line, " $%.4f per million requests;", per_m);
  const cJSON *prov =
    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(sum,
                                                                      "cost"),
                                     "by_provider");
  for (const cJSON *p = prov ? prov->child : NULL; p; p = p->next)
    g_string_append_printf(line, " %s $%.2f", p->string, p->valuedouble);
  if (num(sum, "cost.unused_ec2_usd") > 0.005)
    g_string_append_printf(line, " (unused EC2 $%.2f)",
                           num(sum, "cost.unused_ec2_usd"));
  fprintf(out, "%s\n", line->str);
  print_commitments(sum, out);
  print_lb_dimension(sum, out);
}

static void
print_services(const cJSON *sum, FILE *out)
{
  const cJSON *services = cJSON_GetObjectItemCaseSensitive(sum, "services");
  if (cJSON_GetArraySize(services) < 2)
    return;
  fprintf(out, "\n%-20s %12s %9s %9s %8s %9s %7s\n", "service", "requests",
          "p50 ms", "p99 ms", "errors", "cost $", "tasks");
  for (const cJSON *s = services->child; s; s = s->next)
    fprintf(out, "%-20.20s %12.0f %9.1f %9.1f %8.0f %9.2f %7.0f\n",
            str(s, "name"), num(s, "requests.arrivals"),
            num(s, "latency.p50_ms"), num(s, "latency.p99_ms"),
            num(s, "requests.errors.total"), num(s, "cost.total"),
            num(s, "running_end"));
}

void
report_print(const cJSON *sum, const cJSON *timing, const char *dir,
             FILE *out)
{
  fprintf(out, "%s (variant %s, seed %.0f): %.0f s simulated",
          str(sum, "scenario.name"), str(sum, "scenario.variant"),
          num(sum, "scenario.seed"), num(sum, "scenario.duration_s"));
  if (timing != NULL)
    fprintf(out, " in %.2f s (%.2fM events/s)", num(timing, "wall_s"),
            num(timing, "events_per_s") / 1e6);
  fputc('\n', out);
  print_requests(sum, out);
  print_cost(sum, out);
  fprintf(out, "Capacity   %.1f Fargate task-hours, %.1f instance-hours, "
          "mean CPU %.1f%%\n", num(sum, "capacity.task_hours"),
          num(sum, "capacity.instance_hours"),
          num(sum, "capacity.mean_cpu_pct"));
  /* Only scenarios with Spot Instances or warm pools have these. */
  if (!isnan(num(sum, "capacity.spot_instances_launched")))
    fprintf(out, "Spot       %.0f of %.0f instances launched were Spot; "
            "%.0f reclaimed by EC2\n",
            num(sum, "capacity.spot_instances_launched"),
            num(sum, "capacity.instances_launched"),
            num(sum, "capacity.spot_interruptions"));
  if (!isnan(num(sum, "capacity.warm_pool_instance_hours")))
    fprintf(out, "Warm pool  %.1f instance-hours, $%.4f\n",
            num(sum, "capacity.warm_pool_instance_hours"),
            num(sum, "cost.warm_pool_usd"));
  fprintf(out, "Tasks      %.0f started, %.0f stopped, %.0f failed to "
          "start; deployments %.0f completed, %.0f failed\n",
          num(sum, "tasks.started"), num(sum, "tasks.stopped"),
          num(sum, "tasks.failed_to_start"),
          num(sum, "deployments.completed"),
          num(sum, "deployments.failed"));
  print_services(sum, out);
  if (dir != NULL)
    fprintf(out, "Outputs    %s/\n", dir);
}
