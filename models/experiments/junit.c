/* JUnit XML reports: collected in memory, written whole. */
#include "models/experiments/junit.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sim/outfile.h"

typedef struct {
  char *classname;
  char *name;
  JunitOutcome outcome;
  char *message;
  char *text;
} JunitCase;

typedef struct {
  char *name;
  GPtrArray *cases; /* JunitCase* */
} JunitSuite;

struct _JunitReport {
  char *name;
  GPtrArray *suites; /* JunitSuite* */
};

static void
case_free(JunitCase *c)
{
  g_free(c->classname);
  g_free(c->name);
  g_free(c->message);
  g_free(c->text);
  g_free(c);
}

static void
suite_free(JunitSuite *s)
{
  g_free(s->name);
  g_ptr_array_unref(s->cases);
  g_free(s);
}

JunitReport *
junit_report_new(const char *name)
{
  g_return_val_if_fail(name != NULL, NULL);
  JunitReport *r = g_new0(JunitReport, 1);
  r->name = g_strdup(name);
  r->suites = g_ptr_array_new_with_free_func((GDestroyNotify) suite_free);
  return r;
}

void
junit_report_free(JunitReport *r)
{
  if (r == NULL)
    return;
  g_free(r->name);
  g_ptr_array_unref(r->suites);
  g_free(r);
}

void
junit_report_begin_suite(JunitReport *r, const char *name)
{
  g_return_if_fail(r != NULL && name != NULL);
  JunitSuite *s = g_new0(JunitSuite, 1);
  s->name = g_strdup(name);
  s->cases = g_ptr_array_new_with_free_func((GDestroyNotify) case_free);
  g_ptr_array_add(r->suites, s);
}

void
junit_report_add_case(JunitReport *r, const char *classname,
                      const char *name, JunitOutcome outcome,
                      const char *message, const char *text)
{
  g_return_if_fail(r != NULL && classname != NULL && name != NULL);
  if (r->suites->len == 0)
    junit_report_begin_suite(r, r->name);
  JunitSuite *s = r->suites->pdata[r->suites->len - 1];
  JunitCase *c = g_new0(JunitCase, 1);
  c->classname = g_strdup(classname);
  c->name = g_strdup(name);
  c->outcome = outcome;
  c->message = g_strdup(message);
  c->text = g_strdup(text);
  g_ptr_array_add(s->cases, c);
}

static guint
suite_count(const JunitSuite *s, int outcome)
{
  guint n = 0;
  for (guint i = 0; i < s->cases->len; i++)
    n += outcome < 0 ||
         ((JunitCase *) s->cases->pdata[i])->outcome == (JunitOutcome) outcome;
  return n;
}

guint
junit_report_n_cases(const JunitReport *r)
{
  guint n = 0;
  for (guint i = 0; i < r->suites->len; i++)
    n += suite_count(r->suites->pdata[i], -1);
  return n;
}

guint
junit_report_count(const JunitReport *r, JunitOutcome outcome)
{
  guint n = 0;
  for (guint i = 0; i < r->suites->len; i++)
    n += suite_count(r->suites->pdata[i], (int) outcome);
  return n;
}

/* Escapes @text into @out. In attributes, line breaks and tabs become
 * character references too, so that they survive attribute
 * normalisation. Characters XML 1.0 cannot hold become U+FFFD. */
static void
escape_into(GString *out, const char *text, gboolean attribute)
{
  g_autofree char *valid = g_utf8_make_valid(text, -1);
  for (const char *p = valid; *p; p = g_utf8_next_char(p)) {
    gunichar c = g_utf8_get_char(p);
    switch (c) {
    case '&': g_string_append(out, "&amp;"); continue;
    case '<': g_string_append(out, "&lt;"); continue;
    case '>': g_string_append(out, "&gt;"); continue;
    case '"': g_string_append(out, "&quot;"); continue;
    case '\'': g_string_append(out, "&apos;"); continue;
    case '\r': g_string_append(out, "&#13;"); continue;
    case '\n':
    case '\t':
      if (attribute)
        g_string_append_printf(out, "&#%u;", c);
      else
        g_string_append_c(out, (char) c);
      continue;
    default:
      break;
    }
    if (c < 0x20 || c == 0xFFFE || c == 0xFFFF)
      g_string_append_unichar(out, 0xFFFD);
    else
      g_string_append_len(out, p, g_utf8_next_char(p) - p);
  }
}

