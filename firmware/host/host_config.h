/* Reads the sdkconfig-format file the lab hands over (--config) into an epv_config_t. */
#ifndef HOST_CONFIG_H
#define HOST_CONFIG_H

#include "../core/epv_sdkconfig.h"

/** Reads at most 64 KiB from path and parses it with epv_sdkconfig_parse. */
epv_status_t host_config_load(const char *path, epv_config_t *cfg, int *line_no, const char **why);

#endif
