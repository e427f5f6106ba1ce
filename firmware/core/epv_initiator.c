#include "epv_initiator.h"
#include "epv_initiator_wifi.h"

#include <string.h>

void epv_initiator_init(epv_initiator_t *n, const epv_config_t *cfg, const epv_env_t *env)
{
    memset(n, 0, sizeof(*n));
    n->cfg = *cfg;
    epv_out_init(&n->out, env);
    n->channel = cfg->channel ? cfg->channel : 1;
}

static bool secure(const epv_initiator_t *n) { return n->cfg.mode == EPV_MODE_SECURE; }

void epv_initiator_fail(epv_initiator_t *n, epv_fail_t why, int code, const char *detail)
{
    for (int id = 0; id < EPV_TIMER_COUNT; id++) {
        epv_out_timer_stop(&n->out, (epv_timer_id_t)id);
    }
    n->state = EPV_ISTATE_FAILED;
    epv_wipe(&n->creds, sizeof(n->creds));
    memset(&n->ap, 0, sizeof(n->ap));
    epv_evt_failed(&n->out, why, code, detail);
}

static void scan_on(epv_initiator_t *n);

static void fail(epv_initiator_t *n, epv_fail_t why, int code, const char *detail)
{
    epv_initiator_fail(n, why, code, detail);
}

/* Responders were heard, none gave credentials: the pair key (or the mode) is the likely cause. */
static void no_credentials(epv_initiator_t *n)
{
    fail(n, EPV_FAIL_NO_CREDENTIALS, -1, secure(n) ? "no_valid_reply_check_pair_key" : "no_reply");
}

void epv_initiator_start(epv_initiator_t *n)
{
    if (n->state != EPV_ISTATE_IDLE) {
        return;
    }
    if (n->cfg.provisioned && n->cfg.ssid_len > 0) {
        /* Provisioned before (the credentials it kept, no pair key any more): a reboot just rejoins. */
        epv_status_t st = epv_creds_set(&n->creds, n->cfg.ssid, n->cfg.ssid_len, n->cfg.password, n->cfg.password_len);
        if (st != EPV_OK) {
            fail(n, EPV_FAIL_INTERNAL, -1, epv_status_str(st));
            return;
        }
        n->stored = true;
        epv_out_log(&n->out, 'I', "Provisioned earlier: joining the network it was given");
        n->wifi_attempts = 0;
        epv_initiator_join(n);
        return;
    }
    n->state = EPV_ISTATE_SCANNING;
    epv_out_channel(&n->out, n->channel);
    epv_out_log(&n->out, 'I', "Scanning for a responder (%s), timeout %lus", n->cfg.channel ? "fixed channel" : "channels 1-13",
                (unsigned long)(n->cfg.scan_timeout_ms / 1000));
    epv_evt_begin(&n->out, "scan_start");
    if (n->cfg.channel) {
        epv_evt_int(&n->out, "channels", n->cfg.channel);
    } else {
        epv_evt_cstr(&n->out, "channels", "1-13");
    }
    epv_evt_int(&n->out, "timeout_ms", (long)n->cfg.scan_timeout_ms);
    epv_evt_end(&n->out, 'I');
    epv_out_timer_start(&n->out, EPV_TIMER_SCAN, n->cfg.scan_timeout_ms);
    if (!n->cfg.channel) {
        epv_out_timer_start(&n->out, EPV_TIMER_DWELL, n->cfg.beacon_interval_ms + EPV_DWELL_EXTRA_MS);
    }
}

