/* Reading JSON text with precise syntax errors, and JSON Pointers.
 *
 * cJSON keeps no source positions, so only syntax errors can name a line
 * and column; errors of meaning name the file and a JSON Pointer (RFC 6901)
 * instead, which is what the functions here work with. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>

/* Parses @len bytes of @text named @name ("web.json" or "<data>").
 * Returns a new tree, or NULL with "@name:LINE:COL: syntax error near
 * '...'" in @error (ECSIM_INPUT_ERROR_SYNTAX). Duplicate keys are left
 * for the checkers to report. */
cJSON *json_parse_text(const char *name, const char *text, gsize len,
                       GError **error);

/* Reads and parses the file at @path ("-": the standard input, named
 * "<stdin>" in messages); I/O errors name @path. */
cJSON *json_load_file(const char *path, GError **error);

/* Parses a command-line value: JSON when it is valid JSON, otherwise the
 * text itself as a JSON string ("2h" and "FARGATE" need no quotes).
 * Never fails. */
cJSON *json_parse_loose(const char *text);

/* Node at JSON Pointer @pointer ("/services/0/desiredCount"; the leading
 * '/' may be left out; "" is the root), or NULL. Lent from @root. */
cJSON *json_pointer_get(cJSON *root, const char *pointer);

/* Sets the node at @pointer to @value (taken). The parent must exist. An
 * object member is replaced or added; an array element is replaced, or
 * appended when the index equals the length or is "-". Returns FALSE and
 * sets @error naming @where and the pointer when the place does not
 * exist (then @value is freed). */
gboolean json_pointer_set(cJSON *root, const char *pointer, cJSON *value,
                          const char *where, GError **error);

/* Appends @token to @pointer, escaping '~' and '/' as RFC 6901 asks. */
void json_pointer_append(GString *pointer, const char *token);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(cJSON, cJSON_Delete)

/* @value as compact JSON text, which g_free() releases. */
char *json_compact_text(const cJSON *value);

/* A short one-line rendering of @value for messages: at most 40
 * characters, elided with "..." after 37; never cut inside a UTF-8
 * character, and bytes that are not UTF-8 become U+FFFD. Returns a new
 * string. */
char *json_describe(const cJSON *value);
