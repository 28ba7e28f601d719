/* CPU shares on EC2 instances (issue 16): a task with no task-level `cpu`
 * uses its instance's idle CPU in proportion to its containers' cpu.shares;
 * a task-level `cpu` is a hard ceiling, as on Fargate. Each expectation
 * is worked out by hand in its comment. */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <math.h>
#include <string.h>

#include "models/capacity/cpu-share.h"
#include "models/control/metrics.h"
#include "scenarios/cli.h"
#include "support.h"

/* A scenario of one m5.large (2 vCPU) with the services @services (JSON
 * objects, comma-separated) and task definitions @taskdefs, for @duration.
 * Tasks start warm at time 0. */
static char *
one_instance(const char *duration, const char *instance_type,
             const char *asg_extra, const char *taskdefs,
             const char *services)
{
  return g_strdup_printf(
    "{\"seed\": 3, \"duration\": \"%s\", \"cluster\": "
    "{\"auto_scaling_groups\": [{\"name\": \"g\", \"instance_type\": "
    "\"%s\", \"min\": 1, \"max\": 1, \"desired\": 1%s}]}, "
    "\"taskDefinitions\": [%s], \"services\": [%s]}",
    duration, instance_type, asg_extra, taskdefs, services);
}

/* An EC2 task definition @family with one container of @cpu units (0:
 * none) and, when @task_cpu is not NULL, that task-level cpu. */
static char *
ec2_td(const char *family, int cpu, const char *task_cpu)
{
  g_autofree char *tc = task_cpu ? g_strdup_printf(", \"cpu\": \"%s\"",
                                                   task_cpu)
                                 : g_strdup("");
  g_autofree char *cc = cpu > 0 ? g_strdup_printf("\"cpu\": %d, ", cpu)
                                : g_strdup("");
  return g_strdup_printf(
    "{\"family\": \"%s\", \"networkMode\": \"bridge\"%s, "
    "\"containerDefinitions\": [{\"name\": \"c\", \"image\": \"x\", %s"
    "\"memory\": 512}]}",
    family, tc, cc);
}

/* A service of one task of definition @family on the group, with
 * @rps requests/s and workload fields @workload. */
static char *
svc(const char *family, double rps, const char *workload)
{
  return g_strdup_printf(
    "{\"serviceName\": \"%s\", \"taskDefinition\": \"%s\", "
    "\"desiredCount\": 1, \"capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"g\", \"weight\": 1}], \"workload\": "
    "{\"traffic\": {\"generator\": \"constant\", \"rps\": %g}%s}}",
    family, family, rps, workload);
}

static TestRun *
run(const char *json)
{
  TestRun *r = test_run_new(json);
  test_run_finish(r);
  return r;
}

/* Alone on an idle m5.large, a task whose only CPU figure is a container
 * cpu of 256, and whose requests can each use a whole vCPU (slot_max_vcpu
 * 1: CPU-bound, one thread), runs at the instance's speed. A 40 ms request
 * was measured on a slot of 1/4 vCPU (at_vcpu 1, 4 slots per vCPU): 10 ms
 * of one vCPU. The task has 1 slot (0.25 vCPU × 4); its request may use a
 * whole vCPU of the 2 idle ones, so it takes 10 ms, not Fargate's 40 ms. At 2 requests/s (Poisson) the slot is busy 2% of the time: the
 * M/D/1 wait ρS/(2(1−ρ)) adds 0.1 ms, so the mean lies within 0.5 ms of
 * 10 ms. */
Test(ec2, a_share_only_task_alone_runs_at_the_instance_speed)
{
  g_autofree char *td = ec2_td("web", 256, NULL);
  g_autofree char *s = svc("web", 2, ", \"service_time\": \"40ms\", "
                                     "\"slot_max_vcpu\": 1");
  g_autofree char *json = one_instance("1h", "m5.large", "", td, s);
  TestRun *r = run(json);
  double mean = test_summary_number(r, "latency.mean_ms");
  cr_assert(fabs(mean - 10.0) < 0.5, "mean %.3f ms, not 10 ms", mean);
  test_run_free(r);
}

