/* One provisioning node, either role: the single entry point ports drive with events. */
#ifndef EPV_NODE_H
#define EPV_NODE_H

#include "epv_initiator.h"
#include "epv_responder.h"

typedef struct {
    epv_role_t role;
    epv_dedupe_t dedupe;
    bool told_security; /* the "security bit set" hint was logged */
    union {
        epv_responder_t responder;
        epv_initiator_t initiator;
    } u;
} epv_node_t;

/** Validates cfg (reason in *why) and prepares the role's state machine. Emits nothing. */
epv_status_t epv_node_init(epv_node_t *n, const epv_config_t *cfg, const epv_env_t *env, const char **why);
/** Prints the boot event and starts beaconing or scanning. */
void epv_node_start(epv_node_t *n);
void epv_node_on_timer(epv_node_t *n, epv_timer_id_t id);
/**
 * One ESP-NOW frame as the radio delivered it. Frames that are not PROV, malformed, repeated (same
 * type and magic), sent by ourselves, heard on an adjacent channel or encrypted by Espressif's esp-now
 * security (header `security` bit) are dropped here.
 */
void epv_node_on_frame(epv_node_t *n, const uint8_t src[EPV_MAC_LEN], int rssi, uint8_t channel,
                       const uint8_t *data, size_t len);
void epv_node_on_send_done(epv_node_t *n, const uint8_t dest[EPV_MAC_LEN], bool ok);
void epv_node_on_wifi_connected(epv_node_t *n, const uint8_t bssid[EPV_MAC_LEN], uint8_t channel);
void epv_node_on_wifi_disconnected(epv_node_t *n, int reason);
/** The Wi-Fi driver refused to start the join the node asked for; error_name is the driver's constant name. */
void epv_node_on_wifi_join_error(epv_node_t *n, const char *error_name);
void epv_node_on_got_ip(epv_node_t *n, const uint8_t ip[4], const uint8_t mask[4], const uint8_t gw[4]);

#endif
