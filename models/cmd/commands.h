/* The `ecsim` subcommands. Each takes the arguments after the command
 * name (argv[0] is "ecsim COMMAND") and returns the exit status:
 * 0 success, 1 failure, 2 bad input or usage, 3 expectations not met. */
#pragma once

#include <glib.h>
#include <signal.h>

#include "models/config/scenario.h"

#define EXIT_INPUT 2
#define EXIT_EXPECTATION 3

int cmd_run(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_compare(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_version(int argc, char **argv);

/* Writes the HTML report of the run folder @outdir to @path (NULL:
 * OUTDIR/report.html) and, unless @quiet, a line naming it; returns the
 * exit status (an error printed): 0, 1 or 2 (bad input, or the charting
 * library is not installed). Used by `ecsim report` and `ecsim run
 * --report`. */
int cmd_report_write(const char *outdir, const char *path, gboolean quiet);

/* Parses @argc/@argv with @entries, with @parameter, @summary and
 * @description shown by --help; option callbacks get @data (may be NULL).
 * On a usage error prints it with a hint and returns FALSE. */
gboolean cmd_parse_options(int *argc, char ***argv, const char *parameter,
                           const char *summary, const char *description,
                           const GOptionEntry *entries, gpointer data);

/* A --seed option. Put it first in a command's options struct, so the
 * shared callback cmd_option_seed() (given the struct as its group's
 * data) can fill it. */
typedef struct {
  gint64 value;
  gboolean set;
} CmdSeed;

/* GOptionArgFunc for --seed: a non-negative integer. Another seed option
 * calls it with its own CmdSeed as @data; messages name @name. */
gboolean cmd_option_seed(const char *name, const char *value, gpointer data,
                         GError **error);

/* Raised by SIGINT or SIGTERM while cmd_catch_interrupts(TRUE) is in
 * force; long-running commands poll it and stop cleanly. */
extern volatile sig_atomic_t cmd_interrupted;
void cmd_catch_interrupts(gboolean catch_them);

/* The index of the first string of @strv equal to @s, or -1. */
gssize cmd_strv_index(char *const *strv, const char *s);

/* Prints "ecsim: MESSAGE" on stderr. */
void cmd_error(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/* The exit status for @error: 2 for input errors, 1 otherwise. */
int cmd_status_for(const GError *error);

/* TRUE when @fidelity (a --fidelity value) is NULL, "requests" or
 * "aggregate"; else says so (cmd_error) and returns FALSE. */
gboolean cmd_fidelity_ok(const char *fidelity);

/* Writes to @junit_path a JUnit report of one <error>: @tool stopped
 * before checking the expectations. Written as a run starts, so that a
 * run that fails, is interrupted or meets bad input leaves that behind
 * rather than an older report; the expectations' report replaces it.
 * FALSE, with the reason printed, when the file cannot be written. */
gboolean cmd_junit_not_finished(const char *tool, const char *junit_path);

/* Checks each variant's expectations (@cfgs[i], ScenarioConfig*, on
 * @summaries[i], cJSON*), printing PASS/FAIL lines on stdout (failures
 * only when @failures_only) labelled by variant when @scn has variants,
 * then "N expectations not met"; writes them as a JUnit report named
 * @tool to @junit_path when not NULL. Returns the exit status: 0,
 * EXIT_EXPECTATION, or 1 when the report could not be written. */
int cmd_check_expectations(const char *tool, const Scenario *scn,
                           const GPtrArray *cfgs, const GPtrArray *summaries,
                           gboolean failures_only, const char *junit_path);
