#include "epv_config_kv.h"

#include <string.h>

#include "epv_crypto.h"

#define STR_MAX 512 /* the allow-list is the longest string: 16 MACs and separators */

typedef struct {
    const epv_kv_t *kv;
    const char **bad_key;
    const char **why;
    unsigned applied;
} ctx_t;

/* Looks a key up: 1 = present (value read), 0 = absent, -1 = error (reported). */
static int found(ctx_t *x, const char *key, epv_status_t st)
{
    if (st == EPV_ERR_NOT_FOUND) {
        return 0;
    }
    if (st != EPV_OK) {
        *x->bad_key = key;
        *x->why = st == EPV_ERR_OVERFLOW ? "value too long" : "wrong type or unreadable";
        return -1;
    }
    x->applied++;
    return 1;
}

static int bad(ctx_t *x, const char *key, const char *why)
{
    *x->bad_key = key;
    *x->why = why;
    return -1;
}

static int u8_in(ctx_t *x, const char *key, uint8_t max, uint8_t *out)
{
    uint8_t v = 0;
    int r = found(x, key, x->kv->get_u8(x->kv->ctx, key, &v));
    if (r == 1) {
        if (v > max) {
            return bad(x, key, "out of range");
        }
        *out = v;
    }
    return r;
}

static int u32_in(ctx_t *x, const char *key, uint32_t min, uint32_t max, uint32_t *out)
{
    uint32_t v = 0;
    int r = found(x, key, x->kv->get_u32(x->kv->ctx, key, &v));
    if (r == 1) {
        if (v < min || v > max) {
            return bad(x, key, "out of range");
        }
        *out = v;
    }
    return r;
}

static int str(ctx_t *x, const char *key, char *buf, size_t cap, size_t *len)
{
    return found(x, key, x->kv->get_str(x->kv->ctx, key, buf, cap, len));
}

static int apply(epv_config_t *c, ctx_t *x)
{
    char s[STR_MAX];
    size_t n = 0;
    uint8_t u8 = 0;
    uint32_t secs = 0;
    int r;
    if ((r = u8_in(x, EPV_KV_ROLE, EPV_ROLE_INITIATOR, &u8)) < 0) return r;
    if (r) c->role = (epv_role_t)u8;
    if ((r = u8_in(x, EPV_KV_MODE, EPV_MODE_ESPRESSIF_44 /* the highest epv_mode_t */, &u8)) < 0) return r;
    if (r) c->mode = (epv_mode_t)u8;
    if ((r = u8_in(x, EPV_KV_CHANNEL, EPV_CHANNEL_MAX, &c->channel)) < 0) return r;
    if ((r = str(x, EPV_KV_SSID, s, sizeof(s), &n)) < 0) return r;
    if (r && (n == 0 || epv_config_set_ssid(c, s, n) != EPV_OK)) return bad(x, EPV_KV_SSID, "1..32 bytes");
    if ((r = str(x, EPV_KV_PASSWORD, s, sizeof(s), &n)) < 0) goto wipe;
    if (r && epv_config_set_password(c, s, n) != EPV_OK) {
        r = bad(x, EPV_KV_PASSWORD, "at most 64 bytes");
        goto wipe;
    }
    if ((r = str(x, EPV_KV_ALLOW, s, sizeof(s), &n)) < 0) goto wipe;
    if (r && epv_parse_allow_list(s, n, c) != EPV_OK) {
        r = bad(x, EPV_KV_ALLOW, "comma-separated aa:bb:cc:dd:ee:ff, at most 16");
        goto wipe;
    }
    if ((r = str(x, EPV_KV_PRODUCT_ID, s, sizeof(s), &n)) < 0) goto wipe;
    if (r && epv_config_set_id(c->product_id, s, n) != EPV_OK) {
        r = bad(x, EPV_KV_PRODUCT_ID, "at most 16 bytes");
        goto wipe;
    }
    if ((r = str(x, EPV_KV_DEVICE_NAME, s, sizeof(s), &n)) < 0) goto wipe;
    if (r && epv_config_set_id(c->device_name, s, n) != EPV_OK) {
        r = bad(x, EPV_KV_DEVICE_NAME, "at most 16 bytes");
        goto wipe;
    }
    uint8_t key[EPV_PAIR_KEY_LEN];
    r = found(x, EPV_KV_PAIR_KEY, x->kv->get_blob(x->kv->ctx, EPV_KV_PAIR_KEY, key, sizeof(key), &n));
    if (r == 1 && n != EPV_PAIR_KEY_LEN) {
        r = bad(x, EPV_KV_PAIR_KEY, "32 bytes");
    } else if (r == 1) {
        memcpy(c->pair_key, key, EPV_PAIR_KEY_LEN);
        c->pair_key_set = true;
    }
    epv_wipe(key, sizeof(key));
    if (r < 0) goto wipe;
    if ((r = u32_in(x, EPV_KV_BEACON_MS, 10, 10000, &c->beacon_interval_ms)) < 0) goto wipe;
    if ((r = u32_in(x, EPV_KV_WINDOW_S, 1, 86400, &secs)) < 0) goto wipe;
    if (r) c->beacon_window_ms = secs * 1000u;
    if ((r = u32_in(x, EPV_KV_SCAN_S, 1, 86400, &secs)) < 0) goto wipe;
    if (r) c->scan_timeout_ms = secs * 1000u;
    if ((r = u8_in(x, EPV_KV_PROVISIONED, 1, &u8)) < 0) goto wipe;
    if (r) c->provisioned = u8 == 1;
    r = 0;
wipe:
    epv_wipe(s, sizeof(s)); /* held the password */
    return r;
}

epv_status_t epv_config_apply_kv(epv_config_t *c, const epv_kv_t *kv, const char **bad_key, const char **why,
                                 unsigned *applied)
{
    const char *k = NULL, *w = NULL;
    ctx_t x = {.kv = kv, .bad_key = &k, .why = &w, .applied = 0};
    if (!c || !kv || !kv->get_u8 || !kv->get_u32 || !kv->get_str || !kv->get_blob) {
        return EPV_ERR_ARG;
    }
    int r = apply(c, &x);
    if (bad_key) {
        *bad_key = k;
    }
    if (why) {
        *why = w;
    }
    if (applied) {
        *applied = x.applied;
    }
    return r < 0 ? EPV_ERR_VALUE : EPV_OK;
}
