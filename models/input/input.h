/* Errors about the user's input: files, JSON and command-line values.
 *
 * Every message names where the problem is, like a compiler:
 *   web.json:14:9: syntax error near '}'
 *   web.json: /services/0/desiredCount: must be >= 0, got -3
 *   traces/peak.csv:2031: timestamp goes backwards (901.2 < 903.0)
 * The `ecsim` command prints the message alone and exits with status 2. */
#pragma once

#include <glib.h>

#include "sim/time.h"

#define ECSIM_INPUT_ERROR (ecsim_input_error_quark())
GQuark ecsim_input_error_quark(void);

typedef enum {
  ECSIM_INPUT_ERROR_IO,      /* a file could not be read */
  ECSIM_INPUT_ERROR_SYNTAX,  /* not JSON (or not the expected text format) */
  ECSIM_INPUT_ERROR_INVALID, /* well-formed, but its meaning is wrong */
} EcsimInputErrorCode;

/* The name of the standard input in messages, and the path that means
 * it on the command line. */
#define INPUT_STDIN_NAME "<stdin>"
#define INPUT_STDIN_PATH "-"

/* How @path is named in messages: "<stdin>" for "-", else @path. */
const char *input_display_name(const char *path);

/* Reads the whole of @path ("-": the standard input) into *@text
 * (NUL-terminated, owned by the caller) and, when @len is not NULL, its
 * length into *@len. FALSE, with @error set to "@path: cannot read: no
 * such file" (or the system's reason) and code IO, when it cannot. */
gboolean input_read_file(const char *path, char **text, gsize *len,
                         GError **error);

/* @text made safe to print on one line of a terminal: control characters
 * become JSON escapes ("\\n", "\\t", "\\u001b"), so that a newline cannot
 * split a message and an escape sequence cannot reach the terminal, and
 * bytes that are not UTF-8 become U+FFFD. Returns a new string. */
char *input_escape(const char *text);

/* Sets @error to "@where: <formatted message>" with code INVALID; the
 * message is passed through input_escape(), as the file's own text
 * (keys, names) often is part of it. */
void input_error(GError **error, const char *where, const char *fmt, ...)
  G_GNUC_PRINTF(3, 4);

/* The closest of @candidates (NULL-terminated) to @word by edit distance,
 * ignoring case, when close enough to be a likely typo; else NULL. */
const char *input_suggest(const char *word, const char *const *candidates);

/* The number of single-character edits (case ignored) from @a to @b. */
gsize input_edit_distance(const char *a, const char *b);

/* Parses a duration written as text in a scenario or one of its files:
 * one or more number+unit terms ("250ms", "1h30m"; see sim_time_parse()).
 * Unlike sim_time_parse(), a number without a unit is refused, since "80"
 * may mean 80 ms as well as 80 s: the message shows both readings. FALSE
 * and @error set (a message without a location) on anything else. */
gboolean input_parse_duration(const char *text, SimTime *out,
                              GError **error);
