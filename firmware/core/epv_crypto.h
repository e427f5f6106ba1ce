/* The few primitives secure mode needs. The core calls only these. Backends, one per build, all held to the
 * same vectors (firmware/test/test_crypto.c): epv_crypto_mbedtls.c (Mbed TLS 2.28 / 3.x: the host build and
 * ESP-IDF 5.x), epv_crypto_psa.c (PSA Crypto: Mbed TLS 4 / TF-PSA-Crypto, ESP-IDF >= 6.0) and
 * ../wasm/epv_crypto_wasm.c (the lab's Node crypto). epv_crypto_backend.h picks between the first two. */
#ifndef EPV_CRYPTO_H
#define EPV_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epv_status.h"

#define EPV_SHA256_LEN 32
#define EPV_AEAD_KEY_LEN 32   /* AES-256 */
#define EPV_AEAD_NONCE_LEN 13 /* CCM with L = 2 */
#define EPV_AEAD_TAG_LEN 16
/* Longest AEAD message: the one-shot PSA API needs ciphertext and tag in one buffer of len + 16 bytes, which
 * the backend keeps on its stack. Secure mode seals 98 bytes. Every backend refuses more (EPV_ERR_ARG). */
#define EPV_AEAD_MAX_LEN 128

/** HMAC-SHA256; key may be empty (key_len 0), as in RFC 2104. */
epv_status_t epv_crypto_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len,
                                    uint8_t out[EPV_SHA256_LEN]);

/** AES-256-CCM encrypt, len <= EPV_AEAD_MAX_LEN: ct may equal pt. */
epv_status_t epv_crypto_aead_seal(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *pt, size_t len, uint8_t *ct,
                                  uint8_t tag[EPV_AEAD_TAG_LEN]);

/** AES-256-CCM decrypt and verify; EPV_ERR_AUTH (and a zeroed pt) when the tag does not match. */
epv_status_t epv_crypto_aead_open(const uint8_t key[EPV_AEAD_KEY_LEN], const uint8_t nonce[EPV_AEAD_NONCE_LEN],
                                  const uint8_t *ad, size_t ad_len, const uint8_t *ct, size_t len, uint8_t *pt,
                                  const uint8_t tag[EPV_AEAD_TAG_LEN]);

/** Constant-time comparison, so a proof check leaks no timing about where it differs. */
bool epv_ct_equal(const uint8_t *a, const uint8_t *b, size_t n);

/** Overwrites secrets in a way the compiler may not elide. */
void epv_wipe(void *p, size_t n);

#endif
