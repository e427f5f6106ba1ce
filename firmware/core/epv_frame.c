#include "epv_frame.h"

#include <string.h>
#include "epv_bytes.h"

_Static_assert(EPV_HDR_LEN == 1 + 1 + 2 + 4 + 2 * EPV_MAC_LEN, "espnow_data_t header is 20 bytes");
_Static_assert(EPV_PAYLOAD_MAX == 230, "ESP-NOW v1 frames carry at most 250 bytes");

/* Bit offsets inside the little-endian 32-bit word that follows `magic`. */
enum {
    B_CHANNEL = 0,   /* 4 bits */
    B_FILTER_ADJ = 4,
    B_FILTER_WEAK = 5,
    B_SECURITY = 6,
    /* 7..10 reserved */
    B_BROADCAST = 11,
    B_GROUP = 12,
    B_ACK = 13,
    B_RETRANSMIT = 14, /* 5 bits */
    B_TTL = 19,        /* 5 bits */
    B_RSSI = 24        /* 8 bits */
};

epv_status_t epv_hdr_encode(const epv_hdr_t *h, uint8_t *out, size_t cap)
{
    if (!h || !out) {
        return EPV_ERR_ARG;
    }
    if (cap < EPV_HDR_LEN) {
        return EPV_ERR_OVERFLOW;
    }
    if (h->type > 15 || h->version > 3 || h->channel > 15 || h->retransmit_count > 31 ||
        h->forward_ttl > 31 || h->size > EPV_PAYLOAD_MAX) {
        return EPV_ERR_VALUE;
    }
    uint32_t bits = (uint32_t)h->channel << B_CHANNEL;
    bits |= (uint32_t)h->filter_adjacent_channel << B_FILTER_ADJ;
    bits |= (uint32_t)h->filter_weak_signal << B_FILTER_WEAK;
    bits |= (uint32_t)h->security << B_SECURITY;
    bits |= (uint32_t)h->broadcast << B_BROADCAST;
    bits |= (uint32_t)h->group << B_GROUP;
    bits |= (uint32_t)h->ack << B_ACK;
    bits |= (uint32_t)h->retransmit_count << B_RETRANSMIT;
    bits |= (uint32_t)h->forward_ttl << B_TTL;
    bits |= (uint32_t)(uint8_t)h->forward_rssi << B_RSSI;

    out[0] = (uint8_t)(h->type | (h->version << 4));
    out[1] = h->size;
    epv_put_le16(out + 2, h->magic);
    epv_put_le32(out + 4, bits);
    memcpy(out + 8, h->dest, EPV_MAC_LEN);
    memcpy(out + 14, h->src, EPV_MAC_LEN);
    return EPV_OK;
}

epv_status_t epv_hdr_decode(const uint8_t *frame, size_t len, epv_hdr_t *h,
                            const uint8_t **payload, size_t *payload_len)
{
    if (!frame || !h || !payload || !payload_len) {
        return EPV_ERR_ARG;
    }
    if (len < EPV_HDR_LEN) {
        return EPV_ERR_SHORT;
    }
    if (len > EPV_FRAME_MAX) {
        return EPV_ERR_LENGTH;
    }
    memset(h, 0, sizeof(*h));
    h->type = frame[0] & 0x0f;
    h->version = (frame[0] >> 4) & 0x03;
    if (h->type != EPV_TYPE_PROV || h->version != EPV_HDR_VERSION) {
        return EPV_ERR_NOT_PROV;
    }
    h->size = frame[1];
    if ((size_t)h->size != len - EPV_HDR_LEN) {
        return EPV_ERR_LENGTH;
    }
    h->magic = epv_le16(frame + 2);
    uint32_t bits = epv_le32(frame + 4);
    h->channel = (uint8_t)((bits >> B_CHANNEL) & 0x0f);
    h->filter_adjacent_channel = (bits >> B_FILTER_ADJ) & 1u;
    h->filter_weak_signal = (bits >> B_FILTER_WEAK) & 1u;
    h->security = (bits >> B_SECURITY) & 1u;
    h->broadcast = (bits >> B_BROADCAST) & 1u;
    h->group = (bits >> B_GROUP) & 1u;
    h->ack = (bits >> B_ACK) & 1u;
    h->retransmit_count = (uint8_t)((bits >> B_RETRANSMIT) & 0x1f);
    h->forward_ttl = (uint8_t)((bits >> B_TTL) & 0x1f);
    h->forward_rssi = (int8_t)(uint8_t)(bits >> B_RSSI);
    memcpy(h->dest, frame + 8, EPV_MAC_LEN);
    memcpy(h->src, frame + 14, EPV_MAC_LEN);
    *payload = frame + EPV_HDR_LEN;
    *payload_len = len - EPV_HDR_LEN;
    return EPV_OK;
}

void epv_dedupe_init(epv_dedupe_t *d) { memset(d, 0, sizeof(*d)); }

bool epv_dedupe_seen(epv_dedupe_t *d, uint8_t type, uint16_t magic)
{
    for (uint8_t i = 0; i < d->used; i++) {
        if (d->type[i] == type && d->magic[i] == magic) {
            return true;
        }
    }
    d->type[d->next] = type;
    d->magic[d->next] = magic;
    d->next = (uint8_t)((d->next + 1) % EPV_DEDUPE_SLOTS);
    if (d->used < EPV_DEDUPE_SLOTS) {
        d->used++;
    }
    return false;
}

bool epv_mac_is_broadcast(const uint8_t mac[EPV_MAC_LEN])
{
    return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

bool epv_mac_equal(const uint8_t a[EPV_MAC_LEN], const uint8_t b[EPV_MAC_LEN])
{
    return memcmp(a, b, EPV_MAC_LEN) == 0;
}
