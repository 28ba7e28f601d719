# utilization.gp: the service's CPU and memory utilization (% of what its
# running tasks reserve, as CloudWatch's ECSServiceAverage* metrics) per
# period over one variant's run, with its running tasks for context.
#
# Variables, set before the script with gnuplot -e "name='value'; ...":
#   datafile  the variant's timeseries.csv (required)
#   outfile   the picture to write (required)
#   term      'png' (default) or 'svg'
#   service   plot this service's rows only (default: every row; give it
#             when the run has more than one service)
#   scenario, variant   names for the title (optional)
# Example:
#   gnuplot -e "datafile='out/x/ec2/timeseries.csv'; outfile='u.png'" \
#     plots/utilization.gp
# `ecsim plot OUTDIR` runs this for every variant and service.

_p = ARG0; _i = strlen(_p); while (_i > 0 && _p[_i:_i] ne '/') { _i = _i - 1 }
if (!exists("datafile")) { print "utilization.gp: set datafile"; exit status 2 }
load (_i > 0 ? _p[1:_i] : '') . 'common.gp'


set datafile separator ','
set datafile columnheaders
set table $D
plot datafile using (column('time_s')):(num('cpu_pct')):(num('memory_pct')): \
  (column('running')) with table if (is_service(0))
unset table
set datafile separator whitespace
set datafile nocolumnheaders

stats $D using 1 name 'T' nooutput
stats $D using (max($2, $3)) name 'PCT' nooutput
stats $D using 4 name 'RUN' nooutput
tmax = T_max
top = PCT_max
max_running = RUN_max
dummy = set_time_axis(tmax)

set title title_of('CPU and memory utilization')
set xlabel sprintf('time since start (%s)', tunit)
set ylabel 'utilization of the running tasks (%)'
set y2label 'running tasks'
set xrange [0:tmax / tu]
set xtics tstep
set yrange [0:(top > 100 ? ceil(top / 10) * 10 : 100)]
set ytics 10 nomirror
set y2range [0:(max_running > 0 ? ceil(max_running * 1.12) : 1)]
set y2tics

plot $D using ($1 / tu):4 axes x1y2 with steps lw 2 lc rgb c_grey \
       title 'running tasks (right)', \
     '' using ($1 / tu):3 with lines lw 3 lc rgb c_orange \
       title 'memory % (left)', \
     '' using ($1 / tu):2 with lines lw 3 lc rgb c_blue title 'CPU % (left)'
unset output
