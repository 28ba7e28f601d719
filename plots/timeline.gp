# timeline.gp: every task of one variant over time, coloured by state
# (starting = provisioning, pending, activating; running; stopping =
# deactivating, stopping, deprovisioning), with a marker where it stopped
# shaped by the stop reason. A rolling deployment reads as a staircase, an
# AZ outage as a column of markers. Up to 300 tasks get a row each (by
# service, then start time); more are packed into lanes grouped by
# container instance (drawn behind, from launch to termination) or, on
# Fargate, by AZ.
#
# Its data file is written by `ecsim plot` from tasks.csv and
# instances.csv (models/plot-timeline.c); blocks, separated by two blank
# lines:
#   0 bars:   row start_s end_s phase (0 starting, 1 running, 2 stopping,
#             3 running on Spot capacity)
#   1 stops:  row stopped_s "reason"
#   2 bands:  first_row last_row shaded (groups; every other one shaded)
#   3 lives:  first_row last_row launched_s ended_s (EC2 instances)
#   4 labels: row "text" (y-axis labels)
# Starting and stopping take seconds in runs of hours: they are drawn at
# least 0.2% of the run wide so that they show.
#
# Variables, set before the script with gnuplot -e "name='value'; ...":
#   datafile   the timeline data file (required)
#   outfile    the picture to write (required)
#   term       'png' (default) or 'svg'
#   horizon_s  the run's length in seconds (required)
#   nrows      rows in the data (required)
#   reasons    the stop reasons in the data, separated by spaces
#   by_instance  1 when rows are lanes grouped by instance (default 0)
#   ntasks     number of tasks, for the axis label
#   nlives     number of instances drawn behind their lanes (default 0)
#   nspot      number of tasks on Spot capacity (default 0)
#   scenario, variant   names for the title (optional)

_p = ARG0; _i = strlen(_p); while (_i > 0 && _p[_i:_i] ne '/') { _i = _i - 1 }
_dir = _i > 0 ? _p[1:_i] : ''
if (!exists("nrows")) nrows = 0
if (!exists("height")) height = nrows > 150 ? 1200 : 900
if (!exists("datafile") || !exists("horizon_s") || nrows < 1) {
  print "timeline.gp: set datafile, horizon_s and nrows"
  exit status 2
}
load _dir . 'common.gp'

if (!exists("reasons")) reasons = ''
if (!exists("by_instance")) by_instance = 0
if (!exists("ntasks")) ntasks = nrows
if (!exists("nlives")) nlives = 0
if (!exists("nspot")) nspot = 0

dummy = set_time_axis(horizon_s)

# State colours, and a marker (shape, colour) per stop reason: failures in
# red, the scheduler's own choices in dark colours.
phase_color(p) = p == 0 ? 0xE69F00 : p == 1 ? 0x009E73 : \
  p == 2 ? 0xD55E00 : 0x56B4E9
reason_pt(r) = r eq 'scale-in' ? 11 : r eq 'deployment' ? 7 : \
  r eq 'unhealthy' ? 2 : r eq 'spot-interruption' ? 13 : \
  r eq 'instance-terminated' ? 5 : r eq 'essential-container-exited' ? 3 : \
  r eq 'startup-failure' ? 1 : r eq 'fault' ? 9 : \
  r eq 'instance-draining' ? 4 : 6
reason_color(r) = r eq 'scale-in' ? c_black : r eq 'deployment' ? c_blue : \
  r eq 'spot-interruption' ? c_purple : r eq 'instance-terminated' ? c_black : \
  r eq 'instance-draining' ? c_grey : c_red

# Rows touch when they are thin (no moiré), with gaps when few.
half = nrows > 60 ? 0.5 : 0.36
stats datafile index 4 using (strlen(strcol(2))) name 'LABELS' nooutput
nlabels = LABELS_records
label_every = nlabels > 60 ? ceil(nlabels / 60.0) : 1
tic_size = nlabels <= 16 ? 15 : (nlabels <= 40 ? 12 : 9)
tic_font = sprintf(',%d', tic_size)
# gnuplot overestimates the row labels' width and leaves a wide gap: the
# left margin is set from the longest label instead (DejaVu Sans averages
# under 0.8 of its size per character), never past a third of the width.
_lm = (LABELS_max * 0.8 * tic_size + 30) / canvas_width
set lmargin at screen (_lm < 0.33 ? _lm : 0.33)

# What the rows are goes under the title: as a y label gnuplot would put
# it far from the row labels, whose width it overestimates.
subtitle = subtitle . "\n" . (by_instance \
  ? sprintf('%d tasks, in lanes by instance (EC2) or AZ (Fargate)', ntasks) \
  : sprintf('%d tasks, one row each, by service and start time', ntasks))
set title title_of('Task timeline')
set xlabel sprintf('time since start (%s)', tunit)
set xrange [0:horizon_s / tu]
set xtics tstep
set yrange [nrows - 0.5:-0.5]
set ytics font tic_font scale 0
set grid xtics noytics
set key width 0 maxcols (words(reasons) > 1 ? 2 : 3) font ',17'
set label 1 "starting and stopping are drawn\nat least 0.2% of the run wide" \
  at screen 0.99, screen 0.975 right font ',12' textcolor rgb c_grey

plot datafile index 2 using (0):($3 > 0 ? ($1 + $2) / 2 : NaN):(0): \
       (horizon_s / tu):($1 - 0.5):($2 + 0.5) \
       with boxxyerror fs solid 1.0 noborder lc rgb '#EFEFEF' notitle, \
     '' index 3 using ($3 / tu):(($1 + $2) / 2):($3 / tu):($4 / tu): \
       ($1 - 0.5):($2 + 0.5) with boxxyerror fs solid 1.0 noborder \
       lc rgb '#DCE6F2' title (nlives > 0 ? 'instance up' : ''), \
     '' index 4 every label_every using (0):1:(''):ytic(2) \
       with labels notitle, \
     '' index 0 using ($2 / tu):1:($2 / tu):($3 / tu):($1 - half):($1 + half): \
       (phase_color($4)) with boxxyerror fs solid 1.0 noborder \
       lc rgb variable notitle, \
     keyentry with boxes fs solid 1.0 noborder lc rgb c_orange \
       title 'starting', \
     keyentry with boxes fs solid 1.0 noborder lc rgb c_green \
       title (nspot > 0 ? 'running on demand' : 'running'), \
     keyentry with boxes fs solid 1.0 noborder lc rgb c_sky \
       title (nspot > 0 ? 'running on Spot' : ''), \
     keyentry with boxes fs solid 1.0 noborder lc rgb c_red \
       title 'stopping', \
     for [r in reasons] '' index 1 using ($2 / tu):(strcol(3) eq r ? $1 : NaN) \
       with points pt reason_pt(r) ps (pt_scale * (nrows > 100 ? 1.1 : 1.6)) lc rgb reason_color(r) \
       title 'stopped: ' . r
unset output
