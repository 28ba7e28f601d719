# The flagship's checkout traffic over a year, hourly: its diurnal cosine
# (500 requests/s on average, 950 at 14:00), weekday factors (quieter
# weekends), and a seasonal trend (busiest in late November, quietest in
# late May, +-30%). Time 0 is Monday 00:00. Prints "time,rate" rows.
BEGIN {
  pi = atan2(0, -1)
  split("1.00 1.02 1.03 1.05 1.08 0.82 0.75", weekly, " ")
  print "time,rate"
  for (h = 0; h <= 366 * 24; h++) {
    t = h * 3600
    day = int(h / 24)
    diurnal = 500 + 450 * cos(2 * pi * (h % 24 - 14) / 24)
    season = 1 + 0.3 * cos(2 * pi * (day - 330) / 365)
    printf "%d,%.3f\n", t, diurnal * weekly[day % 7 + 1] * season
  }
}
