/* Pitfalls: `ecsim calibrate` given the wrong or too little input. Each
 * mistake gets one message naming the file and line (logs) or JSON path,
 * exit status 2; a part without its inputs says which file enables it. */
#include <criterion/criterion.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "scenarios/cli.h"
#include "support.h"

#define LINE(t, created, target, tpt)                                        \
  "http " t " app/web-alb/0123 10.1.0.9:4000 " target " 0.000 " tpt         \
  " 0.000 200 200 100 200 \"GET http://web:80/ HTTP/1.1\" \"ecsim\" - - "   \
  "arn:tg \"Root=1-0\" \"-\" \"-\" 0 " created " \"forward\" \"-\" \"-\" "  \
  "\"" target "\" \"200\" \"-\" \"-\" -\n"

static const char good_log[] =
  LINE("2026-01-05T00:00:00.100000Z", "2026-01-05T00:00:00.020000Z",
       "10.0.0.1:80", "0.080")
  LINE("2026-01-05T00:00:01.100000Z", "2026-01-05T00:00:01.050000Z",
       "10.0.0.1:80", "0.050")
  LINE("2026-01-05T00:00:02.100000Z", "2026-01-05T00:00:02.000000Z",
       "10.0.0.2:80", "0.100");

static char *
write_in(const char *dir, const char *name, const char *text)
{
  char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, text, -1, NULL));
  return path;
}

Test(calibrate, a_truncated_alb_line_names_the_file_and_line)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *text = g_strconcat(good_log, "\nhttp 2026-01-05T00:00:03Z "
                                      "app/web-alb/0123 10.1.0.9:4000\n",
                                      NULL);
  g_autofree char *p = write_in(dir, "web-alb.log", text);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log",
                       "web-alb.log", "-o", "c.json", NULL), 2);
  cr_assert_str_eq(err, "web-alb.log:5: expected an ALB access-log line (at "
                   "least 22 fields, up to request_creation_time)\n");
  test_rmrf(dir);
}

Test(calibrate, a_bad_request_creation_time_names_the_field)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *p = write_in(dir, "a.log",
    LINE("2026-01-05T00:00:00.100000Z", "yesterday", "10.0.0.1:80", "0.080"));
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log", "a.log",
                       "-o", "c.json", NULL), 2);
  cr_assert_str_eq(err, "a.log:1: field 22 (request_creation_time): expected"
                   " an ISO 8601 time with a zone\n");
  test_rmrf(dir);
}

Test(calibrate, metrics_without_a_task_definition_say_what_cpu_needs)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *p = write_in(dir, "web-cloudwatch.json",
    "{\"MetricDataResults\": [{\"Id\": \"m1\", \"Label\": \"CPUUtilization\","
    " \"Timestamps\": [\"2026-01-05T00:01:00+00:00\", "
    "\"2026-01-05T00:00:00+00:00\"], \"Values\": [50, 40], \"StatusCode\": "
    "\"Complete\"}], \"Messages\": []}");
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(cli_run(dir, &out, &err, "calibrate", "--metrics",
                       "web-cloudwatch.json", "-o", "c.json", NULL), 2);
  cr_assert(strstr(out, "CPU per request: skipped (needs RequestCount "
                   "(--metrics FILE.json))\n"), "%s", out);
  cr_assert(strstr(out, "service time: skipped (give --alb-log FILE: an ALB "
                   "access log)\n"), "%s", out);
  cr_assert(strstr(err, "nothing to calibrate from"), "%s", err);
  g_autofree char *written = g_build_filename(dir, "c.json", NULL);
  cr_assert_not(g_file_test(written, G_FILE_TEST_EXISTS));
  test_rmrf(dir);
}

Test(calibrate, a_window_bound_that_is_neither_time_nor_duration)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *p = write_in(dir, "a.log", good_log);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log", "a.log",
                       "--until", "tomorrow", "-o", "c.json", NULL), 2);
  cr_assert_str_eq(err, "--until 'tomorrow': expected an ISO 8601 time with "
                   "a zone (2026-01-05T00:00:00Z) or a duration after the "
                   "first record (1d)\n");
  test_rmrf(dir);
}

Test(calibrate, a_task_definition_without_a_number_for_cpu)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *p = write_in(dir, "a.log", good_log);
  g_autofree char *t = write_in(dir, "td.json", "{\"taskDefinition\": "
                                "{\"cpu\": \"one vCPU\", \"memory\": \"2048\"}}");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log", "a.log",
                       "--taskdef", "td.json", "-o", "c.json", NULL), 2);
  cr_assert_str_eq(err, "td.json: /taskDefinition/cpu: expected a positive "
                   "number (as \"1024\")\n");
  test_rmrf(dir);
}

