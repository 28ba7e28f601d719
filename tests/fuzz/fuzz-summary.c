/* Fuzz target: a summary.json as `ecsim diff` reads a side, then that
 * side compared with itself and printed (every field), which walks all
 * that was read. */
#include "fuzz.h"

#include "models/experiments/rundiff.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  const char *path = fuzz_write_file("summary.json", data, size);
  g_autoptr(GError) error = NULL;
  RunDiffSide *side = rundiff_side_load(path, &error);
  g_assert((side == NULL) != (error == NULL));
  if (side == NULL)
    return 0;
  RunDiffOptions *options = rundiff_options_new();
  RunDiff *diff = rundiff_compare(side, side, options, &error);
  if (diff != NULL) {
    rundiff_print(diff, TRUE, fuzz_devnull());
    rundiff_free(diff);
  }
  rundiff_options_free(options);
  rundiff_side_free(side);
  return 0;
}
