/* Warnings: a result that rests on a setup that cannot work, said out loud.
 *
 * A run collects warnings in the order it finds them: first those the
 * scenario itself shows (a service with no traffic, a trace scaled far
 * up), then those the run shows (tasks that could not be placed, a
 * service pinned at MaxCapacity), then those the summary's own figures
 * show (the SLO missed, errors over budget). Each is one line, printed on
 * stderr by the commands and kept in summary.json's `warnings` list as
 * {"code", "service", "message"}, so `expect`, `diff` and scripts can see
 * them; `--strict` turns any warning into exit status 3.
 *
 * Codes are stable identifiers (snake_case), documented in
 * scenarios/REFERENCE.md; messages are for people and may be reworded. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdio.h>

typedef struct _Warnings Warnings;

/* TRUE when @code is one of the codes ecsim emits (REFERENCE.md lists
 * them). */
gboolean warnings_code_known(const char *code);
/* Every code, NULL-terminated (static). */
const char *const *warnings_known_codes(void);
/* "no_traffic, no_target_group, ...": every code (owned). */
char *warnings_known_codes_text(void);

/* A new, empty list. Never fails. */
Warnings *warnings_new(void);
void warnings_free(Warnings *ws);

/* Appends a warning. @code is a static string; @service names the service
 * it is about, or is NULL (copied). A warning equal to one already
 * present (code, service and message) is dropped. */
void warnings_add(Warnings *ws, const char *code, const char *service,
                  const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Appends every warning of @from (lent) to @ws, with the same rules. */
void warnings_extend(Warnings *ws, const Warnings *from);

guint warnings_len(const Warnings *ws);
const char *warnings_code(const Warnings *ws, guint i);

/* The list as summary.json's `warnings` array (a new tree). A warning
 * whose code @ignored (may be NULL) holds gets "ignored": true. */
cJSON *warnings_to_json(const Warnings *ws, GPtrArray *ignored);

/* Prints each warning of summary.json's `warnings` array @array (lent; may
 * be NULL) that is not "ignored" on @out as "ecsim: warning: [LABEL]
 * MESSAGE" (no label when @label is NULL). Returns how many it printed. */
guint warnings_print_json(const cJSON *array, const char *label, FILE *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(Warnings, warnings_free)
