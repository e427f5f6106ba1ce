/* Kconfig (sdkconfig.h) values into the core's config struct, then the board's own values from NVS. */
#ifndef ESP_CONFIG_H
#define ESP_CONFIG_H

#include "epv_config.h"

/** Fills cfg from CONFIG_ESPNOW_*; *why names the first bad value. self_mac is left to the caller. */
epv_status_t esp_config_load(epv_config_t *cfg, const char **why);

#include <stddef.h>

/**
 * Applies the board's own values from NVS namespace espnow_prov over cfg (absent keys keep menuconfig's).
 * On error why holds "config error in NVS key K: ..." (or why the namespace cannot be read).
 */
epv_status_t esp_config_apply_nvs(epv_config_t *cfg, char *why, size_t cap);

#endif
