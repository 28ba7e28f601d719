/* Fuzz target: a request log, read as each of the log formats
 * (timestamps, Common Log Format, ALB) and as format detection sees it. */
#include "fuzz-trace.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const TraceFormat formats[] = {
    TRACE_FORMAT_AUTO, TRACE_FORMAT_TIMESTAMPS, TRACE_FORMAT_CLF,
    TRACE_FORMAT_ALB,
  };
  for (gsize i = 0; i < G_N_ELEMENTS(formats); i++)
    fuzz_trace(data, size, "access.log", formats[i]);
  return 0;
}
