/* `ecsim report`: one self-contained HTML page of a run folder. */
#include <stdio.h>

#include "models/cmd/commands.h"
#include "models/output/html-report.h"

static const char report_description[] =
  "Writes one HTML page of the outputs of 'ecsim run' in OUTDIR (its\n"
  "VARIANT/ folders, or OUTDIR itself when it is one variant's folder), by\n"
  "default OUTDIR/report.html. The page works offline and alone: the run's\n"
  "data, the charting library and the page's script are all inside it.\n"
  "It shows, in order:\n"
  "  the answer    each variant's cost (total, per month, per million\n"
  "                requests, by item), p50/p99/p99.9, SLO attainment, error\n"
  "                rate and the warnings of summary.json; for a folder of\n"
  "                'ecsim compare', the break-even and where it holds\n"
  "  why           each run of periods of a service that missed the SLO (its\n"
  "                percentile at the SLO's target over the threshold) or had\n"
  "                errors, with the causes found in it or just before it: a\n"
  "                deployment, an AZ or instance lost, a Spot interruption,\n"
  "                tasks not placed, a scale-out pending, tasks unhealthy, a\n"
  "                surge of traffic; then the queue full, no healthy target;\n"
  "                each ranked by the share of the breach it covers; then\n"
  "                the incidents, breach or not: deployments failed,\n"
  "                stalled or rolled back, tasks that failed health\n"
  "                checks, did not start or could not be placed\n"
  "  time series   requests/s, latency (log axis available), errors, tasks,\n"
  "                instances, CPU and memory, cost so far; zooming one zooms\n"
  "                all (drag to zoom, double-click to zoom out), with a mark\n"
  "                for each deployment, scaling action, fault, Spot\n"
  "                interruption and AZ event (hover for its text)\n"
  "  task timeline every task's lifecycle states by service and instance\n"
  "                (colour and pattern; a letter per state), its stop reason\n"
  "  event log     filterable by service and kind; click a line to move the\n"
  "                charts to its moment\n"
  "The charts come from Debian's libjs-dygraphs, read when the report is\n"
  "made (from /usr/share/javascript/dygraphs; $ECSIM_DYGRAPHS_DIR overrides\n"
  "it). 'ecsim run --report' writes the same page after the run.\n"
  "For a folder of 'ecsim sweep', the page draws, per swept parameter,\n"
  "cost against its values with the 95% band, a line per variant; the\n"
  "values meeting every --best constraint shaded and the point --best\n"
  "chose marked B (from its sweep.csv and sweep.json).\n\n"
  "Examples:\n"
  "  ecsim run scenarios/fargate-vs-ec2.json -o out/flagship\n"
  "  ecsim report out/flagship && xdg-open out/flagship/report.html\n"
  "  ecsim report out/flagship/ec2 -o ec2.html\n"
  "  ecsim report out/target-sweep\n\n"
  "Exit status: 0 success, 1 the page cannot be written, 2 bad input or\n"
  "libjs-dygraphs not installed.";

int
cmd_report_write(const char *outdir, const char *path, gboolean quiet)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = html_report_default_path(outdir);
  const char *out = path ? path : fallback;
  if (!html_report_write(outdir, out, &error)) {
    cmd_error("%s", error->message);
    return cmd_status_for(error);
  }
  if (!quiet)
    printf("Report     %s\n", out);
  return 0;
}

int
cmd_report(int argc, char **argv)
{
  g_autofree char *output = NULL;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "The page to write (default: OUTDIR/report.html)", "FILE" },
    G_OPTION_ENTRY_NULL
  };
  if (!cmd_parse_options(&argc, &argv, "OUTDIR",
                         "Write a run's outputs as one self-contained HTML "
                         "page.", report_description, entries, NULL))
    return EXIT_INPUT;
  if (argc != 2) {
    cmd_error("report needs one OUTDIR, written by 'ecsim run' (see 'ecsim "
              "report --help')");
    return EXIT_INPUT;
  }
  return cmd_report_write(argv[1], output, FALSE);
}
