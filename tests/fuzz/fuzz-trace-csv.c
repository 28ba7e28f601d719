/* Fuzz target: a CSV rate trace ("time,rate" rows). */
#include "fuzz-trace.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_trace(data, size, "trace.csv", TRACE_FORMAT_CSV);
  return 0;
}