/* By default no request runs faster than it was measured
 * (slot_max_vcpu is the slot's share at at_vcpu, 0.25 vCPU here). A task
 * that reserves only 128 units has one slot of 0.125 vCPU: with a
 * task-level cpu of 128 a request takes 80 ms; as a share-only task alone
 * on an idle instance it borrows idle CPU up to its measured speed and
 * takes 40 ms, not 10. At 2 requests/s the M/D/1 mean is
 * S + ρS/(2(1−ρ)): 40 + 1.74 = 41.74 ms and 80 + 7.62 = 87.62 ms. */
Test(ec2, by_default_a_share_only_task_bursts_up_to_its_measured_speed)
{
  g_autofree char *shares = ec2_td("web", 128, NULL);
  g_autofree char *capped = ec2_td("web", 128, "128");
  g_autofree char *s = svc("web", 2, ", \"service_time\": \"40ms\"");
  g_autofree char *json_s = one_instance("1h", "m5.large", "", shares, s);
  g_autofree char *json_c = one_instance("1h", "m5.large", "", capped, s);
  TestRun *rs = run(json_s);
  TestRun *rc = run(json_c);
  double ms = test_summary_number(rs, "latency.mean_ms");
  double mc = test_summary_number(rc, "latency.mean_ms");
  cr_assert(fabs(ms - 41.74) < 0.5, "share-only mean %.3f ms, not 41.74",
            ms);
  cr_assert(fabs(mc - 87.62) < 2.0, "capped mean %.3f ms, not 87.62", mc);
  test_run_free(rs);
  test_run_free(rc);
}

/* The same task with a task-level cpu of 256 is capped at 0.25 vCPU, its
 * quota, as on Fargate: 40 ms (plus the same 2% of queueing, 0.4 ms). */
Test(ec2, a_task_level_cpu_caps_the_task)
{
  g_autofree char *td = ec2_td("web", 256, "256");
  g_autofree char *s = svc("web", 2, ", \"service_time\": \"40ms\"");
  g_autofree char *json = one_instance("1h", "m5.large", "", td, s);
  TestRun *r = run(json);
  double mean = test_summary_number(r, "latency.mean_ms");
  cr_assert(mean > 39.9 && mean < 42.0, "mean %.3f ms, not ~40 ms", mean);
  test_run_free(r);
}

/* Two always-busy share-only tasks with shares 256 and 768 on one
 * m5.large split its 2 vCPU 1:3. Each is offered far more than it can
 * serve (400 requests/s of 10 ms of vCPU work); its 1 and 3 slots demand
 * 1 and 3 vCPU, above their fair parts (0.5 and 1.5), so they get exactly
 * those: 50 and 150 requests/s completed. Over 10 minutes that is 30,000
 * and 90,000; the ratio is 3 within 1% (the only noise is which requests
 * the full queues refuse). */
Test(ec2, two_busy_tasks_with_shares_256_and_768_split_the_cpu_1_to_3)
{
  g_autofree char *a = ec2_td("small", 256, NULL);
  g_autofree char *b = ec2_td("large", 768, NULL);
  g_autofree char *tds = g_strdup_printf("%s, %s", a, b);
  g_autofree char *sa = svc("small", 400, ", \"service_time\": \"40ms\", "
                                          "\"slot_max_vcpu\": 1");
  g_autofree char *sb = svc("large", 400, ", \"service_time\": \"40ms\", "
                                          "\"slot_max_vcpu\": 1");
  g_autofree char *svcs = g_strdup_printf("%s, %s", sa, sb);
  g_autofree char *json = one_instance("10m", "m5.large", "", tds, svcs);
  TestRun *r = run(json);
  double ca = test_summary_number(r, "services.small.requests.completed");
  double cb = test_summary_number(r, "services.large.requests.completed");
  cr_assert(fabs(ca - 30000) < 300, "small completed %.0f", ca);
  cr_assert(fabs(cb / ca - 3.0) < 0.03, "split %.0f : %.0f", ca, cb);
  /* CPU utilisation is used over reserved: 0.5 of 0.25 vCPU is 200%, as
   * CloudWatch reports for EC2 tasks above their reservation. */
  for (guint i = 0; i < metrics_n_rows(r->w); i++) {
    const PeriodRow *row = metrics_row(r->w, i);
    if (row->service == 0)
      cr_assert(fabs(row->cpu_pct - 200.0) < 1.0, "cpu %.2f%% at %.0f s",
                row->cpu_pct, sim_time_to_seconds(row->start));
  }
  test_run_free(r);
}

