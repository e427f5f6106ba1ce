/* The shared frame fixtures (test/fixtures/frames, one .hex file per frame): written from the encoders with fixed inputs,
 * and checked here both ways, so the TypeScript side reads exactly what the firmware sends. */
#include <stdlib.h>
#include "../core/epv_session.h"
#include "epv_test.h"

static const uint8_t BCAST[EPV_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

typedef struct {
    const char *name;
    const char *comment;
} fixture_t;

static const fixture_t FIXTURES[] = {
    {"compat-beacon.hex", "Espressif-compatible BEACON from 24:0a:c4:00:00:01 (broadcast), magic 0x1234, channel 6, "
                          "product_id \"espnow_prov\", device_name \"responder\". 20-byte header + 33-byte payload."},
    {"compat-device.hex", "Espressif-compatible DEVICE from 24:0a:c4:00:00:02 to 24:0a:c4:00:00:01, magic 0x1235, "
                          "product_id \"espnow_prov\", device_name \"initiator\", auth_mode 0, secret zero. 70-byte payload."},
    {"compat-wifi-5.3.hex", "Espressif-compatible WIFI to 24:0a:c4:00:00:02, IDF <= 5.3 layout (wifi_sta_config_t 180 "
                            "bytes, payload 218), magic 0x1236, ssid \"myssid\" (payload offset 5), password "
                            "\"mypassword\" (offset 37), token zero (offset 185)."},
    {"compat-wifi-5.4.hex", "Espressif-compatible WIFI, IDF >= 5.4 layout (wifi_sta_config_t 184 bytes, payload 222), "
                            "magic 0x1237, same values; token at payload offset 189."},
    {"secure-beacon.hex", "Secure BEACON (kind 0x10, v1) from 24:0a:c4:00:00:01, magic 0x2001, responder nonce "
                          "00..0f, product_id \"espnow_prov\", device_name \"responder\"."},
    {"secure-request.hex", "Secure REQUEST (kind 0x11) 24:0a:c4:00:00:02 -> :01, magic 0x2002, rn 00..0f, in 10..1f, "
                           "proof = HMAC-SHA256 with pair key 00112233445566778899aabbccddeeff x2."},
    {"secure-creds.hex", "Secure CREDS (kind 0x12) :01 -> :02, magic 0x2003, in 10..1f, CCM nonce 20..2c, sealing "
                         "ssid \"myssid\" / password \"mypassword\" under the session key of that rn/in."},
};
#define FIXTURE_COUNT (sizeof(FIXTURES) / sizeof(FIXTURES[0]))

static void counting(uint8_t *b, size_t n, uint8_t start)
{
    for (size_t i = 0; i < n; i++) {
        b[i] = (uint8_t)(start + i);
    }
}

static void secure_request(epv_s_request_t *q)
{
    memset(q, 0, sizeof(*q));
    counting(q->responder_nonce, EPV_NONCE_LEN, 0x00);
    counting(q->initiator_nonce, EPV_NONCE_LEN, 0x10);
    strcpy(q->product_id, "espnow_prov");
    strcpy(q->device_name, "initiator");
    epv_session_proof(TEST_KEY, q, MAC_R, MAC_I, q->proof);
}

/* Builds fixture i into out; returns its length. */
static size_t build(size_t i, uint8_t *out)
{
    uint8_t p[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_compat_beacon_t b = {"espnow_prov", "responder"};
    epv_compat_device_t d;
    epv_compat_wifi_t w;
    epv_secure_msg_t m;
    memset(&d, 0, sizeof(d));
    memset(&w, 0, sizeof(w));
    memset(&m, 0, sizeof(m));
    strcpy(d.product_id, "espnow_prov");
    strcpy(d.device_name, "initiator");
    w.mode = 1;
    memcpy(w.ssid, "myssid", 6);
    w.ssid_len = 6;
    memcpy(w.password, "mypassword", 10);
    w.password_len = 10;
    switch (i) {
    case 0:
        epv_compat_encode_beacon(&b, p, sizeof(p), &n);
        return test_frame(out, MAC_R, BCAST, 0x1234, 6, p, n);
    case 1:
        epv_compat_encode_device(&d, p, sizeof(p), &n);
        return test_frame(out, MAC_I, MAC_R, 0x1235, 6, p, n);
    case 2:
    case 3:
        epv_compat_encode_wifi(&w, i == 2 ? EPV_LAYOUT_IDF53 : EPV_LAYOUT_IDF54, p, sizeof(p), &n);
        return test_frame(out, MAC_R, MAC_I, (uint16_t)(0x1234 + i), 6, p, n);
    case 4:
        m.kind = EPV_KIND_S_BEACON;
        counting(m.u.beacon.responder_nonce, EPV_NONCE_LEN, 0);
        strcpy(m.u.beacon.product_id, "espnow_prov");
        strcpy(m.u.beacon.device_name, "responder");
        epv_secure_encode(&m, p, sizeof(p), &n);
        return test_frame(out, MAC_R, BCAST, 0x2001, 6, p, n);
    case 5:
        m.kind = EPV_KIND_S_REQUEST;
        secure_request(&m.u.request);
        epv_secure_encode(&m, p, sizeof(p), &n);
        return test_frame(out, MAC_I, MAC_R, 0x2002, 6, p, n);
    default: {
        epv_s_request_t q;
        epv_creds_t c;
        uint8_t key[EPV_AEAD_KEY_LEN];
        secure_request(&q);
        memset(&c, 0, sizeof(c));
        memcpy(c.ssid, "myssid", 6);
        c.ssid_len = 6;
        memcpy(c.password, "mypassword", 10);
        c.password_len = 10;
        m.kind = EPV_KIND_S_CREDS;
        memcpy(m.u.creds.initiator_nonce, q.initiator_nonce, EPV_NONCE_LEN);
        counting(m.u.creds.aead_nonce, EPV_AEAD_NONCE_LEN, 0x20);
        epv_session_key(TEST_KEY, q.responder_nonce, q.initiator_nonce, MAC_R, MAC_I, key);
        epv_session_seal(key, q.responder_nonce, MAC_R, MAC_I, &c, &m.u.creds);
        epv_secure_encode(&m, p, sizeof(p), &n);
        return test_frame(out, MAC_R, MAC_I, 0x2003, 6, p, n);
    }
    }
}

int write_fixtures(const char *dir)
{
    for (size_t i = 0; i < FIXTURE_COUNT; i++) {
        char path[512];
        uint8_t frame[EPV_FRAME_MAX];
        size_t n = build(i, frame);
        snprintf(path, sizeof(path), "%s/%s", dir, FIXTURES[i].name);
        FILE *f = fopen(path, "w");
        if (!f) {
            perror(path);
            return 1;
        }
        fprintf(f, "# %s\n# %zu bytes. Generated by firmware/test (--write-fixtures); checked by the C tests.\n",
                FIXTURES[i].comment, n);
        hex_dump_line(f, frame, n);
        fclose(f);
    }
    return 0;
}

void test_fixtures_match_encoder(void)
{
    for (size_t i = 0; i < FIXTURE_COUNT; i++) {
        uint8_t want[EPV_FRAME_MAX], got[EPV_FRAME_MAX];
        size_t n = build(i, want);
        int len = load_fixture(FIXTURES[i].name, got, sizeof(got));
        CHECK_EQ(len, (long long)n);
        CHECK(len > 0 && memcmp(want, got, n) == 0);
        epv_hdr_t h;
        const uint8_t *p;
        size_t pl;
        CHECK_EQ(epv_hdr_decode(got, (size_t)(len > 0 ? len : 0), &h, &p, &pl), EPV_OK);
    }
    /* independent reads of the file bytes at the documented offsets */
    uint8_t f[EPV_FRAME_MAX];
    int n = load_fixture("compat-wifi-5.4.hex", f, sizeof(f));
    CHECK_EQ(n, 242);
    CHECK(n == 242 && f[0] == 0x23 && f[1] == 222 && f[20] == 2 && !memcmp(f + 20 + 5, "myssid", 6) &&
          !memcmp(f + 20 + 37, "mypassword", 10));
    n = load_fixture("compat-wifi-5.3.hex", f, sizeof(f));
    CHECK(n == 238 && f[1] == 218);
    n = load_fixture("secure-creds.hex", f, sizeof(f));
    CHECK_EQ(n, 20 + EPV_S_CREDS_LEN);
    epv_secure_msg_t m;
    CHECK(n > 20 && epv_secure_decode(f + 20, (size_t)n - 20, &m) == EPV_OK);
    uint8_t rn[EPV_NONCE_LEN], key[EPV_AEAD_KEY_LEN];
    counting(rn, EPV_NONCE_LEN, 0);
    epv_creds_t c;
    epv_session_key(TEST_KEY, rn, m.u.creds.initiator_nonce, MAC_R, MAC_I, key);
    CHECK_EQ(epv_session_open(key, rn, MAC_R, MAC_I, &m.u.creds, &c), EPV_OK);
    CHECK(c.password_len == 10 && !memcmp(c.password, "mypassword", 10));
    for (int i = 0; i + 10 <= n; i++) {
        CHECK(memcmp(f + i, "mypassword", 10) != 0 && memcmp(f + i, "myssid", 6) != 0);
    }
}
