/* Payloads of Espressif's esp-now provisioning (compatibility mode), byte for byte as the reference
 * component lays out its packed structs. All offsets below are from the start of the payload, which
 * begins with the one-byte kind. */
#ifndef EPV_COMPAT_H
#define EPV_COMPAT_H

#include <stddef.h>
#include <stdint.h>
#include "epv_status.h"

#define EPV_KIND_BEACON 0
#define EPV_KIND_DEVICE 1
#define EPV_KIND_WIFI 2

#define EPV_COMPAT_ID_LEN 16
#define EPV_COMPAT_SECRET_LEN 32
#define EPV_COMPAT_TOKEN_LEN 32
#define EPV_SSID_MAX 32
#define EPV_PASSWORD_MAX 64

#define EPV_COMPAT_BEACON_LEN 33
#define EPV_COMPAT_DEVICE_LEN 70
#define EPV_COMPAT_WIFI_SSID_OFF 5
#define EPV_COMPAT_WIFI_PASSWORD_OFF 37

/** wifi_sta_config_t grew by 4 bytes in ESP-IDF 5.4, which moves the token and custom_size. */
typedef enum {
    EPV_LAYOUT_IDF53 = 0, /* wifi_sta_config_t = 180 bytes, WIFI payload 218 */
    EPV_LAYOUT_IDF54 = 1  /* wifi_sta_config_t = 184 bytes, WIFI payload 222 */
} epv_layout_t;

size_t epv_compat_sta_config_len(epv_layout_t layout);
/** Payload length of a WIFI frame without custom data: 1 + 4 + sta + 32 + 1. */
size_t epv_compat_wifi_len(epv_layout_t layout);
/** Payload offset of token[32]: 185 (5.3) or 189 (5.4). */
size_t epv_compat_token_off(epv_layout_t layout);

typedef struct {
    char product_id[EPV_COMPAT_ID_LEN + 1];
    char device_name[EPV_COMPAT_ID_LEN + 1];
} epv_compat_beacon_t;

typedef struct {
    char product_id[EPV_COMPAT_ID_LEN + 1];
    char device_name[EPV_COMPAT_ID_LEN + 1];
    uint32_t auth_mode; /* 0 invalid, 1 product, 2 device, 3 cert */
    uint8_t secret[EPV_COMPAT_SECRET_LEN];
    uint8_t custom_size;
} epv_compat_device_t;

typedef struct {
    uint32_t mode; /* wifi_mode_t, 1 = STA */
    uint8_t ssid[EPV_SSID_MAX + 1];
    uint8_t ssid_len;
    uint8_t password[EPV_PASSWORD_MAX + 1];
    uint8_t password_len;
    uint8_t token[EPV_COMPAT_TOKEN_LEN];
    uint8_t custom_size;
    epv_layout_t layout; /* decode: the layout the length matched */
} epv_compat_wifi_t;

typedef struct {
    uint8_t kind;
    union {
        epv_compat_beacon_t beacon;
        epv_compat_device_t device;
        epv_compat_wifi_t wifi;
    } u;
} epv_compat_msg_t;

epv_status_t epv_compat_encode_beacon(const epv_compat_beacon_t *b, uint8_t *out, size_t cap, size_t *out_len);
epv_status_t epv_compat_encode_device(const epv_compat_device_t *d, uint8_t *out, size_t cap, size_t *out_len);
epv_status_t epv_compat_encode_wifi(const epv_compat_wifi_t *w, epv_layout_t layout, uint8_t *out, size_t cap,
                                    size_t *out_len);

/**
 * Decodes a compat payload. WIFI frames are matched against `preferred` first, then the other layout,
 * by their exact length (base + custom_size). DEVICE frames may carry trailing bytes: the reference
 * initiator sends the size of its whole union.
 */
epv_status_t epv_compat_decode(const uint8_t *payload, size_t len, epv_layout_t preferred, epv_compat_msg_t *msg);

#endif
