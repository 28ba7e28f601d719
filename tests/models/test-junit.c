/* JUnit XML reports: structure, counts, escaping, well-formedness (read
 * back with GLib's XML parser) and atomic writing. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/experiments/junit.h"
#include "support.h"

/* What a GMarkup parse saw: element paths and attributes. */
typedef struct {
  GString *elements; /* "testsuites testsuite testcase failure ..." */
  GPtrArray *attrs;  /* "element.name=value", unescaped */
  GString *text;     /* all character data */
  GString *stack;    /* element names open */
} Parsed;

static void
on_start(GMarkupParseContext *ctx, const char *element, const char **names,
         const char **values, gpointer data, GError **error)
{
  Parsed *p = data;
  g_string_append_printf(p->elements, "%s%s", p->elements->len ? " " : "",
                         element);
  for (int i = 0; names[i]; i++)
    g_ptr_array_add(p->attrs, g_strdup_printf("%s.%s=%s", element, names[i],
                                              values[i]));
}

static void
on_text(GMarkupParseContext *ctx, const char *text, gsize len,
        gpointer data, GError **error)
{
  g_string_append_len(((Parsed *) data)->text, text, (gssize) len);
}

/* Parses @xml (must be well formed); the caller frees with parsed_free. */
static Parsed *
parse(const char *xml)
{
  static const GMarkupParser parser = { on_start, NULL, on_text, NULL,
                                        NULL };
  Parsed *p = g_new0(Parsed, 1);
  p->elements = g_string_new(NULL);
  p->attrs = g_ptr_array_new_with_free_func(g_free);
  p->text = g_string_new(NULL);
  GMarkupParseContext *ctx = g_markup_parse_context_new(&parser, 0, p,
                                                        NULL);
  GError *error = NULL;
  gboolean ok = g_markup_parse_context_parse(ctx, xml, -1, &error) &&
                g_markup_parse_context_end_parse(ctx, &error);
  cr_assert(ok, "not well formed: %s\n%s", error ? error->message : "",
            xml);
  g_markup_parse_context_free(ctx);
  return p;
}

static void
parsed_free(Parsed *p)
{
  g_string_free(p->elements, TRUE);
  g_ptr_array_unref(p->attrs);
  g_string_free(p->text, TRUE);
  g_free(p);
}

static gboolean
has_attr(const Parsed *p, const char *attr)
{
  for (guint i = 0; i < p->attrs->len; i++)
    if (strcmp(p->attrs->pdata[i], attr) == 0)
      return TRUE;
  return FALSE;
}

Test(junit, suites_cases_and_counts)
{
  g_autoptr(JunitReport) r = junit_report_new("ecsim run");
  junit_report_begin_suite(r, "gate/base");
  junit_report_add_case(r, "gate.base", "latency.p99_ms <= 200",
                        JUNIT_PASSED, NULL, "latency.p99_ms 181.2 <= 200");
  junit_report_add_case(r, "gate.base", "cost.total_usd <= 1", JUNIT_FAILED,
                        "cost.total_usd 1.3, expected <= 1", "details");
  junit_report_begin_suite(r, "gate/ec2");
  junit_report_add_case(r, "gate.ec2", "x", JUNIT_SKIPPED, "only in A",
                        NULL);
  junit_report_add_case(r, "gate.ec2", "y", JUNIT_ERROR, "no value", NULL);
  junit_report_add_case(r, "gate.ec2", "z", JUNIT_PASSED, NULL, NULL);
  cr_assert_eq(junit_report_n_cases(r), 5);
  cr_assert_eq(junit_report_count(r, JUNIT_FAILED), 1);
  g_autofree char *xml = junit_report_to_string(r);
  cr_assert(g_str_has_prefix(xml, "<?xml version=\"1.0\" "
                                  "encoding=\"UTF-8\"?>\n<testsuites "
                                  "name=\"ecsim run\" tests=\"5\" "
                                  "failures=\"1\" errors=\"1\" "
                                  "skipped=\"1\">\n"), "%s", xml);
  Parsed *p = parse(xml);
  cr_assert_str_eq(p->elements->str,
                   "testsuites testsuite testcase system-out testcase "
                   "failure testsuite testcase skipped testcase error "
                   "testcase");
  cr_assert(has_attr(p, "testsuite.name=gate/base"));
  cr_assert(has_attr(p, "testsuite.tests=2"));
  cr_assert(has_attr(p, "testsuite.failures=1"));
  cr_assert(has_attr(p, "testcase.classname=gate.ec2"));
  cr_assert(has_attr(p, "failure.message=cost.total_usd 1.3, expected <= "
                        "1"));
  cr_assert(has_attr(p, "failure.type=failure"));
  cr_assert(has_attr(p, "skipped.message=only in A"));
  cr_assert(has_attr(p, "error.type=error"));
  cr_assert(strstr(p->text->str, "latency.p99_ms 181.2 <= 200") != NULL);
  parsed_free(p);
}

