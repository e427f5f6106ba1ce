/* Secure-mode key schedule: the proof of pair-key knowledge, the per-session key and the sealed
 * credentials. Pure functions over epv_crypto.h; no state. */
#ifndef EPV_SESSION_H
#define EPV_SESSION_H

#include <stddef.h>
#include <stdint.h>
#include "epv_creds.h"
#include "epv_secure.h"

/* Longest HKDF info: the expand step builds T(i-1) || info || i in a fixed buffer. The session label plus two
 * MACs is 24 bytes; 80 lets RFC 5869's long test case run. */
#define EPV_HKDF_INFO_MAX 80

/** RFC 5869 HKDF-SHA256 on epv_crypto_hmac_sha256; out_len <= 255 * 32, info_len <= EPV_HKDF_INFO_MAX. */
epv_status_t epv_hkdf_sha256(const uint8_t *salt, size_t salt_len, const uint8_t *ikm, size_t ikm_len,
                             const uint8_t *info, size_t info_len, uint8_t *out, size_t out_len);

/** Binds the request: HMAC(pair key, "EPV1 proof" || rn || in || responder MAC || initiator MAC || ids). */
epv_status_t epv_session_proof(const uint8_t key[EPV_PAIR_KEY_LEN], const epv_s_request_t *req,
                               const uint8_t responder_mac[EPV_MAC_LEN], const uint8_t initiator_mac[EPV_MAC_LEN],
                               uint8_t out[EPV_PROOF_LEN]);

/** Per-session key: HKDF(salt = rn || in, ikm = pair key, info = "EPV1 session" || both MACs). */
epv_status_t epv_session_key(const uint8_t key[EPV_PAIR_KEY_LEN], const uint8_t rn[EPV_NONCE_LEN],
                             const uint8_t in[EPV_NONCE_LEN], const uint8_t responder_mac[EPV_MAC_LEN],
                             const uint8_t initiator_mac[EPV_MAC_LEN], uint8_t out[EPV_AEAD_KEY_LEN]);


/** Fills c->ct / c->tag from creds; c->initiator_nonce and c->aead_nonce must be set already. */
epv_status_t epv_session_seal(const uint8_t session_key[EPV_AEAD_KEY_LEN], const uint8_t rn[EPV_NONCE_LEN],
                              const uint8_t responder_mac[EPV_MAC_LEN], const uint8_t initiator_mac[EPV_MAC_LEN],
                              const epv_creds_t *creds, epv_s_creds_t *c);

/** Verifies and decrypts; EPV_ERR_AUTH for a wrong key / tampered frame, EPV_ERR_VALUE for bad lengths. */
epv_status_t epv_session_open(const uint8_t session_key[EPV_AEAD_KEY_LEN], const uint8_t rn[EPV_NONCE_LEN],
                              const uint8_t responder_mac[EPV_MAC_LEN], const uint8_t initiator_mac[EPV_MAC_LEN],
                              const epv_s_creds_t *c, epv_creds_t *creds);

#endif
