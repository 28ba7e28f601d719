/* Fuzz target: a sweep file (`ecsim sweep FILE`): its members, grid
 * axes and their values, as far as reading the file goes (the scenario
 * it names is the scenario target's). */
#include "fuzz.h"

#include "models/experiments/sweep.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  const char *path = fuzz_write_file("sweep.json", data, size);
  sweep_file_detect(path);
  SweepFile file = { 0 };
  g_autoptr(GError) error = NULL;
  gboolean ok = sweep_file_load(path, &file, &error);
  g_assert(ok == (error == NULL));
  sweep_file_clear(&file);
  return 0;
}
