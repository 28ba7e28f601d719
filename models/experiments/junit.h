/* JUnit XML reports, so that CI systems (GitLab, Jenkins, GitHub
 * Actions) show a gate's checks as tests.
 *
 * A report is one <testsuites> of <testsuite>s of <testcase>s:
 *   <testsuites name="ecsim run" tests="2" failures="1" errors="0"
 *               skipped="0">
 *     <testsuite name="gate/base" tests="2" failures="1" errors="0"
 *                skipped="0">
 *       <testcase classname="gate.base" name="latency.p99_ms &lt;= 200">
 *         <system-out>latency.p99_ms 181.2 &lt;= 200</system-out>
 *       </testcase>
 *       <testcase classname="gate.base" name="cost.total_usd &lt;= 1">
 *         <failure message="cost.total_usd 1.3, expected &lt;= 1"
 *                  type="expectation">...</failure>
 *       </testcase>
 *     </testsuite>
 *   </testsuites>
 * Text is escaped for XML 1.0: markup characters become entities, other
 * control characters and invalid UTF-8 are replaced. There are no times:
 * the same checks give the same file. Used by `ecsim run`, `ecsim
 * compare` and `ecsim diff`. */
#pragma once

#include <glib.h>

typedef struct _JunitReport JunitReport;

typedef enum {
  JUNIT_PASSED,
  JUNIT_FAILED,   /* <failure>: a check did not hold */
  JUNIT_ERROR,    /* <error>: the check could not be made */
  JUNIT_SKIPPED,  /* <skipped> */
} JunitOutcome;

/* A new empty report named @name ("ecsim run"). Never fails. */
JunitReport *junit_report_new(const char *name);
void junit_report_free(JunitReport *r);

/* Starts a <testsuite> named @name; later cases go into it. Cases added
 * before any suite go into one named after the report. */
void junit_report_begin_suite(JunitReport *r, const char *name);

/* Adds a <testcase> to the current suite. @message (may be NULL) is the
 * one-line reason of a failure, error or skip; @text (may be NULL) is the
 * body: the failure's details, or <system-out> of a passed case. Strings
 * are copied. */
void junit_report_add_case(JunitReport *r, const char *classname,
                           const char *name, JunitOutcome outcome,
                           const char *message, const char *text);

/* Cases added so far, and those with @outcome. */
guint junit_report_n_cases(const JunitReport *r);
guint junit_report_count(const JunitReport *r, JunitOutcome outcome);

/* The XML document. Returns a new string. */
char *junit_report_to_string(const JunitReport *r);

/* Writes the XML to @path atomically (temporary file, then rename),
 * creating its folder. Returns FALSE and sets @error when it cannot. */
gboolean junit_report_write(const JunitReport *r, const char *path,
                            GError **error);

/* @text escaped for an XML attribute or element. Returns a new string. */
char *junit_escape(const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(JunitReport, junit_report_free)
