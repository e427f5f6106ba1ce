#include "epv_compat.h"

#include <string.h>
#include "epv_bytes.h"

_Static_assert(EPV_COMPAT_BEACON_LEN == 1 + 2 * EPV_COMPAT_ID_LEN, "beacon payload size");
_Static_assert(EPV_COMPAT_DEVICE_LEN == 1 + 2 * EPV_COMPAT_ID_LEN + 4 + EPV_COMPAT_SECRET_LEN + 1, "device size");
_Static_assert(EPV_COMPAT_WIFI_PASSWORD_OFF == EPV_COMPAT_WIFI_SSID_OFF + EPV_SSID_MAX, "password offset");
_Static_assert(EPV_COMPAT_WIFI_BSSID_SET_OFF == EPV_COMPAT_WIFI_SSID_OFF + 100, "bssid_set after scan_method");
_Static_assert(EPV_COMPAT_WIFI_CHANNEL_OFF == EPV_COMPAT_WIFI_BSSID_OFF + EPV_MAC_LEN, "channel after bssid");

size_t epv_compat_sta_config_len(epv_layout_t layout)
{
    switch (layout) {
    case EPV_LAYOUT_IDF44: return 140u;
    case EPV_LAYOUT_IDF54: return 184u;
    default: return 180u;
    }
}

const char *epv_layout_name(epv_layout_t layout)
{
    switch (layout) {
    case EPV_LAYOUT_IDF44: return "IDF 4.4/5.0";
    case EPV_LAYOUT_IDF54: return "IDF >= 5.4";
    default: return "IDF 5.1-5.3";
    }
}

size_t epv_compat_wifi_len(epv_layout_t layout) { return 1u + 4u + epv_compat_sta_config_len(layout) + 32u + 1u; }

size_t epv_compat_token_off(epv_layout_t layout) { return 1u + 4u + epv_compat_sta_config_len(layout); }

static epv_status_t finish(const epv_wr_t *w, size_t *out_len)
{
    if (w->st == EPV_OK) {
        *out_len = w->len;
    }
    return w->st;
}

epv_status_t epv_compat_encode_beacon(const epv_compat_beacon_t *b, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!b || !out_len) {
        return EPV_ERR_ARG;
    }
    epv_wr_t w;
    epv_wr_init(&w, out, cap);
    epv_wr_u8(&w, EPV_KIND_BEACON);
    epv_wr_str(&w, b->product_id, EPV_COMPAT_ID_LEN);
    epv_wr_str(&w, b->device_name, EPV_COMPAT_ID_LEN);
    return finish(&w, out_len);
}

epv_status_t epv_compat_encode_device(const epv_compat_device_t *d, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!d || !out_len) {
        return EPV_ERR_ARG;
    }
    epv_wr_t w;
    epv_wr_init(&w, out, cap);
    epv_wr_u8(&w, EPV_KIND_DEVICE);
    epv_wr_str(&w, d->product_id, EPV_COMPAT_ID_LEN);
    epv_wr_str(&w, d->device_name, EPV_COMPAT_ID_LEN);
    epv_wr_u32(&w, d->auth_mode);
    epv_wr_bytes(&w, d->secret, EPV_COMPAT_SECRET_LEN);
    epv_wr_u8(&w, 0); /* we never send custom data: custom_size 0, and nothing after it */
    return finish(&w, out_len);
}

epv_status_t epv_compat_encode_wifi(const epv_compat_wifi_t *wi, epv_layout_t layout, uint8_t *out, size_t cap,
                                    size_t *out_len)
{
    if (!wi || !out_len || wi->ssid_len > EPV_SSID_MAX || wi->password_len > EPV_PASSWORD_MAX) {
        return EPV_ERR_ARG;
    }
    size_t sta = epv_compat_sta_config_len(layout);
    epv_wr_t w;
    epv_wr_init(&w, out, cap);
    epv_wr_u8(&w, EPV_KIND_WIFI);
    epv_wr_u32(&w, wi->mode);
    epv_wr_bytes(&w, wi->ssid, wi->ssid_len);
    epv_wr_zero(&w, EPV_SSID_MAX - wi->ssid_len);
    epv_wr_bytes(&w, wi->password, wi->password_len);
    epv_wr_zero(&w, EPV_PASSWORD_MAX - wi->password_len);
    epv_wr_zero(&w, EPV_COMPAT_WIFI_BSSID_SET_OFF - EPV_COMPAT_WIFI_PASSWORD_OFF - EPV_PASSWORD_MAX); /* scan_method */
    epv_wr_u8(&w, wi->bssid_set ? 1 : 0);
    epv_wr_bytes(&w, wi->bssid, EPV_MAC_LEN);
    epv_wr_u8(&w, wi->channel);
    /* The rest of wifi_sta_config_t stays zero: the same as a zero-initialised config in ESP-IDF. */
    epv_wr_zero(&w, sta - (EPV_COMPAT_WIFI_CHANNEL_OFF + 1 - EPV_COMPAT_WIFI_SSID_OFF));
    epv_wr_bytes(&w, wi->token, EPV_COMPAT_TOKEN_LEN);
    epv_wr_u8(&w, 0);
    return finish(&w, out_len);
}

