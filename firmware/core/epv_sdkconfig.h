/* Reads sdkconfig-format text (CONFIG_NAME=value lines) into an epv_config_t. */
#ifndef EPV_SDKCONFIG_H
#define EPV_SDKCONFIG_H

#include <stddef.h>
#include "epv_config.h"

/**
 * Parses text of `CONFIG_NAME=value` lines (strings double-quoted with C escapes, `#` comments).
 * Unknown names are ignored. On error *line_no / *why say where and what.
 */
epv_status_t epv_sdkconfig_parse(const char *text, size_t len, epv_config_t *cfg, int *line_no, const char **why);

#endif
