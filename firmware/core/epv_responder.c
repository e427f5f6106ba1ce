#include "epv_responder.h"

#include <string.h>
#include "epv_session.h"

static const uint8_t BROADCAST[EPV_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void epv_responder_init(epv_responder_t *r, const epv_config_t *cfg, const epv_env_t *env)
{
    memset(r, 0, sizeof(*r));
    r->cfg = *cfg;
    epv_out_init(&r->out, env);
    r->channel = cfg->channel ? cfg->channel : 1;
}

static bool secure(const epv_responder_t *r) { return r->cfg.mode == EPV_MODE_SECURE; }

static void new_nonce(epv_responder_t *r)
{
    memcpy(r->prev_nonce, r->nonce, EPV_NONCE_LEN);
    r->has_prev = r->sent > 0;
    epv_out_random(&r->out, r->nonce, EPV_NONCE_LEN);
    r->since_rotate = 0;
}

static void forget_reply(epv_responder_t *r)
{
    epv_wipe(r->reply, sizeof(r->reply)); /* a compat reply holds the password in clear */
    r->reply_len = 0;
    r->reply_resends = 0;
}

void epv_responder_start(epv_responder_t *r)
{
    if (r->state != EPV_RSTATE_IDLE) {
        return;
    }
    epv_out_channel(&r->out, r->channel);
    if (secure(r)) {
        new_nonce(r);
    }
    r->state = EPV_RSTATE_BEACONING;
    epv_out_log(&r->out, 'I', "Responder beacon start, channel %u, window %lus", r->channel,
                (unsigned long)(r->cfg.beacon_window_ms / 1000));
    epv_evt_begin(&r->out, "beacon_start");
    epv_evt_int(&r->out, "channel", r->channel);
    epv_evt_int(&r->out, "window_ms", (long)r->cfg.beacon_window_ms);
    epv_evt_int(&r->out, "interval_ms", (long)r->cfg.beacon_interval_ms);
    epv_evt_end(&r->out, 'I');
    epv_out_timer_start(&r->out, EPV_TIMER_WINDOW, r->cfg.beacon_window_ms);
    epv_responder_on_timer(r, EPV_TIMER_BEACON); /* first beacon now, not one interval later */
}

static void send_beacon(epv_responder_t *r)
{
    size_t len = 0;
    epv_status_t st;
    if (secure(r)) {
        uint32_t per_nonce = EPV_NONCE_LIFETIME_MS / r->cfg.beacon_interval_ms;
        if (++r->since_rotate > (per_nonce ? per_nonce : 1)) {
            new_nonce(r);
            r->since_rotate = 1;
        }
        epv_secure_msg_t m;
        memset(&m, 0, sizeof(m));
        m.kind = EPV_KIND_S_BEACON;
        memcpy(m.u.beacon.responder_nonce, r->nonce, EPV_NONCE_LEN);
        memcpy(m.u.beacon.product_id, r->cfg.product_id, sizeof(m.u.beacon.product_id));
        memcpy(m.u.beacon.device_name, r->cfg.device_name, sizeof(m.u.beacon.device_name));
        st = epv_secure_encode(&m, r->payload, sizeof(r->payload), &len);
    } else {
        epv_compat_beacon_t b;
        memcpy(b.product_id, r->cfg.product_id, sizeof(b.product_id));
        memcpy(b.device_name, r->cfg.device_name, sizeof(b.device_name));
        st = epv_compat_encode_beacon(&b, r->payload, sizeof(r->payload), &len);
    }
    epv_hdr_t h;
    memset(&h, 0, sizeof(h));
    memcpy(h.dest, BROADCAST, EPV_MAC_LEN);
    memcpy(h.src, r->cfg.self_mac, EPV_MAC_LEN);
    h.channel = r->channel;
    h.filter_adjacent_channel = true;
    h.broadcast = true;
    h.retransmit_count = 10; /* what the reference puts in its beacons */
    if (st == EPV_OK) {
        st = epv_out_send(&r->out, &h, r->payload, len);
    }
    if (st == EPV_OK) {
        r->sent++;
    } else {
        epv_out_log(&r->out, 'E', "beacon encode failed: %s", epv_status_str(st));
    }
}

void epv_responder_on_timer(epv_responder_t *r, epv_timer_id_t id)
{
    if (r->state != EPV_RSTATE_BEACONING) {
        return;
    }
    if (id == EPV_TIMER_BEACON) {
        send_beacon(r);
        epv_out_timer_start(&r->out, EPV_TIMER_BEACON, r->cfg.beacon_interval_ms);
    } else if (id == EPV_TIMER_WINDOW) {
        epv_out_timer_stop(&r->out, EPV_TIMER_BEACON);
        r->state = EPV_RSTATE_ENDED;
        epv_wipe(r->nonce, sizeof(r->nonce));
        epv_wipe(r->prev_nonce, sizeof(r->prev_nonce));
        r->has_prev = false;
        forget_reply(r);
        epv_out_log(&r->out, 'I', "Responder beacon end");
        epv_evt_begin(&r->out, "beacon_end");
        epv_evt_int(&r->out, "sent", (long)r->sent);
        epv_evt_end(&r->out, 'I');
        if (r->served == 0) {
            epv_evt_failed(&r->out, EPV_FAIL_WINDOW_EXPIRED, -1, "no_initiator_served");
        }
    }
}

static void reject(epv_responder_t *r, const uint8_t from[EPV_MAC_LEN], const char *reason)
{
    char mac[18];
    epv_fmt_mac(mac, from);
    epv_out_log(&r->out, 'W', "Rejected request from %s: %s", mac, reason);
    epv_evt_begin(&r->out, "auth_rejected");
    epv_evt_mac(&r->out, "from", from);
    epv_evt_cstr(&r->out, "reason", reason);
    epv_evt_end(&r->out, 'W');
}

static void sent_event(epv_responder_t *r, const uint8_t to[EPV_MAC_LEN])
{
    r->served++;
    epv_evt_begin(&r->out, "credentials_sent");
    epv_evt_mac(&r->out, "to", to);
    epv_evt_end(&r->out, 'I');
}

static void reply_header(const epv_responder_t *r, const uint8_t to[EPV_MAC_LEN], epv_hdr_t *h)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->dest, to, EPV_MAC_LEN);
    memcpy(h->src, r->cfg.self_mac, EPV_MAC_LEN);
    h->channel = r->channel;
    /* as the reference sends WIFI: broadcast bit with a unicast address, so its receivers accept it */
    h->broadcast = true;
    h->retransmit_count = 10;
}

