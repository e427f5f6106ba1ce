/* The 20-byte ESP-NOW data header of Espressif's esp-now component (type PROV), shared by both modes.
 * Bit positions follow GCC's packed bitfield layout of espnow_data_t / espnow_frame_head_t. */
#ifndef EPV_FRAME_H
#define EPV_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epv_status.h"

#define EPV_MAC_LEN 6
#define EPV_HDR_LEN 20
#define EPV_FRAME_MAX 250 /* ESP_NOW_MAX_DATA_LEN */
#define EPV_PAYLOAD_MAX (EPV_FRAME_MAX - EPV_HDR_LEN)
#define EPV_TYPE_PROV 3
#define EPV_HDR_VERSION 2

typedef struct {
    uint8_t type;     /* 4 bits */
    uint8_t version;  /* 2 bits */
    uint8_t size;     /* payload bytes after the header */
    uint16_t magic;   /* per-frame id; receivers drop repeats of (type, magic) */
    uint8_t channel;  /* 4 bits: 0 = current, 15 = all */
    bool filter_adjacent_channel;
    bool filter_weak_signal;
    bool security;
    bool broadcast;
    bool group;
    bool ack;
    uint8_t retransmit_count; /* 5 bits */
    uint8_t forward_ttl;      /* 5 bits */
    int8_t forward_rssi;
    uint8_t dest[EPV_MAC_LEN];
    uint8_t src[EPV_MAC_LEN];
} epv_hdr_t;

/** Writes the header into out[0..EPV_HDR_LEN). Fields wider than their bitfield are EPV_ERR_VALUE. */
epv_status_t epv_hdr_encode(const epv_hdr_t *h, uint8_t *out, size_t cap);

/**
 * Parses a whole frame's header and checks that `size` matches the bytes that follow it exactly.
 * On success *payload / *payload_len point into frame.
 */
epv_status_t epv_hdr_decode(const uint8_t *frame, size_t len, epv_hdr_t *h,
                            const uint8_t **payload, size_t *payload_len);

/* Repeat filter: the reference retransmits a frame several times with the same magic. */
#define EPV_DEDUPE_SLOTS 32

typedef struct {
    uint8_t type[EPV_DEDUPE_SLOTS];
    uint16_t magic[EPV_DEDUPE_SLOTS];
    uint8_t used;
    uint8_t next;
} epv_dedupe_t;

void epv_dedupe_init(epv_dedupe_t *d);
/** True if (type, magic) was seen recently; otherwise remembers it and returns false. */
bool epv_dedupe_seen(epv_dedupe_t *d, uint8_t type, uint16_t magic);

bool epv_mac_is_broadcast(const uint8_t mac[EPV_MAC_LEN]);
bool epv_mac_equal(const uint8_t a[EPV_MAC_LEN], const uint8_t b[EPV_MAC_LEN]);

#endif
