#include "epv_config.h"

#include <string.h>

void epv_config_defaults(epv_config_t *c)
{
    memset(c, 0, sizeof(*c));
    c->role = EPV_ROLE_RESPONDER;
    c->mode = EPV_MODE_SECURE;
    c->beacon_interval_ms = 100;
    c->beacon_window_ms = 30000;
    c->scan_timeout_ms = 30000;
    memcpy(c->product_id, "espnow_prov", sizeof("espnow_prov"));
}

epv_status_t epv_config_validate(const epv_config_t *c, const char **why)
{
    const char *reason = NULL;
    if (c->role != EPV_ROLE_RESPONDER && c->role != EPV_ROLE_INITIATOR) {
        reason = "role";
    } else if (c->mode != EPV_MODE_SECURE && c->mode != EPV_MODE_ESPRESSIF_44 && c->mode != EPV_MODE_ESPRESSIF_53 &&
               c->mode != EPV_MODE_ESPRESSIF_54) {
        reason = "mode";
    } else if (c->channel > EPV_CHANNEL_MAX) {
        reason = "channel must be 0..13";
    } else if (c->beacon_interval_ms < 10 || c->beacon_interval_ms > 10000) {
        reason = "beacon interval must be 10..10000 ms";
    } else if (c->beacon_window_ms < c->beacon_interval_ms) {
        reason = "beacon window shorter than one interval";
    } else if (c->scan_timeout_ms < 1000) {
        reason = "scan timeout must be >= 1 s";
    } else if (c->mode == EPV_MODE_SECURE && !c->pair_key_set && !(c->role == EPV_ROLE_INITIATOR && c->provisioned)) {
        reason = "secure mode needs a 64-hex-digit pair key";
    } else if (c->role == EPV_ROLE_RESPONDER && c->ssid_len == 0) {
        reason = "responder needs a Wi-Fi SSID";
    }
    if (why) {
        *why = reason;
    }
    return reason ? EPV_ERR_VALUE : EPV_OK;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') {
        return ch - '0';
    }
    if (ch >= 'a' && ch <= 'f') {
        return ch - 'a' + 10;
    }
    if (ch >= 'A' && ch <= 'F') {
        return ch - 'A' + 10;
    }
    return -1;
}

epv_status_t epv_parse_mac(const char *s, size_t len, uint8_t mac[EPV_MAC_LEN])
{
    if (!s || len != 17) {
        return EPV_ERR_VALUE;
    }
    for (size_t i = 0; i < EPV_MAC_LEN; i++) {
        int hi = hexval(s[i * 3]);
        int lo = hexval(s[i * 3 + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':')) {
            return EPV_ERR_VALUE;
        }
        mac[i] = (uint8_t)(hi << 4 | lo);
    }
    return EPV_OK;
}

epv_status_t epv_parse_key_hex(const char *s, size_t len, uint8_t key[EPV_PAIR_KEY_LEN])
{
    if (!s || len != 2 * EPV_PAIR_KEY_LEN) {
        return EPV_ERR_VALUE;
    }
    for (size_t i = 0; i < EPV_PAIR_KEY_LEN; i++) {
        int hi = hexval(s[2 * i]);
        int lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return EPV_ERR_VALUE;
        }
        key[i] = (uint8_t)(hi << 4 | lo);
    }
    return EPV_OK;
}

epv_status_t epv_parse_allow_list(const char *s, size_t len, epv_config_t *c)
{
    c->allow_count = 0;
    size_t i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == ',')) {
            i++;
        }
        size_t start = i;
        while (i < len && s[i] != ',' && s[i] != ' ') {
            i++;
        }
        if (i == start) {
            break;
        }
        if (c->allow_count >= EPV_ALLOW_MAX) {
            return EPV_ERR_OVERFLOW;
        }
        epv_status_t st = epv_parse_mac(s + start, i - start, c->allow[c->allow_count]);
        if (st != EPV_OK) {
            return st;
        }
        c->allow_count++;
    }
    return EPV_OK;
}

/* Copies a text setting into a fixed field; embedded NULs would silently shorten it on the wire. */
static epv_status_t set_field(uint8_t *dst, size_t cap, uint8_t *dst_len, const char *s, size_t len)
{
    if (len >= cap || (len && memchr(s, 0, len))) {
        return EPV_ERR_VALUE;
    }
    memset(dst, 0, cap);
    if (len) {
        memcpy(dst, s, len);
    }
    if (dst_len) {
        *dst_len = (uint8_t)len;
    }
    return EPV_OK;
}

epv_status_t epv_config_set_ssid(epv_config_t *c, const char *s, size_t len)
{
    return set_field(c->ssid, sizeof(c->ssid), &c->ssid_len, s, len);
}

epv_status_t epv_config_set_password(epv_config_t *c, const char *s, size_t len)
{
    return set_field(c->password, sizeof(c->password), &c->password_len, s, len);
}

epv_status_t epv_config_set_id(char dst[EPV_COMPAT_ID_LEN + 1], const char *s, size_t len)
{
    return set_field((uint8_t *)dst, EPV_COMPAT_ID_LEN + 1, NULL, s, len);
}

bool epv_config_allows(const epv_config_t *c, const uint8_t mac[EPV_MAC_LEN])
{
    if (c->allow_count == 0) {
        return true;
    }
    for (uint8_t i = 0; i < c->allow_count; i++) {
        if (epv_mac_equal(c->allow[i], mac)) {
            return true;
        }
    }
    return false;
}

const char *epv_mode_name(epv_mode_t m)
{
    switch (m) {
    case EPV_MODE_SECURE: return "secure";
    case EPV_MODE_ESPRESSIF_44: return "espressif-4.4";
    case EPV_MODE_ESPRESSIF_53: return "espressif-5.3";
    case EPV_MODE_ESPRESSIF_54: return "espressif-5.4";
    }
    return "unknown";
}

const char *epv_role_name(epv_role_t r) { return r == EPV_ROLE_INITIATOR ? "initiator" : "responder"; }

epv_layout_t epv_mode_layout(epv_mode_t m)
{
    switch (m) {
    case EPV_MODE_ESPRESSIF_44: return EPV_LAYOUT_IDF44;
    case EPV_MODE_ESPRESSIF_54: return EPV_LAYOUT_IDF54;
    default: return EPV_LAYOUT_IDF53;
    }
}
