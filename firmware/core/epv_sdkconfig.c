/* sdkconfig-format text into an epv_config_t: how the host and wasm ports (the virtual boards) get the
 * menuconfig values that the ESP-IDF port has compiled in. Portable: no I/O, no allocation. */
#include "epv_sdkconfig.h"

#include <stdlib.h>
#include <string.h>

#include "epv_crypto.h"

#define VALUE_MAX 512
#define P "CONFIG_ESPNOW_"

/* Decodes a double-quoted C string (\\ \" \n \t \xHH \ooo) into out; returns length or -1. */
static int unquote(const char *s, size_t len, char *out, size_t cap)
{
    if (len < 2 || s[0] != '"' || s[len - 1] != '"') {
        return -1;
    }
    size_t n = 0;
    for (size_t i = 1; i + 1 < len; i++) {
        char ch = s[i];
        if (ch == '\\') {
            if (++i + 1 > len - 1) {
                return -1;
            }
            char e = s[i];
            if (e == 'n') {
                ch = '\n';
            } else if (e == 't') {
                ch = '\t';
            } else if (e == 'r') {
                ch = '\r';
            } else if (e == 'x') {
                unsigned v = 0;
                int digits = 0;
                while (digits < 2 && i + 1 < len - 1 && strchr("0123456789abcdefABCDEF", s[i + 1]) && s[i + 1]) {
                    char d = s[++i];
                    v = v * 16 + (unsigned)(d <= '9' ? d - '0' : (d | 0x20) - 'a' + 10);
                    digits++;
                }
                if (!digits) {
                    return -1;
                }
                ch = (char)v;
            } else if (e >= '0' && e <= '7') {
                unsigned v = (unsigned)(e - '0');
                for (int k = 0; k < 2 && i + 1 < len - 1 && s[i + 1] >= '0' && s[i + 1] <= '7'; k++) {
                    v = v * 8 + (unsigned)(s[++i] - '0');
                }
                ch = (char)v;
            } else {
                ch = e; /* \\ \" \' \? */
            }
        } else if (ch == '"') {
            return -1;
        }
        if (n + 1 >= cap) {
            return -1;
        }
        out[n++] = ch;
    }
    out[n] = '\0';
    return (int)n;
}

static int parse_uint(const char *v, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    if (!*v || *v == '-') {
        return -1;
    }
    unsigned long x = strtoul(v, &end, 10);
    if (*end || x > max) {
        return -1;
    }
    *out = x;
    return 0;
}

