/* Helpers shared by the model tests. */
#pragma once

#include <glib.h>

#include "models/config/scenario.h"

/* Path of the shared material (../shared), or NULL when absent: tests
 * that need it call cr_skip_test(). */
const char *test_shared_dir(void);

/* The project's source root. */
const char *test_source_root(void);

/* Loads scenario JSON @text (relative files from the source root's
 * tests/data) and configures variant @variant; on failure returns NULL and
 * the message in @error. */
ScenarioConfig *test_configure(const char *text, const char *variant,
                               GError **error);

/* Like test_configure(), but expects failure and returns the message
 * (owned), or NULL (and prints the reason) when it succeeded. */
char *test_configure_error(const char *text);

/* The contents of @dir/@name, or of @name alone when @dir is NULL
 * (owned); fails the test when it cannot be read. */
char *test_read_file(const char *dir, const char *name);

/* The line of @text that starts with @start (after a line break), without
 * its line break (owned); fails the test when there is none. */
char *test_line_of(const char *text, const char *start);

/* Orders two doubles ascending: for qsort() and g_array_sort(). */
int test_cmp_double(const void *a, const void *b);

/* A new empty temporary directory (removed by test_rmrf()). */
char *test_tmpdir(void);
void test_rmrf(const char *path);

#include "models/core/world-private.h"
#include "models/world/world.h"

/* A configured scenario and its world, for tests that look inside. */
typedef struct {
  ScenarioConfig *cfg;
  World *w;
} TestRun;

/* Configures @json (as test_configure) and builds its world; aborts the
 * test with the message when the scenario is refused. */
TestRun *test_run_new(const char *json);
/* Runs it to the horizon. */
void test_run_finish(TestRun *run);
void test_run_free(TestRun *run);

/* The run's summary.json value at @path ("latency.p99_ms",
 * "services.web.latency.p99_ms": as `expect` reads it), NAN when absent. Computes the summary afresh (after test_run_finish()). */
double test_summary_number(TestRun *run, const char *path);
