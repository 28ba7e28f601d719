# compare.gp: the variants of one scenario side by side, in three panels:
# cost by item (stacked: tasks' compute, idle EC2 capacity, storage, load
# balancer), latency over the whole run (p50, p90, p99, with the SLO
# threshold), and the requests that missed the SLO against its error
# budget (or the failed requests when there is no SLO).
#
# Its data file is written by `ecsim plot` from each variant's
# summary.json (models/plot.c), one row per variant:
#   1 "variant"  2 compute_tasks_usd  3 ec2_idle_usd  4 storage_usd
#   5 load_balancer_usd  6 total_usd  7 p50_ms  8 p90_ms  9 p99_ms
#   10 slo_missed_pct  11 slo_attained_pct  12 failed_pct
# (compute_tasks + ec2_idle = summary cost.items.compute).
#
# Variables, set before the script with gnuplot -e "name='value'; ...":
#   datafile    the data file above (required)
#   outfile     the picture to write (required)
#   term        'png' (default) or 'svg'
#   nvariants   number of rows (required)
#   slo_ms      the SLO threshold in ms; unset or 0 for none
#   slo_target  the SLO's target share of requests, e.g. 0.99
#   scenario    the scenario's name for the title (optional)

_p = ARG0; _i = strlen(_p); while (_i > 0 && _p[_i:_i] ne '/') { _i = _i - 1 }
_dir = _i > 0 ? _p[1:_i] : ''
if (!exists("width")) width = 1800
if (!exists("datafile") || !exists("nvariants")) {
  print "compare.gp: set datafile and nvariants"
  exit status 2
}
load _dir . 'common.gp'

if (!exists("slo_ms")) slo_ms = 0
if (!exists("slo_target")) slo_target = 0
has_slo = slo_ms > 0 && slo_target > 0

# The largest figures, gathered by reading the rows once (a column can be
# all NaN, e.g. latency when no request completed, which stats refuses).
# (Through strcol: a NaN read with column() makes the whole row undefined.)
nz(c) = strcol(c) eq 'NaN' ? 0 : real(strcol(c))
max_idle = 0; max_storage = 0; max_lb = 0; max_cost = 0; max_p99 = 0; max_miss = 0
stats datafile using (max_idle = max(max_idle, nz(3)), \
  max_storage = max(max_storage, nz(4)), max_lb = max(max_lb, nz(5)), \
  max_cost = max(max_cost, nz(6)), \
  max_p99 = max(max_p99, nz(9)), \
  max_miss = max(max_miss, nz(has_slo ? 10 : 12)), 0) nooutput
any_idle = max_idle > 0
any_storage = max_storage > 0
any_lb = max_lb > 0

w = 0.32            # half a bar (cost, SLO)
lw3 = 0.12          # half a bar of the latency triple
set xrange [-0.6:nvariants - 0.4]
xtic_font = nvariants > 2 ? ',14' : ',17'
set xtics scale 0 font xtic_font
if (nvariants > 4) set xtics rotate by 25 right
unset mxtics
set grid noxtics ytics
set key below horizontal width 0 samplen 2 font ',15'
# The same margins in every panel keep their plot areas aligned.
set bmargin (nvariants > 4 ? 7 : 5)
set tmargin 4

# Dollars to 3 or 4 significant digits: $0.0118, $0.512, $7.33, $735,
# $1235 (a run can cost a cent or thousands).
usd_decimals(m) = m <= 0 ? 2 : m >= 100 ? 0 \
  : int(min(8, max(2, 2 - floor(log10(m)))))
usd(x) = sprintf(sprintf('$%%.%df', usd_decimals(abs(x))), x)

set multiplot layout 1, 3 \
  title 'Variants compared' . (scenario ne '' ? "\nscenario " . scenario : '') \
  font ',22'

