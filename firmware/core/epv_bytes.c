#include "epv_bytes.h"

#include <string.h>

const char *epv_status_str(epv_status_t st)
{
    switch (st) {
    case EPV_OK: return "ok";
    case EPV_ERR_ARG: return "bad argument";
    case EPV_ERR_SHORT: return "truncated";
    case EPV_ERR_OVERFLOW: return "buffer too small";
    case EPV_ERR_LENGTH: return "length mismatch";
    case EPV_ERR_NOT_PROV: return "not a PROV frame";
    case EPV_ERR_KIND: return "unknown kind";
    case EPV_ERR_VALUE: return "bad value";
    case EPV_ERR_AUTH: return "authentication failed";
    case EPV_ERR_CRYPTO: return "crypto failure";
    case EPV_ERR_STATE: return "wrong state";
    case EPV_ERR_NOT_FOUND: return "not found";
    }
    return "unknown";
}

size_t epv_strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n] != '\0') {
        n++;
    }
    return n;
}

uint16_t epv_le16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

uint32_t epv_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

void epv_put_le16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

void epv_put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void epv_wr_init(epv_wr_t *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->st = buf ? EPV_OK : EPV_ERR_ARG;
}

/* Reserves n bytes; NULL (and a sticky error) when they do not fit. */
static uint8_t *wr_take(epv_wr_t *w, size_t n)
{
    if (w->st != EPV_OK) {
        return NULL;
    }
    if (n > w->cap - w->len) {
        w->st = EPV_ERR_OVERFLOW;
        return NULL;
    }
    uint8_t *p = w->buf + w->len;
    w->len += n;
    return p;
}

void epv_wr_u8(epv_wr_t *w, uint8_t v)
{
    uint8_t *p = wr_take(w, 1);
    if (p) {
        *p = v;
    }
}

void epv_wr_u16(epv_wr_t *w, uint16_t v)
{
    uint8_t *p = wr_take(w, 2);
    if (p) {
        epv_put_le16(p, v);
    }
}

void epv_wr_u32(epv_wr_t *w, uint32_t v)
{
    uint8_t *p = wr_take(w, 4);
    if (p) {
        epv_put_le32(p, v);
    }
}

void epv_wr_bytes(epv_wr_t *w, const uint8_t *src, size_t n)
{
    uint8_t *p = wr_take(w, n);
    if (p && n) {
        memcpy(p, src, n);
    }
}

void epv_wr_zero(epv_wr_t *w, size_t n)
{
    uint8_t *p = wr_take(w, n);
    if (p && n) {
        memset(p, 0, n);
    }
}

void epv_wr_str(epv_wr_t *w, const char *s, size_t n)
{
    size_t l = s ? epv_strnlen(s, n + 1) : 0;
    if (l > n) {
        if (w->st == EPV_OK) {
            w->st = EPV_ERR_VALUE;
        }
        return;
    }
    uint8_t *p = wr_take(w, n);
    if (p) {
        memset(p, 0, n);
        if (l) {
            memcpy(p, s, l);
        }
    }
}

void epv_rd_init(epv_rd_t *r, const uint8_t *buf, size_t len)
{
    r->buf = buf;
    r->len = buf ? len : 0;
    r->pos = 0;
    r->st = buf ? EPV_OK : EPV_ERR_ARG;
}

static const uint8_t *rd_take(epv_rd_t *r, size_t n)
{
    if (r->st != EPV_OK) {
        return NULL;
    }
    if (n > r->len - r->pos) {
        r->st = EPV_ERR_SHORT;
        return NULL;
    }
    const uint8_t *p = r->buf + r->pos;
    r->pos += n;
    return p;
}

uint8_t epv_rd_u8(epv_rd_t *r)
{
    const uint8_t *p = rd_take(r, 1);
    return p ? *p : 0;
}

uint16_t epv_rd_u16(epv_rd_t *r)
{
    const uint8_t *p = rd_take(r, 2);
    return p ? epv_le16(p) : 0;
}

uint32_t epv_rd_u32(epv_rd_t *r)
{
    const uint8_t *p = rd_take(r, 4);
    return p ? epv_le32(p) : 0;
}

void epv_rd_bytes(epv_rd_t *r, uint8_t *dst, size_t n)
{
    const uint8_t *p = rd_take(r, n);
    if (p) {
        memcpy(dst, p, n);
    } else {
        memset(dst, 0, n);
    }
}

void epv_rd_skip(epv_rd_t *r, size_t n) { (void)rd_take(r, n); }

void epv_rd_str(epv_rd_t *r, char *dst, size_t n)
{
    const uint8_t *p = rd_take(r, n);
    size_t l = 0;
    if (p) {
        while (l < n && p[l] != 0) {
            l++;
        }
        memcpy(dst, p, l);
    }
    dst[l] = '\0';
}

size_t epv_rd_left(const epv_rd_t *r) { return r->st == EPV_OK ? r->len - r->pos : 0; }
