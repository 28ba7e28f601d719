# cost.gp: cumulative cost (USD, every service and the load balancers)
# over the run, one line per variant, each labelled with its total.
#
# Variables, set before the script with gnuplot -e "name='value'; ...":
#   rundir    the run's output folder, holding one folder per variant
#             (required)
#   variants  the variants to draw, separated by spaces, e.g.
#             'fargate fargate-spot ec2' (required); each line reads
#             rundir/VARIANT/timeseries.csv
#   outfile   the picture to write (required)
#   term      'png' (default) or 'svg'
#   scenario  the scenario's name for the title (optional)
# Example:
#   gnuplot -e "rundir='out/x'; variants='fargate ec2'; outfile='c.png'" \
#     plots/cost.gp
# `ecsim plot OUTDIR` runs this once for all the variants.

_p = ARG0; _i = strlen(_p); while (_i > 0 && _p[_i:_i] ne '/') { _i = _i - 1 }
if (!exists("rundir") || !exists("variants")) {
  print "cost.gp: set rundir and variants"
  exit status 2
}
load (_i > 0 ? _p[1:_i] : '') . 'common.gp'

n = words(variants)
file(i) = rundir . '/' . word(variants, i) . '/timeseries.csv'

# cost_usd is the whole run's so far, repeated on each service's row:
# "smooth unique" keeps one point per time. The totals label the lines.
set datafile separator ','
set datafile columnheaders
tmax = 0
max_cost = 0
array total[n]
do for [i = 1:n] {
  stats file(i) using (column('time_s')) name 'T' nooutput
  stats file(i) using (column('cost_usd')) name 'C' nooutput
  tmax = max(tmax, T_max)
  total[i] = C_max
  max_cost = max(max_cost, C_max)
}
dummy = set_time_axis(tmax)

# Dollars to 3 or 4 significant digits: $0.0118, $0.512, $7.33, $735,
# $1235 (a run can cost a cent or thousands). The tics take their decimals
# from the largest cost, so a run of a few cents reads $0.0020, $0.0040,
# ... and not $0.00 everywhere.
usd_decimals(m) = m <= 0 ? 2 : m >= 100 ? 0 \
  : int(min(8, max(2, 2 - floor(log10(m)))))
usd(x) = sprintf(sprintf('$%%.%df', usd_decimals(abs(x))), x)

set title title_of(n > 1 ? 'Cumulative cost by variant' : 'Cumulative cost')
set xlabel sprintf('time since start (%s)', tunit)
set ylabel 'cost so far (USD)'
set xrange [0:tmax / tu]
set xtics tstep
set yrange [0:*]
set format y sprintf('$%%.%df', usd_decimals(max_cost))
set key inside top left vertical reverse Left

plot for [i = 1:n] file(i) \
       using (column('time_s') / tu):(column('cost_usd')) smooth unique \
       with lines lt i lw 3.5 \
       title sprintf('%s: %s', word(variants, i), usd(total[i]))
unset output