static void send_request(epv_initiator_t *n)
{
    epv_attempt_t *a = &n->attempts[n->attempt_count];
    size_t len = 0;
    epv_status_t st;
    if (secure(n)) {
        epv_secure_msg_t m;
        memset(&m, 0, sizeof(m));
        m.kind = EPV_KIND_S_REQUEST;
        memcpy(a->rn, n->latest_rn, EPV_NONCE_LEN);
        epv_out_random(&n->out, a->in, EPV_NONCE_LEN); /* fresh per attempt: the responder refuses repeats */
        memcpy(m.u.request.responder_nonce, a->rn, EPV_NONCE_LEN);
        memcpy(m.u.request.initiator_nonce, a->in, EPV_NONCE_LEN);
        memcpy(m.u.request.product_id, n->cfg.product_id, sizeof(m.u.request.product_id));
        memcpy(m.u.request.device_name, n->cfg.device_name, sizeof(m.u.request.device_name));
        st = epv_session_proof(n->cfg.pair_key, &m.u.request, n->responder, n->cfg.self_mac, m.u.request.proof);
        if (st == EPV_OK) {
            st = epv_secure_encode(&m, n->payload, sizeof(n->payload), &len);
        }
    } else {
        epv_compat_device_t d;
        memset(&d, 0, sizeof(d)); /* secret and padding are zero, unlike the reference's malloc'd frame */
        memcpy(d.product_id, n->cfg.product_id, sizeof(d.product_id));
        memcpy(d.device_name, n->cfg.device_name, sizeof(d.device_name));
        st = epv_compat_encode_device(&d, n->payload, sizeof(n->payload), &len);
    }
    n->attempt_count++;
    epv_hdr_t h;
    memset(&h, 0, sizeof(h));
    memcpy(h.dest, n->responder, EPV_MAC_LEN);
    memcpy(h.src, n->cfg.self_mac, EPV_MAC_LEN);
    h.channel = n->channel;
    h.filter_adjacent_channel = true;
    if (st == EPV_OK) {
        st = epv_out_send(&n->out, &h, n->payload, len);
    }
    if (st != EPV_OK) {
        fail(n, EPV_FAIL_INTERNAL, -1, epv_status_str(st));
        return;
    }
    char mac[18];
    epv_fmt_mac(mac, n->responder);
    epv_out_log(&n->out, 'I', "Requesting credentials from %s (attempt %u/%u)", mac, n->attempt_count,
                EPV_REQUEST_ATTEMPTS);
    epv_evt_begin(&n->out, "request_sent");
    epv_evt_mac(&n->out, "to", n->responder);
    epv_evt_end(&n->out, 'I');
    epv_out_timer_start(&n->out, EPV_TIMER_REPLY, EPV_REPLY_TIMEOUT_MS);
}

void epv_initiator_on_timer(epv_initiator_t *n, epv_timer_id_t id)
{
    switch (id) {
    case EPV_TIMER_DWELL:
        if (n->state == EPV_ISTATE_SCANNING && !n->cfg.channel) {
            n->channel = (uint8_t)(n->channel % EPV_CHANNEL_MAX + 1);
            epv_out_channel(&n->out, n->channel);
            epv_out_timer_start(&n->out, EPV_TIMER_DWELL, n->cfg.beacon_interval_ms + EPV_DWELL_EXTRA_MS);
        }
        break;
    case EPV_TIMER_SCAN:
        if (n->state == EPV_ISTATE_SCANNING && n->tried_count > 0) {
            no_credentials(n);
        } else if (n->state == EPV_ISTATE_SCANNING) {
            fail(n, EPV_FAIL_SCAN_TIMEOUT, -1, "no_beacon_heard");
        }
        break;
    case EPV_TIMER_REPLY:
        if (n->state != EPV_ISTATE_REQUESTING) {
            break;
        }
        if (n->attempt_count < EPV_REQUEST_ATTEMPTS) {
            send_request(n);
        } else {
            scan_on(n);
        }
        break;
    case EPV_TIMER_WIFI:
        epv_initiator_wifi_timeout(n);
        break;
    default:
        break;
    }
}

static bool tried(const epv_initiator_t *n, const uint8_t mac[EPV_MAC_LEN])
{
    for (uint8_t i = 0; i < n->tried_count; i++) {
        if (epv_mac_equal(n->tried[i], mac)) {
            return true;
        }
    }
    return false;
}

/* The responder asked gave no valid reply to any request: another fleet's (another pair key) heard before
 * ours, or a misconfigured one. Rather than fail while ours may be beaconing on a later channel, skip it and
 * listen for one more sweep of the channels; only when no other responder answers is it no_credentials. */
static void scan_on(epv_initiator_t *n)
{
    char mac[18];
    epv_fmt_mac(mac, n->responder);
    if (n->tried_count >= EPV_TRIED_MAX) {
        no_credentials(n);
        return;
    }
    memcpy(n->tried[n->tried_count++], n->responder, EPV_MAC_LEN);
    n->attempt_count = 0;
    n->state = EPV_ISTATE_SCANNING;
    epv_out_log(&n->out, 'W', "Responder %s gave no valid reply to %u requests; listening for another", mac, EPV_REQUEST_ATTEMPTS);
    epv_evt_begin(&n->out, "responder_skipped");
    epv_evt_mac(&n->out, "mac", n->responder);
    epv_evt_cstr(&n->out, "reason", secure(n) ? "no_valid_reply" : "no_reply");
    epv_evt_end(&n->out, 'W');
    uint32_t dwell = n->cfg.beacon_interval_ms + EPV_DWELL_EXTRA_MS;
    /* One sweep of every channel (or two beacon periods on a fixed one), then a beacon period to spare. */
    uint32_t listen = n->cfg.channel ? 2 * dwell : (EPV_CHANNEL_MAX + 1) * dwell;
    epv_out_timer_start(&n->out, EPV_TIMER_SCAN, listen);
    if (!n->cfg.channel) {
        epv_out_timer_start(&n->out, EPV_TIMER_DWELL, dwell);
    }
}

