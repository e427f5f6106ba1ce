#include "epv_nvs.h"

#include <string.h>

#include "epv_bytes.h"

/* Page layout (ESP-IDF nvs_page.hpp): header, entry state bitmap, entries. */
#define HDR_SIZE 32u
#define BITMAP_OFF 32u
#define ENTRIES_OFF 64u
#define VERSION_2 0xfeu

#define STATE_ACTIVE 0xfffffffeu
#define STATE_FULL 0xfffffffcu
#define STATE_FREEING 0xfffffff8u
#define ENTRY_WRITTEN 2u

/* Entry fields and the type codes that are not values of their own. */
#define E_NS 0
#define E_TYPE 1
#define E_SPAN 2
#define E_CHUNK 3
#define E_CRC 4
#define E_KEY 8
#define E_DATA 24
#define T_BLOB_V1 0x41u
#define T_BLOB_DATA 0x42u
#define T_BLOB_IDX 0x48u
#define CHUNK_ANY 0xffu
#define BLOB_MAX_CHUNKS 127u

_Static_assert(HDR_SIZE + 32u + EPV_NVS_ENTRY_COUNT * EPV_NVS_ENTRY_SIZE == EPV_NVS_PAGE_SIZE, "page layout");
_Static_assert(EPV_NVS_STR_MAX == (EPV_NVS_ENTRY_COUNT - 1) * EPV_NVS_ENTRY_SIZE, "longest string fills a page");

uint32_t epv_nvs_crc32(uint32_t crc, const uint8_t *data, size_t len)
{
    crc = ~crc;
    for (size_t i = 0; i < len; i++) {
        crc ^= data[i];
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
        }
    }
    return ~crc;
}

static epv_status_t init(epv_nvs_t *nvs, const uint8_t *buf, epv_nvs_read_fn read, void *ctx, size_t size)
{
    if (!nvs || (!buf && !read) || size == 0 || size % EPV_NVS_PAGE_SIZE != 0) {
        return EPV_ERR_ARG;
    }
    nvs->buf = buf;
    nvs->read = read;
    nvs->ctx = ctx;
    nvs->size = size;
    return EPV_OK;
}

epv_status_t epv_nvs_init(epv_nvs_t *nvs, const uint8_t *buf, size_t size)
{
    return init(nvs, buf, NULL, NULL, size);
}

epv_status_t epv_nvs_init_read(epv_nvs_t *nvs, epv_nvs_read_fn read, void *ctx, size_t size)
{
    return init(nvs, NULL, read, ctx, size);
}

static epv_status_t rd(const epv_nvs_t *n, size_t off, uint8_t *dst, size_t len)
{
    if (off > n->size || len > n->size - off) {
        return EPV_ERR_SHORT;
    }
    if (n->buf) {
        memcpy(dst, n->buf + off, len);
        return EPV_OK;
    }
    return n->read(n->ctx, off, dst, len);
}

static bool is_int(uint8_t t)
{
    return t == EPV_NVS_U8 || t == EPV_NVS_I8 || t == EPV_NVS_U16 || t == EPV_NVS_I16 || t == EPV_NVS_U32 ||
           t == EPV_NVS_I32 || t == EPV_NVS_U64 || t == EPV_NVS_I64;
}

static bool is_var(uint8_t t)
{
    return t == EPV_NVS_STR || t == T_BLOB_V1 || t == T_BLOB_DATA;
}

static unsigned entry_state(const uint8_t bitmap[32], unsigned i)
{
    return (bitmap[i / 4] >> ((i % 4) * 2)) & 3u;
}

/* Item::checkHeaderConsistency: the CRC, a known type, a span and size that stay inside the page. */
static bool consistent(const uint8_t e[EPV_NVS_ENTRY_SIZE], unsigned index)
{
    uint32_t crc = epv_nvs_crc32(0xffffffffu, e, E_CRC);
    crc = epv_nvs_crc32(crc, e + E_KEY, EPV_NVS_ENTRY_SIZE - E_KEY);
    if (crc != epv_le32(e + E_CRC)) {
        return false;
    }
    uint8_t t = e[E_TYPE];
    if (is_int(t)) {
        return e[E_SPAN] == 1;
    }
    if (t == T_BLOB_IDX) {
        return e[E_SPAN] == 1 && e[E_CHUNK] == CHUNK_ANY &&
               epv_le32(e + E_DATA) <= BLOB_MAX_CHUNKS * (EPV_NVS_ENTRY_COUNT - 1) * EPV_NVS_ENTRY_SIZE;
    }
    if (!is_var(t) || (t == T_BLOB_DATA && e[E_CHUNK] == CHUNK_ANY)) {
        return false;
    }
    size_t size = epv_le16(e + E_DATA);
    return size <= (EPV_NVS_ENTRY_COUNT - index - 1) * EPV_NVS_ENTRY_SIZE && e[E_SPAN] <= EPV_NVS_ENTRY_COUNT - index &&
           e[E_SPAN] == 1 + (size + EPV_NVS_ENTRY_SIZE - 1) / EPV_NVS_ENTRY_SIZE;
}

