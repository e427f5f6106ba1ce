/* The shared frame fixtures (test/fixtures/frames, one .hex file per frame) are what the firmware sends: each
 * one is captured from the real responder / initiator state machines answering each other (deterministic
 * randomness), so header bits, magics and payloads are the firmware's own. `epv_tests --write-fixtures DIR`
 * writes them; test_fixtures_match_firmware fails as soon as the firmware's output drifts from the checked-in
 * files, and the TypeScript side (test/unit/lab/air/prov-frame.test.ts) reads the same files. */
#include <stdlib.h>
#include "../core/epv_session.h"
#include "epv_test.h"

/* Which node sends, in which mode, answering which earlier fixture (-1: none, it is the node's first frame),
 * with which first byte of its counting "random" source: distinct seeds give distinct magics (receivers drop
 * repeats of a magic), the same seed gives the same nonces (secure-creds answers secure-beacon's rn). */
typedef struct {
    const char *name;
    epv_role_t role;
    epv_mode_t mode;
    int answers;
    uint8_t seed;
    const char *comment;
} fixture_t;

static const fixture_t FIXTURES[] = {
    {"compat-beacon.hex", EPV_ROLE_RESPONDER, EPV_MODE_ESPRESSIF_54, -1, 0x10,
     "BEACON of a responder in any espressif-* mode (24:0a:c4:00:00:01 -> broadcast, channel 6). Header: "
     "filter_adjacent_channel, broadcast, retransmit_count 10. Payload 33: product_id \"espnow_prov\", "
     "device_name \"responder\"."},
    {"compat-device.hex", EPV_ROLE_INITIATOR, EPV_MODE_ESPRESSIF_54, 0, 0x80,
     "DEVICE of an espressif-* initiator (24:0a:c4:00:00:02) answering compat-beacon. Header: "
     "filter_adjacent_channel only. Payload 70: product_id \"espnow_prov\", device_name \"initiator\", "
     "auth_mode 0, secret and custom_size zero."},
    {"compat-wifi-4.4.hex", EPV_ROLE_RESPONDER, EPV_MODE_ESPRESSIF_44, 1, 0x30,
     "WIFI of an espressif-4.4 responder answering compat-device (IDF 4.4.4+/5.0.1+ layout: wifi_sta_config_t "
     "140 bytes, payload 178). Header: broadcast bit with a unicast address, retransmit_count 10. mode 1 (STA), "
     "ssid \"myssid\" at payload 5, password \"mypassword\" at 37, bssid_set 0 at 105, channel 0 at 112, token "
     "at 145, custom_size 0 at 177."},
    {"compat-wifi-5.3.hex", EPV_ROLE_RESPONDER, EPV_MODE_ESPRESSIF_53, 1, 0x40,
     "WIFI of an espressif-5.3 responder (IDF 5.1-5.3 layout: wifi_sta_config_t 180 bytes, payload 218). Same "
     "fields; token at 185, custom_size at 217."},
    {"compat-wifi-5.4.hex", EPV_ROLE_RESPONDER, EPV_MODE_ESPRESSIF_54, 1, 0x50,
     "WIFI of an espressif-5.4 responder (IDF >= 5.4 layout: wifi_sta_config_t 184 bytes, payload 222). Same "
     "fields; token at 189, custom_size at 221."},
    {"secure-beacon.hex", EPV_ROLE_RESPONDER, EPV_MODE_SECURE, -1, 0x10,
     "S_BEACON (kind 0x10, version 1) of a secure responder, 24:0a:c4:00:00:01 -> broadcast, channel 6; "
     "payload 50: rn at 2, product_id at 18, device_name at 34."},
    {"secure-request.hex", EPV_ROLE_INITIATOR, EPV_MODE_SECURE, 5, 0x80,
     "S_REQUEST (kind 0x11) of a secure initiator answering secure-beacon; payload 98: rn at 2, in at 18, ids, "
     "proof at 66 = HMAC-SHA256 under pair key 00112233445566778899aabbccddeeff twice."},
    {"secure-creds.hex", EPV_ROLE_RESPONDER, EPV_MODE_SECURE, 6, 0x10,
     "S_CREDS (kind 0x12) answering secure-request; payload 145: in at 2, CCM nonce at 18, 98 sealed bytes at 31 "
     "(ssid \"myssid\", password \"mypassword\"), tag at 129, under HKDF of that pair key, rn and in."},
};
#define FIXTURE_COUNT (sizeof(FIXTURES) / sizeof(FIXTURES[0]))

static recorder_t rec;
static epv_node_t node;

/* Builds fixture i by booting its node and, if it answers another fixture, feeding that one first; the first
 * frame the node sends afterwards is the fixture. Returns its length, 0 if the node sent nothing. */
static size_t build(size_t i, uint8_t *out)
{
    const fixture_t *fx = &FIXTURES[i];
    uint8_t heard[EPV_FRAME_MAX];
    size_t heard_len = fx->answers >= 0 ? build((size_t)fx->answers, heard) : 0;
    epv_config_t c;
    epv_env_t env;
    rec_init(&rec, &env);
    rec.rng_next = fx->seed;
    test_config(&c, fx->role, fx->mode);
    c.channel = 6; /* the initiator too: no channel hopping between boot and the frame */
    if (epv_node_init(&node, &c, &env, NULL) != EPV_OK) {
        return 0;
    }
    epv_node_start(&node);
    int from = 0;
    if (fx->answers >= 0) {
        from = rec.count;
        epv_node_on_frame(&node, heard + 14, -40, 6, heard, heard_len);
    }
    int at = rec_find(&rec, from, EPV_ACT_SEND, NULL);
    if (at < 0) {
        return 0;
    }
    memcpy(out, rec.acts[at].u.send.frame, rec.acts[at].u.send.len);
    return rec.acts[at].u.send.len;
}

