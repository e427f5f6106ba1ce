/* Responder state machine: beacon timing, nonce lifetime, every reason to refuse a request. */
#include "../core/epv_session.h"
#include "epv_test.h"

static recorder_t rec;
static epv_node_t node;

static void start(epv_mode_t mode, const char *allow)
{
    epv_config_t c;
    epv_env_t env;
    rec_init(&rec, &env);
    test_config(&c, EPV_ROLE_RESPONDER, mode);
    if (allow) {
        epv_parse_allow_list(allow, strlen(allow), &c);
    }
    CHECK_EQ(epv_node_init(&node, &c, &env, NULL), EPV_OK);
    epv_node_start(&node);
}

/* The responder nonce of the newest beacon sent. */
static void beacon_nonce(uint8_t rn[EPV_NONCE_LEN])
{
    const epv_action_t *a = rec_last_send(&rec);
    CHECK(a && a->u.send.frame[EPV_HDR_LEN] == EPV_KIND_S_BEACON);
    memcpy(rn, a->u.send.frame + EPV_HDR_LEN + 2, EPV_NONCE_LEN);
}

/* Feeds a secure request from MAC_I; returns nothing, the recorder holds the reaction. */
static void send_request(const uint8_t rn[EPV_NONCE_LEN], uint8_t in_byte, const uint8_t key[32], uint16_t magic)
{
    epv_secure_msg_t m;
    memset(&m, 0, sizeof(m));
    m.kind = EPV_KIND_S_REQUEST;
    memcpy(m.u.request.responder_nonce, rn, EPV_NONCE_LEN);
    memset(m.u.request.initiator_nonce, in_byte, EPV_NONCE_LEN);
    strcpy(m.u.request.product_id, "espnow_prov");
    epv_session_proof(key, &m.u.request, MAC_R, MAC_I, m.u.request.proof);
    uint8_t p[EPV_PAYLOAD_MAX], f[EPV_FRAME_MAX];
    size_t n = 0;
    epv_secure_encode(&m, p, sizeof(p), &n);
    size_t fl = test_frame(f, MAC_I, MAC_R, magic, 6, p, n);
    epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);
}

/* Feeds an Espressif-compatible DEVICE request from MAC_I. */
static void send_device(uint16_t magic, const char *product_id)
{
    uint8_t p[EPV_PAYLOAD_MAX], f[EPV_FRAME_MAX];
    size_t n = 0;
    epv_compat_device_t d;
    memset(&d, 0, sizeof(d));
    strcpy(d.product_id, product_id);
    epv_compat_encode_device(&d, p, sizeof(p), &n);
    size_t fl = test_frame(f, MAC_I, MAC_R, magic, 6, p, n);
    epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);
}

void test_responder_beacons_and_window(void)
{
    start(EPV_MODE_SECURE, NULL);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "boot role=responder mode=secure mac=24:0a:c4:00:00:01 version=") >= 0);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "beacon_start channel=6 window_ms=30000 interval_ms=100") >= 0);
    int ch = rec_find(&rec, 0, EPV_ACT_SET_CHANNEL, NULL);
    CHECK(ch >= 0 && rec.acts[ch].u.channel == 6);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 1); /* first beacon at once */
    const epv_action_t *b = rec_last_send(&rec);
    CHECK(b && epv_mac_is_broadcast(b->u.send.dest) && b->u.send.len == EPV_HDR_LEN + EPV_S_BEACON_LEN);
    for (int i = 0; i < 5; i++) {
        epv_node_on_timer(&node, EPV_TIMER_BEACON);
    }
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 6);
    epv_node_on_timer(&node, EPV_TIMER_WINDOW);
    int end = rec_find(&rec, 0, EPV_ACT_LOG, "beacon_end sent=6");
    CHECK(end >= 0);
    /* nobody was served in the window: the responder says so, as a failure the run can end on */
    int f = rec_find(&rec, end, EPV_ACT_LOG, "failed reason=window_expired detail=no_initiator_served");
    CHECK(f > end && rec.acts[f].u.log.level == 'E');
    epv_node_on_timer(&node, EPV_TIMER_BEACON);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 6);
    uint8_t rn[EPV_NONCE_LEN] = {0};
    send_request(rn, 9, TEST_KEY, 77); /* after the window: ignored entirely */
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "request_received"), 0);
}

