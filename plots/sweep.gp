# sweep.gp: a sweep (`ecsim sweep`): the mean cost of a run against the
# swept parameter, with its 95% confidence band, and p99 latency with its
# 95% interval on the right axis. One colour per line: per variant, and
# per value of any other swept parameter.
#
# Its data file is written by `ecsim plot` from DIR/sweep.csv
# (models/plot-sweep.c): one block per line, blocks separated by two blank
# lines, rows sorted by x:
#   1 x  2 cost_mean  3 cost_low  4 cost_high  5 p99_mean  6 p99_low
#   7 p99_high
# (low/high: mean -/+ the 95% half-width; the mean itself with one seed).
#
# Variables, set before the script with gnuplot -e "name='value'; ...":
#   datafile   the data file above (required)
#   outfile    the picture to write (required)
#   term       'png' (default) or 'svg'
#   nseries    number of blocks (required)
#   titles     their titles, each in double quotes, space-separated
#   xlabel     the swept parameter's name
#   xtics      tics for non-numeric x values ('"EC2" 0, "FARGATE" 1'), or
#              '' for numbers

_p = ARG0; _i = strlen(_p); while (_i > 0 && _p[_i:_i] ne '/') { _i = _i - 1 }
_dir = _i > 0 ? _p[1:_i] : ''
if (!exists("datafile") || !exists("nseries")) {
  print "sweep.gp: set datafile and nseries"
  exit status 2
}
load _dir . 'common.gp'
if (!exists("titles")) titles = ''
if (!exists("xlabel")) xlabel = 'swept value'
if (!exists("xtics")) xtics = ''

set title title_of('Sweep: cost and p99 latency against ' . xlabel)
set xlabel xlabel
set ylabel 'mean cost of a run (USD)'
set y2label 'p99 latency (ms)'
set ytics nomirror
set y2tics
set my2tics 2
set format y '$%.4g'
set yrange [0:*]
set y2range [0:*]
set offsets graph 0.03, graph 0.03, 0, 0
if (xtics ne '') {
  eval 'set xtics (' . xtics . ')'
  unset mxtics
}
set key below horizontal Left reverse width 2 font ',15'
set style fill transparent solid 0.18 noborder

label(i) = (i <= words(titles) ? word(titles, i) : sprintf('line %d', i))
plot for [i=0:nseries-1] datafile index i using 1:3:4 \
       with filledcurves lc i + 1 notitle, \
     for [i=0:nseries-1] datafile index i using 1:2 \
       with linespoints lc i + 1 lw 2.5 pt 7 ps 1.3 * pt_scale \
       title label(i + 1) . ': cost', \
     for [i=0:nseries-1] datafile index i using 1:5:6:7 axes x1y2 \
       with yerrorlines lc i + 1 lw 2 dt (10, 6) pt 6 ps 1.3 * pt_scale \
       title label(i + 1) . ': p99'
unset output
