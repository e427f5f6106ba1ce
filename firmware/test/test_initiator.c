/* Initiator state machine: channel hopping, timeouts, retries, credential checks, Wi-Fi joins. */
#include "../core/epv_session.h"
#include "epv_test.h"

static recorder_t rec;
static epv_node_t node;

static void start(epv_mode_t mode, uint8_t channel)
{
    epv_config_t c;
    epv_env_t env;
    rec_init(&rec, &env);
    test_config(&c, EPV_ROLE_INITIATOR, mode);
    c.channel = channel;
    CHECK_EQ(epv_node_init(&node, &c, &env, NULL), EPV_OK);
    epv_node_start(&node);
}

static uint8_t last_channel(void)
{
    for (int i = rec.count - 1; i >= 0; i--) {
        if (rec.acts[i].kind == EPV_ACT_SET_CHANNEL) {
            return rec.acts[i].u.channel;
        }
    }
    return 0;
}

static const uint8_t RN[EPV_NONCE_LEN] = {9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};

/* A frame from `src` heard on `channel`. */
static void feed_from(const uint8_t *src, uint8_t channel, int rssi, const uint8_t *p, size_t n, uint16_t magic,
                      const uint8_t *dest)
{
    uint8_t f[EPV_FRAME_MAX];
    size_t fl = test_frame(f, src, dest, magic, channel, p, n);
    epv_node_on_frame(&node, src, rssi, channel, f, fl);
}

/* A frame from our responder (MAC_R, channel 6). */
static void feed(const uint8_t *p, size_t n, uint16_t magic, const uint8_t *dest)
{
    feed_from(MAC_R, 6, -37, p, n, magic, dest);
}

static const uint8_t BCAST[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* A secure-mode beacon from `src` heard on `channel`. */
static void feed_secure_beacon_from(const uint8_t *src, uint8_t channel, int rssi, uint16_t magic)
{
    epv_secure_msg_t m;
    memset(&m, 0, sizeof(m));
    m.kind = EPV_KIND_S_BEACON;
    memcpy(m.u.beacon.responder_nonce, RN, EPV_NONCE_LEN);
    uint8_t p[EPV_PAYLOAD_MAX];
    size_t n = 0;
    CHECK_EQ(epv_secure_encode(&m, p, sizeof(p), &n), EPV_OK);
    feed_from(src, channel, rssi, p, n, magic, BCAST);
}

static void feed_beacon(epv_mode_t mode, uint16_t magic)
{
    if (mode == EPV_MODE_SECURE) {
        feed_secure_beacon_from(MAC_R, 6, -37, magic);
        return;
    }
    uint8_t p[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_compat_beacon_t b = {"espnow_prov", "responder"};
    epv_compat_encode_beacon(&b, p, sizeof(p), &n);
    feed(p, n, magic, BCAST);
}

/* Answers the newest request the way a responder holding `key` would. */
static void feed_creds(const uint8_t key[32], uint16_t magic)
{
    const epv_action_t *a = rec_last_send(&rec);
    epv_secure_msg_t req, m;
    CHECK(a && epv_secure_decode(a->u.send.frame + EPV_HDR_LEN, a->u.send.len - EPV_HDR_LEN, &req) == EPV_OK);
    memset(&m, 0, sizeof(m));
    m.kind = EPV_KIND_S_CREDS;
    memcpy(m.u.creds.initiator_nonce, req.u.request.initiator_nonce, EPV_NONCE_LEN);
    epv_creds_t c;
    memset(&c, 0, sizeof(c));
    memcpy(c.ssid, "myssid", 6);
    c.ssid_len = 6;
    memcpy(c.password, "mypassword", 10);
    c.password_len = 10;
    uint8_t sk[32];
    epv_session_key(key, RN, req.u.request.initiator_nonce, MAC_R, MAC_I, sk);
    epv_session_seal(sk, RN, MAC_R, MAC_I, &c, &m.u.creds);
    uint8_t p[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_secure_encode(&m, p, sizeof(p), &n);
    feed(p, n, magic, MAC_I);
}

void test_initiator_scan_and_timeout(void)
{
    start(EPV_MODE_SECURE, 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "scan_start channels=1-13 timeout_ms=10000") >= 0);
    CHECK_EQ(last_channel(), 1);
    int d = rec_find(&rec, 0, EPV_ACT_TIMER_START, NULL);
    CHECK(d >= 0);
    CHECK(rec_count(&rec, EPV_ACT_TIMER_START, NULL) == 2);
    for (int i = 2; i <= 13; i++) {
        epv_node_on_timer(&node, EPV_TIMER_DWELL);
        CHECK_EQ(last_channel(), i);
    }
    epv_node_on_timer(&node, EPV_TIMER_DWELL);
    CHECK_EQ(last_channel(), 1); /* wraps around */
    epv_node_on_timer(&node, EPV_TIMER_SCAN);
    int f = rec_find(&rec, 0, EPV_ACT_LOG, "failed reason=scan_timeout");
    CHECK(f >= 0 && rec.acts[f].u.log.level == 'E');
    int before = rec.count;
    epv_node_on_timer(&node, EPV_TIMER_DWELL); /* stale timer after failure: nothing */
    CHECK_EQ(rec_count(&rec, EPV_ACT_SET_CHANNEL, NULL), 14);
    CHECK_EQ(rec.count, before);

    start(EPV_MODE_SECURE, 11); /* fixed channel: no hopping */
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "scan_start channels=11 ") >= 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_TIMER_START, NULL), 1);
}

