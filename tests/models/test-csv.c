/* CSV cells as RFC 4180 asks: what any CSV reader reads back. */
#include <criterion/criterion.h>
#include <stdio.h>

#include "models/input/csv.h"

/* @text as csv_write_cell() writes it, checked against csv_append_cell(). */
static char *
written(const char *text)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  csv_write_cell(f, text);
  fclose(f);
  g_autoptr(GString) s = g_string_new("");
  csv_append_cell(s, text);
  cr_assert_str_eq(buf, s->str);
  return buf;
}

Test(csv, plain_cells_are_written_as_they_are)
{
  g_autofree char *a = written("us-east-1a");
  cr_assert_str_eq(a, "us-east-1a");
  g_autofree char *b = written("");
  cr_assert_str_eq(b, "");
}

Test(csv, commas_quotes_and_line_breaks_are_quoted)
{
  g_autofree char *a = written("[1,2]");
  cr_assert_str_eq(a, "\"[1,2]\"");
  g_autofree char *b = written("say \"hi\"");
  cr_assert_str_eq(b, "\"say \"\"hi\"\"\"");
  g_autofree char *c = written("two\nlines");
  cr_assert_str_eq(c, "\"two\nlines\"");
}