static void found(epv_initiator_t *n, const epv_hdr_t *h, int rssi, uint8_t channel)
{
    if (tried(n, h->src)) {
        return;
    }
    memcpy(n->responder, h->src, EPV_MAC_LEN);
    /* The responder's channel is the one its header names (a frame can be heard a channel or two off), else
     * the one it was heard on. The radio is tuned there before anything is sent: a beacon can be handled
     * after the dwell timer already hopped on (both wait in the port's queue), and a request sent on the
     * next channel, with all its retries, never reaches the responder. */
    uint8_t ch = h->channel >= 1 && h->channel <= EPV_CHANNEL_MAX ? h->channel : channel;
    if (ch) {
        n->channel = ch;
    }
    epv_out_timer_stop(&n->out, EPV_TIMER_DWELL);
    epv_out_channel(&n->out, n->channel);
    epv_out_timer_stop(&n->out, EPV_TIMER_SCAN);
    n->state = EPV_ISTATE_REQUESTING;
    char mac[18];
    epv_fmt_mac(mac, h->src);
    epv_out_log(&n->out, 'I', "Responder %s on channel %u, RSSI %d", mac, n->channel, rssi);
    epv_evt_begin(&n->out, "responder_found");
    epv_evt_mac(&n->out, "mac", h->src);
    epv_evt_int(&n->out, "channel", n->channel);
    epv_evt_int(&n->out, "rssi", rssi);
    epv_evt_end(&n->out, 'I');
    send_request(n);
}

static void got_creds(epv_initiator_t *n, const epv_hdr_t *h)
{
    epv_out_timer_stop(&n->out, EPV_TIMER_REPLY);
    epv_out_log(&n->out, 'I', "Credentials received (%s)", secure(n) ? "encrypted" : "in clear");
    epv_evt_begin(&n->out, "credentials_received");
    epv_evt_mac(&n->out, "from", h->src);
    epv_evt_str(&n->out, "ssid", n->creds.ssid, n->creds.ssid_len);
    epv_evt_end(&n->out, 'I');
    n->wifi_attempts = 0;
    epv_initiator_join(n);
}

static void on_secure(epv_initiator_t *n, const epv_hdr_t *h, const uint8_t *payload, size_t len, int rssi,
                      uint8_t channel)
{
    epv_secure_msg_t m;
    if (epv_secure_decode(payload, len, &m) != EPV_OK) {
        return;
    }
    if (m.kind == EPV_KIND_S_BEACON) {
        if (n->state == EPV_ISTATE_SCANNING) {
            memcpy(n->latest_rn, m.u.beacon.responder_nonce, EPV_NONCE_LEN);
            found(n, h, rssi, channel);
        } else if (n->state == EPV_ISTATE_REQUESTING && epv_mac_equal(h->src, n->responder)) {
            memcpy(n->latest_rn, m.u.beacon.responder_nonce, EPV_NONCE_LEN); /* retries use the live nonce */
        }
        return;
    }
    if (m.kind != EPV_KIND_S_CREDS || n->state != EPV_ISTATE_REQUESTING || !epv_mac_equal(h->src, n->responder)) {
        return;
    }
    for (uint8_t i = 0; i < n->attempt_count; i++) {
        epv_attempt_t *a = &n->attempts[i];
        if (!epv_ct_equal(a->in, m.u.creds.initiator_nonce, EPV_NONCE_LEN)) {
            continue;
        }
        uint8_t key[EPV_AEAD_KEY_LEN];
        epv_status_t st = epv_session_key(n->cfg.pair_key, a->rn, a->in, n->responder, n->cfg.self_mac, key);
        if (st == EPV_OK) {
            st = epv_session_open(key, a->rn, n->responder, n->cfg.self_mac, &m.u.creds, &n->creds);
        }
        epv_wipe(key, sizeof(key));
        if (st == EPV_OK) {
            memset(&n->ap, 0, sizeof(n->ap)); /* secure credentials name no AP: join by SSID */
            got_creds(n, h);
        } else {
            epv_out_log(&n->out, 'W', "Credentials frame failed authentication (%s)", epv_status_str(st));
        }
        return;
    }
}

/* Why a WIFI payload from our responder was not read: the configured layout does not explain its length
 * alone. Logged, because a silent drop here looks like a dead responder. */
