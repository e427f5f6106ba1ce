#include "epv_session.h"

#include <string.h>
#include "epv_bytes.h"

static const char PROOF_LABEL[] = "EPV1 proof";
static const char SESSION_LABEL[] = "EPV1 session";
#define LABEL_LEN(l) (sizeof(l) - 1)

bool epv_ct_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) {
        diff |= (uint8_t)(a[i] ^ b[i]);
    }
    return diff == 0;
}

void epv_wipe(void *p, size_t n)
{
    volatile uint8_t *v = (volatile uint8_t *)p;
    while (n--) {
        *v++ = 0;
    }
}

epv_status_t epv_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                             const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len)
{
    static const uint8_t zero_salt[EPV_SHA256_LEN] = {0};
    uint8_t prk[EPV_SHA256_LEN];
    uint8_t block[EPV_SHA256_LEN + EPV_HKDF_INFO_MAX + 1]; /* T(i-1) || info || i */
    uint8_t t[EPV_SHA256_LEN];
    if (!out || out_len > 255u * EPV_SHA256_LEN || info_len > EPV_HKDF_INFO_MAX || (!info && info_len)) {
        return EPV_ERR_ARG;
    }
    if (!salt || salt_len == 0) {
        salt = zero_salt;
        salt_len = sizeof(zero_salt);
    }
    epv_status_t st = epv_crypto_hmac_sha256(salt, salt_len, ikm, ikm_len, prk);
    size_t done = 0;
    size_t prev = 0;
    for (uint8_t i = 1; st == EPV_OK && done < out_len; i++) {
        size_t n = 0;
        memcpy(block, t, prev);
        n += prev;
        if (info_len) {
            memcpy(block + n, info, info_len);
        }
        n += info_len;
        block[n++] = i;
        st = epv_crypto_hmac_sha256(prk, sizeof(prk), block, n, t);
        size_t take = out_len - done < EPV_SHA256_LEN ? out_len - done : EPV_SHA256_LEN;
        memcpy(out + done, t, take);
        done += take;
        prev = EPV_SHA256_LEN;
    }
    epv_wipe(prk, sizeof(prk));
    epv_wipe(block, sizeof(block));
    epv_wipe(t, sizeof(t));
    return st;
}

epv_status_t epv_session_proof(const uint8_t key[EPV_PAIR_KEY_LEN], const epv_s_request_t *req,
                               const uint8_t responder_mac[EPV_MAC_LEN], const uint8_t initiator_mac[EPV_MAC_LEN],
                               uint8_t out[EPV_PROOF_LEN])
{
    uint8_t msg[LABEL_LEN(PROOF_LABEL) + 2 * EPV_NONCE_LEN + 2 * EPV_MAC_LEN + 2 * EPV_COMPAT_ID_LEN];
    size_t n = 0;
    memcpy(msg + n, PROOF_LABEL, LABEL_LEN(PROOF_LABEL));
    n += LABEL_LEN(PROOF_LABEL);
    memcpy(msg + n, req->responder_nonce, EPV_NONCE_LEN);
    n += EPV_NONCE_LEN;
    memcpy(msg + n, req->initiator_nonce, EPV_NONCE_LEN);
    n += EPV_NONCE_LEN;
    memcpy(msg + n, responder_mac, EPV_MAC_LEN);
    n += EPV_MAC_LEN;
    memcpy(msg + n, initiator_mac, EPV_MAC_LEN);
    n += EPV_MAC_LEN;
    /* ids as their zero-padded wire fields, so the proof covers exactly the bytes sent */
    memset(msg + n, 0, 2 * EPV_COMPAT_ID_LEN);
    memcpy(msg + n, req->product_id, epv_strnlen(req->product_id, EPV_COMPAT_ID_LEN));
    n += EPV_COMPAT_ID_LEN;
    memcpy(msg + n, req->device_name, epv_strnlen(req->device_name, EPV_COMPAT_ID_LEN));
    n += EPV_COMPAT_ID_LEN;
    return epv_crypto_hmac_sha256(key, EPV_PAIR_KEY_LEN, msg, n, out);
}

