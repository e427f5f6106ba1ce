/* Initiator: scans for a responder's beacon, asks for credentials, joins the AP. */
#ifndef EPV_INITIATOR_H
#define EPV_INITIATOR_H

#include <stdbool.h>
#include "epv_config.h"
#include "epv_out.h"
#include "epv_session.h"

#define EPV_REQUEST_ATTEMPTS 5
#define EPV_REPLY_TIMEOUT_MS 1000
#define EPV_WIFI_ATTEMPTS 3
#define EPV_WIFI_TIMEOUT_MS 20000 /* per join attempt, and again for DHCP */
#define EPV_DWELL_EXTRA_MS 10     /* dwell = beacon interval + 10 ms, as the reference scans */
#define EPV_AP_CHANNEL_MAX 14     /* highest 2.4 GHz channel an AP hint may name (14: Japan) */
#define EPV_TRIED_MAX 4           /* responders that gave no valid reply, skipped while scanning on */

typedef enum {
    EPV_ISTATE_IDLE = 0,
    EPV_ISTATE_SCANNING,
    EPV_ISTATE_REQUESTING,
    EPV_ISTATE_JOINING,
    EPV_ISTATE_WAIT_IP,
    EPV_ISTATE_DONE,
    EPV_ISTATE_FAILED
} epv_istate_t;

typedef struct {
    uint8_t rn[EPV_NONCE_LEN];
    uint8_t in[EPV_NONCE_LEN];
} epv_attempt_t;

typedef struct {
    epv_config_t cfg;
    epv_out_t out;
    epv_istate_t state;
    uint8_t channel;
    uint8_t responder[EPV_MAC_LEN];
    uint8_t latest_rn[EPV_NONCE_LEN];
    epv_attempt_t attempts[EPV_REQUEST_ATTEMPTS];
    uint8_t attempt_count;
    /* Responders that never gave a valid reply (another fleet's, another pair key): not asked again. */
    uint8_t tried[EPV_TRIED_MAX][EPV_MAC_LEN];
    uint8_t tried_count;
    uint8_t wifi_attempts;
    bool told_other_mode;
    bool stored; /* credentials handed to the port to keep (once per boot) */
    epv_creds_t creds; /* kept for re-joins; wiped on failure */
    epv_ap_hint_t ap;  /* bssid / channel of a compat WIFI frame, for every join */
    uint8_t payload[EPV_PAYLOAD_MAX];
} epv_initiator_t;

void epv_initiator_init(epv_initiator_t *n, const epv_config_t *cfg, const epv_env_t *env);
void epv_initiator_start(epv_initiator_t *n);
void epv_initiator_on_timer(epv_initiator_t *n, epv_timer_id_t id);
void epv_initiator_on_frame(epv_initiator_t *n, const epv_hdr_t *h, const uint8_t *payload, size_t len, int rssi,
                            uint8_t channel);
/** The port could not even start a join (esp_wifi_set_config / esp_wifi_connect failed): fail now. */
void epv_initiator_on_wifi_join_error(epv_initiator_t *n, const char *error_name);
void epv_initiator_on_send_done(epv_initiator_t *n, const uint8_t dest[EPV_MAC_LEN], bool ok);
void epv_initiator_on_wifi_connected(epv_initiator_t *n, const uint8_t bssid[EPV_MAC_LEN], uint8_t channel);
void epv_initiator_on_wifi_disconnected(epv_initiator_t *n, int reason);
void epv_initiator_on_got_ip(epv_initiator_t *n, const uint8_t ip[4], const uint8_t mask[4], const uint8_t gw[4]);

#endif
