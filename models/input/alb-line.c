/* Fields of an ALB access-log line (see alb-line.h). */
#include "models/input/alb-line.h"

static gboolean
blank(char c)
{
  return c == ' ' || c == '\t';
}

static gboolean
line_end(char c)
{
  return c == '\0' || c == '\r' || c == '\n';
}

gboolean
alb_line_field(const char **p, const char **start, gsize *len)
{
  const char *s = *p;
  while (blank(*s))
    s++;
  if (line_end(*s))
    return FALSE;
  const char *f = s;
  while (!line_end(*s) && !blank(*s)) {
    if (*s++ != '"')
      continue;
    while (!line_end(*s) && *s != '"')
      s += s[0] == '\\' && !line_end(s[1]) ? 2 : 1;
    if (*s == '"')
      s++;
  }
  *start = f;
  *len = (gsize) (s - f);
  while (blank(*s))
    s++;
  *p = s;
  return TRUE;
}