/* Sends r->payload[0..len) to `to` and keeps a copy for resends. */
static epv_status_t send_reply(epv_responder_t *r, const uint8_t to[EPV_MAC_LEN], size_t len)
{
    epv_hdr_t h;
    reply_header(r, to, &h);
    epv_status_t st = epv_out_send(&r->out, &h, r->payload, len);
    forget_reply(r);
    if (st == EPV_OK) {
        memcpy(r->reply, r->payload, len);
        r->reply_len = len;
        memcpy(r->reply_to, to, EPV_MAC_LEN);
    }
    epv_wipe(r->payload, sizeof(r->payload));
    return st;
}

static void answer_compat(epv_responder_t *r, const uint8_t to[EPV_MAC_LEN])
{
    epv_compat_wifi_t w;
    memset(&w, 0, sizeof(w));
    w.mode = 1; /* WIFI_MODE_STA */
    memcpy(w.ssid, r->cfg.ssid, r->cfg.ssid_len);
    w.ssid_len = r->cfg.ssid_len;
    memcpy(w.password, r->cfg.password, r->cfg.password_len);
    w.password_len = r->cfg.password_len;
    size_t len = 0;
    epv_status_t st = epv_compat_encode_wifi(&w, epv_mode_layout(r->cfg.mode), r->payload, sizeof(r->payload), &len);
    epv_wipe(&w, sizeof(w));
    if (st == EPV_OK) {
        st = send_reply(r, to, len);
    }
    if (st != EPV_OK) {
        epv_out_log(&r->out, 'E', "WIFI frame encode failed: %s", epv_status_str(st));
        return;
    }
    sent_event(r, to);
}