Test(calibrate, services_output_without_the_service)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *p = write_in(dir, "web-alb.log", good_log);
  g_autofree char *s = write_in(dir, "svc.json", "{\"services\": "
    "[{\"serviceName\": \"api\", \"events\": []}, {\"serviceName\": "
    "\"worker\", \"events\": []}]}");
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log",
                       "web-alb.log", "--services", "svc.json", "-o",
                       "c.json", NULL), 2);
  cr_assert_str_eq(err, "svc.json: /services: no service named 'web'\n");
  test_rmrf(dir);
}

Test(calibrate, the_same_inputs_give_the_same_bytes)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *p = write_in(dir, "web-alb.log", good_log);
  g_autofree char *out1 = NULL, *out2 = NULL;
  cr_assert_eq(cli_run(dir, &out1, NULL, "calibrate", "--alb-log",
                       "web-alb.log", "-o", "a.json", NULL), 0);
  cr_assert_eq(cli_run(dir, &out2, NULL, "calibrate", "--alb-log",
                       "web-alb.log", "-o", "b.json", NULL), 0);
  g_autofree char *a = test_read_file(dir, "a.json");
  g_autofree char *b = test_read_file(dir, "b.json");
  cr_assert_str_eq(a, b);
  cr_assert(strstr(a, "\"service\":\t\"web\""), "%s", a);
  cr_assert(strstr(out1, "FCFS with 1 slots per target (the smallest number"
                   " the log is consistent with"), "%s", out1);
  test_rmrf(dir);
}

/* @text gzipped, as AWS delivers ALB logs (*.log.gz); *@len its size. */
static char *
gzipped(const char *text, gsize *len)
{
  g_autoptr(GZlibCompressor) z =
    g_zlib_compressor_new(G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1);
  g_autoptr(GOutputStream) mem = g_memory_output_stream_new_resizable();
  g_autoptr(GOutputStream) out =
    g_converter_output_stream_new(mem, G_CONVERTER(z));
  cr_assert(g_output_stream_write_all(out, text, strlen(text), NULL, NULL,
                                      NULL));
  cr_assert(g_output_stream_close(out, NULL, NULL));
  *len = g_memory_output_stream_get_data_size(G_MEMORY_OUTPUT_STREAM(mem));
  return g_memory_output_stream_steal_data(G_MEMORY_OUTPUT_STREAM(mem));
}

static void
write_bytes(const char *dir, const char *name, const char *data, gsize len)
{
  g_autofree char *path = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(path, data, (gssize) len, NULL));
}

Test(calibrate, a_gzipped_alb_log_gives_the_same_calibration_as_the_plain_one)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *p = write_in(dir, "web-alb.log", good_log);
  gsize len;
  g_autofree char *gz = gzipped(good_log, &len);
  cr_assert_neq(memcmp(gz, good_log, 2), 0);
  g_autofree char *sub = g_build_filename(dir, "gz", NULL);
  g_mkdir(sub, 0755);
  write_bytes(dir, "gz/web-alb.log.gz", gz, len);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, NULL, "calibrate", "--alb-log",
                       "web-alb.log", "-o", "plain.json", NULL), 0);
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log",
                       "gz/web-alb.log.gz", "-o", "gz.json", NULL), 0, "%s",
               err);
  cr_assert_eq(cli_run(dir, NULL, NULL, "calibrate", "--dir", "gz", "-o",
                       "dir.json", NULL), 0);
  g_autofree char *plain = test_read_file(dir, "plain.json");
  g_autofree char *fromgz = test_read_file(dir, "gz.json");
  g_autofree char *fromdir = test_read_file(dir, "dir.json");
  cr_assert_str_eq(fromgz, plain);
  cr_assert_str_eq(fromdir, plain);
  test_rmrf(dir);
}