Test(junit, cases_before_a_suite_go_into_one_named_after_the_report)
{
  g_autoptr(JunitReport) r = junit_report_new("ecsim diff");
  junit_report_add_case(r, "c", "n", JUNIT_PASSED, NULL, NULL);
  g_autofree char *xml = junit_report_to_string(r);
  Parsed *p = parse(xml);
  cr_assert_str_eq(p->elements->str, "testsuites testsuite testcase");
  cr_assert(has_attr(p, "testsuite.name=ecsim diff"));
  parsed_free(p);
}

Test(junit, an_empty_report_is_well_formed)
{
  g_autoptr(JunitReport) r = junit_report_new("ecsim run");
  g_autofree char *xml = junit_report_to_string(r);
  Parsed *p = parse(xml);
  cr_assert_str_eq(p->elements->str, "testsuites");
  cr_assert(has_attr(p, "testsuites.tests=0"));
  parsed_free(p);
}

Test(junit, markup_in_names_and_messages_round_trips)
{
  const char *nasty = "a & b < c > \"d\" 'e'\nsecond line\tafter tab";
  g_autoptr(JunitReport) r = junit_report_new("<run & \"co\">");
  junit_report_begin_suite(r, "s'1'");
  junit_report_add_case(r, "x<y", nasty, JUNIT_FAILED, nasty, nasty);
  g_autofree char *xml = junit_report_to_string(r);
  cr_assert_null(strstr(xml, "a & b"), "%s", xml);
  Parsed *p = parse(xml);
  g_autofree char *name = g_strdup_printf("testcase.name=%s", nasty);
  g_autofree char *message = g_strdup_printf("failure.message=%s", nasty);
  cr_assert(has_attr(p, name), "%s", xml);
  cr_assert(has_attr(p, message), "%s", xml);
  cr_assert(has_attr(p, "testsuites.name=<run & \"co\">"));
  cr_assert(has_attr(p, "testsuite.name=s'1'"));
  cr_assert(has_attr(p, "testcase.classname=x<y"));
  cr_assert(strstr(p->text->str, nasty) != NULL);
  parsed_free(p);
}

Test(junit, characters_xml_cannot_hold_are_replaced)
{
  g_autofree char *escaped = junit_escape("bell\a nul-less \x1b[31m and "
                                          "\xff\xfe bytes");
  cr_assert_str_eq(escaped, "bell\xef\xbf\xbd nul-less \xef\xbf\xbd[31m "
                            "and \xef\xbf\xbd\xef\xbf\xbd bytes");
  g_autoptr(JunitReport) r = junit_report_new("r");
  junit_report_add_case(r, "c", "ctrl\x01", JUNIT_FAILED, "\x02", "\x03\r");
  g_autofree char *xml = junit_report_to_string(r);
  parsed_free(parse(xml));
}

Test(junit, written_atomically_into_a_new_folder)
{
  g_autofree char *tmp = test_tmpdir();
  g_autofree char *path = g_build_filename(tmp, "reports", "gate.xml",
                                           NULL);
  g_autoptr(JunitReport) r = junit_report_new("ecsim run");
  junit_report_add_case(r, "c", "n", JUNIT_FAILED, "m", NULL);
  GError *error = NULL;
  cr_assert(junit_report_write(r, path, &error), "%s",
            error ? error->message : "");
  g_autofree char *text = NULL;
  cr_assert(g_file_get_contents(path, &text, NULL, NULL));
  g_autofree char *xml = junit_report_to_string(r);
  cr_assert_str_eq(text, xml);
  g_autofree char *dir = g_build_filename(tmp, "reports", NULL);
  GDir *d = g_dir_open(dir, 0, NULL);
  cr_assert_str_eq(g_dir_read_name(d), "gate.xml");
  cr_assert_null(g_dir_read_name(d), "a temporary file was left behind");
  g_dir_close(d);
  test_rmrf(tmp);
}

Test(junit, unwritable_path_is_an_error)
{
  g_autoptr(JunitReport) r = junit_report_new("ecsim run");
  GError *error = NULL;
  cr_assert_not(junit_report_write(r, "/proc/ecsim/x.xml", &error));
  cr_assert_not_null(error);
  g_error_free(error);
}