/* A window that served someone ends quietly: beacon_end, and no failure. */
void test_responder_window_after_serving(void)
{
    start(EPV_MODE_SECURE, NULL);
    uint8_t rn[EPV_NONCE_LEN];
    beacon_nonce(rn);
    send_request(rn, 5, TEST_KEY, 1);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "credentials_sent to=24:0a:c4:00:00:02"), 1);
    epv_node_on_timer(&node, EPV_TIMER_WINDOW);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "beacon_end sent=1") >= 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "failed reason="), 0);
}

/* Every reason has a distinct, non-empty wire name; an out-of-range value never reads past the table. */
void test_fail_names(void)
{
    for (int i = 0; i < EPV_FAIL_COUNT; i++) {
        const char *a = epv_fail_name((epv_fail_t)i);
        CHECK(a && a[0]);
        for (int j = 0; j < i; j++) {
            CHECK(strcmp(a, epv_fail_name((epv_fail_t)j)) != 0);
        }
    }
    CHECK(strcmp(epv_fail_name(EPV_FAIL_WINDOW_EXPIRED), "window_expired") == 0);
    CHECK(strcmp(epv_fail_name(EPV_FAIL_COUNT), "internal") == 0);
}

void test_responder_nonce_rotation(void)
{
    start(EPV_MODE_SECURE, NULL);
    uint8_t first[EPV_NONCE_LEN], now[EPV_NONCE_LEN];
    beacon_nonce(first);
    for (int i = 0; i < 49; i++) {
        epv_node_on_timer(&node, EPV_TIMER_BEACON);
    }
    beacon_nonce(now);
    CHECK(memcmp(first, now, EPV_NONCE_LEN) == 0); /* 50 beacons x 100 ms = 5 s on one nonce */
    epv_node_on_timer(&node, EPV_TIMER_BEACON);
    beacon_nonce(now);
    CHECK(memcmp(first, now, EPV_NONCE_LEN) != 0);
    send_request(first, 1, TEST_KEY, 10); /* previous nonce still accepted */
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "credentials_sent to=24:0a:c4:00:00:02"), 1);
    for (int i = 0; i < 50; i++) {
        epv_node_on_timer(&node, EPV_TIMER_BEACON);
    }
    send_request(first, 2, TEST_KEY, 11); /* two rotations later: stale */
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "auth_rejected from=24:0a:c4:00:00:02 reason=replay"), 1);
}

void test_responder_secure_answers(void)
{
    start(EPV_MODE_SECURE, NULL);
    uint8_t rn[EPV_NONCE_LEN];
    beacon_nonce(rn);
    send_request(rn, 5, TEST_KEY, 1);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "request_received from=24:0a:c4:00:00:02") >= 0);
    int i = rec_find(&rec, 0, EPV_ACT_LOG, "credentials_sent to=24:0a:c4:00:00:02");
    CHECK(i >= 0 && rec.acts[i].u.log.level == 'I');
    const epv_action_t *a = rec_last_send(&rec);
    CHECK(a && epv_mac_equal(a->u.send.dest, MAC_I) && a->u.send.len == EPV_HDR_LEN + EPV_S_CREDS_LEN);
    epv_secure_msg_t m;
    CHECK(a && epv_secure_decode(a->u.send.frame + EPV_HDR_LEN, a->u.send.len - EPV_HDR_LEN, &m) == EPV_OK);
    uint8_t key[32];
    epv_creds_t c;
    epv_session_key(TEST_KEY, rn, m.u.creds.initiator_nonce, MAC_R, MAC_I, key);
    CHECK_EQ(epv_session_open(key, rn, MAC_R, MAC_I, &m.u.creds, &c), EPV_OK);
    CHECK(c.ssid_len == 6 && !memcmp(c.password, "mypassword", 10));
    for (int k = 0; k < rec.count; k++) {
        CHECK(rec.acts[k].kind != EPV_ACT_LOG || !strstr(rec.acts[k].u.log.text, "mypassword"));
    }
}

