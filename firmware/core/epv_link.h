/* The ESP-NOW send discipline every port shares. ESP-NOW sends only to registered peers and holds at most
 * 20 of them (ESP_NOW_MAX_TOTAL_PEER_NUM), reports every frame once through its send callback, and wants
 * the next frame only after that callback. So: one frame in flight, the rest queued; a unicast peer is
 * registered for its frame and removed once the frame is done, so any number of initiators can be served
 * per boot; a frame the radio refuses is reported to the node as a failed send, never silently lost. */
#ifndef EPV_LINK_H
#define EPV_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "epv_node.h"

/** What a radio call returned, in the port's own error terms mapped to these. */
typedef enum {
    EPV_RADIO_OK = 0,
    EPV_RADIO_NOT_FOUND, /* unicast to a MAC that is not a peer */
    EPV_RADIO_FULL,      /* the peer table is full */
    EPV_RADIO_EXIST,     /* the peer is already registered */
    EPV_RADIO_ARG,       /* bad length, bad channel, ... */
    EPV_RADIO_FAILED     /* anything else the radio reports */
} epv_radio_err_t;

/** The port's radio primitives (esp_now_add_peer / del_peer / send, or the lab's imports). */
typedef struct {
    epv_radio_err_t (*add_peer)(void *ctx, const uint8_t mac[EPV_MAC_LEN]);
    epv_radio_err_t (*del_peer)(void *ctx, const uint8_t mac[EPV_MAC_LEN]);
    epv_radio_err_t (*send)(void *ctx, const uint8_t mac[EPV_MAC_LEN], const uint8_t *frame, size_t len);
    /** Told about every refusal, for the port's log; may be NULL. `what` is "add_peer", "send" or "queue". */
    void (*warn)(void *ctx, const char *what, const uint8_t mac[EPV_MAC_LEN], epv_radio_err_t err);
    void *ctx;
} epv_radio_ops_t;

#define EPV_LINK_QUEUE_LEN 8

typedef struct {
    uint8_t dest[EPV_MAC_LEN];
    uint16_t len;
    uint8_t frame[EPV_FRAME_MAX];
} epv_link_frame_t;

typedef struct {
    epv_radio_ops_t ops;
    epv_link_frame_t queue[EPV_LINK_QUEUE_LEN];
    uint8_t head;
    uint8_t count;
    bool in_flight;
    bool in_flight_peer_ours; /* registered for this frame: removed when it is done */
    uint8_t in_flight_dest[EPV_MAC_LEN];
    uint32_t dropped; /* frames refused because the queue was full */
} epv_link_t;

void epv_link_init(epv_link_t *l, const epv_radio_ops_t *ops);

/**
 * Queues one frame: what a port does with EPV_ACT_SEND. Nothing is sent here (ports must not call back
 * into the node from inside emit); epv_link_pump sends. EPV_ERR_OVERFLOW when the queue is full or the
 * frame too long: the frame is dropped and reported to the port's warn.
 */
epv_status_t epv_link_queue(epv_link_t *l, const uint8_t dest[EPV_MAC_LEN], const uint8_t *frame, size_t len);

/**
 * The radio's send callback. For the frame in flight: its peer is removed if it was registered for it,
 * and the node hears the result. A callback for anything else is ignored.
 */
void epv_link_on_sent(epv_link_t *l, epv_node_t *n, const uint8_t dest[EPV_MAC_LEN], bool ok);

/**
 * Hands queued frames to the radio while none is in flight. Ports call it after every event they fed to
 * the node (and after epv_link_on_sent). A frame the radio refuses at once is reported to the node as a
 * failed send, and the next one is tried.
 */
void epv_link_pump(epv_link_t *l, epv_node_t *n);

/** Frames waiting or in flight (0 when idle). */
size_t epv_link_pending(const epv_link_t *l);

/** Constant name of a radio error, for logs. */
const char *epv_radio_err_str(epv_radio_err_t err);

#endif