/* The fleet failure: a beacon heard on channel 6 waits in the port's queue while the dwell timer hops to
 * 7; handled after the hop, it used to leave the radio on 7, where the request and all its retries went. */
void test_initiator_locks_channel_after_late_beacon(void)
{
    start(EPV_MODE_SECURE, 0);
    for (int i = 2; i <= 7; i++) {
        epv_node_on_timer(&node, EPV_TIMER_DWELL);
    }
    CHECK_EQ(last_channel(), 7);
    feed_beacon(EPV_MODE_SECURE, 1); /* heard on 6, header channel 6 */
    const epv_action_t *a = rec_last_send(&rec);
    CHECK(a != NULL);
    CHECK_EQ(last_channel(), 6);
    int tune = -1, send = -1;
    for (int i = 0; i < rec.count; i++) {
        if (rec.acts[i].kind == EPV_ACT_SET_CHANNEL) {
            tune = i;
        } else if (rec.acts[i].kind == EPV_ACT_SEND && send < 0 && tune >= 0 && rec.acts[tune].u.channel == 6) {
            send = i;
        }
    }
    CHECK(tune >= 0 && send > tune); /* tuned to 6 before the request went out */
    CHECK(a && a->u.send.frame[2] != 0); /* header written */
    epv_node_on_timer(&node, EPV_TIMER_DWELL); /* a stale dwell after the lock: no hop */
    CHECK_EQ(last_channel(), 6);
    epv_node_on_timer(&node, EPV_TIMER_REPLY);
    CHECK_EQ(last_channel(), 6); /* retries stay there too */
}

/* A provisioned initiator (credentials kept, pair key erased) that reboots joins again at once. */
void test_initiator_rejoins_when_provisioned(void)
{
    epv_config_t c;
    epv_env_t env;
    rec_init(&rec, &env);
    test_config(&c, EPV_ROLE_INITIATOR, EPV_MODE_SECURE);
    c.pair_key_set = false;
    memset(c.pair_key, 0, sizeof(c.pair_key));
    const char *why = NULL;
    CHECK_EQ(epv_config_validate(&c, &why), EPV_ERR_VALUE); /* not provisioned: secure needs the key */
    c.provisioned = true;
    CHECK_EQ(epv_config_validate(&c, &why), EPV_OK);
    CHECK_EQ(epv_node_init(&node, &c, &env, NULL), EPV_OK);
    epv_node_start(&node);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 0); /* no scan, no request */
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 1);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "scan_start") < 0);
    uint8_t bssid[6] = {2, 0, 0, 0, 0, 1}, ip[4] = {10, 0, 0, 9}, mask[4] = {255, 255, 255, 0}, gw[4] = {10, 0, 0, 1};
    epv_node_on_wifi_connected(&node, bssid, 6);
    epv_node_on_got_ip(&node, ip, mask, gw);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "got_ip ip=10.0.0.9") >= 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_STORE_CREDS, NULL), 0); /* already kept */
}

/* Every request to a responder unanswered: it is skipped and the initiator listens one more sweep for
 * another; hearing none, it fails with no_credentials (not scan_timeout: a responder was there). */
