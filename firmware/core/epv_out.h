/* Emitting actions: a scratch action inside the node's own state, so nothing large sits on the stack. */
#ifndef EPV_OUT_H
#define EPV_OUT_H

#include <stdbool.h>
#include "epv_action.h"
#include "epv_creds.h"
#include "epv_fail.h"

typedef struct {
    epv_env_t env;
    epv_action_t act;
    size_t evt_len; /* bytes used in act.u.log.text while building an event line */
} epv_out_t;

void epv_out_init(epv_out_t *o, const epv_env_t *env);
void epv_out_random(epv_out_t *o, uint8_t *buf, size_t len);
/** Builds header (src = self, random magic) + payload and emits EPV_ACT_SEND. */
epv_status_t epv_out_send(epv_out_t *o, epv_hdr_t *h, const uint8_t *payload, size_t len);
void epv_out_channel(epv_out_t *o, uint8_t channel);
void epv_out_timer_start(epv_out_t *o, epv_timer_id_t id, uint32_t ms);
void epv_out_timer_stop(epv_out_t *o, epv_timer_id_t id);
/** Emits EPV_ACT_WIFI_JOIN; hint may be NULL (join any AP with that SSID, scanning all channels). */
void epv_out_join(epv_out_t *o, const epv_creds_t *c, const epv_ap_hint_t *hint);
/** Emits EPV_ACT_STORE_CREDS: the port keeps the credentials in NVS and erases the pair key there. */
void epv_out_store_creds(epv_out_t *o, const epv_creds_t *c);
/** Human-readable line with tag espnow_prov. Never pass secrets. */
void epv_out_log(epv_out_t *o, char level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* PROV_EVT lines: begin, add key=value pairs (values percent-encoded), end emits. */
void epv_evt_begin(epv_out_t *o, const char *event);
void epv_evt_str(epv_out_t *o, const char *key, const uint8_t *val, size_t len);
void epv_evt_cstr(epv_out_t *o, const char *key, const char *val);
void epv_evt_int(epv_out_t *o, const char *key, long val);
void epv_evt_mac(epv_out_t *o, const char *key, const uint8_t mac[EPV_MAC_LEN]);
void epv_evt_ip(epv_out_t *o, const char *key, const uint8_t ip[4]);
void epv_evt_end(epv_out_t *o, char level);
/** The one way a node reports giving up: an error log line and `failed reason=<name>[_<code>] detail=<detail>`.
 * `code` < 0 adds nothing to the name (only EPV_FAIL_WIFI_REASON carries one: the disconnect reason). */
void epv_evt_failed(epv_out_t *o, epv_fail_t why, int code, const char *detail);

/** "aa:bb:cc:dd:ee:ff" */
void epv_fmt_mac(char out[18], const uint8_t mac[EPV_MAC_LEN]);
/** Percent-encodes space, '%', '=' and bytes outside 0x21..0x7e; returns bytes written (without NUL). */
size_t epv_pct_encode(char *out, size_t cap, const uint8_t *val, size_t len);

#endif