void test_responder_rejections(void)
{
    uint8_t rn[EPV_NONCE_LEN], wrong[32];
    memset(wrong, 0x42, sizeof(wrong));
    start(EPV_MODE_SECURE, NULL);
    beacon_nonce(rn);
    send_request(rn, 1, wrong, 1);
    int i = rec_find(&rec, 0, EPV_ACT_LOG, "auth_rejected from=24:0a:c4:00:00:02 reason=bad_proof");
    CHECK(i >= 0 && rec.acts[i].u.log.level == 'W');
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "credentials_sent"), 0);

    start(EPV_MODE_SECURE, "24:0a:c4:00:00:99");
    beacon_nonce(rn);
    send_request(rn, 1, TEST_KEY, 1);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "reason=not_allowed") >= 0);

    start(EPV_MODE_SECURE, NULL);
    send_device(2, "x");
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "reason=mode_mismatch") >= 0);

    uint8_t p[EPV_PAYLOAD_MAX], f[EPV_FRAME_MAX];
    size_t fl;
    memset(p, 0, sizeof(p));
    p[0] = EPV_KIND_S_REQUEST;
    p[1] = EPV_SECURE_VERSION;
    fl = test_frame(f, MAC_I, MAC_R, 3, 6, p, EPV_S_REQUEST_LEN - 1);
    epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "reason=malformed") >= 0);

    start(EPV_MODE_ESPRESSIF_53, NULL);
    memset(p, 0, sizeof(p));
    p[0] = EPV_KIND_S_REQUEST;
    fl = test_frame(f, MAC_I, MAC_R, 4, 6, p, EPV_S_REQUEST_LEN);
    epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "reason=mode_mismatch") >= 0);
}

void test_responder_replay(void)
{
    start(EPV_MODE_SECURE, NULL);
    uint8_t rn[EPV_NONCE_LEN];
    beacon_nonce(rn);
    send_request(rn, 7, TEST_KEY, 100);
    send_request(rn, 7, TEST_KEY, 100); /* same magic: a radio repeat, dropped silently */
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "request_received"), 1);
    send_request(rn, 7, TEST_KEY, 101); /* captured and replayed under a new magic */
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "credentials_sent"), 1);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "reason=replay"), 1);
    uint8_t made_up[EPV_NONCE_LEN];
    memset(made_up, 0xee, sizeof(made_up));
    send_request(made_up, 8, TEST_KEY, 102); /* a nonce this responder never sent */
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "reason=replay"), 2);
}

