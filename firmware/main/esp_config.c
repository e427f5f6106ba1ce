#include "esp_config.h"

#include <string.h>
#include "sdkconfig.h"

epv_status_t esp_config_load(epv_config_t *cfg, const char **why)
{
    epv_config_defaults(cfg);
#if CONFIG_ESPNOW_ROLE_INITIATOR
    cfg->role = EPV_ROLE_INITIATOR;
#else
    cfg->role = EPV_ROLE_RESPONDER;
#endif
#if CONFIG_ESPNOW_MODE_ESPRESSIF_4_4
    cfg->mode = EPV_MODE_ESPRESSIF_44;
#elif CONFIG_ESPNOW_MODE_ESPRESSIF_5_3
    cfg->mode = EPV_MODE_ESPRESSIF_53;
#elif CONFIG_ESPNOW_MODE_ESPRESSIF_5_4
    cfg->mode = EPV_MODE_ESPRESSIF_54;
#else
    cfg->mode = EPV_MODE_SECURE;
#endif
    cfg->channel = (uint8_t)CONFIG_ESPNOW_CHANNEL;
    cfg->beacon_interval_ms = (uint32_t)CONFIG_ESPNOW_BEACON_INTERVAL_MS;
    cfg->beacon_window_ms = (uint32_t)CONFIG_ESPNOW_BEACON_WINDOW_S * 1000u;
    cfg->scan_timeout_ms = (uint32_t)CONFIG_ESPNOW_SCAN_TIMEOUT_S * 1000u;

    const char *key = CONFIG_ESPNOW_PAIR_KEY;
    const char *allow = CONFIG_ESPNOW_ALLOWED_INITIATORS;
    *why = NULL;
    if (epv_config_set_ssid(cfg, CONFIG_ESPNOW_WIFI_SSID, strlen(CONFIG_ESPNOW_WIFI_SSID)) != EPV_OK) {
        *why = "Wi-Fi SSID longer than 32 bytes";
    } else if (epv_config_set_password(cfg, CONFIG_ESPNOW_WIFI_PASSWORD, strlen(CONFIG_ESPNOW_WIFI_PASSWORD)) != EPV_OK) {
        *why = "Wi-Fi password longer than 64 bytes";
    } else if (epv_config_set_id(cfg->product_id, CONFIG_ESPNOW_PRODUCT_ID, strlen(CONFIG_ESPNOW_PRODUCT_ID)) != EPV_OK ||
               epv_config_set_id(cfg->device_name, CONFIG_ESPNOW_DEVICE_NAME, strlen(CONFIG_ESPNOW_DEVICE_NAME)) != EPV_OK) {
        *why = "product id / device name longer than 16 bytes";
    } else if (epv_parse_allow_list(allow, strlen(allow), cfg) != EPV_OK) {
        *why = "allowed initiators: comma-separated aa:bb:cc:dd:ee:ff";
    } else if (key[0] != '\0') {
        if (epv_parse_key_hex(key, strlen(key), cfg->pair_key) != EPV_OK) {
            *why = "pair key must be 64 hex digits";
        } else {
            cfg->pair_key_set = true;
        }
    }
    return *why ? EPV_ERR_VALUE : EPV_OK;
}
