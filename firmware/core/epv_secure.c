#include "epv_secure.h"

#include <string.h>
#include "epv_bytes.h"

_Static_assert(EPV_S_BEACON_LEN == 50, "secure beacon size");
_Static_assert(EPV_S_REQUEST_LEN == 98, "secure request size");
_Static_assert(EPV_S_CREDS_LEN == 145, "secure creds size");
_Static_assert(EPV_HDR_LEN + EPV_S_CREDS_LEN <= EPV_FRAME_MAX, "creds frame fits ESP-NOW");

int epv_kind_is_secure(uint8_t kind) { return kind >= EPV_KIND_S_BEACON && kind <= EPV_KIND_S_CREDS; }

epv_status_t epv_secure_encode(const epv_secure_msg_t *m, uint8_t *out, size_t cap, size_t *out_len)
{
    if (!m || !out_len) {
        return EPV_ERR_ARG;
    }
    epv_wr_t w;
    epv_wr_init(&w, out, cap);
    epv_wr_u8(&w, m->kind);
    epv_wr_u8(&w, EPV_SECURE_VERSION);
    switch (m->kind) {
    case EPV_KIND_S_BEACON:
        epv_wr_bytes(&w, m->u.beacon.responder_nonce, EPV_NONCE_LEN);
        epv_wr_str(&w, m->u.beacon.product_id, EPV_COMPAT_ID_LEN);
        epv_wr_str(&w, m->u.beacon.device_name, EPV_COMPAT_ID_LEN);
        break;
    case EPV_KIND_S_REQUEST:
        epv_wr_bytes(&w, m->u.request.responder_nonce, EPV_NONCE_LEN);
        epv_wr_bytes(&w, m->u.request.initiator_nonce, EPV_NONCE_LEN);
        epv_wr_str(&w, m->u.request.product_id, EPV_COMPAT_ID_LEN);
        epv_wr_str(&w, m->u.request.device_name, EPV_COMPAT_ID_LEN);
        epv_wr_bytes(&w, m->u.request.proof, EPV_PROOF_LEN);
        break;
    case EPV_KIND_S_CREDS:
        epv_wr_bytes(&w, m->u.creds.initiator_nonce, EPV_NONCE_LEN);
        epv_wr_bytes(&w, m->u.creds.aead_nonce, EPV_AEAD_NONCE_LEN);
        epv_wr_bytes(&w, m->u.creds.ct, EPV_CREDS_PT_LEN);
        epv_wr_bytes(&w, m->u.creds.tag, EPV_AEAD_TAG_LEN);
        break;
    default:
        return EPV_ERR_KIND;
    }
    if (w.st == EPV_OK) {
        *out_len = w.len;
    }
    return w.st;
}

static size_t expected_len(uint8_t kind)
{
    switch (kind) {
    case EPV_KIND_S_BEACON: return EPV_S_BEACON_LEN;
    case EPV_KIND_S_REQUEST: return EPV_S_REQUEST_LEN;
    case EPV_KIND_S_CREDS: return EPV_S_CREDS_LEN;
    default: return 0;
    }
}

epv_status_t epv_secure_decode(const uint8_t *payload, size_t len, epv_secure_msg_t *m)
{
    if (!payload || !m) {
        return EPV_ERR_ARG;
    }
    if (len < 2) {
        return EPV_ERR_SHORT;
    }
    memset(m, 0, sizeof(*m));
    m->kind = payload[0];
    size_t want = expected_len(m->kind);
    if (want == 0) {
        return EPV_ERR_KIND;
    }
    if (payload[1] != EPV_SECURE_VERSION) {
        return EPV_ERR_VALUE;
    }
    if (len != want) {
        return len < want ? EPV_ERR_SHORT : EPV_ERR_LENGTH;
    }
    epv_rd_t r;
    epv_rd_init(&r, payload, len);
    epv_rd_skip(&r, 2);
    switch (m->kind) {
    case EPV_KIND_S_BEACON:
        epv_rd_bytes(&r, m->u.beacon.responder_nonce, EPV_NONCE_LEN);
        epv_rd_str(&r, m->u.beacon.product_id, EPV_COMPAT_ID_LEN);
        epv_rd_str(&r, m->u.beacon.device_name, EPV_COMPAT_ID_LEN);
        break;
    case EPV_KIND_S_REQUEST:
        epv_rd_bytes(&r, m->u.request.responder_nonce, EPV_NONCE_LEN);
        epv_rd_bytes(&r, m->u.request.initiator_nonce, EPV_NONCE_LEN);
        epv_rd_str(&r, m->u.request.product_id, EPV_COMPAT_ID_LEN);
        epv_rd_str(&r, m->u.request.device_name, EPV_COMPAT_ID_LEN);
        epv_rd_bytes(&r, m->u.request.proof, EPV_PROOF_LEN);
        break;
    default:
        epv_rd_bytes(&r, m->u.creds.initiator_nonce, EPV_NONCE_LEN);
        epv_rd_bytes(&r, m->u.creds.aead_nonce, EPV_AEAD_NONCE_LEN);
        epv_rd_bytes(&r, m->u.creds.ct, EPV_CREDS_PT_LEN);
        epv_rd_bytes(&r, m->u.creds.tag, EPV_AEAD_TAG_LEN);
        break;
    }
    return r.st;
}
