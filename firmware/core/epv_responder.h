/* Responder: beacons for a window and hands credentials to initiators that qualify. */
#ifndef EPV_RESPONDER_H
#define EPV_RESPONDER_H

#include <stdbool.h>
#include "epv_config.h"
#include "epv_out.h"

#define EPV_NONCE_LIFETIME_MS 5000 /* the beacon nonce rotates; the previous one stays valid */
#define EPV_USED_NONCES 16         /* initiator nonces already answered (replay memory) */
#define EPV_REPLY_RESENDS 2        /* a reply the radio reports as not acknowledged is sent again */

typedef enum { EPV_RSTATE_IDLE = 0, EPV_RSTATE_BEACONING, EPV_RSTATE_ENDED } epv_rstate_t;

typedef struct {
    epv_config_t cfg;
    epv_out_t out;
    epv_rstate_t state;
    uint8_t channel;
    uint32_t sent;
    uint32_t served; /* initiators credentials were sent to in this window */
    uint32_t since_rotate;
    uint8_t nonce[EPV_NONCE_LEN];
    uint8_t prev_nonce[EPV_NONCE_LEN];
    bool has_prev;
    uint8_t used[EPV_USED_NONCES][EPV_NONCE_LEN];
    uint8_t used_count;
    uint8_t used_next;
    /* scratch for one reply, kept here rather than on a small task stack */
    uint8_t payload[EPV_PAYLOAD_MAX];
    /* the last reply, until the radio reports it acknowledged (or resends run out) */
    uint8_t reply[EPV_PAYLOAD_MAX];
    size_t reply_len;
    uint8_t reply_to[EPV_MAC_LEN];
    uint8_t reply_resends;
} epv_responder_t;

void epv_responder_init(epv_responder_t *r, const epv_config_t *cfg, const epv_env_t *env);
void epv_responder_start(epv_responder_t *r);
void epv_responder_on_timer(epv_responder_t *r, epv_timer_id_t id);
void epv_responder_on_frame(epv_responder_t *r, const epv_hdr_t *h, const uint8_t *payload, size_t len);
void epv_responder_on_send_done(epv_responder_t *r, const uint8_t dest[EPV_MAC_LEN], bool ok);

#endif
