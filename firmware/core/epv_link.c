#include "epv_link.h"

#include <string.h>

static const uint8_t BROADCAST[EPV_MAC_LEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void epv_link_init(epv_link_t *l, const epv_radio_ops_t *ops)
{
    memset(l, 0, sizeof(*l));
    l->ops = *ops;
}

static void warn(epv_link_t *l, const char *what, const uint8_t mac[EPV_MAC_LEN], epv_radio_err_t err)
{
    if (l->ops.warn) {
        l->ops.warn(l->ops.ctx, what, mac, err);
    }
}

epv_status_t epv_link_queue(epv_link_t *l, const uint8_t dest[EPV_MAC_LEN], const uint8_t *frame, size_t len)
{
    if (!dest || !frame || len == 0 || len > EPV_FRAME_MAX) {
        warn(l, "queue", dest ? dest : BROADCAST, EPV_RADIO_ARG);
        return EPV_ERR_ARG;
    }
    if (l->count == EPV_LINK_QUEUE_LEN) {
        l->dropped++;
        warn(l, "queue", dest, EPV_RADIO_FULL);
        return EPV_ERR_OVERFLOW;
    }
    epv_link_frame_t *slot = &l->queue[(l->head + l->count) % EPV_LINK_QUEUE_LEN];
    memcpy(slot->dest, dest, EPV_MAC_LEN);
    memcpy(slot->frame, frame, len);
    slot->len = (uint16_t)len;
    l->count++;
    return EPV_OK;
}

/* Takes the oldest queued frame out into *out (and wipes its slot: a compat WIFI frame holds a password). */
static void pop(epv_link_t *l, epv_link_frame_t *out)
{
    epv_link_frame_t *slot = &l->queue[l->head];
    *out = *slot;
    memset(slot, 0, sizeof(*slot));
    l->head = (uint8_t)((l->head + 1) % EPV_LINK_QUEUE_LEN);
    l->count--;
}

/* Registers dest for one frame. *ours says whether to remove it afterwards: the broadcast peer, once
 * registered, stays (it serves every beacon), and a peer someone else registered is not ours to remove. */
static epv_radio_err_t ensure_peer(epv_link_t *l, const uint8_t dest[EPV_MAC_LEN], bool *ours)
{
    epv_radio_err_t err = l->ops.add_peer(l->ops.ctx, dest);
    *ours = err == EPV_RADIO_OK && memcmp(dest, BROADCAST, EPV_MAC_LEN) != 0;
    return err == EPV_RADIO_EXIST ? EPV_RADIO_OK : err;
}

void epv_link_pump(epv_link_t *l, epv_node_t *n)
{
    while (!l->in_flight && l->count > 0) {
        epv_link_frame_t f;
        pop(l, &f);
        bool ours = false;
        epv_radio_err_t err = ensure_peer(l, f.dest, &ours);
        if (err != EPV_RADIO_OK) {
            warn(l, "add_peer", f.dest, err);
        } else {
            err = l->ops.send(l->ops.ctx, f.dest, f.frame, f.len);
            if (err != EPV_RADIO_OK) {
                warn(l, "send", f.dest, err);
                if (ours) {
                    (void)l->ops.del_peer(l->ops.ctx, f.dest);
                }
            }
        }
        if (err == EPV_RADIO_OK) {
            l->in_flight = true;
            l->in_flight_peer_ours = ours;
            memcpy(l->in_flight_dest, f.dest, EPV_MAC_LEN);
        }
        memset(f.frame, 0, sizeof(f.frame));
        if (err != EPV_RADIO_OK && n) {
            epv_node_on_send_done(n, f.dest, false); /* may queue more: the loop takes them */
        }
    }
}

void epv_link_on_sent(epv_link_t *l, epv_node_t *n, const uint8_t dest[EPV_MAC_LEN], bool ok)
{
    if (!l->in_flight || memcmp(dest, l->in_flight_dest, EPV_MAC_LEN) != 0) {
        return;
    }
    l->in_flight = false;
    if (l->in_flight_peer_ours) {
        (void)l->ops.del_peer(l->ops.ctx, l->in_flight_dest);
        l->in_flight_peer_ours = false;
    }
    if (n) {
        epv_node_on_send_done(n, dest, ok);
    }
}

size_t epv_link_pending(const epv_link_t *l)
{
    return (size_t)l->count + (l->in_flight ? 1u : 0u);
}

const char *epv_radio_err_str(epv_radio_err_t err)
{
    switch (err) {
    case EPV_RADIO_OK:
        return "ok";
    case EPV_RADIO_NOT_FOUND:
        return "peer_not_found";
    case EPV_RADIO_FULL:
        return "full";
    case EPV_RADIO_EXIST:
        return "peer_exists";
    case EPV_RADIO_ARG:
        return "bad_argument";
    case EPV_RADIO_FAILED:
        return "failed";
    }
    return "?";
}