void test_initiator_retries_then_fails(void)
{
    start(EPV_MODE_SECURE, 0);
    feed_beacon(EPV_MODE_SECURE, 1);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "responder_found mac=24:0a:c4:00:00:01 channel=6 rssi=-37") >= 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "request_sent to=24:0a:c4:00:00:01") >= 0);
    const epv_action_t *a = rec_last_send(&rec);
    CHECK(a && epv_mac_equal(a->u.send.dest, MAC_R) && a->u.send.len == EPV_HDR_LEN + EPV_S_REQUEST_LEN);
    uint8_t in1[EPV_NONCE_LEN];
    memcpy(in1, a->u.send.frame + EPV_HDR_LEN + 2 + EPV_NONCE_LEN, EPV_NONCE_LEN);
    epv_node_on_timer(&node, EPV_TIMER_REPLY);
    a = rec_last_send(&rec);
    CHECK(a && memcmp(in1, a->u.send.frame + EPV_HDR_LEN + 2 + EPV_NONCE_LEN, EPV_NONCE_LEN) != 0);
    for (int i = 2; i < EPV_REQUEST_ATTEMPTS; i++) {
        epv_node_on_timer(&node, EPV_TIMER_REPLY);
    }
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), EPV_REQUEST_ATTEMPTS);
    epv_node_on_timer(&node, EPV_TIMER_REPLY);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), EPV_REQUEST_ATTEMPTS);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "responder_skipped mac=24:0a:c4:00:00:01 reason=no_valid_reply") >= 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "failed reason=") < 0);
    /* Its beacons are not answered again. */
    feed_beacon(EPV_MODE_SECURE, 2);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), EPV_REQUEST_ATTEMPTS);
    epv_node_on_timer(&node, EPV_TIMER_SCAN);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "failed reason=no_credentials") >= 0);
}

/* Another fleet's responder (another pair key) heard first: skipped after its silence, ours asked next. */
void test_initiator_moves_on_to_the_next_responder(void)
{
    static const uint8_t MAC_S[EPV_MAC_LEN] = {0x24, 0x0a, 0xc4, 0x00, 0x00, 0x77};
    start(EPV_MODE_SECURE, 0);
    feed_secure_beacon_from(MAC_S, 1, -30, 1);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "responder_found mac=24:0a:c4:00:00:77 channel=1") >= 0);
    for (int i = 0; i < EPV_REQUEST_ATTEMPTS; i++) {
        epv_node_on_timer(&node, EPV_TIMER_REPLY);
    }
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "responder_skipped mac=24:0a:c4:00:00:77") >= 0);
    /* Scanning goes on, hopping channels: ours on channel 6 is heard and asked. */
    epv_node_on_timer(&node, EPV_TIMER_DWELL);
    CHECK_EQ(last_channel(), 2);
    feed_beacon(EPV_MODE_SECURE, 2);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "responder_found mac=24:0a:c4:00:00:01 channel=6") >= 0);
    const epv_action_t *a = rec_last_send(&rec);
    CHECK(a && epv_mac_equal(a->u.send.dest, MAC_R));
    feed_creds(TEST_KEY, 3);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "credentials_received from=24:0a:c4:00:00:01") >= 0);
    /* The stranger's late beacon changes nothing now. */
    feed_secure_beacon_from(MAC_S, 1, -30, 4);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 1);
}

void test_initiator_secure_credentials(void)
{
    start(EPV_MODE_SECURE, 0);
    feed_beacon(EPV_MODE_SECURE, 1);
    epv_node_on_timer(&node, EPV_TIMER_REPLY); /* a second attempt; the answer to it still counts */
    feed_creds(TEST_KEY, 2);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "credentials_received from=24:0a:c4:00:00:01 ssid=myssid") >= 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "wifi_connecting ssid=myssid") >= 0);
    int j = rec_find(&rec, 0, EPV_ACT_WIFI_JOIN, NULL);
    CHECK(j >= 0 && rec.acts[j].u.join.password_len == 10 && !memcmp(rec.acts[j].u.join.password, "mypassword", 10));
    const uint8_t bssid[6] = {2, 0, 0, 0, 0x0a, 1};
    epv_node_on_wifi_connected(&node, bssid, 6);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "wifi_connected bssid=02:00:00:00:0a:01 channel=6") >= 0);
    const uint8_t ip[4] = {192, 168, 4, 2}, mask[4] = {255, 255, 255, 0}, gw[4] = {192, 168, 4, 1};
    epv_node_on_got_ip(&node, ip, mask, gw);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "got_ip ip=192.168.4.2 mask=255.255.255.0 gw=192.168.4.1") >= 0);
    for (int k = 0; k < rec.count; k++) {
        CHECK(rec.acts[k].kind != EPV_ACT_LOG || !strstr(rec.acts[k].u.log.text, "mypassword"));
    }
}