Test(calibrate, a_corrupt_gzipped_log_names_the_file_and_line)
{
  g_autofree char *dir = test_tmpdir();
  write_bytes(dir, "web-alb.log.gz", "\x1f\x8b not gzip after all\n", 23);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log",
                       "web-alb.log.gz", "-o", "c.json", NULL), 2);
  cr_assert_str_eq(err, "web-alb.log.gz:1: not valid gzip data from here "
                   "on\n");
  /* Cut short, as an interrupted download: the line it stopped in. */
  gsize len;
  g_autofree char *gz = gzipped(good_log, &len);
  write_bytes(dir, "web-alb.log.gz", gz, len - 12);
  g_free(err), err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log",
                       "web-alb.log.gz", "-o", "c.json", NULL), 2);
  cr_assert(g_str_has_prefix(err, "web-alb.log.gz:") &&
            strstr(err, ": the gzipped data ends early (a truncated "
                   "download?)\n"), "%s", err);
  test_rmrf(dir);
}

/* --dir next to what calibrate and import write: the earlier
 * calibration.json and a scenario (whose "services" are not
 * describe-services output) must change nothing. */
Test(calibrate, dir_leaves_its_own_output_and_scenarios_alone)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *sub = g_build_filename(dir, "aws", NULL);
  g_mkdir(sub, 0755);
  g_autofree char *p = write_in(dir, "aws/web-alb.log", good_log);
  g_autofree char *out1 = NULL, *out2 = NULL;
  cr_assert_eq(cli_run(dir, &out1, NULL, "calibrate", "--dir", "aws", "-o",
                       "aws/calibration.json", NULL), 0);
  g_autofree char *first = test_read_file(dir, "aws/calibration.json");
  g_autofree char *s = write_in(dir, "aws/scenario.json", "{\"name\": \"web\","
    " \"duration\": \"1h\", \"services\": [{\"serviceName\": \"web\", "
    "\"desiredCount\": 2}]}");
  cr_assert_eq(cli_run(dir, &out2, NULL, "calibrate", "--dir", "aws", "-o",
                       "aws/calibration.json", NULL), 0);
  g_autofree char *second = test_read_file(dir, "aws/calibration.json");
  cr_assert_str_eq(second, first);
  cr_assert(strstr(out2, "aws/calibration.json: ecsim calibrate's output; "
                   "not read\n"), "%s", out2);
  cr_assert(strstr(out2, "aws/scenario.json: not a file calibrate reads; "
                   "left alone\n"), "%s", out2);
  cr_assert(strstr(out2, "failure rates: skipped (give --services"), "%s",
            out2);
  test_rmrf(dir);
}

Test(calibrate, dir_reads_its_files_in_name_order)
{
  g_autofree char *dir = test_tmpdir();
  g_autofree char *sub = g_build_filename(dir, "aws", NULL);
  g_mkdir(sub, 0755);
  const char *names[] = { "aws/m-alb.log", "aws/b-alb.log", "aws/x-alb.log",
                          "aws/a-alb.log", "aws/q-alb.log" };
  for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
    g_free(write_in(dir, names[i], good_log));
  cr_assert_eq(cli_run(dir, NULL, NULL, "calibrate", "--dir", "aws", "-o",
                       "c.json", NULL), 0);
  g_autofree char *c = test_read_file(dir, "c.json");
  cr_assert(strstr(c, "\"service\":\t\"a\""), "the first file by name names "
            "the service: %s", c);
  test_rmrf(dir);
}

/* ALB escapes a double quote inside a quoted field (a user agent) as \":
 * it must not end the field, or every field after it shifts. */
Test(calibrate, an_escaped_quote_in_a_user_agent_is_part_of_the_field)
{
  g_autofree char *dir = test_tmpdir();
  g_autoptr(GString) log = g_string_new(good_log);
  g_string_replace(log, "\"ecsim\"", "\"curl \\\"7.88\\\" (x)\"", 0);
  g_autofree char *p = write_in(dir, "web-alb.log", good_log);
  g_autofree char *q = write_in(dir, "agent-alb.log", log->str);
  cr_assert_eq(cli_run(dir, NULL, NULL, "calibrate", "--alb-log",
                       "web-alb.log", "-o", "a.json", NULL), 0);
  g_autofree char *err = NULL;
  cr_assert_eq(cli_run(dir, NULL, &err, "calibrate", "--alb-log",
                       "agent-alb.log", "-o", "b.json", NULL), 0, "%s", err);
  g_autofree char *a = test_read_file(dir, "a.json");
  g_autofree char *b = test_read_file(dir, "b.json");
  g_autoptr(GString) b_renamed = g_string_new(b);
  g_string_replace(b_renamed, "agent", "web", 0);
  cr_assert_str_eq(a, b_renamed->str);
  test_rmrf(dir);
}
