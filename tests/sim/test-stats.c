/* Tallies, time-weighted averages, windows and confidence intervals. */
#include <criterion/criterion.h>
#include <math.h>

#include "sim/stats.h"

Test(stats, time_average_weights_by_duration)
{
  SimTimeAvg a;
  sim_time_avg_init(&a, 0, 2.0);
  sim_time_avg_set(&a, 10 * SIM_SEC, 6.0); /* 2 for 10 s, then 6 */
  cr_assert_float_eq(sim_time_avg_mean(&a, 20 * SIM_SEC), 4.0, 1e-12);
  cr_assert_float_eq(sim_time_avg_integral(&a, 20 * SIM_SEC), 80.0, 1e-9);
  sim_time_avg_add(&a, 20 * SIM_SEC, -6.0);
  cr_assert_float_eq(sim_time_avg_mean(&a, 40 * SIM_SEC), 2.0, 1e-12);
}

Test(stats, time_average_windows_restart)
{
  SimTimeAvg a;
  sim_time_avg_init(&a, 0, 1.0);
  sim_time_avg_set(&a, 30 * SIM_SEC, 3.0);
  double first = sim_time_avg_take_window(&a, 60 * SIM_SEC);
  double second = sim_time_avg_take_window(&a, 120 * SIM_SEC);
  cr_assert_float_eq(first, 2.0, 1e-12);
  cr_assert_float_eq(second, 3.0, 1e-12);
  cr_assert_float_eq(sim_time_avg_mean(&a, 120 * SIM_SEC), 2.5, 1e-12);
}

Test(stats, tally_mean_and_variance)
{
  SimTally t;
  sim_tally_init(&t);
  const double xs[] = { 2, 4, 4, 4, 5, 5, 7, 9 };
  for (gsize i = 0; i < G_N_ELEMENTS(xs); i++)
    sim_tally_add(&t, xs[i]);
  cr_assert_float_eq(t.mean, 5.0, 1e-12);
  cr_assert_float_eq(sim_tally_variance(&t), 32.0 / 7.0, 1e-12);
  cr_assert_float_eq(t.min, 2.0, 0);
  cr_assert_float_eq(t.max, 9.0, 0);
}

Test(stats, counter_windows)
{
  SimCounter c = { 0 };
  sim_counter_add(&c, 5);
  cr_assert_eq(sim_counter_take_window(&c), 5);
  sim_counter_add(&c, 2);
  cr_assert_eq(sim_counter_take_window(&c), 2);
  cr_assert_eq(c.total, 7);
}

Test(stats, confidence_interval_uses_student_t)
{
  const double xs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
  double mean, hw;
  sim_mean_ci(xs, 10, 0.95, &mean, &hw);
  cr_assert_float_eq(mean, 5.5, 1e-12);
  /* t(0.975, 9) = 2.262157; s = 3.02765; hw = t s / sqrt(10). */
  cr_assert_float_eq(hw, 2.262157 * 3.0276504 / sqrt(10.0), 1e-5);
  sim_mean_ci(xs, 1, 0.95, &mean, &hw);
  cr_assert(isnan(hw));
}
