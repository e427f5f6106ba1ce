/* mbedTLS backend of epv_crypto.h. Only functions whose signatures are identical in 2.28 and 3.x. */
#include "epv_crypto.h"

#include <string.h>
#include "mbedtls/ccm.h"
#include "mbedtls/md.h"

epv_status_t epv_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                                    uint8_t out[EPV_SHA256_LEN])
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
    if (!md || !key || !out || (!msg && msg_len)) {
        return EPV_ERR_ARG;
    }
    return mbedtls_md_hmac(md, key, key_len, msg, msg_len, out) == 0 ? EPV_OK : EPV_ERR_CRYPTO;
}

epv_status_t epv_crypto_aead_seal(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t len, uint8_t *ct,
                                  uint8_t tag[EPV_AEAD_TAG_LEN])
{
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
    mbedtls_ccm_context ctx;
    mbedtls_ccm_init(&ctx);
    int rc = mbedtls_ccm_setkey(&ctx, MBEDTLS_CIPHER_ID_AES, key, EPV_AEAD_KEY_LEN * 8);
    if (rc != 0) {
        mbedtls_ccm_free(&ctx);
        return EPV_ERR_CRYPTO;
    }
    rc = mbedtls_ccm_auth_decrypt(&ctx, len, nonce, EPV_AEAD_NONCE_LEN, ad, ad_len, ct, pt, tag, EPV_AEAD_TAG_LEN);
    mbedtls_ccm_free(&ctx);
    if (rc == MBEDTLS_ERR_CCM_AUTH_FAILED) {
        return EPV_ERR_AUTH;
    }
    return rc == 0 ? EPV_OK : EPV_ERR_CRYPTO;
}
