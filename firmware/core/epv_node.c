#include "epv_node.h"

#include <string.h>

static epv_out_t *out_of(epv_node_t *n)
{
    return n->role == EPV_ROLE_INITIATOR ? &n->u.initiator.out : &n->u.responder.out;
}

static const epv_config_t *cfg_of(const epv_node_t *n)
{
    return n->role == EPV_ROLE_INITIATOR ? &n->u.initiator.cfg : &n->u.responder.cfg;
}

epv_status_t epv_node_init(epv_node_t *n, const epv_config_t *cfg, const epv_env_t *env, const char **why)
{
    if (!n || !cfg || !env || !env->emit || !env->random) {
        return EPV_ERR_ARG;
    }
    epv_status_t st = epv_config_validate(cfg, why);
    if (st != EPV_OK) {
        return st;
    }
    memset(n, 0, sizeof(*n));
    n->role = cfg->role;
    epv_dedupe_init(&n->dedupe);
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_init(&n->u.initiator, cfg, env);
    } else {
        epv_responder_init(&n->u.responder, cfg, env);
    }
    return EPV_OK;
}

void epv_node_start(epv_node_t *n)
{
    const epv_config_t *c = cfg_of(n);
    epv_out_t *o = out_of(n);
    epv_evt_begin(o, "boot");
    epv_evt_cstr(o, "role", epv_role_name(c->role));
    epv_evt_cstr(o, "mode", epv_mode_name(c->mode));
    epv_evt_mac(o, "mac", c->self_mac);
    epv_evt_cstr(o, "version", EPV_VERSION);
    epv_evt_end(o, 'I');
    if (c->mode != EPV_MODE_SECURE) {
        epv_out_log(o, 'W', "Espressif-compatible mode: credentials cross the air in clear, initiators are not authenticated");
    }
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_start(&n->u.initiator);
    } else {
        epv_responder_start(&n->u.responder);
    }
}

void epv_node_on_timer(epv_node_t *n, epv_timer_id_t id)
{
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_on_timer(&n->u.initiator, id);
    } else {
        epv_responder_on_timer(&n->u.responder, id);
    }
}

void epv_node_on_frame(epv_node_t *n, const uint8_t src[EPV_MAC_LEN], int rssi, uint8_t channel,
                       const uint8_t *data, size_t len)
{
    epv_hdr_t h;
    const uint8_t *payload = NULL;
    size_t plen = 0;
    const epv_config_t *c = cfg_of(n);
    if (!data || !src || epv_hdr_decode(data, len, &h, &payload, &plen) != EPV_OK || plen < 1) {
        return;
    }
    /* The header's src must be the radio's sender: we never act on relayed or spoofed-in-header frames. */
    if (!epv_mac_equal(h.src, src) || epv_mac_equal(h.src, c->self_mac)) {
        return;
    }
    if (h.filter_adjacent_channel && h.channel && channel && h.channel != channel) {
        return;
    }
    /* Encrypted by Espressif's own esp-now security (CONFIG_ESPNOW_PROV_SECURITY / _ALL_SECURITY): we hold no
     * such key, and Espressif's receivers without security drop these too. Said once, so a silent peer has a
     * reason in the log. */
    if (h.security) {
        if (!n->told_security) {
            n->told_security = true;
            epv_out_log(out_of(n), 'W', "Ignoring esp-now frames with the security bit set: turn off "
                                        "CONFIG_ESPNOW_PROV_SECURITY / CONFIG_ESPNOW_ALL_SECURITY on the Espressif peer");
        }
        return;
    }
    if (epv_dedupe_seen(&n->dedupe, h.type, h.magic)) {
        return;
    }
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_on_frame(&n->u.initiator, &h, payload, plen, rssi, channel);
    } else {
        epv_responder_on_frame(&n->u.responder, &h, payload, plen);
    }
}

void epv_node_on_send_done(epv_node_t *n, const uint8_t dest[EPV_MAC_LEN], bool ok)
{
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_on_send_done(&n->u.initiator, dest, ok);
    } else {
        epv_responder_on_send_done(&n->u.responder, dest, ok);
    }
}

void epv_node_on_wifi_connected(epv_node_t *n, const uint8_t bssid[EPV_MAC_LEN], uint8_t channel)
{
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_on_wifi_connected(&n->u.initiator, bssid, channel);
    }
}

void epv_node_on_wifi_disconnected(epv_node_t *n, int reason)
{
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_on_wifi_disconnected(&n->u.initiator, reason);
    }
}

void epv_node_on_wifi_join_error(epv_node_t *n, const char *error_name)
{
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_on_wifi_join_error(&n->u.initiator, error_name);
    }
}

void epv_node_on_got_ip(epv_node_t *n, const uint8_t ip[4], const uint8_t mask[4], const uint8_t gw[4])
{
    if (n->role == EPV_ROLE_INITIATOR) {
        epv_initiator_on_got_ip(&n->u.initiator, ip, mask, gw);
    }
}
