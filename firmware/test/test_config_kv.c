/* epv_config_apply_kv: per-board values from NVS over the menuconfig ones, errors naming the key. */
#include "../core/epv_config_kv.h"
#include "epv_test.h"

typedef struct {
    const char *key;
    char type; /* 'b' u8, 'w' u32, 's' string, 'x' blob */
    uint32_t num;
    const char *bytes;
    size_t len;
} kv_entry_t;

typedef struct {
    const kv_entry_t *e;
    size_t n;
} kv_table_t;

static const kv_entry_t *lookup(void *ctx, const char *key, char type, epv_status_t *st)
{
    const kv_table_t *t = ctx;
    for (size_t i = 0; i < t->n; i++) {
        if (!strcmp(t->e[i].key, key)) {
            *st = t->e[i].type == type ? EPV_OK : EPV_ERR_VALUE;
            return &t->e[i];
        }
    }
    *st = EPV_ERR_NOT_FOUND;
    return NULL;
}

static epv_status_t get_u8(void *ctx, const char *key, uint8_t *out)
{
    epv_status_t st;
    const kv_entry_t *e = lookup(ctx, key, 'b', &st);
    if (st == EPV_OK) {
        *out = (uint8_t)e->num;
    }
    return st;
}

static epv_status_t get_u32(void *ctx, const char *key, uint32_t *out)
{
    epv_status_t st;
    const kv_entry_t *e = lookup(ctx, key, 'w', &st);
    if (st == EPV_OK) {
        *out = e->num;
    }
    return st;
}

static epv_status_t get_bytes(void *ctx, const char *key, char type, uint8_t *out, size_t cap, size_t *len)
{
    epv_status_t st;
    const kv_entry_t *e = lookup(ctx, key, type, &st);
    if (st != EPV_OK) {
        return st;
    }
    if (e->len > cap) {
        return EPV_ERR_OVERFLOW;
    }
    memcpy(out, e->bytes, e->len);
    *len = e->len;
    return EPV_OK;
}

static epv_status_t get_str(void *ctx, const char *key, char *out, size_t cap, size_t *len)
{
    return get_bytes(ctx, key, 's', (uint8_t *)out, cap, len);
}

static epv_status_t get_blob(void *ctx, const char *key, uint8_t *out, size_t cap, size_t *len)
{
    return get_bytes(ctx, key, 'x', out, cap, len);
}

static epv_status_t apply(const kv_entry_t *e, size_t n, epv_config_t *c, const char **key, const char **why,
                          unsigned *applied)
{
    kv_table_t t = {e, n};
    epv_kv_t kv = {get_u8, get_u32, get_str, get_blob, &t};
    return epv_config_apply_kv(c, &kv, key, why, applied);
}

#define S(k, v) {k, 's', 0, v, sizeof(v) - 1}

void test_config_kv_overrides(void)
{
    epv_config_t c;
    const char *key = NULL, *why = NULL;
    unsigned applied = 0;
    /* Menuconfig: a responder for "myssid". NVS makes this board an initiator with its own key. */
    test_config(&c, EPV_ROLE_RESPONDER, EPV_MODE_SECURE);
    static const char pk[32] = {1, 2, 3};
    const kv_entry_t e[] = {{"role", 'b', 1, NULL, 0}, {"pair_key", 'x', 0, pk, 32}, {"scan_s", 'w', 7, NULL, 0},
                            S("device_name", "kitchen"), S("password", "")};
    CHECK_EQ(apply(e, 5, &c, &key, &why, &applied), EPV_OK);
    CHECK_EQ(applied, 5);
    CHECK(c.role == EPV_ROLE_INITIATOR && c.pair_key_set && c.pair_key[2] == 3 && c.scan_timeout_ms == 7000);
    CHECK(!strcmp(c.device_name, "kitchen"));
    CHECK(c.password_len == 0);
    CHECK(c.ssid_len == 6 && !memcmp(c.ssid, "myssid", 6)); /* absent: menuconfig's value stays */
    CHECK_EQ(epv_config_validate(&c, &why), EPV_OK);

    /* Nothing in NVS: exactly the menuconfig configuration. */
    epv_config_t before, after;
    test_config(&before, EPV_ROLE_RESPONDER, EPV_MODE_ESPRESSIF_54);
    after = before;
    CHECK_EQ(apply(NULL, 0, &after, &key, &why, &applied), EPV_OK);
    CHECK(applied == 0 && !memcmp(&before, &after, sizeof(before)));
}

void test_config_kv_errors_name_the_key(void)
{
    static const struct {
        kv_entry_t e;
        const char *key;
    } BAD[] = {
        {{"role", 'b', 2, NULL, 0}, "role"},
        {{"role", 's', 0, "x", 1}, "role"},
        {{"mode", 'b', 4, NULL, 0}, "mode"},
        {{"channel", 'b', 14, NULL, 0}, "channel"},
        {S("ssid", ""), "ssid"},
        {S("ssid", "123456789012345678901234567890123"), "ssid"},
        {{"pair_key", 'x', 0, "short", 5}, "pair_key"},
        {S("allow", "24:0a:c4:00:00:zz"), "allow"},
        {S("product_id", "12345678901234567"), "product_id"},
        {{"beacon_ms", 'w', 5, NULL, 0}, "beacon_ms"},
        {{"window_s", 'w', 0, NULL, 0}, "window_s"},
        {{"scan_s", 'w', 100000, NULL, 0}, "scan_s"},
    };
    for (size_t i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        epv_config_t c;
        const char *key = NULL, *why = NULL;
        test_config(&c, EPV_ROLE_RESPONDER, EPV_MODE_SECURE);
        CHECK_EQ(apply(&BAD[i].e, 1, &c, &key, &why, NULL), EPV_ERR_VALUE);
        CHECK(key && !strcmp(key, BAD[i].key) && why && why[0]);
        if (!key || strcmp(key, BAD[i].key)) {
            fprintf(stderr, "  case %zu: got key %s\n", i, key ? key : "(none)");
        }
    }
}
