/* Fuzz target: CloudWatch metric data (get-metric-data or
 * get-metric-statistics output), read by the reader alone, then as a
 * workload's traffic and by `ecsim trace`, as format detection sees it
 * and as "cloudwatch". */
#include "fuzz-trace.h"

#include "models/input/cloudwatch.h"
#include "models/input/jsonfile.h"

static void
read_series(const uint8_t *data, size_t size)
{
  g_autoptr(cJSON) json =
    json_parse_text("cw.json", (const char *) data, size, NULL);
  if (json == NULL)
    return;
  g_autoptr(JDoc) doc = jdoc_new("cw.json", ".");
  JNode root;
  jn_root(&root, doc, json);
  g_autoptr(GError) error = NULL;
  g_autoptr(CwData) cw = cloudwatch_parse(&root, &error);
  g_assert((cw == NULL) != (error == NULL));
  if (cw == NULL)
    return;
  for (guint i = 0; i < cw->series->len; i++) {
    const CwSeries *s = cw->series->pdata[i];
    for (guint k = 1; k < s->n; k++)
      g_assert(s->times[k] > s->times[k - 1]);
    g_autoptr(GError) find_error = NULL;
    const CwSeries *found = cloudwatch_find(cw, cloudwatch_series_name(s),
                                            &find_error);
    g_assert((found == NULL) != (find_error == NULL));
  }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  fuzz_init();
  read_series(data, size);
  fuzz_trace(data, size, "metrics.json", TRACE_FORMAT_AUTO);
  fuzz_trace(data, size, "metrics.json", TRACE_FORMAT_CLOUDWATCH);
  return 0;
}
