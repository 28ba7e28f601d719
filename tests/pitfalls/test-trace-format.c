/* Pitfalls: see tests/pitfalls/meson.build. This file: `ecsim trace` on
 * files that are not what they seem, and on inputs a fuzzer found. */
#include <criterion/criterion.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "scenarios/cli.h"
#include "support.h"

static char *dir;

static void
setup(void)
{
  dir = test_tmpdir();
}

static void
teardown(void)
{
  test_rmrf(dir);
  g_free(dir);
}

TestSuite(trace_format, .init = setup, .fini = teardown);

/* Writes @len bytes of @data (NUL bytes allowed) to @name in the test's
 * directory; returns its path (owned). */
static char *
write_bytes(const char *name, const char *data, gssize len)
{
  char *p = g_build_filename(dir, name, NULL);
  cr_assert(g_file_set_contents(p, data, len, NULL));
  return p;
}

/* Runs `ecsim trace [fit] @path [@option]` and returns its exit status,
 * with its outputs in @out and @err (owned). */
static int
trace(const char *sub, const char *path, const char *option, char **out,
      char **err)
{
  if (sub == NULL)
    return cli_run(dir, out, err, "trace", path, option, NULL);
  return cli_run(dir, out, err, "trace", sub, path, option, NULL);
}

/* The error output is exactly one line, and contains @want. */
static void
assert_one_line(const char *err, const char *want)
{
  cr_assert_not_null(strstr(err, want), "'%s' not in: %s", want, err);
  const char *nl = strchr(err, '\n');
  cr_assert(nl != NULL && nl[1] == '\0', "not one line: %s", err);
}

Test(trace_format, output_to_a_full_disk_fails)
{
  g_autofree char *path = write_bytes("c.txt", "1 2 3 4 5 6 7 8\n", -1);
  for (int fit = 0; fit < 2; fit++) {
    /* the shell points standard output at /dev/full */
    const char *argv[] = { "/bin/sh", "-c",
      fit ? "exec \"$0\" trace fit \"$1\" >/dev/full"
          : "exec \"$0\" trace \"$1\" >/dev/full",
      cli_binary(), path, NULL };
    g_autofree char *err = NULL;
    int status = -1;
    cr_assert(g_spawn_sync(dir, (char **) argv, NULL, 0, NULL, NULL, NULL,
                           &err, &status, NULL));
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 1,
              "exit status %d: %s", status, err);
    /* fit says first (on stderr too) which format it read */
    cr_assert(g_str_has_suffix(err, "\necsim: cannot write the output: No "
                               "space left on device\n") ||
              g_str_has_prefix(err, "ecsim: cannot write the output: No "
                               "space left on device\n"), "%s", err);
  }
}

/* The first line of @out. */
static char *
first_line(const char *out)
{
  return g_strndup(out, strcspn(out, "\n"));
}

Test(trace_format, nul_bytes_are_not_a_text_file)
{
  /* fuzzing: a line starting with a NUL byte read before the buffer */
  g_autofree char *path = write_bytes("f", "\0\n\0\n", 4);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 2, "%s", err);
  assert_one_line(err, "/f:1: a NUL byte: not a text file");
  cr_assert_str_empty(out);
}

Test(trace_format, a_log_of_timestamps_is_not_read_as_counts)
{
  /* 300 requests over about a minute: read as counts it was 9000 */
  GString *s = g_string_new("");
  for (int i = 0; i < 300; i++)
    g_string_append_printf(s, "%.3f\n", i * 0.2 + 0.013);
  g_autofree char *path = write_bytes("requests.log", s->str, -1);
  g_string_free(s, TRUE);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 0, "%s", err);
  g_autofree char *first = first_line(out);
  cr_assert_str_eq(first, "format      timestamps (detected: one column of "
                   "numbers with fractions that never goes down)");
  cr_assert_not_null(strstr(out, "requests    300\n"), "%s", out);
}

Test(trace_format, epoch_timestamps_are_not_a_rate)
{
  g_autofree char *path = write_bytes("epoch.log", "1700000000\n1700000000\n"
                                      "1700000001\n1700000003\n", -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 0, "%s", err);
  g_autofree char *first = first_line(out);
  cr_assert_str_eq(first, "format      timestamps (detected: one column of "
                   "numbers of 1e8 or more that never goes down (epoch "
                   "seconds))");
  cr_assert_not_null(strstr(out, "requests    4\n"), "%s", out);
  cr_assert_not_null(strstr(out, "peak rate   2 rps"), "%s", out);
}

