/* WebAssembly backend of epv_crypto.h: the primitives come from the lab (Node's crypto), checked with the
 * same vectors as the mbedTLS backend (firmware/test/test_crypto.c, run as wasm by test/unit/lab/wasm). */
#include "../core/epv_crypto.h"

#include <string.h>
#include "wasm_imports.h"

/* The same argument contract as the other backends (epv_crypto.h), checked before any import is called. */
static bool aead_args_ok(const uint8_t *key, const uint8_t *nonce, const uint8_t *tag, const uint8_t *ad, size_t ad_len,
                         const uint8_t *in, const uint8_t *out, size_t len)
{
    return key && nonce && tag && (ad || !ad_len) && ((in && out) || !len) && len <= EPV_AEAD_MAX_LEN;
}

epv_status_t epv_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                                    uint8_t out[EPV_SHA256_LEN])
{
    if ((!key && key_len) || !out || (!msg && msg_len)) {
        return EPV_ERR_ARG;
    }
    return wasm_hmac_sha256(key, key_len, msg, msg_len, out) == 0 ? EPV_OK : EPV_ERR_CRYPTO;
}

epv_status_t epv_crypto_aead_seal(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t len, uint8_t *ct,
                                  uint8_t tag[EPV_AEAD_TAG_LEN])
{
    if (!aead_args_ok(key, nonce, tag, ad, ad_len, pt, ct, len)) {
        return EPV_ERR_ARG;
    }
    return wasm_aead_seal(key, nonce, ad, ad_len, pt, len, ct, tag) == 0 ? EPV_OK : EPV_ERR_CRYPTO;
}

epv_status_t epv_crypto_aead_open(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len, uint8_t *pt,
                                  const uint8_t tag[EPV_AEAD_TAG_LEN])
{
    if (!aead_args_ok(key, nonce, tag, ad, ad_len, ct, pt, len)) {
        return EPV_ERR_ARG;
    }
    int rc = wasm_aead_open(key, nonce, ad, ad_len, ct, len, pt, tag);
    if (rc != 0 && len) {
        epv_wipe(pt, len); /* the contract: nothing of an unauthenticated plaintext survives */
    }
    return rc == 0 ? EPV_OK : rc == 1 ? EPV_ERR_AUTH : EPV_ERR_CRYPTO;
}
