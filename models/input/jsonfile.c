/* JSON text loading and JSON Pointer get/set. */
#include "models/input/jsonfile.h"

#include <string.h>

#include "models/input/input.h"

static void
position_of(const char *text, const char *at, int *line, int *col)
{
  *line = 1;
  *col = 1;
  for (const char *p = text; p < at; p++) {
    if (*p == '\n') {
      (*line)++;
      *col = 1;
    } else if (((unsigned char) *p & 0xC0) != 0x80) {
      (*col)++; /* count characters, not UTF-8 continuation bytes */
    }
  }
}

/* TRUE when the text leaves brackets open and nothing from @from on closes
 * one: the input ended too early, whatever cJSON pointed at. */
static gboolean
open_at_end(const char *text, const char *from, const char *stop)
{
  int depth = 0;
  gboolean in_string = FALSE;
  for (const char *p = text; p < stop; p++) {
    if (in_string) {
      if (*p == '\\' && p + 1 < stop)
        p++;
      else if (*p == '"')
        in_string = FALSE;
    } else if (*p == '"') {
      in_string = TRUE;
    } else if (*p == '{' || *p == '[') {
      depth++;
    } else if (*p == '}' || *p == ']') {
      depth--;
      if (p >= from)
        return FALSE;
    }
  }
  return depth > 0 || in_string;
}

/* cJSON reports a trailing comma inside nested brackets ("[{"a": 1,}]")
 * at the outer bracket; point at the bracket right after the comma. */
static const char *
after_trailing_comma(const char *text, const char *end, const char *stop)
{
  const char *p = end;
  while (p > text && strchr(" \t\r\n}]", p[-1]) != NULL)
    p--;
  if (p == end || p == text || p[-1] != ',')
    return end;
  /* @text need not end with a NUL: stop at its length. */
  while (p < stop && g_ascii_isspace(*p))
    p++;
  return p;
}

cJSON *
json_parse_text(const char *name, const char *text, gsize len,
                GError **error)
{
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, FALSE);
  const char *rest = end;
  if (root != NULL) {
    while (rest < text + len && g_ascii_isspace(*rest))
      rest++;
    if (rest >= text + len || *rest == '\0')
      return root;
    cJSON_Delete(root);
    end = rest; /* trailing garbage after a complete value */
  }
  if (end == NULL || end < text || end > text + len || open_at_end(text, end,
                                                                    text + len))
    end = text + len;
  end = after_trailing_comma(text, end, text + len);
  int line, col;
  position_of(text, end, &line, &col);
  if (end >= text + len || *end == '\0') {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                "%s:%d:%d: syntax error: unexpected end of input", name, line,
                col);
  } else {
    gsize n = 0;
    while (n < 12 && end + n < text + len && end[n] != '\n' && end[n] != '\0')
      n++;
    while (n > 1 && end + n < text + len && ((guchar) end[n] & 0xC0) == 0x80)
      n--; /* end on a character boundary */
    g_autofree char *near = g_strndup(end, n);
    g_autofree char *msg = g_strdup_printf("%s:%d:%d: syntax error near '%s'",
                                           name, line, col, near);
    g_autofree char *safe = input_escape(msg);
    g_set_error_literal(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_SYNTAX,
                        safe);
  }
  return NULL;
}

cJSON *
json_load_file(const char *path, GError **error)
{
  g_autofree char *text = NULL;
  gsize len = 0;
  if (!input_read_file(path, &text, &len, error))
    return NULL;
  return json_parse_text(input_display_name(path), text, len, error);
}

cJSON *
json_parse_loose(const char *text)
{
  cJSON *v = cJSON_ParseWithOpts(text, NULL, TRUE);
  return v != NULL ? v : cJSON_CreateString(text);
}

/* Splits @pointer into unescaped tokens (a new strv). */
static char **
pointer_tokens(const char *pointer)
{
  if (*pointer == '/')
    pointer++;
  if (*pointer == '\0')
    return g_new0(char *, 1);
  char **tokens = g_strsplit(pointer, "/", -1);
  for (char **t = tokens; *t; t++) {
    GString *s = g_string_new(NULL);
    for (const char *c = *t; *c; c++) {
      if (c[0] == '~' && c[1] == '1') {
        g_string_append_c(s, '/');
        c++;
      } else if (c[0] == '~' && c[1] == '0') {
        g_string_append_c(s, '~');
        c++;
      } else {
        g_string_append_c(s, *c);
      }
    }
    g_free(*t);
    *t = g_string_free(s, FALSE);
  }
  return tokens;
}