char *
junit_escape(const char *text)
{
  g_return_val_if_fail(text != NULL, NULL);
  GString *s = g_string_new(NULL);
  escape_into(s, text, TRUE);
  return g_string_free(s, FALSE);
}

static void
append_attr(GString *out, const char *key, const char *value)
{
  g_string_append_printf(out, " %s=\"", key);
  escape_into(out, value, TRUE);
  g_string_append_c(out, '"');
}

static void
append_counts(GString *out, guint tests, guint failures, guint errors,
              guint skipped)
{
  g_string_append_printf(out, " tests=\"%u\" failures=\"%u\" errors=\"%u\" "
                         "skipped=\"%u\">\n", tests, failures, errors,
                         skipped);
}

static void
append_case(GString *out, const JunitCase *c)
{
  static const char *const tags[] = { NULL, "failure", "error", "skipped" };
  g_string_append(out, "    <testcase");
  append_attr(out, "classname", c->classname);
  append_attr(out, "name", c->name);
  const char *tag = tags[c->outcome];
  if (tag == NULL && c->text == NULL) {
    g_string_append(out, "/>\n");
    return;
  }
  g_string_append(out, ">\n      ");
  if (tag == NULL) {
    g_string_append(out, "<system-out>");
    escape_into(out, c->text, FALSE);
    g_string_append(out, "</system-out>\n    </testcase>\n");
    return;
  }
  g_string_append_printf(out, "<%s", tag);
  if (c->message)
    append_attr(out, "message", c->message);
  if (c->outcome != JUNIT_SKIPPED)
    append_attr(out, "type", c->outcome == JUNIT_FAILED ? "failure"
                                                        : "error");
  if (c->text) {
    g_string_append_c(out, '>');
    escape_into(out, c->text, FALSE);
    g_string_append_printf(out, "</%s>\n    </testcase>\n", tag);
  } else {
    g_string_append(out, "/>\n    </testcase>\n");
  }
}

char *
junit_report_to_string(const JunitReport *r)
{
  g_return_val_if_fail(r != NULL, NULL);
  GString *out = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<testsuites");
  append_attr(out, "name", r->name);
  append_counts(out, junit_report_n_cases(r),
                junit_report_count(r, JUNIT_FAILED),
                junit_report_count(r, JUNIT_ERROR),
                junit_report_count(r, JUNIT_SKIPPED));
  for (guint i = 0; i < r->suites->len; i++) {
    const JunitSuite *s = r->suites->pdata[i];
    g_string_append(out, "  <testsuite");
    append_attr(out, "name", s->name);
    append_counts(out, suite_count(s, -1), suite_count(s, JUNIT_FAILED),
                  suite_count(s, JUNIT_ERROR), suite_count(s, JUNIT_SKIPPED));
    for (guint j = 0; j < s->cases->len; j++)
      append_case(out, s->cases->pdata[j]);
    g_string_append(out, "  </testsuite>\n");
  }
  g_string_append(out, "</testsuites>\n");
  return g_string_free(out, FALSE);
}

gboolean
junit_report_write(const JunitReport *r, const char *path, GError **error)
{
  g_return_val_if_fail(r != NULL && path != NULL, FALSE);
  g_autofree char *dir = g_path_get_dirname(path);
  if (g_mkdir_with_parents(dir, 0755) != 0) {
    int err = errno;
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(err),
                "%s: cannot create folder: %s", dir, g_strerror(err));
    return FALSE;
  }
  SimOutFile *f = sim_outfile_new(path, error);
  if (f == NULL)
    return FALSE;
  g_autofree char *xml = junit_report_to_string(r);
  fputs(xml, sim_outfile_stream(f));
  return sim_outfile_commit(f, error);
}