/* Copies a fixed, possibly unterminated field and returns its length up to the first NUL. */
static uint8_t fixed_field(const uint8_t *src, size_t n, uint8_t *dst)
{
    size_t l = 0;
    while (l < n && src[l] != 0) {
        l++;
    }
    memcpy(dst, src, l);
    dst[l] = 0;
    return (uint8_t)l;
}

static bool wifi_fits(const uint8_t *p, size_t len, epv_layout_t layout)
{
    size_t base = epv_compat_wifi_len(layout);
    return len >= base && len == base + p[base - 1];
}

unsigned epv_compat_wifi_fits(const uint8_t *payload, size_t len)
{
    unsigned fits = 0;
    for (int l = 0; payload && l < EPV_LAYOUT_COUNT; l++) {
        if (wifi_fits(payload, len, (epv_layout_t)l)) {
            fits |= 1u << l;
        }
    }
    return fits;
}

static epv_status_t decode_wifi(const uint8_t *p, size_t len, epv_layout_t layout, epv_compat_wifi_t *wi)
{
    if (epv_compat_wifi_fits(p, len) != 1u << layout) {
        return EPV_ERR_LENGTH; /* another layout, several, or none */
    }
    size_t base = epv_compat_wifi_len(layout);
    memset(wi, 0, sizeof(*wi));
    wi->mode = epv_le32(p + 1);
    wi->ssid_len = fixed_field(p + EPV_COMPAT_WIFI_SSID_OFF, EPV_SSID_MAX, wi->ssid);
    wi->password_len = fixed_field(p + EPV_COMPAT_WIFI_PASSWORD_OFF, EPV_PASSWORD_MAX, wi->password);
    wi->bssid_set = p[EPV_COMPAT_WIFI_BSSID_SET_OFF] != 0;
    memcpy(wi->bssid, p + EPV_COMPAT_WIFI_BSSID_OFF, EPV_MAC_LEN);
    wi->channel = p[EPV_COMPAT_WIFI_CHANNEL_OFF];
    memcpy(wi->token, p + epv_compat_token_off(layout), EPV_COMPAT_TOKEN_LEN);
    wi->custom_size = p[base - 1];
    wi->layout = layout;
    return EPV_OK;
}

epv_status_t epv_compat_decode(const uint8_t *payload, size_t len, epv_layout_t layout, epv_compat_msg_t *msg)
{
    if (!payload || !msg || layout >= EPV_LAYOUT_COUNT) {
        return EPV_ERR_ARG;
    }
    if (len < 1) {
        return EPV_ERR_SHORT;
    }
    memset(msg, 0, sizeof(*msg));
    msg->kind = payload[0];
    epv_rd_t r;
    epv_rd_init(&r, payload, len);
    epv_rd_skip(&r, 1);
    switch (msg->kind) {
    case EPV_KIND_BEACON:
        if (len != EPV_COMPAT_BEACON_LEN) {
            return len < EPV_COMPAT_BEACON_LEN ? EPV_ERR_SHORT : EPV_ERR_LENGTH;
        }
        epv_rd_str(&r, msg->u.beacon.product_id, EPV_COMPAT_ID_LEN);
        epv_rd_str(&r, msg->u.beacon.device_name, EPV_COMPAT_ID_LEN);
        return r.st;
    case EPV_KIND_DEVICE: {
        epv_compat_device_t *d = &msg->u.device;
        epv_rd_str(&r, d->product_id, EPV_COMPAT_ID_LEN);
        epv_rd_str(&r, d->device_name, EPV_COMPAT_ID_LEN);
        d->auth_mode = epv_rd_u32(&r);
        epv_rd_bytes(&r, d->secret, EPV_COMPAT_SECRET_LEN);
        d->custom_size = epv_rd_u8(&r);
        if (r.st != EPV_OK) {
            return r.st;
        }
        return epv_rd_left(&r) < d->custom_size ? EPV_ERR_LENGTH : EPV_OK;
    }
    case EPV_KIND_WIFI:
        return decode_wifi(payload, len, layout, &msg->u.wifi);
    default:
        return EPV_ERR_KIND;
    }
}