/* Applies one setting; returns a reason string on error. */
static const char *apply(epv_config_t *c, const char *name, const char *raw, size_t raw_len)
{
    char str[VALUE_MAX];
    int slen = unquote(raw, raw_len, str, sizeof(str));
    unsigned long num = 0;
    int is_y = raw_len == 1 && raw[0] == 'y';

    if (!strcmp(name, P "ROLE_RESPONDER")) {
        if (is_y) c->role = EPV_ROLE_RESPONDER;
    } else if (!strcmp(name, P "ROLE_INITIATOR")) {
        if (is_y) c->role = EPV_ROLE_INITIATOR;
    } else if (!strcmp(name, P "MODE_SECURE")) {
        if (is_y) c->mode = EPV_MODE_SECURE;
    } else if (!strcmp(name, P "MODE_ESPRESSIF_4_4")) {
        if (is_y) c->mode = EPV_MODE_ESPRESSIF_44;
    } else if (!strcmp(name, P "MODE_ESPRESSIF_5_3")) {
        if (is_y) c->mode = EPV_MODE_ESPRESSIF_53;
    } else if (!strcmp(name, P "MODE_ESPRESSIF_5_4")) {
        if (is_y) c->mode = EPV_MODE_ESPRESSIF_54;
    } else if (!strcmp(name, P "WIFI_SSID")) {
        if (slen < 0 || epv_config_set_ssid(c, str, (size_t)slen) != EPV_OK) return "WIFI_SSID: quoted, at most 32 bytes";
    } else if (!strcmp(name, P "WIFI_PASSWORD")) {
        if (slen < 0 || epv_config_set_password(c, str, (size_t)slen) != EPV_OK) return "WIFI_PASSWORD: quoted, at most 64 bytes";
    } else if (!strcmp(name, P "PAIR_KEY")) {
        if (slen < 0) return "PAIR_KEY: quoted hex";
        c->pair_key_set = false;
        if (slen > 0) {
            if (epv_parse_key_hex(str, (size_t)slen, c->pair_key) != EPV_OK) return "PAIR_KEY: 64 hex digits";
            c->pair_key_set = true;
        }
    } else if (!strcmp(name, P "ALLOWED_INITIATORS")) {
        if (slen < 0 || epv_parse_allow_list(str, (size_t)slen, c) != EPV_OK) return "ALLOWED_INITIATORS: comma-separated MACs";
    } else if (!strcmp(name, P "PRODUCT_ID")) {
        if (slen < 0 || epv_config_set_id(c->product_id, str, (size_t)slen) != EPV_OK) return "PRODUCT_ID: at most 16 bytes";
    } else if (!strcmp(name, P "DEVICE_NAME")) {
        if (slen < 0 || epv_config_set_id(c->device_name, str, (size_t)slen) != EPV_OK) return "DEVICE_NAME: at most 16 bytes";
    } else if (!strcmp(name, P "CHANNEL")) {
        if (parse_uint(raw, 13, &num)) return "CHANNEL: 0..13";
        c->channel = (uint8_t)num;
    } else if (!strcmp(name, P "BEACON_INTERVAL_MS")) {
        if (parse_uint(raw, 10000, &num)) return "BEACON_INTERVAL_MS: number";
        c->beacon_interval_ms = (uint32_t)num;
    } else if (!strcmp(name, P "BEACON_WINDOW_S")) {
        if (parse_uint(raw, 86400, &num)) return "BEACON_WINDOW_S: number";
        c->beacon_window_ms = (uint32_t)num * 1000u;
    } else if (!strcmp(name, P "SCAN_TIMEOUT_S")) {
        if (parse_uint(raw, 86400, &num)) return "SCAN_TIMEOUT_S: number";
        c->scan_timeout_ms = (uint32_t)num * 1000u;
    }
    return NULL;
}

epv_status_t epv_sdkconfig_parse(const char *text, size_t len, epv_config_t *cfg, int *line_no, const char **why)
{
    size_t pos = 0;
    int line = 0;
    while (pos < len) {
        size_t end = pos;
        while (end < len && text[end] != '\n') {
            end++;
        }
        line++;
        size_t l = end - pos;
        if (l && text[pos + l - 1] == '\r') {
            l--;
        }
        const char *s = text + pos;
        pos = end + 1;
        if (l == 0 || s[0] == '#') {
            continue;
        }
        const char *eq = memchr(s, '=', l);
        char name[96];
        size_t nlen = eq ? (size_t)(eq - s) : 0;
        if (!eq || nlen == 0 || nlen >= sizeof(name)) {
            *line_no = line;
            *why = "expected CONFIG_NAME=value";
            return EPV_ERR_VALUE;
        }
        memcpy(name, s, nlen);
        name[nlen] = '\0';
        char raw[VALUE_MAX];
        size_t rlen = l - nlen - 1;
        if (rlen >= sizeof(raw)) {
            *line_no = line;
            *why = "value too long";
            return EPV_ERR_VALUE;
        }
        memcpy(raw, eq + 1, rlen);
        raw[rlen] = '\0';
        const char *err = apply(cfg, name, raw, rlen);
        epv_wipe(raw, sizeof(raw)); /* may have held the password */
        if (err) {
            *line_no = line;
            *why = err;
            return EPV_ERR_VALUE;
        }
    }
    return EPV_OK;
}
