/* Read-only access to an ESP-IDF NVS partition (format version 2, as ESP-IDF's nvs_flash and Espressif's
 * nvs_partition_gen.py write it; extension/src/core/nvs writes ours). Used where ESP-IDF's NVS library is not
 * there: the lab's virtual boards read their configuration partition through it.
 *
 * Nothing is allocated and nothing is cached: each lookup reads the partition again, 32 bytes at a time,
 * through the caller's read function (or from a buffer), and every read is bounds-checked against the
 * partition size. Entries are taken the way ESP-IDF's Page::load / findItem take them: pages with a bad
 * header CRC or an unknown state are ignored, entries not marked written are passed over, an entry whose
 * CRC, type or span is wrong is skipped alone, a string or blob chunk whose span is not all written or whose
 * data CRC fails is skipped with its span; of two good entries for one key the newer wins (higher page
 * sequence number, then later on the page). */
#ifndef EPV_NVS_H
#define EPV_NVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epv_config_kv.h"
#include "epv_status.h"

#define EPV_NVS_PAGE_SIZE 4096u
#define EPV_NVS_ENTRY_SIZE 32u
#define EPV_NVS_ENTRY_COUNT 126u
#define EPV_NVS_KEY_MAX 15u   /* characters in a key or namespace name */
#define EPV_NVS_STR_MAX 4000u /* bytes in a string, its NUL included */

/** Value types, with ESP-IDF's nvs_type_t codes. A blob is one value whichever way it is stored. */
typedef enum {
    EPV_NVS_U8 = 0x01,
    EPV_NVS_I8 = 0x11,
    EPV_NVS_U16 = 0x02,
    EPV_NVS_I16 = 0x12,
    EPV_NVS_U32 = 0x04,
    EPV_NVS_I32 = 0x14,
    EPV_NVS_U64 = 0x08,
    EPV_NVS_I64 = 0x18,
    EPV_NVS_STR = 0x21,
    EPV_NVS_BLOB = 0x42
} epv_nvs_type_t;

/** Reads len bytes at offset (offset + len <= the partition size, checked before the call). */
typedef epv_status_t (*epv_nvs_read_fn)(void *ctx, size_t offset, uint8_t *dst, size_t len);

/** A partition: a buffer or a read function, and its size. The caller owns it; lookups never change it. */
typedef struct {
    const uint8_t *buf;
    epv_nvs_read_fn read;
    void *ctx;
    size_t size;
} epv_nvs_t;

/** One value found. Integers: width in len, value in u (zero-extended) and i (sign-extended for signed
 * types). Strings: len bytes without the NUL. Blobs: len bytes. */
typedef struct {
    epv_nvs_type_t type;
    size_t len;
    uint64_t u;
    int64_t i;
} epv_nvs_value_t;

/** A partition in memory. size: a whole number of pages (EPV_ERR_ARG otherwise). */
epv_status_t epv_nvs_init(epv_nvs_t *nvs, const uint8_t *buf, size_t size);
/** A partition behind a read function (flash, a file). */
epv_status_t epv_nvs_init_read(epv_nvs_t *nvs, epv_nvs_read_fn read, void *ctx, size_t size);

/**
 * Looks (ns, key) up. EPV_ERR_NOT_FOUND: absent, or present only in entries ESP-IDF would not use (including a
 * blob whose chunks are missing or whose sizes disagree). Strings and blobs are copied to out (NULL: only
 * v->len is set); EPV_ERR_OVERFLOW if v->len > cap. Errors of the read function are returned as they are.
 */
epv_status_t epv_nvs_find(const epv_nvs_t *nvs, const char *ns, const char *key, epv_nvs_value_t *v, uint8_t *out,
                          size_t cap);

/* Typed lookups with epv_kv_t's contract: EPV_ERR_NOT_FOUND if absent, EPV_ERR_VALUE if of another type,
 * EPV_ERR_OVERFLOW if longer than cap; strings come without a NUL. */
epv_status_t epv_nvs_get_u8(const epv_nvs_t *nvs, const char *ns, const char *key, uint8_t *out);
epv_status_t epv_nvs_get_u32(const epv_nvs_t *nvs, const char *ns, const char *key, uint32_t *out);
epv_status_t epv_nvs_get_str(const epv_nvs_t *nvs, const char *ns, const char *key, char *out, size_t cap,
                             size_t *len);
epv_status_t epv_nvs_get_blob(const epv_nvs_t *nvs, const char *ns, const char *key, uint8_t *out, size_t cap,
                              size_t *len);

/** One namespace of a partition seen as the configuration store epv_config_apply_kv reads. */
typedef struct {
    const epv_nvs_t *nvs;
    const char *ns;
} epv_nvs_view_t;

/** Fills kv so that it reads view (both stay owned by the caller and must outlive kv). */
void epv_nvs_kv(epv_kv_t *kv, epv_nvs_view_t *view);

/** CRC32 as ESP-IDF's NVS computes it: the ROM's crc32_le, started with 0xffffffff. */
uint32_t epv_nvs_crc32(uint32_t crc, const uint8_t *data, size_t len);

#endif
