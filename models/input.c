/* Input-error helpers and did-you-mean suggestions. */
#include "models/input.h"

#include <string.h>

G_DEFINE_QUARK(ecsim-input-error-quark, ecsim_input_error)

gboolean
input_read_file(const char *path, char **text, gsize *len, GError **error)
{
  g_autoptr(GError) io = NULL;
  if (g_file_get_contents(path, text, len, &io))
    return TRUE;
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_IO,
              "%s: cannot read: %s", path,
              io->code == G_FILE_ERROR_NOENT ? "no such file" : io->message);
  return FALSE;
}

void
input_error(GError **error, const char *where, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, ap);
  va_end(ap);
  g_set_error(error, ECSIM_INPUT_ERROR, ECSIM_INPUT_ERROR_INVALID, "%s: %s",
              where, msg);
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
