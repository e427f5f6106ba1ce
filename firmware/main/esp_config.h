/* Kconfig (sdkconfig.h) values into the core's config struct. */
#ifndef ESP_CONFIG_H
#define ESP_CONFIG_H

#include "epv_config.h"

/** Fills cfg from CONFIG_ESPNOW_*; *why names the first bad value. self_mac is left to the caller. */
epv_status_t esp_config_load(epv_config_t *cfg, const char **why);

#endif