static void wifi_dropped(epv_initiator_t *n, const uint8_t *payload, size_t len)
{
    epv_layout_t want = epv_mode_layout(n->cfg.mode);
    unsigned fits = epv_compat_wifi_fits(payload, len);
    if (fits & (1u << want)) {
        epv_out_log(&n->out, 'W', "WIFI frame of %u bytes dropped: its length fits more than one wifi_sta_config_t "
                                  "layout (custom data), so which one is ambiguous", (unsigned)len);
        return;
    }
    for (int l = 0; l < EPV_LAYOUT_COUNT; l++) {
        if (fits == 1u << l) {
            epv_out_log(&n->out, 'W', "WIFI frame of %u bytes dropped: it has the %s layout, this device is set to %s "
                                      "(%s); choose the mode of the responder's ESP-IDF", (unsigned)len,
                        epv_layout_name((epv_layout_t)l), epv_mode_name(n->cfg.mode), epv_layout_name(want));
            return;
        }
    }
    epv_out_log(&n->out, 'W', "WIFI frame of %u bytes dropped: no wifi_sta_config_t layout has that length "
                              "(%u + custom_size expected)", (unsigned)len, (unsigned)epv_compat_wifi_len(want));
}

/* Takes bssid / channel from a WIFI frame as Espressif's initiator does (it hands the whole config to
 * esp_wifi_set_config). A channel no radio can use is dropped, not passed on. */
static void take_ap_hint(epv_initiator_t *n, const epv_compat_wifi_t *w)
{
    memset(&n->ap, 0, sizeof(n->ap));
    n->ap.bssid_set = w->bssid_set;
    if (w->bssid_set) {
        memcpy(n->ap.bssid, w->bssid, EPV_MAC_LEN);
    }
    if (w->channel <= EPV_AP_CHANNEL_MAX) {
        n->ap.channel = w->channel;
    } else {
        epv_out_log(&n->out, 'W', "WIFI frame names AP channel %u; ignored, the join scans", w->channel);
    }
}

static void on_compat(epv_initiator_t *n, const epv_hdr_t *h, const uint8_t *payload, size_t len, int rssi,
                      uint8_t channel)
{
    epv_compat_msg_t m;
    bool from_responder = n->state == EPV_ISTATE_REQUESTING && epv_mac_equal(h->src, n->responder);
    if (epv_compat_decode(payload, len, epv_mode_layout(n->cfg.mode), &m) != EPV_OK) {
        if (payload[0] == EPV_KIND_WIFI && from_responder) {
            wifi_dropped(n, payload, len);
        }
        return;
    }
    if (m.kind == EPV_KIND_BEACON && n->state == EPV_ISTATE_SCANNING) {
        found(n, h, rssi, channel);
    } else if (m.kind == EPV_KIND_WIFI && from_responder) {
        epv_status_t st = epv_creds_set(&n->creds, m.u.wifi.ssid, m.u.wifi.ssid_len, m.u.wifi.password,
                                        m.u.wifi.password_len);
        if (st != EPV_OK) {
            epv_out_log(&n->out, 'W', "WIFI frame without SSID ignored");
            epv_wipe(&m, sizeof(m));
            return;
        }
        take_ap_hint(n, &m.u.wifi);
        epv_wipe(&m, sizeof(m));
        got_creds(n, h);
    }
}

void epv_initiator_on_frame(epv_initiator_t *n, const epv_hdr_t *h, const uint8_t *payload, size_t len, int rssi,
                            uint8_t channel)
{
    if (len < 1 || (!epv_mac_is_broadcast(h->dest) && !epv_mac_equal(h->dest, n->cfg.self_mac))) {
        return;
    }
    bool frame_secure = epv_kind_is_secure(payload[0]);
    if (frame_secure != secure(n)) {
        if (!n->told_other_mode && (payload[0] == EPV_KIND_BEACON || payload[0] == EPV_KIND_S_BEACON)) {
            n->told_other_mode = true;
            epv_out_log(&n->out, 'W', "Ignoring a %s beacon: this device is in %s mode",
                        frame_secure ? "secure" : "espressif-compatible", epv_mode_name(n->cfg.mode));
        }
        return;
    }
    if (frame_secure) {
        on_secure(n, h, payload, len, rssi, channel);
    } else {
        on_compat(n, h, payload, len, rssi, channel);
    }
}

void epv_initiator_on_send_done(epv_initiator_t *n, const uint8_t dest[EPV_MAC_LEN], bool ok)
{
    if (!ok && n->state == EPV_ISTATE_REQUESTING) {
        epv_out_log(&n->out, 'W', "Request was not acknowledged; retrying on timeout");
    }
    (void)dest;
}
