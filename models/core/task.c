/* Task names and ids. */
#include "models/core/task.h"

#include <stdio.h>

static const char *const state_names[] = {
  "PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING",
  "STOPPING", "DEPROVISIONING", "STOPPED",
};

static const char *const reason_names[] = {
  "none", "scale-in", "deployment", "unhealthy", "spot-interruption",
  "instance-terminated", "essential-container-exited", "startup-failure",
  "instance-draining", "out-of-memory",
};

const char *
task_state_name(TaskState state)
{
  g_return_val_if_fail(state < TASK_N_STATES, "?");
  return state_names[state];
}

const char *
task_stop_reason_name(StopReason reason)
{
  g_return_val_if_fail(reason < STOP_N_REASONS, "?");
  return reason_names[reason];
}

const char *
task_stop_code(StopReason reason)
{
  switch (reason) {
  case STOP_SPOT_INTERRUPTION:
    return "SpotInterruption";
  case STOP_STARTUP_FAILURE:
    return "TaskFailedToStart";
  case STOP_ESSENTIAL_EXIT:
  case STOP_OUT_OF_MEMORY:
    return "EssentialContainerExited";
  case STOP_INSTANCE_TERMINATED:
    return "TerminationNotice";
  default:
    return "ServiceSchedulerInitiated";
  }
}

char *
task_format_id(guint32 id, char *buf)
{
  /* Two rounds of a 64-bit mix give ECS-looking 32 hex digits that are
   * unique per id (the mix is a bijection). */
  guint64 a = id * UINT64_C(0x9e3779b97f4a7c15) + 0x1234567;
  a = (a ^ (a >> 31)) * UINT64_C(0xbf58476d1ce4e5b9);
  guint64 b = (a ^ (a >> 29)) * UINT64_C(0x94d049bb133111eb);
  sprintf(buf, "%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
          a ^ (a >> 32), b ^ (b >> 30));
  return buf;
}
