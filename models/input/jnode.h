/* Checked reading of JSON configuration, with errors that name the file
 * and the JSON Pointer of the offending value.
 *
 * A JNode is a position in a document: the cJSON node, the file it came
 * from and its pointer within that file. Section parsers walk JNodes and
 * read typed values through the jn_* functions, which check type and
 * range and report, e.g.
 *   web.json: /services/0/desiredCount: must be >= 0, got -3
 *   web.json: /services/0/desiredCont: unknown key; did you mean
 *   'desiredCount'?
 * Getters leave *out untouched when the key is absent, so callers set
 * the default first. JSON null counts as absent. */
#pragma once

#include <cjson/cJSON.h>
#include <glib.h>
#include <stdint.h>

#include "sim/time.h"

#define JN_PATH_MAX 384

/* Where a node came from, for nodes copied in from another file. */
typedef struct {
  const char *file; /* display name of the file */
  const char *dir;  /* directory that relative paths in it start from;
                       NULL: the enclosing node's */
  const char *path; /* pointer of the node within that file; NULL when
                       @file alone names the place ("--set /a/b") */
} JOrigin;

/* The document a node belongs to: its file and the origins of nodes
 * copied in from other files (see jdoc_set_origin()). */
typedef struct _JDoc JDoc;

typedef struct {
  const cJSON *json;  /* lent; NULL for an absent member */
  const JDoc *doc;
  const char *file;   /* display name for messages */
  const char *dir;    /* base for relative file names */
  char path[JN_PATH_MAX];
  gboolean named;     /* @file alone says where (messages omit the path) */
} JNode;

/* Returns a document for @file (its name in messages) whose relative
 * paths start from @dir. Both copied. */
JDoc *jdoc_new(const char *file, const char *dir);
void jdoc_free(JDoc *doc);
/* Records that @node (lent; must outlive @doc's use) came from @file at
 * @path: nodes below it report positions in that file. @dir may be NULL:
 * relative paths then start where the enclosing node's do. @path may be
 * NULL when @file alone names the place: messages about @node are then
 * "@file: reason", and about nodes below it "@file: /their/path: ...". */
void jdoc_set_origin(JDoc *doc, const cJSON *node, const char *file,
                     const char *dir, const char *path);
/* Forgets the origins of @node and everything below it: call before
 * @node is freed, so that a node later allocated at the same address
 * does not inherit them. */
void jdoc_forget(JDoc *doc, const cJSON *node);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(JDoc, jdoc_free)

/* The root of @doc at @json. */
void jn_root(JNode *n, const JDoc *doc, const cJSON *json);
/* Member @key of object @obj into @child. FALSE when absent or null (then
 * @child still names the would-be path). */
gboolean jn_member(const JNode *obj, const char *key, JNode *child);
/* Element @i of array @arr. */
void jn_index(const JNode *arr, int i, JNode *child);
/* Element @i of array @arr when @item (lent) is that element: what
 * jn_index() gives, for loops that walk the array's links (child, next)
 * instead of finding element i by walking i links each time. */
void jn_element(const JNode *arr, const cJSON *item, int i, JNode *child);
/* The array elements all jn_index() calls of the process stepped over
 * so far: element i costs i steps. Tests hold reading an n-element array
 * to O(n) with it. */
gsize jn_index_steps(void);
/* Number of elements of an array node (0 for an absent node). */
int jn_length(const JNode *arr);

/* Sets @error to "FILE: PATH: message". */
void jn_error(const JNode *n, GError **error, const char *fmt, ...)
  G_GNUC_PRINTF(3, 4);
/* "FILE: PATH" of @n, newly allocated. */
char *jn_where(const JNode *n);
/* Absolute path of @name relative to @n's file. Returns a new string. */
char *jn_resolve_path(const JNode *n, const char *name);

/* Checks that @obj is an object whose keys are all in @allowed (NULL-
 * terminated), none repeated, and that every key in @required (NULL-
 * terminated; may be NULL) is present. */
gboolean jn_check_object(const JNode *obj, const char *const *allowed,
                         const char *const *required, GError **error);
/* Checks that every number in @n and below it is finite: cJSON reads
 * 1e309 as infinity. The message names the first that is not. */
gboolean jn_check_finite(const JNode *n, GError **error);
/* Checks that @arr is an array of @min..@max elements. */
gboolean jn_check_array(const JNode *arr, int min, int max, GError **error);

gboolean jn_string(const JNode *obj, const char *key, const char **out,
                   GError **error);
/* Integer in [@min, @max]. */
gboolean jn_int(const JNode *obj, const char *key, int64_t min, int64_t max,
                int64_t *out, GError **error);
gboolean jn_double(const JNode *obj, const char *key, double min,
                   double max, double *out, GError **error);
gboolean jn_bool(const JNode *obj, const char *key, gboolean *out,
                 GError **error);
/* A duration: a number of seconds or a string with units ("90s", "15m").
 * A string without a unit ("80") is an error that shows both readings
 * ("80ms" or "80s"). In [@min, @max]. */
gboolean jn_duration(const JNode *obj, const char *key, SimTime min,
                     SimTime max, SimTime *out, GError **error);
/* Whole seconds (AWS "...Seconds" fields) in [@min, @max] seconds, as
 * SimTime. */
gboolean jn_seconds(const JNode *obj, const char *key, int64_t min,
                    int64_t max, SimTime *out, GError **error);
/* One of @names (NULL-terminated); *out is its index. */
gboolean jn_enum(const JNode *obj, const char *key,
                 const char *const *names, int *out, GError **error);

/* The value of a node itself (not a member): same checks as above. */
gboolean jn_value_duration(const JNode *n, SimTime min, SimTime max,
                           SimTime *out, GError **error);
gboolean jn_value_string(const JNode *n, const char **out, GError **error);
