/* JSON loading with positions, JSON Pointers, checked readers. */
#include <criterion/criterion.h>
#include <string.h>

#include "models/input/input.h"
#include "models/input/jnode.h"
#include "models/input/jsonfile.h"

static char *
syntax_error(const char *text)
{
  GError *error = NULL;
  cJSON *v = json_parse_text("web.json", text, strlen(text), &error);
  cr_assert_null(v, "'%s' parsed", text);
  cr_assert_eq(error->code, ECSIM_INPUT_ERROR_SYNTAX);
  char *msg = g_strdup(error->message);
  g_error_free(error);
  return msg;
}

Test(jsonfile, syntax_error_names_line_and_column)
{
  g_autofree char *msg = syntax_error("{\n  \"a\": 1,\n  \"b\": }\n");
  cr_assert_str_eq(msg, "web.json:3:8: syntax error near '}'");
}

Test(jsonfile, trailing_garbage_is_an_error)
{
  g_autofree char *msg = syntax_error("{\"a\": 1} x");
  cr_assert_str_eq(msg, "web.json:1:10: syntax error near 'x'");
}

Test(jsonfile, unexpected_end)
{
  g_autofree char *msg = syntax_error("{\"a\": [1, 2");
  cr_assert(g_str_has_prefix(msg, "web.json:1:"), "%s", msg);
  cr_assert(strstr(msg, "unexpected end of input") != NULL, "%s", msg);
}

Test(jsonfile, pointer_get_and_set)
{
  cJSON *root = cJSON_Parse("{\"services\": [{\"desiredCount\": 2}], "
                            "\"a/b\": {\"~x\": 1}}");
  cr_assert_eq(json_pointer_get(root, "/services/0/desiredCount")->valueint,
               2);
  cr_assert_eq(json_pointer_get(root, "services/0/desiredCount")->valueint,
               2, "the leading slash is optional");
  cr_assert_eq(json_pointer_get(root, "/a~1b/~0x")->valueint, 1);
  cr_assert_null(json_pointer_get(root, "/services/1"));
  GError *error = NULL;
  cr_assert(json_pointer_set(root, "/services/0/desiredCount",
                             cJSON_CreateNumber(7), "x", &error));
  cr_assert_eq(json_pointer_get(root, "/services/0/desiredCount")->valueint,
               7);
  cr_assert(json_pointer_set(root, "/services/-", cJSON_CreateObject(), "x",
                             &error));
  cr_assert_eq(cJSON_GetArraySize(json_pointer_get(root, "/services")), 2);
  cr_assert_not(json_pointer_set(root, "/nope/x", cJSON_CreateNumber(1),
                                 "--set /nope/x", &error));
  cr_assert_str_eq(error->message, "--set /nope/x: /nope/x: no such place "
                   "(its parent does not exist)");
  g_error_free(error);
  cJSON_Delete(root);
}

Test(jsonfile, loose_values)
{
  cJSON *v = json_parse_loose("2h");
  cr_assert(cJSON_IsString(v));
  cr_assert_str_eq(v->valuestring, "2h");
  cJSON_Delete(v);
  v = json_parse_loose("[1, 2]");
  cr_assert(cJSON_IsArray(v));
  cJSON_Delete(v);
}

static const char *
check_keys(const char *text, const char *const *allowed)
{
  static char buf[256];
  cJSON *json = cJSON_Parse(text);
  JDoc *doc = jdoc_new("k.json", ".");
  JNode root;
  jn_root(&root, doc, json);
  GError *error = NULL;
  gboolean ok = jn_check_object(&root, allowed, NULL, &error);
  g_strlcpy(buf, ok ? "ok" : error->message, sizeof buf);
  g_clear_error(&error);
  jdoc_free(doc);
  cJSON_Delete(json);
  return buf;
}

Test(jsonfile, unknown_key_suggests_the_closest)
{
  static const char *const keys[] = { "desiredCount", "serviceName", NULL };
  cr_assert_str_eq(check_keys("{\"desiredCont\": 1}", keys),
                   "k.json: /desiredCont: unknown key; did you mean "
                   "'desiredCount'?");
  cr_assert_str_eq(check_keys("{\"zzz\": 1}", keys),
                   "k.json: /zzz: unknown key");
  cr_assert_str_eq(check_keys("{\"serviceName\": 1, \"serviceName\": 2}",
                              keys),
                   "k.json: /serviceName: key appears twice");
}

Test(jsonfile, suggestions_need_to_be_close)
{
  static const char *const words[] = { "binpack", "spread", "random", NULL };
  cr_assert_str_eq(input_suggest("binpak", words), "binpack");
  cr_assert_str_eq(input_suggest("SPREAD", words), "spread");
  cr_assert_null(input_suggest("roundrobin", words));
}

Test(jsonfile, syntax_error_escapes_control_characters)
{
  g_autofree char *msg = syntax_error("{\"a\": x\x1b[31m}");
  cr_assert_str_eq(msg, "web.json:1:7: syntax error near 'x\\u001b[31m}'");
}

/* 40 characters of 3 bytes each: a cut at a byte count split the 13th. */
Test(jsonfile, describe_cuts_whole_utf8_characters)
{
  GString *s = g_string_new(NULL);
  for (int i = 0; i < 40; i++)
    g_string_append(s, "\xe2\x82\xac"); /* the euro sign */
  cJSON *v = cJSON_CreateString(s->str);
  g_autofree char *got = json_describe(v);
  cr_assert(g_utf8_validate(got, -1, NULL), "invalid UTF-8: %s", got);
  cr_assert(g_str_has_suffix(got, "..."), "%s", got);
  cr_assert_eq(g_utf8_strlen(got, -1), 40, "%s", got);
  cJSON_Delete(v);
  g_string_free(s, TRUE);
}

Test(jsonfile, type_error_message_is_valid_utf8)
{
  /* '"', 'x', then 2-byte characters: a cut after 37 bytes splits one. */
  GString *text = g_string_new("{\"n\": \"x");
  for (int i = 0; i < 40; i++)
    g_string_append(text, "\xc3\xa9"); /* é */
  g_string_append(text, "\"}");
  cJSON *root = json_parse_text("t.json", text->str, text->len, NULL);
  g_autoptr(JDoc) doc = jdoc_new("t.json", NULL);
  JNode n;
  jn_root(&n, doc, root);
  int64_t value;
  GError *error = NULL;
  cr_assert_not(jn_int(&n, "n", 0, 10, &value, &error));
  cr_assert(g_utf8_validate(error->message, -1, NULL), "%s", error->message);
  cr_assert(g_str_has_prefix(error->message, "t.json: /n: must be "),
            "%s", error->message);
  g_error_free(error);
  cJSON_Delete(root);
  g_string_free(text, TRUE);
}

/* Found by fuzzing (tests/fuzz/regressions/taskdef): the position of an
 * error after a trailing comma was searched past the text's length (here
 * into the blank lines and 'X' that follow it in memory). */
Test(jsonfile, trailing_comma_at_the_end_stays_inside_the_text)
{
  static const char memory[] = "{\"a\": 1,\n,\n  \n\n\n\nX";
  gsize len = strlen("{\"a\": 1,\n,\n  ");
  GError *error = NULL;
  cJSON *v = json_parse_text("web.json", memory, len, &error);
  cr_assert_null(v);
  cr_assert_str_eq(error->message, "web.json:3:3: syntax error: unexpected end of input");
  g_error_free(error);
}