Test(trace_format, two_columns_time_rate_are_a_rate_trace)
{
  g_autofree char *path = write_bytes("rate.txt", "0 100\n60 200\n120 100\n",
                                      -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 0, "%s", err);
  g_autofree char *first = first_line(out);
  cr_assert_str_eq(first, "format      csv (detected: two numbers per line, "
                   "the first increasing (time rate))");
  cr_assert_not_null(strstr(out, "requests    24000 "), "%s", out);
  cr_assert_not_null(strstr(out, "csv rate trace, 3 rows"), "%s", out);
}

Test(trace_format, csv_with_a_header_is_a_rate_trace)
{
  g_autofree char *path = write_bytes("rate.csv", "time,rps\n0,10\n10,20\n",
                                      -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 0, "%s", err);
  g_autofree char *first = first_line(out);
  cr_assert_str_eq(first, "format      csv (detected: comma-separated "
                   "rows)");
  cr_assert_not_null(strstr(out, "requests    300 "), "%s", out);
}

Test(trace_format, an_ambiguous_file_is_refused_naming_the_choices)
{
  g_autofree char *path = write_bytes("n.txt", "1\n2\n3\n4\n5\n", -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 2, "%s", out);
  assert_one_line(err, "n.txt: ambiguous (one column of fewer than 100 "
                  "whole numbers that never goes down): it reads as counts "
                  "(numbers per interval) or as timestamps (one request per "
                  "line); give --format counts or --format timestamps");
  cr_assert_str_empty(out);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(trace(NULL, path, "--format=timestamps", &out, &err), 0);
  cr_assert_not_null(strstr(out, "format      timestamps (--format)\n"));
  cr_assert_not_null(strstr(out, "requests    5\n"), "%s", out);
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(trace(NULL, path, "--format=counts", &out, &err), 0);
  cr_assert_not_null(strstr(out, "format      counts (--format)\n"));
  cr_assert_not_null(strstr(out, "requests    15 "), "%s", out);
}

Test(trace_format, crlf_lines_are_detected)
{
  g_autofree char *path = write_bytes("crlf.log", "0.5\r\n1.25\r\n2\r\n",
                                      -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 0, "%s", err);
  cr_assert(g_str_has_prefix(out, "format      timestamps (detected"), "%s",
            out);
}

Test(trace_format, fit_says_on_stderr_how_it_read_the_file)
{
  g_autofree char *path = write_bytes("c.txt", "1 2 3 4 5 6 7 8\n", -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace("fit", path, NULL, &out, &err), 0, "%s", err);
  assert_one_line(err, "c.txt: read as counts (detected: three or more "
                  "numbers on a line)");
  cr_assert(g_str_has_prefix(out, "{\n  \"generator\": \"diurnal\""), "%s",
            out);
}

/* What each trace in ../shared/traces is. */
static const struct {
  const char *archive, *first_line;
} shared_traces[] = {
  { "nasa-1995-per-second.tbz2",
    "format      counts (detected: three or more numbers on a line)" },
  { "twitter-per-second.tbz2",
    "format      counts (detected: three or more numbers on a line)" },
};

Test(trace_format, every_shared_trace_is_detected_as_what_it_is,
     .timeout = 300)
{
  const char *shared = test_shared_dir();
  g_autofree char *traces = shared ? g_build_filename(shared, "traces", NULL)
                                   : NULL;
  GDir *d = traces ? g_dir_open(traces, 0, NULL) : NULL;
  if (d == NULL)
    cr_skip_test("no ../shared/traces");
  int seen = 0;
  for (const char *name; (name = g_dir_read_name(d)) != NULL; seen++) {
    gsize i = 0;
    while (i < G_N_ELEMENTS(shared_traces) &&
           strcmp(shared_traces[i].archive, name) != 0)
      i++;
    cr_assert_lt(i, G_N_ELEMENTS(shared_traces), "%s: new trace: say here "
                 "what it is", name);
    g_autofree char *archive = g_build_filename(traces, name, NULL);
    g_autofree char *sub = g_build_filename(dir, name, NULL);
    cr_assert_eq(g_mkdir(sub, 0700), 0);
    const char *argv[] = { "tar", "-xjf", archive, "-C", sub, NULL };
    gint status = 1;
    cr_assert(g_spawn_sync(NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH,
                           NULL, NULL, NULL, NULL, &status, NULL) &&
              status == 0, "tar -xjf %s failed", archive);
    GDir *files = g_dir_open(sub, 0, NULL);
    for (const char *f; (f = g_dir_read_name(files)) != NULL;) {
      g_autofree char *path = g_build_filename(sub, f, NULL);
      g_autofree char *out = NULL, *err = NULL;
      cr_assert_eq(trace(NULL, path, NULL, &out, &err), 0, "%s: %s", name,
                   err);
      g_autofree char *first = first_line(out);
      cr_assert_str_eq(first, shared_traces[i].first_line, "%s", name);
    }
    g_dir_close(files);
  }
  g_dir_close(d);
  cr_assert_gt(seen, 0);
}

