/* Running the built `ecsim` binary from tests. */
#pragma once

#include <glib.h>

/* Runs `ecsim ARGS...` (NULL-terminated) in @cwd (NULL: the source root);
 * returns the exit status, and the outputs in @out/@err when not NULL
 * (owned). *@out and *@err must be NULL or an earlier call's outputs,
 * which are freed: tests reuse one buffer for several runs. */
int cli_run(const char *cwd, char **out, char **err, ...)
  G_GNUC_NULL_TERMINATED;

/* The same with the arguments in @args (NULL-terminated). */
int cli_runv(const char *cwd, char **out, char **err,
             const char *const *args);

/* The built binary (ECSIM_BIN). */
const char *cli_binary(void);

/* Starts `ecsim ARGS...` (@args NULL-terminated) from the source root,
 * its standard output discarded, waits until each of @files
 * (NULL-terminated) exists (at most five minutes), then @delay_us more,
 * and sends it SIGINT, as Ctrl-C would. Returns its exit status (as
 * cli_runv()) and its standard error in *@err (owned). */
int cli_interrupt_after(const char *const *args, const char *const *files,
                        gulong delay_us, char **err);