/* The same task on Fargate never exceeds its 0.25 vCPU: its one slot
 * serves a 40 ms request in 40 ms, so at most 25 requests/s, 15,000 in 10
 * minutes, however idle the rest of AWS is. */
Test(ec2, the_same_task_on_fargate_never_exceeds_its_vcpu)
{
  const char *td =
    "{\"family\": \"web\", \"networkMode\": \"awsvpc\", "
    "\"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", "
    "\"memory\": \"512\", \"containerDefinitions\": [{\"name\": \"c\", "
    "\"image\": \"x\", \"cpu\": 256}]}";
  g_autofree char *json = g_strdup_printf(
    "{\"seed\": 3, \"duration\": \"10m\", \"taskDefinitions\": [%s], "
    "\"services\": [{\"serviceName\": \"web\", \"taskDefinition\": "
    "\"web\", \"desiredCount\": 1, \"launchType\": \"FARGATE\", "
    "\"workload\": {\"traffic\": {\"generator\": \"constant\", \"rps\": "
    "400}, \"service_time\": \"40ms\"}}]}",
    td);
  TestRun *r = run(json);
  double done = test_summary_number(r, "requests.completed");
  cr_assert(done <= 15000 && done > 14900, "completed %.0f", done);
  test_run_free(r);
}

/* M/M/1 processor sharing: one share-only task whose requests may each
 * use the whole instance (slot_max_vcpu 2 on an m5.large) and that has
 * slots enough never to queue (50 of them), so the instance is one PS
 * server of 2 vCPU. Work is exponential: 1 s of service time measured on
 * a slot of 1/50 vCPU (at_vcpu 1, 50 slots per vCPU) is 0.02 vCPU-s, 10 ms
 * at 2 vCPU: S = 10 ms. At λ = 50/s, ρ = 0.5 and the mean response time is
 * S/(1−ρ) = 20 ms. Over 2 hours (360,000 requests) the standard error of
 * the mean is under 0.5% (M/M/1 response times are exponential, with
 * correlation time ~ S/(1−ρ)²): 3% is a safe tolerance. P(50 busy) =
 * 0.5^50: the slot limit never binds. */
Test(ec2, mm1_processor_sharing_matches_its_closed_form)
{
  g_autofree char *td = ec2_td("ps", 1024, NULL);
  g_autofree char *s = svc(
    "ps", 50,
    ", \"service_time\": {\"dist\": \"exponential\", \"mean\": \"1s\"}, "
    "\"concurrency_per_vcpu\": 50, \"slot_max_vcpu\": 2");
  g_autofree char *json = one_instance("2h", "m5.large", "", td, s);
  TestRun *r = run(json);
  double mean = test_summary_number(r, "latency.mean_ms");
  cr_assert(fabs(mean - 20.0) < 0.6, "mean %.3f ms, not S/(1-rho) = 20 ms",
            mean);
  test_run_free(r);
}

/* Erlang C's mean response time of M/M/@c with @lambda arrivals/s and
 * mean service @s seconds. */
static double
mmc_response_s(int c, double lambda, double s)
{
  double a = lambda * s, term = 1.0, sum = 0.0;
  for (int k = 0; k < c; k++) {
    sum += term;
    term *= a / (k + 1);
  }
  double last = term * c / (c - a);
  double p_wait = last / (sum + last);
  return s + p_wait / (c / s - lambda);
}

/* Below saturation every busy slot runs at its own speed, whatever its
 * neighbours do: two share-only tasks of 1024 shares (4 slots of 0.25
 * vCPU each, so at most 2 vCPU between them on the m5.large's 2) are two
 * independent M/M/4 queues. Exponential 40 ms at 70 requests/s is rho =
 * 0.7, and Erlang C's mean response time 54.3 ms. Over 2 hours (504,000
 * requests each) the mean's standard error is well under 1%: 3% is a safe
 * tolerance. A completion left at a stale time as requests come and go
 * would show here. */
