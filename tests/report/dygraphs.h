/* The report tests that make a page need Debian's libjs-dygraphs
 * (.ci/setup installs it); where it is missing they skip, saying so,
 * as the plot tests do without gnuplot. */
#pragma once

#include <criterion/criterion.h>
#include <glib.h>

/* Where `ecsim report` looks for the library (a new string). */
static inline char *
dygraphs_path(void)
{
  const char *dir = g_getenv("ECSIM_DYGRAPHS_DIR");
  return g_build_filename(dir ? dir : "/usr/share/javascript/dygraphs",
                          "dygraph.min.js", NULL);
}

static inline gboolean
dygraphs_installed(void)
{
  g_autofree char *path = dygraphs_path();
  return g_file_test(path, G_FILE_TEST_IS_REGULAR);
}

static inline void
require_dygraphs(void)
{
  g_autofree char *path = dygraphs_path();
  if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
    cr_skip_test("%s is missing (apt-get install libjs-dygraphs): no page "
                 "to test", path);
}
