/* Bounds-checked little-endian cursor over caller-owned buffers. Errors are sticky: after the first
 * failure every call is a no-op, so codecs check the status once at the end. */
#ifndef EPV_BYTES_H
#define EPV_BYTES_H

#include <stddef.h>
#include <stdint.h>
#include "epv_status.h"

typedef struct {
    uint8_t *buf;
    size_t cap;
    size_t len;
    epv_status_t st;
} epv_wr_t;

typedef struct {
    const uint8_t *buf;
    size_t len;
    size_t pos;
    epv_status_t st;
} epv_rd_t;

void epv_wr_init(epv_wr_t *w, uint8_t *buf, size_t cap);
void epv_wr_u8(epv_wr_t *w, uint8_t v);
void epv_wr_u16(epv_wr_t *w, uint16_t v);
void epv_wr_u32(epv_wr_t *w, uint32_t v);
void epv_wr_bytes(epv_wr_t *w, const uint8_t *src, size_t n);
/** Writes n zero bytes (padding and unused fields are always zero, never stale). */
void epv_wr_zero(epv_wr_t *w, size_t n);
/** Writes a string into a fixed field of n bytes, zero padded; longer strings are an error. */
void epv_wr_str(epv_wr_t *w, const char *s, size_t n);

void epv_rd_init(epv_rd_t *r, const uint8_t *buf, size_t len);
uint8_t epv_rd_u8(epv_rd_t *r);
uint16_t epv_rd_u16(epv_rd_t *r);
uint32_t epv_rd_u32(epv_rd_t *r);
void epv_rd_bytes(epv_rd_t *r, uint8_t *dst, size_t n);
void epv_rd_skip(epv_rd_t *r, size_t n);
/** Reads a fixed field of n bytes as a string into dst (cap >= n + 1), always NUL terminated. */
void epv_rd_str(epv_rd_t *r, char *dst, size_t n);
size_t epv_rd_left(const epv_rd_t *r);

/** strnlen without relying on POSIX (the core builds as plain C11). */
size_t epv_strnlen(const char *s, size_t max);

uint16_t epv_le16(const uint8_t *p);
uint32_t epv_le32(const uint8_t *p);
void epv_put_le16(uint8_t *p, uint16_t v);
void epv_put_le32(uint8_t *p, uint32_t v);

#endif
