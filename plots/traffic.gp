# traffic.gp: requests per second (left axis) against desired, running and
# pending tasks and registered container instances (right axis) over one
# variant's run; failed requests per second when there were any.
#
# Variables, set before the script with gnuplot -e "name='value'; ...":
#   datafile  the variant's timeseries.csv (required)
#   outfile   the picture to write (required)
#   term      'png' (default) or 'svg'
#   service   plot this service's rows only (default: every row; give it
#             when the run has more than one service)
#   scenario, variant   names for the title (optional)
# Example:
#   gnuplot -e "datafile='out/x/ec2/timeseries.csv'; outfile='t.png'" \
#     plots/traffic.gp
# `ecsim plot OUTDIR` runs this for every variant and service.

_p = ARG0; _i = strlen(_p); while (_i > 0 && _p[_i:_i] ne '/') { _i = _i - 1 }
if (!exists("datafile")) { print "traffic.gp: set datafile"; exit status 2 }
load (_i > 0 ? _p[1:_i] : '') . 'common.gp'


# Failed requests per second: the period's errors over its length (which
# is arrivals / rps).
errs(x) = column('err_no_target') + column('err_queue_full') + \
         column('err_timeout') + column('err_reset')
err_rps(x) = column('arrivals') > 0 ? errs(0) * column('rps') / column('arrivals') \
                                   : 0

set datafile separator ','
set datafile columnheaders
set table $D
plot datafile using (column('time_s')):(num('rps')):(column('desired')): \
  (column('running')):(column('pending')):(column('instances')):(err_rps(0)) \
  with table if (is_service(0))
unset table
set datafile separator whitespace
set datafile nocolumnheaders

# One column per stats call: two would fit a line, and warn on two rows.
stats $D using 1 name 'T' nooutput
stats $D using 7 name 'ERR' nooutput
stats $D using 2 name 'RPS' nooutput
stats $D using 5 name 'PENDING' nooutput
stats $D using 6 name 'INST' nooutput
stats $D using (max($3, $4)) name 'TASKS' nooutput
tmax = T_max
max_err = ERR_max
max_pending = PENDING_max
max_instances = INST_max
max_count = max(TASKS_max, max(max_instances, max_pending))
dummy = set_time_axis(tmax)

set title title_of('Traffic and capacity')
set xlabel sprintf('time since start (%s)', tunit)
set ylabel 'requests per second'
set y2label (max_instances > 0 ? 'tasks / instances' : 'tasks')
set xrange [0:tmax / tu]
set xtics tstep
if (RPS_max > 0) { set yrange [0:*] } else { set yrange [0:1] }
set y2range [0:(max_count > 0 ? ceil(max_count * 1.12) : 1)]
set ytics nomirror
set y2tics
set my2tics 2

plot $D using ($1 / tu):2 with filledcurves y1=0 fs transparent solid 0.18 \
       lc rgb c_blue notitle, \
     '' using ($1 / tu):2 with lines lw 2 lc rgb c_blue \
       title 'requests/s (left)', \
     '' using ($1 / tu):(max_err > 0 ? $7 : NaN) with lines lw 2 \
       lc rgb c_red title (max_err > 0 ? 'failed requests/s (left)' : ''), \
     '' using ($1 / tu):(max_instances > 0 ? $6 : NaN) axes x1y2 \
       with steps lw 3 lc rgb c_purple \
       title (max_instances > 0 ? 'registered instances (right)' : ''), \
     '' using ($1 / tu):(max_pending > 0 ? $5 : NaN) axes x1y2 \
       with steps lw 2.5 lc rgb c_orange \
       title (max_pending > 0 ? 'pending tasks (right)' : ''), \
     '' using ($1 / tu):4 axes x1y2 with steps lw 4 lc rgb c_green \
       title 'running tasks (right)', \
     '' using ($1 / tu):3 axes x1y2 with steps lw 2 dt (6, 6) \
       lc rgb c_black title 'desired tasks (right)'
unset output
