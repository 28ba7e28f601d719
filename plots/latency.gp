# latency.gp: request latency percentiles per period (p50, p90, p99 and
# p99.9, log scale) over one variant's run, with the SLO's latency
# threshold as a line when the scenario has one.
#
# Variables, set before the script with gnuplot -e "name='value'; ...":
#   datafile  the variant's timeseries.csv (required)
#   outfile   the picture to write (required)
#   term      'png' (default) or 'svg'
#   service   plot this service's rows only (default: every row; give it
#             when the run has more than one service)
#   slo_ms    the SLO threshold in ms (summary.json slo.threshold_ms);
#             leave unset, or <= 0, for none
#   slo_target  the SLO's target share of requests, e.g. 0.99 (optional;
#             named in the threshold line's legend)
#   scenario, variant   names for the title (optional)
# Example:
#   gnuplot -e "datafile='out/x/ec2/timeseries.csv'; outfile='l.png'; \
#     slo_ms=250" plots/latency.gp
# `ecsim plot OUTDIR` runs this for every variant and service.

_p = ARG0; _i = strlen(_p); while (_i > 0 && _p[_i:_i] ne '/') { _i = _i - 1 }
if (!exists("datafile")) { print "latency.gp: set datafile"; exit status 2 }
load (_i > 0 ? _p[1:_i] : '') . 'common.gp'

if (!exists("slo_ms")) slo_ms = 0
if (!exists("slo_target")) slo_target = 0

set datafile separator ','
set datafile columnheaders
# The range of the latencies, gathered as the rows are read (stats would
# stop the script when no request completed).
lo = 1e308; hi = 0
track(v) = (lo = (v == v && v < lo) ? v : lo, \
            hi = (v == v && v > hi) ? v : hi, v)
set table $D
plot datafile using (column('time_s')):(track(num('p50_ms'))): \
  (track(num('p90_ms'))):(track(num('p99_ms'))):(track(num('p999_ms'))) \
  with table if (is_service(0))
unset table
set datafile separator whitespace
set datafile nocolumnheaders

stats $D using 1 name 'T' nooutput
tmax = T_max
no_data = hi == 0
if (no_data) { lo = 10; hi = 900 }
hi = max(hi, slo_ms)
dummy = set_time_axis(tmax)

set xlabel sprintf('time since start (%s)', tunit)
set ylabel 'latency (ms, log scale)'
set xrange [0:tmax / tu]
set xtics tstep
set logscale y 10
set yrange [0.999 * 10 ** floor(log10(lo > 0 ? lo : 1)):10 ** ceil(log10(hi * 1.05))]
set ytics ('1' 1, '2' 2, '5' 5, '10' 10, '20' 20, '50' 50, '100' 100, \
  '200' 200, '500' 500, '1000' 1000, '2000' 2000, '5000' 5000, \
  '10000' 10000, '20000' 20000, '50000' 50000) add
set mytics 10
set grid mytics

slo_title = slo_ms > 0 ? sprintf('SLO threshold %g ms', slo_ms) : ''
if (slo_ms > 0 && slo_target > 0) {
  subtitle = subtitle . sprintf("\nSLO: %g%% of requests within %g ms", \
                                100 * slo_target, slo_ms)
}

set title title_of('Request latency by period')
if (no_data) {
  set label 2 'no request completed' at graph 0.5, graph 0.5 center
}

plot $D using ($1 / tu):5 with lines lw 1.5 lc rgb c_purple \
       title 'p99.9', \
     '' using ($1 / tu):4 with lines lw 3 lc rgb c_red title 'p99', \
     '' using ($1 / tu):3 with lines lw 2.5 lc rgb c_blue title 'p90', \
     '' using ($1 / tu):2 with lines lw 2.5 lc rgb c_green title 'p50', \
     (slo_ms > 0 ? slo_ms : NaN) with lines lw 2.5 dt (12, 6) \
       lc rgb c_black title slo_title
unset output
