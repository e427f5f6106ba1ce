/* PSA Crypto backend of epv_crypto.h: the only one that builds on Mbed TLS 4 / TF-PSA-Crypto (ESP-IDF >= 6.0).
 * It uses the calls that PSA Crypto 1.0 and Mbed TLS 2.28's PSA layer share, so the host tests run it against
 * Debian's library too (-DEPV_CRYPTO_PSA=1). Keys are imported as volatile keys for one operation and
 * destroyed before returning; HKDF stays in the core (epv_session.c) on top of this HMAC. */
#include "epv_crypto_backend.h"

#if EPV_CRYPTO_PSA

#include "epv_crypto.h"

#include <string.h>
#include "psa/crypto.h"

/* Imports key bytes as a volatile key usable for one algorithm; psa_crypto_init is idempotent, so calling it
 * here keeps the backend free of "initialised yet?" state. */
static psa_status_t import_key(psa_key_type_t type, psa_algorithm_t alg, psa_key_usage_t usage,
                               const uint8_t *key, size_t key_len, mbedtls_svc_key_id_t *id)
{
    psa_status_t st = psa_crypto_init();
    if (st != PSA_SUCCESS) {
        return st;
    }
    psa_key_attributes_t attr = PSA_KEY_ATTRIBUTES_INIT;
    psa_set_key_type(&attr, type);
    psa_set_key_algorithm(&attr, alg);
    psa_set_key_usage_flags(&attr, usage);
    st = psa_import_key(&attr, key, key_len, id);
    psa_reset_key_attributes(&attr);
    return st;
}

epv_status_t epv_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                                    uint8_t out[EPV_SHA256_LEN])
{
    if ((!key && key_len) || !out || (!msg && msg_len)) {
        return EPV_ERR_ARG;
    }
    /* PSA refuses empty keys; HMAC pads every key with zeros to the block size, so one zero byte is the same
     * key as none (RFC 2104). */
    static const uint8_t zero = 0;
    if (key_len == 0) {
        key = &zero;
        key_len = 1;
    }
    const psa_algorithm_t alg = PSA_ALG_HMAC(PSA_ALG_SHA_256);
    mbedtls_svc_key_id_t id = MBEDTLS_SVC_KEY_ID_INIT;
    psa_status_t st = import_key(PSA_KEY_TYPE_HMAC, alg, PSA_KEY_USAGE_SIGN_MESSAGE, key, key_len, &id);
    size_t out_len = 0;
    if (st == PSA_SUCCESS) {
        st = psa_mac_compute(id, alg, msg ? msg : &zero, msg_len, out, EPV_SHA256_LEN, &out_len);
        psa_destroy_key(id);
    }
    return st == PSA_SUCCESS && out_len == EPV_SHA256_LEN ? EPV_OK : EPV_ERR_CRYPTO;
}

static bool aead_args_ok(const uint8_t *key, const uint8_t *nonce, const uint8_t *ad, size_t ad_len,
                         const uint8_t *in, size_t len, const uint8_t *out, const uint8_t *tag)
{
    return key && nonce && tag && (ad || !ad_len) && ((in && out) || !len) && len <= EPV_AEAD_MAX_LEN;
}

/* AES-256-CCM with a 16-byte tag: PSA_ALG_CCM's default tag length. */
static psa_status_t aead_key(const uint8_t key[EPV_AEAD_KEY_LEN], psa_key_usage_t usage, mbedtls_svc_key_id_t *id)
{
    return import_key(PSA_KEY_TYPE_AES, PSA_ALG_CCM, usage, key, EPV_AEAD_KEY_LEN, id);
}

epv_status_t epv_crypto_aead_seal(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t len, uint8_t *ct,
                                  uint8_t tag[EPV_AEAD_TAG_LEN])
{
    if (!aead_args_ok(key, nonce, ad, ad_len, pt, len, ct, tag)) {
        return EPV_ERR_ARG;
    }
    uint8_t buf[EPV_AEAD_MAX_LEN + EPV_AEAD_TAG_LEN]; /* one-shot PSA writes ciphertext || tag */
    static const uint8_t none = 0;
    mbedtls_svc_key_id_t id = MBEDTLS_SVC_KEY_ID_INIT;
    size_t out_len = 0;
    psa_status_t st = aead_key(key, PSA_KEY_USAGE_ENCRYPT, &id);
    if (st == PSA_SUCCESS) {
        st = psa_aead_encrypt(id, PSA_ALG_CCM, nonce, EPV_AEAD_NONCE_LEN, ad ? ad : &none, ad_len,
                              pt ? pt : &none, len, buf, len + EPV_AEAD_TAG_LEN, &out_len);
        psa_destroy_key(id);
    }
    epv_status_t rc = EPV_ERR_CRYPTO;
    if (st == PSA_SUCCESS && out_len == len + EPV_AEAD_TAG_LEN) {
        if (len) {
            memcpy(ct, buf, len);
        }
        memcpy(tag, buf + len, EPV_AEAD_TAG_LEN);
        rc = EPV_OK;
    }
    epv_wipe(buf, sizeof(buf));
    return rc;
}

epv_status_t epv_crypto_aead_open(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len, uint8_t *pt,
                                  const uint8_t tag[EPV_AEAD_TAG_LEN])
{
    if (!aead_args_ok(key, nonce, ad, ad_len, ct, len, pt, tag)) {
        return EPV_ERR_ARG;
    }
    uint8_t in[EPV_AEAD_MAX_LEN + EPV_AEAD_TAG_LEN];
    uint8_t out[EPV_AEAD_MAX_LEN + 1]; /* never empty, whatever len is */
    static const uint8_t none = 0;
    if (len) {
        memcpy(in, ct, len);
    }
    memcpy(in + len, tag, EPV_AEAD_TAG_LEN);
    mbedtls_svc_key_id_t id = MBEDTLS_SVC_KEY_ID_INIT;
    size_t out_len = 0;
    psa_status_t st = aead_key(key, PSA_KEY_USAGE_DECRYPT, &id);
    if (st == PSA_SUCCESS) {
        st = psa_aead_decrypt(id, PSA_ALG_CCM, nonce, EPV_AEAD_NONCE_LEN, ad ? ad : &none, ad_len, in,
                              len + EPV_AEAD_TAG_LEN, out, sizeof(out), &out_len);
        psa_destroy_key(id);
    }
    epv_status_t rc = st == PSA_ERROR_INVALID_SIGNATURE ? EPV_ERR_AUTH : EPV_ERR_CRYPTO;
    if (st == PSA_SUCCESS && out_len == len) {
        if (len) {
            memcpy(pt, out, len);
        }
        rc = EPV_OK;
    } else if (len) {
        epv_wipe(pt, len); /* nothing of an unauthenticated plaintext survives */
    }
    epv_wipe(out, sizeof(out));
    epv_wipe(in, sizeof(in));
    return rc;
}

#endif
