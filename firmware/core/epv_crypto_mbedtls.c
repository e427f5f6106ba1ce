/* Legacy mbedtls_* backend of epv_crypto.h, for Mbed TLS 2.28 (Debian, the host build) and 3.x (ESP-IDF 5.x):
 * only functions whose signatures are identical in both. Mbed TLS 4 builds epv_crypto_psa.c instead. */
#include "epv_crypto_backend.h"

#if !EPV_CRYPTO_PSA

#include "epv_crypto.h"

#include <string.h>
#include "mbedtls/ccm.h"
#include "mbedtls/md.h"

epv_status_t epv_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                                    uint8_t out[EPV_SHA256_LEN])
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    if (!md || (!key && key_len) || !out || (!msg && msg_len)) {
        return EPV_ERR_ARG;
    }
    static const uint8_t none = 0; /* a readable pointer for empty inputs: some versions dereference it */
    return mbedtls_md_hmac(md, key ? key : &none, key_len, msg ? msg : &none, msg_len, out) == 0 ? EPV_OK
                                                                                               : EPV_ERR_CRYPTO;
}

static bool aead_args_ok(const uint8_t *key, const uint8_t *nonce, const uint8_t *ad, size_t ad_len,
                         const uint8_t *in, size_t len, const uint8_t *out, const uint8_t *tag)
{
    return key && nonce && tag && (ad || !ad_len) && ((in && out) || !len) && len <= EPV_AEAD_MAX_LEN;
}

epv_status_t epv_crypto_aead_seal(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t len, uint8_t *ct,
                                  uint8_t tag[EPV_AEAD_TAG_LEN])
{
    if (!aead_args_ok(key, nonce, ad, ad_len, pt, len, ct, tag)) {
        return EPV_ERR_ARG;
    }
    mbedtls_ccm_context ctx;
    mbedtls_ccm_init(&ctx);
    int rc = mbedtls_ccm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, key, EPV_AEAD_KEY_LEN * 8);
    if (rc == 0) {
        rc = mbedtls_ccm_encrypt_and_tag(&ctx, len, nonce, EPV_AEAD_NONCE_LEN, ad, ad_len, pt, ct, tag,
                                         EPV_AEAD_TAG_LEN);
    }
    mbedtls_ccm_free(&ctx);
    return rc == 0 ? EPV_OK : EPV_ERR_CRYPTO;
}

epv_status_t epv_crypto_aead_open(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len, uint8_t *pt,
                                  const uint8_t tag[EPV_AEAD_TAG_LEN])
{
    if (!aead_args_ok(key, nonce, ad, ad_len, ct, len, pt, tag)) {
        return EPV_ERR_ARG;
    }
    mbedtls_ccm_context ctx;
    mbedtls_ccm_init(&ctx);
    int rc = mbedtls_ccm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, key, EPV_AEAD_KEY_LEN * 8);
    if (rc == 0) {
        rc = mbedtls_ccm_auth_decrypt(&ctx, len, nonce, EPV_AEAD_NONCE_LEN, ad, ad_len, ct, pt, tag,
                                      EPV_AEAD_TAG_LEN);
    }
    mbedtls_ccm_free(&ctx);
    if (rc != 0 && len) {
        epv_wipe(pt, len); /* mbedTLS zeroes it too; the contract must not depend on that */
    }
    if (rc == MBEDTLS_ERR_CCM_AUTH_FAILED) {
        return EPV_ERR_AUTH;
    }
    return rc == 0 ? EPV_OK : EPV_ERR_CRYPTO;
}

#endif