static bool nonce_used(epv_responder_t *r, const uint8_t in[EPV_NONCE_LEN])
{
    for (uint8_t i = 0; i < r->used_count; i++) {
        if (memcmp(r->used[i], in, EPV_NONCE_LEN) == 0) {
            return true;
        }
    }
    return false;
}

static void remember_nonce(epv_responder_t *r, const uint8_t in[EPV_NONCE_LEN])
{
    memcpy(r->used[r->used_next], in, EPV_NONCE_LEN);
    r->used_next = (uint8_t)((r->used_next + 1) % EPV_USED_NONCES);
    if (r->used_count < EPV_USED_NONCES) {
        r->used_count++;
    }
}

static bool nonce_current(const epv_responder_t *r, const uint8_t rn[EPV_NONCE_LEN])
{
    return epv_ct_equal(rn, r->nonce, EPV_NONCE_LEN) ||
           (r->has_prev && epv_ct_equal(rn, r->prev_nonce, EPV_NONCE_LEN));
}

static void answer_secure(epv_responder_t *r, const uint8_t from[EPV_MAC_LEN], const epv_s_request_t *req)
{
    uint8_t proof[EPV_PROOF_LEN];
    if (!nonce_current(r, req->responder_nonce) || nonce_used(r, req->initiator_nonce)) {
        reject(r, from, "replay");
        return;
    }
    if (epv_session_proof(r->cfg.pair_key, req, r->cfg.self_mac, from, proof) != EPV_OK ||
        !epv_ct_equal(proof, req->proof, EPV_PROOF_LEN)) {
        reject(r, from, "bad_proof");
        return;
    }
    remember_nonce(r, req->initiator_nonce);

    uint8_t key[EPV_AEAD_KEY_LEN];
    epv_secure_msg_t m;
    epv_creds_t creds;
    memset(&m, 0, sizeof(m));
    m.kind = EPV_KIND_S_CREDS;
    memcpy(m.u.creds.initiator_nonce, req->initiator_nonce, EPV_NONCE_LEN);
    epv_out_random(&r->out, m.u.creds.aead_nonce, EPV_AEAD_NONCE_LEN);
    epv_status_t st = epv_creds_set(&creds, r->cfg.ssid, r->cfg.ssid_len, r->cfg.password, r->cfg.password_len);
    if (st == EPV_OK) {
        st = epv_session_key(r->cfg.pair_key, req->responder_nonce, req->initiator_nonce, r->cfg.self_mac, from,
                             key);
    }
    if (st == EPV_OK) {
        st = epv_session_seal(key, req->responder_nonce, r->cfg.self_mac, from, &creds, &m.u.creds);
    }
    epv_wipe(key, sizeof(key));
    epv_wipe(&creds, sizeof(creds));
    size_t len = 0;
    if (st == EPV_OK) {
        st = epv_secure_encode(&m, r->payload, sizeof(r->payload), &len);
    }
    if (st == EPV_OK) {
        st = send_reply(r, from, len);
    }
    if (st != EPV_OK) {
        epv_out_log(&r->out, 'E', "sealing credentials failed: %s", epv_status_str(st));
        return;
    }
    sent_event(r, from);
}

/* Espressif's initiator sends its DEVICE frame with the size of its whole union, which is its WIFI payload
 * size: 178, 218 or 222 bytes tell which ESP-IDF it was built with. A size of another layout means it will
 * read our WIFI frame with the wrong wifi_sta_config_t, so say which mode would match (the answer goes out
 * anyway: the configured mode is the user's call). */
