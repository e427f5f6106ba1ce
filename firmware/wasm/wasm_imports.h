/* What the virtual lab provides to the firmware running as WebAssembly: radio, Wi-Fi, timers, UART, entropy
 * and the crypto primitives (Node's crypto). Every pointer is an offset into this module's own memory and
 * every buffer comes with its length. The lab's side is extension/src/lab/wasm/firmware-imports.ts. */
#ifndef WASM_IMPORTS_H
#define WASM_IMPORTS_H

#include <stddef.h>
#include <stdint.h>

#define WASM_IMPORT(name) __attribute__((import_module("epv"), import_name(name)))

/** One console line "<level> (<ms>) <tag>: <text>", the lab adds the uptime and the line ending. */
WASM_IMPORT("log") void wasm_log(int level, const char *tag, size_t tag_len, const char *text, size_t text_len);
/* ESP-NOW as esp_now.h has it; each returns an esp_err_t value (ESP_OK, ESP_ERR_ESPNOW_*). */
#define WASM_ESP_OK 0
#define WASM_ESP_ERR_ESPNOW_ARG 0x3066
#define WASM_ESP_ERR_ESPNOW_FULL 0x3068
#define WASM_ESP_ERR_ESPNOW_NOT_FOUND 0x3069
#define WASM_ESP_ERR_ESPNOW_EXIST 0x306b
/** esp_now_add_peer: at most 20 peers in all, the broadcast address included. */
WASM_IMPORT("espnow_add_peer") int wasm_espnow_add_peer(const uint8_t *mac);
WASM_IMPORT("espnow_del_peer") int wasm_espnow_del_peer(const uint8_t *mac);
/** esp_now_send to a registered peer on the current channel; when it returns ESP_OK the lab later calls
 * epv_on_send_done exactly once for this frame. */
WASM_IMPORT("espnow_send") int wasm_espnow_send(const uint8_t *dest, const uint8_t *frame, size_t len);
WASM_IMPORT("set_channel") void wasm_set_channel(uint32_t channel);
/** One-shot timer; the lab calls wasm_on_timer(id) when it fires. Restarting replaces it. */
WASM_IMPORT("timer_start") void wasm_timer_start(uint32_t id, uint32_t ms);
WASM_IMPORT("timer_stop") void wasm_timer_stop(uint32_t id);
/** esp_wifi_set_config + esp_wifi_connect: ESP_OK, or the esp_err_t the driver refused the join with. */
WASM_IMPORT("wifi_join") int wasm_wifi_join(const uint8_t *ssid, size_t ssid_len, const uint8_t *pw, size_t pw_len);
/** Reads len bytes of the board's flash at offset into dst; 0 on success, -1 outside the flash. */
WASM_IMPORT("flash_read") int wasm_flash_read(uint32_t offset, uint8_t *dst, size_t len);
/** nvs_set_str("ssid"/"password"), nvs_set_u8("provisioned", 1) and nvs_erase_key("pair_key") in namespace espnow_prov of the board's
 * NVS partition, then nvs_commit; 0 on success, -1 when the board has no NVS partition or it is full. */
WASM_IMPORT("nvs_store_creds")
int wasm_nvs_store_creds(const uint8_t *ssid, size_t ssid_len, const uint8_t *pw, size_t pw_len);
/** Cryptographically strong random bytes; the lab traps rather than return predictable ones. */
WASM_IMPORT("random") void wasm_random(uint8_t *out, size_t len);

/* Crypto (epv_crypto.h): return 0 on success, 1 when an AEAD tag does not verify, -1 on any other error. */
WASM_IMPORT("hmac_sha256")
int wasm_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *msg, size_t msg_len, uint8_t *out);
WASM_IMPORT("aead_seal")
int wasm_aead_seal(const uint8_t *key, const uint8_t *nonce, const uint8_t *ad, size_t ad_len, const uint8_t *pt,
                   size_t len, uint8_t *ct, uint8_t *tag);
WASM_IMPORT("aead_open")
int wasm_aead_open(const uint8_t *key, const uint8_t *nonce, const uint8_t *ad, size_t ad_len, const uint8_t *ct,
                   size_t len, uint8_t *pt, const uint8_t *tag);

#endif
