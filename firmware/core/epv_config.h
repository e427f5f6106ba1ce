/* Settings of one node, filled by a port from Kconfig (ESP-IDF) or from an sdkconfig file (host). */
#ifndef EPV_CONFIG_H
#define EPV_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epv_compat.h"
#include "epv_frame.h"
#include "epv_secure.h"
#include "epv_status.h"

#define EPV_ALLOW_MAX 16
#define EPV_CHANNEL_MAX 13

typedef enum { EPV_ROLE_RESPONDER = 0, EPV_ROLE_INITIATOR = 1 } epv_role_t;

/* The Espressif-compatible modes differ only in the wifi_sta_config_t layout of WIFI frames, i.e. in the
 * ESP-IDF line the Espressif peer was built with (PROTOCOL.md, "Talking to Espressif's example"). */
typedef enum {
    EPV_MODE_SECURE = 0,
    EPV_MODE_ESPRESSIF_53 = 1, /* IDF 5.1-5.3 */
    EPV_MODE_ESPRESSIF_54 = 2, /* IDF >= 5.4 */
    EPV_MODE_ESPRESSIF_44 = 3  /* IDF 4.4.4+ and 5.0.1+ */
} epv_mode_t;

typedef struct {
    epv_role_t role;
    epv_mode_t mode;
    uint8_t self_mac[EPV_MAC_LEN];
    uint8_t ssid[EPV_SSID_MAX + 1];
    uint8_t ssid_len;
    uint8_t password[EPV_PASSWORD_MAX + 1];
    uint8_t password_len;
    uint8_t channel; /* 0: initiator scans, responder uses 1 */
    uint8_t pair_key[EPV_PAIR_KEY_LEN];
    bool pair_key_set;
    /* An initiator provisioned earlier: ssid / password are the network it joined; it joins again at boot
     * and needs no pair key (it erased its own). */
    bool provisioned;
    uint8_t allow[EPV_ALLOW_MAX][EPV_MAC_LEN];
    uint8_t allow_count; /* 0: any holder of the pair key */
    uint32_t beacon_interval_ms;
    uint32_t beacon_window_ms;
    uint32_t scan_timeout_ms;
    char product_id[EPV_COMPAT_ID_LEN + 1];
    char device_name[EPV_COMPAT_ID_LEN + 1];
} epv_config_t;

/** Defaults matching Kconfig's: secure responder, 100 ms beacons for 30 s, 30 s scan. */
void epv_config_defaults(epv_config_t *c);

/** Checks ranges and that what the role needs is present. *why gets a constant reason on failure. */
epv_status_t epv_config_validate(const epv_config_t *c, const char **why);

epv_status_t epv_parse_mac(const char *s, size_t len, uint8_t mac[EPV_MAC_LEN]);
/** Exactly 64 hex digits (either case) into 32 bytes. */
epv_status_t epv_parse_key_hex(const char *s, size_t len, uint8_t key[EPV_PAIR_KEY_LEN]);
/** Comma-separated MACs, spaces allowed around them, empty string = empty list. */
epv_status_t epv_parse_allow_list(const char *s, size_t len, epv_config_t *c);
/** Sets ssid / password / ids from strings, checking their wire limits. */
epv_status_t epv_config_set_ssid(epv_config_t *c, const char *s, size_t len);
epv_status_t epv_config_set_password(epv_config_t *c, const char *s, size_t len);
epv_status_t epv_config_set_id(char dst[EPV_COMPAT_ID_LEN + 1], const char *s, size_t len);

bool epv_config_allows(const epv_config_t *c, const uint8_t mac[EPV_MAC_LEN]);
/** "secure", "espressif-4.4", "espressif-5.3", "espressif-5.4": the names the boot event, the lab and the
 * extension's espnow.security setting use. */
const char *epv_mode_name(epv_mode_t m);
const char *epv_role_name(epv_role_t r);
/** The WIFI layout of a compat mode (meaningless for secure mode). */
epv_layout_t epv_mode_layout(epv_mode_t m);

#endif
