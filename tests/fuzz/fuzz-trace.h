/* The part the trace targets share (fuzz-trace.c). */
#pragma once

#include "fuzz.h"
#include "models/experiments/trace-tools.h"

/* Writes the input to @name and reads it as a trace of @format, as a
 * scenario's traffic does (strict, then lenient; then the first arrivals
 * it yields) and as `ecsim trace` does (its summary). */
void fuzz_trace(const uint8_t *data, size_t size, const char *name,
                TraceFormat format);