void test_initiator_rejects_forged_creds(void)
{
    uint8_t wrong[32];
    memset(wrong, 0x42, sizeof(wrong));
    start(EPV_MODE_SECURE, 0);
    feed_beacon(EPV_MODE_SECURE, 1);
    feed_creds(wrong, 2);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "failed authentication") >= 0);
    feed_creds(TEST_KEY, 3); /* the genuine answer is still taken */
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 1);
}

static void encode_wifi(epv_layout_t layout, uint8_t *p, size_t *n)
{
    epv_compat_wifi_t w;
    memset(&w, 0, sizeof(w));
    memcpy(w.ssid, "myssid", 6);
    w.ssid_len = 6;
    memcpy(w.password, "mypassword", 10);
    w.password_len = 10;
    epv_compat_encode_wifi(&w, layout, p, EPV_PAYLOAD_MAX, n);
}

void test_initiator_compat_credentials(void)
{
    start(EPV_MODE_ESPRESSIF_53, 0);
    feed_beacon(EPV_MODE_SECURE, 1); /* other mode's beacon: ignored with one hint */
    feed_beacon(EPV_MODE_SECURE, 2);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "Ignoring a secure beacon"), 1);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 0);
    feed_beacon(EPV_MODE_ESPRESSIF_53, 3);
    const epv_action_t *a = rec_last_send(&rec);
    CHECK(a && a->u.send.len == EPV_HDR_LEN + EPV_COMPAT_DEVICE_LEN && a->u.send.frame[EPV_HDR_LEN] == 1);
    for (size_t i = EPV_HDR_LEN + 33; a && i < a->u.send.len; i++) {
        CHECK(a->u.send.frame[i] == 0); /* auth_mode, secret, custom_size: zero */
    }
    uint8_t p[EPV_PAYLOAD_MAX];
    size_t n = 0;
    encode_wifi(EPV_LAYOUT_IDF53, p, &n);
    feed(p, n, 4, MAC_I);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "credentials_received from=24:0a:c4:00:00:01 ssid=myssid") >= 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "wifi_connecting ssid=myssid") >= 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "bssid=") < 0);
    int j = rec_find(&rec, 0, EPV_ACT_WIFI_JOIN, NULL);
    CHECK(j >= 0 && !rec.acts[j].u.join.hint.bssid_set && rec.acts[j].u.join.hint.channel == 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 1);
}

/* Every compat mode takes its own layout's WIFI frame (178 / 218 / 222) and drops, with a reason, the two
 * others and an ambiguous one: never a guess. */
void test_initiator_compat_layouts(void)
{
    static const epv_mode_t MODES[] = {EPV_MODE_ESPRESSIF_44, EPV_MODE_ESPRESSIF_53, EPV_MODE_ESPRESSIF_54};
    for (int k = 0; k < 3; k++) {
        epv_layout_t own = epv_mode_layout(MODES[k]);
        for (int sent = 0; sent < EPV_LAYOUT_COUNT; sent++) {
            start(MODES[k], 0);
            feed_beacon(MODES[k], 1);
            uint8_t p[EPV_PAYLOAD_MAX];
            size_t n = 0;
            encode_wifi((epv_layout_t)sent, p, &n);
            feed(p, n, 2, MAC_I);
            if (sent == (int)own) {
                CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 1);
            } else {
                CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 0);
                CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "dropped: it has the") >= 0);
                CHECK(rec_find(&rec, 0, EPV_ACT_LOG, epv_layout_name((epv_layout_t)sent)) >= 0);
                CHECK(rec_find(&rec, 0, EPV_ACT_LOG, epv_mode_name(MODES[k])) >= 0);
            }
        }
    }
    /* 5.3 frame + 4 custom bytes = 222 bytes, last custom byte 0: a plain 5.4 frame as well */
    start(EPV_MODE_ESPRESSIF_54, 0);
    feed_beacon(EPV_MODE_ESPRESSIF_54, 1);
    uint8_t p[EPV_PAYLOAD_MAX];
    size_t n = 0;
    encode_wifi(EPV_LAYOUT_IDF53, p, &n);
    p[217] = 4;
    memset(p + 218, 0, 4);
    feed(p, 222, 2, MAC_I);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "ambiguous") >= 0);
    p[0] = 9; /* garbage of no layout */
    feed(p, 100, 3, MAC_I);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 0);
    p[0] = EPV_KIND_WIFI;
    feed(p, 100, 4, MAC_I);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "no wifi_sta_config_t layout has that length") >= 0);
}

