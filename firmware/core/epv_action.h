/* What the state machines ask a port to do, and what a port needs to supply (emit sink, randomness).
 * A port executes each action as it is emitted; it must not feed events back from inside emit. */
#ifndef EPV_ACTION_H
#define EPV_ACTION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epv_compat.h"
#include "epv_frame.h"

#define EPV_VERSION "0.1.0"
#define EPV_TAG_PROV "espnow_prov"
#define EPV_TAG_EVT "PROV_EVT"
#define EPV_LOG_TEXT_MAX 200

/** Where to join, as an Espressif WIFI frame's wifi_sta_config_t says (bssid_set / bssid / channel). */
typedef struct {
    bool bssid_set; /* join only the AP with this BSSID */
    uint8_t bssid[EPV_MAC_LEN];
    uint8_t channel; /* the AP's channel, 0 = scan */
} epv_ap_hint_t;

typedef enum {
    EPV_TIMER_BEACON = 0, /* responder: next beacon */
    EPV_TIMER_WINDOW,     /* responder: end of the beacon window */
    EPV_TIMER_DWELL,      /* initiator: hop to the next channel */
    EPV_TIMER_SCAN,       /* initiator: give up scanning */
    EPV_TIMER_REPLY,      /* initiator: no credentials yet, retry */
    EPV_TIMER_WIFI,       /* initiator: join / DHCP took too long */
    EPV_TIMER_COUNT
} epv_timer_id_t;

typedef enum {
    EPV_ACT_SEND = 0,     /* u.send: one ESP-NOW frame on the current channel */
    EPV_ACT_SET_CHANNEL,  /* u.channel */
    EPV_ACT_TIMER_START,  /* u.timer: one-shot; restarting a running timer replaces it */
    EPV_ACT_TIMER_STOP,   /* u.timer.id */
    EPV_ACT_WIFI_JOIN,    /* u.join: connect as a station */
    EPV_ACT_LOG,          /* u.log: one line, "<level> (<ms>) <tag>: <text>" */
    EPV_ACT_STORE_CREDS   /* u.join (hint unused): keep these Wi-Fi credentials in NVS and erase the pair key */
} epv_action_kind_t;

typedef struct {
    epv_action_kind_t kind;
    union {
        struct {
            uint8_t dest[EPV_MAC_LEN];
            size_t len;
            uint8_t frame[EPV_FRAME_MAX];
        } send;
        uint8_t channel;
        struct {
            epv_timer_id_t id;
            uint32_t ms;
        } timer;
        struct {
            uint8_t ssid[EPV_SSID_MAX + 1];
            uint8_t ssid_len;
            uint8_t password[EPV_PASSWORD_MAX + 1];
            uint8_t password_len;
            epv_ap_hint_t hint; /* from an Espressif WIFI frame; all zero otherwise */
        } join;
        struct {
            char level; /* 'E', 'W', 'I', 'D' */
            const char *tag;
            char text[EPV_LOG_TEXT_MAX];
        } log;
    } u;
} epv_action_t;

typedef void (*epv_emit_fn)(void *ctx, const epv_action_t *action);
typedef void (*epv_random_fn)(void *ctx, uint8_t *out, size_t len);

/** What a port hands to a node: where actions go and where random bytes come from. */
typedef struct {
    epv_emit_fn emit;
    void *emit_ctx;
    epv_random_fn random;
    void *random_ctx;
} epv_env_t;

#endif
