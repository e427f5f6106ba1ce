#include "epv_out.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "epv_bytes.h"
#include "epv_crypto.h"

void epv_out_init(epv_out_t *o, const epv_env_t *env)
{
    memset(o, 0, sizeof(*o));
    o->env = *env;
}

void epv_out_random(epv_out_t *o, uint8_t *buf, size_t len) { o->env.random(o->env.random_ctx, buf, len); }

static void emit(epv_out_t *o, epv_action_kind_t kind)
{
    o->act.kind = kind;
    o->env.emit(o->env.emit_ctx, &o->act);
    if (kind == EPV_ACT_WIFI_JOIN || kind == EPV_ACT_SEND) {
        epv_wipe(&o->act.u, sizeof(o->act.u)); /* compat WIFI frames and joins carry the password */
    }
}

epv_status_t epv_out_send(epv_out_t *o, epv_hdr_t *h, const uint8_t *payload, size_t len)
{
    if (len > EPV_PAYLOAD_MAX) {
        return EPV_ERR_OVERFLOW;
    }
    uint8_t magic[2];
    do {
        epv_out_random(o, magic, sizeof(magic));
    } while (magic[0] == 0 && magic[1] == 0); /* the reference treats magic 0 as "pick one" */
    h->type = EPV_TYPE_PROV;
    h->version = EPV_HDR_VERSION;
    h->size = (uint8_t)len;
    h->magic = epv_le16(magic);
    epv_status_t st = epv_hdr_encode(h, o->act.u.send.frame, sizeof(o->act.u.send.frame));
    if (st != EPV_OK) {
        return st;
    }
    memcpy(o->act.u.send.frame + EPV_HDR_LEN, payload, len);
    memcpy(o->act.u.send.dest, h->dest, EPV_MAC_LEN);
    o->act.u.send.len = EPV_HDR_LEN + len;
    emit(o, EPV_ACT_SEND);
    return EPV_OK;
}

void epv_out_channel(epv_out_t *o, uint8_t channel)
{
    o->act.u.channel = channel;
    emit(o, EPV_ACT_SET_CHANNEL);
}

void epv_out_timer_start(epv_out_t *o, epv_timer_id_t id, uint32_t ms)
{
    o->act.u.timer.id = id;
    o->act.u.timer.ms = ms;
    emit(o, EPV_ACT_TIMER_START);
}

void epv_out_timer_stop(epv_out_t *o, epv_timer_id_t id)
{
    o->act.u.timer.id = id;
    o->act.u.timer.ms = 0;
    emit(o, EPV_ACT_TIMER_STOP);
}

/* The join and store actions carry the same two fields; the lengths come from an epv_creds_t, which
 * epv_creds_set or epv_session_open bounded, and are checked again against the action's buffers. */
static bool fill_creds(epv_out_t *o, const epv_creds_t *c)
{
    memset(&o->act.u.join, 0, sizeof(o->act.u.join));
    if (c->ssid_len > sizeof(o->act.u.join.ssid) - 1 || c->password_len > sizeof(o->act.u.join.password) - 1) {
        epv_out_log(o, 'E', "Credentials longer than the Wi-Fi fields; not passed on");
        return false;
    }
    memcpy(o->act.u.join.ssid, c->ssid, c->ssid_len);
    o->act.u.join.ssid_len = c->ssid_len;
    memcpy(o->act.u.join.password, c->password, c->password_len);
    o->act.u.join.password_len = c->password_len;
    return true;
}

void epv_out_join(epv_out_t *o, const epv_creds_t *c, const epv_ap_hint_t *hint)
{
    if (!fill_creds(o, c)) {
        return;
    }
    if (hint) {
        o->act.u.join.hint = *hint;
    }
    emit(o, EPV_ACT_WIFI_JOIN);
}

void epv_out_store_creds(epv_out_t *o, const epv_creds_t *c)
{
    if (fill_creds(o, c)) {
        emit(o, EPV_ACT_STORE_CREDS);
    }
}

void epv_out_log(epv_out_t *o, char level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->act.u.log.text, sizeof(o->act.u.log.text), fmt, ap);
    va_end(ap);
    o->act.u.log.level = level;
    o->act.u.log.tag = EPV_TAG_PROV;
    emit(o, EPV_ACT_LOG);
}

void epv_fmt_mac(char out[18], const uint8_t mac[EPV_MAC_LEN])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
}

size_t epv_pct_encode(char *out, size_t cap, const uint8_t *val, size_t len)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint8_t b = val[i];
        bool plain = b > 0x20 && b < 0x7f && b != '%' && b != '=';
        size_t need = plain ? 1 : 3;
        if (n + need >= cap) {
            break;
        }
        if (plain) {
            out[n++] = (char)b;
        } else {
            out[n++] = '%';
            out[n++] = hex[b >> 4];
            out[n++] = hex[b & 15];
        }
    }
    if (cap) {
        out[n] = '\0';
    }
    return n;
}

static void evt_append(epv_out_t *o, const char *s, size_t n)
{
    size_t cap = sizeof(o->act.u.log.text);
    if (o->evt_len + n >= cap) {
        n = cap - 1 - o->evt_len;
    }
    memcpy(o->act.u.log.text + o->evt_len, s, n);
    o->evt_len += n;
    o->act.u.log.text[o->evt_len] = '\0';
}

void epv_evt_begin(epv_out_t *o, const char *event)
{
    o->evt_len = 0;
    o->act.u.log.text[0] = '\0';
    evt_append(o, event, strlen(event));
}

void epv_evt_str(epv_out_t *o, const char *key, const uint8_t *val, size_t len)
{
    char enc[3 * EPV_SSID_MAX + 1];
    evt_append(o, " ", 1);
    evt_append(o, key, strlen(key));
    evt_append(o, "=", 1);
    evt_append(o, enc, epv_pct_encode(enc, sizeof(enc), val, len));
}

void epv_evt_cstr(epv_out_t *o, const char *key, const char *val)
{
    epv_evt_str(o, key, (const uint8_t *)val, strlen(val));
}

void epv_evt_int(epv_out_t *o, const char *key, long val)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%ld", val);
    epv_evt_cstr(o, key, buf);
}

void epv_evt_mac(epv_out_t *o, const char *key, const uint8_t mac[EPV_MAC_LEN])
{
    char buf[18];
    epv_fmt_mac(buf, mac);
    epv_evt_cstr(o, key, buf);
}

void epv_evt_ip(epv_out_t *o, const char *key, const uint8_t ip[4])
{
    char buf[16];
    snprintf(buf, sizeof(buf), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    epv_evt_cstr(o, key, buf);
}

void epv_evt_end(epv_out_t *o, char level)
{
    o->act.u.log.level = level;
    o->act.u.log.tag = EPV_TAG_EVT;
    emit(o, EPV_ACT_LOG);
    o->evt_len = 0;
}

void epv_evt_failed(epv_out_t *o, epv_fail_t why, int code, const char *detail)
{
    char reason[32];
    if (code >= 0) {
        snprintf(reason, sizeof(reason), "%s_%d", epv_fail_name(why), code);
    } else {
        snprintf(reason, sizeof(reason), "%s", epv_fail_name(why));
    }
    epv_out_log(o, 'E', "Provisioning failed: %s (%s)", reason, detail);
    epv_evt_begin(o, "failed");
    epv_evt_cstr(o, "reason", reason);
    epv_evt_cstr(o, "detail", detail);
    epv_evt_end(o, 'E');
}