static void layout_hint(epv_responder_t *r, size_t len)
{
    epv_layout_t own = epv_mode_layout(r->cfg.mode);
    for (int l = 0; l < EPV_LAYOUT_COUNT; l++) {
        if ((epv_layout_t)l != own && len == epv_compat_wifi_len((epv_layout_t)l)) {
            epv_out_log(&r->out, 'W', "DEVICE frame of %u bytes: the initiator looks built with %s, this responder "
                                      "answers in the %s layout (%s)", (unsigned)len, epv_layout_name((epv_layout_t)l),
                        epv_layout_name(own), epv_mode_name(r->cfg.mode));
        }
    }
}

void epv_responder_on_frame(epv_responder_t *r, const epv_hdr_t *h, const uint8_t *payload, size_t len)
{
    if (r->state != EPV_RSTATE_BEACONING || len < 1 || !epv_mac_equal(h->dest, r->cfg.self_mac)) {
        return; /* beacons of other responders, frames for others, or after the window */
    }
    uint8_t kind = payload[0];
    bool is_request = kind == EPV_KIND_DEVICE || kind == EPV_KIND_S_REQUEST;
    if (!is_request) {
        return;
    }
    char mac[18];
    epv_fmt_mac(mac, h->src);
    epv_out_log(&r->out, 'I', "Request from %s", mac);
    epv_evt_begin(&r->out, "request_received");
    epv_evt_mac(&r->out, "from", h->src);
    epv_evt_end(&r->out, 'I');
    if ((kind == EPV_KIND_S_REQUEST) != secure(r)) {
        reject(r, h->src, "mode_mismatch");
        return;
    }
    if (!epv_config_allows(&r->cfg, h->src)) {
        reject(r, h->src, "not_allowed");
        return;
    }
    if (secure(r)) {
        epv_secure_msg_t m;
        if (epv_secure_decode(payload, len, &m) != EPV_OK) {
            reject(r, h->src, "malformed");
            return;
        }
        answer_secure(r, h->src, &m.u.request);
    } else {
        epv_compat_msg_t m;
        if (epv_compat_decode(payload, len, epv_mode_layout(r->cfg.mode), &m) != EPV_OK) {
            reject(r, h->src, "malformed");
            return;
        }
        char pid[3 * EPV_COMPAT_ID_LEN + 1]; /* from the air: encoded, never printed raw */
        epv_pct_encode(pid, sizeof(pid), (const uint8_t *)m.u.device.product_id, strlen(m.u.device.product_id));
        epv_out_log(&r->out, 'I', "Initiator product_id: %s, auth_mode: %lu (compat mode authenticates no one)",
                    pid, (unsigned long)m.u.device.auth_mode);
        layout_hint(r, len);
        answer_compat(r, h->src);
    }
}

void epv_responder_on_send_done(epv_responder_t *r, const uint8_t dest[EPV_MAC_LEN], bool ok)
{
    if (r->reply_len == 0 || !epv_mac_equal(dest, r->reply_to)) {
        return; /* beacons, or a reply already settled */
    }
    if (ok || r->state != EPV_RSTATE_BEACONING) {
        forget_reply(r);
        return;
    }
    char mac[18];
    epv_fmt_mac(mac, dest);
    if (r->reply_resends >= EPV_REPLY_RESENDS) {
        epv_out_log(&r->out, 'W', "Reply to %s was not acknowledged; the initiator will ask again", mac);
        forget_reply(r);
        return;
    }
    /* a new magic, so a receiver that did get the first copy drops nothing it needs and acts once */
    uint8_t resends = (uint8_t)(r->reply_resends + 1);
    size_t len = r->reply_len;
    memcpy(r->payload, r->reply, len);
    epv_out_log(&r->out, 'W', "Reply to %s was not acknowledged, sending it again (%u/%u)", mac, resends,
                EPV_REPLY_RESENDS);
    if (send_reply(r, dest, len) == EPV_OK) {
        r->reply_resends = resends;
    }
}