# 1. Cost by item, stacked, the total above.
set title 'Cost of the run by item' font ',19'
set ylabel 'cost (USD)'
set yrange [0:(max_cost > 0 ? max_cost * 1.15 : 1)]
# The tics' decimals from the largest cost, so a run of a few cents reads
# $0.0020, $0.0040, ... and not $0.00 everywhere.
set format y sprintf('$%%.%df', usd_decimals(max_cost))
plot datafile using 0:($2 / 2):($0 - w):($0 + w):(0):2:xtic(1) \
       with boxxyerror fs solid 1.0 noborder lc rgb c_blue \
       title 'tasks', \
     '' using 0:2:($0 - w):($0 + w):2:($2 + $3) with boxxyerror \
       fs solid 1.0 noborder lc rgb c_sky \
       title (any_idle ? 'idle EC2' : ''), \
     '' using 0:2:($0 - w):($0 + w):($2 + $3):($2 + $3 + $4) \
       with boxxyerror fs solid 1.0 noborder lc rgb c_yellow \
       title (any_storage ? 'storage' : ''), \
     '' using 0:2:($0 - w):($0 + w):($2 + $3 + $4):($2 + $3 + $4 + $5) \
       with boxxyerror fs solid 1.0 noborder lc rgb c_purple \
       title (any_lb ? 'load balancer' : ''), \
     '' using 0:6:(usd($6)) with labels offset 0, char 0.8 \
       notitle

# 2. Latency percentiles over the whole run.
set title 'Latency over the whole run' font ',19'
set ylabel 'latency (ms)'
top = max(max_p99, has_slo ? slo_ms : 0)
set yrange [0:(top > 0 ? top * 1.2 : 1)]
set format y '%g'
# The dashed lines are named in the key: a label beside them would cover
# the last variant's bars.
if (has_slo) {
  set arrow 1 from graph 0, first slo_ms to graph 1, first slo_ms nohead \
    lw 2.5 dt (12, 6) lc rgb c_black front
}
if (max_p99 == 0) {
  set label 2 'no request completed' at graph 0.5, graph 0.5 center
}
plot datafile using ($0 - 2 * lw3):($7 / 2):($0 - 3 * lw3):($0 - lw3): \
       (0):7:xtic(1) with boxxyerror fs solid 1.0 noborder \
       lc rgb c_green title 'p50', \
     '' using 0:($8 / 2):($0 - lw3):($0 + lw3):(0):8 with boxxyerror \
       fs solid 1.0 noborder lc rgb c_blue title 'p90', \
     '' using ($0 + 2 * lw3):($9 / 2):($0 + lw3):($0 + 3 * lw3):(0):9 \
       with boxxyerror fs solid 1.0 noborder lc rgb c_red title 'p99', \
     '' using ($0 + 2 * lw3):9:(sprintf('%.0f', $9)) with labels \
       offset 0, char 0.8 notitle, \
     keyentry with lines lw 2.5 dt (12, 6) lc rgb c_black \
       title (has_slo ? sprintf('SLO %g ms', slo_ms) : '')
unset arrow 1
unset label 2

# 3. The SLO: requests over the threshold or failed, against the budget.
budget = 100 * (1 - slo_target)
if (has_slo) {
  set title sprintf('SLO: %g%% of requests within %g ms', 100 * slo_target, \
                    slo_ms) font ',19'
  set ylabel 'requests over the threshold or failed (%)'
  set yrange [0:max(max_miss, budget) * 1.3 + 1e-9]
  set arrow 1 from graph 0, first budget to graph 1, first budget nohead \
    lw 2.5 dt (12, 6) lc rgb c_black front
  bar_color(m) = m <= budget ? 0x009E73 : 0xD55E00
  plot datafile using 0:($10 / 2):($0 - w):($0 + w):(0):10: \
         (bar_color($10)):xtic(1) with boxxyerror fs solid 1.0 noborder \
         lc rgb variable notitle, \
       '' using 0:10:(sprintf("%.2f%%\nwithin", $11)) with labels \
         offset 0, char 1.3 font ',15' notitle, \
       keyentry with boxes fs solid 1.0 noborder lc rgb c_green \
         title 'met', \
       keyentry with boxes fs solid 1.0 noborder lc rgb c_red \
         title 'missed', \
       keyentry with lines lw 2.5 dt (12, 6) lc rgb c_black \
         title sprintf('error budget %g%%', budget)
} else {
  set title 'Failed requests (no SLO set)' font ',19'
  set ylabel 'failed requests (%)'
  set yrange [0:(max_miss > 0 ? max_miss * 1.3 : 1)]
  plot datafile using 0:($12 / 2):($0 - w):($0 + w):(0):12:xtic(1) \
         with boxxyerror fs solid 1.0 noborder lc rgb c_red notitle, \
       '' using 0:12:(sprintf('%.3f%%', $12)) with labels \
         offset 0, char 0.8 notitle
}
unset multiplot
unset output
