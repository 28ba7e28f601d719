/* Input-error helpers and did-you-mean suggestions. */
#include "models/input/input.h"

#include <stdio.h>
#include <string.h>

G_DEFINE_QUARK(ecsim-input-error-quark, ecsim_input_error)

const char *
input_display_name(const char *path)
{
  return strcmp(path, INPUT_STDIN_PATH) == 0 ? INPUT_STDIN_NAME : path;
}

static gboolean
read_stdin(char **text, gsize *len, GError **error)
{
  GString *s = g_string_new(NULL);
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len(s, buf, (gssize) n);
  if (ferror(stdin)) {
    g_string_free(s, TRUE);
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
                "%s: cannot read", INPUT_STDIN_NAME);
    return FALSE;
  }
  if (len != NULL)
    *len = s->len;
  *text = g_string_free(s, FALSE);
  return TRUE;
}

gboolean
input_read_file(const char *path, char **text, gsize *len, GError **error)
{
  if (strcmp(path, INPUT_STDIN_PATH) == 0)
    return read_stdin(text, len, error);
  g_autoptr(GError) io = NULL;
  if (g_file_get_contents(path, text, len, &io))
    return TRUE;
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
              "%s: cannot read: %s", path,
              io->code == G_FILE_ERROR_NOENT ? "no such file" : io->message);
  return FALSE;
}

char *
input_escape(const char *text)
{
  g_autofree char *valid = g_utf8_make_valid(text, -1);
  GString *out = g_string_sized_new(strlen(valid));
  for (const char *p = valid; *p; p++) {
    unsigned char c = (unsigned char) *p;
    if (c == '\n')
      g_string_append(out, "\\n");
    else if (c == '\t')
      g_string_append(out, "\\t");
    else if (c == '\r')
      g_string_append(out, "\\r");
    else if (c < 0x20 || c == 0x7f)
      g_string_append_printf(out, "\\u%04x", c);
    else if (c == 0xc2 && (unsigned char) p[1] >= 0x80 &&
             (unsigned char) p[1] <= 0x9f) /* C1 controls: 8-bit CSI */
      g_string_append_printf(out, "\\u%04x", (unsigned char) *++p);
    else
      g_string_append_c(out, (char) c);
  }
  return g_string_free(out, FALSE);
}

void
input_error(GError **error, const char *where, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_autofree char *line = g_strdup_printf("%s: %s", where, msg);
  g_autofree char *safe = input_escape(line);
  g_set_error_literal(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                      safe);
}

/* Levenshtein distance, case-insensitive, two rows. */
gsize
input_edit_distance(const char *a, const char *b)
{
  gsize la = strlen(a), lb = strlen(b);
  g_autofree gsize *prev = g_new(gsize, lb + 1);
  g_autofree gsize *cur = g_new(gsize, lb + 1);
  for (gsize j = 0; j <= lb; j++)
    prev[j] = j;
  for (gsize i = 1; i <= la; i++) {
    cur[0] = i;
    for (gsize j = 1; j <= lb; j++) {
      gsize cost = g_ascii_tolower(a[i - 1]) != g_ascii_tolower(b[j - 1]);
      gsize best = prev[j - 1] + cost;
      best = MIN(best, prev[j] + 1);
      best = MIN(best, cur[j - 1] + 1);
      cur[j] = best;
    }
    memcpy(prev, cur, (lb + 1) * sizeof(gsize));
  }
  return prev[lb];
}

/* TRUE when @text is a plain decimal number, perhaps signed. */
static gboolean
is_bare_number(const char *text)
{
  const char *p = text;
  gboolean digits = FALSE;
  if (*p == '-' || *p == '+')
    p++;
  for (; g_ascii_isdigit(*p) || *p == '.'; p++)
    digits |= g_ascii_isdigit(*p);
  return digits && *p == '\0';
}

gboolean
input_parse_duration(const char *text, SimTime *out, GError **error)
{
  g_autofree char *t = g_strstrip(g_strdup(text));
  if (is_bare_number(t)) {
    g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                "\"%s\" needs a unit: write \"%sms\" or \"%ss\" (units: us, "
                "ms, s, m, h, d)", t, t, t);
    return FALSE;
  }
  g_autoptr(GError) parse = NULL;
  if (!sim_time_parse(t, out, &parse)) {
    g_set_error_literal(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID,
                        parse->message);
    return FALSE;
  }
  return TRUE;
}

const char *
input_suggest(const char *word, const char *const *candidates)
{
  const char *best = NULL;
  gsize best_d = G_MAXSIZE;
  for (const char *const *c = candidates; *c != NULL; c++) {
    gsize d = input_edit_distance(word, *c);
    if (d < best_d) {
      best_d = d;
      best = *c;
    }
  }
  /* A third of the word's length, at least one edit and at most three. */
  gsize allowed = CLAMP(strlen(word) / 3, 1, 3);
  return best_d <= allowed ? best : NULL;
}