epv_status_t epv_session_key(const uint8_t key[EPV_PAIR_KEY_LEN], const uint8_t rn[EPV_NONCE_LEN],
                             const uint8_t in[EPV_NONCE_LEN], const uint8_t responder_mac[EPV_MAC_LEN],
                             const uint8_t initiator_mac[EPV_MAC_LEN], uint8_t out[EPV_AEAD_KEY_LEN])
{
    uint8_t salt[2 * EPV_NONCE_LEN];
    uint8_t info[LABEL_LEN(SESSION_LABEL) + 2 * EPV_MAC_LEN];
    memcpy(salt, rn, EPV_NONCE_LEN);
    memcpy(salt + EPV_NONCE_LEN, in, EPV_NONCE_LEN);
    memcpy(info, SESSION_LABEL, LABEL_LEN(SESSION_LABEL));
    memcpy(info + LABEL_LEN(SESSION_LABEL), responder_mac, EPV_MAC_LEN);
    memcpy(info + LABEL_LEN(SESSION_LABEL) + EPV_MAC_LEN, initiator_mac, EPV_MAC_LEN);
    return epv_hkdf_sha256(salt, sizeof(salt), key, EPV_PAIR_KEY_LEN, info, sizeof(info), out, EPV_AEAD_KEY_LEN);
}

/* Associated data: kind, version, both nonces and both MACs, so a sealed blob fits one session only. */
#define AD_LEN (2 + 2 * EPV_NONCE_LEN + 2 * EPV_MAC_LEN)

static void build_ad(uint8_t ad[AD_LEN], const uint8_t rn[EPV_NONCE_LEN], const uint8_t in[EPV_NONCE_LEN],
                     const uint8_t responder_mac[EPV_MAC_LEN], const uint8_t initiator_mac[EPV_MAC_LEN])
{
    ad[0] = EPV_KIND_S_CREDS;
    ad[1] = EPV_SECURE_VERSION;
    memcpy(ad + 2, rn, EPV_NONCE_LEN);
    memcpy(ad + 2 + EPV_NONCE_LEN, in, EPV_NONCE_LEN);
    memcpy(ad + 2 + 2 * EPV_NONCE_LEN, responder_mac, EPV_MAC_LEN);
    memcpy(ad + 2 + 2 * EPV_NONCE_LEN + EPV_MAC_LEN, initiator_mac, EPV_MAC_LEN);
}

epv_status_t epv_session_seal(const uint8_t session_key[EPV_AEAD_KEY_LEN], const uint8_t rn[EPV_NONCE_LEN],
                              const uint8_t responder_mac[EPV_MAC_LEN], const uint8_t initiator_mac[EPV_MAC_LEN],
                              const epv_creds_t *creds, epv_s_creds_t *c)
{
    if (!creds || !c || creds->ssid_len > EPV_SSID_MAX || creds->password_len > EPV_PASSWORD_MAX) {
        return EPV_ERR_ARG;
    }
    uint8_t pt[EPV_CREDS_PT_LEN];
    uint8_t ad[AD_LEN];
    memset(pt, 0, sizeof(pt));
    pt[0] = creds->ssid_len;
    memcpy(pt + 1, creds->ssid, creds->ssid_len);
    pt[1 + EPV_SSID_MAX] = creds->password_len;
    memcpy(pt + 2 + EPV_SSID_MAX, creds->password, creds->password_len);
    build_ad(ad, rn, c->initiator_nonce, responder_mac, initiator_mac);
    epv_status_t st = epv_crypto_aead_seal(session_key, c->aead_nonce, ad, sizeof(ad), pt, sizeof(pt), c->ct, c->tag);
    epv_wipe(pt, sizeof(pt));
    return st;
}

epv_status_t epv_session_open(const uint8_t session_key[EPV_AEAD_KEY_LEN], const uint8_t rn[EPV_NONCE_LEN],
                              const uint8_t responder_mac[EPV_MAC_LEN], const uint8_t initiator_mac[EPV_MAC_LEN],
                              const epv_s_creds_t *c, epv_creds_t *creds)
{
    if (!c || !creds) {
        return EPV_ERR_ARG;
    }
    uint8_t pt[EPV_CREDS_PT_LEN];
    uint8_t ad[AD_LEN];
    build_ad(ad, rn, c->initiator_nonce, responder_mac, initiator_mac);
    epv_status_t st = epv_crypto_aead_open(session_key, c->aead_nonce, ad, sizeof(ad), c->ct, sizeof(pt), pt, c->tag);
    memset(creds, 0, sizeof(*creds));
    if (st == EPV_OK) {
        uint8_t sl = pt[0];
        uint8_t pl = pt[1 + EPV_SSID_MAX];
        if (sl == 0 || sl > EPV_SSID_MAX || pl > EPV_PASSWORD_MAX) {
            st = EPV_ERR_VALUE;
        } else {
            creds->ssid_len = sl;
            memcpy(creds->ssid, pt + 1, sl);
            creds->password_len = pl;
            memcpy(creds->password, pt + 2 + EPV_SSID_MAX, pl);
        }
    }
    epv_wipe(pt, sizeof(pt));
    return st;
}
