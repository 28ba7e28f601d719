/* The shipped price catalog (models/config/pricing/us-east-1.json), compiled into
 * the binary by models/config/pricing/embed.py so that `ecsim` finds its prices
 * wherever it is installed. Private to models/config/pricing.c. */
#pragma once

#include <glib.h>

/* The JSON text, NUL-terminated. */
extern const char pricing_embedded_json[];
/* Its length in bytes, without the NUL. */
extern const gsize pricing_embedded_json_len;