Test(trace_format, a_log_spanning_23_years_is_refused_naming_the_limit,
     .timeout = 30)
{
  /* fuzzing: one bin per second over the span grew to 8.3 GB */
  g_autofree char *path = write_bytes("two.log", "0\n725000000\n", -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, "--format=timestamps", &out, &err), 2);
  assert_one_line(err, "two.log: spans 7.25e+08 s, 7.25e+08 bins of 1 s: "
                  "more than the 16777216 bins ecsim trace takes; give "
                  "--interval 44s or more");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  cr_assert_eq(cli_run(dir, &out, &err, "trace", "--format=timestamps",
                       "--interval=1m", path, NULL), 0, "%s", err);
  cr_assert_not_null(strstr(out, "requests    2\n"), "%s", out);
}

Test(trace_format, timestamps_too_far_apart_to_subtract_are_refused)
{
  /* fuzzing: 9e18 - -9e18 us overflowed (UBSan) */
  g_autofree char *path = write_bytes("far.log", "-9000000000000\n"
                                      "9000000000000\n", -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, "--format=timestamps", &out, &err), 2);
  assert_one_line(err, "far.log:1: expected a timestamp (seconds or "
                  "ISO-8601), got '-9000000000000'");
}

Test(trace_format, a_csv_spanning_300000_years_is_refused, .timeout = 30)
{
  /* fuzzing: 4 rows asked for 16 TB of bins and aborted */
  g_autofree char *path = write_bytes("big.csv", "0,10\n10,10\n20,10\n"
                                      "9999999999999,10\n", -1);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 2);
  assert_one_line(err, "big.csv: spans 2e+13 s, 2e+12 bins of 10 s: more "
                  "than the 16777216 bins ecsim trace takes; give "
                  "--interval 13d19h8m13s or more");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  g_autofree char *far = write_bytes("bigx.csv", "time,rate\n-1e308,1\n"
                                     "1e308,2\n", -1);
  cr_assert_eq(trace(NULL, far, NULL, &out, &err), 2);
  assert_one_line(err, "bigx.csv: times from -1e+308 to 1e+308 are too far "
                  "apart");
}

Test(trace_format, a_big_counts_file_is_summarised_in_constant_memory,
     .timeout = 120)
{
  /* 48 MB of per-second counts on 24 lines: it took 8-12 times the
   * file's size in memory (2.4 GB for 200 MB); now a few MB */
  g_autofree char *path = g_build_filename(dir, "big.txt", NULL);
  FILE *f = fopen(path, "w");
  cr_assert_not_null(f);
  guint64 total = 0;
  for (int line = 0; line < 24; line++) {
    for (int i = 0; i < 1000000; i++) {
      int c = (i * 7 + line) % 10;
      total += (guint64) c;
      fputc('0' + c, f);
      fputc(i + 1 < 1000000 ? ' ' : '\n', f);
    }
  }
  cr_assert_eq(fclose(f), 0);
  g_autofree char *out = NULL, *err = NULL;
  cr_assert_eq(trace(NULL, path, NULL, &out, &err), 0, "%s", err);
  g_autofree char *want = g_strdup_printf("requests    %" G_GUINT64_FORMAT
                                          " ", total);
  cr_assert_not_null(strstr(out, want), "%s", out);
  cr_assert_not_null(strstr(out, "p5 0 "), "%s", out);
  cr_assert_not_null(strstr(out, "p50 4.5 "), "%s", out);
  struct rusage ru;
  cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
  cr_assert_lt(ru.ru_maxrss, 48 * 1024, "peak RSS %ld kB for a 48 MB file",
               ru.ru_maxrss);
}
