/* Errors about the user's input: files, JSON and command-line values.
 *
 * Every message names where the problem is, like a compiler:
 *   web.json:14:9: syntax error near '}'
 *   web.json: /services/0/desiredCount: must be >= 0, got -3
 *   traces/peak.csv:2031: timestamp goes backwards (901.2 < 903.0)
 * The `ecsim` command prints the message alone and exits with status 2. */
#pragma once

#include <glib.h>

#define ECSIM_INPUT_ERROR (ecsim_input_error_quark())
GQuark ecsim_input_error_quark(void);

typedef enum {
  ECSIM_INPUT_ERROR_IO,      /* a file could not be read */
  ECSIM_INPUT_ERROR_SYNTAX,  /* not JSON (or not the expected text format) */
  ECSIM_INPUT_ERROR_INVALID, /* well-formed, but its meaning is wrong */
} EcsimInputErrorCode;

/* Reads the whole of @path into *@text (NUL-terminated, owned by the
 * caller) and, when @len is not NULL, its length into *@len. FALSE, with
 * @error set to "@path: cannot read: no such file" (or the system's
 * reason) and code IO, when it cannot. */
gboolean input_read_file(const char *path, char **text, gsize *len,
                         GError **error);

/* Sets @error to "@where: <formatted message>" with code INVALID. */
void input_error(GError **error, const char *where, const char *fmt, ...)
  G_GNUC_PRINTF(3, 4);

/* The closest of @candidates (NULL-terminated) to @word by edit distance,
 * ignoring case, when close enough to be a likely typo; else NULL. */
const char *input_suggest(const char *word, const char *const *candidates);

/* The number of single-character edits (case ignored) from @a to @b. */
gsize input_edit_distance(const char *a, const char *b);
