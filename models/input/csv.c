/* RFC 4180 cells; see csv.h. */
#include "models/input/csv.h"

#include <string.h>

/* @text as a CSV cell: itself, or quoted into @quoted (which it then
 * returns). */
static const char *
cell_text(const char *text, GString *quoted)
{
  if (strpbrk(text, ",\"\r\n") == NULL)
    return text;
  g_string_append_c(quoted, '"');
  for (const char *c = text; *c; c++) {
    if (*c == '"')
      g_string_append_c(quoted, '"');
    g_string_append_c(quoted, *c);
  }
  g_string_append_c(quoted, '"');
  return quoted->str;
}

void
csv_write_cell(FILE *f, const char *text)
{
  g_autoptr(GString) quoted = g_string_new(NULL);
  fputs(cell_text(text, quoted), f);
}

void
csv_append_cell(GString *out, const char *text)
{
  g_autoptr(GString) quoted = g_string_new(NULL);
  g_string_append(out, cell_text(text, quoted));
}
