/* The lab link (docs/LAB-LINK.md): one TCP connection carrying text lines both ways. */
#ifndef HOST_LINK_H
#define HOST_LINK_H

#include <stddef.h>
#include <stdint.h>
#include "../core/epv_node.h"

#define HOST_LINE_MAX 1024

typedef struct {
    int fd;
    char in[4 * HOST_LINE_MAX];
    size_t in_len;
} host_link_t;

/** Connects to "HOST:PORT" (IPv4 literal); -1 on failure. */
int host_link_connect(host_link_t *l, const char *addr);
/** Writes one whole line (adds '\n'); -1 when the lab is gone. */
int host_link_send(host_link_t *l, const char *line);
void host_link_send_tx(host_link_t *l, const uint8_t dest[EPV_MAC_LEN], const uint8_t *frame, size_t len);
void host_link_send_channel(host_link_t *l, uint8_t channel);
void host_link_send_join(host_link_t *l, const uint8_t *ssid, size_t ssid_len, const uint8_t *pw, size_t pw_len);

typedef void (*host_line_warn_fn)(void *ctx, const char *what);

/**
 * Reads what is available and feeds each complete line to the node. Returns 0, or -1 when the lab
 * closed the link. Malformed known lines are reported through warn and dropped.
 */
int host_link_pump(host_link_t *l, epv_node_t *node, host_line_warn_fn warn, void *warn_ctx);

/** Parses one lab-to-program line and drives the node; returns 0, 1 for an unknown kind, -1 if malformed. */
int host_link_dispatch(const char *line, epv_node_t *node);

#endif
