/* What the fuzz targets share: libFuzzer's entry point, a private
 * temporary folder for targets whose reader wants a path, and a sink for
 * what they print.
 *
 * Each target (fuzz-*.c) defines LLVMFuzzerTestOneInput(). Built with
 * -Dfuzz=true (clang) it links with libFuzzer; in every build it also
 * links with replay.c, which feeds it the files of its corpus and of its
 * regressions as a normal test. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Writes @size bytes of @data to @name in this process's temporary
 * folder (made on first use, removed with what it holds at exit) and
 * returns the file's path, valid until the next call. Never fails: an
 * I/O error aborts, as it is the machine's fault, not the input's. */
const char *fuzz_write_file(const char *name, const uint8_t *data,
                            size_t size);

/* @data as a NUL-terminated string (owned): bytes after a NUL are lost,
 * as they would be to a reader of C strings. */
char *fuzz_strndup(const uint8_t *data, size_t size);

/* An open "/dev/null" for output the targets do not look at. */
FILE *fuzz_devnull(void);

/* Once per process: GLib criticals and warnings (a broken precondition)
 * abort, so that the fuzzer reports them. */
void fuzz_init(void);