Test(ec2, share_only_slots_below_saturation_are_an_mmc_queue)
{
  g_autofree char *ta = ec2_td("a", 1024, NULL);
  g_autofree char *tb = ec2_td("b", 1024, NULL);
  const char *work = ", \"service_time\": {\"dist\": \"exponential\", "
                     "\"mean\": \"40ms\"}";
  g_autofree char *sa = svc("a", 70, work);
  g_autofree char *sb = svc("b", 70, work);
  g_autofree char *tds = g_strdup_printf("%s, %s", ta, tb);
  g_autofree char *svcs = g_strdup_printf("%s, %s", sa, sb);
  g_autofree char *json = one_instance("2h", "m5.large", "", tds, svcs);
  TestRun *r = run(json);
  double want = 1000 * mmc_response_s(4, 70, 0.040);
  for (int i = 0; i < 2; i++) {
    g_autofree char *key = g_strdup_printf("services.%s.latency.mean_ms",
                                           i == 0 ? "a" : "b");
    double mean = test_summary_number(r, key);
    cr_assert(fabs(mean / want - 1) < 0.03,
              "service %d: mean %.2f ms, not Erlang C's %.2f ms", i, mean,
              want);
  }
  test_run_free(r);
}

/* Memory: a Fargate task of 512 MiB (its hard limit) that holds 256 MiB
 * idle and 10 MiB per request inside it passes the limit at 26 requests
 * ((512 − 256) / 10 = 25.6). Offered 100 requests/s of 40 ms on its one
 * slot (25/s at most), its queue reaches 26 within a second of each
 * start: it is OOM-killed as ECS reports it (stopCode
 * EssentialContainerExited, the container's OutOfMemoryError, exit code
 * 137), its requests reset, and the service replaces it, again and
 * again. */
Test(ec2, a_task_over_its_hard_memory_limit_is_oom_killed_and_replaced)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *scn = g_build_filename(dir, "oom.json", NULL);
  g_autofree char *out = g_build_filename(dir, "out", NULL);
  const char *json =
    "{\"seed\": 3, \"duration\": \"10m\", \"taskDefinitions\": [{\"family\": "
    "\"web\", \"networkMode\": \"awsvpc\", \"requiresCompatibilities\": "
    "[\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"512\", "
    "\"containerDefinitions\": [{\"name\": \"app\", \"image\": \"x\"}]}], "
    "\"services\": [{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": 1, \"launchType\": \"FARGATE\", \"workload\": "
    "{\"traffic\": {\"generator\": \"constant\", \"rps\": 100}, "
    "\"service_time\": \"40ms\", \"memory_base_mib\": 256, "
    "\"memory_per_request_mib\": 10}}]}";
  cr_assert(g_file_set_contents(scn, json, -1, NULL));
  cr_assert_eq(cli_run(NULL, NULL, NULL, "run", scn, "-q", "-o", out, NULL),
               0);
  g_autofree char *base = g_build_filename(out, "base", NULL);
  g_autofree char *summary = test_read_file(base, "summary.json");
  cJSON *s = cJSON_Parse(summary);
  cJSON *tasks = cJSON_GetObjectItem(s, "tasks");
  int oom = cJSON_GetObjectItem(cJSON_GetObjectItem(tasks,
                                                    "stopped_by_reason"),
                                "out-of-memory")->valueint;
  int started = cJSON_GetObjectItem(tasks, "started")->valueint;
  cJSON_Delete(s);
  cr_assert_geq(oom, 3, "%d OOM kills in 10 minutes", oom);
  cr_assert_geq(started, oom + 1, "each killed task was replaced");
  g_autofree char *csv = test_read_file(base, "tasks.csv");
  cr_assert(strstr(csv, ",out-of-memory,EssentialContainerExited\n") != NULL,
            "%s", csv);
  g_autofree char *events = test_read_file(base, "events.jsonl");
  cr_assert(strstr(events, "stopped: Essential container in task exited. "
                   "(container app) OutOfMemoryError: Container killed due "
                   "to memory usage; exit code 137.") != NULL, "%s", events);
  test_rmrf(dir);
}

/* A container with only a memoryReservation (soft limit) may grow into
 * its instance's free memory: the task has no hard limit and is never
 * OOM-killed; with a container `memory` it has one. */