int write_fixtures(const char *dir)
{
    for (size_t i = 0; i < FIXTURE_COUNT; i++) {
        char path[512];
        uint8_t frame[EPV_FRAME_MAX];
        size_t n = build(i, frame);
        if (n == 0) {
            fprintf(stderr, "%s: the firmware sent nothing\n", FIXTURES[i].name);
            return 1;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, FIXTURES[i].name);
        FILE *f = fopen(path, "w");
        if (!f) {
            perror(path);
            return 1;
        }
        fprintf(f, "# %s\n# %zu bytes as the firmware sends them. Written by `firmware/test/build/epv_tests "
                   "--write-fixtures test/fixtures/frames`; do not edit.\n",
                FIXTURES[i].comment, n);
        hex_dump_line(f, frame, n);
        fclose(f);
    }
    return 0;
}

void test_fixtures_match_firmware(void)
{
    uint16_t magics[FIXTURE_COUNT];
    for (size_t i = 0; i < FIXTURE_COUNT; i++) {
        uint8_t want[EPV_FRAME_MAX], got[EPV_FRAME_MAX];
        size_t n = build(i, want);
        magics[i] = (uint16_t)(want[2] | want[3] << 8);
        for (size_t k = 0; k < i; k++) {
            CHECK(magics[k] != magics[i]); /* a lab test plays several fixtures to one receiver */
        }
        int len = load_fixture(FIXTURES[i].name, got, sizeof(got));
        CHECK(n > 0);
        if (len != (int)n || memcmp(want, got, n) != 0) {
            fprintf(stderr, "  %s differs from what the firmware sends now: after a deliberate wire change run "
                            "firmware/test/build/epv_tests --write-fixtures test/fixtures/frames\n",
                    FIXTURES[i].name);
            CHECK(0);
        }
    }
}

/* The files read at the offsets PROTOCOL.md documents, without the encoders: the secure chain decrypts with
 * nothing but the pair key and what the other fixtures carry. */
void test_fixtures_documented_offsets(void)
{
    uint8_t f[EPV_FRAME_MAX];
    static const struct {
        const char *name;
        int len, token;
    } WIFI[] = {{"compat-wifi-4.4.hex", 198, 145}, {"compat-wifi-5.3.hex", 238, 185}, {"compat-wifi-5.4.hex", 242, 189}};
    for (size_t i = 0; i < 3; i++) {
        int n = load_fixture(WIFI[i].name, f, sizeof(f));
        CHECK_EQ(n, WIFI[i].len);
        if (n != WIFI[i].len) {
            continue;
        }
        uint32_t bits = (uint32_t)f[4] | (uint32_t)f[5] << 8 | (uint32_t)f[6] << 16 | (uint32_t)f[7] << 24;
        CHECK(f[0] == 0x23 && f[1] == n - 20 && (bits & 0x0f) == 6);
        CHECK((bits >> 11 & 1) == 1 && (bits >> 14 & 0x1f) == 10 && (bits >> 4 & 1) == 0 && (bits >> 6 & 1) == 0);
        CHECK(!memcmp(f + 8, MAC_I, 6) && !memcmp(f + 14, MAC_R, 6));
        const uint8_t *p = f + 20;
        CHECK(p[0] == 2 && p[1] == 1 && !memcmp(p + 5, "myssid", 6) && !memcmp(p + 37, "mypassword", 10));
        CHECK(p[105] == 0 && p[112] == 0 && p[WIFI[i].token + 32] == 0);
    }
    int n = load_fixture("compat-beacon.hex", f, sizeof(f));
    uint32_t bits = n > 8 ? (uint32_t)f[4] | (uint32_t)f[5] << 8 | (uint32_t)f[6] << 16 : 0;
    CHECK(n == 53 && f[20] == 0 && (bits >> 4 & 1) && (bits >> 11 & 1) && (bits >> 14 & 0x1f) == 10);
    n = load_fixture("compat-device.hex", f, sizeof(f));
    bits = n > 8 ? (uint32_t)f[4] | (uint32_t)f[5] << 8 | (uint32_t)f[6] << 16 : 0;
    CHECK(n == 90 && f[20] == 1 && (bits >> 4 & 1) && !(bits >> 11 & 1) && (bits >> 14 & 0x1f) == 0);

    uint8_t req[EPV_FRAME_MAX];
    int rl = load_fixture("secure-request.hex", req, sizeof(req));
    n = load_fixture("secure-creds.hex", f, sizeof(f));
    CHECK_EQ(rl, 20 + EPV_S_REQUEST_LEN);
    CHECK_EQ(n, 20 + EPV_S_CREDS_LEN);
    epv_secure_msg_t m;
    if (rl != 20 + EPV_S_REQUEST_LEN || n != 20 + EPV_S_CREDS_LEN ||
        epv_secure_decode(f + 20, (size_t)n - 20, &m) != EPV_OK) {
        CHECK(0);
        return;
    }
    const uint8_t *rn = req + 20 + 2, *in = req + 20 + 18;
    CHECK(!memcmp(m.u.creds.initiator_nonce, in, EPV_NONCE_LEN));
    uint8_t key[EPV_AEAD_KEY_LEN];
    epv_creds_t c;
    epv_session_key(TEST_KEY, rn, in, MAC_R, MAC_I, key);
    CHECK_EQ(epv_session_open(key, rn, MAC_R, MAC_I, &m.u.creds, &c), EPV_OK);
    CHECK(c.password_len == 10 && !memcmp(c.password, "mypassword", 10));
    for (int i = 0; i + 10 <= n; i++) {
        CHECK(memcmp(f + i, "mypassword", 10) != 0 && memcmp(f + i, "myssid", 6) != 0);
    }
}
