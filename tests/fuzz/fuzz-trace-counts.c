/* Fuzz target: a counts trace (requests per interval, whitespace
 * separated), and format detection, which sees counts first. */
#include "fuzz-trace.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_trace(data, size, "trace.txt", TRACE_FORMAT_COUNTS);
  fuzz_trace(data, size, "trace.txt", TRACE_FORMAT_AUTO);
  return 0;
}
