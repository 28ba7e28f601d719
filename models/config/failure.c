/* Parsing of failure models. */
#include "models/config/failure.h"

void
failure_model_init(FailureModel *m)
{
  *m = (FailureModel){ .slow_start = dist_fixed(0) };
}

gboolean
failure_model_parse(const JNode *n, FailureModel *m, GError **error)
{
  static const char *const keys[] = {
    "startup_failure_probability", "crash_mttf", "hang_mttf", "slow_start",
    "fails_health_checks", NULL
  };
  return jn_check_object(n, keys, NULL, error) &&
         jn_double(n, "startup_failure_probability", 0.0, 1.0,
                   &m->startup_failure_probability, error) &&
         jn_duration(n, "crash_mttf", SIM_SEC, SIM_TIME_MAX / 4,
                     &m->crash_mttf, error) &&
         jn_duration(n, "hang_mttf", SIM_SEC, SIM_TIME_MAX / 4,
                     &m->hang_mttf, error) &&
         dist_member(n, "slow_start", 30 * SIM_DAY, &m->slow_start, error) &&
         jn_bool(n, "fails_health_checks", &m->fails_health_checks, error);
}

void
failure_model_copy(FailureModel *dst, const FailureModel *src)
{
  *dst = *src;
  dist_copy(&dst->slow_start, &src->slow_start);
}

void
failure_model_clear(FailureModel *m)
{
  dist_clear(&m->slow_start);
}

