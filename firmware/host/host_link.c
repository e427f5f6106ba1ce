#define _POSIX_C_SOURCE 200809L
#include "host_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../core/epv_crypto.h"

int host_link_connect(host_link_t *l, const char *addr)
{
    char host[64];
    const char *colon = strrchr(addr, ':');
    if (!colon || (size_t)(colon - addr) >= sizeof(host)) {
        return -1;
    }
    memcpy(host, addr, (size_t)(colon - addr));
    host[colon - addr] = '\0';
    char *end = NULL;
    long port = strtol(colon + 1, &end, 10);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (*end || port <= 0 || port > 65535 || inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        return -1;
    }
    l->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    l->in_len = 0;
    if (l->fd < 0) {
        return -1;
    }
    if (connect(l->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        close(l->fd);
        l->fd = -1;
        return -1;
    }
    return 0;
}

int host_link_send(host_link_t *l, const char *line)
{
    char buf[HOST_LINE_MAX + 1];
    size_t n = strlen(line);
    if (n >= HOST_LINE_MAX) {
        return -1;
    }
    memcpy(buf, line, n);
    buf[n++] = '\n';
    size_t off = 0;
    while (off < n) {
        ssize_t w = send(l->fd, buf + off, n - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            break;
        }
        off += (size_t)w;
    }
    /* WIFI_CONNECT lines hold the password. epv_wipe, not memset: a memset of a buffer that is never read
     * again is a dead store the optimiser may drop. */
    epv_wipe(buf, sizeof(buf));
    return off == n ? 0 : -1;
}

static size_t hex(char *out, const uint8_t *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
    return 2 * n;
}

void host_link_send_tx(host_link_t *l, const uint8_t dest[EPV_MAC_LEN], const uint8_t *frame, size_t len)
{
    char line[HOST_LINE_MAX];
    char mac[18];
    epv_fmt_mac(mac, dest);
    int n = snprintf(line, sizeof(line), "TX %s ", mac);
    hex(line + n, frame, len);
    (void)host_link_send(l, line);
}

void host_link_send_channel(host_link_t *l, uint8_t channel)
{
    char line[32];
    snprintf(line, sizeof(line), "CHANNEL %u", channel);
    (void)host_link_send(l, line);
}

void host_link_send_join(host_link_t *l, const uint8_t *ssid, size_t ssid_len, const uint8_t *pw, size_t pw_len)
{
    char line[HOST_LINE_MAX];
    size_t n = (size_t)snprintf(line, sizeof(line), "WIFI_CONNECT ");
    n += hex(line + n, ssid, ssid_len);
    line[n++] = ' ';
    hex(line + n, pw, pw_len);
    (void)host_link_send(l, line);
    epv_wipe(line, sizeof(line)); /* holds the password in hex */
}

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    size_t n = strlen(s);
    if (n % 2 || n / 2 > cap) {
        return -1;
    }
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1 || !strchr("0123456789abcdefABCDEF", s[2 * i]) ||
            !strchr("0123456789abcdefABCDEF", s[2 * i + 1])) {
            return -1;
        }
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

static int parse_int(const char *s, long lo, long hi, long *out)
{
    char *end = NULL;
    if (!s || !*s) {
        return -1;
    }
    long v = strtol(s, &end, 10);
    if (*end || v < lo || v > hi) {
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_ip(const char *s, uint8_t ip[4])
{
    struct in_addr a;
    if (!s || inet_pton(AF_INET, s, &a) != 1) {
        return -1;
    }
    memcpy(ip, &a.s_addr, 4); /* network order = dotted order */
    return 0;
}

int host_link_dispatch(const char *line, epv_node_t *node)
{
    char copy[HOST_LINE_MAX];
    char *f[6] = {0};
    int nf = 0;
    if (strlen(line) >= sizeof(copy)) {
        return -1;
    }
    strcpy(copy, line);
    for (char *save = NULL, *tok = strtok_r(copy, " ", &save); tok && nf < 6; tok = strtok_r(NULL, " ", &save)) {
        f[nf++] = tok;
    }
    if (nf == 0) {
        return 1;
    }
    uint8_t mac[EPV_MAC_LEN];
    long a = 0, b = 0;
    if (!strcmp(f[0], "RX")) {
        uint8_t frame[EPV_FRAME_MAX];
        size_t len = 0;
        if (nf != 5 || epv_parse_mac(f[1], strlen(f[1]), mac) || parse_int(f[2], -128, 127, &a) ||
            parse_int(f[3], 1, 14, &b) || unhex(f[4], frame, sizeof(frame), &len)) {
            epv_wipe(copy, sizeof(copy));
            return -1;
        }
        epv_node_on_frame(node, mac, (int)a, (uint8_t)b, frame, len);
        /* A compat-mode WIFI frame carries the password in clear, in the frame and in the line's hex. */
        epv_wipe(frame, sizeof(frame));
        epv_wipe(copy, sizeof(copy));
    } else if (!strcmp(f[0], "TXDONE")) {
        if (nf != 3 || epv_parse_mac(f[1], strlen(f[1]), mac) || (strcmp(f[2], "OK") && strcmp(f[2], "FAIL"))) {
            return -1;
        }
        epv_node_on_send_done(node, mac, !strcmp(f[2], "OK"));
    } else if (!strcmp(f[0], "WIFI_CONNECTED")) {
        if (nf != 3 || epv_parse_mac(f[1], strlen(f[1]), mac) || parse_int(f[2], 1, 14, &a)) {
            return -1;
        }
        epv_node_on_wifi_connected(node, mac, (uint8_t)a);
    } else if (!strcmp(f[0], "WIFI_DISCONNECTED")) {
        if (nf != 2 || parse_int(f[1], 0, 65535, &a)) {
            return -1;
        }
        epv_node_on_wifi_disconnected(node, (int)a);
    } else if (!strcmp(f[0], "GOT_IP")) {
        uint8_t ip[4], mask[4], gw[4];
        if (nf != 4 || parse_ip(f[1], ip) || parse_ip(f[2], mask) || parse_ip(f[3], gw)) {
            return -1;
        }
        epv_node_on_got_ip(node, ip, mask, gw);
    } else {
        return 1;
    }
    return 0;
}

int host_link_pump(host_link_t *l, epv_node_t *node, host_line_warn_fn warn, void *warn_ctx)
{
    ssize_t r = recv(l->fd, l->in + l->in_len, sizeof(l->in) - l->in_len, 0);
    if (r < 0 && (errno == EINTR || errno == EAGAIN)) {
        return 0;
    }
    if (r <= 0) {
        return -1;
    }
    l->in_len += (size_t)r;
    size_t start = 0;
    for (size_t i = 0; i < l->in_len; i++) {
        if (l->in[i] != '\n') {
            continue;
        }
        l->in[i] = '\0';
        if (i > start && l->in[i - 1] == '\r') {
            l->in[i - 1] = '\0';
        }
        if (host_link_dispatch(l->in + start, node) < 0) {
            warn(warn_ctx, l->in + start);
        }
        start = i + 1;
    }
    memmove(l->in, l->in + start, l->in_len - start);
    l->in_len -= start;
    if (l->in_len == sizeof(l->in)) {
        warn(warn_ctx, "line too long, dropped");
        l->in_len = 0;
    }
    return 0;
}
