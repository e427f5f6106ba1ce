/* Frame codecs: round trips, exact bit / byte positions, and rejection of every bad length. */
#include "../core/epv_bytes.h"
#include "epv_test.h"

static const uint8_t BCAST[EPV_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void test_bytes_cursor(void)
{
    uint8_t buf[7];
    epv_wr_t w;
    epv_wr_init(&w, buf, sizeof(buf));
    epv_wr_u8(&w, 0xab);
    epv_wr_u16(&w, 0x1234);
    epv_wr_u32(&w, 0xdeadbeef);
    CHECK_EQ(w.st, EPV_OK);
    CHECK(buf[1] == 0x34 && buf[2] == 0x12 && buf[3] == 0xef && buf[6] == 0xde);
    epv_wr_u8(&w, 1);
    CHECK_EQ(w.st, EPV_ERR_OVERFLOW);
    epv_wr_u8(&w, 1); /* sticky */
    CHECK_EQ(w.len, 7);

    epv_rd_t r;
    epv_rd_init(&r, buf, sizeof(buf));
    CHECK_EQ(epv_rd_u8(&r), 0xab);
    CHECK_EQ(epv_rd_u16(&r), 0x1234);
    CHECK_EQ(epv_rd_u32(&r), 0xdeadbeef);
    CHECK_EQ(epv_rd_u8(&r), 0);
    CHECK_EQ(r.st, EPV_ERR_SHORT);

    epv_wr_init(&w, buf, sizeof(buf));
    epv_wr_str(&w, "toolong!", 4);
    CHECK_EQ(w.st, EPV_ERR_VALUE);
}

void test_header_roundtrip(void)
{
    epv_hdr_t h, d;
    memset(&h, 0, sizeof(h));
    h.type = 3;
    h.version = 2;
    h.size = 5;
    h.magic = 0xbeef;
    h.channel = 11;
    h.filter_adjacent_channel = h.security = h.broadcast = h.ack = true;
    h.retransmit_count = 21;
    h.forward_ttl = 17;
    h.forward_rssi = -65;
    memcpy(h.dest, BCAST, 6);
    memcpy(h.src, MAC_R, 6);
    uint8_t frame[EPV_HDR_LEN + 5] = {0};
    CHECK_EQ(epv_hdr_encode(&h, frame, sizeof(frame)), EPV_OK);
    const uint8_t *p = NULL;
    size_t plen = 0;
    CHECK_EQ(epv_hdr_decode(frame, sizeof(frame), &d, &p, &plen), EPV_OK);
    CHECK(memcmp(&h, &d, sizeof(h)) == 0);
    CHECK(p == frame + EPV_HDR_LEN && plen == 5);
    h.retransmit_count = 32;
    CHECK_EQ(epv_hdr_encode(&h, frame, sizeof(frame)), EPV_ERR_VALUE);
    h.retransmit_count = 1;
    CHECK_EQ(epv_hdr_encode(&h, frame, EPV_HDR_LEN - 1), EPV_ERR_OVERFLOW);
}

void test_header_bit_positions(void)
{
    /* GCC packs espnow_frame_head_t's bitfields LSB first across the 4 bytes after magic. */
    epv_hdr_t h;
    memset(&h, 0, sizeof(h));
    h.type = 3;
    h.version = 2;
    uint8_t f[EPV_HDR_LEN];
    h.channel = 0xf;
    epv_hdr_encode(&h, f, sizeof(f));
    CHECK_EQ(f[0], 0x23);
    CHECK(f[4] == 0x0f && f[5] == 0 && f[6] == 0 && f[7] == 0);
    h.channel = 0;
    h.filter_adjacent_channel = true;
    epv_hdr_encode(&h, f, sizeof(f));
    CHECK_EQ(f[4], 0x10);
    h.filter_adjacent_channel = false;
    h.security = true;
    epv_hdr_encode(&h, f, sizeof(f));
    CHECK_EQ(f[4], 0x40);
    h.security = false;
    h.broadcast = true;
    epv_hdr_encode(&h, f, sizeof(f));
    CHECK(f[4] == 0 && f[5] == 0x08);
    h.broadcast = false;
    h.retransmit_count = 31;
    epv_hdr_encode(&h, f, sizeof(f));
    CHECK(f[5] == 0xc0 && f[6] == 0x07);
    h.retransmit_count = 0;
    h.forward_ttl = 31;
    epv_hdr_encode(&h, f, sizeof(f));
    CHECK(f[6] == 0xf8 && f[7] == 0);
    h.forward_ttl = 0;
    h.forward_rssi = -1;
    epv_hdr_encode(&h, f, sizeof(f));
    CHECK(f[6] == 0 && f[7] == 0xff);
}

void test_header_rejects_bad_frames(void)
{
    uint8_t payload[EPV_PAYLOAD_MAX + 1] = {0};
    uint8_t frame[EPV_FRAME_MAX + 1];
    size_t n = test_frame(frame, MAC_R, BCAST, 1, 1, payload, 10);
    epv_hdr_t h;
    const uint8_t *p;
    size_t pl;
    for (size_t cut = 0; cut < n; cut++) {
        CHECK(epv_hdr_decode(frame, cut, &h, &p, &pl) != EPV_OK);
    }
    CHECK_EQ(epv_hdr_decode(frame, n, &h, &p, &pl), EPV_OK);
    frame[1] = 11; /* size says more than present */
    CHECK_EQ(epv_hdr_decode(frame, n, &h, &p, &pl), EPV_ERR_LENGTH);
    frame[1] = 10;
    frame[0] = 0x24; /* type 4 */
    CHECK_EQ(epv_hdr_decode(frame, n, &h, &p, &pl), EPV_ERR_NOT_PROV);
    frame[0] = 0x13; /* version 1 */
    CHECK_EQ(epv_hdr_decode(frame, n, &h, &p, &pl), EPV_ERR_NOT_PROV);
    frame[0] = 0x23;
    memset(frame, 0x23, sizeof(frame));
    CHECK_EQ(epv_hdr_decode(frame, sizeof(frame), &h, &p, &pl), EPV_ERR_LENGTH); /* 251 bytes */
    CHECK_EQ(epv_hdr_decode(NULL, 20, &h, &p, &pl), EPV_ERR_ARG);
}

void test_dedupe_window(void)
{
    epv_dedupe_t d;
    epv_dedupe_init(&d);
    CHECK(!epv_dedupe_seen(&d, 3, 7));
    CHECK(epv_dedupe_seen(&d, 3, 7));
    CHECK(!epv_dedupe_seen(&d, 2, 7)); /* other type, same magic */
    for (uint16_t m = 100; m < 100 + EPV_DEDUPE_SLOTS; m++) {
        epv_dedupe_seen(&d, 3, m);
    }
    CHECK(!epv_dedupe_seen(&d, 3, 7)); /* evicted after 32 newer frames */
}

static void sample_wifi(epv_compat_wifi_t *w)
{
    memset(w, 0, sizeof(*w));
    w->mode = 1;
    memcpy(w->ssid, "myssid", 6);
    w->ssid_len = 6;
    memcpy(w->password, "mypassword", 10);
    w->password_len = 10;
    memset(w->token, 0x5a, sizeof(w->token));
}

void test_compat_roundtrip(void)
{
    uint8_t buf[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_compat_msg_t m;
    epv_compat_beacon_t b = {"espnow_prov", "responder"};
    CHECK_EQ(epv_compat_encode_beacon(&b, buf, sizeof(buf), &n), EPV_OK);
    CHECK_EQ(n, EPV_COMPAT_BEACON_LEN);
    CHECK_EQ(epv_compat_decode(buf, n, EPV_LAYOUT_IDF53, &m), EPV_OK);
    CHECK(m.kind == EPV_KIND_BEACON && !strcmp(m.u.beacon.product_id, "espnow_prov") &&
          !strcmp(m.u.beacon.device_name, "responder"));

    epv_compat_device_t d;
    memset(&d, 0, sizeof(d));
    strcpy(d.product_id, "0123456789abcdef"); /* full 16 bytes, no terminator on the wire */
    CHECK_EQ(epv_compat_encode_device(&d, buf, sizeof(buf), &n), EPV_OK);
    CHECK_EQ(n, EPV_COMPAT_DEVICE_LEN);
    CHECK_EQ(epv_compat_decode(buf, n, EPV_LAYOUT_IDF53, &m), EPV_OK);
    CHECK(m.kind == EPV_KIND_DEVICE && !strcmp(m.u.device.product_id, "0123456789abcdef"));

    static const size_t WANT[EPV_LAYOUT_COUNT] = {218, 222, 178};
    for (int layout = 0; layout < EPV_LAYOUT_COUNT; layout++) {
        epv_compat_wifi_t w;
        sample_wifi(&w);
        w.bssid_set = true;
        memcpy(w.bssid, "\x02\x00\x00\x00\x0a\x01", 6);
        w.channel = 11;
        CHECK_EQ(epv_compat_encode_wifi(&w, (epv_layout_t)layout, buf, sizeof(buf), &n), EPV_OK);
        CHECK_EQ(n, WANT[layout]);
        CHECK_EQ(epv_compat_decode(buf, n, (epv_layout_t)layout, &m), EPV_OK);
        CHECK(m.u.wifi.ssid_len == 6 && !memcmp(m.u.wifi.ssid, "myssid", 6));
        CHECK(m.u.wifi.password_len == 10 && !memcmp(m.u.wifi.password, "mypassword", 10));
        CHECK(m.u.wifi.token[0] == 0x5a && m.u.wifi.token[31] == 0x5a && m.u.wifi.layout == (epv_layout_t)layout);
        CHECK(m.u.wifi.bssid_set && !memcmp(m.u.wifi.bssid, w.bssid, 6) && m.u.wifi.channel == 11);
    }
}

void test_compat_truncations_rejected(void)
{
    uint8_t buf[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_compat_msg_t m;
    epv_compat_beacon_t b = {"p", "d"};
    epv_compat_encode_beacon(&b, buf, sizeof(buf), &n);
    for (size_t cut = 0; cut < n; cut++) {
        CHECK(epv_compat_decode(buf, cut, EPV_LAYOUT_IDF53, &m) != EPV_OK);
    }
    CHECK(epv_compat_decode(buf, n + 1, EPV_LAYOUT_IDF53, &m) != EPV_OK);
    epv_compat_device_t d;
    memset(&d, 0, sizeof(d));
    epv_compat_encode_device(&d, buf, sizeof(buf), &n);
    for (size_t cut = 0; cut < n; cut++) {
        CHECK(epv_compat_decode(buf, cut, EPV_LAYOUT_IDF53, &m) != EPV_OK);
    }
    for (int layout = 0; layout < EPV_LAYOUT_COUNT; layout++) {
        epv_compat_wifi_t w;
        sample_wifi(&w);
        epv_compat_encode_wifi(&w, (epv_layout_t)layout, buf, sizeof(buf), &n);
        for (size_t cut = 0; cut < n; cut++) {
            CHECK(epv_compat_decode(buf, cut, (epv_layout_t)layout, &m) != EPV_OK);
        }
        CHECK(epv_compat_decode(buf, n + 1, (epv_layout_t)layout, &m) != EPV_OK);
    }
    /* encoder refuses buffers that are too small */
    CHECK_EQ(epv_compat_encode_beacon(&b, buf, EPV_COMPAT_BEACON_LEN - 1, &n), EPV_ERR_OVERFLOW);
}

void test_compat_garbage_rejected(void)
{
    uint8_t buf[EPV_PAYLOAD_MAX];
    epv_compat_msg_t m;
    memset(buf, 0xff, sizeof(buf));
    for (size_t len = 0; len <= sizeof(buf); len++) {
        CHECK(epv_compat_decode(buf, len, EPV_LAYOUT_IDF54, &m) != EPV_OK); /* kind 0xff */
    }
    buf[0] = EPV_KIND_WIFI; /* custom_size 0xff never matches the length */
    for (size_t len = 0; len <= sizeof(buf); len++) {
        CHECK(epv_compat_decode(buf, len, EPV_LAYOUT_IDF53, &m) != EPV_OK);
    }
    buf[0] = EPV_KIND_DEVICE; /* custom_size 0xff: more custom bytes claimed than present */
    CHECK_EQ(epv_compat_decode(buf, 200, EPV_LAYOUT_IDF53, &m), EPV_ERR_LENGTH);
}

void test_compat_device_trailing_bytes(void)
{
    /* The reference initiator sends sizeof(its union) with stale bytes after custom_size: 178, 218 or 222
     * bytes for the IDF 4.4/5.0, 5.1-5.3 and >= 5.4 layouts. */
    static const size_t SIZES[] = {178, 218, 222};
    for (size_t i = 0; i < 3; i++) {
        uint8_t buf[EPV_PAYLOAD_MAX];
        size_t n = 0;
        epv_compat_device_t d;
        memset(&d, 0, sizeof(d));
        strcpy(d.product_id, "initiator_test");
        epv_compat_encode_device(&d, buf, sizeof(buf), &n);
        memset(buf + n, 0xcc, SIZES[i] - n);
        epv_compat_msg_t m;
        CHECK_EQ(epv_compat_decode(buf, SIZES[i], EPV_LAYOUT_IDF44, &m), EPV_OK);
        CHECK(!strcmp(m.u.device.product_id, "initiator_test"));
    }
}

void test_compat_layout_offsets(void)
{
    CHECK_EQ(epv_compat_sta_config_len(EPV_LAYOUT_IDF44), 140);
    CHECK_EQ(epv_compat_sta_config_len(EPV_LAYOUT_IDF53), 180);
    CHECK_EQ(epv_compat_sta_config_len(EPV_LAYOUT_IDF54), 184);
    CHECK_EQ(epv_compat_wifi_len(EPV_LAYOUT_IDF44), 178);
    CHECK_EQ(epv_compat_wifi_len(EPV_LAYOUT_IDF53), 218);
    CHECK_EQ(epv_compat_wifi_len(EPV_LAYOUT_IDF54), 222);
    CHECK_EQ(epv_compat_token_off(EPV_LAYOUT_IDF44), 145);
    CHECK_EQ(epv_compat_token_off(EPV_LAYOUT_IDF53), 185); /* 184 within espnow_prov_wifi_t, +1 kind */
    CHECK_EQ(epv_compat_token_off(EPV_LAYOUT_IDF54), 189);
    static const size_t TOKEN[EPV_LAYOUT_COUNT] = {185, 189, 145};
    for (int layout = 0; layout < EPV_LAYOUT_COUNT; layout++) {
        uint8_t buf[EPV_PAYLOAD_MAX];
        size_t n = 0;
        epv_compat_wifi_t w;
        sample_wifi(&w);
        w.bssid_set = true;
        memset(w.bssid, 0xb5, 6);
        w.channel = 6;
        epv_compat_encode_wifi(&w, (epv_layout_t)layout, buf, sizeof(buf), &n);
        size_t tok = TOKEN[layout];
        CHECK(buf[0] == 2 && buf[1] == 1 && buf[2] == 0 && buf[3] == 0 && buf[4] == 0);
        CHECK(!memcmp(buf + 5, "myssid", 6) && buf[11] == 0);
        CHECK(!memcmp(buf + 37, "mypassword", 10) && buf[47] == 0);
        /* wifi_sta_config_t: scan_method u32 at 96, bssid_set at 100, bssid at 101, channel at 107 (+5) */
        CHECK(buf[105] == 1 && buf[106] == 0xb5 && buf[111] == 0xb5 && buf[112] == 6);
        for (size_t i = 47; i < tok; i++) {
            CHECK((i >= 105 && i <= 112) || buf[i] == 0); /* the rest: zero, never stale */
        }
        CHECK(buf[tok] == 0x5a && buf[tok + 31] == 0x5a && buf[tok + 32] == 0);
        CHECK_EQ(n, tok + 33);
    }
}

/* A WIFI payload is read with the configured layout only, in both directions between every pair of layouts,
 * and a length that two layouts explain is refused rather than guessed. */
void test_compat_wifi_layouts_exact(void)
{
    uint8_t buf[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_compat_wifi_t w;
    epv_compat_msg_t m;
    sample_wifi(&w);
    for (int sent = 0; sent < EPV_LAYOUT_COUNT; sent++) {
        epv_compat_encode_wifi(&w, (epv_layout_t)sent, buf, sizeof(buf), &n);
        CHECK_EQ(epv_compat_wifi_fits(buf, n), 1u << sent);
        for (int want = 0; want < EPV_LAYOUT_COUNT; want++) {
            CHECK_EQ(epv_compat_decode(buf, n, (epv_layout_t)want, &m), want == sent ? EPV_OK : EPV_ERR_LENGTH);
        }
    }
    /* 5.3 + 4 custom bytes (the last one 0) is 222 bytes: also a plain 5.4 frame. Neither reading is taken. */
    epv_compat_encode_wifi(&w, EPV_LAYOUT_IDF53, buf, sizeof(buf), &n);
    buf[217] = 4;
    memset(buf + 218, 0, 4);
    CHECK_EQ(epv_compat_wifi_fits(buf, 222), (1u << EPV_LAYOUT_IDF53) | (1u << EPV_LAYOUT_IDF54));
    CHECK_EQ(epv_compat_decode(buf, 222, EPV_LAYOUT_IDF53, &m), EPV_ERR_LENGTH);
    CHECK_EQ(epv_compat_decode(buf, 222, EPV_LAYOUT_IDF54, &m), EPV_ERR_LENGTH);
    buf[221] = 9; /* now only 5.3 explains it */
    CHECK_EQ(epv_compat_decode(buf, 222, EPV_LAYOUT_IDF53, &m), EPV_OK);
    CHECK(m.u.wifi.layout == EPV_LAYOUT_IDF53 && m.u.wifi.custom_size == 4 && m.u.wifi.token[0] == 0x5a);
    /* 4.4 + 40 custom bytes is 218: also a plain 5.3 frame */
    epv_compat_encode_wifi(&w, EPV_LAYOUT_IDF44, buf, sizeof(buf), &n);
    buf[177] = 40;
    memset(buf + 178, 0, 40);
    CHECK_EQ(epv_compat_wifi_fits(buf, 218), (1u << EPV_LAYOUT_IDF44) | (1u << EPV_LAYOUT_IDF53));
    CHECK_EQ(epv_compat_decode(buf, 218, EPV_LAYOUT_IDF44, &m), EPV_ERR_LENGTH);
    CHECK_EQ(epv_compat_decode(buf, 218, EPV_LAYOUT_IDF53, &m), EPV_ERR_LENGTH);
}

void test_secure_roundtrip(void)
{
    uint8_t buf[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_secure_msg_t m, d;
    memset(&m, 0, sizeof(m));
    m.kind = EPV_KIND_S_REQUEST;
    memset(m.u.request.responder_nonce, 1, EPV_NONCE_LEN);
    memset(m.u.request.initiator_nonce, 2, EPV_NONCE_LEN);
    strcpy(m.u.request.product_id, "p");
    memset(m.u.request.proof, 3, EPV_PROOF_LEN);
    CHECK_EQ(epv_secure_encode(&m, buf, sizeof(buf), &n), EPV_OK);
    CHECK_EQ(n, EPV_S_REQUEST_LEN);
    CHECK_EQ(epv_secure_decode(buf, n, &d), EPV_OK);
    CHECK(memcmp(&m, &d, sizeof(m)) == 0);
    memset(&m, 0, sizeof(m));
    m.kind = EPV_KIND_S_BEACON;
    CHECK_EQ(epv_secure_encode(&m, buf, sizeof(buf), &n), EPV_OK);
    CHECK_EQ(n, EPV_S_BEACON_LEN);
    m.kind = EPV_KIND_S_CREDS;
    CHECK_EQ(epv_secure_encode(&m, buf, sizeof(buf), &n), EPV_OK);
    CHECK_EQ(n, EPV_S_CREDS_LEN);
    CHECK_EQ(epv_secure_decode(buf, n, &d), EPV_OK);
    m.kind = 0x13;
    CHECK_EQ(epv_secure_encode(&m, buf, sizeof(buf), &n), EPV_ERR_KIND);
}

void test_secure_bad_lengths_rejected(void)
{
    uint8_t buf[EPV_PAYLOAD_MAX];
    epv_secure_msg_t m, d;
    const uint8_t kinds[] = {EPV_KIND_S_BEACON, EPV_KIND_S_REQUEST, EPV_KIND_S_CREDS};
    for (size_t k = 0; k < sizeof(kinds); k++) {
        size_t n = 0;
        memset(&m, 0, sizeof(m));
        m.kind = kinds[k];
        epv_secure_encode(&m, buf, sizeof(buf), &n);
        for (size_t len = 0; len <= sizeof(buf); len++) {
            CHECK((epv_secure_decode(buf, len, &d) == EPV_OK) == (len == n));
        }
        buf[1] = 2; /* future protocol version */
        CHECK_EQ(epv_secure_decode(buf, n, &d), EPV_ERR_VALUE);
    }
    buf[0] = EPV_KIND_BEACON;
    CHECK_EQ(epv_secure_decode(buf, 50, &d), EPV_ERR_KIND);
}