/* Parses an array index token: digits only, no leading zeros. */
static gboolean
parse_index(const char *token, int *index)
{
  if (*token == '\0' || (token[0] == '0' && token[1] != '\0'))
    return FALSE;
  gint64 v = 0;
  for (const char *c = token; *c; c++) {
    if (!g_ascii_isdigit(*c) || v > G_MAXINT / 10)
      return FALSE;
    v = v * 10 + (*c - '0');
  }
  *index = (int) v;
  return TRUE;
}

static cJSON *
step(cJSON *node, const char *token)
{
  int index;
  if (cJSON_IsObject(node))
    return cJSON_GetObjectItemCaseSensitive(node, token);
  if (cJSON_IsArray(node) && parse_index(token, &index))
    return cJSON_GetArrayItem(node, index);
  return NULL;
}

cJSON *
json_pointer_get(cJSON *root, const char *pointer)
{
  g_auto(GStrv) tokens = pointer_tokens(pointer);
  cJSON *node = root;
  for (char **t = tokens; *t && node; t++)
    node = step(node, *t);
  return node;
}

gboolean
json_pointer_set(cJSON *root, const char *pointer, cJSON *value,
                 const char *where, GError **error)
{
  g_auto(GStrv) tokens = pointer_tokens(pointer);
  guint n = g_strv_length(tokens);
  cJSON *parent = root;
  for (guint i = 0; i + 1 < n && parent; i++)
    parent = step(parent, tokens[i]);
  const char *last = n > 0 ? tokens[n - 1] : NULL;
  int index;

  if (last == NULL) {
    input_error(error, where, "cannot replace the whole document");
  } else if (parent == NULL) {
    input_error(error, where, "%s: no such place (its parent does not exist)",
                pointer);
  } else if (cJSON_IsObject(parent)) {
    if (cJSON_GetObjectItemCaseSensitive(parent, last))
      cJSON_ReplaceItemInObjectCaseSensitive(parent, last, value);
    else
      cJSON_AddItemToObject(parent, last, value);
    return TRUE;
  } else if (cJSON_IsArray(parent)) {
    int size = cJSON_GetArraySize(parent);
    if (strcmp(last, "-") == 0 || (parse_index(last, &index) &&
                                   index == size)) {
      cJSON_AddItemToArray(parent, value);
      return TRUE;
    }
    if (parse_index(last, &index) && index < size) {
      cJSON_ReplaceItemInArray(parent, index, value);
      return TRUE;
    }
    input_error(error, where, "%s: no element %s in an array of %d", pointer,
                last, size);
  } else {
    input_error(error, where, "%s: the parent is not an object or array",
                pointer);
  }
  cJSON_Delete(value);
  return FALSE;
}

void
json_pointer_append(GString *pointer, const char *token)
{
  g_string_append_c(pointer, '/');
  for (const char *c = token; *c; c++) {
    if (*c == '~')
      g_string_append(pointer, "~0");
    else if (*c == '/')
      g_string_append(pointer, "~1");
    else
      g_string_append_c(pointer, *c);
  }
}

char *
json_compact_text(const cJSON *value)
{
  char *text = cJSON_PrintUnformatted(value);
  char *copy = g_strdup(text);
  cJSON_free(text);
  return copy;
}

char *
json_describe(const cJSON *value)
{
  if (value == NULL)
    return g_strdup("nothing");
  char *text = cJSON_PrintUnformatted(value);
  if (text == NULL)
    return g_strdup("?");
  /* cJSON escapes control characters but passes any other byte through;
   * count and cut whole characters, so that a cut never splits one. */
  g_autofree char *valid = g_utf8_make_valid(text, -1);
  cJSON_free(text);
  if (g_utf8_strlen(valid, -1) <= 40)
    return g_steal_pointer(&valid);
  g_autofree char *head = g_utf8_substring(valid, 0, 37);
  return g_strconcat(head, "...", NULL);
}
