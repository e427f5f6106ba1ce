/* A tiny test harness: CHECK records failures and keeps going, so one run reports every broken case. */
#ifndef EPV_TEST_H
#define EPV_TEST_H

#include <stdio.h>
#include <string.h>
#include "../core/epv_node.h"

extern int epv_test_failures;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
            epv_test_failures++;                                                        \
        }                                                                               \
    } while (0)

#define CHECK_EQ(a, b) CHECK((long long)(a) == (long long)(b))

/* Every test case, declared once (the runner builds its table from this list). */
#define EPV_TESTS(X)                 \
    X(bytes_cursor)                  \
    X(header_roundtrip)              \
    X(header_bit_positions)          \
    X(header_rejects_bad_frames)     \
    X(dedupe_window)                 \
    X(compat_roundtrip)              \
    X(compat_truncations_rejected)   \
    X(compat_garbage_rejected)       \
    X(compat_device_trailing_bytes)  \
    X(compat_layout_offsets)         \
    X(compat_wifi_layouts_exact)     \
    X(secure_roundtrip)              \
    X(secure_bad_lengths_rejected)   \
    X(fixtures_match_firmware)       \
    X(fixtures_documented_offsets)   \
    X(hmac_rfc4231)                  \
    X(hkdf_rfc5869)                  \
    X(ccm_nist_vectors)              \
    X(creds_set_bounds)              \
    X(session_seal_open)             \
    X(session_tamper_and_wrong_key)  \
    X(config_parsing)                \
    X(host_config_file)              \
    X(config_kv_overrides)           \
    X(config_kv_errors_name_the_key) \
    X(host_link_lines)               \
    X(pct_encoding)                  \
    X(responder_beacons_and_window)  \
    X(responder_window_after_serving) \
    X(fail_names)                    \
    X(responder_nonce_rotation)      \
    X(responder_secure_answers)      \
    X(responder_rejections)          \
    X(responder_replay)              \
    X(responder_compat_answers)      \
    X(responder_resends_unacked)     \
    X(initiator_scan_and_timeout)    \
    X(initiator_locks_channel_after_late_beacon) \
    X(initiator_rejoins_when_provisioned) \
    X(initiator_retries_then_fails)  \
    X(initiator_moves_on_to_the_next_responder) \
    X(initiator_secure_credentials)  \
    X(initiator_rejects_forged_creds) \
    X(initiator_compat_credentials)  \
    X(initiator_compat_layouts)      \
    X(initiator_compat_ap_hint)      \
    X(initiator_wifi_retries)        \
    X(node_drops_foreign_frames)     \
    X(e2e_secure)                    \
    X(e2e_compat_44)                 \
    X(e2e_compat_53)                 \
    X(e2e_compat_54)                 \
    X(e2e_wrong_key)                 \
    X(e2e_lossy_air)                 \
    X(link_paces_and_frees_peers)    \
    X(link_refusals_reach_the_node)  \
    X(nvs_crc32)                     \
    X(nvs_reads_espressif_reference) \
    X(nvs_skips_corrupt_entries)     \
    X(nvs_newest_duplicate_wins)     \
    X(nvs_read_callback_and_kv_view)

#define EPV_DECLARE(name) void test_##name(void);
EPV_TESTS(EPV_DECLARE)

/* ---- shared helpers (test_util.c) ---- */

#define REC_MAX 512

/** Records every action a node emits; rng is a counter so runs are reproducible. */
typedef struct {
    epv_action_t acts[REC_MAX];
    int count;
    uint8_t rng_next;
} recorder_t;

void rec_init(recorder_t *r, epv_env_t *env);
void rec_clear(recorder_t *r);
/** Index of the first action of kind (and, for logs, whose text contains needle) from `from`, or -1. */
int rec_find(const recorder_t *r, int from, epv_action_kind_t kind, const char *needle);
int rec_count(const recorder_t *r, epv_action_kind_t kind, const char *needle);
/** The most recent SEND, or NULL. */
const epv_action_t *rec_last_send(const recorder_t *r);

extern const uint8_t MAC_R[EPV_MAC_LEN];
extern const uint8_t MAC_I[EPV_MAC_LEN];
extern const uint8_t TEST_KEY[EPV_PAIR_KEY_LEN];

/** A valid config for role/mode with the fixture values (ssid "myssid", password "mypassword"). */
void test_config(epv_config_t *c, epv_role_t role, epv_mode_t mode);
/** Builds a frame (header fields as our encoder sets them, magic given) around payload. */
size_t test_frame(uint8_t *out, const uint8_t src[EPV_MAC_LEN], const uint8_t dest[EPV_MAC_LEN], uint16_t magic,
                  uint8_t channel, const uint8_t *payload, size_t len);
/** Reads a fixture (test/fixtures/frames/NAME): '#' lines skipped, hex digits collected. Returns length or -1. */
int load_fixture(const char *name, uint8_t *out, size_t cap);
void hex_dump_line(FILE *f, const uint8_t *b, size_t n);

#endif
