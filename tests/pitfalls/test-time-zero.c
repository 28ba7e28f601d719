/* Pitfalls: see tests/pitfalls/meson.build. */
#include <criterion/criterion.h>

#include "scenarios/cli.h"
#include "support.h"
