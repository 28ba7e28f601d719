# common.gp: what every ecsim picture shares, loaded by each script:
# the terminal and output, fonts and line widths that survive printing, the
# colour palette (Okabe-Ito, safe for colour-blind readers), titles, the
# time axis, and reading timeseries.csv.
#
# Variables it reads (set with gnuplot -e before the script):
#   outfile   the picture to write (required)
#   term      'png' (default) or 'svg'
#   scenario, variant, service   names for the title's second line
#                                (each optional)
# A script may set width and height (pixels) before loading this file.

if (!exists("outfile")) {
  print "ecsim plots: set outfile, e.g. gnuplot -e \"outfile='x.png'\" ..."
  exit status 2
}
if (!exists("term")) term = 'png'
if (!exists("scenario")) scenario = ''
if (!exists("variant")) variant = ''
if (!exists("service")) service = ''
if (!exists("width")) width = 1600
if (!exists("height")) height = 900

set encoding utf8
# The svg terminal draws fonts larger, and points twice as large, as
# pngcairo: a smaller canvas (the picture scales) and pt_scale keep the two
# alike.
pt_scale = term eq 'svg' ? 0.5 : 1.0
canvas_width = term eq 'svg' ? width * 0.8 : width
if (term eq 'svg') {
  set terminal svg size width * 0.8, height * 0.8 dynamic noenhanced \
    font 'DejaVu Sans,19' linewidth 1.5 background '#ffffff'
} else {
  if (term ne 'png') {
    print sprintf("ecsim plots: term must be 'png' or 'svg', got '%s'", term)
    exit status 2
  }
  set terminal pngcairo size width, height noenhanced \
    font 'DejaVu Sans,19' linewidth 1.5 background '#ffffff'
}
set output outfile

# The palette, by meaning. Line types 1-8 are the variants' colours.
c_blue = '#0072B2'; c_orange = '#E69F00'; c_green = '#009E73'
c_red = '#D55E00'; c_sky = '#56B4E9'; c_purple = '#CC79A7'
c_yellow = '#F0E442'; c_black = '#000000'; c_grey = '#8C8C8C'
set linetype 1 lc rgb c_blue lw 2.5
set linetype 2 lc rgb c_orange lw 2.5
set linetype 3 lc rgb c_green lw 2.5
set linetype 4 lc rgb c_red lw 2.5
set linetype 5 lc rgb c_purple lw 2.5
set linetype 6 lc rgb c_sky lw 2.5
set linetype 7 lc rgb c_black lw 2.5
set linetype 8 lc rgb c_yellow lw 2.5
set linetype cycle 8

set border lw 1.2
set title font ',22'
set grid xtics ytics lc rgb '#C8C8C8' lw 1 dt 1
set key below horizontal reverse Left spacing 1.2 width 2 samplen 3
set tics out nomirror
set mxtics 2

# "Traffic and capacity" over "scenario S · variant V · service X".
subtitle = ''
_sep = ''
if (scenario ne '') { subtitle = 'scenario ' . scenario; _sep = ' · ' }
if (variant ne '') { subtitle = subtitle . _sep . 'variant ' . variant; _sep = ' · ' }
if (service ne '') { subtitle = subtitle . _sep . 'service ' . service }
title_of(what) = subtitle eq '' ? what : what . "\n" . subtitle

# The time axis in hours, or in minutes for runs of two hours or less.
# Call after tmax_s is known: x values are then (column('time_s') / tu).
# tstep spaces the tics 6 to 13 apart.
set_time_axis(tmax_s) = (tu = tmax_s <= 7200 ? 60.0 : 3600.0, \
  tunit = tu == 60 ? 'min' : 'h', _n = tmax_s / tu, \
  tstep = tu == 60 \
    ? (_n <= 12 ? 1 : _n <= 24 ? 2 : _n <= 60 ? 5 : 10) \
    : (_n <= 3 ? 0.5 : _n <= 12 ? 1 : _n <= 48 ? 2 : _n <= 120 ? 6 : 24), 0)

max(a, b) = a > b ? a : b
min(a, b) = a < b ? a : b

# Reading timeseries.csv: a number cell, NaN when empty (e.g. latency in
# a period with no completed request), and whether a row is the chosen
# service's (every row when no service was chosen).
num(c) = strcol(c) eq '' ? NaN : column(c)
is_service(x) = service eq '' || strcol('service') eq service
