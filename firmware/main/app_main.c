/* Boot: NVS, netif, Wi-Fi station, ESP-NOW, then hand over to the port task. ESP_ERROR_CHECK is used
 * here only: a board that cannot bring its radio up has nothing better to do than reboot. */
#include <string.h>
#include "esp_config.h"
#include "esp_event.h"
#include "esp_log.h"
#include "esp_mac.h"
#include "esp_netif.h"
#include "esp_now.h"
#include "esp_port.h"
#include "esp_wifi.h"
#include "nvs_flash.h"

static const char *TAG = "app_main";

static void wifi_init(void)
{
    esp_err_t err = nvs_flash_init();
    if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
        ESP_ERROR_CHECK(nvs_flash_erase());
        err = nvs_flash_init();
    }
    ESP_ERROR_CHECK(err);
    ESP_ERROR_CHECK(esp_netif_init());
    ESP_ERROR_CHECK(esp_event_loop_create_default());
    esp_netif_create_default_wifi_sta();
    wifi_init_config_t cfg = WIFI_INIT_CONFIG_DEFAULT();
    ESP_ERROR_CHECK(esp_wifi_init(&cfg));
    /* the driver keeps nothing in flash: the firmware keeps what it needs in its own NVS namespace */
    ESP_ERROR_CHECK(esp_wifi_set_storage(WIFI_STORAGE_RAM));
    ESP_ERROR_CHECK(esp_wifi_set_mode(WIFI_MODE_STA));
    ESP_ERROR_CHECK(esp_wifi_start());
    ESP_ERROR_CHECK(esp_now_init());
}

void app_main(void)
{
    static epv_config_t cfg; /* copied into the node; wiped below */
    const char *why = NULL;
    wifi_init();
    if (esp_config_load(&cfg, &why) != EPV_OK) {
        ESP_LOGE("PROV_EVT", "failed reason=config detail=invalid_configuration");
        ESP_LOGE(TAG, "configuration: %s (fix it in menuconfig)", why);
        return;
    }
    char nvs_why[96];
    if (esp_config_apply_nvs(&cfg, nvs_why, sizeof(nvs_why)) != EPV_OK) {
        ESP_LOGE("PROV_EVT", "failed reason=config_error detail=nvs");
        ESP_LOGE("espnow_prov", "%s", nvs_why);
        memset(&cfg, 0, sizeof(cfg));
        return;
    }
    ESP_ERROR_CHECK(esp_read_mac(cfg.self_mac, ESP_MAC_WIFI_STA));
    esp_err_t err = esp_port_start(&cfg);
    memset(&cfg, 0, sizeof(cfg));
    if (err != ESP_OK) {
        ESP_LOGE(TAG, "port start: %s", esp_err_to_name(err));
    }
}
