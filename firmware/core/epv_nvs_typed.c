/* Typed lookups over epv_nvs_find with epv_kv_t's contract, and the epv_kv_t view the firmware's
 * configuration reads (epv_config_apply_kv): the NVS format itself is epv_nvs.c. */
#include "epv_nvs.h"

#include <string.h>

static epv_status_t get_uint(const epv_nvs_t *nvs, const char *ns, const char *key, epv_nvs_type_t type, uint64_t *out)
{
    epv_nvs_value_t v = {0};
    epv_status_t st = epv_nvs_find(nvs, ns, key, &v, NULL, 0);
    if (st == EPV_OK && v.type != type) {
        return EPV_ERR_VALUE;
    }
    *out = v.u;
    return st;
}

epv_status_t epv_nvs_get_u8(const epv_nvs_t *nvs, const char *ns, const char *key, uint8_t *out)
{
    uint64_t u = 0;
    epv_status_t st = out ? get_uint(nvs, ns, key, EPV_NVS_U8, &u) : EPV_ERR_ARG;
    if (st == EPV_OK) {
        *out = (uint8_t)u;
    }
    return st;
}

epv_status_t epv_nvs_get_u32(const epv_nvs_t *nvs, const char *ns, const char *key, uint32_t *out)
{
    uint64_t u = 0;
    epv_status_t st = out ? get_uint(nvs, ns, key, EPV_NVS_U32, &u) : EPV_ERR_ARG;
    if (st == EPV_OK) {
        *out = (uint32_t)u;
    }
    return st;
}

static epv_status_t get_bytes(const epv_nvs_t *nvs, const char *ns, const char *key, epv_nvs_type_t type,
                              uint8_t *out, size_t cap, size_t *len)
{
    if (!out || !len) {
        return EPV_ERR_ARG;
    }
    epv_nvs_value_t v = {0};
    epv_status_t st = epv_nvs_find(nvs, ns, key, &v, NULL, 0); /* the type first: never copy the wrong kind */
    if (st == EPV_OK && v.type != type) {
        return EPV_ERR_VALUE;
    }
    if (st == EPV_OK) {
        st = epv_nvs_find(nvs, ns, key, &v, out, cap);
    }
    *len = v.len;
    return st;
}

epv_status_t epv_nvs_get_str(const epv_nvs_t *nvs, const char *ns, const char *key, char *out, size_t cap,
                             size_t *len)
{
    return get_bytes(nvs, ns, key, EPV_NVS_STR, (uint8_t *)out, cap, len);
}

epv_status_t epv_nvs_get_blob(const epv_nvs_t *nvs, const char *ns, const char *key, uint8_t *out, size_t cap,
                              size_t *len)
{
    return get_bytes(nvs, ns, key, EPV_NVS_BLOB, out, cap, len);
}

static epv_status_t kv_u8(void *ctx, const char *key, uint8_t *out)
{
    const epv_nvs_view_t *w = ctx;
    return epv_nvs_get_u8(w->nvs, w->ns, key, out);
}

static epv_status_t kv_u32(void *ctx, const char *key, uint32_t *out)
{
    const epv_nvs_view_t *w = ctx;
    return epv_nvs_get_u32(w->nvs, w->ns, key, out);
}

static epv_status_t kv_str(void *ctx, const char *key, char *out, size_t cap, size_t *len)
{
    const epv_nvs_view_t *w = ctx;
    return epv_nvs_get_str(w->nvs, w->ns, key, out, cap, len);
}

static epv_status_t kv_blob(void *ctx, const char *key, uint8_t *out, size_t cap, size_t *len)
{
    const epv_nvs_view_t *w = ctx;
    return epv_nvs_get_blob(w->nvs, w->ns, key, out, cap, len);
}

void epv_nvs_kv(epv_kv_t *kv, epv_nvs_view_t *view)
{
    kv->get_u8 = kv_u8;
    kv->get_u32 = kv_u32;
    kv->get_str = kv_str;
    kv->get_blob = kv_blob;
    kv->ctx = view;
}
