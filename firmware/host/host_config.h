/* Reads the sdkconfig-format file the lab hands over (--config) into an epv_config_t. */
#ifndef HOST_CONFIG_H
#define HOST_CONFIG_H

#include <stddef.h>
#include "../core/epv_config.h"

/**
 * Parses text of `CONFIG_NAME=value` lines (strings double-quoted with C escapes, `#` comments).
 * Unknown names are ignored. On error *line_no / *why say where and what.
 */
epv_status_t host_config_parse(const char *text, size_t len, epv_config_t *cfg, int *line_no, const char **why);

/** Reads at most 64 KiB from path and parses it. */
epv_status_t host_config_load(const char *path, epv_config_t *cfg, int *line_no, const char **why);

#endif
