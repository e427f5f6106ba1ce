/* Per-board run-time configuration from a key-value store: ESP-IDF's NVS, namespace "espnow_prov", read
 * through nvs_get_* on a chip and through epv_nvs.c on a virtual board. A key that is absent keeps the
 * menuconfig value; a key that is present with a wrong type or value is a configuration error naming the
 * key, so a bad partition stops the app at boot instead of provisioning with half a configuration.
 * The keys, types and ranges are documented in firmware/README.md; extension/src/core/nvs writes them. */
#ifndef EPV_CONFIG_KV_H
#define EPV_CONFIG_KV_H

#include <stddef.h>
#include <stdint.h>
#include "epv_config.h"

#define EPV_KV_NAMESPACE "espnow_prov"

/* The keys (at most 15 characters, as NVS allows). */
#define EPV_KV_ROLE "role"               /* u8: 0 responder, 1 initiator */
#define EPV_KV_MODE "mode"               /* u8: epv_mode_t */
#define EPV_KV_SSID "ssid"               /* string, 1..32 bytes */
#define EPV_KV_PASSWORD "password"       /* string, 0..64 bytes */
#define EPV_KV_CHANNEL "channel"         /* u8: 0..13 */
#define EPV_KV_PAIR_KEY "pair_key"       /* blob, 32 bytes */
#define EPV_KV_ALLOW "allow"             /* string: comma-separated MACs */
#define EPV_KV_PRODUCT_ID "product_id"   /* string, 0..16 bytes */
#define EPV_KV_DEVICE_NAME "device_name" /* string, 0..16 bytes */
#define EPV_KV_BEACON_MS "beacon_ms"     /* u32: beacon interval, 10..10000 ms */
#define EPV_KV_WINDOW_S "window_s"       /* u32: beacon window, 1..86400 s */
#define EPV_KV_SCAN_S "scan_s"           /* u32: scan timeout, 1..86400 s */
#define EPV_KV_PROVISIONED "provisioned" /* u8: 1 = an initiator that kept the credentials it was given */

/** A read-only view of the store. Each getter returns EPV_OK, EPV_ERR_NOT_FOUND, or another error for a
 * value of the wrong type or size (EPV_ERR_OVERFLOW: longer than cap). Strings come without a NUL. */
typedef struct {
    epv_status_t (*get_u8)(void *ctx, const char *key, uint8_t *out);
    epv_status_t (*get_u32)(void *ctx, const char *key, uint32_t *out);
    epv_status_t (*get_str)(void *ctx, const char *key, char *out, size_t cap, size_t *len);
    epv_status_t (*get_blob)(void *ctx, const char *key, uint8_t *out, size_t cap, size_t *len);
    void *ctx;
} epv_kv_t;

/**
 * Overrides c's values with those present in kv. On error *bad_key names the key and *why says what is
 * wrong with it; c may then be partly changed (the caller stops anyway). *applied counts the keys taken.
 */
epv_status_t epv_config_apply_kv(epv_config_t *c, const epv_kv_t *kv, const char **bad_key, const char **why,
                                 unsigned *applied);

#endif