Test(ec2, only_hard_memory_limits_kill)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *soft = ec2_td("a", 256, NULL);
  ScenarioConfig *cfg = NULL;
  g_autofree char *json = g_strdup_printf(
    "{\"duration\": \"1m\", \"taskDefinitions\": [%s, {\"family\": \"b\", "
    "\"containerDefinitions\": [{\"name\": \"c\", \"image\": \"x\", "
    "\"memoryReservation\": 256}]}], \"services\": [{\"serviceName\": "
    "\"s\", \"taskDefinition\": \"a\", \"launchType\": \"EC2\"}]}",
    soft);
  cfg = test_configure(json, NULL, &error);
  cr_assert_not_null(cfg, "%s", error ? error->message : "");
  const EcsTaskDef *hard = NULL, *none = NULL;
  for (guint i = 0; i < cfg->taskdefs->len; i++) {
    const EcsTaskDef *d = cfg->taskdefs->pdata[i];
    if (strcmp(d->family, "a") == 0)
      hard = d;
    else
      none = d;
  }
  cr_assert_eq(taskdef_hard_memory_mib(hard), 512);
  cr_assert_eq(taskdef_hard_memory_mib(none), 0);
  scenario_config_free(cfg);
}

/* Burstable instances. A t3.medium (2 vCPU, baseline 20% per vCPU: 0.4
 * vCPU, 24 credits an hour) with one share-only task of 2 slots (cpu 512):
 * idle for an hour, it earns 24 credits (T3 has no launch credits); then
 * 400 requests/s of 10 ms of vCPU work keep both slots busy at 2 vCPU,
 * 200 requests/s. Spending 2 credits a minute and earning 0.4, the 24
 * credits last 15 minutes: until 1 h 15 min. */
static TestRun *
burst_run(const char *mode)
{
  g_autofree char *asg = g_strdup_printf(
    ", \"creditSpecification\": {\"cpuCredits\": \"%s\"}", mode);
  g_autofree char *td = ec2_td("web", 512, NULL);
  g_autofree char *s = g_strdup(
    "{\"serviceName\": \"web\", \"taskDefinition\": \"web\", "
    "\"desiredCount\": 1, \"capacityProviderStrategy\": "
    "[{\"capacityProvider\": \"g\", \"weight\": 1}], \"workload\": "
    "{\"traffic\": {\"generator\": \"step\", \"from_rps\": 0, \"to_rps\": "
    "400, \"at\": \"1h\"}, \"service_time\": \"40ms\", "
    "\"slot_max_vcpu\": 1}}");
  g_autofree char *json = one_instance("2h", "t3.medium", asg, td, s);
  return run(json);
}

/* Requests completed in the metrics period that ends at @end_s. */
static guint64
completed_in(TestRun *r, double end_s)
{
  for (guint i = 0; i < metrics_n_rows(r->w); i++) {
    const PeriodRow *row = metrics_row(r->w, i);
    if (fabs(sim_time_to_seconds(row->end) - end_s) < 1e-6)
      return row->outcomes[REQ_OK];
  }
  cr_assert_fail("no period ends at %.0f s", end_s);
  return 0;
}

/* Standard mode: once the credits are spent the instance is held at its
 * baseline, 0.4 vCPU: 40 requests/s, 2,400 a minute instead of 12,000.
 * It then earns what it spends and stays there. */
Test(ec2, burstable_standard_mode_drops_to_the_baseline_when_credits_run_out)
{
  TestRun *r = burst_run("standard");
  guint64 before = completed_in(r, 4440); /* 1:13 to 1:14 */
  guint64 after = completed_in(r, 4560);  /* 1:15 to 1:16 */
  guint64 late = completed_in(r, 7200);   /* the last minute */
  cr_assert(before > 11800 && before < 12200, "%" G_GUINT64_FORMAT, before);
  cr_assert(after > 2300 && after < 2500, "%" G_GUINT64_FORMAT, after);
  cr_assert(late > 2300 && late < 2500, "%" G_GUINT64_FORMAT, late);
  cr_assert(cpu_share_capped(r->w, 0));
  cr_assert_float_eq(cpu_share_credits(r->w, 0, r->w->horizon), 0.0, 1e-9);
  test_run_free(r);
}

/* Unlimited mode: no cap (12,000 a minute to the end); from 1:15 to 2:00
 * the instance spends 1.6 credits a minute more than it earns: 72 surplus
 * credits, 1.2 vCPU-hours at $0.05: $0.06 on top of the same instance
 * hours as in standard mode. */
