/* Writing CSV cells as RFC 4180 asks, so that any CSV reader (and ecsim
 * plot) reads back what was written: a cell holding a comma, a double
 * quote or a line break is quoted, its quotes doubled; any other is
 * written as it is. Every text cell of ecsim's CSV outputs goes through
 * here. */
#pragma once

#include <glib.h>
#include <stdio.h>

void csv_write_cell(FILE *f, const char *text);
void csv_append_cell(GString *out, const char *text);
