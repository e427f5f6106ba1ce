#include "esp_config.h"

#include <stdio.h>
#include <string.h>
#include "epv_config_kv.h"
#include "nvs.h"
#include "sdkconfig.h"

/* The store epv_config_apply_kv reads: namespace espnow_prov through ESP-IDF's own NVS library. */
static epv_status_t nvs_status(esp_err_t err)
{
    return err == ESP_OK ? EPV_OK : err == ESP_ERR_NVS_NOT_FOUND ? EPV_ERR_NOT_FOUND
                         : err == ESP_ERR_NVS_INVALID_LENGTH ? EPV_ERR_OVERFLOW : EPV_ERR_VALUE;
}

static epv_status_t kv_u8(void *ctx, const char *key, uint8_t *out)
{
    return nvs_status(nvs_get_u8(*(nvs_handle_t *)ctx, key, out));
}

static epv_status_t kv_u32(void *ctx, const char *key, uint32_t *out)
{
    return nvs_status(nvs_get_u32(*(nvs_handle_t *)ctx, key, out));
}

static epv_status_t kv_str(void *ctx, const char *key, char *out, size_t cap, size_t *len)
{
    size_t n = cap; /* nvs_get_str counts and writes the NUL: out has room for cap bytes */
    epv_status_t st = nvs_status(nvs_get_str(*(nvs_handle_t *)ctx, key, out, &n));
    if (st == EPV_OK) {
        *len = n ? n - 1 : 0;
    }
    return st;
}

static epv_status_t kv_blob(void *ctx, const char *key, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = cap;
    epv_status_t st = nvs_status(nvs_get_blob(*(nvs_handle_t *)ctx, key, out, &n));
    if (st == EPV_OK) {
        *len = n;
    }
    return st;
}

epv_status_t esp_config_apply_nvs(epv_config_t *cfg, char *why, size_t cap)
{
    nvs_handle_t h;
    esp_err_t err = nvs_open(EPV_KV_NAMESPACE, NVS_READONLY, &h);
    if (err == ESP_ERR_NVS_NOT_FOUND) {
        return EPV_OK; /* no per-board values: the menuconfig ones stand */
    }
    if (err != ESP_OK) {
        snprintf(why, cap, "config error: NVS namespace %s cannot be opened (%s)", EPV_KV_NAMESPACE, esp_err_to_name(err));
        return EPV_ERR_VALUE;
    }
    epv_kv_t kv = {.get_u8 = kv_u8, .get_u32 = kv_u32, .get_str = kv_str, .get_blob = kv_blob, .ctx = &h};
    const char *key = NULL, *what = NULL;
    unsigned applied = 0;
    epv_status_t st = epv_config_apply_kv(cfg, &kv, &key, &what, &applied);
    nvs_close(h);
    if (st != EPV_OK) {
        snprintf(why, cap, "config error in NVS key %s: %s", key ? key : "?", what ? what : "?");
    }
    return st;
}

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
