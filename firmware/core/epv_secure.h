/* Secure mode: payload kinds 0x10..0x12 inside the same 20-byte PROV header. Espressif's component
 * ignores kinds it does not know, so secure frames never confuse a compat device. */
#ifndef EPV_SECURE_H
#define EPV_SECURE_H

#include <stddef.h>
#include <stdint.h>
#include "epv_compat.h"
#include "epv_crypto.h"
#include "epv_frame.h"
#include "epv_status.h"

#define EPV_KIND_S_BEACON 0x10
#define EPV_KIND_S_REQUEST 0x11
#define EPV_KIND_S_CREDS 0x12
#define EPV_SECURE_VERSION 1

#define EPV_NONCE_LEN 16
#define EPV_PAIR_KEY_LEN 32
#define EPV_PROOF_LEN EPV_SHA256_LEN
/* Credentials plaintext: ssid_len, ssid[32], password_len, password[64]; fixed size hides lengths. */
#define EPV_CREDS_PT_LEN (1 + EPV_SSID_MAX + 1 + EPV_PASSWORD_MAX)

#define EPV_S_BEACON_LEN (2 + EPV_NONCE_LEN + 2 * EPV_COMPAT_ID_LEN)
#define EPV_S_REQUEST_LEN (2 + 2 * EPV_NONCE_LEN + 2 * EPV_COMPAT_ID_LEN + EPV_PROOF_LEN)
#define EPV_S_CREDS_LEN (2 + EPV_NONCE_LEN + EPV_AEAD_NONCE_LEN + EPV_CREDS_PT_LEN + EPV_AEAD_TAG_LEN)

typedef struct {
    uint8_t responder_nonce[EPV_NONCE_LEN];
    char product_id[EPV_COMPAT_ID_LEN + 1];
    char device_name[EPV_COMPAT_ID_LEN + 1];
} epv_s_beacon_t;

typedef struct {
    uint8_t responder_nonce[EPV_NONCE_LEN];
    uint8_t initiator_nonce[EPV_NONCE_LEN];
    char product_id[EPV_COMPAT_ID_LEN + 1];
    char device_name[EPV_COMPAT_ID_LEN + 1];
    uint8_t proof[EPV_PROOF_LEN];
} epv_s_request_t;

typedef struct {
    uint8_t initiator_nonce[EPV_NONCE_LEN];
    uint8_t aead_nonce[EPV_AEAD_NONCE_LEN];
    uint8_t ct[EPV_CREDS_PT_LEN];
    uint8_t tag[EPV_AEAD_TAG_LEN];
} epv_s_creds_t;

typedef struct {
    uint8_t kind;
    union {
        epv_s_beacon_t beacon;
        epv_s_request_t request;
        epv_s_creds_t creds;
    } u;
} epv_secure_msg_t;

epv_status_t epv_secure_encode(const epv_secure_msg_t *m, uint8_t *out, size_t cap, size_t *out_len);
/** Exact lengths only; a wrong protocol version is EPV_ERR_VALUE. */
epv_status_t epv_secure_decode(const uint8_t *payload, size_t len, epv_secure_msg_t *m);

/** True for payload kinds that belong to secure mode (used to report a mode mismatch). */
int epv_kind_is_secure(uint8_t kind);

#endif
