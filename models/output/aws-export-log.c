/* ALB access-log lines of the AWS-shaped export, in the field order of
 * AWS's "Access logs for your Application Load Balancer" (type, time,
 * elb, client:port, target:port, the three processing times, the two
 * status codes, bytes, "request", "user_agent", ssl cipher and protocol,
 * target group ARN, "trace_id", "domain_name", "chosen_cert_arn",
 * matched_rule_priority, request_creation_time, "actions_executed",
 * "redirect_url", "error_reason", "target:port_list",
 * "target_status_code_list", "classification", "classification_reason",
 * conn_trace_id). */
#include "models/output/aws-export-private.h"

#include "models/config/scenario.h"
#include "models/input/civil-time.h"

/* A 64-bit mix (splitmix64's finaliser): stable made-up identifiers. */
static guint64
mix(guint64 x)
{
  x += G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT(0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT(0x94d049bb133111eb);
  return x ^ (x >> 31);
}

static guint64
name_hash(const char *s)
{
  guint64 h = G_GUINT64_CONSTANT(0xcbf29ce484222325); /* FNV-1a */
  for (; *s; s++)
    h = (h ^ (guchar) *s) * G_GUINT64_CONSTANT(0x100000001b3);
  return h;
}

/* The target's private address: one per task, from its number (the
 * first four addresses of a subnet are AWS's). */
static void
format_target(gint64 task, char *buf, gsize size)
{
  if (task < 0)
    g_strlcpy(buf, "-", size);
  else
    g_snprintf(buf, size, "10.0.%d.%d:80", (int) (task / 250 % 256),
               (int) (task % 250) + 4);
}

static const char *
elb_status(RequestOutcome o)
{
  switch (o) {
  case REQ_OK:
    return "200";
  case REQ_TIMEOUT:
    return "504";
  case REQ_RESET:
    return "502";
  default:
    return "503";
  }
}

void
aws_export_log_line(AwsExport *e, AwsService *s, const WorldRequest *r)
{
  const ServiceConfig *svc = e->w->cfg->services->pdata[s->service];
  const TargetGroupConfig *tg = e->w->cfg->service_tgs->pdata[s->service];
  guint64 id = mix(e->w->cfg->seed ^ mix(((guint64) s->service << 40) ^
                                          s->lines));
  char target[32], tg_arn[160];
  g_autofree char *time = civil_time_format(e->t0_us + r->finish, 6, "Z");
  g_autofree char *created =
    civil_time_format(e->t0_us + r->arrival, 6, "Z");
  format_target(r->task, target, sizeof target);
  if (tg != NULL && tg->arn != NULL)
    g_strlcpy(tg_arn, tg->arn, sizeof tg_arn);
  else
    g_snprintf(tg_arn, sizeof tg_arn,
               "arn:aws:elasticloadbalancing:us-east-1:123456789012:"
               "targetgroup/%.32s/%016" G_GINT64_MODIFIER "x",
               tg ? tg->name : svc->name, name_hash(svc->name) ^ 1);
  gboolean answered = r->outcome == REQ_OK || r->outcome == REQ_QUEUE_FULL;
  char target_s[24];
  if (answered)
    g_snprintf(target_s, sizeof target_s, "%.3f",
               (double) (r->finish - r->arrival) / SIM_SEC);
  else
    g_strlcpy(target_s, "-1", sizeof target_s);
  const char *status = elb_status(r->outcome);
  const char *tstatus = answered ? status : "-";
  fprintf(s->log,
          "http %s app/%s-alb/%016" G_GINT64_MODIFIER "x "
          "203.0.113.%d:%d %s %s %s %s %s %s %d %d "
          "\"GET http://%s:80/ HTTP/1.1\" \"ecsim\" - - %s "
          "\"Root=1-%08x-%024" G_GINT64_MODIFIER "x\" \"-\" \"-\" 0 %s "
          "\"forward\" \"-\" \"-\" \"%s\" \"%s\" \"-\" \"-\" -\n",
          time, s->name, name_hash(svc->name), (int) (id % 254) + 1,
          (int) (1024 + (id >> 8) % 64000), target,
          r->task < 0 ? "-1" : "0.000", target_s,
          answered ? "0.000" : "-1", status, tstatus, 120,
          answered && r->outcome == REQ_OK ? 512 : 162, s->name, tg_arn,
          (guint) ((e->t0_us + r->arrival) / G_USEC_PER_SEC),
          mix(id) >> 16, created, target, tstatus);
}