/* strncmp(key, entry key, 15) == 0, as ESP-IDF compares keys (key is at most 15 characters). */
static bool key_is(const uint8_t e[EPV_NVS_ENTRY_SIZE], const char *key)
{
    for (size_t i = 0; i < EPV_NVS_KEY_MAX; i++) {
        if ((uint8_t)key[i] != e[E_KEY + i]) {
            return false;
        }
        if (key[i] == '\0') {
            return true;
        }
    }
    return true;
}

/* Reads the data of the string or blob chunk whose header is at off: its CRC and the offset of its first NUL
 * (size if none); the first min(size, cap) bytes go to out unless out is NULL. */
static epv_status_t read_data(const epv_nvs_t *n, size_t off, size_t size, uint8_t *out, size_t cap, uint32_t *crc,
                              size_t *nul)
{
    uint8_t chunk[EPV_NVS_ENTRY_SIZE];
    *crc = 0xffffffffu;
    *nul = size;
    for (size_t done = 0; done < size; done += sizeof chunk) {
        size_t take = size - done < sizeof chunk ? size - done : sizeof chunk;
        epv_status_t st = rd(n, off + EPV_NVS_ENTRY_SIZE + done, chunk, take);
        if (st != EPV_OK) {
            return st;
        }
        *crc = epv_nvs_crc32(*crc, chunk, take);
        for (size_t i = 0; i < take && *nul == size; i++) {
            if (chunk[i] == 0) {
                *nul = done + i;
            }
        }
        if (out && done < cap) {
            memcpy(out + done, chunk, cap - done < take ? cap - done : take);
        }
    }
    return EPV_OK;
}

typedef enum { MATCH_NAMESPACE, MATCH_VALUE, MATCH_CHUNK } match_kind_t;

/* What a scan looks for: a namespace entry named key; a value (any type but a blob chunk) of namespace ns;
 * or blob chunk number chunk of (ns, key). */
typedef struct {
    match_kind_t kind;
    uint8_t ns;
    const char *key;
    uint8_t chunk;
} match_t;

/* The newest good entry a scan found: where its header is, and the header. */
typedef struct {
    bool found;
    uint32_t seq;
    size_t off;
    uint8_t e[EPV_NVS_ENTRY_SIZE];
} hit_t;

static bool matches(const match_t *m, const uint8_t e[EPV_NVS_ENTRY_SIZE])
{
    switch (m->kind) {
    case MATCH_NAMESPACE: return e[E_NS] == 0 && e[E_TYPE] == EPV_NVS_U8 && key_is(e, m->key);
    case MATCH_VALUE: return e[E_NS] == m->ns && e[E_TYPE] != T_BLOB_DATA && key_is(e, m->key);
    case MATCH_CHUNK: return e[E_NS] == m->ns && e[E_TYPE] == T_BLOB_DATA && e[E_CHUNK] == m->chunk && key_is(e, m->key);
    }
    return false;
}

/* Reads one page's header: true if ESP-IDF would read its entries (*seq set). */
static epv_status_t page_usable(const epv_nvs_t *n, size_t page_off, bool *usable, uint32_t *seq)
{
    uint8_t h[HDR_SIZE];
    epv_status_t st = rd(n, page_off, h, sizeof h);
    if (st != EPV_OK) {
        return st;
    }
    uint32_t state = epv_le32(h);
    *seq = epv_le32(h + 4);
    *usable = (state == STATE_ACTIVE || state == STATE_FULL || state == STATE_FREEING) &&
              epv_le32(h + 28) == epv_nvs_crc32(0xffffffffu, h + 4, 24) && h[8] >= VERSION_2;
    return EPV_OK;
}

/* Walks one usable page's entries as Page::findItem does, keeping the newest good match in *best. */
static epv_status_t scan_page(const epv_nvs_t *n, size_t page_off, uint32_t seq, const match_t *m, hit_t *best)
{
    uint8_t bitmap[32];
    uint8_t e[EPV_NVS_ENTRY_SIZE];
    epv_status_t st = rd(n, page_off + BITMAP_OFF, bitmap, sizeof bitmap);
    for (unsigned i = 0; st == EPV_OK && i < EPV_NVS_ENTRY_COUNT;) {
        size_t off = page_off + ENTRIES_OFF + (size_t)i * EPV_NVS_ENTRY_SIZE;
        if (entry_state(bitmap, i) != ENTRY_WRITTEN) {
            i++;
            continue;
        }
        st = rd(n, off, e, sizeof e);
        if (st != EPV_OK || !consistent(e, i)) {
            i++; /* a bad header hides its span: the next entry is read as an entry */
            continue;
        }
        unsigned span = is_var(e[E_TYPE]) ? e[E_SPAN] : 1u;
        bool good = matches(m, e);
        for (unsigned j = i + 1; good && j < i + span; j++) {
            good = entry_state(bitmap, j) == ENTRY_WRITTEN;
        }
        if (good && is_var(e[E_TYPE])) {
            uint32_t crc;
            size_t nul;
            st = read_data(n, off, epv_le16(e + E_DATA), NULL, 0, &crc, &nul);
            good = st == EPV_OK && crc == epv_le32(e + E_DATA + 4);
        }
        if (good && (!best->found || seq >= best->seq)) { /* later in the walk: newer on equal sequence */
            best->found = true;
            best->seq = seq;
            best->off = off;
            memcpy(best->e, e, sizeof e);
        }
        i += span;
    }
    return st;
}

