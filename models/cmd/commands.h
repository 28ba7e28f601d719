/* The `ecsim` subcommands. Each takes the arguments after the command
 * name (argv[0] is "ecsim COMMAND") and returns the exit status:
 * 0 success, 1 failure, 2 bad input or usage, 3 expectations not met. */
#pragma once

#include <glib.h>

#define EXIT_INPUT 2
#define EXIT_EXPECTATION 3

int cmd_run(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* Parses @argc/@argv with @entries, with @parameter and @summary shown by
 * --help. On a usage error prints it with a hint and returns FALSE. */
gboolean cmd_parse_options(int *argc, char ***argv, const char *parameter,
                           const char *summary, const char *description,
                           const GOptionEntry *entries);

/* Prints "ecsim: MESSAGE" on stderr. */
void cmd_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* The exit status for @error: 2 for input errors, 1 otherwise. */
int cmd_status_for(const GError *error);
