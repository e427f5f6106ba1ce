/* Payloads of Espressif's esp-now provisioning (compatibility mode), byte for byte as the reference
 * component lays out its packed structs. All offsets below are from the start of the payload, which
 * begins with the one-byte kind. */
#ifndef EPV_COMPAT_H
#define EPV_COMPAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epv_frame.h"
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
/* Fields of wifi_sta_config_t at the same offsets in every layout (checked against the headers of ESP-IDF
 * 4.4.4 to 6.0.2): payload offset = 5 + offset within the struct. */
#define EPV_COMPAT_WIFI_SSID_OFF 5
#define EPV_COMPAT_WIFI_PASSWORD_OFF 37
#define EPV_COMPAT_WIFI_BSSID_SET_OFF 105 /* bool bssid_set */
#define EPV_COMPAT_WIFI_BSSID_OFF 106     /* uint8_t bssid[6] */
#define EPV_COMPAT_WIFI_CHANNEL_OFF 112   /* uint8_t channel: 0 = any */

/** wifi_sta_config_t changes size between ESP-IDF lines, which moves the token and custom_size. */
typedef enum {
    EPV_LAYOUT_IDF53 = 0, /* IDF 5.1-5.3: wifi_sta_config_t = 180 bytes, WIFI payload 218 */
    EPV_LAYOUT_IDF54 = 1, /* IDF >= 5.4: 184 bytes, payload 222 */
    EPV_LAYOUT_IDF44 = 2, /* IDF 4.4.4-4.4.x and 5.0.1-5.0.x: 140 bytes, payload 178 */
    EPV_LAYOUT_COUNT
} epv_layout_t;

size_t epv_compat_sta_config_len(epv_layout_t layout);
/** Payload length of a WIFI frame without custom data: 1 + 4 + sta + 32 + 1 (178, 218 or 222). */
size_t epv_compat_wifi_len(epv_layout_t layout);
/** Payload offset of token[32]: 145 (4.4), 185 (5.3) or 189 (5.4). */
size_t epv_compat_token_off(epv_layout_t layout);
/** "IDF 4.4/5.0", "IDF 5.1-5.3", "IDF >= 5.4": for log lines. */
const char *epv_layout_name(epv_layout_t layout);

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
    bool bssid_set; /* join only this AP */
    uint8_t bssid[EPV_MAC_LEN];
    uint8_t channel; /* the AP's channel, 0 = unknown */
    uint8_t token[EPV_COMPAT_TOKEN_LEN];
    uint8_t custom_size;
    epv_layout_t layout; /* decode: the layout the frame was read with */
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
 * Decodes a compat payload. A WIFI payload is read with `layout` only, and only if its length fits that
 * layout (base + custom_size) and no other: a length two layouts explain is EPV_ERR_LENGTH, never a guess
 * (epv_compat_wifi_fits tells a caller which layouts matched, for its log). DEVICE frames may carry
 * trailing bytes: the reference initiator sends the size of its whole union.
 */
epv_status_t epv_compat_decode(const uint8_t *payload, size_t len, epv_layout_t layout, epv_compat_msg_t *msg);

/** Bit (1u << layout) set for every layout whose length rule the WIFI payload satisfies; 0 for none. */
unsigned epv_compat_wifi_fits(const uint8_t *payload, size_t len);

#endif