Test(ec2, burstable_unlimited_mode_bills_surplus_credits)
{
  TestRun *u = burst_run("unlimited");
  TestRun *s = burst_run("standard");
  guint64 late = completed_in(u, 7200);
  cr_assert(late > 11800 && late < 12200, "%" G_GUINT64_FORMAT, late);
  double credits = cpu_share_credits(u->w, 0, u->w->horizon);
  /* Within 0.01 credits: the load begins with the first arrivals after
   * 1 h, a few milliseconds late (1.6 credits a minute is 0.027 a
   * second). */
  cr_assert_float_eq(credits, -72.0, 1e-2, "credits %.9f", credits);
  double extra = test_summary_number(u, "cost.total_usd") -
                 test_summary_number(s, "cost.total_usd");
  cr_assert_float_eq(extra, 0.06, 1e-5, "surplus charge $%.6f", extra);
  test_run_free(u);
  test_run_free(s);
}

/* The credit mode is the launch template's shape, checked like ECS
 * input. */
Test(ec2, a_wrong_credit_mode_is_refused_with_its_path)
{
  g_autofree char *td = ec2_td("web", 512, NULL);
  g_autofree char *s = svc("web", 1, "");
  g_autofree char *json = one_instance(
    "1h", "t3.medium", ", \"creditSpecification\": {\"cpuCredits\": "
    "\"burst\"}", td, s);
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_assert(strstr(msg, "/cluster/auto_scaling_groups/0/"
                   "creditSpecification/cpuCredits") != NULL, "%s", msg);
}

/* slot_max_vcpu is a workload field like the others: a bad value names
 * its path and range. */
Test(ec2, a_bad_slot_max_vcpu_is_refused_with_its_path)
{
  g_autofree char *td = ec2_td("web", 512, NULL);
  g_autofree char *s = svc("web", 1, ", \"slot_max_vcpu\": 0");
  g_autofree char *json = one_instance("1h", "m5.large", "", td, s);
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_assert(strstr(msg, "/services/0/workload/slot_max_vcpu") != NULL, "%s",
            msg);
}

/* Hard-capped tasks take their CPU first. On one m5.large, a task with a
 * task-level cpu of 1024 (4 slots of 0.25 vCPU, all busy: 1 vCPU, 100
 * requests/s of 40 ms) and a share-only task (cpu 256, one slot that may
 * use 2 vCPU) whose requests are 10 ms of vCPU work: the share-only task
 * gets the 1 vCPU left, 100 requests/s (200 if the quota were ignored),
 * and the capped task keeps its 100. 60,000 each in 10 minutes, within
 * 1%. */
Test(ec2, hard_capped_tasks_take_their_cpu_before_share_only_ones)
{
  g_autofree char *a = ec2_td("capped", 1024, "1024");
  g_autofree char *b = ec2_td("shared", 256, NULL);
  g_autofree char *tds = g_strdup_printf("%s, %s", a, b);
  g_autofree char *sa = svc("capped", 400, ", \"service_time\": \"40ms\"");
  g_autofree char *sb = svc("shared", 400, ", \"service_time\": \"40ms\", "
                            "\"slot_max_vcpu\": 2");
  g_autofree char *svcs = g_strdup_printf("%s, %s", sa, sb);
  g_autofree char *json = one_instance("10m", "m5.large", "", tds, svcs);
  TestRun *r = run(json);
  double ca = test_summary_number(r, "services.capped.requests.completed");
  double cb = test_summary_number(r, "services.shared.requests.completed");
  cr_assert(fabs(ca - 60000) < 600, "capped completed %.0f", ca);
  cr_assert(fabs(cb - 60000) < 600, "shared completed %.0f", cb);
  test_run_free(r);
}

/* A workload that holds more memory idle than its task may use would
 * have every task OOM-killed by its first request: refused, naming the
 * field, the task definition and its limit. */
Test(ec2, memory_base_above_the_hard_limit_is_refused)
{
  g_autofree char *td = ec2_td("web", 256, NULL);
  g_autofree char *s = svc("web", 1, ", \"memory_base_mib\": 600");
  g_autofree char *json = one_instance("1h", "m5.large", "", td, s);
  g_autofree char *msg = test_configure_error(json);
  cr_assert_not_null(msg);
  cr_assert(strstr(msg, "/services/0/workload/memory_base_mib: 600 MiB is "
                   "above the hard memory limit of task definition web:1 "
                   "(512 MiB): every task would be OOM-killed by its first "
                   "request") != NULL, "%s", msg);
}