void test_responder_compat_answers(void)
{
    static const struct {
        epv_mode_t mode;
        size_t len;
    } MODES[] = {{EPV_MODE_ESPRESSIF_44, 178}, {EPV_MODE_ESPRESSIF_53, 218}, {EPV_MODE_ESPRESSIF_54, 222}};
    for (size_t k = 0; k < 3; k++) {
        epv_mode_t mode = MODES[k].mode;
        start(mode, NULL);
        CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "credentials cross the air in clear") >= 0);
        const epv_action_t *b = rec_last_send(&rec);
        CHECK(b && b->u.send.len == EPV_HDR_LEN + EPV_COMPAT_BEACON_LEN && b->u.send.frame[EPV_HDR_LEN] == 0);
        send_device(9, "bad\nid");
        const epv_action_t *a = rec_last_send(&rec);
        size_t want = MODES[k].len;
        CHECK(a && a->u.send.len == EPV_HDR_LEN + want && a->u.send.frame[1] == want);
        CHECK(a && a->u.send.frame[EPV_HDR_LEN + 105] == 0 && a->u.send.frame[EPV_HDR_LEN + 112] == 0); /* no AP hint */
        CHECK(a && !memcmp(a->u.send.frame + EPV_HDR_LEN + 37, "mypassword", 10));
        CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "credentials_sent to=24:0a:c4:00:00:02") >= 0);
        CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "bad%0Aid") >= 0);
        for (int i = 0; i < rec.count; i++) {
            CHECK(rec.acts[i].kind != EPV_ACT_LOG || !strstr(rec.acts[i].u.log.text, "mypassword"));
        }
    }
    /* Espressif's initiator pads DEVICE to its union: 218 bytes = an IDF 5.1-5.3 build; a 5.4 responder says so */
    start(EPV_MODE_ESPRESSIF_54, NULL);
    {
        uint8_t p[EPV_PAYLOAD_MAX], f[EPV_FRAME_MAX];
        size_t n = 0;
        epv_compat_device_t d;
        memset(&d, 0, sizeof(d));
        memset(p, 0, sizeof(p));
        epv_compat_encode_device(&d, p, sizeof(p), &n);
        size_t fl = test_frame(f, MAC_I, MAC_R, 9, 6, p, 218);
        epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);
        CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "DEVICE frame of 218 bytes: the initiator looks built with IDF 5.1-5.3") >= 0);
        CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "credentials_sent"), 1);
        fl = test_frame(f, MAC_I, MAC_R, 10, 6, p, 222); /* its own layout: no hint */
        epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);
        CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "initiator looks built"), 1);
    }
    start(EPV_MODE_ESPRESSIF_54, NULL); /* a request encrypted by Espressif's esp-now security: not ours to read */
    uint8_t p[EPV_PAYLOAD_MAX], f[EPV_FRAME_MAX];
    size_t n = 0;
    epv_compat_device_t d;
    memset(&d, 0, sizeof(d));
    epv_compat_encode_device(&d, p, sizeof(p), &n);
    size_t fl = test_frame(f, MAC_I, MAC_R, 9, 6, p, n);
    f[4] |= 1u << 6;
    epv_node_on_frame(&node, MAC_I, -40, 6, f, fl);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "request_received"), 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "security bit set"), 1);
    start(EPV_MODE_ESPRESSIF_54, "24:0a:c4:00:00:03");
    send_device(9, "x");
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "reason=not_allowed") >= 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 1);
}

void test_responder_resends_unacked(void)
{
    start(EPV_MODE_SECURE, NULL);
    uint8_t rn[EPV_NONCE_LEN];
    beacon_nonce(rn);
    epv_node_on_send_done(&node, MAC_I, false); /* nothing pending yet: ignored */
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 1);
    send_request(rn, 5, TEST_KEY, 1);
    const epv_action_t *a = rec_last_send(&rec);
    uint8_t first[EPV_FRAME_MAX];
    size_t len = a ? a->u.send.len : 0;
    memcpy(first, a ? a->u.send.frame : first, len);
    epv_node_on_send_done(&node, MAC_I, false);
    a = rec_last_send(&rec);
    CHECK(a && a->u.send.len == len && epv_mac_equal(a->u.send.dest, MAC_I));
    CHECK(a && memcmp(a->u.send.frame + 4, first + 4, len - 4) == 0); /* same reply ... */
    CHECK(a && memcmp(a->u.send.frame + 2, first + 2, 2) != 0);         /* ... under a new magic */
    epv_node_on_send_done(&node, MAC_I, false);
    epv_node_on_send_done(&node, MAC_I, false); /* resends used up */
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 2 + EPV_REPLY_RESENDS);
    CHECK(rec_find(&rec, 0, EPV_ACT_LOG, "will ask again") >= 0);
    CHECK_EQ(rec_count(&rec, EPV_ACT_LOG, "credentials_sent"), 1); /* one event per answered request */

    send_request(rn, 6, TEST_KEY, 2);
    epv_node_on_send_done(&node, MAC_I, true); /* acknowledged: settled */
    epv_node_on_send_done(&node, MAC_I, false);
    CHECK_EQ(rec_count(&rec, EPV_ACT_SEND, NULL), 3 + EPV_REPLY_RESENDS);
}