/* bssid_set / bssid / channel of a WIFI frame reach the join, as Espressif's initiator passes its whole
 * wifi_config_t to esp_wifi_set_config; every re-join keeps them. */
void test_initiator_compat_ap_hint(void)
{
    static const uint8_t AP[6] = {0x02, 0x00, 0x00, 0x00, 0x0a, 0x01};
    start(EPV_MODE_ESPRESSIF_44, 0);
    feed_beacon(EPV_MODE_ESPRESSIF_44, 1);
    epv_compat_wifi_t w;
    memset(&w, 0, sizeof(w));
    memcpy(w.ssid, "myssid", 6);
    w.ssid_len = 6;
    w.bssid_set = true;
    memcpy(w.bssid, AP, 6);
    w.channel = 11;
    uint8_t p[EPV_PAYLOAD_MAX];
    size_t n = 0;
    epv_compat_encode_wifi(&w, EPV_LAYOUT_IDF44, p, sizeof(p), &n);
    feed(p, n, 2, MAC_I);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "wifi_connecting ssid=myssid bssid=02:00:00:00:0a:01 channel=11") >= 0);
    epv_node_on_wifi_disconnected(&node, 201);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 2);
    for (int i = 0; i < rec.count; i++) {
        const epv_action_t *a = &rec.acts[i];
        if (a->kind == EPV_ACT_WIFI_JOIN) {
            CHECK(a->u.join.hint.bssid_set && !memcmp(a->u.join.hint.bssid, AP, 6) && a->u.join.hint.channel == 11);
            CHECK(a->u.join.password_len == 0);
        }
    }
    /* a BSSID without bssid_set is not a constraint; a channel no radio has is dropped */
    start(EPV_MODE_ESPRESSIF_44, 0);
    feed_beacon(EPV_MODE_ESPRESSIF_44, 1);
    w.bssid_set = false;
    w.channel = 200;
    epv_compat_encode_wifi(&w, EPV_LAYOUT_IDF44, p, sizeof(p), &n);
    feed(p, n, 2, MAC_I);
    int j = rec_find(&rec, 0, EPV_ACT_WIFI_JOIN, NULL);
    CHECK(j >= 0 && !rec.acts[j].u.join.hint.bssid_set && rec.acts[j].u.join.hint.channel == 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "AP channel 200; ignored") >= 0);
}

void test_initiator_wifi_retries(void)
{
    start(EPV_MODE_SECURE, 0);
    feed_beacon(EPV_MODE_SECURE, 1);
    feed_creds(TEST_KEY, 2);
    epv_node_on_wifi_disconnected(&node, 15);
    epv_node_on_wifi_disconnected(&node, 15);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 3);
    int w = rec_find(&rec, 0, EPV_ACT_LOG, "wifi_disconnected reason=15");
    CHECK(w >= 0 && rec.acts[w].u.log.level == 'W');
    epv_node_on_wifi_disconnected(&node, 15);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 3);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "failed reason=wifi_reason_15") >= 0);

    start(EPV_MODE_SECURE, 0);
    feed_beacon(EPV_MODE_SECURE, 1);
    feed_creds(TEST_KEY, 2);
    epv_node_on_timer(&node, EPV_TIMER_WIFI);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "failed reason=wifi_timeout") >= 0);

    /* The driver refuses the join itself: failed at once with its error, no retry, no 20 s wait. */
    start(EPV_MODE_SECURE, 0);
    feed_beacon(EPV_MODE_SECURE, 1);
    feed_creds(TEST_KEY, 2);
    epv_node_on_wifi_join_error(&node, "ESP_ERR_WIFI_NOT_STARTED");
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "failed reason=wifi_join_error detail=ESP_ERR_WIFI_NOT_STARTED") >= 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_WIFI_JOIN, NULL), 1);
    epv_node_on_timer(&node, EPV_TIMER_WIFI); /* a late join timer finds it already failed */
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "failed reason="), 1);
}
