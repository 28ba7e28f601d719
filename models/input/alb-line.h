/* Fields of an AWS Application Load Balancer access-log line.
 *
 * Fields are separated by blanks; a field in double quotes (the request,
 * the user agent, ...) may hold blanks, and a double quote inside it is
 * escaped as \" (ALB's log format). The one tokenizer that the log
 * replay (models/traffic/) and `ecsim calibrate` share. */
#pragma once

#include <glib.h>

/* The field at *@p (blanks before it skipped): *@start and *@len give it
 * as written, quotes included; *@p moves past it and the blanks after
 * it. FALSE (nothing set) at the end of the line (NUL, CR or LF). */
gboolean alb_line_field(const char **p, const char **start, gsize *len);