static epv_status_t scan(const epv_nvs_t *n, const match_t *m, hit_t *best)
{
    best->found = false;
    for (size_t p = 0; p < n->size / EPV_NVS_PAGE_SIZE; p++) {
        bool usable;
        uint32_t seq;
        epv_status_t st = page_usable(n, p * EPV_NVS_PAGE_SIZE, &usable, &seq);
        if (st == EPV_OK && usable) {
            st = scan_page(n, p * EPV_NVS_PAGE_SIZE, seq, m, best);
        }
        if (st != EPV_OK) {
            return st;
        }
    }
    return EPV_OK;
}

static bool name_ok(const char *s)
{
    return s && s[0] != '\0' && epv_strnlen(s, EPV_NVS_KEY_MAX + 1) <= EPV_NVS_KEY_MAX;
}

/* A blob of format version 2: every chunk of the index present and good, their sizes adding up. */
static epv_status_t read_blob(const epv_nvs_t *n, const hit_t *idx, const match_t *value, epv_nvs_value_t *v,
                              uint8_t *out, size_t cap)
{
    size_t size = epv_le32(idx->e + E_DATA);
    uint8_t count = idx->e[E_DATA + 4];
    uint8_t start = idx->e[E_DATA + 5];
    v->len = size;
    if (out && size > cap) {
        return EPV_ERR_OVERFLOW;
    }
    size_t at = 0;
    for (unsigned c = 0; c < count; c++) {
        match_t m = {MATCH_CHUNK, value->ns, value->key, (uint8_t)(start + c)};
        hit_t chunk;
        epv_status_t st = scan(n, &m, &chunk);
        if (st != EPV_OK) {
            return st;
        }
        size_t len = chunk.found ? epv_le16(chunk.e + E_DATA) : 0;
        if (!chunk.found || len > size - at) {
            return EPV_ERR_NOT_FOUND;
        }
        uint32_t crc;
        size_t nul;
        st = read_data(n, chunk.off, len, out ? out + at : NULL, len, &crc, &nul);
        if (st != EPV_OK) {
            return st;
        }
        at += len;
    }
    return at == size ? EPV_OK : EPV_ERR_NOT_FOUND;
}

epv_status_t epv_nvs_find(const epv_nvs_t *nvs, const char *ns, const char *key, epv_nvs_value_t *v, uint8_t *out,
                          size_t cap)
{
    if (!nvs || !v || !name_ok(ns) || !name_ok(key)) {
        return EPV_ERR_ARG;
    }
    memset(v, 0, sizeof *v);
    match_t m = {MATCH_NAMESPACE, 0, ns, 0};
    hit_t hit;
    epv_status_t st = scan(nvs, &m, &hit);
    if (st != EPV_OK) {
        return st;
    }
    if (!hit.found || hit.e[E_DATA] == 0 || hit.e[E_DATA] == 0xff) {
        return EPV_ERR_NOT_FOUND;
    }
    m = (match_t){MATCH_VALUE, hit.e[E_DATA], key, 0};
    st = scan(nvs, &m, &hit);
    if (st != EPV_OK) {
        return st;
    }
    if (!hit.found) {
        return EPV_ERR_NOT_FOUND;
    }
    uint8_t t = hit.e[E_TYPE];
    if (is_int(t)) {
        size_t width = t & 0x0fu;
        v->type = (epv_nvs_type_t)t;
        v->len = width;
        for (size_t i = width; i-- > 0;) {
            v->u = (v->u << 8) | hit.e[E_DATA + i];
        }
        bool negative = (t & 0x10u) && (hit.e[E_DATA + width - 1] & 0x80u);
        v->i = negative && width < 8 ? (int64_t)(v->u | (~(uint64_t)0 << (width * 8))) : (int64_t)v->u;
        return EPV_OK;
    }
    if (t == T_BLOB_IDX) {
        v->type = EPV_NVS_BLOB;
        return read_blob(nvs, &hit, &m, v, out, cap);
    }
    /* a string (its length stops at the first NUL) or a version 1 blob, on one page */
    size_t size = epv_le16(hit.e + E_DATA);
    uint32_t crc;
    size_t nul;
    st = read_data(nvs, hit.off, size, out, cap, &crc, &nul);
    v->type = t == EPV_NVS_STR ? EPV_NVS_STR : EPV_NVS_BLOB;
    v->len = t == EPV_NVS_STR ? nul : size;
    return st != EPV_OK ? st : (out && v->len > cap) ? EPV_ERR_OVERFLOW : EPV_OK;
}
